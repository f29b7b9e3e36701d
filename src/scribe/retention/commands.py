"""The `scribe retention sweep`, `scribe tenants purge` and `scribe audit export` commands.

They print counts and ids, never clinical text; bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.config import Settings
from scribe.storage import BlobStore

_T = TypeVar("_T")
CLI_ACTOR = "scribe-cli"


class UsageError(Exception):
    """Bad input to a command: its message is printed as one line, and the exit code is 2."""


def add_parsers(commands: Any) -> None:
    retention = commands.add_parser(
        "retention", help="delete audio past its retention period"
    ).add_subparsers(required=True)
    sweep = retention.add_parser(
        "sweep", help="delete the audio that is due now (SCRIBE_RETENTION__*) and print counts"
    )
    sweep.add_argument("--dry-run", action="store_true", help="count what is due, delete nothing")
    sweep.add_argument("--tenant", default=None, help="one tenant only (default: every tenant)")
    sweep.add_argument(
        "--days", type=int, default=None, help="instead of SCRIBE_RETENTION__AUDIO_DAYS"
    )
    sweep.set_defaults(func=_sweep)
    _purge_parser(commands)
    _export_parser(commands)


def _purge_parser(commands: Any) -> None:
    tenants = commands.add_parser("tenants", help="manage tenants").add_subparsers(required=True)
    purge = tenants.add_parser(
        "purge",
        help="delete all of a tenant's data; its name and audit log stay",
        description="Delete a tenant's encounters, audio files, transcripts, notes, facts, "
        "patients, threads, jobs, webhooks and API keys. The tenant's name and audit log stay "
        "(with a record of the purge). Without --yes, print what would be deleted and exit 2.",
    )
    purge.add_argument("--tenant", required=True, help="the tenant's name")
    purge.add_argument("--yes", action="store_true", help="really delete")
    purge.add_argument(
        "--keep-keys",
        action="store_true",
        help="keep the tenant's API keys and webhook secret (it can carry on calling)",
    )
    purge.set_defaults(func=_purge)


def _export_parser(commands: Any) -> None:
    audit = commands.add_parser("audit", help="the audit log").add_subparsers(required=True)
    export = audit.add_parser(
        "export",
        help="audit records made from --from (inclusive) to --to (exclusive)",
        description="Dates are ISO 8601: a date (midnight UTC) or a datetime (UTC unless it "
        "has an offset). csv: a header row, then one row per record (resource_ids as JSON). "
        "json: one JSON array of objects. Oldest first, streamed as read.",
    )
    export.add_argument("--from", dest="start", required=True, help="inclusive, e.g. 2026-11-01")
    export.add_argument("--to", dest="end", required=True, help="exclusive, e.g. 2026-12-01")
    export.add_argument("--tenant", default=None, help="one tenant only (default: every tenant)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--output", type=Path, default=None, help="a file (default: stdout)")
    export.set_defaults(func=_export)


def _sweep(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.db import utcnow
    from scribe.retention import service, sweeper

    days = args.days if args.days is not None else settings.retention.audio_days
    if not days or days < 0:
        return _usage("retention is off: set SCRIBE_RETENTION__AUDIO_DAYS or pass --days N")

    async def run(sessions: async_sessionmaker[AsyncSession], blobs: BlobStore) -> str:
        tenant_id = await _tenant_id(sessions, args.tenant) if args.tenant else None
        policy = service.Policy(days, settings.retention.delete_transcripts, tenant_id)
        if args.dry_run:
            async with sessions() as session:
                due = await service.count_due(session, policy, now=utcnow())
            return f"due (dry run, nothing deleted): {_counts(due)}"
        batch = settings.retention.batch_size
        done = await sweeper.sweep(sessions, blobs, policy, batch_size=batch)
        return f"deleted: {_counts(done)}"

    return _run(settings, run)


def _counts(counts: Any) -> str:
    return (
        f"recordings={counts.recordings} transcripts={counts.transcripts} "
        f"bytes={counts.bytes_freed}"
    )


def _purge(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.retention import service

    async def run(sessions: async_sessionmaker[AsyncSession], blobs: BlobStore) -> str:
        async with sessions() as session:
            tenant = await service.find_tenant(session, args.tenant)
            if tenant is None:
                raise UsageError(f"no tenant named {args.tenant!r}")
            if not args.yes:
                counts = await service.tenant_counts(session, tenant.id, keep_keys=args.keep_keys)
                _print_counts(counts)
                raise UsageError(f"would delete the rows above; pass --yes to purge {tenant.name}")
            counts = await service.purge_tenant(
                session, blobs, tenant, keep_keys=args.keep_keys, actor=CLI_ACTOR
            )
            await session.commit()
        _print_counts(counts)
        return f"purged tenant {args.tenant} (audit log kept)"

    return _run(settings, run)


def _print_counts(counts: dict[str, int]) -> None:
    for table, count in counts.items():
        print(f"{table}={count}")


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.retention import service

    try:
        start, end = parse_instant(args.start, "--from"), parse_instant(args.end, "--to")
    except UsageError as exc:
        return _usage(str(exc))
    if start >= end:
        return _usage("--from must be before --to")

    async def run(sessions: async_sessionmaker[AsyncSession], _: BlobStore) -> None:
        tenant_id = await _tenant_id(sessions, args.tenant) if args.tenant else None
        async with sessions() as session:
            rows = service.audit_rows(session, start, end, tenant_id=tenant_id)
            if args.output is None:
                await write_export(rows, args.format, sys.stdout)
                return
            with args.output.open("w", encoding="utf-8", newline="") as handle:
                await write_export(rows, args.format, handle)

    return _run(settings, run)


def parse_instant(value: str, option: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or datetime (UTC when it has no offset)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: not an ISO 8601 date or datetime: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


async def write_export(rows: AsyncIterator[dict[str, Any]], fmt: str, out: TextIO) -> None:
    from scribe.retention.service import AUDIT_COLUMNS

    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(AUDIT_COLUMNS)
        async for row in rows:
            row["resource_ids"] = json.dumps(row["resource_ids"], sort_keys=True)
            writer.writerow(["" if row[c] is None else row[c] for c in AUDIT_COLUMNS])
        return
    separator = "[\n"
    async for row in rows:
        out.write(separator + json.dumps(row, ensure_ascii=False))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


async def _tenant_id(sessions: async_sessionmaker[AsyncSession], name: str) -> str:
    from scribe.retention import service

    async with sessions() as session:
        tenant = await service.find_tenant(session, name)
    if tenant is None:
        raise UsageError(f"no tenant named {name!r}")
    return tenant.id


def _run(
    settings: Settings,
    work: Callable[[async_sessionmaker[AsyncSession], BlobStore], Awaitable[_T]],
) -> int:
    """Run a command against the configured database; print its summary line, if any."""

    async def run() -> _T:
        async with _database(settings) as sessions:
            return await work(sessions, BlobStore(settings.data_dir / "blobs"))

    try:
        summary = asyncio.run(run())
    except UsageError as exc:
        return _usage(str(exc))
    if summary is not None:
        print(summary)
    return 0


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    from scribe.db import create_engine, create_sessionmaker

    engine = create_engine(settings.sqlalchemy_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


def _usage(message: str) -> int:
    print(f"scribe: {message}", file=sys.stderr)
    return 2
