"""Telling every process at once that credentials changed, so none trusts a cached key after.

Whatever revokes a key or purges a tenant calls ``announce(session)`` inside its transaction;
each server process runs a ``RevocationWatch`` whose ``generation()`` changes once that
transaction has committed, in any process on any host::

    watch = RevocationWatch.for_url(settings.sqlalchemy_url)
    async with watch.running():
        generation = watch.generation()  # None: the watch cannot vouch, trust no cache

How the news travels, without a query per request:

- PostgreSQL: ``NOTIFY`` in the revoking transaction (delivered by the server when, and only
  if, it commits) to one ``LISTEN`` connection per process. While that connection is down the
  generation is None, and once it is back it moves on (what was missed is assumed revoked).
- SQLite (one host by nature): a file beside the database, replaced after the commit; the
  generation is its inode and mtime, one ``stat`` per request.
- In this process, whatever the database: a counter, bumped after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import func as sql_func
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

CHANNEL = "scribe_credentials"
# How often the listening connection proves it is alive (a dead peer sends no close).
KEEPALIVE_SECONDS = 5.0
RECONNECT_SECONDS = 1.0
_local = {"generation": 0}

Generation = tuple[int, ...]


async def announce(session: AsyncSession) -> None:
    """Tell every process, once this session's transaction commits, that credentials changed."""
    sync = session.sync_session
    engine = sync.get_bind().engine
    if engine.dialect.name == "postgresql":
        await session.execute(select(sql_func.pg_notify(CHANNEL, "")))
    sidecar = _sidecar(str(engine.url)) if engine.dialect.name == "sqlite" else None

    def committed(_: Session) -> None:
        _local["generation"] += 1
        if sidecar is not None:
            _replace(sidecar)

    event.listen(sync, "after_commit", committed, once=True)


def _sidecar(url: str) -> Path | None:
    """The file beside a SQLite database that its processes watch (None: in memory)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + "-credentials")


def _replace(path: Path) -> None:
    # A new inode each time: a change never looks like the previous state, however fast.
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.replace(temporary, path)


class RevocationWatch:
    """One process's view of the credential generation (see the module's docstring)."""

    def __init__(self, *, sidecar: Path | None = None, listen_dsn: str | None = None) -> None:
        self._sidecar = sidecar
        self._dsn = listen_dsn
        self._notified = 0
        self._listening = listen_dsn is None  # nothing to listen to: nothing to miss

    @classmethod
    def for_url(cls, sqlalchemy_url: str) -> RevocationWatch:
        url = make_url(sqlalchemy_url)
        if url.get_backend_name() == "sqlite":
            return cls(sidecar=_sidecar(sqlalchemy_url))
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(listen_dsn=dsn)

    def generation(self) -> Generation | None:
        """What cached credentials must have been checked under; None: trust none."""
        if not self._listening:
            return None
        if self._sidecar is None:
            return (_local["generation"], self._notified)
        try:
            stat = os.stat(self._sidecar)
        except FileNotFoundError:
            return (_local["generation"], 0, 0)
        except OSError:
            return None
        return (_local["generation"], stat.st_ino, stat.st_mtime_ns)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Listen (PostgreSQL) for as long as the block runs; nothing to run on SQLite."""
        if self._dsn is None:
            yield
            return
        task = asyncio.create_task(self._listen(self._dsn))
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _listen(self, dsn: str) -> None:
        import asyncpg  # type: ignore[import-untyped]

        while True:
            try:
                connection = await asyncpg.connect(dsn, timeout=10)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                logger.warning(
                    "revocation watch cannot connect", extra={"error_type": type(exc).__name__}
                )
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            try:
                await self._listen_on(connection)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                logger.warning("revocation watch lost", extra={"error_type": type(exc).__name__})
            finally:
                self._listening = False
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 2)
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_on(self, connection: Any) -> None:
        await connection.add_listener(CHANNEL, self._on_notify)
        # Anything revoked while no one listened is treated as revoked: the cache starts over.
        self._notified += 1
        self._listening = True
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            await asyncio.wait_for(connection.fetchval("SELECT 1"), KEEPALIVE_SECONDS)

    def _on_notify(self, *_: object) -> None:
        self._notified += 1
