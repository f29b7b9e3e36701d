"""A `scribe worker` killed (SIGKILL) mid-transcription: the job runs again on another worker and
completes exactly once, and the dead worker's queue task does not linger or complete it twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.auth.models import AuditRecord, Tenant
from scribe.jobs.models import COMPLETED, RUNNING, Job
from scribe.transcripts.models import Transcript, TranscriptSegment
from tests.multiprocess.conftest import Cluster, Process, scrape, total
from tests.multiprocess.test_cluster_jobs import corti_token

pytestmark = pytest.mark.postgres

VISIT_AUDIO = (Path(__file__).parents[1] / "data" / "audio" / "knee_visit.ogg").read_bytes()
DEADLINE_SECONDS = 400.0  # a deadline: far more than the run takes on an idle machine


async def poll(check: Any, what: str, *, every: float = 0.1) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    while loop.time() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


async def start_transcript(client: httpx.AsyncClient) -> str:
    body = {
        "encounter": {"identifier": "enc-kill", "status": "planned", "type": "first_consultation"}
    }
    interaction = (await client.post("/v2/interactions/", json=body)).json()["id"]
    upload = await client.post(
        f"/v2/interactions/{interaction}/recordings/",
        content=VISIT_AUDIO,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 201, upload.text
    created = await client.post(
        f"/v2/interactions/{interaction}/transcripts/",
        json={"recordingId": upload.json()["recordingId"], "primaryLanguage": "en", "async": True},
    )
    assert created.status_code == 202, created.text
    return f"/v2/interactions/{interaction}/transcripts/{created.json()['id']}"


async def transcribe_job(sessions: async_sessionmaker[AsyncSession], tenant: str) -> Job | None:
    async with sessions() as session:
        tenant_id = select(Tenant.id).where(Tenant.name == tenant).scalar_subquery()
        job: Job | None = await session.scalar(
            select(Job).where(Job.tenant_id == tenant_id, Job.kind == "transcribe")
        )
        return job


async def test_worker_killed_mid_transcription_completes_once_on_another(
    cluster: Cluster, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # A worker silent for 2 s is dead, by its job heartbeats and by procrastinate's.
    cluster.env |= {
        "SCRIBE_JOBS__STALE_AFTER_SECONDS": "2",
        "SCRIBE_JOBS__RECOVERY_INTERVAL_SECONDS": "0.5",
    }
    api, first = cluster.serve("api"), cluster.worker("worker-1", concurrency=1)
    await cluster.ready(api, first)
    token = await corti_token(api, cluster)
    headers = {"Authorization": f"Bearer {token}", "Tenant-Name": cluster.tenant}
    async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=60) as client:
        path = await start_transcript(client)
        job = await _kill_mid_transcription(sessions, cluster, first)

        second = cluster.worker("worker-2", concurrency=1)
        await cluster.ready(second)

        async def completed() -> bool:
            status = (await client.get(f"{path}/status")).json()["status"]
            assert status in ("processing", "completed"), status
            return bool(status == "completed")

        await poll(completed, "the transcript to complete on the second worker")
        transcript = (await client.get(path)).json()
    assert "knee" in " ".join(s["text"] for s in transcript["transcripts"]).lower()

    finished = await _assert_completed_once(sessions, job.id, len(transcript["transcripts"]))
    # The dead worker's task ("doing" for ever) is handed back or dropped, and runs to no effect.
    await poll(lambda: _queue_empty(sessions, cluster), "the queue to drain", every=0.5)
    again = await _assert_completed_once(sessions, job.id, len(transcript["transcripts"]))
    assert again.finished_at == finished.finished_at
    samples = await scrape(second.url)
    assert total(samples, "scribe_jobs_total", kind="transcribe", outcome="completed") == 1


async def _kill_mid_transcription(
    sessions: async_sessionmaker[AsyncSession], cluster: Cluster, worker: Process
) -> Job:
    """SIGKILL the worker once recognition is under way (the job row shows some progress)."""

    async def recognising() -> Job | None:
        job = await transcribe_job(sessions, cluster.tenant)
        assert job is None or job.status != COMPLETED, "finished before the kill"
        return job if job is not None and job.status == RUNNING and job.progress > 0 else None

    await poll(recognising, "the first worker to start recognising", every=0.05)
    worker.kill()
    killed = await transcribe_job(sessions, cluster.tenant)
    assert killed is not None
    assert (killed.status, killed.attempts) == (RUNNING, 1), "finished before the kill"
    assert 0 < killed.progress < 1
    return killed


async def _assert_completed_once(
    sessions: async_sessionmaker[AsyncSession], job_id: str, segments: int
) -> Job:
    async with sessions() as session:
        job = await session.get_one(Job, job_id)
        audits = Counter(
            await session.scalars(
                select(AuditRecord.outcome).where(
                    AuditRecord.action == "job:transcribe",
                    AuditRecord.resource_ids["job_id"].as_string() == job_id,
                )
            )
        )
        transcript_id = job.input["transcript_id"]
        status = await session.scalar(
            select(Transcript.status).where(Transcript.id == transcript_id)
        )
        count, distinct = (
            await session.execute(
                select(func.count(), func.count(func.distinct(TranscriptSegment.position))).where(
                    TranscriptSegment.transcript_id == transcript_id
                )
            )
        ).one()
    assert (job.status, job.attempts) == (COMPLETED, 2)
    assert audits == {"completed": 1}
    assert status == "completed"
    assert job.result is not None
    assert count == distinct == segments == job.result["segments"]
    return job


async def _queue_empty(sessions: async_sessionmaker[AsyncSession], cluster: Cluster) -> bool:
    async with sessions() as session:
        left = await session.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE queue_name = :queue"),
            {"queue": cluster.env["SCRIBE_JOBS__QUEUE_NAME"]},
        )
    return bool(left == 0)
