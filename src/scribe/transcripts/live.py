"""A live stream's end: its audio kept as a recording, its final segments as a transcript."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.providers.asr.base import AsrSegment, TranscriptionResult
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.recordings.service import Limits, Upload
from scribe.storage import BlobStore
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

STREAM = "stream"
_READ_BYTES = 1 << 16


async def save_stream(
    sessionmaker: async_sessionmaker[AsyncSession],
    blobs: BlobStore,
    upload: Upload,
    audio: Path,
    segments: list[AsrSegment],
    limits: Limits,
    language: str | None,
) -> None:
    """Store a finished stream in its own transaction (the stream has no request to commit).

    The voices are told apart first: that is seconds of CPU, and no connection (nor SQLite's
    write lock) is held meanwhile.
    """
    heard = TranscriptionResult(segments=tuple(segments), duration_ms=0)
    labels = await transcript_service.voice_labels(audio, heard)
    async with sessionmaker() as session:
        await save(session, blobs, upload, audio, segments, limits, language, labels)
        await session.commit()


async def save(
    session: AsyncSession,
    blobs: BlobStore,
    upload: Upload,
    audio: Path,
    segments: list[AsrSegment],
    limits: Limits,
    language: str | None,
    labels: list[int | None] | None,
) -> tuple[Recording, Transcript]:
    """Store the streamed audio and a completed transcript of it (roles from voices and words)."""
    recording = await recording_service.store(session, blobs, upload, _read(audio), limits)
    heard = TranscriptionResult(segments=tuple(segments), duration_ms=recording.duration_ms)
    result = transcript_service.with_roles(heard, None, labels)
    transcript = transcript_service.add_completed(
        session, recording, result, language=language, created_by=upload.created_by,
        meta={"recording_id": recording.id}, source=STREAM,
    )  # fmt: skip
    await session.flush()
    return recording, transcript


async def _read(path: Path) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as file:
        while chunk := await file.read(_READ_BYTES):
            yield chunk
