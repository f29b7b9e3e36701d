"""Transcripts and their segments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scribe import clinical
from scribe.auth.service import Principal
from scribe.clinical.types import Utterance
from scribe.encounters import service as encounter_service
from scribe.errors import NotFoundError
from scribe.transcripts.models import Transcript, TranscriptSegment


async def create_from_text(
    session: AsyncSession,
    principal: Principal,
    *,
    text: str,
    duration_ms: int | None,
    language: str | None,
) -> Transcript:
    """Store a text transcript (no audio) and split it into speaker segments."""
    encounter = encounter_service.add_implicit(
        session,
        tenant_id=principal.tenant_id,
        assigned_user=principal.actor,
        patient_ref=principal.patient_ref,
    )
    transcript = Transcript(
        tenant_id=principal.tenant_id,
        encounter_id=encounter.id,
        source="text",
        status="completed",
        language=language,
        duration_ms=duration_ms,
        text=text,
        created_by=principal.actor,
        patient_ref=principal.patient_ref,
    )
    transcript.segments = [
        TranscriptSegment(position=i, text=u.text, speaker_role=u.speaker)
        for i, u in enumerate(clinical.parse_transcript(text))
    ]
    session.add(transcript)
    await session.flush()
    return transcript


async def get(session: AsyncSession, tenant_id: str, transcript_id: str) -> Transcript:
    transcript = await session.scalar(
        select(Transcript)
        .where(Transcript.id == transcript_id, Transcript.tenant_id == tenant_id)
        .options(selectinload(Transcript.segments))
    )
    if transcript is None:
        raise NotFoundError("Transcription not found", resource="transcript")
    return transcript


def utterances(transcript: Transcript) -> list[Utterance]:
    """The transcript as engine input; utterance ids are the segment ids (provenance)."""
    return [
        Utterance(
            id=s.id,
            text=s.text,
            speaker=s.speaker_role if s.speaker_role in ("doctor", "patient") else "unspecified",  # type: ignore[arg-type]
            start_ms=s.start_ms,
            end_ms=s.end_ms,
        )
        for s in transcript.segments
    ]
