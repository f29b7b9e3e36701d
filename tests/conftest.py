"""Test harness: the whole suite runs once on SQLite and once on PostgreSQL.

Each backend gets a fresh database built by `alembic upgrade head` and one running app; each test
gets its own tenant and API key, so tests are isolated by tenancy itself (the thing under test)
rather than by rolling back.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from alembic import command
from fastapi import FastAPI

from scribe.auth import service as auth_service
from scribe.cli import alembic_config
from scribe.config import JobSettings, LimitSettings, Settings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.providers.llm.apps import running_chat_server
from tests.providers.llm.fake_server import FakeChatServer

POSTGRES_ADMIN_URL = os.environ.get(
    "SCRIBE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BOOTSTRAP_KEY = "sk_test_bootstrap_" + uuid.uuid4().hex


def _postgres_or_skip() -> None:
    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason + " (set SCRIBE_TEST_POSTGRES_URL; CI fails instead of skipping)")


def create_postgres_database() -> str:
    _postgres_or_skip()
    name = f"scribe_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_settings(database_url: str, data_dir: Path, **jobs: Any) -> Settings:
    job_settings = {"run_in_api": True, "heartbeat_seconds": 0.5, "recovery_interval_seconds": 1.0}
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        bootstrap_api_key=BOOTSTRAP_KEY,
        log_json=True,
        jobs=JobSettings(**{**job_settings, **jobs}),
        # The whole suite shares one app and one client address: its many deliberate 401s must
        # not trip the failed-auth throttle (tests/edge runs it at a small limit).
        limits=LimitSettings(auth_failures=1_000_000),
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'scribe.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = make_settings(database_url, tmp_path_factory.mktemp("data"))
    command.upgrade(alembic_config(settings), "head")
    return settings


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def runtime(app: FastAPI) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


async def new_key(runtime: Runtime, tenant: str | None = None) -> auth_service.IssuedKey:
    async with runtime.sessionmaker() as session:
        issued = await auth_service.create_key(session, tenant or f"t-{uuid.uuid4().hex[:12]}")
        await session.commit()
    return issued


def client_for(app: FastAPI, api_key: str | None, **headers: str) -> httpx.AsyncClient:
    base = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://scribe.test",
        headers={**base, **headers},
        timeout=30,
    )


@pytest.fixture
async def tenant_key(runtime: Runtime) -> auth_service.IssuedKey:
    return await new_key(runtime)


@pytest.fixture
async def client(
    app: FastAPI, tenant_key: auth_service.IssuedKey
) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, tenant_key.api_key, **{"x-doctor": "dr_house"}) as c:
        yield c


@pytest.fixture
async def other_client(app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A client of another tenant."""
    issued = await new_key(runtime)
    async with client_for(app, issued.api_key, **{"x-doctor": "dr_other"}) as c:
        yield c


@pytest.fixture(scope="module")
def chat_server() -> Iterator[FakeChatServer]:
    """A local chat-completions server: the far end of the LLM provider, one per test module."""
    with running_chat_server() as server:
        yield server
