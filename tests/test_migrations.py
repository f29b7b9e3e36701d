"""Migrations go up and all the way down again on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.db import Base
from tests.conftest import create_postgres_database, drop_postgres_database


def sync_url(settings: Settings) -> str:
    return settings.sqlalchemy_url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_settings(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path)
        return
    url = create_postgres_database()
    try:
        yield Settings(database_url=url, data_dir=tmp_path)
    finally:
        drop_postgres_database(url)


def table_names(settings: Settings) -> set[str]:
    engine = create_engine(sync_url(settings))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_then_downgrade(fresh_settings: Settings) -> None:
    config = alembic_config(fresh_settings)
    command.upgrade(config, "head")
    tables = table_names(fresh_settings)
    assert {"tenant", "api_credential", "audit_record", "encounter", "transcript"} <= tables
    assert {"transcript_segment", "note", "note_section", "template_ref"} <= tables
    assert {"thread", "message", "run", "job"} <= tables
    if fresh_settings.is_postgres:
        assert "procrastinate_jobs" in tables
    command.downgrade(config, "base")
    assert table_names(fresh_settings) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "job" in table_names(fresh_settings)


def test_the_models_match_the_migrated_schema(fresh_settings: Settings) -> None:
    import scribe.tasks  # noqa: F401  (imports every model)

    command.upgrade(alembic_config(fresh_settings), "head")
    engine = create_engine(sync_url(fresh_settings))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": lambda name, kind, _: not str(name).startswith("procrastinate")
                },
            )
            drift = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert drift == []
