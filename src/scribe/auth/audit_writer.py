"""Audit records of requests that change nothing, written in batches off the request path.

A read's audit row used to make every read a write transaction (an INSERT and a COMMIT, an fsync
on SQLite). Now such records wait in memory and one background task writes them together:

- **When**: at most ``interval_seconds`` (0.05 s) after the first record waits, or as soon as
  ``batch_size`` (500) are waiting; the lifespan writes whatever is left when the process stops
  (SIGTERM, SIGINT: uvicorn's graceful shutdown runs the lifespan's exit).
- **Loss window**: a SIGKILL, OOM kill or power loss loses the records of roughly the last
  ``interval_seconds`` plus one batch's write time, and those a failing database kept waiting
  (the writer retries them each interval, and logs each failure).
- **What is not batched**: a request that changed data audits inside its own transaction (the
  record commits with the change or not at all), and so do jobs and operator commands.

Tests reading the audit trail of a read call ``await runtime.audits.flush()`` first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.auth.models import AuditRecord
from scribe.db import utcnow

logger = logging.getLogger(__name__)
# Core, not the ORM's bulk path: plain executemany, no per-row unit-of-work bookkeeping.
_TABLE = cast(Table, AuditRecord.__table__)


class AuditWriter:
    """Buffer audit rows and write them in batches: ``add`` now, written within the interval."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        interval_seconds: float = 0.05,
        batch_size: int = 500,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.interval_seconds = interval_seconds
        self.batch_size = batch_size
        self._rows: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._stopping = False

    @property
    def pending(self) -> int:
        return len(self._rows)

    def add(self, **row: Any) -> None:
        """Queue one audit row (``AuditRecord``'s columns); it is stamped with the time now."""
        row.setdefault("created_at", utcnow())
        row.setdefault("resource_ids", {})
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self._wake.set()

    async def flush(self) -> None:
        """Write every waiting row now; rows that could not be written stay queued."""
        async with self._lock:
            while self._rows:
                rows = self._rows[: self.batch_size]
                del self._rows[: self.batch_size]
                try:
                    await self._write(rows)
                except BaseException:
                    self._rows[:0] = rows
                    raise

    async def _write(self, rows: list[dict[str, Any]]) -> None:
        try:
            await self._insert(rows)
        except IntegrityError:
            # One bad row (a tenant deleted meanwhile) must not hold back the others for ever.
            for row in rows:
                try:
                    await self._insert([row])
                except IntegrityError:
                    action = row.get("action")
                    logger.error("audit record refused by the database", extra={"action": action})

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        async with self._sessionmaker() as session:
            await session.execute(insert(_TABLE), rows)
            await session.commit()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_seconds)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                logger.warning(
                    "audit records not written yet; retrying",
                    extra={"pending": self.pending},
                    exc_info=True,
                )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[AuditWriter]:
        """Write in the background while open; on exit, write what is left."""
        self._stopping = False
        task = asyncio.create_task(self._run(), name="scribe-audit-writer")
        try:
            yield self
        finally:
            # Not cancelled: a batch being written finishes, so none is half-sent at exit.
            self._stopping = True
            self._wake.set()
            await asyncio.gather(task, return_exceptions=True)
            try:
                await self.flush()
            except Exception:
                logger.error(
                    "audit records lost at shutdown", extra={"pending": self.pending}, exc_info=True
                )
