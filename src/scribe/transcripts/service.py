"""Transcripts and their segments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scribe import clinical
from scribe.auth.service import Principal
from scribe.clinical.types import SpeakerRole, Utterance
from scribe.encounters import service as encounter_service
from scribe.errors import NotFoundError
from scribe.jobs import service as job_service
from scribe.jobs.models import Job
from scribe.providers.asr.base import (
    SpeechRecognizer,
    TranscriptionRequest,
    TranscriptionResult,
)
from scribe.providers.asr.speakers import assign_roles
from scribe.recordings.models import Recording
from scribe.transcripts.models import Transcript, TranscriptSegment

TRANSCRIBE = "transcribe"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AudioOptions:
    """How to transcribe a recording, kept on the transcript until the job runs."""

    channel_roles: tuple[SpeakerRole, ...] | None = None
    vocabulary: tuple[str, ...] = ()

    def as_meta(self) -> dict[str, Any]:
        roles = list(self.channel_roles) if self.channel_roles is not None else None
        return {"channel_roles": roles, "vocabulary": list(self.vocabulary)}

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> AudioOptions:
        roles = meta.get("channel_roles")
        return cls(
            channel_roles=tuple(roles) if roles is not None else None,
            vocabulary=tuple(meta.get("vocabulary") or ()),
        )


async def start_from_recording(
    session: AsyncSession,
    recording: Recording,
    *,
    language: str | None,
    options: AudioOptions,
    created_by: str | None = None,
) -> tuple[Transcript, Job]:
    """A processing transcript for a recording and the job that will fill it."""
    transcript = Transcript(
        tenant_id=recording.tenant_id,
        encounter_id=recording.encounter_id,
        recording_id=recording.id,
        source="audio",
        status=PROCESSING,
        language=language,
        duration_ms=recording.duration_ms,
        created_by=created_by,
        meta=options.as_meta(),
    )
    transcript.segments = []
    session.add(transcript)
    await session.flush()
    job = job_service.create_job(
        session,
        tenant_id=recording.tenant_id,
        kind=TRANSCRIBE,
        payload={
            "transcript_id": transcript.id,
            "actor": created_by,
            "resource_ids": {"transcript_id": transcript.id, "recording_id": recording.id},
        },
    )
    await session.flush()
    transcript.meta = {**transcript.meta, "job_id": job.id}
    return transcript, job


def complete(transcript: Transcript, result: TranscriptionResult) -> None:
    """Store recognised segments on a processing transcript."""
    transcript.segments = segments_from(result)
    transcript.text = "\n".join(segment.text for segment in result.segments)
    transcript.duration_ms = result.duration_ms
    transcript.language = transcript.language or result.language
    transcript.status = COMPLETED


def mark_failed(transcript: Transcript, code: str, message: str) -> None:
    transcript.status = FAILED
    transcript.meta = {**transcript.meta, "error": {"code": code, "message": message}}


async def recognize(
    recognizer: SpeechRecognizer, request: TranscriptionRequest
) -> TranscriptionResult:
    """Audio to timed segments with speaker roles: by channel when asked, else inferred."""
    result = await recognizer.transcribe(request)
    return assign_roles(result, request.channel_roles)


def segments_from(result: TranscriptionResult) -> list[TranscriptSegment]:
    """Recognised segments as rows, in time order."""
    return [
        TranscriptSegment(
            position=i,
            start_ms=s.start_ms,
            end_ms=s.end_ms,
            channel=s.channel,
            speaker_role=s.speaker,
            text=s.text,
        )
        for i, s in enumerate(result.segments)
    ]


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
