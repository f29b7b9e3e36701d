"""Clinical notes: created from a generated draft or by the client, read, and partly updated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scribe.auth.service import Principal
from scribe.clinical.types import NoteDraft, TemplateSpec
from scribe.errors import NotFoundError
from scribe.notes.models import Note, NoteSection
from scribe.templates import service as template_service
from scribe.transcripts import service as transcript_service


class NoteChanges(TypedDict, total=False):
    """The fields a client may set; absent keys stay as they are."""

    template: str
    content: dict[str, Any]
    feedback: str | None
    thread_id: str | None
    run_ids: list[str]


async def create(
    session: AsyncSession,
    principal: Principal,
    *,
    transcript_id: str | None,
    changes: NoteChanges,
) -> Note:
    encounter_id = None
    if transcript_id is not None:
        transcript = await transcript_service.get(session, principal.tenant_id, transcript_id)
        encounter_id = transcript.encounter_id
    note = Note(
        tenant_id=principal.tenant_id,
        encounter_id=encounter_id,
        transcript_id=transcript_id,
        template_key="SOAP",
        created_by=principal.actor,
        sections=[],
        run_ids=[],
    )
    session.add(note)
    await _apply(session, note, changes)
    await session.flush()
    return note


@dataclass(frozen=True, slots=True)
class DraftSource:
    """Where a generated note came from: its transcript, encounter, and the run that wrote it."""

    transcript_id: str | None
    encounter_id: str | None
    thread_id: str | None = None
    run_id: str | None = None
    created_by: str | None = None


async def create_from_draft(
    session: AsyncSession, tenant_id: str, draft: NoteDraft, source: DraftSource
) -> Note:
    """Store a generated note with each section's provenance (the segment ids it came from)."""
    note = Note(tenant_id=tenant_id, created_by=source.created_by, run_ids=[], sections=[])
    session.add(note)
    return await fill_from_draft(session, note, draft, source)


async def fill_from_draft(
    session: AsyncSession, note: Note, draft: NoteDraft, source: DraftSource
) -> Note:
    """Replace a note's content with a generated draft and link it to its source."""
    note.template_key = draft.template_key
    note.content = None
    note.sections = [
        NoteSection(
            key=s.key, title=s.title, text=s.text, position=i, segment_ids=list(s.segment_ids)
        )
        for i, s in enumerate(draft.sections)
    ]
    note.transcript_id = source.transcript_id or note.transcript_id
    note.encounter_id = source.encounter_id or note.encounter_id
    note.thread_id = source.thread_id or note.thread_id
    if source.run_id and source.run_id not in note.run_ids:
        note.run_ids = [*note.run_ids, source.run_id]
    await session.flush()
    return note


async def get(session: AsyncSession, tenant_id: str, note_id: str) -> Note:
    note = await session.scalar(
        select(Note)
        .where(Note.id == note_id, Note.tenant_id == tenant_id)
        .options(selectinload(Note.sections))
    )
    if note is None:
        raise NotFoundError("Clinical note not found", resource="note")
    return note


async def list_notes(
    session: AsyncSession,
    tenant_id: str,
    *,
    transcript_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Note]:
    query = select(Note).where(Note.tenant_id == tenant_id)
    if transcript_id is not None:
        query = query.where(Note.transcript_id == transcript_id)
    query = query.order_by(Note.created_at, Note.id).limit(limit).offset(offset)
    return (await session.scalars(query.options(selectinload(Note.sections)))).all()


async def update(session: AsyncSession, tenant_id: str, note_id: str, changes: NoteChanges) -> Note:
    note = await get(session, tenant_id, note_id)
    await _apply(session, note, changes)
    await session.flush()
    return note


def content_of(note: Note) -> dict[str, Any]:
    """The note as one JSON object: free-form content, or section key → text."""
    if note.content is not None:
        return note.content
    return {section.key: section.text for section in note.sections}


async def _apply(session: AsyncSession, note: Note, changes: NoteChanges) -> None:
    if "template" in changes:
        note.template_key = template_service.canonical_key(changes["template"])
        await template_service.remember_custom(session, note.tenant_id, note.template_key)
    if "content" in changes:
        spec = await template_service.find(session, note.tenant_id, note.template_key)
        _set_content(note, changes["content"], spec)
    if "feedback" in changes:
        note.feedback = changes["feedback"]
    if "thread_id" in changes:
        note.thread_id = changes["thread_id"]
    if "run_ids" in changes:
        note.run_ids = list(changes["run_ids"])


def _set_content(note: Note, content: Mapping[str, Any], spec: TemplateSpec | None) -> None:
    """Flat text maps become sections (keeping provenance of unchanged ones); others stay JSON."""
    if not all(isinstance(value, str) for value in content.values()):
        note.content = dict(content)
        note.sections = []
        return
    previous = {section.key: section for section in note.sections}
    titles = {s.key: s.title for s in spec.sections} if spec else {}
    note.content = None
    note.sections = [
        _section(previous.get(key), key, titles.get(key, key), text, position)
        for position, (key, text) in enumerate(content.items())
    ]


def _section(
    old: NoteSection | None, key: str, title: str, text: str, position: int
) -> NoteSection:
    if old is not None and old.text == text:
        old.position = position
        return old
    return NoteSection(key=key, title=title, text=text, position=position, segment_ids=[])
