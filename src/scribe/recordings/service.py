"""Recordings: audio streamed to blob storage, probed, and kept with what the probe found."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass

import anyio
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import storage
from scribe.db import is_missing_reference
from scribe.errors import EncounterNotFoundError, PayloadTooLargeError, RecordingNotFoundError
from scribe.providers.asr.audio import probe
from scribe.recordings.models import Recording
from scribe.storage import BlobStore
from scribe.tenancy import get_owned


class AudioTooLongError(PayloadTooLargeError):
    code = "audio_too_long"


@dataclass(frozen=True, slots=True)
class Upload:
    tenant_id: str
    encounter_id: str
    content_type: str | None = None
    filename: str | None = None
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_duration_ms: int


async def store(
    session: AsyncSession,
    blobs: BlobStore,
    upload: Upload,
    chunks: AsyncIterable[bytes],
    limits: Limits,
) -> Recording:
    """Stream an upload to storage and record it; unreadable or too long audio keeps nothing."""
    recording_id = str(uuid.uuid4())
    blob = await blobs.save(
        f"{upload.tenant_id}/{recording_id}", chunks, max_bytes=limits.max_bytes
    )
    try:
        info = await anyio.to_thread.run_sync(probe, blobs.path(blob.key))
        if info.duration_ms > limits.max_duration_ms:
            minutes = limits.max_duration_ms // 60_000
            raise AudioTooLongError(f"The audio is longer than the {minutes}-minute limit")
    except BaseException:
        await blobs.delete(blob.key)
        raise
    recording = Recording(
        id=recording_id,
        tenant_id=upload.tenant_id,
        encounter_id=upload.encounter_id,
        blob_key=blob.key,
        filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=blob.size_bytes,
        sha256=blob.sha256,
        container=info.container,
        codec=info.codec,
        channels=info.channels,
        sample_rate=info.sample_rate,
        duration_ms=info.duration_ms,
        created_by=upload.created_by,
    )
    session.add(recording)
    try:
        await session.flush()
    except IntegrityError as exc:
        await blobs.delete(blob.key)
        if is_missing_reference(exc):  # deleted (or purged) while the body streamed
            raise EncounterNotFoundError("Encounter not found") from None
        raise
    return recording


async def get(session: AsyncSession, tenant_id: str, recording_id: str) -> Recording:
    missing = RecordingNotFoundError("Recording not found")
    return await get_owned(session, Recording, tenant_id, recording_id, missing)


async def get_in_encounter(
    session: AsyncSession, tenant_id: str, encounter_id: str, recording_id: str
) -> Recording:
    """A recording of one encounter; another encounter's is not found, like an unknown id."""
    missing = RecordingNotFoundError("Recording not found")
    where = [Recording.encounter_id == encounter_id]
    return await get_owned(session, Recording, tenant_id, recording_id, missing, where=where)


async def list_for_encounter(
    session: AsyncSession, tenant_id: str, encounter_id: str
) -> Sequence[Recording]:
    rows = await session.scalars(
        select(Recording)
        .where(Recording.tenant_id == tenant_id, Recording.encounter_id == encounter_id)
        .order_by(Recording.created_at, Recording.id)
    )
    return rows.all()


def audio_of(blobs: BlobStore, recording: Recording) -> AsyncIterator[bytes]:
    """The recording's bytes as stored, chunk by chunk (not found if they have gone)."""
    if not blobs.path(recording.blob_key).is_file():
        raise RecordingNotFoundError("Recording not found")
    return blobs.read(recording.blob_key)


async def delete(session: AsyncSession, blobs: BlobStore, recording: Recording) -> None:
    """Delete the row now and the bytes once the transaction commits (never a dangling row)."""
    await session.delete(recording)
    await session.flush()
    storage.delete_after_commit(session, blobs, recording.blob_key)
