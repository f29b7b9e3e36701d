"""The procrastinate app: one task that runs a scribe job by id on a PostgreSQL-backed queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any, Protocol

import procrastinate
from procrastinate import exceptions
from procrastinate.jobs import Status

from scribe.config import JobSettings
from scribe.jobs import runner
from scribe.jobs.queue import Executor

logger = logging.getLogger(__name__)


def build_app(conninfo: str, queue: str, execute: Executor) -> procrastinate.App:
    """Build the app; its one task hands the job id to ``execute`` (the runtime's runner)."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=8)
    )

    @app.task(name="scribe.run_job", queue=queue)
    async def run_job(job_id: str) -> None:
        await execute(job_id)

    return app


class WorkerHost(runner.JobHost, Protocol):
    """A job host whose queue is procrastinate's (the worker process's ``Runtime``)."""

    @property
    def procrastinate(self) -> procrastinate.App | None: ...


def app_of(runtime: WorkerHost) -> procrastinate.App:
    """The runtime's procrastinate app (only a PostgreSQL-queue runtime has one)."""
    if runtime.procrastinate is None:
        raise RuntimeError("the job backend is not procrastinate")
    return runtime.procrastinate


# A worker that stopped on its own (the database went away) starts again after this long.
RESTART_DELAY_SECONDS = 2.0


async def run_worker(
    runtime: WorkerHost, *, concurrency: int, install_signal_handlers: bool = False
) -> None:
    """Run procrastinate's worker plus our recovery loop until cancelled (or SIGTERM/SIGINT).

    procrastinate's worker ends when its database connection fails (a fetch raises, or its
    listener dies and it stops itself): it is started again, so a database restart never
    leaves a worker process idle for good. Only a signal or cancellation ends this function.
    """
    stop = asyncio.Event()
    if install_signal_handlers:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    recovery = asyncio.create_task(_recovery_loop(runtime))
    try:
        while not stop.is_set():
            await _until_stopped_or_ended(_procrastinate_worker(runtime, concurrency), stop)
            if not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=RESTART_DELAY_SECONDS)
    finally:
        if install_signal_handlers:
            for signum in (signal.SIGTERM, signal.SIGINT):
                asyncio.get_running_loop().remove_signal_handler(signum)
        recovery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recovery


async def _procrastinate_worker(runtime: WorkerHost, concurrency: int) -> None:
    settings = runtime.settings.jobs
    # One notion of a dead worker: silent for stale_after_seconds, whether judged by its
    # job rows' heartbeats or by procrastinate's own worker heartbeat.
    await app_of(runtime).run_worker_async(
        queues=[settings.queue_name],
        concurrency=concurrency,
        install_signal_handlers=False,
        delete_jobs="successful",
        update_heartbeat_interval=settings.heartbeat_seconds,
        stalled_worker_timeout=settings.stale_after_seconds,
    )


async def _until_stopped_or_ended(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> None:
    """Run the worker until it ends by itself (logged) or ``stop`` is set (then shut it down)."""
    worker = asyncio.create_task(work, name="scribe-procrastinate-worker")
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({worker, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not worker.done():
            worker.cancel()  # procrastinate then lets running jobs finish before it returns
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({worker})
    if stop.is_set() or worker.cancelled():
        return
    error = worker.exception()
    logger.warning(
        "job worker stopped by itself; starting it again",
        extra={"error_type": type(error).__name__ if error else None},
    )


async def _recovery_loop(runtime: WorkerHost) -> None:
    while True:
        await recover_once(runtime)
        await asyncio.sleep(runtime.settings.jobs.recovery_interval_seconds)


async def recover_once(runtime: WorkerHost) -> None:
    """One recovery pass: hand back our queue's stalled tasks, then re-enqueue orphaned jobs.

    The two halves fail independently, so a task that cannot be handed back never keeps the
    job rows (the source of truth) from being recovered.
    """
    try:
        await _retry_stalled(app_of(runtime), runtime.settings.jobs)
    except Exception:
        logger.warning("stalled task recovery failed", exc_info=True)
    try:
        await runner.recover_orphans(runtime)
    except Exception:
        logger.warning("job recovery pass failed", exc_info=True)


async def _retry_stalled(app: procrastinate.App, settings: JobSettings) -> None:
    """Put back the tasks a dead worker held ("doing" for ever), or drop them when redundant."""
    manager = app.job_manager
    found = await manager.get_stalled_jobs(
        queue=settings.queue_name, seconds_since_heartbeat=settings.stale_after_seconds
    )
    for stalled in found:
        try:
            await manager.retry_job(stalled)
        except exceptions.UniqueViolation:
            # The queueing lock: a copy of the same job already waits (a recovery pass
            # re-enqueued its stale row), so this one is redundant rather than lost.
            await manager.finish_job(stalled, status=Status.ABORTED, delete_job=True)
            logger.info("dropped a stalled duplicate task", extra={"task_id": stalled.id})
