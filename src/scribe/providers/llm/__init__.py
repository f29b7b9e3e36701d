"""Text-generation providers, chosen by ``SCRIBE_LLM__PROVIDER``.

``extractive`` is the embedded engine alone. ``openai`` is a chat-completions server with the
engine as its fallback, so a model outage or a malformed answer degrades the text rather than
failing the request; ``FallbackProvider.fallbacks`` counts how often, per task.
"""

from __future__ import annotations

from scribe.config import LLMSettings
from scribe.providers.llm.base import TextProvider
from scribe.providers.llm.extractive import DEFAULT_MAX_WORDS, ExtractiveProvider
from scribe.providers.llm.fallback import FallbackProvider
from scribe.providers.llm.openai import OpenAIChatProvider

__all__ = ["ExtractiveProvider", "FallbackProvider", "OpenAIChatProvider", "build_text_provider"]


def build_text_provider(
    settings: LLMSettings, max_note_words: int = DEFAULT_MAX_WORDS
) -> TextProvider:
    """Build the configured provider; a missing setting is a ``ValueError`` naming it.

    max_note_words caps the transcripts the engine writes notes from (413 past it).
    """
    if settings.provider == "extractive":
        return ExtractiveProvider(max_note_words)
    if settings.provider == "openai":
        return FallbackProvider(OpenAIChatProvider(settings), ExtractiveProvider(max_note_words))
    raise ValueError(f"unknown text provider {settings.provider!r}")
