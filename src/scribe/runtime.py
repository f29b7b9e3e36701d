"""Everything built once per process (engine, sessions, providers, queue) and how it starts."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import procrastinate
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scribe.api.etag import TemplateLists
from scribe.auth import service as auth_service
from scribe.auth import tokens
from scribe.auth.audit_writer import AuditWriter
from scribe.auth.revocations import RevocationWatch
from scribe.auth.service import PrincipalCache
from scribe.config import Settings
from scribe.db import create_engine, create_sessionmaker
from scribe.jobs import procrastinate_app, runner
from scribe.jobs import service as job_service
from scribe.jobs.queue import Executor, InProcessQueue, JobQueue, ProcrastinateQueue
from scribe.metrics import Metrics
from scribe.private import secure_data_dir
from scribe.providers.asr import ManagedRecognizer, build_recognizer
from scribe.providers.llm import build_text_provider
from scribe.providers.llm.base import TextProvider
from scribe.retention import sweeper
from scribe.secretbox import box_for
from scribe.storage import BlobStore

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    text: TextProvider
    asr: ManagedRecognizer
    blobs: BlobStore
    queue: JobQueue
    audits: AuditWriter
    token_secret: bytes = b""
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    template_lists: TemplateLists = field(default_factory=TemplateLists)
    # The PostgreSQL queue's app, when that is the backend (its worker and health check use it).
    procrastinate: procrastinate.App | None = None
    metrics: Metrics = field(default_factory=Metrics)
    jobs: runner.JobRegistry = field(default_factory=lambda: runner.REGISTRY)

    @property
    def job_services(self) -> runner.JobServices:
        """The part of the runtime a job's handler sees."""
        return runner.JobServices(self.settings, self.text, self.asr, self.blobs, self.metrics)


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, run_jobs: bool, jobs: runner.JobRegistry = runner.REGISTRY
) -> AsyncIterator[Runtime]:
    """Build the runtime; with ``run_jobs`` this process also executes the kinds in ``jobs``."""
    secure_data_dir(settings.data_dir, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url, secrets=box_for(settings))
    sessionmaker = create_sessionmaker(engine)
    revocation_watch = RevocationWatch.for_url(settings.sqlalchemy_url)
    # The queue hands ids to the runtime's own runner; the closure finds the runtime at call time.
    queue, procrastinate_app_ = _queue(settings, lambda job_id: runner.execute(runtime, job_id))
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        audits=AuditWriter(sessionmaker),
        text=build_text_provider(settings.llm, settings.limits.note_transcript_words),
        asr=build_recognizer(settings.asr),
        blobs=BlobStore(settings.data_dir / "blobs"),
        token_secret=tokens.load_secret(_secret(settings.token_secret), settings.data_dir),
        queue=queue,
        procrastinate=procrastinate_app_,
        jobs=jobs,
        principals=PrincipalCache(watch=revocation_watch),
    )
    try:
        # Outside the jobs: the last audit records are written after the queue has stopped.
        async with revocation_watch.running(), runtime.audits.running():
            if isinstance(queue, InProcessQueue):
                async with _in_process(runtime, queue, run_jobs=run_jobs):
                    yield runtime
            else:
                assert procrastinate_app_ is not None
                async with _procrastinate(runtime, procrastinate_app_, run_jobs=run_jobs):
                    yield runtime
    finally:
        await runtime.asr.aclose()
        await runtime.text.aclose()
        await engine.dispose()


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


def _queue(
    settings: Settings, execute: Executor
) -> tuple[InProcessQueue | ProcrastinateQueue, procrastinate.App | None]:
    """The configured queue, built before the runtime so that nothing swaps it in later."""
    if settings.job_backend == "procrastinate":
        app = procrastinate_app.build_app(settings.libpq_url, settings.jobs.queue_name, execute)
        return ProcrastinateQueue(app), app
    return InProcessQueue(execute, concurrency=settings.jobs.concurrency), None


@asynccontextmanager
async def _in_process(
    runtime: Runtime, queue: InProcessQueue, *, run_jobs: bool
) -> AsyncIterator[None]:
    if run_jobs:
        queue.start()
        async with runtime.sessionmaker() as session:
            await job_service.reset_running(session)
            await session.commit()
        await runner.recover_orphans_now(runtime)
    try:
        if run_jobs:
            async with sweeper.periodic_sweeps(runtime):
                yield
        else:
            yield
    finally:
        await queue.stop()


@asynccontextmanager
async def _procrastinate(
    runtime: Runtime, app: procrastinate.App, *, run_jobs: bool
) -> AsyncIterator[None]:
    async with app.open_async():
        if not run_jobs:
            yield
            return
        worker = asyncio.create_task(
            procrastinate_app.run_worker(runtime, concurrency=runtime.settings.jobs.concurrency)
        )
        try:
            # Retention sweeps run beside the workers (safe with several sweeping at once).
            async with sweeper.periodic_sweeps(runtime):
                yield
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)


async def ensure_bootstrap_key(runtime: Runtime) -> str | None:
    """First start: register SCRIBE_BOOTSTRAP_API_KEY, or generate a dev key into the data dir."""
    configured = runtime.settings.bootstrap_api_key
    async with runtime.sessionmaker() as session:
        if await auth_service.has_credentials(session):
            return None
        key = configured.get_secret_value() if configured else None
        try:
            issued = await auth_service.create_key(
                session, "default", api_key=key, client_id="default"
            )
            await session.commit()
        except IntegrityError:  # another replica starting at the same moment registered it
            return None
    if configured:
        return None
    path = runtime.settings.data_dir / "dev-api-key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(issued.api_key + "\n")
    return str(path)
