"""Losing the database never loses work: workers start again, interrupted jobs run again."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from scribe.auth import service as auth_service
from scribe.db import utcnow
from scribe.jobs import procrastinate_app, runner
from scribe.jobs import service as job_service
from scribe.jobs.models import Job
from scribe.jobs.runner import REGISTRY, JobContext
from scribe.runtime import Runtime


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize("ending", ["raises", "returns"])
async def test_a_worker_that_ends_by_itself_is_started_again(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    starts: list[int] = []
    running = asyncio.Event()

    async def worker(_runtime: Runtime, _concurrency: int) -> None:
        starts.append(len(starts))
        if len(starts) == 1:  # the first run dies as a lost connection makes it
            if ending == "raises":
                raise OperationalError("fetch_job", {}, ConnectionError("server closed"))
            return  # a failed listener makes procrastinate stop itself and return
        running.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(procrastinate_app, "_procrastinate_worker", worker)
    monkeypatch.setattr(procrastinate_app, "RESTART_DELAY_SECONDS", 0.05)
    task = asyncio.create_task(procrastinate_app.run_worker(runtime, concurrency=1))
    try:
        await asyncio.wait_for(running.wait(), timeout=10)
        assert starts == [0, 1]
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()  # cancelling (shutdown) ends it for good


_ATTEMPTS: dict[str, int] = {}
# This module's kinds: run by a copy of the runtime that knows them, never the shared app.
KINDS = REGISTRY.copy()


@KINDS.handler("test_database_lost")
async def _loses_the_database_once(ctx: JobContext) -> dict[str, Any]:
    _ATTEMPTS[ctx.job.id] = _ATTEMPTS.get(ctx.job.id, 0) + 1
    if _ATTEMPTS[ctx.job.id] == 1:
        raise OperationalError("UPDATE job", {}, ConnectionError("server closed"))
    return {"ok": True}


async def test_a_job_cut_off_by_the_database_runs_again_instead_of_failing(
    runtime: Runtime,
) -> None:
    runtime = replace(runtime, jobs=KINDS)
    async with runtime.sessionmaker() as session:
        tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:8]}")
        job = job_service.create_job(
            session, tenant_id=tenant.id, kind="test_database_lost", payload={}
        )
        await session.commit()  # not handed to the queue: this test runs it by hand
    await runner.execute(runtime, job.id)
    async with runtime.sessionmaker() as session:
        interrupted = await session.get_one(Job, job.id)
        assert (interrupted.status, interrupted.attempts) == ("running", 1)
        # An hour later its heartbeat is long stale: a recovery pass hands it over again.
        interrupted.heartbeat_at = utcnow() - timedelta(hours=1)
        await session.commit()
    await runner.execute(runtime, job.id)
    async with runtime.sessionmaker() as session:
        done = await session.get_one(Job, job.id)
        assert (done.status, done.attempts, done.result) == ("completed", 2, {"ok": True})


async def test_a_job_the_queue_refused_is_stored_and_recovered_later(runtime: Runtime) -> None:
    async def queue_down(_job_id: str) -> None:
        raise ConnectionError("queue unreachable")

    async with runtime.sessionmaker() as session:
        tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:8]}")
        job = job_service.create_job(
            session, tenant_id=tenant.id, kind="test_recovered", payload={}
        )
        await job_service.commit_and_enqueue(session, queue_down)  # no error for the caller
    async with runtime.sessionmaker() as session:
        assert await job_service.get_status(session, job.id) == "queued"
        # Past the stale cutoff, the recovery pass finds it among the orphans to hand over.
        orphans = await job_service.orphaned(session, stale_before=utcnow() + timedelta(seconds=1))
        # Gone before the shared app's own recovery pass would hand it over: no kind runs it.
        await session.delete(await session.get_one(Job, job.id))
        await session.commit()
    assert job.id in orphans
