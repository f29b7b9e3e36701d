"""Slow uploads hold no pooled connection and are cut with 408; a client gone mid-upload is 499."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI

from scribe.runtime import Runtime
from tests.conftest import new_key
from tests.edge.conftest import STALL_SECONDS, edge_client

_FORM = "multipart/form-data; boundary=b"
WAV_HEAD = b"RIFF\x24\x08\x00\x00WAVEfmt "


FORM_HEAD = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
    b"Content-Type: audio/wav\r\n\r\n" + WAV_HEAD
)

PDF_HEAD = FORM_HEAD.replace(b"audio/wav", b"application/pdf").replace(WAV_HEAD, b"%PDF-1.4")


async def _stalling(first: bytes = WAV_HEAD) -> AsyncIterator[bytes]:
    yield first
    await asyncio.sleep(STALL_SECONDS * 4)  # never reached: the server cuts the body first
    yield b"late"


def _pool_connections(runtime: Runtime) -> int:
    pool: Any = runtime.engine.pool
    return int(pool.size() + pool._max_overflow)


async def test_more_slow_uploads_than_pooled_connections_leave_other_requests_alone(
    edge_app: FastAPI, runtime: Runtime
) -> None:
    key = await new_key(runtime)
    async with edge_client(edge_app, key.api_key) as client:
        created = await client.post("/v2/interactions/", json={"encounter": _encounter()})
        interaction = created.json()["interactionId"]
        url = f"/v2/interactions/{interaction}/recordings/"
        uploads = [
            asyncio.create_task(
                client.post(url, content=_stalling(), headers={"Content-Type": "audio/wav"})
            )
            for _ in range(_pool_connections(runtime) + 1)
        ]
        await asyncio.sleep(0.3)  # every upload is past auth and the lookup, waiting for bytes
        assert not any(task.done() for task in uploads)
        # A database-backed request answers at once (it waited 30 s for the pool, then 503).
        other = await asyncio.wait_for(client.get(f"/v2/interactions/{interaction}"), 3)
        assert other.status_code == 200, other.text
        cut = await asyncio.gather(*uploads)
        listed = await client.get(url)
    for response in cut:
        assert response.status_code == 408, response.text
        assert response.json()["type"].endswith("#A0002")
    assert listed.json()["recordings"] == []  # nothing half-stored


@pytest.mark.parametrize(
    ("path", "first", "keys"),
    [
        ("/v1/copilot-api/server/listen", FORM_HEAD, {"code", "message"}),
        ("/ai/v1/ingest", PDF_HEAD, {"code", "message"}),
        ("/v1/transcriptions/create", b'{"a": ', {"statusCode", "error", "message"}),
    ],
)
async def test_a_stalled_body_is_408_in_the_dialect_shape(
    edge_app: FastAPI, runtime: Runtime, path: str, first: bytes, keys: set[str]
) -> None:
    content_type = "application/json" if first.startswith(b"{") else _FORM
    key = await new_key(runtime)
    async with edge_client(edge_app, key.api_key, **{"x-doctor": "dr"}) as client:
        response = await client.post(
            path, content=_stalling(first), headers={"Content-Type": content_type}
        )
    assert response.status_code == 408, response.text
    assert keys <= set(response.json())


async def test_a_client_gone_mid_upload_is_a_disconnect_not_a_500(
    edge_app: FastAPI, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    key = await new_key(runtime)
    async with edge_client(edge_app, key.api_key) as client:
        created = await client.post("/v2/interactions/", json={"encounter": _encounter()})
    path = f"/v2/interactions/{created.json()['interactionId']}/recordings/"
    messages: list[MutableMapping[str, Any]] = [
        {"type": "http.request", "body": WAV_HEAD, "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> MutableMapping[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        pass

    metrics = edge_app.state.runtime.metrics.http_requests
    route = "/interactions/{id}/recordings/"  # the route template as the router names it
    before = metrics.labels("POST", route, "500")._value.get()
    closed = metrics.labels("POST", route, "499")._value.get()
    with caplog.at_level(logging.INFO):
        await edge_app(_scope(path, key.api_key), receive, send)
    assert metrics.labels("POST", route, "500")._value.get() == before
    assert metrics.labels("POST", route, "499")._value.get() == closed + 1
    assert any(r.getMessage() == "client disconnected" for r in caplog.records)
    assert not any(r.getMessage() == "unhandled error" for r in caplog.records)


def _scope(path: str, api_key: str) -> dict[str, Any]:
    headers = [
        (b"host", b"scribe.test"),
        (b"authorization", f"Bearer {api_key}".encode()),
        (b"content-type", b"audio/wav"),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("10.9.9.9", 40000),
        "server": ("scribe.test", 80),
    }


def _encounter() -> dict[str, object]:
    return {
        "identifier": "enc-slow",
        "status": "planned",
        "type": "first_consultation",
        "period": {"startedAt": "2026-11-21T09:00:00Z"},
    }
