"""Speech recognition: the one question the core asks of an ASR provider.

A provider turns an audio file into timed segments; it never touches the database::

    recognizer = WhisperRecognizer(settings.asr)
    result = await recognizer.transcribe(TranscriptionRequest(Path("visit.ogg"), language="en"))
    result.segments[0]  # AsrSegment(start_ms=0, end_ms=3629, text="Hi, Ms. Thompson.", channel=0)

Speaker roles are assigned afterwards by ``providers.asr.speakers.assign_roles``: by channel
when the caller says each channel holds one speaker, inferred from the dialogue otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from scribe.clinical.types import SpeakerRole
from scribe.errors import BadRequestError


@dataclass(frozen=True, slots=True)
class AsrSegment:
    start_ms: int
    end_ms: int
    text: str
    channel: int | None = None
    speaker: SpeakerRole = "unspecified"


@dataclass(frozen=True, slots=True)
class TranscriptionRequest:
    audio: Path
    # BCP-47 or ISO 639-1; None lets the model detect it (multilingual models only).
    language: str | None = None
    # One role per channel when each channel carries one speaker (e.g. doctor left, patient
    # right). None, or mono audio: the channels are mixed down and roles are inferred.
    channel_roles: tuple[SpeakerRole, ...] | None = None
    # Words to bias recognition towards (drug and condition names), per request or tenant.
    vocabulary: tuple[str, ...] = ()
    beam_size: int | None = None
    # Told the fraction of the audio done (0 to 1) as recognition goes; may be called from a
    # worker thread, so it must only record the number (e.g. ``JobContext.report_progress``).
    on_progress: Callable[[float], None] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class TranscriptionResult:
    segments: tuple[AsrSegment, ...]
    duration_ms: int
    language: str | None = None
    channels: int = 1
    # Provider-specific figures worth keeping (model name, real-time factor, ...): no text.
    details: dict[str, object] = field(default_factory=dict)


class SpeechRecognizer(Protocol):
    """Transcribes one audio file.

    Raises ``UnreadableAudioError`` when the file is not decodable audio (bad input, 400) and
    ``ProviderError`` when the recognizer itself fails (502).
    """

    async def transcribe(self, request: TranscriptionRequest) -> TranscriptionResult: ...


@runtime_checkable
class LanguageSupport(Protocol):
    """A recognizer that can tell, before any audio arrives, whether it transcribes a language.

    A remote server answers for itself when the job runs; a local model can be asked up front::

        if isinstance(recognizer, LanguageSupport):
            await recognizer.check_language("es-ES")  # UnsupportedLanguageError when it cannot
    """

    async def check_language(self, language: str) -> None: ...


class UnreadableAudioError(BadRequestError):
    """The file is empty, truncated, or not audio in a format we decode."""

    code = "unreadable_audio"
