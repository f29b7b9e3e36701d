"""Procrastinate tasks a dead worker left "doing": handed back, or dropped when a copy waits.

A stalled task used to be retried blindly: with a copy of the same job already waiting (a
recovery pass re-enqueued the job's stale row), the queueing lock refused the retry, the whole
recovery pass failed, and so did every later one while the copy waited.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from scribe.config import JobSettings
from scribe.jobs.procrastinate_app import _retry_stalled, app_of
from scribe.jobs.queue import ProcrastinateQueue
from scribe.runtime import Runtime

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("backend", ["postgresql"], indirect=True),
]


@pytest.fixture
async def queue(runtime: Runtime) -> AsyncIterator[str]:
    """A queue no worker serves, emptied afterwards."""
    name = f"stalled-{uuid.uuid4().hex[:8]}"
    yield name
    await app_of(runtime).connector.execute_query_async(
        "DELETE FROM procrastinate_jobs WHERE queue_name = %(queue)s", queue=name
    )


async def defer(runtime: Runtime, queue: str, job_id: str, *, stalled: bool = False) -> int:
    task = app_of(runtime).tasks["scribe.run_job"]
    task_id: int = await task.configure(queue=queue, queueing_lock=job_id).defer_async(
        job_id=job_id
    )
    if stalled:  # what a killed worker leaves once pruned: "doing", with no worker
        await app_of(runtime).connector.execute_query_async(
            "UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %(id)s", id=task_id
        )
    return task_id


async def tasks_in(runtime: Runtime, queue: str) -> dict[int, tuple[str, int]]:
    rows = await app_of(runtime).connector.execute_query_all_async(
        "SELECT id, status, attempts FROM procrastinate_jobs WHERE queue_name = %(queue)s",
        queue=queue,
    )
    return {row["id"]: (row["status"], row["attempts"]) for row in rows}


async def test_a_stalled_task_is_handed_back(runtime: Runtime, queue: str) -> None:
    stalled = await defer(runtime, queue, str(uuid.uuid4()), stalled=True)
    await _retry_stalled(app_of(runtime), JobSettings(queue_name=queue))
    assert await tasks_in(runtime, queue) == {stalled: ("todo", 1)}


async def test_a_stalled_task_whose_job_waits_again_is_dropped(
    runtime: Runtime, queue: str
) -> None:
    job_id = str(uuid.uuid4())
    await defer(runtime, queue, job_id, stalled=True)
    waiting = await defer(runtime, queue, job_id)
    other = await defer(runtime, queue, str(uuid.uuid4()), stalled=True)
    await _retry_stalled(app_of(runtime), JobSettings(queue_name=queue))
    assert await tasks_in(runtime, queue) == {waiting: ("todo", 0), other: ("todo", 1)}


async def test_only_its_own_queue_is_touched(runtime: Runtime, queue: str) -> None:
    stalled = await defer(runtime, queue, str(uuid.uuid4()), stalled=True)
    await _retry_stalled(app_of(runtime), JobSettings(queue_name=f"{queue}-other"))
    assert await tasks_in(runtime, queue) == {stalled: ("doing", 0)}


async def test_recovery_skips_jobs_already_waiting(runtime: Runtime, queue: str) -> None:
    waiting, doing, absent = (str(uuid.uuid4()) for _ in range(3))
    await defer(runtime, queue, waiting)
    await defer(runtime, queue, doing, stalled=True)
    found = await ProcrastinateQueue(app_of(runtime)).waiting([waiting, doing, absent])
    assert found == {waiting}
