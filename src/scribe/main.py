"""The ASGI application: create_app(settings) and its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from scribe import __version__
from scribe import tasks as _tasks  # noqa: F401  (registers every job handler)
from scribe.api import errors, openapi, ops
from scribe.api import jobs as _dialect_jobs  # noqa: F401  (registers the dialects' jobs)
from scribe.api.clinia.dialect import DIALECT as CLINIA
from scribe.api.corti.dialect import DIALECT as CORTI
from scribe.api.dialects import Dialect
from scribe.api.invox.dialect import DIALECT as INVOX
from scribe.api.limits import body_limits
from scribe.api.nabla.dialect import DIALECT as NABLA
from scribe.api.omniloy.dialect import DIALECT as OMNILOY
from scribe.api.throttle import FailureThrottle
from scribe.config import Settings
from scribe.console.router import router as console_router
from scribe.jobs.runner import REGISTRY, JobRegistry
from scribe.logs import prepare_logging
from scribe.middleware import EdgeLimits, RequestContextMiddleware
from scribe.runtime import ensure_bootstrap_key, open_runtime

logger = logging.getLogger(__name__)

DIALECTS: tuple[Dialect, ...] = (OMNILOY, CORTI, NABLA, CLINIA, INVOX)


def create_app(
    settings: Settings | None = None,
    *,
    run_jobs: bool | None = None,
    jobs: JobRegistry = REGISTRY,
) -> FastAPI:
    """Build the app. Jobs run in this process on SQLite, or with SCRIBE_JOBS__RUN_IN_API."""
    settings = settings or Settings()
    prepare_logging()
    if run_jobs is None:
        run_jobs = settings.job_backend == "inprocess" or settings.jobs.run_in_api

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, run_jobs=run_jobs, jobs=jobs) as runtime:
            app.state.runtime = runtime
            key_file = await ensure_bootstrap_key(runtime)
            if key_file:
                logger.warning("generated a development API key", extra={"key_file": key_file})
            yield

    app = FastAPI(
        title="scribe",
        version=__version__,
        description="Self-hosted ambient clinical documentation speaking five vendors' APIs.",
        lifespan=lifespan,
        docs_url="/docs" if settings.enable_docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.enable_docs else None,
    )
    errors.install_handlers(app)
    if settings.enable_docs:
        openapi.install(app)
    app.include_router(ops.router)
    if settings.enable_metrics:
        app.include_router(ops.metrics_router)
    for dialect in DIALECTS:
        dialect.mount(app)
    if settings.enable_console:
        app.include_router(console_router)
    limits = settings.limits
    app.state.throttle = FailureThrottle(
        limit=limits.auth_failures, window_seconds=limits.auth_failure_window_seconds
    )
    app.add_middleware(
        RequestContextMiddleware,
        limits=EdgeLimits(
            body=body_limits(settings),
            stall_seconds=limits.body_stall_seconds,
            header_bytes=limits.header_bytes,
            header_count=limits.header_count,
        ),
        throttle=app.state.throttle,
    )
    return app
