"""Corti real-time stream: ``/audio-bridge/v2/interactions/{id}/streams`` over WebSocket.

Bad credentials, a foreign tenant or an unknown interaction reject the upgrade (HTTP 403), before
any audio is accepted. Then: ``config`` → ``CONFIG_ACCEPTED``; binary audio (≤ 64000 bytes a
frame) → ``transcript`` messages (interim and final, times in seconds) and, in facts mode,
``facts``; ``flush`` → finals, ``flushed``; ``end`` → finals, ``ENDED``, close 1000. The audio is
saved as a recording and the finals as a transcript at ``end``, and also when the client goes
away without it: what was streamed is the clinician's record either way.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, WebSocket
from pydantic import ValidationError
from starlette.websockets import WebSocketDisconnect

from scribe.api import json_input
from scribe.api.corti import stream_schemas as messages
from scribe.api.corti.stream_schemas import StreamConfiguration
from scribe.auth import tokens
from scribe.auth.service import Principal
from scribe.clinical.facts import ExtractedFact, extract_facts
from scribe.clinical.types import Utterance
from scribe.encounters import service as encounter_service
from scribe.errors import NotFoundError, ScribeError
from scribe.providers.asr.streaming import (
    LiveDecoding,
    RollingRecognizer,
    StreamingRecognizer,
    Update,
)
from scribe.recordings.service import Limits, Upload
from scribe.runtime import Runtime
from scribe.transcripts import live

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/audio-bridge/v2", tags=["Corti stream"])

MAX_FRAME_BYTES = 64_000
MAX_STREAM_MS = 120 * 60 * 1000


@router.websocket("/interactions/{id}/streams")
async def stream(websocket: WebSocket, id: str) -> None:
    """Transcribe a live audio stream into the interaction."""
    runtime: Runtime = websocket.app.state.runtime
    principal = await _authorize(websocket, runtime, id)
    if principal is None:
        await websocket.close(code=1008)  # before accept: the upgrade is answered 403
        return
    await websocket.accept()
    configuration = await _configure(websocket, runtime)
    if configuration is None:
        return
    config, decoding = configuration
    with tempfile.TemporaryDirectory(dir=_stream_dir(runtime)) as directory:
        recognizer = decoding.open(Path(directory) / "stream.audio")
        session = _Stream(websocket, runtime, recognizer, config)
        await session.run(principal, id)


def _stream_dir(runtime: Runtime) -> Path:
    directory = runtime.settings.data_dir / "streams"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


async def _authorize(
    websocket: WebSocket, runtime: Runtime, interaction_id: str
) -> Principal | None:
    """The caller, if its credentials are good and the interaction is in its tenant."""
    token = _token(websocket)
    if token is None:
        return None
    async with runtime.sessionmaker() as session:
        principal = await _principal(runtime, session, token)
        tenant = websocket.query_params.get("tenant-name") or websocket.headers.get("tenant-name")
        if principal is None or (tenant is not None and tenant.strip() != principal.tenant_name):
            return None
        try:
            await encounter_service.get(
                session, principal.tenant_id, str(uuid.UUID(interaction_id))
            )
        except (ValueError, NotFoundError):
            return None
    return principal


def _token(websocket: WebSocket) -> str | None:
    # The SDK puts "Bearer <jwt>" in the query (browsers cannot set headers on an upgrade).
    raw = websocket.query_params.get("token") or websocket.headers.get("authorization") or ""
    scheme, _, rest = raw.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else raw.strip()
    return token or None


async def _principal(runtime: Runtime, session: Any, token: str) -> Principal | None:
    if not tokens.looks_like_token(token):
        return await runtime.principals.authenticate(session, token)
    try:
        claims = tokens.verify(runtime.token_secret, token, audience="corti")
    except tokens.InvalidTokenError:
        return None
    return await tokens.live_principal(session, claims)


Configured = tuple[StreamConfiguration, LiveDecoding]


async def _configure(websocket: WebSocket, runtime: Runtime) -> Configured | None:
    """Read the first message: a valid config is accepted, anything else denied and closed."""
    try:
        message = await websocket.receive()
    except WebSocketDisconnect:
        return None
    if message.get("bytes") is not None:
        return await _denied(websocket, messages.status("CONFIG_NOT_PROVIDED"))
    body = _json(message.get("text"))
    if body is None or body.get("type") != "config" or "configuration" not in body:
        return await _denied(websocket, messages.status("CONFIG_MISSING"))
    try:
        config = StreamConfiguration.model_validate(body["configuration"])
        decoding = await _decoding(runtime, config)
    except (ValidationError, ScribeError) as exc:
        reason = exc.message if isinstance(exc, ScribeError) else "invalid configuration"
        return await _denied(websocket, messages.status("CONFIG_DENIED", reason))
    await websocket.send_json(messages.status("CONFIG_ACCEPTED"))
    return config, decoding


async def _decoding(runtime: Runtime, config: StreamConfiguration) -> LiveDecoding:
    recognizer = runtime.asr
    if not isinstance(recognizer, StreamingRecognizer):
        raise ScribeError("Streaming needs the local Whisper speech provider")
    return await recognizer.live_decoding(config.transcription.primaryLanguage)


async def _denied(websocket: WebSocket, message: dict[str, Any]) -> Configured | None:
    """Answer a refused config and close; no stream follows."""
    await websocket.send_json(message)
    await websocket.close(code=1008)
    return None


def _json(text: str | None) -> dict[str, Any] | None:
    try:
        body = json_input.loads(text) if text else None
    except json_input.InvalidJSONError:
        return None
    return body if isinstance(body, dict) else None


class _Stream:
    """One configured stream: receives audio and commands, sends recognition as it comes."""

    def __init__(
        self,
        websocket: WebSocket,
        runtime: Runtime,
        recognizer: RollingRecognizer,
        config: StreamConfiguration,
    ) -> None:
        self._ws = websocket
        self._runtime = runtime
        self._recognizer = recognizer
        self._config = config
        self._send_lock = anyio.Lock()
        self._arrived = anyio.Event()
        self._facts_seen: set[tuple[str, str]] = set()
        self._first_audio: float | None = None
        self._latency_logged = False
        self._connected = True

    async def run(self, principal: Principal, interaction_id: str) -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(self._recognise_as_audio_arrives)
            ended = await self._receive()
            group.cancel_scope.cancel()
        await self._finish(principal, str(uuid.UUID(interaction_id)), ended)

    async def _receive(self) -> bool:
        """Handle client messages until ``end`` (True) or a disconnect (False)."""
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                self._connected = False
                return False
            if message.get("bytes") is not None:
                await self._audio(message["bytes"])
                if self._recognizer.duration_ms > MAX_STREAM_MS:
                    await self._send(messages.error("Too long", "The 120-minute limit is reached"))
                    return True
                continue
            if await self._command(_json(message.get("text")) or {}):
                return True

    async def _audio(self, chunk: bytes) -> None:
        if len(chunk) > MAX_FRAME_BYTES:
            detail = f"Audio frames may hold at most {MAX_FRAME_BYTES} bytes"
            await self._send(messages.error("Frame too large", detail))
            return
        self._first_audio = self._first_audio or time.perf_counter()
        self._recognizer.append(chunk)
        self._arrived.set()

    async def _command(self, body: dict[str, Any]) -> bool:
        kind = body.get("type")
        if kind == "end":
            return True
        if kind == "flush":
            await self._publish(await self._recognizer.step(finish=True))
            await self._send(messages.status("flushed"))
        elif kind == "config":
            await self._send(messages.status("CONFIG_ALREADY_RECEIVED"))
        else:
            await self._send(messages.error("Unknown message", f"Unexpected type {kind!r}"))
        return False

    async def _recognise_as_audio_arrives(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived = anyio.Event()
            await self._publish(await self._recognizer.step())

    async def _publish(self, update: Update | None) -> None:
        if update is None:
            return
        role = self._config.role
        if update.final:
            await self._send(messages.transcript(update.final, final=True, role=role))
        if update.interim:
            await self._send(messages.transcript(update.interim, final=False, role=role))
        if update.final and self._config.mode.type == "facts":
            await self._publish_facts()

    async def _publish_facts(self) -> None:
        found = await anyio.to_thread.run_sync(self._new_facts)
        if found:
            await self._send(messages.facts(found))

    def _new_facts(self) -> list[ExtractedFact]:
        utterances = [
            Utterance(id=str(i), text=s.text, start_ms=s.start_ms, end_ms=s.end_ms)
            for i, s in enumerate(self._recognizer.finals)
        ]
        fresh = []
        for fact in extract_facts(utterances):
            key = (fact.group, fact.text.lower())
            if key not in self._facts_seen:
                self._facts_seen.add(key)
                fresh.append(fact)
        return fresh

    async def _send(self, message: dict[str, Any]) -> None:
        if not self._connected:
            return
        if message["type"] == "transcript" and not self._latency_logged:
            self._log_latency()
        async with self._send_lock:
            try:
                await self._ws.send_json(message)
            except (WebSocketDisconnect, RuntimeError):
                self._connected = False

    def _log_latency(self) -> None:
        # Audio to first transcript message: the figure a live user feels.
        started = self._first_audio or time.perf_counter()
        latency_ms = round((time.perf_counter() - started) * 1000)
        logger.info("stream first transcript", extra={"latency_ms": latency_ms})
        self._latency_logged = True

    async def _finish(self, principal: Principal, encounter_id: str, ended: bool) -> None:
        """Final pass, then save; the client hears ENDED only once both are done."""
        await self._publish(await self._recognizer.step(finish=True))
        try:
            await self._save(principal, encounter_id)
        except ScribeError as exc:
            await self._send(messages.error("Not saved", exc.message))
        if ended and self._connected:
            await self._send(messages.status("ENDED"))
            await self._ws.close(code=1000)

    async def _save(self, principal: Principal, encounter_id: str) -> None:
        if self._recognizer.received_bytes == 0:
            return
        runtime = self._runtime
        limits = runtime.settings.limits
        upload = Upload(
            tenant_id=principal.tenant_id,
            encounter_id=encounter_id,
            content_type="application/octet-stream",
            filename="stream.webm",
            created_by=principal.client_id,
        )
        await live.save_stream(
            runtime.sessionmaker,
            runtime.blobs,
            upload,
            self._recognizer.path,
            self._recognizer.finals,
            Limits(limits.recording_bytes, min(limits.recording_seconds * 1000, MAX_STREAM_MS)),
            self._config.transcription.primaryLanguage,
        )
