"""Fuzzing harness: an app of its own per database, with a logged-in client per dialect.

The OpenAPI fuzz runs on SQLite and on PostgreSQL, in the suite's bounded sample too: what one
database stores silently (a NUL, NaN, an over-long string) the other refuses with a 500 (issue
14). The audio fuzz is Whisper-bound and decodes the same way whatever stores the rows, so the
suite runs it on SQLite only; ``SCRIBE_FUZZ_AUDIO_DATABASES=sqlite,postgresql`` (``make fuzz``)
runs it on both. ``SCRIBE_FUZZ_EXAMPLES`` scales the sample (``make fuzz`` runs a few thousand
requests per dialect and database); ``SCRIBE_FUZZ_SEED`` picks the generation seed (fixed by
default, so CI is stable).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from hypothesis.configuration import set_hypothesis_home_dir

from scribe.auth.service import IssuedKey
from scribe.cli import alembic_config
from scribe.config import Settings, WebhookSettings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.api.corti.conftest import login as corti_login
from tests.api.invox.conftest import login as invox_login
from tests.conftest import (
    client_for,
    create_postgres_database,
    drop_postgres_database,
    make_settings,
    new_key,
)

AUDIO = Path(__file__).parents[1] / "data" / "audio"
EXAMPLES = int(os.environ.get("SCRIBE_FUZZ_EXAMPLES", "1"))
SEED = int(os.environ.get("SCRIBE_FUZZ_SEED", "0"))
# At least this many generated requests per dialect (make fuzz: a few thousand even for the
# dialects with few operations); 0 in the suite's bounded sample.
MIN_REQUESTS = int(os.environ.get("SCRIBE_FUZZ_MIN_REQUESTS", "0"))
DATABASES = ("sqlite", "postgresql")
AUDIO_DATABASES = os.environ.get("SCRIBE_FUZZ_AUDIO_DATABASES", "sqlite").split(",")
# Hypothesis caches what it learns under ./.hypothesis; keep the repository clean (CI included).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "scribe-hypothesis")


def settings_for(backend: str, data: Path) -> Iterator[Settings]:
    """Migrated settings for a fresh database of ``backend`` (PostgreSQL's dropped afterwards)."""
    url = f"sqlite:///{data / 'scribe.db'}" if backend == "sqlite" else create_postgres_database()
    # Its own job queue: on PostgreSQL the suite's shared app runs a worker on the default one.
    base = make_settings(url, data, queue_name=f"fuzz-{uuid.uuid4().hex[:8]}")
    # 127.0.0.1 only: the audio fuzz serves its files and hears its callbacks there, and the
    # OpenAPI fuzz points generated URLs at a closed local port. Nothing leaves the machine.
    hooks = WebhookSettings(max_attempts=2, first_retry_seconds=0.05, timeout_seconds=5)
    settings = base.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"], "webhooks": hooks})
    command.upgrade(alembic_config(settings), "head")
    try:
        yield settings
    finally:
        if backend != "sqlite":
            drop_postgres_database(url)


async def running_app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session", params=DATABASES)
def fuzz_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def fuzz_settings(
    fuzz_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    yield from settings_for(fuzz_backend, tmp_path_factory.mktemp(f"fuzz-{fuzz_backend}"))


@pytest.fixture(scope="session")
async def fuzz_app(fuzz_settings: Settings) -> AsyncIterator[FastAPI]:
    async for app in running_app(fuzz_settings):
        yield app


@pytest.fixture(scope="session")
async def fuzz_key(fuzz_app: FastAPI) -> IssuedKey:
    runtime: Runtime = fuzz_app.state.runtime
    return await new_key(runtime)


@pytest.fixture(scope="session", params=AUDIO_DATABASES)
def audio_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    backend = str(request.param)
    yield from settings_for(backend, tmp_path_factory.mktemp(f"audio-fuzz-{backend}"))


@pytest.fixture(scope="session")
async def audio_app(audio_settings: Settings) -> AsyncIterator[FastAPI]:
    async for app in running_app(audio_settings):
        yield app


@pytest.fixture(scope="session")
async def audio_key(audio_app: FastAPI) -> IssuedKey:
    runtime: Runtime = audio_app.state.runtime
    return await new_key(runtime)


async def dialect_headers(app: FastAPI, dialect: str, key: IssuedKey) -> dict[str, str]:
    """Valid credentials for ``dialect`` (login tokens for Corti and Invox), as headers."""
    if dialect in ("omniloy", "nabla", "clinia"):
        extra = {"x-doctor": "dr_fuzz"} if dialect == "omniloy" else {}
        return {"Authorization": f"Bearer {key.api_key}", **extra}
    async with client_for(app, None) as anonymous:
        if dialect == "corti":
            token = await corti_login(anonymous, key)
            return {"Authorization": f"Bearer {token}", "Tenant-Name": key.tenant_name}
        return {"Authorization": f"Bearer {await invox_login(anonymous, key)}"}


@pytest.fixture
async def anonymous(fuzz_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(fuzz_app, None) as client:
        yield client
