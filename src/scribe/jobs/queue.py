"""Queues that hand job ids to workers: in-process (SQLite) or procrastinate (PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

logger = logging.getLogger(__name__)

Executor = Callable[[str], Awaitable[None]]


class JobQueue(Protocol):
    """Hands a committed job's id to whatever runs jobs.

    Example::

        await queue.enqueue(job.id)   # after the transaction that created the job committed
    """

    async def enqueue(self, job_id: str) -> None: ...


@runtime_checkable
class DelayingQueue(Protocol):
    """A queue that can hold a job back (a retry's backoff) before handing it to a worker.

    Example::

        await queue.enqueue_later(job.id, 30.0)   # the job's run_after is 30 s away
    """

    async def enqueue_later(self, job_id: str, delay_seconds: float) -> None: ...


@runtime_checkable
class WaitingQueue(Protocol):
    """A queue that can tell which jobs already wait in it (recovery skips those).

    Example::

        waiting = await queue.waiting(["id-1", "id-2"])   # {"id-2"}: only id-1 needs a copy
    """

    async def waiting(self, job_ids: Sequence[str]) -> set[str]: ...


class InProcessQueue:
    """A bounded pool of asyncio workers in the server process (the single-node default)."""

    def __init__(self, execute: Executor, *, concurrency: int) -> None:
        self._execute = execute
        self._concurrency = concurrency
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        # Timers of delayed jobs; lost on restart, when start-up recovery re-enqueues every
        # queued job and the runner delays the early ones again.
        self._timers: set[asyncio.Task[None]] = set()

    async def enqueue(self, job_id: str) -> None:
        self._queue.put_nowait(job_id)

    async def enqueue_later(self, job_id: str, delay_seconds: float) -> None:
        timer = asyncio.create_task(self._after(job_id, delay_seconds), name="scribe-job-timer")
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def _after(self, job_id: str, delay_seconds: float) -> None:
        await asyncio.sleep(max(delay_seconds, 0.0))
        self._queue.put_nowait(job_id)

    def start(self) -> None:
        self._workers = [
            asyncio.create_task(self._work(), name=f"scribe-job-worker-{i}")
            for i in range(self._concurrency)
        ]

    async def stop(self) -> None:
        tasks = [*self._workers, *self._timers]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers = []

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._workers)

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            try:
                await self._execute(job_id)
            except Exception:
                logger.exception("job execution crashed", extra={"job_id": job_id})
            finally:
                self._queue.task_done()


class ProcrastinateQueue:
    """Defers a procrastinate task per job; a queueing lock keeps one waiting copy per job."""

    def __init__(self, app: Any) -> None:
        self._app = app

    async def enqueue(self, job_id: str) -> None:
        await self._defer(job_id)

    async def enqueue_later(self, job_id: str, delay_seconds: float) -> None:
        # Procrastinate keeps the schedule in PostgreSQL, so it survives this process.
        await self._defer(job_id, schedule_in={"seconds": max(delay_seconds, 0.0)})

    async def waiting(self, job_ids: Sequence[str]) -> set[str]:
        rows = await self._app.connector.execute_query_all_async(
            "SELECT queueing_lock FROM procrastinate_jobs"
            " WHERE status = 'todo' AND queueing_lock = ANY(%(job_ids)s)",
            job_ids=list(job_ids),
        )
        return {row["queueing_lock"] for row in rows}

    async def _defer(self, job_id: str, **options: Any) -> None:
        from procrastinate import exceptions

        task = self._app.tasks["scribe.run_job"]
        try:
            await task.configure(queueing_lock=job_id, **options).defer_async(job_id=job_id)
        except exceptions.AlreadyEnqueued:
            logger.debug("job already waiting in the queue", extra={"job_id": job_id})
