"""A scriptable /v1/audio/transcriptions server served over real HTTP by uvicorn in a thread.

Tests queue replies (``server.reply(...)``); each request takes the next one and is recorded with
its form fields and uploaded file, so a test can check what was sent and how often.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.local_http import LocalServer


@dataclass(frozen=True)
class Scripted:
    status: int = 200
    body: Any = None
    # Sent as is instead of JSON (to answer something that is not JSON).
    raw: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    fields: dict[str, list[str]]
    file_name: str
    file_bytes: bytes


def transcription(*segments: tuple[float, float, str], language: str = "english") -> Scripted:
    """A verbose_json answer with these (start seconds, end seconds, text) segments."""
    items = [
        {"id": i, "start": start, "end": end, "text": text}
        for i, (start, end, text) in enumerate(segments)
    ]
    text = " ".join(text for _, _, text in segments)
    return Scripted(body={"language": language, "text": text, "segments": items})


def failure(status: int) -> Scripted:
    return Scripted(status=status, body={"error": {"message": "scripted failure"}})


@dataclass
class FakeTranscriptionServer:
    script: deque[Scripted] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _local: LocalServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply(self, *responses: Scripted) -> None:
        self.script.extend(responses)

    def reset(self) -> None:
        self.script.clear()
        self.received.clear()

    def start(self) -> None:
        self._local = LocalServer([Route("/{path:path}", self._handle, methods=["POST"])])
        self._local.start()
        self.port = self._local.port

    def stop(self) -> None:
        if self._local is not None:
            self._local.stop()

    async def _handle(self, request: Request) -> Response:
        self.received.append(await _record(request))
        scripted = self.script.popleft() if self.script else failure(418)
        await asyncio.sleep(scripted.delay)
        if scripted.raw is not None:
            return PlainTextResponse(scripted.raw, status_code=scripted.status)
        return JSONResponse(scripted.body, status_code=scripted.status)


async def _record(request: Request) -> Received:
    fields: dict[str, list[str]] = {}
    name, content = "", b""
    async with request.form() as form:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                name, content = value.filename or "", await value.read()
            else:
                fields.setdefault(key, []).append(value)
    headers = {k.lower(): v for k, v in request.headers.items()}
    return Received(request.url.path, headers, fields, name, content)
