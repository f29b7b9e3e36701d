"""Speech recognition by any server speaking OpenAI's ``POST /v1/audio/transcriptions``.

OpenAI itself, speaches, vLLM or a diarizing server: the file goes up as multipart with
``response_format=verbose_json`` and segment timestamps; vocabulary goes in as the ``prompt``::

    recognizer = OpenAIRecognizer(ASRSettings(provider="openai", base_url="http://asr:8000"))
    result = await recognizer.transcribe(TranscriptionRequest(Path("visit.ogg")))
    await recognizer.aclose()

When each channel holds one speaker, the channels are split into mono WAV files and sent one by
one. Vendor failures become ``ProviderError``; the audio is probed locally first, so a file that
is not audio is the caller's 400, not the server's.
"""

from __future__ import annotations

import logging
import mimetypes
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx

from scribe.config import ASRSettings
from scribe.providers.asr._language import primary_language
from scribe.providers.asr._repetition import RepetitionGuard
from scribe.providers.asr.audio import probe, split_channels
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest, TranscriptionResult
from scribe.providers.base import ProviderError

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "whisper-1"
_CONNECT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class _Answer:
    segments: list[AsrSegment]
    language: str | None
    dropped: int


class OpenAIRecognizer:
    """Transcribes audio files through an OpenAI-compatible transcription endpoint."""

    name = "openai"

    def __init__(
        self,
        settings: ASRSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_seconds: float = 0.5,
    ) -> None:
        if not settings.base_url:
            raise ValueError("SCRIBE_ASR__BASE_URL is required for the openai ASR provider")
        self._settings = settings
        self._url = transcriptions_url(settings.base_url)
        self._backoff = backoff_seconds
        key = settings.api_key.get_secret_value() if settings.api_key else None
        headers = {"Authorization": f"Bearer {key}"} if key else None
        timeout = httpx.Timeout(
            settings.timeout_seconds,
            connect=min(_CONNECT_TIMEOUT_SECONDS, settings.timeout_seconds),
        )
        self._client = httpx.AsyncClient(headers=headers, timeout=timeout, transport=transport)

    async def transcribe(self, request: TranscriptionRequest) -> TranscriptionResult:
        """Transcribe one file; see ``SpeechRecognizer``."""
        info = await anyio.to_thread.run_sync(probe, request.audio)
        roles = request.channel_roles
        per_channel = roles is not None and info.channels >= len(roles)
        started = time.perf_counter()
        if roles and per_channel:
            answers = await self._per_channel(request, len(roles))
        else:
            answers = [await self._upload(request.audio, request, None)]
        elapsed = time.perf_counter() - started
        segments = sorted(
            (s for answer in answers for s in answer.segments),
            key=lambda s: (s.start_ms, s.channel or 0),
        )
        return TranscriptionResult(
            segments=tuple(segments),
            duration_ms=info.duration_ms,
            language=_language(request, answers),
            channels=info.channels,
            details={
                "model": self._model,
                "per_channel": per_channel,
                "processing_seconds": round(elapsed, 3),
                "real_time_factor": _ratio(elapsed, info.duration_ms),
                "dropped_repeats": sum(answer.dropped for answer in answers),
            },
        )

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    @property
    def _model(self) -> str:
        return self._settings.model or DEFAULT_MODEL

    async def _per_channel(self, request: TranscriptionRequest, channels: int) -> list[_Answer]:
        with tempfile.TemporaryDirectory(prefix="scribe-asr-") as directory:
            paths = await anyio.to_thread.run_sync(
                split_channels, request.audio, Path(directory), channels
            )
            answers = []
            for channel, path in enumerate(paths):
                answers.append(await self._upload(path, request, channel))
                if request.on_progress is not None:  # the server tells nothing in between
                    request.on_progress((channel + 1) / len(paths))
            return answers

    async def _upload(
        self, audio: Path, request: TranscriptionRequest, channel: int | None
    ) -> _Answer:
        payload = await self._post(audio, form_fields(self._model, request, self._settings))
        guard = RepetitionGuard()
        kept = [
            s
            for s in parse_segments(payload, channel)
            if guard.accept(s.text, s.start_ms / 1000, s.end_ms / 1000)
        ]
        language = payload.get("language")
        return _Answer(kept, language if isinstance(language, str) else None, guard.dropped)

    async def _post(self, audio: Path, fields: dict[str, str | list[str]]) -> dict[str, Any]:
        attempts = self._settings.max_retries + 1
        for attempt in range(attempts):
            outcome = await self._attempt(audio, fields)
            if isinstance(outcome, dict):
                return outcome
            if attempt + 1 < attempts:
                logger.warning("speech server failed (%s); retrying", outcome)
                await anyio.sleep(self._backoff * 2**attempt)
        raise ProviderError(f"speech server failed after {attempts} attempts: {outcome}")

    async def _attempt(
        self, audio: Path, fields: dict[str, str | list[str]]
    ) -> dict[str, Any] | str:
        """Return the answer's JSON, or why the attempt failed in a way worth retrying."""
        mime = mimetypes.guess_type(audio.name)[0] or "application/octet-stream"
        try:
            with audio.open("rb") as file:
                # A neutral name: the stored file name may say whose visit this is.
                upload = {"file": (f"audio{audio.suffix}", file, mime)}
                response = await self._client.post(self._url, data=fields, files=upload)
        except httpx.TimeoutException:
            return "timed out"
        except httpx.TransportError as exc:
            return f"{type(exc).__name__}"
        if response.status_code == 429 or response.status_code >= 500:
            return f"status {response.status_code}"
        if response.status_code >= 400:
            raise ProviderError(f"speech server answered status {response.status_code}")
        return _json(response)


def transcriptions_url(base_url: str) -> str:
    """Return the transcriptions endpoint under base_url, adding /v1 unless it is there."""
    base = base_url.rstrip("/")
    return (
        f"{base}/audio/transcriptions"
        if base.endswith("/v1")
        else f"{base}/v1/audio/transcriptions"
    )


def form_fields(
    model: str, request: TranscriptionRequest, settings: ASRSettings
) -> dict[str, str | list[str]]:
    """Build the multipart form fields sent alongside the file."""
    fields: dict[str, str | list[str]] = {
        "model": model,
        "response_format": "verbose_json",
        "timestamp_granularities[]": ["segment"],
    }
    if request.language:
        fields["language"] = primary_language(request.language)
    vocabulary = tuple(dict.fromkeys((*settings.vocabulary, *request.vocabulary)))
    if vocabulary:
        # OpenAI's guidance for the prompt: a plain list of the rare words, spelled right.
        fields["prompt"] = ", ".join(vocabulary)
    return fields


def parse_segments(payload: dict[str, Any], channel: int | None) -> list[AsrSegment]:
    """Turn a verbose_json answer's segments (times in seconds) into AsrSegments."""
    items = payload.get("segments")
    if not isinstance(items, list):
        raise ProviderError("speech server answer has no segments")
    return [_segment(item, channel) for item in items]


def _segment(item: object, channel: int | None) -> AsrSegment:
    if not isinstance(item, dict):
        raise ProviderError("speech server answered a malformed segment")
    start, end, text = item.get("start"), item.get("end"), item.get("text")
    if not (isinstance(start, int | float) and isinstance(end, int | float)):
        raise ProviderError("speech server answered a malformed segment")
    if not isinstance(text, str) or isinstance(start, bool) or isinstance(end, bool):
        raise ProviderError("speech server answered a malformed segment")
    start_ms = max(0, round(start * 1000))
    end_ms = max(start_ms, round(end * 1000))
    return AsrSegment(start_ms=start_ms, end_ms=end_ms, text=text.strip(), channel=channel)


def _language(request: TranscriptionRequest, answers: list[_Answer]) -> str | None:
    # Servers answer a language name ("english"); the code asked for is the more useful value.
    if request.language:
        return primary_language(request.language)
    return next((answer.language for answer in answers if answer.language), None)


def _ratio(seconds: float, duration_ms: int) -> float | None:
    return round(seconds * 1000 / duration_ms, 4) if duration_ms else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        raise ProviderError("speech server answered invalid JSON") from None
    if not isinstance(payload, dict):
        raise ProviderError("speech server answered JSON that is not an object")
    return payload
