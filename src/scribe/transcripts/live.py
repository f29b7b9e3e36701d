"""A live stream's end: its audio kept as a recording, its final segments as a transcript."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.providers.asr.base import AsrSegment, TranscriptionResult
from scribe.providers.asr.speakers import assign_roles
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.recordings.service import Limits, Upload
from scribe.storage import BlobStore
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

STREAM = "stream"
_READ_BYTES = 1 << 16


async def save(
    session: AsyncSession,
    blobs: BlobStore,
    upload: Upload,
    audio: Path,
    segments: list[AsrSegment],
    limits: Limits,
    language: str | None,
) -> tuple[Recording, Transcript]:
    """Store the streamed audio and a completed transcript of it (roles from voices and words)."""
    recording = await recording_service.store(session, blobs, upload, _read(audio), limits)
    heard = TranscriptionResult(segments=tuple(segments), duration_ms=recording.duration_ms)
    labels = await transcript_service.voice_labels(audio, heard)
    result = assign_roles(heard, None, voices=labels)
    transcript = Transcript(
        tenant_id=recording.tenant_id,
        encounter_id=recording.encounter_id,
        recording_id=recording.id,
        source=STREAM,
        status=transcript_service.PROCESSING,
        language=language,
        created_by=upload.created_by,
        meta={"recording_id": recording.id},
    )
    transcript_service.complete(transcript, result)
    session.add(transcript)
    await session.flush()
    return recording, transcript


async def _read(path: Path) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as file:
        while chunk := await file.read(_READ_BYTES):
            yield chunk
