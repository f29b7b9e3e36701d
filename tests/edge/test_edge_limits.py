"""Body limits before auth, header limits, failed-auth throttling, websocketUrl, bootstrap key."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from scribe.config import Settings
from scribe.runtime import Runtime
from tests.conftest import new_key
from tests.edge.conftest import AUTH_FAILURES, PUBLIC_BASE_URL, edge_client

BIG = 3 * 1024 * 1024  # past the 2 MB JSON limit
# (path, the keys of the dialect's error body)
DIALECTS = [
    ("/v1/transcriptions/create", {"statusCode", "error", "message"}),
    ("/v2/interactions/", {"requestid", "type", "status", "title", "detail"}),
    ("/v1/copilot-api/server/digest", {"code", "message"}),
    ("/ai/v1/summaries", {"code", "message"}),
    ("/api/v1/auth/token", {"messsage", "message", "errorType"}),
]


def _shape(body: dict[str, object], keys: set[str]) -> None:
    assert keys <= set(body), body


@pytest.mark.parametrize(("path", "keys"), DIALECTS)
@pytest.mark.parametrize(
    "content_type", ["application/merge-patch+json", "application/octet-stream", "image/png"]
)
async def test_a_declared_large_body_of_any_type_is_413_before_auth(
    edge_app: FastAPI, path: str, keys: set[str], content_type: str
) -> None:
    async with edge_client(edge_app) as anonymous:  # no credentials: auth would say 401
        response = await anonymous.post(
            path, content=b"x" * BIG, headers={"Content-Type": content_type}
        )
    assert response.status_code == 413, response.text
    _shape(response.json(), keys)


async def _trickle(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 65536):
        yield b"x" * 65536


async def test_a_chunked_body_is_counted_as_it_arrives(edge_app: FastAPI) -> None:
    async with edge_client(edge_app) as anonymous:
        response = await anonymous.post(
            "/v1/transcriptions/create",
            content=_trickle(BIG),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413
    _shape(response.json(), DIALECTS[0][1])


async def test_a_file_part_sent_to_the_corti_login_is_refused_not_spooled(
    edge_app: FastAPI,
) -> None:
    async with edge_client(edge_app) as anonymous:
        response = await anonymous.post(
            "/realms/t/protocol/openid-connect/token",
            data={"grant_type": "client_credentials"},
            files={"file": ("big.bin", b"x" * BIG, "application/octet-stream")},
        )
    assert response.status_code == 413
    assert set(response.json()) == {"error", "error_description"}


async def test_upload_routes_take_their_file_limit_not_the_json_one(
    edge_app: FastAPI, runtime: Runtime
) -> None:
    key = await new_key(runtime)
    async with edge_client(edge_app, key.api_key) as client:
        created = await client.post("/v2/interactions/", json={"encounter": _encounter()})
        url = f"/v2/interactions/{created.json()['interactionId']}/recordings/"
        response = await client.post(
            url, content=b"x" * BIG, headers={"Content-Type": "application/octet-stream"}
        )
    # Past the JSON limit yet under the recording limit: read, then refused as unreadable audio.
    assert response.status_code == 400, response.text
    assert "A0016" not in response.json()["type"]


def _encounter() -> dict[str, object]:
    return {
        "identifier": "enc-edge",
        "status": "planned",
        "type": "first_consultation",
        "period": {"startedAt": "2026-11-21T09:00:00Z"},
    }


async def test_too_many_or_too_large_headers_are_431_in_shape(edge_app: FastAPI) -> None:
    many = {f"x-h{i}": "v" for i in range(60)}
    async with edge_client(edge_app) as anonymous:
        counted = await anonymous.get("/v1/copilot-api/server/listen_async/x", headers=many)
        sized = await anonymous.get("/v2/interactions/", headers={"x-big": "v" * 9000})
    assert counted.status_code == 431
    assert set(counted.json()) == {"code", "message"}
    assert sized.status_code == 431
    assert sized.json()["status"] == 431


async def test_api_key_failures_are_throttled_per_address_with_retry_after(
    edge_app: FastAPI, runtime: Runtime
) -> None:
    key = await new_key(runtime)
    url = f"/v1/transcriptions/{uuid.uuid4()}"
    async with edge_client(edge_app, "sk_wrong_guess") as guesser:
        for _ in range(AUTH_FAILURES):
            assert (await guesser.get(url)).status_code == 401
        refused = await guesser.get(url)
        # Past the limit even a good key from that address waits: the address is the unit.
        good = await guesser.get(url, headers={"Authorization": f"Bearer {key.api_key}"})
    assert refused.status_code == 429
    assert set(refused.json()) >= {"statusCode", "error", "message"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert good.status_code == 429
    async with edge_client(edge_app, key.api_key) as elsewhere:
        assert (await elsewhere.get(url)).status_code not in (401, 429)  # let through


async def test_the_invox_token_route_is_throttled_per_client_across_addresses(
    edge_app: FastAPI,
) -> None:
    basic = base64.b64encode(b"default:wrong-secret").decode()
    statuses = []
    for _ in range(AUTH_FAILURES + 1):
        async with edge_client(edge_app, **{"Authorization": f"Basic {basic}"}) as client:
            statuses.append((await client.post("/api/v1/auth/token")).status_code)
            last = (
                await client.post("/api/v1/auth/token") if len(statuses) > AUTH_FAILURES else None
            )
    assert statuses[:AUTH_FAILURES] == [401] * AUTH_FAILURES
    assert statuses[-1] == 429
    assert last is not None
    assert last.status_code == 429
    assert {"messsage", "errorType"} <= set(last.json())
    assert last.headers["Retry-After"]


async def test_the_corti_login_is_throttled_per_form_client_id(edge_app: FastAPI) -> None:
    form = {"grant_type": "client_credentials", "client_id": "victim", "client_secret": "nope"}
    statuses = []
    for _ in range(AUTH_FAILURES + 1):
        async with edge_client(edge_app) as client:  # a new address each time
            response = await client.post("/realms/t/protocol/openid-connect/token", data=form)
            statuses.append(response.status_code)
    assert statuses == [401] * AUTH_FAILURES + [429]
    assert response.json()["error"]
    assert response.headers["Retry-After"]


async def test_websocket_url_comes_from_the_public_base_url_not_host(
    edge_app: FastAPI, runtime: Runtime
) -> None:
    key = await new_key(runtime)
    async with edge_client(edge_app, key.api_key, Host="evil.example") as client:
        created = await client.post("/v2/interactions/", json={"encounter": _encounter()})
    assert created.status_code == 201, created.text
    url = created.json()["websocketUrl"]
    assert url.startswith(PUBLIC_BASE_URL.replace("https://", "wss://") + "/audio-bridge/v2/")
    assert "evil.example" not in url


@pytest.mark.parametrize("weak", ["short", "a" * 40, "ab" * 20, "abcd" * 8])
def test_a_weak_bootstrap_key_is_refused_at_start(weak: str) -> None:
    with pytest.raises(ValidationError, match="SCRIBE_BOOTSTRAP_API_KEY is too weak"):
        Settings(bootstrap_api_key=weak)


def test_a_random_bootstrap_key_is_accepted() -> None:
    assert Settings(bootstrap_api_key="sk_" + "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c")
