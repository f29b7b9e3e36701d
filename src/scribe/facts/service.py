"""Facts of an encounter: extracted from its finished transcripts, added and edited by clients.

Extraction runs when facts are read: every completed transcript of the encounter that has not
been read yet gives its facts (source ``core``) once. Reading is cheap and deterministic, so no
job is needed, and a transcript finished later is picked up by the next read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

import anyio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scribe.clinical import facts as clinical_facts
from scribe.errors import FactGroupNotFoundError, FactNotFoundError
from scribe.facts.models import Fact
from scribe.tenancy import get_owned
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript, TranscriptStatus

# Group ids are derived from the group keys, so they are the same on every server.
_GROUP_NAMESPACE = uuid.UUID("6f1c1a53-2f0b-4f5e-9a53-7a4f3c0b9e21")
SOURCES = ("core", "system", "user")


@dataclass(frozen=True, slots=True)
class NewFact:
    text: str
    group: str
    source: str = "user"


class FactChanges(TypedDict, total=False):
    """The fields a client may change; absent keys stay as they are."""

    text: str
    group: str
    source: str
    is_discarded: bool


def group_id(group: str) -> str:
    return str(uuid.uuid5(_GROUP_NAMESPACE, group))


def known_group(group: str) -> str:
    """The group's key as stored, or a 404 (fact group not found)."""
    key = group.strip().lower()
    if key not in clinical_facts.GROUPS_BY_KEY:
        raise FactGroupNotFoundError("Fact group not found")
    return key


async def list_facts(session: AsyncSession, tenant_id: str, encounter_id: str) -> list[Fact]:
    """The encounter's facts in order, after extracting those of newly finished transcripts."""
    await _extract_pending(session, tenant_id, encounter_id)
    query = (
        select(Fact)
        .where(Fact.tenant_id == tenant_id, Fact.encounter_id == encounter_id)
        .order_by(Fact.position, Fact.created_at, Fact.id)
    )
    return list((await session.scalars(query)).all())


async def add(
    session: AsyncSession, tenant_id: str, encounter_id: str, new: Sequence[NewFact]
) -> list[Fact]:
    """Add facts to the encounter, after any it already has."""
    start = await _next_position(session, encounter_id)
    added = [
        Fact(
            tenant_id=tenant_id,
            encounter_id=encounter_id,
            text=item.text,
            group=known_group(item.group),
            source=item.source,
            position=start + offset,
            segment_ids=[],
        )
        for offset, item in enumerate(new)
    ]
    session.add_all(added)
    await session.flush()
    return added


async def get(session: AsyncSession, tenant_id: str, encounter_id: str, fact_id: str) -> Fact:
    missing = FactNotFoundError("Fact not found")
    where = [Fact.encounter_id == encounter_id]
    return await get_owned(session, Fact, tenant_id, fact_id, missing, where=where)


async def update(
    session: AsyncSession, tenant_id: str, encounter_id: str, fact_id: str, changes: FactChanges
) -> Fact:
    fact = await get(session, tenant_id, encounter_id, fact_id)
    _apply(fact, changes)
    await session.flush()
    return fact


async def update_many(
    session: AsyncSession,
    tenant_id: str,
    encounter_id: str,
    changes: Sequence[tuple[str, FactChanges]],
) -> list[Fact]:
    """Apply every change, or none: an unknown fact fails the whole batch."""
    facts = [await get(session, tenant_id, encounter_id, fact_id) for fact_id, _ in changes]
    for fact, (_, change) in zip(facts, changes, strict=True):
        _apply(fact, change)
    await session.flush()
    return facts


def _apply(fact: Fact, changes: FactChanges) -> None:
    if "group" in changes:
        fact.group = known_group(changes["group"])
    if "text" in changes:
        fact.text = changes["text"]
    if "source" in changes:
        fact.source = changes["source"]
    if "is_discarded" in changes:
        fact.is_discarded = changes["is_discarded"]


async def _extract_pending(session: AsyncSession, tenant_id: str, encounter_id: str) -> None:
    position = await _next_position(session, encounter_id)
    for transcript in await _unread_transcripts(session, tenant_id, encounter_id):
        utterances = transcript_service.utterances(transcript)
        # Pure CPU work: off the event loop, so a long transcript does not stall requests.
        found = await anyio.to_thread.run_sync(clinical_facts.extract_facts, utterances)
        session.add_all(
            Fact(
                tenant_id=tenant_id,
                encounter_id=encounter_id,
                transcript_id=transcript.id,
                text=fact.text,
                group=fact.group,
                source="core",
                position=position + offset,
                segment_ids=list(fact.segment_ids),
            )
            for offset, fact in enumerate(found)
        )
        position += len(found)
    await session.flush()


async def _unread_transcripts(
    session: AsyncSession, tenant_id: str, encounter_id: str
) -> Sequence[Transcript]:
    read = select(Fact.transcript_id).where(
        Fact.encounter_id == encounter_id, Fact.transcript_id.is_not(None)
    )
    query = (
        select(Transcript)
        .where(
            Transcript.tenant_id == tenant_id,
            Transcript.encounter_id == encounter_id,
            Transcript.status == TranscriptStatus.COMPLETED,
            Transcript.id.not_in(read),
        )
        .order_by(Transcript.created_at, Transcript.id)
        .options(selectinload(Transcript.segments))
    )
    return (await session.scalars(query)).all()


async def _next_position(session: AsyncSession, encounter_id: str) -> int:
    last = await session.scalar(
        select(func.max(Fact.position)).where(Fact.encounter_id == encounter_id)
    )
    return 0 if last is None else last + 1
