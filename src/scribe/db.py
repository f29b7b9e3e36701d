"""Declarative base, column types shared by every domain, and the engine factory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, MetaData, String, Text, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from scribe import sqlite_driver
from scribe.secretbox import SecretBox

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """A tz-aware UTC timestamp on every engine (SQLite stores it naive and loses the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Encrypted(TypeDecorator[str]):
    """Text stored encrypted with the engine's secret box, read back as the plain text.

    The box is the engine's (``create_engine(..., secrets=box)``), so the key never sits in a
    module constant; an engine without one refuses to read or write such a column.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _box(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _box(dialect).decrypt(value)


def _box(dialect: Dialect) -> SecretBox:
    box: SecretBox | None = getattr(dialect, "scribe_secrets", None)
    if box is None:
        raise RuntimeError("this engine was built without a secret box: pass secrets=")
    return box


_E = TypeVar("_E", bound=StrEnum)


class EnumText(TypeDecorator[_E]):
    """A StrEnum stored as its plain string value (VARCHAR: no database enum type to migrate)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[_E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: _E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> _E | None:
        return None if value is None else self.enum(value)


# Plain JSON, not JSONB: clients' free-form objects must come back with their keys in order.
JSONType = JSON()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012  (read by SQLAlchemy as a class attribute)
        datetime: UTCDateTime,
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


class IdMixin:
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes writers wait, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, echo: bool = False, secrets: SecretBox | None = None) -> AsyncEngine:
    """Build the async engine for a SQLAlchemy URL (aiosqlite or asyncpg).

    ``hide_parameters``: a statement's bound values are transcripts and notes, and SQLAlchemy
    would otherwise copy them into every error's text (and so into tracebacks in the log).
    ``secrets`` opens the ``Encrypted`` columns (webhook secrets); without it they are refused.
    """
    engine = _engine(url, echo=echo)
    engine.sync_engine.dialect.scribe_secrets = secrets  # type: ignore[attr-defined]
    return engine


def _engine(url: str, *, echo: bool) -> AsyncEngine:
    if url.startswith("sqlite"):
        # SQLite has one writer: a pool of many connections only adds busy-handler sleeps (its
        # back-off reaches 100 ms), while two let a job's transaction run beside a request's.
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            pool_size=2,
            max_overflow=0,
            async_creator=sqlite_driver.connector(url),
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
    )


class TrackedSession(Session):
    """A session that remembers whether it wrote anything (``has_written``)."""


_WROTE = "scribe.wrote"


@event.listens_for(TrackedSession, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(TrackedSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def has_written(session: AsyncSession) -> bool:
    """Whether the session flushed or executed a write (or holds one not yet flushed)."""
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=TrackedSession
    )


def is_database_lost(exc: BaseException) -> bool:
    """Whether an error means the database went away (or had no connection to give in time).

    Such errors say nothing about the work being done: it should be tried again, not failed.
    """
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError | ConnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    # A connection that died while it was being opened is not marked invalidated.
    return exc.connection_invalidated or _closed_underneath(exc.orig)


# What each driver says when a row refers to one that is not there (any more).
_PG_FOREIGN_KEY_VIOLATION = "23503"
_SQLITE_CONSTRAINT_FOREIGNKEY = 787


def is_missing_reference(exc: BaseException) -> bool:
    """Whether a write failed because a row it refers to is gone (a foreign key violation).

    Between a request's lookups and its write (an upload streaming for minutes, say) another
    request may delete what it refers to: a conflict with that delete, not a server fault.
    """
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    return (
        getattr(orig, "sqlstate", None) == _PG_FOREIGN_KEY_VIOLATION
        or getattr(orig, "sqlite_errorcode", None) == _SQLITE_CONSTRAINT_FOREIGNKEY
    )


def _closed_underneath(error: BaseException | None) -> bool:
    """Whether the driver's error (or what caused it) is a connection closed or refused.

    Refused includes PostgreSQL's "too many clients" (53300, the server's or a role's or a
    database's connection limit): the server is up but has no connection to give right now.
    """
    from asyncpg import exceptions as pg  # type: ignore[import-untyped]

    lost = (
        OSError,
        pg.ConnectionDoesNotExistError,
        pg.CannotConnectNowError,
        pg.TooManyConnectionsError,
        pg.AdminShutdownError,
        pg.CrashShutdownError,
    )
    for _ in range(8):  # the chain is short: the adapter's error, then the driver's
        if error is None:
            return False
        if isinstance(error, lost):
            return True
        error = error.__cause__ or error.__context__
    return False
