"""Which database errors mean 'the database went away' (503, retried) rather than a bug (500)."""

from __future__ import annotations

from asyncpg import exceptions as pg  # type: ignore[import-untyped]
from sqlalchemy.exc import DBAPIError

from scribe.db import is_database_lost


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
