"""Running retention sweeps: one now (the CLI), or every interval beside the job workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.config import RetentionSettings, Settings
from scribe.db import utcnow
from scribe.retention import service
from scribe.retention.service import Policy, SweepCounts
from scribe.storage import BlobStore

logger = logging.getLogger(__name__)


class SweepHost(Protocol):
    """What periodic sweeps need of the process (the composition root's ``Runtime``)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def blobs(self) -> BlobStore: ...


def policy_from(settings: RetentionSettings, tenant_id: str | None = None) -> Policy | None:
    """The configured policy; None when audio is kept for ever."""
    if not settings.audio_days:
        return None
    return Policy(settings.audio_days, settings.delete_transcripts, tenant_id)


async def sweep(
    sessionmaker: async_sessionmaker[AsyncSession],
    blobs: BlobStore,
    policy: Policy,
    *,
    batch_size: int,
    now: datetime | None = None,
) -> SweepCounts:
    """Delete everything due, one committed batch at a time."""
    now = now or utcnow()
    total = SweepCounts()
    more = True
    while more:
        async with sessionmaker() as session:
            counts, more = await service.sweep_batch(
                session, blobs, policy, now=now, limit=batch_size
            )
            await session.commit()
        total += counts
        # Another sweep took this batch's rows: it is working through the same list.
        more = more and counts.recordings > 0
    return total


async def sweep_forever(runtime: SweepHost) -> None:
    """Sweep now and then every interval until cancelled; return at once if retention is off."""
    settings = runtime.settings.retention
    policy = policy_from(settings)
    if policy is None:
        return
    while True:
        try:
            counts = await sweep(
                runtime.sessionmaker, runtime.blobs, policy, batch_size=settings.batch_size
            )
            if counts.recordings or counts.transcripts:
                logger.info("retention sweep", extra=asdict(counts))
        except Exception:
            logger.warning("retention sweep failed", exc_info=True)
        await asyncio.sleep(settings.sweep_interval_seconds)


@contextlib.asynccontextmanager
async def periodic_sweeps(runtime: SweepHost) -> AsyncIterator[None]:
    """Sweep every interval while the block runs (nothing when retention is off)."""
    task = asyncio.create_task(sweep_forever(runtime))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
