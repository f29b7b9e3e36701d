"""The audio pipeline through the core: recording stored and probed, transcribed by a job."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scribe.auth import service as auth_service
from scribe.encounters import service as encounter_service
from scribe.errors import NotFoundError, ScribeError
from scribe.jobs import service as job_service
from scribe.jobs.models import Job
from scribe.providers.asr.base import UnreadableAudioError
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.storage import BlobTooLargeError
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

AUDIO = Path(__file__).parents[1] / "data" / "audio"
LIMITS = recording_service.Limits(max_bytes=10 * 2**20, max_duration_ms=60_000)


async def _file(path: Path) -> AsyncIterator[bytes]:
    data = path.read_bytes()
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


async def _bytes(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _tenant(runtime: Runtime, terms: list[str] | None = None) -> str:
    async with runtime.sessionmaker() as session:
        tenant = await auth_service.set_vocabulary(
            session, f"t-{uuid.uuid4().hex[:10]}", terms or []
        )
        await session.commit()
        return tenant.id


async def _store(
    runtime: Runtime,
    tenant_id: str,
    chunks: AsyncIterator[bytes],
    limits: recording_service.Limits = LIMITS,
) -> Recording:
    async with runtime.sessionmaker() as session:
        encounter = encounter_service.add_implicit(
            session, tenant_id=tenant_id, assigned_user=None, patient_ref=None
        )
        session.add(encounter)
        await session.flush()
        upload = recording_service.Upload(tenant_id, encounter.id, "audio/wav", "clip.wav")
        recording = await recording_service.store(session, runtime.blobs, upload, chunks, limits)
        await session.commit()
        return recording


async def _transcribe(
    runtime: Runtime, recording: Recording, options: transcript_service.AudioOptions
) -> Transcript:
    async with runtime.sessionmaker() as session:
        transcript, job = await transcript_service.start_from_recording(
            session, recording, language="en", options=options
        )
        await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
    assert await job_service.wait_until_finished(runtime.sessionmaker, job.id, timeout=120)
    async with runtime.sessionmaker() as session:
        return await transcript_service.get(session, recording.tenant_id, transcript.id)


async def _count(runtime: Runtime, tenant_id: str) -> int:
    async with runtime.sessionmaker() as session:
        query = select(func.count()).select_from(Recording).where(Recording.tenant_id == tenant_id)
        return int(await session.scalar(query) or 0)


class TestStore:
    async def test_probe_findings_are_kept_with_the_bytes(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.stereo.wav"))
        assert recording.channels == 2
        assert 5_500 < recording.duration_ms < 6_500
        assert recording.size_bytes == (AUDIO / "clip.stereo.wav").stat().st_size
        stored = runtime.blobs.path(recording.blob_key)
        assert stored.read_bytes() == (AUDIO / "clip.stereo.wav").read_bytes()

    async def test_unreadable_audio_keeps_neither_row_nor_bytes(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        with pytest.raises(UnreadableAudioError):
            await _store(runtime, tenant_id, _bytes(b"this is not audio at all" * 50))
        assert await _count(runtime, tenant_id) == 0
        assert not list((runtime.blobs.root / tenant_id).glob("*"))

    async def test_too_long_audio_is_refused(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        short = recording_service.Limits(max_bytes=LIMITS.max_bytes, max_duration_ms=2_000)
        with pytest.raises(recording_service.AudioTooLongError):
            await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"), short)
        assert await _count(runtime, tenant_id) == 0

    async def test_too_large_upload_is_refused(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        small = recording_service.Limits(max_bytes=10_000, max_duration_ms=60_000)
        with pytest.raises(BlobTooLargeError):
            await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"), small)
        assert await _count(runtime, tenant_id) == 0

    async def test_another_tenant_cannot_read_or_list_it(self, runtime: Runtime) -> None:
        owner, stranger = await _tenant(runtime), await _tenant(runtime)
        recording = await _store(runtime, owner, _file(AUDIO / "clip.mono.wav"))
        async with runtime.sessionmaker() as session:
            with pytest.raises(NotFoundError):
                await recording_service.get(session, stranger, recording.id)
            listed = await recording_service.list_for_encounter(
                session, stranger, recording.encounter_id
            )
        assert listed == []

    async def test_delete_removes_the_bytes_after_commit(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"))
        path = runtime.blobs.path(recording.blob_key)
        async with runtime.sessionmaker() as session:
            row = await recording_service.get(session, tenant_id, recording.id)
            await recording_service.delete(session, runtime.blobs, row)
            assert path.exists()  # not yet: the transaction could still roll back
            await session.commit()
        assert not path.exists()


class TestTranscribe:
    async def test_stereo_gives_roles_by_channel(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.stereo.wav"))
        options = transcript_service.AudioOptions(channel_roles=("doctor", "patient"))
        transcript = await _transcribe(runtime, recording, options)
        assert transcript.status == "completed"
        assert transcript.recording_id == recording.id
        by_role = {s.speaker_role: s for s in transcript.segments}
        assert by_role["doctor"].channel == 0
        assert by_role["patient"].channel == 1
        assert "thompson" in by_role["doctor"].text.lower()
        starts = [s.start_ms for s in transcript.segments if s.start_ms is not None]
        assert len(starts) == len(transcript.segments)
        assert starts == sorted(starts)

    async def test_mono_gets_timed_segments_and_inferred_roles(self, runtime: Runtime) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"))
        transcript = await _transcribe(runtime, recording, transcript_service.AudioOptions())
        assert transcript.status == "completed"
        assert transcript.segments
        assert all(s.end_ms is not None and s.start_ms is not None for s in transcript.segments)
        assert "moore" in transcript.text.lower()
        assert {s.speaker_role for s in transcript.segments} <= {"doctor", "patient", "unspecified"}

    async def test_every_workflow_finds_lost_audio_through_one_check(
        self, runtime: Runtime
    ) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"))
        assert transcript_service.audio_of(runtime.blobs, recording).exists()
        runtime.blobs.path(recording.blob_key).unlink()
        with pytest.raises(ScribeError) as caught:
            transcript_service.audio_of(runtime.blobs, recording)
        assert caught.value.error_code == "audio_missing"

    async def test_a_recording_gone_before_the_job_fails_the_transcript(
        self, runtime: Runtime
    ) -> None:
        tenant_id = await _tenant(runtime)
        recording = await _store(runtime, tenant_id, _file(AUDIO / "clip.mono.wav"))
        runtime.blobs.path(recording.blob_key).unlink()
        transcript = await _transcribe(runtime, recording, transcript_service.AudioOptions())
        assert transcript.status == "failed"
        assert transcript.meta["error"]["code"] == "audio_missing"
        async with runtime.sessionmaker() as session:
            job = await session.get_one(Job, transcript.meta["job_id"])
        assert job.status == "failed"
        assert job.error_code == "audio_missing"
