"""Job rows: create (enqueued after commit), claim, finish, heartbeat, recover, wait."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.db import utcnow
from scribe.jobs.models import COMPLETED, FAILED, QUEUED, RUNNING, TERMINAL, Job

logger = logging.getLogger(__name__)
_PENDING_KEY = "scribe.jobs_to_enqueue"

Enqueue = Callable[[str], Awaitable[None]]


def create_job(
    session: AsyncSession,
    *,
    tenant_id: str,
    kind: str,
    payload: dict[str, Any],
    run_after: datetime | None = None,
) -> Job:
    """Add a queued job; it is handed to the queue only once the session commits.

    With ``run_after`` it is not claimed before that time: the queue still gets it at commit,
    and the runner hands it back with the remaining delay (``JobQueue.enqueue_later``).
    """
    job = Job(tenant_id=tenant_id, kind=kind, status=QUEUED, input=payload, run_after=run_after)
    session.add(job)
    session.info.setdefault(_PENDING_KEY, []).append(job)
    return job


async def commit_and_enqueue(session: AsyncSession, enqueue: Enqueue) -> None:
    """Commit, then enqueue the jobs the transaction created (a rollback drops them)."""
    await session.commit()
    jobs: list[Job] = session.info.pop(_PENDING_KEY, [])
    for job in jobs:
        try:
            await enqueue(job.id)
        except Exception:
            # The job is stored, so it is not lost: the recovery pass hands queued jobs that no
            # worker took to the queue again. The caller answers as if the handover worked.
            logger.warning("job stored but not handed to the queue", extra={"job_id": job.id})


async def claim(session: AsyncSession, job_id: str, *, stale_before: datetime) -> int | None:
    """Mark a job running for this worker; the attempt number, or None if it is not ours to run."""
    now = utcnow()
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .where(
            or_(
                (Job.status == QUEUED) & or_(Job.run_after.is_(None), Job.run_after <= now),
                (Job.status == RUNNING) & (Job.heartbeat_at < stale_before),
            )
        )
        .values(
            status=RUNNING,
            attempts=Job.attempts + 1,
            progress=0.0,  # a new attempt starts over
            started_at=now,
            heartbeat_at=now,
            updated_at=now,
        )
        .returning(Job.attempts)
    )
    return result.scalar_one_or_none()


async def finish(
    session: AsyncSession,
    job_id: str,
    attempt: int,
    *,
    result: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> bool:
    """Record the outcome if this attempt still owns the job; False when another one took over."""
    now = utcnow()
    values: dict[str, Any] = {"finished_at": now, "updated_at": now, "heartbeat_at": now}
    if error is None:
        values.update(status=COMPLETED, result=result or {}, progress=1.0)
    else:
        values.update(status=FAILED, error_code=error[0], error_message=error[1])
    outcome = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING, Job.attempts == attempt)
        .values(**values)
        .returning(Job.id)
    )
    return outcome.scalar_one_or_none() is not None


async def scheduled_for(session: AsyncSession, job_id: str) -> datetime | None:
    """When a queued job scheduled for later is due (maybe by now); None for any other job."""
    return await session.scalar(
        select(Job.run_after).where(
            Job.id == job_id, Job.status == QUEUED, Job.run_after.is_not(None)
        )
    )


async def heartbeat(
    session: AsyncSession, job_id: str, attempt: int, *, progress: float | None = None
) -> None:
    """Renew this attempt's claim on the job, recording how far it got."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING, Job.attempts == attempt)
        .values(**values)
    )


async def progress_of(session: AsyncSession, tenant_id: str, job_id: str | None) -> float | None:
    """How much of a tenant's job is done (0 to 1), or None when there is no such job."""
    if job_id is None:
        return None
    return await session.scalar(
        select(Job.progress).where(Job.id == job_id, Job.tenant_id == tenant_id)
    )


async def orphaned(session: AsyncSession, *, stale_before: datetime) -> list[str]:
    """Ids of jobs nobody is running: running with an old heartbeat, or queued since long ago."""
    rows = await session.scalars(
        select(Job.id).where(
            or_(
                (Job.status == RUNNING) & (Job.heartbeat_at < stale_before),
                (Job.status == QUEUED) & (Job.created_at < stale_before),
            )
        )
    )
    return list(rows)


async def count_unfinished(session: AsyncSession) -> dict[str, int]:
    """How many jobs are queued and running, across tenants (one indexed COUNT)."""
    rows = await session.execute(
        select(Job.status, func.count())
        .where(Job.status.in_((QUEUED, RUNNING)))
        .group_by(Job.status)
    )
    return {QUEUED: 0, RUNNING: 0, **{status: int(count) for status, count in rows}}


async def get_status(session: AsyncSession, job_id: str) -> str | None:
    return await session.scalar(select(Job.status).where(Job.id == job_id))


async def wait_until_finished(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: str, *, timeout: float
) -> bool:
    """Poll (works across processes) until the job ends; False on timeout."""
    delay = 0.01
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with sessionmaker() as session:
            if await get_status(session, job_id) in TERMINAL:
                return True
        remaining = deadline - loop.time()
        if remaining <= 0:
            return False
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 1.5, 0.25)


def stale_cutoff(seconds: float) -> datetime:
    return utcnow() - timedelta(seconds=seconds)


async def reset_running(session: AsyncSession) -> None:
    """Single-process start-up: nothing can be running yet, so every running job was interrupted."""
    await session.execute(update(Job).where(Job.status == RUNNING).values(status=QUEUED))
