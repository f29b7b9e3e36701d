from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from scribe.config import LLMSettings
from scribe.providers.llm import OpenAIChatProvider
from tests.providers.llm.fake_server import FakeChatServer


@pytest.fixture
def server(chat_server: FakeChatServer) -> FakeChatServer:
    chat_server.reset()
    return chat_server


def llm_settings(server: FakeChatServer, **overrides: Any) -> LLMSettings:
    values: dict[str, Any] = {
        "provider": "openai",
        "base_url": server.base_url,
        "model": "test-model",
        "api_key": SecretStr("sk-test"),
        "timeout_seconds": 5.0,
        "max_retries": 1,
        "retry_backoff_seconds": 0.0,
    }
    return LLMSettings(**{**values, **overrides})


@pytest.fixture
async def provider(server: FakeChatServer) -> AsyncIterator[OpenAIChatProvider]:
    openai = OpenAIChatProvider(llm_settings(server))
    yield openai
    await openai.aclose()
