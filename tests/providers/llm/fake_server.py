"""A scriptable chat-completions server served over real HTTP by uvicorn in a thread.

Tests queue responses (``server.reply(...)``); each request takes the next one and is recorded,
so a test can check what was sent and how many attempts were made.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.local_http import LocalServer


@dataclass(frozen=True)
class Scripted:
    status: int = 200
    body: Any = None
    # Server-sent events: each payload is sent as one "data:" event.
    events: tuple[str, ...] | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


def completion(content: str | None) -> Scripted:
    """A chat completion whose message content is ``content``."""
    message = {"role": "assistant", "content": content}
    return Scripted(body={"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})


def json_completion(payload: Any) -> Scripted:
    return completion(json.dumps(payload))


def deltas(pieces: Iterable[str], *, done: bool = True, then: tuple[str, ...] = ()) -> Scripted:
    """A streamed completion sending ``pieces`` as content deltas, then raw ``then`` events."""
    events = [json.dumps({"choices": [{"index": 0, "delta": {"content": p}}]}) for p in pieces]
    return Scripted(events=(*events, *then, *(["[DONE]"] if done else [])))


def failure(status: int, **headers: str) -> Scripted:
    return Scripted(status=status, body={"error": {"message": "scripted failure"}}, headers=headers)


class FakeChatServer:
    def __init__(self) -> None:
        self.script: deque[Scripted] = deque()
        self.received: list[Received] = []
        self._local: LocalServer | None = None
        self.port = 0

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
        self.received.append(
            Received(
                request.url.path,
                dict(request.query_params),
                {k.lower(): v for k, v in request.headers.items()},
                await request.json(),
            )
        )
        scripted = self.script.popleft() if self.script else failure(418)
        await asyncio.sleep(scripted.delay)
        if scripted.events is not None:
            return StreamingResponse(_sse(scripted.events), media_type="text/event-stream")
        return JSONResponse(scripted.body, status_code=scripted.status, headers=scripted.headers)


async def _sse(events: tuple[str, ...]) -> AsyncIterator[bytes]:
    for event in events:
        yield f"data: {event}\n\n".encode()
        await asyncio.sleep(0)
