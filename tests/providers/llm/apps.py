"""An app of the suite whose text provider is the OpenAI adapter pointed at a fake chat server.

Each such app gets its own job queue: on PostgreSQL the suite's main app runs a worker too, and
a job it took would be written by that app's embedded engine instead of this app's provider::

    async with app_with_model(settings, chat_server, queue_name="codify-llm-tests") as app:
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import SecretStr

from scribe.config import LLMSettings, Settings
from scribe.main import create_app
from tests.providers.llm.fake_server import FakeChatServer


@contextmanager
def running_chat_server() -> Iterator[FakeChatServer]:
    server = FakeChatServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@asynccontextmanager
async def app_with_model(
    settings: Settings,
    server: FakeChatServer,
    *,
    queue_name: str,
    timeout_seconds: float = 5.0,
    **updates: Any,
) -> AsyncIterator[FastAPI]:
    llm = LLMSettings(
        provider="openai",
        base_url=server.base_url,
        model="test-model",
        api_key=SecretStr("sk-test"),
        timeout_seconds=timeout_seconds,
        max_retries=0,
    )
    jobs = settings.jobs.model_copy(update={"queue_name": queue_name})
    app = create_app(settings.model_copy(update={"llm": llm, "jobs": jobs, **updates}))
    async with app.router.lifespan_context(app):
        yield app
