"""Rows as the services leave them, dated in the past by writing their timestamps directly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from scribe.async_requests.models import AsyncRequest
from scribe.auth import service as auth_service
from scribe.db import new_id, utcnow
from scribe.encounters.models import Encounter
from scribe.jobs.models import Job, JobStatus
from scribe.notes.models import Note
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript, TranscriptSegment
from scribe.webhooks import service as webhook_service
from scribe.webhooks.models import WebhookDelivery

AUDIO = b"RIFF" + bytes(2044)


def days_ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Audio:
    recording_id: str
    transcript_id: str
    path: Path


async def tenant(runtime: Runtime) -> tuple[str, str]:
    """A new tenant's (id, name)."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    async with runtime.sessionmaker() as session:
        row = await auth_service.get_or_create_tenant(session, name)
        await session.commit()
    return row.id, name


async def audio(
    runtime: Runtime,
    tenant_id: str,
    *,
    age_days: float,
    job: str | None = "completed",
    job_finished_days: float | None = None,
    transcript_status: str = "completed",
) -> Audio:
    """An encounter's recording (a file in blob storage) and the transcript a job made of it.

    ``job`` is the transcription job's status (None: no job); it finished ``job_finished_days``
    ago (default: a day after the upload) when completed or failed.
    """
    made = days_ago(age_days)
    recording_id = new_id()
    key = f"{tenant_id}/{recording_id}"
    path = runtime.blobs.path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(AUDIO)
    async with runtime.sessionmaker() as session:
        encounter = Encounter(tenant_id=tenant_id, created_at=made, updated_at=made)
        session.add(encounter)
        await session.flush()
        session.add(_recording(recording_id, tenant_id, encounter.id, key, made))
        await session.flush()
        transcript = Transcript(
            tenant_id=tenant_id,
            encounter_id=encounter.id,
            recording_id=recording_id,
            source="audio",
            status=transcript_status,
            text="the patient reports a cough",
            meta={"recording_id": recording_id},
            created_at=made,
            updated_at=made,
        )
        transcript.segments = [TranscriptSegment(position=0, text="the patient reports a cough")]
        session.add(transcript)
        await session.flush()
        if job is not None:
            finished = days_ago(
                job_finished_days if job_finished_days is not None else age_days - 1
            )
            session.add(_job(tenant_id, job, recording_id, transcript.id, finished))
        await session.commit()
    return Audio(recording_id, transcript.id, path)


def _recording(
    recording_id: str, tenant_id: str, encounter_id: str, key: str, made: datetime
) -> Recording:
    return Recording(
        id=recording_id,
        tenant_id=tenant_id,
        encounter_id=encounter_id,
        blob_key=key,
        size_bytes=len(AUDIO),
        sha256="0" * 64,
        channels=1,
        duration_ms=1000,
        created_at=made,
        updated_at=made,
    )


def _job(tenant_id: str, status: str, recording_id: str, transcript_id: str, at: datetime) -> Job:
    done = status in ("completed", "failed")
    # Unfinished jobs are fresh (queued now, or running with a live heartbeat), so the app's
    # recovery loop leaves them alone while the test runs.
    return Job(
        tenant_id=tenant_id,
        kind="transcribe",
        status=status,
        input={
            "transcript_id": transcript_id,
            "resource_ids": {"transcript_id": transcript_id, "recording_id": recording_id},
        },
        heartbeat_at=utcnow() if status == "running" else None,
        finished_at=at if done else None,
        created_at=at if done else utcnow(),
        updated_at=at if done else utcnow(),
    )


async def nabla_request(
    runtime: Runtime,
    tenant_id: str,
    recording_id: str,
    status: str,
    *,
    finished: datetime | None = None,
) -> str:
    """A Nabla listen_async request built on a recording (processing: not answered yet)."""
    done = status != "processing"
    request = AsyncRequest(
        tenant_id=tenant_id,
        kind="listen",
        status=status,
        recording_id=recording_id,
        finished_at=(finished or utcnow()) if done else None,
        # The stored callback body quotes the transcript, as Nabla's answers do.
        result={"id": "r", "transcript": [{"text": "knee pain"}]} if done else None,
    )
    async with runtime.sessionmaker() as session:
        session.add(request)
        await session.commit()
    return request.id


async def callback(runtime: Runtime, request_id: str, *, status: str) -> str:
    """The stored callback of a Nabla request: its body is the request's answer.

    Stored without a job to send it, so nothing tries the (unreachable) address.
    """
    async with runtime.sessionmaker() as session:
        request = await session.get_one(AsyncRequest, request_id)
        delivery = WebhookDelivery(
            id=new_id(),
            tenant_id=request.tenant_id,
            url="http://127.0.0.1:9/hook",
            kind="listen",
            body=webhook_service.serialise(request.result),
            status=status,
            next_attempt_at=utcnow() if status == "pending" else None,
        )
        session.add(delivery)
        request.delivery_id = delivery.id
        await session.commit()
    return delivery.id


async def note(runtime: Runtime, tenant_id: str, transcript_id: str) -> str:
    async with runtime.sessionmaker() as session:
        transcript = await session.get(Transcript, transcript_id)
        assert transcript is not None
        row = Note(
            tenant_id=tenant_id,
            encounter_id=transcript.encounter_id,
            transcript_id=transcript_id,
            template_key="SOAP",
        )
        session.add(row)
        await session.commit()
    return row.id


async def exists(runtime: Runtime, model: type[object], row_id: str) -> bool:
    async with runtime.sessionmaker() as session:
        return await session.get(model, row_id) is not None


async def finish_jobs(runtime: Runtime, tenant_id: str) -> None:
    """Mark a tenant's unfinished test jobs failed, so no recovery pass ever runs them."""
    async with runtime.sessionmaker() as session:
        for job in await session.scalars(
            select(Job).where(Job.tenant_id == tenant_id, Job.status.in_(("queued", "running")))
        ):
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
        await session.commit()


async def count(runtime: Runtime, model: type[object], tenant_id: str) -> int:
    async with runtime.sessionmaker() as session:
        column = model.tenant_id  # type: ignore[attr-defined]
        return int(await session.scalar(select(func.count()).where(column == tenant_id)) or 0)
