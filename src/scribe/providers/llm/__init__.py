"""Text-generation providers, chosen by ``SCRIBE_LLM__PROVIDER``."""

from __future__ import annotations

from scribe.config import LLMSettings
from scribe.providers.llm.base import TextProvider
from scribe.providers.llm.extractive import ExtractiveProvider


def build_text_provider(settings: LLMSettings) -> TextProvider:
    if settings.provider == "extractive":
        return ExtractiveProvider()
    raise ValueError(f"unknown text provider {settings.provider!r}")
