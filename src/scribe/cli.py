"""The `scribe` command: serve | worker | migrate | keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from scribe.config import Settings
from scribe.logs import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    result: int = args.func(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scribe", description=__doc__)
    commands = parser.add_subparsers(required=True, dest="command")
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)
    worker = commands.add_parser("worker", help="run jobs from the PostgreSQL queue")
    worker.add_argument("--concurrency", type=int, default=None)
    worker.set_defaults(func=_worker)
    migrate = commands.add_parser("migrate", help="upgrade the database to the latest schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=_migrate)
    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(required=True)
    create = keys.add_parser("create", help="create an API key (and the tenant if new)")
    create.add_argument("--tenant", required=True)
    create.set_defaults(func=_keys_create)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "scribe.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
    )
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.jobs import procrastinate_app
    from scribe.runtime import open_runtime
    from scribe.threads import tasks  # noqa: F401  (registers job handlers)

    if settings.job_backend != "procrastinate":
        print(
            "scribe worker needs PostgreSQL (SCRIBE_DATABASE_URL); on SQLite, "
            "`scribe serve` runs jobs itself.",
            file=sys.stderr,
        )
        return 2

    async def run() -> None:
        async with open_runtime(settings, run_jobs=False) as runtime:
            concurrency = args.concurrency or settings.jobs.concurrency
            await procrastinate_app.run_worker(
                runtime, concurrency=concurrency, install_signal_handlers=True
            )

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


def alembic_config(settings: Settings) -> object:
    from alembic.config import Config

    root = Path(__file__).resolve().parents[2]
    ini = root / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["sqlalchemy_url"] = settings.sqlalchemy_url
    config.attributes["configure_logging"] = False
    return config


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from alembic import command

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), args.revision)  # type: ignore[arg-type]
    print(f"database at revision {args.revision}")
    return 0


def _keys_create(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service
    from scribe.db import create_engine, create_sessionmaker

    async def create() -> service.IssuedKey:
        engine = create_engine(settings.sqlalchemy_url)
        try:
            async with create_sessionmaker(engine)() as session:
                issued = await service.create_key(session, args.tenant)
                await session.commit()
                return issued
        finally:
            await engine.dispose()

    issued = asyncio.run(create())
    print(f"client_id={issued.client_id}")
    print(f"api_key={issued.api_key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
