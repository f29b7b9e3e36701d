"""Run one job by id: claim it, call its handler, record the outcome exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.auth import service as auth_service
from scribe.config import Settings
from scribe.db import is_database_lost, utcnow
from scribe.errors import ScribeError, TooManyAttemptsError
from scribe.jobs import service
from scribe.jobs.models import Job
from scribe.jobs.queue import DelayingQueue, JobQueue, WaitingQueue
from scribe.metrics import Metrics
from scribe.providers.asr.base import SpeechRecognizer
from scribe.providers.llm.base import TextProvider
from scribe.storage import BlobStore

logger = logging.getLogger(__name__)


# How often a running job's progress reaches its row, at most (the heartbeat may be rarer).
PROGRESS_INTERVAL_SECONDS = 1.0


class Progress:
    """The fraction of a running job that is done: set from any thread, written by the heartbeat.

    It only grows, and stays below 1 until the job's outcome is recorded (which sets 1).
    """

    __slots__ = ("fraction",)

    def __init__(self) -> None:
        self.fraction = 0.0

    def report(self, fraction: float) -> None:
        self.fraction = max(self.fraction, min(max(fraction, 0.0), 0.99))


@dataclass(frozen=True, slots=True)
class JobServices:
    """What a job's handler may use besides its session: no queue, no app, no engine."""

    settings: Settings
    text: TextProvider
    asr: SpeechRecognizer
    blobs: BlobStore
    metrics: Metrics


@dataclass(slots=True)
class JobContext:
    """One run of a job: its row, its session (committed by the runner), and its services."""

    services: JobServices
    session: AsyncSession
    job: Job
    progress: Progress = field(default_factory=Progress)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def text(self) -> TextProvider:
        return self.services.text

    @property
    def asr(self) -> SpeechRecognizer:
        return self.services.asr

    @property
    def blobs(self) -> BlobStore:
        return self.services.blobs

    @property
    def metrics(self) -> Metrics:
        return self.services.metrics

    def report_progress(self, fraction: float) -> None:
        """Say how much of the work is done (0 to 1); safe to call from worker threads."""
        self.progress.report(fraction)

    def progress_span(self, start: float, end: float) -> Callable[[float], None]:
        """A reporter for one stage of the work, whose 0 to 1 is the job's ``start`` to ``end``."""
        return lambda fraction: self.progress.report(start + (end - start) * fraction)


Handler = Callable[[JobContext], Awaitable[dict[str, Any]]]
# Called in the transaction that records a failure, to mark the job's subject failed too.
FailureHook = Callable[[AsyncSession, Job, ScribeError], Awaitable[None]]


@dataclass(slots=True)
class JobRegistry:
    """Job kinds and the coroutines that run them; a runtime runs the kinds of its registry.

    The production kinds register in ``REGISTRY`` when their modules are imported
    (``scribe.tasks``); a test that needs kinds of its own extends a copy and gives it to its own
    app, so the production registry never learns them::

        kinds = REGISTRY.copy()
        @kinds.handler("test_slow")
        async def slow(ctx: JobContext) -> dict[str, Any]: ...
        app = create_app(settings, jobs=kinds)
    """

    handlers: dict[str, Handler] = field(default_factory=dict)
    on_failure: dict[str, FailureHook] = field(default_factory=dict)

    def handler(
        self, kind: str, *, on_failure: FailureHook | None = None
    ) -> Callable[[Handler], Handler]:
        """Register the coroutine that does the work of one job kind."""

        def register(func: Handler) -> Handler:
            self.handlers[kind] = func
            if on_failure is not None:
                self.on_failure[kind] = on_failure
            return func

        return register

    def copy(self) -> JobRegistry:
        return JobRegistry(dict(self.handlers), dict(self.on_failure))


REGISTRY = JobRegistry()
handler = REGISTRY.handler


class JobHost(Protocol):
    """What the runner needs of the process that runs jobs (the composition root's ``Runtime``).

    Example::

        await execute(runtime, job.id)  # any object with these six attributes will do
    """

    @property
    def settings(self) -> Settings: ...

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def queue(self) -> JobQueue: ...

    @property
    def metrics(self) -> Metrics: ...

    @property
    def jobs(self) -> JobRegistry: ...

    @property
    def job_services(self) -> JobServices: ...


async def execute(runtime: JobHost, job_id: str) -> None:
    """Run a job if it is ours to run; safe to call twice or after a crash."""
    settings = runtime.settings.jobs
    async with runtime.sessionmaker() as session:
        attempt = await service.claim(
            session, job_id, stale_before=service.stale_cutoff(settings.stale_after_seconds)
        )
        await session.commit()
    if attempt is None:
        await _hold_until_due(runtime, job_id)
        return
    if attempt > settings.max_attempts:
        interrupted = TooManyAttemptsError("Job was interrupted too many times")
        await _record_failure(runtime, job_id, attempt, interrupted)
        return
    progress = Progress()
    beat = asyncio.create_task(_heartbeat(runtime, job_id, attempt, progress))
    try:
        await _run(runtime, job_id, attempt, progress)
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat


async def _hold_until_due(runtime: JobHost, job_id: str) -> None:
    """A job that reached a worker before its ``run_after`` goes back with the time left."""
    async with runtime.sessionmaker() as session:
        due = await service.scheduled_for(session, job_id)
    if due is None:
        return
    # It may have become due since the claim was refused: then the delay is simply zero.
    delay = max((due - utcnow()).total_seconds(), 0.0)
    if isinstance(runtime.queue, DelayingQueue):
        await runtime.queue.enqueue_later(job_id, delay)
    # Otherwise it stays queued until a recovery pass hands it over again.


async def _run(runtime: JobHost, job_id: str, attempt: int, progress: Progress) -> None:
    started = time.perf_counter()
    try:
        async with runtime.sessionmaker() as session:
            job = await session.get_one(Job, job_id)
            run = runtime.jobs.handlers[job.kind]
            result = await run(JobContext(runtime.job_services, session, job, progress))
            if await service.finish(session, job_id, attempt, result=result):
                _audit(session, job, "completed")
                await service.commit_and_enqueue(session, runtime.queue.enqueue)
                runtime.metrics.observe_job(job.kind, "completed", time.perf_counter() - started)
                logger.info("job completed", extra={"job_id": job_id, "kind": job.kind})
    except ScribeError as exc:
        await _record_failure(runtime, job_id, attempt, exc, started=started)
    except Exception as exc:
        if is_database_lost(exc):
            # Not the job's fault: left running, its heartbeat stops with this attempt, and the
            # recovery pass runs it again (up to max_attempts) once the database is back.
            logger.warning("job interrupted: database unavailable", extra={"job_id": job_id})
            return
        logger.exception("job failed", extra={"job_id": job_id})
        reason = f"Unexpected {type(exc).__name__} while running the job"
        await _record_failure(runtime, job_id, attempt, ScribeError(reason), started=started)


async def _record_failure(
    runtime: JobHost, job_id: str, attempt: int, error: ScribeError, *, started: float | None = None
) -> None:
    async with runtime.sessionmaker() as session:
        if await service.finish(session, job_id, attempt, error=(error.error_code, error.message)):
            job = await session.get_one(Job, job_id)
            _audit(session, job, "failed")
            if hook := runtime.jobs.on_failure.get(job.kind):
                await hook(session, job, error)
            # A hook may create follow-up jobs (an error callback): hand them over on commit.
            await service.commit_and_enqueue(session, runtime.queue.enqueue)
            elapsed = None if started is None else time.perf_counter() - started
            runtime.metrics.observe_job(job.kind, "failed", elapsed)
    logger.warning("job failed", extra={"job_id": job_id, "error_code": error.error_code})


def _audit(session: AsyncSession, job: Job, outcome: str) -> None:
    auth_service.record_audit(
        session,
        tenant_id=job.tenant_id,
        action=f"job:{job.kind}",
        outcome=outcome,
        actor=job.input.get("actor"),
        resource_ids={"job_id": job.id, **job.input.get("resource_ids", {})},
    )


async def _heartbeat(runtime: JobHost, job_id: str, attempt: int, progress: Progress) -> None:
    """Keep the job's claim alive, and write its progress when it moves (at most every second)."""
    every = runtime.settings.jobs.heartbeat_seconds
    clock = asyncio.get_running_loop().time
    written, last_beat = progress.fraction, clock()
    while True:
        await asyncio.sleep(min(every, PROGRESS_INTERVAL_SECONDS))
        fraction = progress.fraction
        if fraction == written and clock() - last_beat < every:
            continue
        try:
            async with runtime.sessionmaker() as session:
                await service.heartbeat(session, job_id, attempt, progress=fraction)
                await session.commit()
            written, last_beat = fraction, clock()
        except Exception:
            logger.warning("job heartbeat failed", extra={"job_id": job_id}, exc_info=True)


async def recover_orphans(runtime: JobHost) -> int:
    """Re-enqueue jobs whose runner died (stale heartbeat) or that never reached the queue."""
    return await _recover(runtime, runtime.settings.jobs.stale_after_seconds)


async def recover_orphans_now(runtime: JobHost) -> int:
    """Re-enqueue every queued job (single-process start-up, after running ones were reset)."""
    return await _recover(runtime, 0.0)


async def _recover(runtime: JobHost, stale_after_seconds: float) -> int:
    async with runtime.sessionmaker() as session:
        stale = service.stale_cutoff(stale_after_seconds)
        job_ids = await service.orphaned(session, stale_before=stale)
    if job_ids and isinstance(runtime.queue, WaitingQueue):
        # A job still waiting in the queue needs no second copy: with a backlog, most of them.
        waiting = await runtime.queue.waiting(job_ids)
        job_ids = [job_id for job_id in job_ids if job_id not in waiting]
    for job_id in job_ids:
        await runtime.queue.enqueue(job_id)
    if job_ids:
        logger.info("re-enqueued interrupted jobs", extra={"count": len(job_ids)})
    return len(job_ids)
