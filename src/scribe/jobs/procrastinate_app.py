"""The procrastinate app: one task that runs a scribe job by id on a PostgreSQL-backed queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import procrastinate

from scribe.jobs import runner

if TYPE_CHECKING:
    from scribe.runtime import Runtime

logger = logging.getLogger(__name__)


def build_app(conninfo: str, queue: str, runtime_ref: dict[str, Runtime]) -> procrastinate.App:
    """Build the app; the task finds the runtime through ``runtime_ref`` once it exists."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=8)
    )

    @app.task(name="scribe.run_job", queue=queue)
    async def run_job(job_id: str) -> None:
        await runner.execute(runtime_ref["runtime"], job_id)

    return app


async def run_worker(
    runtime: Runtime, *, concurrency: int, install_signal_handlers: bool = False
) -> None:
    """Run procrastinate's worker plus our recovery loop until cancelled (or SIGTERM/SIGINT)."""
    recovery = asyncio.create_task(_recovery_loop(runtime))
    try:
        await runtime.procrastinate.run_worker_async(
            queues=[runtime.settings.jobs.queue_name],
            concurrency=concurrency,
            install_signal_handlers=install_signal_handlers,
            delete_jobs="successful",
        )
    finally:
        recovery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recovery


async def _recovery_loop(runtime: Runtime) -> None:
    app: Any = runtime.procrastinate
    while True:
        try:
            for stalled in await app.job_manager.get_stalled_jobs():
                await app.job_manager.retry_job(stalled)
            await runner.recover_orphans(runtime)
        except Exception:
            logger.warning("job recovery pass failed", exc_info=True)
        await asyncio.sleep(runtime.settings.jobs.recovery_interval_seconds)
