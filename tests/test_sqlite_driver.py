"""The SQLite driver: one thread hop per statement, none for a commit with nothing to commit, and
otherwise what aiosqlite gives (rows, counts, ids, streams, the driver's errors)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from scribe import sqlite_driver
from scribe.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with made.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield made
    await made.dispose()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls made on the connections' threads, by name."""
    seen: list[str] = []
    real = sqlite_driver.OneHopConnection.run

    async def counted(self: sqlite_driver.OneHopConnection, function: Callable[[], Any]) -> Any:
        seen.append(getattr(function, "__name__", "?"))
        return await real(self, function)

    monkeypatch.setattr(sqlite_driver.OneHopConnection, "run", counted)
    return seen


async def _rows(engine: AsyncEngine, count: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": str(i)} for i in range(count)]
        )


async def test_a_read_is_one_hop_and_its_commit_none(engine: AsyncEngine, hops: list[str]) -> None:
    await _rows(engine, 3)
    hops.clear()
    async with engine.connect() as connection:
        found = await connection.execute(text("SELECT v FROM t WHERE id = :id"), {"id": 2})
        assert found.scalar_one() == "1"
        await connection.commit()
    assert hops == ["run"]


async def test_a_write_commits_and_is_read_back(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        made = await connection.execute(text("INSERT INTO t (v) VALUES ('a') RETURNING id"))
        assert made.scalar_one() == 1
        changed = await connection.execute(text("UPDATE t SET v = 'b' WHERE id = 1"))
        assert changed.rowcount == 1
        await connection.commit()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT v FROM t"))).scalars().all() == ["b"]


async def test_a_write_not_committed_is_rolled_back(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('gone')"))
        await connection.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


LONG = (sqlite_driver.PREFETCH_ROWS - 1, 2 * sqlite_driver.PREFETCH_ROWS)


@pytest.mark.parametrize("count", LONG)
async def test_long_results_arrive_whole_fetched_or_streamed(
    engine: AsyncEngine, count: int
) -> None:
    await _rows(engine, count)
    query = text("SELECT id FROM t ORDER BY id")
    async with engine.connect() as connection:
        assert len((await connection.execute(query)).all()) == count
        streamed = await connection.stream(query.execution_options(yield_per=300))
        ids = [row.id async for row in streamed]
    assert ids == list(range(1, count + 1))


async def test_the_drivers_errors_are_raised_as_before(engine: AsyncEngine) -> None:
    await _rows(engine, 1)
    attempts: list[Callable[[Any], Awaitable[Any]]] = [
        lambda c: c.execute(text("SELECT * FROM missing")),
        lambda c: c.execute(text("INSERT INTO t (v) VALUES ('0')")),
    ]
    async with engine.connect() as connection:
        with pytest.raises(OperationalError):
            await attempts[0](connection)
    async with engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await attempts[1](connection)
    # The connections are still good afterwards.
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
