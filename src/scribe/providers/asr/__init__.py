"""Speech-recognition providers, chosen by ``SCRIBE_ASR__PROVIDER``."""

from __future__ import annotations

from typing import Protocol

from scribe.config import ASRSettings
from scribe.providers.asr.base import SpeechRecognizer


class ManagedRecognizer(SpeechRecognizer, Protocol):
    """A recognizer the runtime owns: built once, closed on shutdown."""

    name: str

    async def aclose(self) -> None: ...


def build_recognizer(settings: ASRSettings) -> ManagedRecognizer:
    """Build the configured recognizer; nothing is loaded or connected until first use."""
    # Imported here so that choosing one provider never imports the other's dependencies.
    if settings.provider == "whisper":
        from scribe.providers.asr.whisper import WhisperRecognizer

        return WhisperRecognizer(settings)
    if settings.provider == "openai":
        from scribe.providers.asr.openai import OpenAIRecognizer

        return OpenAIRecognizer(settings)
    raise ValueError(f"unknown speech recognition provider {settings.provider!r}")
