"""The retention sweep: audio goes N days after its last job finished, and only then."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from sqlalchemy import select

from scribe.async_requests.models import AsyncRequest
from scribe.auth.models import AuditRecord
from scribe.config import RetentionSettings
from scribe.db import utcnow
from scribe.notes.models import Note
from scribe.recordings.models import Recording
from scribe.retention import service, sweeper
from scribe.retention.service import Policy, SweepCounts
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript, TranscriptSegment
from scribe.webhooks.models import WebhookDelivery
from tests.retention import builders
from tests.retention.builders import AUDIO


async def sweep(runtime: Runtime, policy: Policy, *, batch_size: int = 100) -> SweepCounts:
    return await sweeper.sweep(runtime.sessionmaker, runtime.blobs, policy, batch_size=batch_size)


async def transcript_of(runtime: Runtime, transcript_id: str) -> Transcript | None:
    async with runtime.sessionmaker() as session:
        return await session.get(Transcript, transcript_id)


class TestDueAudio:
    async def test_audio_goes_n_days_after_its_job_finished(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        old = await builders.audio(runtime, tenant_id, age_days=45, job_finished_days=31)
        failed = await builders.audio(runtime, tenant_id, age_days=40, job="failed")

        counts = await sweep(runtime, Policy(30, tenant_id=tenant_id))

        assert counts == SweepCounts(recordings=2, transcripts=0, bytes_freed=2 * len(AUDIO))
        for gone in (old, failed):
            assert not gone.path.exists()
            assert not await builders.exists(runtime, Recording, gone.recording_id)
        kept = await transcript_of(runtime, old.transcript_id)
        assert kept is not None
        assert kept.recording_id is None
        assert kept.meta["recording_id"] == old.recording_id

    async def test_recent_audio_and_recently_used_audio_stay(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        recent = await builders.audio(runtime, tenant_id, age_days=5)
        reused = await builders.audio(runtime, tenant_id, age_days=90, job_finished_days=29)
        unused = await builders.audio(runtime, tenant_id, age_days=29, job=None)

        assert await sweep(runtime, Policy(30, tenant_id=tenant_id)) == SweepCounts()

        for audio in (recent, reused, unused):
            assert audio.path.exists()
            assert await builders.exists(runtime, Recording, audio.recording_id)

    async def test_audio_no_job_used_goes_n_days_after_upload(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=31, job=None)

        assert (await sweep(runtime, Policy(30, tenant_id=tenant_id))).recordings == 1
        assert not audio.path.exists()

    @pytest.mark.parametrize("status", ["queued", "running"])
    async def test_unfinished_jobs_keep_old_audio(self, runtime: Runtime, status: str) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=400, job=status)

        assert await sweep(runtime, Policy(30, tenant_id=tenant_id)) == SweepCounts()

        assert audio.path.exists()
        await builders.finish_jobs(runtime, tenant_id)

    async def test_a_transcript_in_progress_keeps_its_audio(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(
            runtime, tenant_id, age_days=400, job=None, transcript_status="processing"
        )

        assert await sweep(runtime, Policy(30, tenant_id=tenant_id)) == SweepCounts()
        assert audio.path.exists()

    async def test_an_unanswered_nabla_request_keeps_its_audio(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        waiting = await builders.audio(runtime, tenant_id, age_days=400, job=None)
        answered = await builders.audio(runtime, tenant_id, age_days=400, job=None)
        await builders.nabla_request(runtime, tenant_id, waiting.recording_id, "processing")
        await builders.nabla_request(runtime, tenant_id, answered.recording_id, "succeeded")

        counts = await sweep(runtime, Policy(30, tenant_id=tenant_id))

        # The answered request finished just now: its audio is kept another 30 days.
        assert counts == SweepCounts()
        assert waiting.path.exists()
        assert answered.path.exists()
        assert (await sweep(runtime, Policy(0, tenant_id=tenant_id))).recordings == 1
        assert waiting.path.exists()
        assert not answered.path.exists()


class TestTranscripts:
    async def test_transcripts_go_too_when_configured(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=45)
        note_id = await builders.note(runtime, tenant_id, audio.transcript_id)

        counts = await sweep(runtime, Policy(30, delete_transcripts=True, tenant_id=tenant_id))

        assert (counts.recordings, counts.transcripts) == (1, 1)
        assert await transcript_of(runtime, audio.transcript_id) is None
        async with runtime.sessionmaker() as session:
            segments = await session.scalars(
                select(TranscriptSegment).where(
                    TranscriptSegment.transcript_id == audio.transcript_id
                )
            )
            assert segments.all() == []
            note = await session.get(Note, note_id)
        assert note is not None
        assert note.transcript_id is None

    @pytest.mark.parametrize("delete_transcripts", [False, True])
    async def test_stored_answers_quoting_the_transcript_follow_the_transcripts(
        self, runtime: Runtime, delete_transcripts: bool
    ) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=400, job=None)
        request_id = await builders.nabla_request(
            runtime, tenant_id, audio.recording_id, "succeeded", finished=builders.days_ago(40)
        )
        policy = Policy(30, delete_transcripts=delete_transcripts, tenant_id=tenant_id)
        assert (await sweep(runtime, policy)).recordings == 1
        async with runtime.sessionmaker() as session:
            request = await session.get_one(AsyncRequest, request_id)
        # Nabla's stored callback body quotes the transcript: it goes when transcripts go.
        assert (request.result is None) is delete_transcripts
        assert request.status == "succeeded"

    @pytest.mark.parametrize("delete_transcripts", [False, True])
    async def test_callback_bodies_quoting_the_transcript_follow_the_transcripts(
        self, runtime: Runtime, delete_transcripts: bool
    ) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=400, job=None)
        sent, pending = [
            await builders.nabla_request(
                runtime, tenant_id, audio.recording_id, "succeeded", finished=builders.days_ago(40)
            )
            for _ in "ab"
        ]
        delivered = await builders.callback(runtime, sent, status="delivered")
        retrying = await builders.callback(runtime, pending, status="pending")
        elsewhere = await builders.audio(runtime, tenant_id, age_days=5, job=None)
        recent = await builders.nabla_request(
            runtime, tenant_id, elsewhere.recording_id, "succeeded"
        )
        kept = await builders.callback(runtime, recent, status="delivered")

        policy = Policy(30, delete_transcripts=delete_transcripts, tenant_id=tenant_id)
        assert (await sweep(runtime, policy)).recordings == 1

        async with runtime.sessionmaker() as session:
            rows = {
                row.id: row
                for row in await session.scalars(
                    select(WebhookDelivery).where(WebhookDelivery.tenant_id == tenant_id)
                )
            }
        assert "knee pain" in rows[kept].body
        assert rows[kept].status == "delivered"
        if not delete_transcripts:
            assert all("knee pain" in row.body for row in rows.values())
            return
        assert rows[delivered].body == rows[retrying].body == ""
        assert rows[delivered].status == "delivered"
        # A callback that was still to be retried is not sent empty: it fails, saying why.
        assert (rows[retrying].status, rows[retrying].next_attempt_at) == ("failed", None)
        assert rows[retrying].last_error == "body deleted by retention"


class TestSafety:
    async def test_files_stay_when_the_transaction_rolls_back(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=45)

        async with runtime.sessionmaker() as session:
            counts, _ = await service.sweep_batch(
                session, runtime.blobs, Policy(30, tenant_id=tenant_id), now=utcnow(), limit=10
            )
            assert counts.recordings == 1
            await session.rollback()

        assert audio.path.exists()
        assert await builders.exists(runtime, Recording, audio.recording_id)

    async def test_two_sweeps_at_once_delete_each_recording_once(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audios = [await builders.audio(runtime, tenant_id, age_days=45) for _ in range(6)]
        policy = Policy(30, tenant_id=tenant_id)

        first, second = await asyncio.gather(
            sweep(runtime, policy, batch_size=2), sweep(runtime, policy, batch_size=2)
        )

        assert first.recordings + second.recordings == 6
        assert not any(audio.path.exists() for audio in audios)
        assert await builders.count(runtime, Recording, tenant_id) == 0

    async def test_a_tenant_sweep_leaves_other_tenants(self, runtime: Runtime) -> None:
        mine, _ = await builders.tenant(runtime)
        theirs, _ = await builders.tenant(runtime)
        gone = await builders.audio(runtime, mine, age_days=45)
        kept = await builders.audio(runtime, theirs, age_days=45)

        assert (await sweep(runtime, Policy(30, tenant_id=mine))).recordings == 1

        assert not gone.path.exists()
        assert kept.path.exists()
        assert await builders.exists(runtime, Recording, kept.recording_id)

    async def test_each_tenant_audits_its_own_deletions(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        for _ in range(2):
            await builders.audio(runtime, tenant_id, age_days=45)

        await sweep(runtime, Policy(30, delete_transcripts=True, tenant_id=tenant_id))

        async with runtime.sessionmaker() as session:
            records = (
                await session.scalars(select(AuditRecord).where(AuditRecord.tenant_id == tenant_id))
            ).all()
        assert [(r.action, r.resource_ids) for r in records] == [
            ("retention.sweep", {"recordings": 2, "transcripts": 2})
        ]

    async def test_dry_run_counts_without_deleting(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=45)
        await builders.audio(runtime, tenant_id, age_days=2)

        async with runtime.sessionmaker() as session:
            due = await service.count_due(
                session, Policy(30, delete_transcripts=True, tenant_id=tenant_id), now=utcnow()
            )

        assert due == SweepCounts(recordings=1, transcripts=1, bytes_freed=len(AUDIO))
        assert audio.path.exists()


class TestPeriodicSweeps:
    async def test_runs_beside_the_workers_when_configured(self, runtime: Runtime) -> None:
        tenant_id, _ = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=4000)
        retention = RetentionSettings(audio_days=3650, sweep_interval_seconds=0.05)
        configured = dataclasses.replace(
            runtime, settings=runtime.settings.model_copy(update={"retention": retention})
        )

        async with sweeper.periodic_sweeps(configured):
            for _ in range(200):
                if not audio.path.exists():
                    break
                await asyncio.sleep(0.05)

        assert not audio.path.exists()
        assert not await builders.exists(runtime, Recording, audio.recording_id)

    async def test_nothing_runs_when_retention_is_off(self, runtime: Runtime) -> None:
        assert runtime.settings.retention.audio_days is None
        await asyncio.wait_for(sweeper.sweep_forever(runtime), timeout=1)
