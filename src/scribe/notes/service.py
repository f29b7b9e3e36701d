"""Clinical notes: created from a generated draft or by the client, read, and partly updated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scribe.auth.service import Principal
from scribe.clinical import catalogue
from scribe.clinical import facts as clinical_facts
from scribe.clinical.types import (
    NoteDraft,
    TemplateSpec,
    Utterance,
)
from scribe.db import utcnow
from scribe.errors import (
    NoteNotFoundError,
    TemplateNotFoundError,
    TemplateSectionNotFoundError,
    UnsupportedLanguageError,
)
from scribe.notes import evidence, writing
from scribe.notes.models import Note, NoteSection
from scribe.providers.llm.base import NoteRequest, NoteWriter
from scribe.templates import service as template_service
from scribe.tenancy import get_owned
from scribe.transcripts import service as transcript_service

# The template key of a document composed from a family's section keys (dynamic templates).
DYNAMIC_TEMPLATE = "dynamic"


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
    language: str | None = None


async def create_from_draft(
    session: AsyncSession, tenant_id: str, draft: NoteDraft, source: DraftSource
) -> Note:
    """Store a generated note with each section's provenance (the segment ids it came from)."""
    note = Note(
        tenant_id=tenant_id,
        created_by=source.created_by,
        language=source.language,
        run_ids=[],
        sections=[],
    )
    session.add(note)
    return await fill_from_draft(session, note, draft, source)


async def fill_from_draft(
    session: AsyncSession,
    note: Note,
    draft: NoteDraft,
    source: DraftSource,
    *,
    quotes: Mapping[str, evidence.SegmentQuote] | None = None,
) -> Note:
    """Replace a note's content with a generated draft and link it to its source.

    ``quotes`` copies what each sentence cites into the note, for a source that is not stored.
    """
    note.template_key = draft.template_key
    note.content = None
    note.sections = [
        NoteSection(
            key=s.key,
            title=s.title,
            text=s.text,
            position=i,
            segment_ids=list(s.segment_ids),
            sentences=evidence.stored(s.sentences, quotes),
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
    missing = NoteNotFoundError("Clinical note not found")
    sections = [selectinload(Note.sections)]
    return await get_owned(session, Note, tenant_id, note_id, missing, options=sections)


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
    section = NoteSection(key=key, title=title, text=text, position=position)
    section.sentences, section.segment_ids = [], []
    if old is not None:
        _keep_unchanged_sentences(section, old.sentences)
    return section


def _keep_unchanged_sentences(section: NoteSection, before: Sequence[Mapping[str, Any]]) -> None:
    """Sentences the client left as they were keep their evidence; the rest of the text has none."""
    kept = evidence.kept_after_edit(before, section.text)
    section.sentences = kept
    section.segment_ids = list(dict.fromkeys(i for row in kept for i in row["segment_ids"]))


# Documents: notes of an encounter written from a template choice of a catalogue family.


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """A template by key (tenant's own or built-in), or one made of a family's section keys.

    ``titles`` renames sections of a composed template by key.
    """

    key: str | None = None
    section_keys: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentRequest:
    """What to write and from what: utterances for the writer, or (text, group) facts."""

    template: TemplateChoice
    language: str
    name: str | None = None
    utterances: Sequence[Utterance] = ()
    facts: Sequence[tuple[str, str | None]] = ()
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class SectionEdit:
    """A client's change to one section; a key the document lacks adds the section."""

    key: str
    title: str | None = None
    text: str | None = None
    position: int | None = None


async def write_document(
    session: AsyncSession,
    writer: NoteWriter,
    tenant_id: str,
    encounter_id: str,
    request: DocumentRequest,
    *,
    family: str,
) -> Note:
    """Write and store a document for an encounter (400 if the language is not supported)."""
    spec = await _document_template(session, tenant_id, request.template, family)
    if not spec.supports(request.language):
        raise UnsupportedLanguageError(
            f"Template {spec.key} is not available in {request.language}"
        )
    draft = await _draft(writer, spec.localized(request.language), request)
    # Inline context is not stored: each sentence keeps a copy of the context it cites.
    quotes = {u.id: evidence.quote_utterance(u) for u in _context_of(request)}
    source = DraftSource(None, encounter_id, created_by=request.created_by)
    # One INSERT: a follow-up UPDATE would stamp rows after the response took its timestamps.
    note = Note(
        tenant_id=tenant_id,
        created_by=source.created_by,
        run_ids=[],
        sections=[],
        title=request.name or request.template.name or spec.name,
        language=request.language,
    )
    session.add(note)
    return await fill_from_draft(session, note, draft, source, quotes=quotes)


def _context_of(request: DocumentRequest) -> list[Utterance]:
    """What a document's sentences can cite: the context's utterances, or its facts."""
    if request.facts:
        return [Utterance(f"f{i}", text) for i, (text, _) in enumerate(request.facts)]
    return list(request.utterances)


async def _document_template(
    session: AsyncSession, tenant_id: str, choice: TemplateChoice, family: str
) -> TemplateSpec:
    if choice.key is None:
        return _composed(choice, family)
    spec = await template_service.find(session, tenant_id, choice.key, family=family)
    if spec is None:
        raise TemplateNotFoundError("Template not found")
    return spec


def _composed(choice: TemplateChoice, family: str) -> TemplateSpec:
    name = choice.name or "Document"
    try:
        spec = catalogue.compose(family, DYNAMIC_TEMPLATE, name, choice.section_keys)
    except catalogue.UnknownSectionError as exc:
        raise TemplateSectionNotFoundError(
            f"Unknown template section keys: {', '.join(exc.keys)}"
        ) from exc
    # An override holds in every language, so it replaces the section's translations too.
    sections = tuple(
        replace(s, title=choice.titles[s.key], titles=()) if s.key in choice.titles else s
        for s in spec.sections
    )
    return replace(spec, sections=sections)


async def _draft(writer: NoteWriter, spec: TemplateSpec, request: DocumentRequest) -> NoteDraft:
    if request.facts:
        return clinical_facts.draft_from_facts(request.facts, spec)
    return await writing.write_note(
        writer, NoteRequest(request.utterances, template=spec, language=request.language)
    )


async def list_documents(
    session: AsyncSession, tenant_id: str, encounter_id: str
) -> Sequence[Note]:
    query = (
        select(Note)
        .where(Note.tenant_id == tenant_id, Note.encounter_id == encounter_id)
        .order_by(Note.created_at, Note.id)
        .options(selectinload(Note.sections))
    )
    return (await session.scalars(query)).all()


async def get_document(
    session: AsyncSession, tenant_id: str, encounter_id: str, note_id: str
) -> Note:
    return await get_owned(
        session,
        Note,
        tenant_id,
        note_id,
        NoteNotFoundError("Document not found"),
        where=[Note.encounter_id == encounter_id],
        options=[selectinload(Note.sections)],
    )


async def edit_document(
    session: AsyncSession,
    note: Note,
    *,
    title: str | None = None,
    sections: Sequence[SectionEdit] = (),
    family: str,
) -> Note:
    """Rename the document and change, reorder or add sections; others stay as they are."""
    if title is not None:
        note.title = title
    if sections:
        _edit_sections(note, sections, family)
    note.updated_at = utcnow()
    await session.flush()
    return note


def _edit_sections(note: Note, edits: Sequence[SectionEdit], family: str) -> None:
    by_key = {section.key: section for section in note.sections}
    known_titles = {s.key: s.title for s in catalogue.section_catalogue(family)}
    for edit in edits:
        section = by_key.get(edit.key)
        if section is None:
            section = NoteSection(key=edit.key, title=known_titles.get(edit.key, edit.key))
            section.position = max((s.position for s in by_key.values()), default=-1) + 1
            section.text, section.segment_ids, section.sentences = "", [], []
            by_key[edit.key] = section
            note.sections.append(section)
        _edit_section(section, edit)
    note.sections = sorted(note.sections, key=lambda s: s.position)


def _edit_section(section: NoteSection, edit: SectionEdit) -> None:
    if edit.title is not None:
        section.title = edit.title
    if edit.text is not None and edit.text != section.text:
        section.text = edit.text
        # The client's text is no longer what the transcript segments said, but for the
        # sentences left as they were.
        _keep_unchanged_sentences(section, section.sentences or [])
    if edit.position is not None:
        section.position = edit.position


async def delete_document(session: AsyncSession, note: Note) -> None:
    await session.delete(note)
    await session.flush()
