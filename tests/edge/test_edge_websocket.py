"""The edge's header limits on a WebSocket handshake (Corti's live stream), over real uvicorn.

A refused handshake is answered as HTTP (431 in Corti's shape) and never accepted; one within
the limits opens as before.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import quote, urlencode

import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.api.corti.conftest import ERROR_KEYS, encounter, login
from tests.conftest import client_for, new_key
from tests.local_http import serving


@pytest.fixture(scope="module")
async def edge_ws(edge_app: FastAPI) -> AsyncIterator[str]:
    """ws:// base of a uvicorn server serving the small-limits app."""
    async with serving(edge_app) as port:
        yield f"ws://127.0.0.1:{port}/audio-bridge/v2"


@pytest.fixture
async def stream_url(edge_app: FastAPI, edge_ws: str) -> str:
    """A valid live-stream URL: a fresh tenant's interaction and login token."""
    key = await new_key(edge_app.state.runtime)
    async with client_for(edge_app, None) as anonymous:
        token = await login(anonymous, key)
    headers = {"Authorization": f"Bearer {token}", "Tenant-Name": key.tenant_name}
    async with client_for(edge_app, None, **headers) as corti:
        created = await corti.post("/v2/interactions/", json={"encounter": encounter()})
    assert created.status_code == 201, created.text
    query = urlencode({"tenant-name": key.tenant_name, "token": f"Bearer {token}"}, quote_via=quote)
    return f"{edge_ws}/interactions/{created.json()['interactionId']}/streams?{query}"


def _refused(error: InvalidStatus) -> dict[str, object]:
    assert error.response.status_code == 431
    body: dict[str, object] = json.loads(error.response.body or b"{}")
    assert set(body) == ERROR_KEYS
    assert body["status"] == 431
    return body


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({f"x-filler-{n}": "v" for n in range(60)}, id="too-many"),
        pytest.param({"x-big-1": "v" * 5000, "x-big-2": "v" * 5000}, id="too-large"),
    ],
)
async def test_a_handshake_past_the_header_limits_is_431_and_never_opens(
    stream_url: str, headers: dict[str, str]
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(stream_url, additional_headers=headers):
            pytest.fail("the stream opened")
    _refused(refused.value)


async def test_a_handshake_within_the_limits_opens(stream_url: str) -> None:
    async with connect(stream_url, additional_headers={"x-filler": "v" * 2000}) as ws:
        await ws.send(json.dumps({"type": "end"}))
