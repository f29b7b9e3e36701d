"""Retention sweeps, tenant purges and the audit log export: services flush, the caller commits.

Blob files are unlinked only once the transaction that deleted their rows commits, so a rolled
back sweep or purge never leaves a row whose audio has gone::

    async with sessionmaker() as session:
        counts, more = await service.sweep_batch(session, blobs, policy, now=utcnow(), limit=500)
        await session.commit()  # the files go now
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import storage
from scribe.async_requests.models import PROCESSING as REQUEST_PROCESSING
from scribe.async_requests.models import AsyncRequest
from scribe.auth import revocations
from scribe.auth import service as auth_service
from scribe.auth.models import AuditRecord, Tenant
from scribe.db import Base
from scribe.jobs.models import TERMINAL, Job
from scribe.recordings.models import Recording
from scribe.storage import BlobStore
from scribe.transcripts.models import Transcript, TranscriptStatus
from scribe.webhooks.models import FAILED as DELIVERY_FAILED
from scribe.webhooks.models import PENDING as DELIVERY_PENDING
from scribe.webhooks.models import WebhookDelivery

ACTOR = "scribe-retention"
SWEEP_ACTION = "retention.sweep"
PURGE_ACTION = "tenant.purge"
# A purge keeps the tenant row and its audit log: the log is the record that the purge happened.
_NEVER_PURGED = frozenset({Tenant.__tablename__, AuditRecord.__tablename__})
# Deleted by a purge unless the caller keeps the tenant able to call in (--keep-keys).
CREDENTIAL_TABLES = frozenset({"api_credential", "webhook_secret"})
TRANSCRIPT_PROCESSING = TranscriptStatus.PROCESSING


@dataclass(frozen=True, slots=True)
class Policy:
    """What a sweep deletes: audio this many days after its last job, maybe its transcripts."""

    audio_days: int
    delete_transcripts: bool = False
    # One tenant only; None: every tenant.
    tenant_id: str | None = None

    def cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.audio_days)


@dataclass(frozen=True, slots=True)
class SweepCounts:
    recordings: int = 0
    transcripts: int = 0
    bytes_freed: int = 0

    def __add__(self, other: SweepCounts) -> SweepCounts:
        return SweepCounts(
            self.recordings + other.recordings,
            self.transcripts + other.transcripts,
            self.bytes_freed + other.bytes_freed,
        )


def _users(cutoff: datetime) -> list[Select[tuple[str, str]]]:
    """(tenant, recording) pairs of work that keeps audio: unfinished, or finished since cutoff.

    Work is a job naming the recording in its ``resource_ids`` (transcription), a Nabla request
    built on it, or a transcript still being made from it (a live stream).
    """
    job_recording = cast(Any, Job.input)[("resource_ids", "recording_id")].as_string()
    jobs = select(Job.tenant_id, job_recording).where(
        job_recording.is_not(None),
        or_(Job.status.not_in(TERMINAL), Job.finished_at.is_(None), Job.finished_at >= cutoff),
    )
    requests = select(AsyncRequest.tenant_id, AsyncRequest.recording_id).where(
        AsyncRequest.recording_id.is_not(None),
        or_(
            AsyncRequest.status == REQUEST_PROCESSING,
            AsyncRequest.finished_at.is_(None),
            AsyncRequest.finished_at >= cutoff,
        ),
    )
    transcripts = select(Transcript.tenant_id, Transcript.recording_id).where(
        Transcript.recording_id.is_not(None), Transcript.status == TRANSCRIPT_PROCESSING
    )
    return [jobs, requests, transcripts]


def _due(session: AsyncSession, cutoff: datetime, tenant_id: str | None) -> ColumnElement[bool]:
    """Recordings whose audio may go: made before the cutoff, and no work on them since."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite runs a correlated NOT EXISTS once per recording (no hash anti join), but
        # indexes a one-column NOT IN set once. Matching ids alone is safe: recording ids are
        # random UUIDs, and a stray match could only keep audio longer, never delete it.
        unused: list[ColumnElement[bool]] = [
            Recording.id.not_in(select(users.subquery().c[1])) for users in _users(cutoff)
        ]
    else:
        # PostgreSQL turns NOT EXISTS into a hash anti join; a NOT IN set larger than work_mem
        # would be searched once per recording instead.
        unused = []
        for users in _users(cutoff):
            used = users.subquery()
            tenant, recording = used.c
            unused.append(~exists().where(tenant == Recording.tenant_id, recording == Recording.id))
    due = and_(Recording.created_at < cutoff, *unused)
    return due if tenant_id is None else and_(Recording.tenant_id == tenant_id, due)


async def count_due(session: AsyncSession, policy: Policy, *, now: datetime) -> SweepCounts:
    """What a sweep would delete now (a dry run)."""
    due = _due(session, policy.cutoff(now), policy.tenant_id)
    found = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Recording.size_bytes), 0)).where(due)
        )
    ).one()
    transcripts = 0
    if policy.delete_transcripts:
        of_due = select(Recording.id).where(due)
        transcripts = (
            await session.scalar(select(func.count()).where(Transcript.recording_id.in_(of_due)))
            or 0
        )
    return SweepCounts(recordings=found[0], transcripts=transcripts, bytes_freed=int(found[1]))


async def sweep_batch(
    session: AsyncSession, blobs: BlobStore, policy: Policy, *, now: datetime, limit: int
) -> tuple[SweepCounts, bool]:
    """Delete up to ``limit`` recordings that are due; True when more may be due.

    Safe beside another sweep: rows are deleted with RETURNING and the due test is repeated in
    the DELETE itself, so a recording another sweep took (or new work claimed) is skipped.
    """
    cutoff = policy.cutoff(now)
    picked = list(
        await session.scalars(
            select(Recording.id)
            .where(_due(session, cutoff, policy.tenant_id))
            .order_by(Recording.created_at, Recording.id)
            .limit(limit)
        )
    )
    if not picked:
        return SweepCounts(), False
    transcripts: list[str] = []
    if policy.delete_transcripts:
        transcripts = await _delete_transcripts_of(session, picked)
    gone = (
        await session.execute(
            delete(Recording)
            .where(Recording.id.in_(picked), _due(session, cutoff, policy.tenant_id))
            .returning(Recording.tenant_id, Recording.blob_key, Recording.size_bytes)
            .execution_options(synchronize_session=False)
        )
    ).all()
    _audit_sweep(session, Counter(row.tenant_id for row in gone), Counter(transcripts))
    await session.flush()
    storage.delete_after_commit(session, blobs, *(row.blob_key for row in gone))
    counts = SweepCounts(len(gone), len(transcripts), sum(row.size_bytes for row in gone))
    return counts, len(picked) == limit


async def _delete_transcripts_of(session: AsyncSession, recording_ids: list[str]) -> list[str]:
    """Delete the finished transcripts made from these recordings; their tenants, one per row.

    Answers stored for Nabla's polling route quote the transcript: they are cleared too (the
    request keeps its status; the note itself stays with the other notes), and so are the
    bodies of their callbacks (job results hold ids and counts only).
    """
    await session.execute(
        update(AsyncRequest)
        .where(AsyncRequest.recording_id.in_(recording_ids))
        .values(result=None)
        .execution_options(synchronize_session=False)
    )
    await _clear_callback_bodies(session, recording_ids)
    rows = await session.execute(
        delete(Transcript)
        .where(
            Transcript.recording_id.in_(recording_ids),
            Transcript.status != TRANSCRIPT_PROCESSING,
        )
        .returning(Transcript.tenant_id)
        .execution_options(synchronize_session=False)
    )
    return list(rows.scalars())


async def _clear_callback_bodies(session: AsyncSession, recording_ids: list[str]) -> None:
    """Empty the stored bodies of callbacks made for requests on these recordings.

    A callback still pending (a sweep only reaches audio days after its request finished, so
    only with a retention shorter than the retry schedule) fails rather than send an empty body.
    """
    deliveries = select(AsyncRequest.delivery_id).where(
        AsyncRequest.recording_id.in_(recording_ids), AsyncRequest.delivery_id.is_not(None)
    )
    pending = WebhookDelivery.status == DELIVERY_PENDING
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(deliveries))
        .values(
            body="",
            status=case((pending, DELIVERY_FAILED), else_=WebhookDelivery.status),
            next_attempt_at=case((pending, None), else_=WebhookDelivery.next_attempt_at),
            last_error=case(
                (pending, "body deleted by retention"), else_=WebhookDelivery.last_error
            ),
        )
        .execution_options(synchronize_session=False)
    )


def _audit_sweep(
    session: AsyncSession, recordings: Counter[str], transcripts: Counter[str]
) -> None:
    for tenant_id in sorted(set(recordings) | set(transcripts)):
        auth_service.record_audit(
            session,
            tenant_id=tenant_id,
            action=SWEEP_ACTION,
            outcome="success",
            actor=ACTOR,
            resource_ids={
                "recordings": recordings[tenant_id],
                "transcripts": transcripts[tenant_id],
            },
        )


# --- tenant purge ---------------------------------------------------------------------------


async def find_tenant(session: AsyncSession, name: str) -> Tenant | None:
    return await session.scalar(select(Tenant).where(Tenant.name == name))


def _purged_tables(*, keep_keys: bool) -> list[Table]:
    """Every table holding a tenant's rows, dependents first (children before their parents)."""
    from scribe import models

    assert models.__all__  # every table is registered, so none is missed
    kept = _NEVER_PURGED | (CREDENTIAL_TABLES if keep_keys else frozenset())
    return [
        table
        for table in reversed(Base.metadata.sorted_tables)
        if "tenant_id" in table.c and table.name not in kept
    ]


async def tenant_counts(
    session: AsyncSession, tenant_id: str, *, keep_keys: bool
) -> dict[str, int]:
    """Rows a purge would delete, by table (rows of child tables go with their parents)."""
    counts: dict[str, int] = {}
    for table in _purged_tables(keep_keys=keep_keys):
        query = select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        counts[table.name] = await session.scalar(query) or 0
    return counts


async def purge_tenant(
    session: AsyncSession, blobs: BlobStore, tenant: Tenant, *, keep_keys: bool, actor: str
) -> dict[str, int]:
    """Delete everything a tenant has but its name and audit log, and audit the purge.

    The tenant's blob folder (recordings, documents, downloads in flight) goes after the commit.
    """
    keys: list[str] = []
    counts: dict[str, int] = {}
    for table in _purged_tables(keep_keys=keep_keys):
        where = table.c.tenant_id == tenant.id
        if "blob_key" in table.c:
            keys += await session.scalars(select(table.c.blob_key).where(where))
        result = cast(CursorResult[Any], await session.execute(delete(table).where(where)))
        counts[table.name] = result.rowcount
    auth_service.record_audit(
        session,
        tenant_id=tenant.id,
        action=PURGE_ACTION,
        outcome="success",
        actor=actor,
        resource_ids={"deleted": counts, "kept_keys": keep_keys},
    )
    if not keep_keys:
        await revocations.announce(session)  # cached keys stop on every server at the commit
    await session.flush()
    storage.delete_after_commit(session, blobs, *keys, folder=tenant.id)
    return counts


# --- audit export ---------------------------------------------------------------------------

AUDIT_COLUMNS = (
    "id",
    "created_at",
    "tenant",
    "client_id",
    "actor",
    "patient_ref",
    "action",
    "outcome",
    "request_id",
    "resource_ids",
)


async def audit_rows(
    session: AsyncSession, start: datetime, end: datetime, *, tenant_id: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Audit records made in [start, end), oldest first, streamed from the database."""
    query = (
        select(
            AuditRecord.id,
            AuditRecord.created_at,
            Tenant.name.label("tenant"),
            AuditRecord.client_id,
            AuditRecord.actor,
            AuditRecord.patient_ref,
            AuditRecord.action,
            AuditRecord.outcome,
            AuditRecord.request_id,
            AuditRecord.resource_ids,
        )
        .join(Tenant, Tenant.id == AuditRecord.tenant_id)
        .where(AuditRecord.created_at >= start, AuditRecord.created_at < end)
        .order_by(AuditRecord.created_at, AuditRecord.id)
        .execution_options(yield_per=500)
    )
    if tenant_id is not None:
        query = query.where(AuditRecord.tenant_id == tenant_id)
    async for row in await session.stream(query):
        entry = row._asdict()
        entry["created_at"] = row.created_at.isoformat()
        yield entry
