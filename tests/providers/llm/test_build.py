"""Choosing and configuring the text provider from settings."""

from __future__ import annotations

import pytest

from scribe.config import LLMSettings, Settings
from scribe.providers.llm import (
    ExtractiveProvider,
    FallbackProvider,
    OpenAIChatProvider,
    build_text_provider,
)


class TestBuild:
    async def test_extractive_by_default(self) -> None:
        provider = build_text_provider(LLMSettings())
        assert isinstance(provider, ExtractiveProvider)
        await provider.aclose()

    async def test_openai_falls_back_to_the_engine(self) -> None:
        settings = LLMSettings(provider="openai", base_url="http://llm.test", model="m")
        provider = build_text_provider(settings)
        assert isinstance(provider, FallbackProvider)
        assert isinstance(provider.primary, OpenAIChatProvider)
        assert isinstance(provider.fallback, ExtractiveProvider)
        assert provider.name == "openai"
        await provider.aclose()

    @pytest.mark.parametrize(
        ("missing", "setting"),
        [("base_url", "SCRIBE_LLM__BASE_URL"), ("model", "SCRIBE_LLM__MODEL")],
    )
    def test_missing_setting_is_named(self, missing: str, setting: str) -> None:
        values = {"provider": "openai", "base_url": "http://llm.test", "model": "m", missing: ""}
        with pytest.raises(ValueError, match=setting):
            build_text_provider(LLMSettings.model_validate(values))


class TestSettings:
    def test_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SCRIBE_LLM__PROVIDER", "openai")
        monkeypatch.setenv("SCRIBE_LLM__BASE_URL", "http://vllm:8000/v1")
        monkeypatch.setenv("SCRIBE_LLM__MAX_RETRIES", "4")
        monkeypatch.setenv("SCRIBE_LLM__RESPONSE_FORMAT", "json_object")
        monkeypatch.setenv("SCRIBE_LLM__MAX_TOKENS", "")
        monkeypatch.setenv("SCRIBE_LLM__API_VERSION", "")
        llm = Settings().llm
        assert (llm.provider, llm.base_url, llm.max_retries) == ("openai", "http://vllm:8000/v1", 4)
        assert llm.response_format == "json_object"
        assert llm.max_tokens is None
        assert llm.api_version is None

    def test_unknown_provider_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="provider"):
            LLMSettings.model_validate({"provider": "gpt"})
