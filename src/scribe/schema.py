"""The schema at start-up: SQLite migrates itself; PostgreSQL when SCRIBE_AUTO_MIGRATE is set."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from scribe.config import Settings
from scribe.private import secure_data_dir

# Any fixed 64-bit number: replicas starting together take it in turn around the migration.
_ADVISORY_LOCK = 0x5C71BE


class SchemaOutOfDateError(Exception):
    """The database is not at the schema this scribe needs, and it may not migrate it."""


def ensure_schema(settings: Settings, config: Config) -> None:
    """Migrate to head when allowed (SQLite, or SCRIBE_AUTO_MIGRATE); else raise if behind."""
    secure_data_dir(settings.data_dir, settings.sqlalchemy_url)
    head = ScriptDirectory.from_config(config).get_current_head()
    if _current(settings) == head:
        return
    if settings.is_postgres and not settings.auto_migrate:
        raise SchemaOutOfDateError(
            f"scribe: the database is at schema revision {_current(settings) or 'none'}, this "
            f"version needs {head}: run `scribe migrate` (or set SCRIBE_AUTO_MIGRATE=true)"
        )
    with _migration_lock(settings):
        if _current(settings) != head:  # another replica may have migrated while we waited
            command.upgrade(config, "head")


def _sync_url(settings: Settings) -> str:
    url = make_url(settings.sqlalchemy_url)
    driver = "postgresql+psycopg" if settings.is_postgres else "sqlite"
    return url.set(drivername=driver).render_as_string(hide_password=False)


def _current(settings: Settings) -> str | None:
    engine = create_engine(_sync_url(settings), hide_parameters=True)
    try:
        with engine.connect() as connection:
            return _revision(connection)
    finally:
        engine.dispose()


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _migration_lock(settings: Settings) -> Iterator[None]:
    if not settings.is_postgres:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with (settings.data_dir / ".migrate.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        return
    engine = create_engine(_sync_url(settings), hide_parameters=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK})
    finally:
        engine.dispose()
