"""aiosqlite with one thread hop per statement, and none for a commit with nothing to commit.

aiosqlite runs each call on its connection's thread and wakes the event loop with the answer: a
cursor, an execute, a fetch and a cursor close are four hops for one SELECT, and the commit and
the pool's rollback two more, each a wake-up of that thread and then of the loop (the largest
cost of a one-row read after FastAPI and the ORM). Here a statement is executed, its rows read
(up to ``PREFETCH_ROWS``) and its cursor closed in one call on the thread; a commit or rollback
outside any transaction (every read: SQLite's driver opens one only before a write) is skipped::

    engine = create_async_engine(url, async_creator=connector(url))

Results of more than ``PREFETCH_ROWS`` rows (a streamed query) keep their cursor open and fetch
the rest on the thread, as before; errors are the driver's own, raised where they were.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

# Rows read with the statement: any one-row or one-page read, while a stream stays a stream.
PREFETCH_ROWS = 1000
Description = tuple[tuple[Any, ...], ...] | None
# What SQLAlchemy binds: a tuple of values (qmark style), or a mapping for named ones.
Parameters = Sequence[Any] | Mapping[str, Any]


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors run a statement in one call on its thread."""

    @contextmanager
    async def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def commit(self) -> None:
        if self._in_transaction():
            await super().commit()

    async def rollback(self) -> None:
        if self._in_transaction():
            await super().rollback()

    def _in_transaction(self) -> bool:
        # Read on the loop's thread: no statement of this connection runs meanwhile (SQLAlchemy
        # awaits each), and the driver was opened with check_same_thread=False.
        return self._connection is not None and self._connection.in_transaction

    async def run(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on the connection's thread (aiosqlite's queue, in order)."""
        return await self._execute(function)  # type: ignore[no-untyped-call]


class OneHopCursor:
    """A cursor made on the thread with its statement; rows wait here for SQLAlchemy's fetch."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._owner = connection
        self.iter_chunk_size = 64
        self._open: sqlite3.Cursor | None = None
        self._rows: list[Any] = []
        self._description: Description = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self.arraysize = 1

    async def execute(self, sql: str, parameters: Parameters | None = None) -> OneHopCursor:
        await self._close_open()
        given = () if parameters is None else parameters
        await self._owner.run(self._statement(lambda cursor: cursor.execute(sql, given)))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Parameters]) -> OneHopCursor:
        await self._close_open()
        await self._owner.run(self._statement(lambda cursor: cursor.executemany(sql, parameters)))
        return self

    def _statement(self, execute: Callable[[sqlite3.Cursor], object]) -> Callable[[], None]:
        def run() -> None:
            cursor = self._owner._conn.cursor()
            try:
                execute(cursor)
                self._description = cursor.description
                self._rowcount, self._lastrowid = cursor.rowcount, cursor.lastrowid
                self._rows = cursor.fetchmany(PREFETCH_ROWS) if cursor.description else []
            except BaseException:
                cursor.close()
                raise
            if len(self._rows) < PREFETCH_ROWS:
                cursor.close()
            else:
                self._open = cursor

        return run

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[Any]:
        while rows := await self.fetchmany(self.iter_chunk_size):
            for row in rows:
                yield row

    async def fetchone(self) -> Any:
        rows = await self._take(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return await self._take(size or self.arraysize)

    async def fetchall(self) -> Sequence[Any]:
        return await self._take(None)

    async def _take(self, size: int | None) -> list[Any]:
        wanted = len(self._rows) + 1 if size is None else size
        if len(self._rows) < wanted and self._open is not None:
            self._rows += await self._owner.run(self._reader(size, len(self._rows)))
        taken = self._rows if size is None else self._rows[:size]
        self._rows = [] if size is None else self._rows[size:]
        return taken

    def _reader(self, size: int | None, buffered: int) -> Callable[[], list[Any]]:
        cursor = self._open

        def read() -> list[Any]:
            assert cursor is not None
            rows = cursor.fetchall() if size is None else cursor.fetchmany(size - buffered)
            if size is None or not rows:
                cursor.close()
                self._open = None
            return rows

        return read

    async def close(self) -> None:
        self._rows = []
        await self._close_open()

    async def _close_open(self) -> None:
        if self._open is not None:
            cursor, self._open = self._open, None
            await self._owner.run(cursor.close)

    @property
    def description(self) -> Description:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._lastrowid


def connector(url: str) -> Callable[[], Awaitable[OneHopConnection]]:
    """The ``async_creator`` of an engine for ``url``, opening connections as SQLAlchemy would."""
    args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))

    async def connect() -> OneHopConnection:
        def open_driver() -> sqlite3.Connection:
            return sqlite3.connect(*args, **options)  # type: ignore[call-overload,no-any-return]

        connection = OneHopConnection(open_driver, 64)
        # As SQLAlchemy does for its own: a connection left open must not keep the process up.
        connection._thread.daemon = True
        await connection
        return connection

    return connect
