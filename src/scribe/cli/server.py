"""`scribe serve`, `scribe worker` and `scribe migrate`: the server, the job worker, the schema."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scribe.config import Settings

if TYPE_CHECKING:
    from alembic.config import Config


def add_parsers(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)
    worker = commands.add_parser("worker", help="run jobs from the PostgreSQL queue")
    worker.add_argument("--concurrency", type=int, default=None)
    worker.add_argument(
        "--metrics-port", type=int, default=None, help="serve GET /metrics on this port"
    )
    worker.add_argument("--metrics-host", default=None, help="default: SCRIBE_JOBS__METRICS_HOST")
    worker.set_defaults(func=_worker)
    migrate = commands.add_parser("migrate", help="upgrade the database to the latest schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=_migrate)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if not _schema_ready(settings):
        return 2

    uvicorn.run(
        "scribe.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        # h11 refuses a request whose head is larger; the middleware also checks (any server).
        h11_max_incomplete_event_size=settings.limits.header_bytes,
    )
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from scribe import tasks  # noqa: F401  (registers every job handler)
    from scribe.api import jobs  # noqa: F401  (and the dialects' async jobs)
    from scribe.jobs import metrics_server, procrastinate_app
    from scribe.retention import sweeper
    from scribe.runtime import open_runtime

    if settings.job_backend != "procrastinate":
        print(
            "scribe worker needs PostgreSQL (SCRIBE_DATABASE_URL); on SQLite, "
            "`scribe serve` runs jobs itself.",
            file=sys.stderr,
        )
        return 2

    port = args.metrics_port or settings.jobs.metrics_port
    host = args.metrics_host or settings.jobs.metrics_host

    async def run() -> None:
        async with contextlib.AsyncExitStack() as stack:
            runtime = await stack.enter_async_context(open_runtime(settings, run_jobs=False))
            if port is not None:
                await stack.enter_async_context(metrics_server.serve_metrics(runtime, host, port))
            await stack.enter_async_context(sweeper.periodic_sweeps(runtime))
            concurrency = args.concurrency or settings.jobs.concurrency
            await procrastinate_app.run_worker(
                runtime, concurrency=concurrency, install_signal_handlers=True
            )

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


def _schema_ready(settings: Settings) -> bool:
    from scribe.schema import SchemaOutOfDateError, ensure_schema

    try:
        ensure_schema(settings, alembic_config(settings))
    except SchemaOutOfDateError as exc:
        print(exc, file=sys.stderr)
        return False
    return True


def alembic_config(settings: Settings) -> Config:
    from alembic.config import Config

    root = Path(__file__).resolve().parents[3]
    ini = root / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["sqlalchemy_url"] = settings.sqlalchemy_url
    config.attributes["settings"] = settings
    config.attributes["configure_logging"] = False
    return config


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from alembic import command

    from scribe.private import secure_data_dir

    secure_data_dir(settings.data_dir, settings.sqlalchemy_url)
    command.upgrade(alembic_config(settings), args.revision)
    print(f"database at revision {args.revision}")
    return 0
