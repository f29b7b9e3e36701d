"""Replicas starting together on a fresh database and data volume agree on their first secrets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from scribe.auth import tokens
from scribe.auth.models import ApiCredential
from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.runtime import ensure_bootstrap_key, open_runtime
from tests.conftest import create_postgres_database, drop_postgres_database, make_settings


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a new, migrated database with no credentials, and no bootstrap key set."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}" if backend == "sqlite" else None
    url = url or create_postgres_database()
    settings = make_settings(url, tmp_path / "data")
    settings.bootstrap_api_key = None
    command.upgrade(alembic_config(settings), "head")
    try:
        yield settings
    finally:
        if backend != "sqlite":
            drop_postgres_database(url)


async def test_replicas_starting_at_once_register_one_development_key(fresh: Settings) -> None:
    settings = fresh
    async with AsyncExitStack() as stack:
        replicas = [
            await stack.enter_async_context(open_runtime(settings, run_jobs=False))
            for _ in range(3)
        ]
        written = await asyncio.gather(*(ensure_bootstrap_key(r) for r in replicas))
        async with replicas[0].sessionmaker() as session:
            keys = await session.scalar(select(func.count()).select_from(ApiCredential))
    assert keys == 1
    assert 1 <= sum(path is not None for path in written)  # the winner wrote the key file
    assert (settings.data_dir / "dev-api-key").read_text().startswith("sk_")


def test_processes_racing_for_the_token_secret_all_read_the_same_one(tmp_path: Path) -> None:
    # Same pid for every caller, as for replicas that each run as pid 1 in their container.
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: tokens.load_secret(None, tmp_path), range(32)))
    assert len(secrets) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["token-secret"]
