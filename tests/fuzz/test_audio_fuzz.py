"""Damaged audio through every route that takes audio, with the real Whisper model.

Each bad file gets a clean 4xx in the dialect's shape at upload, or a job that ends cleanly
(Corti transcript ``failed``, Nabla callback with an ``error``), never a 5xx or a job stuck in
processing; afterwards a good file is transcribed by the same app and worker. Omniloy, Clinia
and Invox take no audio.
"""

from __future__ import annotations

import asyncio
import json
import struct
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scribe.auth.service import IssuedKey
from tests.api.corti.conftest import ERROR_KEYS as CORTI_ERROR_KEYS
from tests.api.corti.conftest import encounter
from tests.conftest import client_for
from tests.fuzz.conftest import AUDIO, dialect_headers
from tests.local_http import LocalServer

NABLA = "/v1/copilot-api/server"
WAIT_SECONDS = 120.0
OGG = (AUDIO / "clip.ogg").read_bytes()
WAV = (AUDIO / "clip.mono.wav").read_bytes()
M4A = (AUDIO / "clip.m4a").read_bytes()


def _huge_data_chunk(wav: bytes) -> bytes:
    at = wav.index(b"data")
    # Two seconds of the clip: enough speech that Whisper needs no fallback passes.
    return wav[: at + 4] + struct.pack("<I", 0xFFFFFFFF) + wav[at + 8 : at + 8 + 64_000]


# name -> (bytes, content type, filename); what each must come to is checked by the tests.
BAD: dict[str, tuple[bytes, str, str]] = {
    "zero-length": (b"", "audio/wav", "empty.wav"),
    "truncated ogg": (OGG[:200], "audio/ogg", "cut.ogg"),
    "truncated m4a": (M4A[:4000], "audio/mp4", "cut.m4a"),
    "truncated wav header": (WAV[:30], "audio/wav", "cut.wav"),
    "mp4 box claiming 4 GiB": (struct.pack(">I", 0xFFFFFFFF) + M4A[4:], "audio/mp4", "box.m4a"),
    "ogg header then 10 MB of garbage": (
        OGG[:4096] + bytes(range(256)) * (10 * 4096),
        "audio/ogg",
        "garbage.ogg",
    ),
    "text named .wav": (b"not audio at all\n" * 100, "audio/wav", "notes.wav"),
}
# Real audio under a lying name or header is sniffed by content and transcribed.
WRONG_EXTENSION = (OGG, "audio/wav", "clip.wav")
HUGE_DATA_CHUNK = (_huge_data_chunk(WAV), "audio/wav", "huge.wav")


class Far:
    """Serves the files and records the callbacks of Nabla's listen_async."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.callbacks: dict[str, list[dict[str, Any]]] = defaultdict(list)

    async def file(self, request: Request) -> Response:
        content, media_type = self.files[request.path_params["name"]]
        return Response(content, media_type=media_type)

    async def hook(self, request: Request) -> Response:
        self.callbacks[request.path_params["name"]].append(json.loads(await request.body()))
        return Response(status_code=200)


@pytest.fixture(scope="module")
def far() -> Iterator[tuple[LocalServer, Far]]:
    state = Far()
    server = LocalServer(
        [Route("/files/{name}", state.file), Route("/hooks/{name}", state.hook, methods=["POST"])]
    )
    server.start()
    yield server, state
    server.stop()


@pytest.fixture
async def corti(audio_app: FastAPI, audio_key: IssuedKey) -> AsyncIterator[httpx.AsyncClient]:
    headers = await dialect_headers(audio_app, "corti", audio_key)
    async with client_for(audio_app, None, **headers) as client:
        yield client


@pytest.fixture
async def nabla(audio_app: FastAPI, audio_key: IssuedKey) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(audio_app, audio_key.api_key) as client:
        yield client


def assert_clean_4xx(response: httpx.Response, keys: set[str]) -> None:
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == keys, response.text


async def corti_transcribe(client: httpx.AsyncClient, content: bytes) -> httpx.Response | str:
    """Upload then transcribe: the 4xx that refused it, or the transcript's final status."""
    created = await client.post("/v2/interactions/", json={"encounter": encounter()})
    base = f"/v2/interactions/{created.json()['interactionId']}"
    upload = await client.post(
        f"{base}/recordings/",
        content=content,
        headers={"Content-Type": "application/octet-stream"},
    )
    if upload.status_code != 201:
        return upload
    body = {"recordingId": upload.json()["recordingId"], "primaryLanguage": "en"}
    response = await client.post(f"{base}/transcripts/", json=body)
    if response.status_code not in (200, 201, 202):
        return response
    status_url = f"{base}/transcripts/{response.json()['id']}/status"
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while (status := (await client.get(status_url)).json()["status"]) == "processing":
        assert asyncio.get_running_loop().time() < deadline, "transcript stuck in processing"
        await asyncio.sleep(0.1)
    return str(status)


class TestCorti:
    @pytest.mark.parametrize("name", list(BAD))
    async def test_a_bad_file_is_refused_or_fails_cleanly(
        self, corti: httpx.AsyncClient, name: str
    ) -> None:
        outcome = await corti_transcribe(corti, BAD[name][0])
        if isinstance(outcome, httpx.Response):
            assert_clean_4xx(outcome, CORTI_ERROR_KEYS)
        else:
            assert outcome == "failed"

    async def test_the_wrong_extension_is_transcribed(self, corti: httpx.AsyncClient) -> None:
        assert await corti_transcribe(corti, WRONG_EXTENSION[0]) == "completed"

    async def test_a_data_chunk_claiming_4_gib_decodes_what_is_there(
        self, corti: httpx.AsyncClient
    ) -> None:
        assert await corti_transcribe(corti, HUGE_DATA_CHUNK[0]) == "completed"

    async def test_a_good_file_still_transcribes_afterwards(self, corti: httpx.AsyncClient) -> None:
        assert await corti_transcribe(corti, WAV) == "completed"


def listen_form(content: bytes, media_type: str, filename: str) -> dict[str, Any]:
    params = {"output_objects": ["transcript_item"], "language": "en-US"}
    return {
        "data": {"request_parameters": json.dumps(params)},
        "files": {"file": (filename, content, media_type)},
    }


class TestNablaListen:
    @pytest.mark.parametrize("name", list(BAD))
    async def test_a_bad_file_is_a_clean_4xx(self, nabla: httpx.AsyncClient, name: str) -> None:
        response = await nabla.post(f"{NABLA}/listen", **listen_form(*BAD[name]))
        assert_clean_4xx(response, {"code", "message"})
        assert response.json()["code"] == response.status_code

    async def test_the_wrong_extension_is_transcribed(self, nabla: httpx.AsyncClient) -> None:
        response = await nabla.post(f"{NABLA}/listen", **listen_form(*WRONG_EXTENSION))
        assert response.status_code == 200, response.text
        assert response.json()["transcript"]

    async def test_a_good_file_still_transcribes_afterwards(self, nabla: httpx.AsyncClient) -> None:
        response = await nabla.post(f"{NABLA}/listen", **listen_form(WAV, "audio/wav", "clip.wav"))
        assert response.status_code == 200, response.text
        assert response.json()["transcript"]


async def listen_async(
    client: httpx.AsyncClient, far: tuple[LocalServer, Far], file: tuple[bytes, str, str]
) -> dict[str, Any]:
    """Submit a file_url; the one callback it gets (or the 4xx that refused it)."""
    server, state = far
    name = uuid.uuid4().hex
    state.files[name] = (file[0], file[1])
    body = {
        "file_url": server.url(f"/files/{name}"),
        "callback_url": server.url(f"/hooks/{name}"),
        "output_objects": ["transcript_item"],
        "language": "en-US",
    }
    response = await client.post(f"{NABLA}/listen_async", json=body)
    if response.status_code != 200:
        assert_clean_4xx(response, {"code", "message"})
        return {"error": response.json()}
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while not state.callbacks[name]:
        assert asyncio.get_running_loop().time() < deadline, "no callback"
        await asyncio.sleep(0.1)
    return state.callbacks[name][0]


class TestNablaListenAsync:
    @pytest.mark.parametrize("name", list(BAD))
    async def test_a_bad_file_ends_in_an_error_callback(
        self, nabla: httpx.AsyncClient, far: tuple[LocalServer, Far], name: str
    ) -> None:
        callback = await listen_async(nabla, far, BAD[name])
        assert callback.get("error"), callback
        assert "transcript" not in callback

    async def test_a_good_file_still_transcribes_afterwards(
        self, nabla: httpx.AsyncClient, far: tuple[LocalServer, Far]
    ) -> None:
        callback = await listen_async(nabla, far, (WAV, "audio/wav", "clip.wav"))
        assert "error" not in callback, callback
        assert callback["transcript"]
