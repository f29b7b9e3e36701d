"""Which database errors mean 'the database went away' (503, retried) rather than a bug (500),
and which mean 'what this write refers to is gone' (a conflict with a delete, not a bug)."""

from __future__ import annotations

import uuid

import pytest
from asyncpg import exceptions as pg  # type: ignore[import-untyped]
from sqlalchemy.exc import DBAPIError, IntegrityError

from scribe.auth.models import Tenant
from scribe.db import is_database_lost, is_missing_reference
from scribe.encounters.models import Encounter
from scribe.runtime import Runtime


class _AdapterError(Exception):
    """Stands for SQLAlchemy's asyncpg adapter error, which wraps the driver's."""


def _wrapped(driver_error: Exception) -> DBAPIError:
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise _AdapterError(str(exc)) from exc
    except _AdapterError as adapter:
        return DBAPIError("SELECT 1", {}, adapter)


def test_a_connection_closed_while_it_opens_is_a_lost_database() -> None:
    closed = pg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    assert is_database_lost(_wrapped(closed))
    assert is_database_lost(_wrapped(ConnectionRefusedError(111, "refused")))


def test_other_driver_errors_are_not() -> None:
    assert not is_database_lost(_wrapped(ValueError("invalid input syntax")))


def test_no_connection_to_give_is_a_lost_database() -> None:
    # PostgreSQL's "sorry, too many clients already" (53300), also a role's or a database's limit.
    refused = pg.TooManyConnectionsError("too many connections for role")
    assert is_database_lost(_wrapped(refused))


class TestMissingReference:
    async def test_a_row_referring_to_a_missing_one_is_a_missing_reference(
        self, runtime: Runtime
    ) -> None:
        async with runtime.sessionmaker() as session:
            session.add(Encounter(tenant_id=str(uuid.uuid4())))
            with pytest.raises(IntegrityError) as failed:
                await session.flush()
        assert is_missing_reference(failed.value)
        assert not is_database_lost(failed.value)

    async def test_a_duplicate_is_not(self, runtime: Runtime) -> None:
        name = f"t-{uuid.uuid4().hex[:12]}"
        async with runtime.sessionmaker() as session:
            session.add(Tenant(name=name))
            await session.commit()
        async with runtime.sessionmaker() as session:
            session.add(Tenant(name=name))
            with pytest.raises(IntegrityError) as failed:
                await session.flush()
        assert not is_missing_reference(failed.value)
