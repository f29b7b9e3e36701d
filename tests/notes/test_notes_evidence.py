"""notes.evidence on stored notes: tenant-scoped, and readable for notes stored before it."""

from __future__ import annotations

from sqlalchemy import select

from scribe.auth.models import Tenant
from scribe.auth.service import Principal
from scribe.clinical.types import DraftSection, NoteDraft, NoteSentence
from scribe.notes import evidence
from scribe.notes import service as note_service
from scribe.runtime import Runtime
from scribe.transcripts import service as transcript_service
from tests.conftest import new_key

VISIT = "Doctor: What brings you in?\nPatient: My right knee hurts since I fell.\n"


async def principal(runtime: Runtime) -> Principal:
    key = await new_key(runtime)
    async with runtime.sessionmaker() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.name == key.tenant_name))
    assert tenant_id is not None
    return Principal(tenant_id, key.tenant_name, key.client_id, actor="dr")


def draft(*segment_ids: str) -> NoteDraft:
    sentence = NoteSentence("Right knee pain after a fall.", segment_ids)
    return NoteDraft("SOAP", (DraftSection("subjective", "Subjective", (sentence,)),))


class TestStoredNotes:
    async def test_segments_of_another_tenants_transcript_are_never_quoted(
        self, runtime: Runtime
    ) -> None:
        mine, theirs = await principal(runtime), await principal(runtime)
        async with runtime.sessionmaker() as session:
            foreign = await transcript_service.create_from_text(
                session, theirs, text=VISIT, duration_ms=None, language="en"
            )
            ids = tuple(s.id for s in foreign.segments)
            # A note of mine pointing at their transcript (no route allows it; the read holds).
            source = note_service.DraftSource(foreign.id, foreign.encounter_id)
            note = await note_service.create_from_draft(
                session, mine.tenant_id, draft(*ids), source
            )
            unquoted = evidence.SentenceEvidence(text="Right knee pain after a fall.", segments=[])
            assert await evidence.for_note(session, mine.tenant_id, note) == {
                "subjective": [unquoted]
            }
            found = await evidence.for_note(session, theirs.tenant_id, note)
            assert [s["id"] for s in found["subjective"][0]["segments"]] == list(ids)
            await session.rollback()

    async def test_a_note_stored_without_sentences_answers_its_section_as_one(
        self, runtime: Runtime
    ) -> None:
        mine = await principal(runtime)
        async with runtime.sessionmaker() as session:
            transcript = await transcript_service.create_from_text(
                session, mine, text=VISIT, duration_ms=None, language="en"
            )
            knee = transcript.segments[1]
            source = note_service.DraftSource(transcript.id, transcript.encounter_id)
            note = await note_service.create_from_draft(
                session, mine.tenant_id, draft(knee.id), source
            )
            note.sections[0].sentences = []  # as rows written before migration 0011
            found = await evidence.for_note(session, mine.tenant_id, note)
            (only,) = found["subjective"]
            assert only["text"] == note.sections[0].text
            assert only["segments"] == [evidence.quote_segment(knee)]
            await session.rollback()
