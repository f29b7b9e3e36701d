"""Encounters (Corti's interactions): create, read, list, update, delete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import storage
from scribe.db import new_id, utcnow
from scribe.encounters.models import Encounter, EncounterStatus
from scribe.errors import EncounterNotFoundError
from scribe.recordings import service as recording_service
from scribe.storage import BlobStore
from scribe.tenancy import get_owned

# What a client may set on an encounter (column names); everything else is the server's.
EDITABLE = frozenset(
    {
        "status",
        "identifier",
        "kind",
        "title",
        "assigned_user",
        "patient_ref",
        "patient_name",
        "patient_gender",
        "patient_birth_date",
        "patient_pronouns",
        "started_at",
        "ended_at",
    }
)
SortKey = Literal[
    "created_at", "updated_at", "started_at", "ended_at", "id", "assigned_user", "patient_ref"
]


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page of a tenant's encounters: ``page`` counts from 1."""

    sort: SortKey = "created_at"
    descending: bool = True
    page_size: int = 10
    page: int = 1
    statuses: tuple[str, ...] = ()
    patient_ref: str | None = None


def add_implicit(
    session: AsyncSession, *, tenant_id: str, assigned_user: str | None, patient_ref: str | None
) -> Encounter:
    """An encounter for dialects that have none of their own (one per transcription).

    Its id is set now, so children can point at it and everything is written in one flush.
    """
    encounter = Encounter(
        id=new_id(),
        tenant_id=tenant_id,
        status=EncounterStatus.COMPLETED,
        assigned_user=assigned_user,
        patient_ref=patient_ref,
    )
    session.add(encounter)
    return encounter


async def create(session: AsyncSession, tenant_id: str, fields: Mapping[str, Any]) -> Encounter:
    """A new encounter with the client's fields (see ``EDITABLE``); it starts now unless told."""
    _check_editable(fields)
    encounter = Encounter(id=new_id(), tenant_id=tenant_id, **fields)
    if encounter.started_at is None:
        encounter.started_at = utcnow()
    session.add(encounter)
    await session.flush()
    return encounter


async def update(
    session: AsyncSession, encounter: Encounter, changes: Mapping[str, Any]
) -> Encounter:
    """Apply the given fields only; an encounter that completes gets its end time."""
    _check_editable(changes)
    for name, value in changes.items():
        setattr(encounter, name, value)
    if changes.get("status") == "completed" and encounter.ended_at is None:
        encounter.ended_at = utcnow()
    await session.flush()
    return encounter


async def get(session: AsyncSession, tenant_id: str, encounter_id: str) -> Encounter:
    missing = EncounterNotFoundError("Encounter not found")
    return await get_owned(session, Encounter, tenant_id, encounter_id, missing)


async def list_page(session: AsyncSession, tenant_id: str, query: ListQuery) -> Sequence[Encounter]:
    """One page of the tenant's encounters, filtered and sorted (ties broken by id)."""
    statement = select(Encounter).where(Encounter.tenant_id == tenant_id)
    if query.statuses:
        statement = statement.where(Encounter.status.in_(query.statuses))
    if query.patient_ref is not None:
        statement = statement.where(Encounter.patient_ref == query.patient_ref)
    key = _sort_column(query.sort)
    ordered = key.desc() if query.descending else key.asc()
    tie = Encounter.id.desc() if query.descending else Encounter.id.asc()
    rows = await session.scalars(
        statement.order_by(ordered.nulls_last(), tie)
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
    )
    return rows.all()


async def delete(session: AsyncSession, blobs: BlobStore, encounter: Encounter) -> None:
    """Delete an encounter and, by cascade, its recordings, transcripts and notes.

    Recording bytes are removed only once the transaction commits.
    """
    recordings = await recording_service.list_for_encounter(
        session, encounter.tenant_id, encounter.id
    )
    await session.delete(encounter)
    await session.flush()
    for recording in recordings:
        storage.delete_after_commit(session, blobs, recording.blob_key)


def _sort_column(sort: SortKey) -> ColumnElement[Any]:
    if sort == "started_at":
        # Encounters made by other dialects have no start: they started when created.
        return func.coalesce(Encounter.started_at, Encounter.created_at)
    column: ColumnElement[Any] = getattr(Encounter, sort)
    return column


def _check_editable(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not editable encounter fields: {sorted(unknown)}")
