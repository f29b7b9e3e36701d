"""A running job's progress reaches its row as it moves, only grows, and is 1 once it ends."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

from scribe.auth import service as auth_service
from scribe.jobs import runner, service
from scribe.jobs.models import Job
from scribe.jobs.runner import REGISTRY, JobContext, Progress
from scribe.runtime import Runtime

_GATES: dict[str, asyncio.Event] = {}
# This module's kind: run by a copy of the runtime that knows it, never the shared app.
KINDS = REGISTRY.copy()


@KINDS.handler("test_progress")
async def _halfway_then_wait(ctx: JobContext) -> dict[str, Any]:
    ctx.report_progress(0.25)
    ctx.report_progress(0.5)
    ctx.report_progress(0.4)  # progress never goes back
    await _GATES[ctx.job.input["gate"]].wait()
    return {}


async def _progress(runtime: Runtime, job_id: str) -> tuple[str, float]:
    async with runtime.sessionmaker() as session:
        job = await session.get_one(Job, job_id)
        return job.status, job.progress


async def test_progress_is_written_while_the_job_runs(runtime: Runtime) -> None:
    runtime = replace(runtime, jobs=KINDS)
    gate = uuid.uuid4().hex
    _GATES[gate] = asyncio.Event()
    async with runtime.sessionmaker() as session:
        tenant = (await auth_service.get_or_create_tenant(session, f"t-{gate[:10]}")).id
        job = service.create_job(
            session, tenant_id=tenant, kind="test_progress", payload={"gate": gate}
        )
        await session.commit()  # run here, by this module's runtime, not the shared queue
    running = asyncio.create_task(runner.execute(runtime, job.id))
    try:
        for _ in range(100):
            if await _progress(runtime, job.id) == ("running", 0.5):
                break
            await asyncio.sleep(0.1)
        assert await _progress(runtime, job.id) == ("running", 0.5)
        async with runtime.sessionmaker() as session:
            assert await service.progress_of(session, tenant, job.id) == 0.5
            assert await service.progress_of(session, "another-tenant", job.id) is None
    finally:
        _GATES.pop(gate).set()
        await running
    assert await service.wait_until_finished(runtime.sessionmaker, job.id, timeout=20)
    assert await _progress(runtime, job.id) == ("completed", 1.0)


def test_progress_only_grows_and_waits_for_the_outcome_to_reach_one() -> None:
    progress = Progress()
    progress.report(0.3)
    progress.report(0.1)
    assert progress.fraction == 0.3
    progress.report(7)
    assert progress.fraction == 0.99
    progress.report(-1)
    assert progress.fraction == 0.99


def test_a_stage_maps_onto_its_span_of_the_job() -> None:
    progress = Progress()
    ctx = JobContext.__new__(JobContext)
    ctx.progress = progress
    report = ctx.progress_span(0.0, 0.9)
    report(0.5)
    assert progress.fraction == 0.45
