"""The Corti real-time stream, driven by a real WebSocket client against a live uvicorn server.

The server runs in the test's event loop on the suite's app (its runtime already open), so the
stream's saves land in the same database the HTTP client then reads.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from scribe.auth import service as auth_service
from scribe.runtime import Runtime
from tests.api.corti.conftest import AUDIO, Corti
from tests.local_http import serving

CONFIG = {
    "type": "config",
    "configuration": {
        "transcription": {
            "primaryLanguage": "en",
            "participants": [{"channel": 0, "role": "multiple"}],
        },
        "mode": {"type": "facts", "outputLocale": "en"},
    },
}
KNEE_SECONDS = 37


def _config_with_language(language: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(json.dumps(CONFIG))
    config["configuration"]["transcription"]["primaryLanguage"] = language
    return config


@pytest.fixture(scope="session")
async def wss(app: FastAPI) -> AsyncIterator[str]:
    """ws:// base of a uvicorn server serving the suite's app."""
    async with serving(app) as port:
        yield f"ws://127.0.0.1:{port}/audio-bridge/v2"


def url(wss: str, corti: Corti, interaction_id: str, token: str | None = None) -> str:
    """The stream URL as the SDK builds it: tenant and ``Bearer <jwt>`` in the query."""
    query = urlencode(
        {
            "tenant-name": corti.key.tenant_name,
            "token": token or corti.client.headers["Authorization"],
        },
        quote_via=quote,
    )
    return f"{wss}/interactions/{interaction_id}/streams?{query}"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def configured(wss: str, corti: Corti, interaction_id: str) -> ClientConnection:
    ws = await connect(url(wss, corti, interaction_id))
    await ws.send(json.dumps(CONFIG))
    assert await receive(ws) == {"type": "CONFIG_ACCEPTED"}
    return ws


async def stream_file(ws: ClientConnection, name: str, seconds: float) -> None:
    """Send the file in chunks of about 500 ms of audio, faster than real time."""
    data = (AUDIO / name).read_bytes()
    size = max(1, int(len(data) * 0.5 / seconds))
    for start in range(0, len(data), size):
        await ws.send(data[start : start + size])
        await asyncio.sleep(0.1)


async def collect(ws: ClientConnection, until: str) -> list[dict[str, Any]]:
    seen = []
    while (message := await receive(ws))["type"] != until:
        seen.append(message)
    return seen


class TestStreaming:
    async def test_streams_transcribes_and_saves(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        ws = await configured(wss, corti, interaction["interactionId"])
        live: list[dict[str, Any]] = []
        async with anyio.create_task_group() as group:

            async def listen() -> None:
                live.extend(await collect(ws, "flushed"))

            group.start_soon(listen)
            await stream_file(ws, "knee_visit.ogg", KNEE_SECONDS)
            await ws.send(json.dumps({"type": "flush"}))
        await ws.send(json.dumps({"type": "end"}))
        tail = await collect(ws, "ENDED")
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1000
        transcripts = [m for m in live if m["type"] == "transcript"]
        assert transcripts, live
        finals = [item for m in transcripts for item in m["data"] if item["final"]]
        assert any(not item["final"] for m in transcripts for item in m["data"])
        starts = [item["time"]["start"] for item in finals]
        assert starts == sorted(starts)
        assert all(isinstance(item["time"]["end"], float) for item in finals)
        assert all(item["speakerId"] == -1 for item in finals)
        assert "knee" in " ".join(item["transcript"] for item in finals).lower()
        assert any(m["type"] == "facts" and m["fact"] for m in live + tail)
        await self._assert_saved(corti, interaction["interactionId"])

    async def _assert_saved(self, corti: Corti, interaction_id: str) -> None:
        base = f"/v2/interactions/{interaction_id}"
        recordings = (await corti.client.get(f"{base}/recordings/")).json()["recordings"]
        assert len(recordings) == 1
        listed = (await corti.client.get(f"{base}/transcripts/")).json()["transcripts"]
        assert len(listed) == 1
        transcript = (await corti.client.get(f"{base}/transcripts/{listed[0]['id']}")).json()
        assert "knee" in " ".join(t["text"] for t in transcript["transcripts"]).lower()
        context = [{"type": "transcript", "data": t} for t in transcript["transcripts"]]
        response = await corti.document(interaction_id, context=context)
        assert response.status_code in (200, 201), response.text

    async def test_disconnect_without_end_keeps_the_audio(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        ws = await configured(wss, corti, interaction["interactionId"])
        await ws.send((AUDIO / "clip.webm").read_bytes())
        await ws.close()
        base = f"/v2/interactions/{interaction['interactionId']}/recordings/"
        with anyio.fail_after(120):
            while not (await corti.client.get(base)).json()["recordings"]:
                await anyio.sleep(0.2)


class TestProtocolErrors:
    async def test_second_config_and_large_frames(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        ws = await configured(wss, corti, interaction["interactionId"])
        await ws.send(json.dumps(CONFIG))
        assert await receive(ws) == {"type": "CONFIG_ALREADY_RECEIVED"}
        await ws.send(b"\0" * 64_001)
        assert (await receive(ws))["type"] == "error"
        await ws.send(json.dumps({"type": "end"}))
        assert await receive(ws) == {"type": "ENDED"}
        await ws.close()

    @pytest.mark.parametrize(
        ("first", "answer"),
        [
            (b"\x1a\x45\xdf\xa3", "CONFIG_NOT_PROVIDED"),
            (json.dumps({"type": "flush"}), "CONFIG_MISSING"),
            ("not json", "CONFIG_MISSING"),
            (json.dumps({"type": "config", "configuration": {"mode": {}}}), "CONFIG_DENIED"),
            # Issue 14: JSON the server does not take is a refused config, not a crash.
            ("[" * 100_000 + "]" * 100_000, "CONFIG_MISSING"),
            ('{"type": "config", "configuration": NaN}', "CONFIG_MISSING"),
            ('{"type": "config\\u0000", "configuration": {}}', "CONFIG_MISSING"),
            (json.dumps(_config_with_language("e" * 33)), "CONFIG_DENIED"),
        ],
    )
    async def test_config_refused(
        self, wss: str, corti: Corti, first: str | bytes, answer: str
    ) -> None:
        interaction = await corti.create_interaction()
        async with connect(url(wss, corti, interaction["interactionId"])) as ws:
            await ws.send(first)
            assert (await receive(ws))["type"] == answer
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008

    async def test_unsupported_language_is_denied_with_reason(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        config = json.loads(json.dumps(CONFIG))
        config["configuration"]["transcription"]["primaryLanguage"] = "fr"
        async with connect(url(wss, corti, interaction["interactionId"])) as ws:
            await ws.send(json.dumps(config))
            denied = await receive(ws)
        assert denied["type"] == "CONFIG_DENIED"
        assert "not supported" in denied["reason"]


class TestAccess:
    async def test_bad_token_is_refused_at_upgrade(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        with pytest.raises(InvalidStatus) as refused:
            await connect(url(wss, corti, interaction["interactionId"], "Bearer a.b.c"))
        assert refused.value.response.status_code == 403

    async def test_a_revoked_key_s_token_is_refused_at_once(
        self, wss: str, corti: Corti, runtime: Runtime
    ) -> None:
        interaction = (await corti.create_interaction())["interactionId"]
        await (await connect(url(wss, corti, interaction))).close()  # the token works
        async with runtime.sessionmaker() as session:
            assert await auth_service.revoke_key(session, corti.key.client_id)
            await session.commit()
        with pytest.raises(InvalidStatus) as refused:
            await connect(url(wss, corti, interaction))
        assert refused.value.response.status_code == 403

    async def test_other_tenant_and_unknown_ids_are_refused(
        self, wss: str, corti: Corti, other_corti: Corti
    ) -> None:
        interaction = await corti.create_interaction()
        for target in (
            url(wss, other_corti, interaction["interactionId"]),
            url(wss, corti, "00000000-0000-0000-0000-000000000000"),
            url(wss, corti, "not-a-uuid"),
            url(wss, corti, interaction["interactionId"]).replace("tenant-name=", "tenant-name=x"),
        ):
            with pytest.raises(InvalidStatus) as refused:
                await connect(target)
            assert refused.value.response.status_code == 403

    async def test_api_key_in_the_authorization_header(self, wss: str, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        target = f"{wss}/interactions/{interaction['interactionId']}/streams"
        headers = {"Authorization": f"Bearer {corti.key.api_key}"}
        async with connect(target, additional_headers=headers) as ws:
            await ws.send(json.dumps(CONFIG))
            assert await receive(ws) == {"type": "CONFIG_ACCEPTED"}
