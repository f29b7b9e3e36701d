"""aiosqlite with short reads on the event loop, one thread hop for any other statement, and none
for a commit with nothing to commit.

aiosqlite runs each call on its connection's thread and wakes the event loop with the answer: a
cursor, an execute, a fetch and a cursor close are four hops for one SELECT, and the commit and
the pool's rollback two more, each a wake-up of that thread and then of the loop (the largest
cost of a one-row read after FastAPI and the ORM). Here a statement is executed, its rows read
(up to ``PREFETCH_ROWS``) and its cursor closed in one call on the thread; a commit or rollback
outside any transaction (every read: SQLite's driver opens one only before a write) is skipped::

    engine = create_async_engine(url, async_creator=connector(url))

Results of more than ``PREFETCH_ROWS`` rows (a streamed query) keep their cursor open and fetch
the rest on the thread, as before; errors are the driver's own, raised where they were.

A ``SELECT`` (most of a server's statements: every authenticated read) costs SQLite tens of
microseconds, and the two thread wake-ups around it cost more than that. So a ``SELECT`` runs on
the event loop first, under a budget of ``INLINE_BUDGET`` x ``INLINE_STEPS`` virtual-machine
steps counted by SQLite's progress handler (about a millisecond): a read that outgrows it is
interrupted and run again on the thread, from the start, so no read holds the loop for longer
than that. A ``SELECT`` has nothing to undo, inside a write transaction too. In WAL mode a read
takes no lock a writer holds, so it does not wait on the busy timeout; writes, commits and
rollbacks always run on the thread.
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
# A read on the loop is interrupted after INLINE_BUDGET progress calls, one per INLINE_STEPS
# SQLite VM instructions (a one-row lookup by key takes a few hundred), and moves to the thread.
INLINE_STEPS = 1000
INLINE_BUDGET = 50
Description = tuple[tuple[Any, ...], ...] | None
# What SQLAlchemy binds: a tuple of values (qmark style), or a mapping for named ones.
Parameters = Sequence[Any] | Mapping[str, Any]


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors run a short read on the loop, the rest in one call on
    its thread."""

    # Progress calls left to a read running on the loop; 0 while statements run on the thread.
    _inline_left = 0

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

    def run_inline(self, function: Callable[[], None]) -> bool:
        """Run a read here, on the loop, within its budget: False when it outgrew it (undone).

        Nothing else of this connection runs meanwhile: SQLAlchemy awaits each call, so the
        thread's queue is empty, as ``_in_transaction`` relies on too.
        """
        if self._connection is None:
            return False
        self._inline_left = INLINE_BUDGET
        try:
            function()
        except sqlite3.OperationalError:
            if self._inline_left > 0:
                raise
            return False
        finally:
            self._inline_left = 0
        return True

    def progress(self) -> int:
        """SQLite's progress handler: non-zero interrupts the statement (a read out of budget)."""
        if self._inline_left <= 0:
            return 0
        self._inline_left -= 1
        return 0 if self._inline_left else 1


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
        statement = self._statement(lambda cursor: cursor.execute(sql, given))
        if not (_is_read(sql) and self._owner.run_inline(statement)):
            await self._owner.run(statement)
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


def _is_read(sql: str) -> bool:
    return sql[:6].upper() == "SELECT" or sql.lstrip()[:6].upper() == "SELECT"


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
        connection._conn.set_progress_handler(connection.progress, INLINE_STEPS)
        return connection

    return connect
