"""Text-generation providers, chosen by ``SCRIBE_LLM__PROVIDER``.

``extractive`` is the embedded engine alone. ``openai`` is a chat-completions server with the
engine as its fallback, so a model outage or a malformed answer degrades the text rather than
failing the request; ``FallbackProvider.fallbacks`` counts how often, per task.
"""

from __future__ import annotations

from scribe.config import LLMSettings
from scribe.providers.llm.base import TextProvider
from scribe.providers.llm.extractive import ExtractiveProvider
from scribe.providers.llm.fallback import FallbackProvider
from scribe.providers.llm.openai import OpenAIChatProvider

__all__ = ["ExtractiveProvider", "FallbackProvider", "OpenAIChatProvider", "build_text_provider"]


def build_text_provider(settings: LLMSettings) -> TextProvider:
    """Build the configured provider; a missing setting is a ``ValueError`` naming it."""
    if settings.provider == "extractive":
        return ExtractiveProvider()
    if settings.provider == "openai":
        return FallbackProvider(OpenAIChatProvider(settings), ExtractiveProvider())
    raise ValueError(f"unknown text provider {settings.provider!r}")
