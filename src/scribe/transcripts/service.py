"""Transcripts and their segments."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from scribe import clinical
from scribe.auth.service import Principal
from scribe.clinical.types import SpeakerRole, Utterance
from scribe.encounters import service as encounter_service
from scribe.errors import (
    AudioMissingError,
    TranscriptNotFoundError,
    UnsupportedLanguageError,
)
from scribe.jobs import service as job_service
from scribe.jobs.models import Job
from scribe.providers.asr import voices
from scribe.providers.asr.base import (
    LanguageSupport,
    SpeechRecognizer,
    TranscriptionRequest,
    TranscriptionResult,
)
from scribe.providers.asr.speakers import assign_roles
from scribe.recordings.models import Recording
from scribe.storage import BlobStore
from scribe.tenancy import get_owned
from scribe.transcripts.models import (
    Participant,
    Transcript,
    TranscriptSegment,
    TranscriptStatus,
)

logger = logging.getLogger(__name__)

TRANSCRIBE = "transcribe"
PROCESSING, COMPLETED = TranscriptStatus.PROCESSING, TranscriptStatus.COMPLETED
FAILED = TranscriptStatus.FAILED
# A BCP-47 tag as clients send them: "en", "en-GB", "pt_BR", "zh-Hant-TW".
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


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
    participants: Sequence[Participant] = (),
    diarize: bool = False,
) -> tuple[Transcript, Job]:
    """A processing transcript for a recording and the job that will fill it.

    ``participants`` and ``diarize`` keep what the client declared, to be answered back later.
    """
    transcript = Transcript(
        tenant_id=recording.tenant_id,
        encounter_id=recording.encounter_id,
        recording_id=recording.id,
        source="audio",
        status=PROCESSING,
        language=language,
        duration_ms=recording.duration_ms,
        created_by=created_by,
        participants=tuple(participants),
        diarize=diarize,
        # The recording id is kept in meta too: the column is cleared if the recording goes.
        meta={**options.as_meta(), "recording_id": recording.id},
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


def audio_of(blobs: BlobStore, recording: Recording) -> Path:
    """The recording's audio file; a clear error when storage lost it (every caller checks)."""
    audio = blobs.path(recording.blob_key)
    if not audio.exists():
        raise AudioMissingError("The recording's audio is missing from storage")
    return audio


def add_completed(
    session: AsyncSession,
    recording: Recording,
    result: TranscriptionResult,
    *,
    language: str | None,
    created_by: str | None,
    meta: dict[str, Any],
    source: str = "audio",
) -> Transcript:
    """A completed transcript of `recording`, added to the session (dialects build no rows)."""
    transcript = Transcript(
        tenant_id=recording.tenant_id,
        encounter_id=recording.encounter_id,
        recording_id=recording.id,
        source=source,
        status=PROCESSING,
        language=language,
        created_by=created_by,
        meta=meta,
    )
    complete(transcript, result)
    session.add(transcript)
    return transcript


def mark_failed(transcript: Transcript, code: str, message: str) -> None:
    transcript.status = FAILED
    transcript.meta = {**transcript.meta, "error": {"code": code, "message": message}}


async def recognize(
    recognizer: SpeechRecognizer, request: TranscriptionRequest
) -> TranscriptionResult:
    """Audio to timed segments with speaker roles: by channel when asked, else inferred.

    Mixed-down audio is inferred from the voices (clustered in a worker thread) and the wording.
    """
    result = await recognizer.transcribe(request)
    labels = await voice_labels(request.audio, result)
    return with_roles(result, request.channel_roles, labels)


def with_roles(
    result: TranscriptionResult,
    channel_roles: tuple[SpeakerRole, ...] | None,
    labels: list[int | None] | None = None,
) -> TranscriptionResult:
    """Recognised segments with speaker roles (every path to a transcript goes through here)."""
    return assign_roles(result, channel_roles, voices=labels)


async def voice_labels(audio: Path, result: TranscriptionResult) -> list[int | None] | None:
    """Each segment's voice, off the event loop; None when not needed or the voice model fails."""
    if not voices.needs_voices(result.segments):
        return None
    try:
        return await voices.label_voices(audio, result.segments)
    except Exception as exc:
        logger.warning("voice clustering failed, roles from the wording: %s", type(exc).__name__)
        return None


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
        status=COMPLETED,
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


@dataclass(frozen=True, slots=True)
class Item:
    """One turn of a transcript a client sent as items (text with its speaker's role)."""

    text: str
    speaker: SpeakerRole


async def create_from_items(
    session: AsyncSession,
    tenant_id: str,
    items: Sequence[Item],
    *,
    language: str | None,
    created_by: str | None,
) -> Transcript:
    """Store a client's transcript items as a completed transcript of an implicit encounter."""
    encounter = encounter_service.add_implicit(
        session, tenant_id=tenant_id, assigned_user=created_by, patient_ref=None
    )
    transcript = Transcript(
        tenant_id=tenant_id,
        encounter_id=encounter.id,
        source="text",
        status=COMPLETED,
        language=language,
        text="\n".join(item.text for item in items),
        created_by=created_by,
    )
    transcript.segments = [
        TranscriptSegment(position=i, text=item.text, speaker_role=item.speaker)
        for i, item in enumerate(items)
    ]
    session.add(transcript)
    await session.flush()
    return transcript


async def get(session: AsyncSession, tenant_id: str, transcript_id: str) -> Transcript:
    missing = TranscriptNotFoundError("Transcription not found")
    segments = [selectinload(Transcript.segments)]
    return await get_owned(session, Transcript, tenant_id, transcript_id, missing, options=segments)


async def get_in_encounter(
    session: AsyncSession, tenant_id: str, encounter_id: str, transcript_id: str
) -> Transcript:
    """A transcript of one encounter, read afresh (a job may have changed it since)."""
    return await get_owned(
        session,
        Transcript,
        tenant_id,
        transcript_id,
        TranscriptNotFoundError("Transcript not found"),
        where=[Transcript.encounter_id == encounter_id],
        options=[selectinload(Transcript.segments)],
        fresh=True,
    )


async def list_for_encounter(
    session: AsyncSession, tenant_id: str, encounter_id: str
) -> Sequence[Transcript]:
    """An encounter's transcripts with their segments, oldest first."""
    rows = await session.scalars(
        select(Transcript)
        .where(Transcript.tenant_id == tenant_id, Transcript.encounter_id == encounter_id)
        .options(selectinload(Transcript.segments))
        .order_by(Transcript.created_at, Transcript.id)
    )
    return rows.all()


async def delete(session: AsyncSession, transcript: Transcript) -> None:
    """Delete a transcript and its segments (the recording stays)."""
    await session.delete(transcript)
    await session.flush()


async def check_language(recognizer: SpeechRecognizer, language: str) -> None:
    """Refuse a language the speech model cannot transcribe now, before any job is queued.

    Only a recognizer with ``LanguageSupport`` (the local model) can be asked; a remote server
    answers for itself when the job runs (and the transcript fails if it refuses).
    """
    if not _LANGUAGE_TAG.match(language):
        raise UnsupportedLanguageError("The language is not a language tag")
    if isinstance(recognizer, LanguageSupport):
        await recognizer.check_language(language)


async def wait_for_job(
    sessionmaker: async_sessionmaker[AsyncSession], transcript: Transcript, *, timeout: float
) -> bool:
    """Wait (after the commit that queued it) until the transcript's job ends; False on timeout."""
    job_id = transcript.meta.get("job_id")
    if not isinstance(job_id, str) or timeout <= 0:
        return False
    return await job_service.wait_until_finished(sessionmaker, job_id, timeout=timeout)


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
