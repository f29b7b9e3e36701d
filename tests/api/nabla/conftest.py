"""Nabla test harness: an app allowed to reach 127.0.0.1, and a local server on the far side.

The local server (real HTTP, uvicorn in a thread) serves the audio files the requests name and
receives the callbacks, answering each hook as its test scripts it. Builders reach the tests
through the ``nabla`` fixture (``nabla.listen_async(...)``, ``nabla.callback(hook)``).
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
import wave
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scribe.auth.models import Tenant
from scribe.auth.service import IssuedKey
from scribe.config import NablaSettings, Settings, WebhookSettings
from scribe.main import create_app
from scribe.runtime import Runtime
from scribe.webhooks import service as webhook_service
from tests.conftest import client_for, make_settings, new_key
from tests.outbound.local_server import LocalServer

AUDIO = Path(__file__).parents[2] / "data" / "audio"
BASE = "/v1/copilot-api/server"
TOO_SHORT = "We can't generate the note when the transcript is too short."
CALLBACK_WAIT = 180.0
# Limits small enough for fixture files to cross them.
LIMITS = NablaSettings(listen_seconds=60, listen_async_seconds=90, file_bytes=3 * 1024 * 1024)


def silence(seconds: int, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV of silence (long audio without a long fixture)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * rate * seconds)
    return buffer.getvalue()


FILES: dict[str, tuple[bytes, str]] = {
    "visit.ogg": ((AUDIO / "knee_visit.ogg").read_bytes(), "audio/ogg"),
    "clip.wav": ((AUDIO / "clip.mono.wav").read_bytes(), "audio/x-wav"),
    "clip.mp3": ((AUDIO / "clip.mp3").read_bytes(), "audio/mpeg"),
    "notes.txt": (b"not audio at all", "text/plain"),
    "big.wav": (b"\0" * (LIMITS.file_bytes + 1024), "audio/wav"),
    "long.wav": (silence(100), "audio/wav"),
}


@dataclass
class Far:
    """The far side: files to download, and hooks that record callbacks and answer as told."""

    script: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    received: dict[str, list[tuple[dict[str, str], bytes]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    async def file(self, request: Request) -> Response:
        found = FILES.get(request.path_params["name"])
        if found is None:
            return Response(status_code=404)
        return Response(found[0], media_type=found[1])

    async def redirect(self, request: Request) -> Response:
        return RedirectResponse(f"/files/{request.path_params['name']}", status_code=302)

    async def to_private(self, request: Request) -> Response:
        return RedirectResponse("http://10.0.0.1/visit.ogg", status_code=302)

    async def hook(self, request: Request) -> Response:
        name = request.path_params["name"]
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received[name].append((headers, await request.body()))
        script = self.script[name]
        return Response(status_code=script.popleft() if script else 200)


@pytest.fixture(scope="session")
def far() -> Iterator[tuple[LocalServer, Far]]:
    state = Far()
    server = LocalServer(
        [
            Route("/files/{name}", state.file),
            Route("/redirect/{name}", state.redirect),
            Route("/to-private", state.to_private),
            Route("/hooks/{name}", state.hook, methods=["POST"]),
        ]
    )
    server.start()
    yield server, state
    server.stop()


@pytest.fixture(scope="session")
async def nabla_app(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    assert settings.database_url is not None
    # Its own queue: on PostgreSQL the suite's shared app runs a worker too, and a job it took
    # would run under that app's settings (no 127.0.0.1 allowed, default retry delays).
    base = make_settings(
        settings.database_url,
        tmp_path_factory.mktemp("nabla"),
        queue_name=f"nabla-{uuid.uuid4().hex[:8]}",
    )
    hooks = WebhookSettings(
        max_attempts=4, first_retry_seconds=0.05, backoff_factor=2, timeout_seconds=5
    )
    app = create_app(
        base.model_copy(
            update={"outbound_allowed_hosts": ["127.0.0.1"], "webhooks": hooks, "nabla": LIMITS}
        )
    )
    async with app.router.lifespan_context(app):
        yield app


class Nabla:
    """One tenant's client plus builders for the Nabla workflow."""

    BASE = BASE
    TOO_SHORT = TOO_SHORT

    def __init__(
        self, client: httpx.AsyncClient, key: IssuedKey, server: LocalServer, far: Far, app: FastAPI
    ) -> None:
        self.client, self.key, self.server, self.far = client, key, server, far
        self.runtime: Runtime = app.state.runtime

    def file_url(self, name: str) -> str:
        return self.server.url(f"/files/{name}")

    def hook(self, *statuses: int) -> tuple[str, str]:
        """A fresh callback endpoint answering these statuses first, then 200: (name, url)."""
        name = uuid.uuid4().hex
        self.far.script[name].extend(statuses)
        return name, self.server.url(f"/hooks/{name}")

    def body(self, file: str = "visit.ogg", hook_url: str = "", **overrides: Any) -> dict[str, Any]:
        return {
            "file_url": self.file_url(file),
            "callback_url": hook_url or self.server.url("/hooks/unused"),
            "output_objects": ["transcript_item", "note"],
            "language": "en-US",
            **overrides,
        }

    async def listen_async(self, path: str = "", **body: Any) -> dict[str, Any]:
        response = await self.client.post(path or f"{BASE}/listen_async", json=body)
        assert response.status_code == 200, response.text
        accepted: dict[str, Any] = response.json()
        return accepted

    async def callbacks(self, hook: str, count: int = 1) -> list[tuple[dict[str, str], bytes]]:
        """Wait until the hook received ``count`` POSTs (generously: real Whisper runs first)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CALLBACK_WAIT
        while len(self.far.received[hook]) < count:
            assert loop.time() < deadline, f"no callback on {hook}"
            await asyncio.sleep(0.05)
        return self.far.received[hook]

    async def callback(self, hook: str) -> dict[str, Any]:
        _, body = (await self.callbacks(hook))[0]
        parsed: dict[str, Any] = json.loads(body)
        return parsed

    async def secret(self) -> str:
        async with self.runtime.sessionmaker() as session:
            secret = await webhook_service.get_or_create_secret(session, self.key_tenant_id)
            await session.commit()
            return secret.secret

    @property
    def key_tenant_id(self) -> str:
        return self._tenant_id

    async def load_tenant(self) -> None:
        async with self.runtime.sessionmaker() as session:
            tenant_id = await session.scalar(
                select(Tenant.id).where(Tenant.name == self.key.tenant_name)
            )
        assert tenant_id is not None
        self._tenant_id: str = tenant_id


def assert_error(response: httpx.Response, status: int) -> str:
    """A Nabla error body ``{code, message}`` with this status; returns the message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    return str(body["message"])


async def _nabla(app: FastAPI, far: tuple[LocalServer, Far]) -> AsyncIterator[Nabla]:
    runtime: Runtime = app.state.runtime
    key = await new_key(runtime)
    async with client_for(app, key.api_key) as client:
        nabla = Nabla(client, key, far[0], far[1], app)
        await nabla.load_tenant()
        yield nabla


@pytest.fixture
async def nabla(nabla_app: FastAPI, far: tuple[LocalServer, Far]) -> AsyncIterator[Nabla]:
    async for built in _nabla(nabla_app, far):
        yield built


@pytest.fixture
async def other_nabla(nabla_app: FastAPI, far: tuple[LocalServer, Far]) -> AsyncIterator[Nabla]:
    """Another tenant."""
    async for built in _nabla(nabla_app, far):
        yield built
