"""Tenancy, the security boundary: one way to read a tenant's row by id, filtered in the query."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import ExecutableOption

from scribe.db import Base
from scribe.errors import NotFoundError

# A table whose rows belong to one tenant and have a string ``id`` (every tenant table does).
_Row = TypeVar("_Row", bound=Base)


async def get_owned(
    session: AsyncSession,
    model: type[_Row],
    tenant_id: str,
    row_id: str,
    missing: NotFoundError,
    *,
    where: Iterable[ColumnElement[bool]] = (),
    options: Iterable[ExecutableOption] = (),
    fresh: bool = False,
) -> _Row:
    """The tenant's row with this id, or ``missing``; another tenant's row is not found, alike.

    ``where`` narrows further (the row's parent); ``fresh`` reloads a row the session already
    holds (a job may have changed it since).
    """
    where, options = tuple(where), tuple(options)
    if where or options or fresh:
        # Mapped columns are not expressible as a Protocol; every caller's model has both.
        columns: Any = model
        query = (
            select(model)
            .where(columns.id == row_id, columns.tenant_id == tenant_id, *where)
            .options(*options)
        )
        if fresh:
            query = query.execution_options(populate_existing=True)
        row = await session.scalar(query)
    else:
        row = await session.scalar(_by_id(model), {"row_id": row_id, "tenant_id": tenant_id})
    if row is None:
        raise missing
    return row


@cache
def _by_id(model: type[_Row]) -> Select[_Row]:
    """The plain lookup, built once per table: a request binds the two ids and nothing else."""
    columns: Any = model
    return select(model).where(
        columns.id == bindparam("row_id"), columns.tenant_id == bindparam("tenant_id")
    )
