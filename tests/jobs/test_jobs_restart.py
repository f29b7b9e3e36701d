"""Jobs outlive the process that queued them, and run exactly once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from scribe.config import Settings
from scribe.db import utcnow
from scribe.jobs.models import COMPLETED, QUEUED, RUNNING, Job
from scribe.main import create_app
from scribe.notes.models import Note
from scribe.runtime import Runtime
from tests.conftest import client_for, make_settings, new_key

VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()


def restart_settings(settings: Settings, tmp_path: Path, **jobs: object) -> Settings:
    # A queue of its own, so the suite's long-running app does not pick these jobs up.
    assert settings.database_url is not None
    return make_settings(
        settings.database_url, tmp_path, queue_name=f"restart-{uuid.uuid4().hex[:8]}", **jobs
    )


async def queue_extraction(app: FastAPI, api_key: str) -> tuple[str, str]:
    async with client_for(app, api_key, **{"x-doctor": "dr_restart"}) as client:
        thread = (await client.post("/v1/lang-graph/threads")).json()["thread_id"]
        response = await client.post(
            f"/v1/lang-graph/threads/{thread}/runs",
            json={
                "input": {"messages": [{"role": "user", "content": VISIT}]},
                "config": {"configurable": {"thread_id": thread}},
            },
        )
        assert response.status_code == 201
        return thread, response.json()["run_id"]


async def join(app: FastAPI, api_key: str, thread: str, run: str) -> httpx.Response:
    async with client_for(app, api_key, **{"x-doctor": "dr_restart"}) as client:
        return await client.get(f"/v1/lang-graph/threads/{thread}/runs/{run}/join?timeout=30")


async def job_of(runtime: Runtime, run_id: str) -> Job:
    from scribe.threads.models import Run

    async with runtime.sessionmaker() as session:
        job_id = await session.scalar(select(Run.job_id).where(Run.id == run_id))
        return await session.get_one(Job, job_id)


class TestRunSurvivesRestart:
    async def test_queued_run_completes_after_restart(
        self, settings: Settings, runtime: Runtime, tmp_path: Path
    ) -> None:
        key = (await new_key(runtime)).api_key
        restart = restart_settings(settings, tmp_path)
        before = create_app(restart, run_jobs=False)
        async with before.router.lifespan_context(before):
            thread, run = await queue_extraction(before, key)
        assert (await job_of(runtime, run)).status == QUEUED

        after = create_app(restart, run_jobs=True)
        async with after.router.lifespan_context(after):
            response = await join(after, key, thread, run)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "completed"
        assert "sprain" in body["clinical_note"]["ai_generated_content"]["assessment"].lower()

    async def test_run_interrupted_mid_execution_runs_again_once(
        self, settings: Settings, runtime: Runtime, tmp_path: Path
    ) -> None:
        key = (await new_key(runtime)).api_key
        restart = restart_settings(settings, tmp_path, stale_after_seconds=1.0)
        before = create_app(restart, run_jobs=False)
        async with before.router.lifespan_context(before):
            thread, run = await queue_extraction(before, key)
        job = await job_of(runtime, run)
        # What a worker killed mid-run leaves behind: running, one attempt, an old heartbeat.
        async with runtime.sessionmaker() as session:
            await session.execute(
                update(Job)
                .where(Job.id == job.id)
                .values(status=RUNNING, attempts=1, heartbeat_at=utcnow() - timedelta(minutes=5))
            )
            await session.commit()

        after = create_app(restart, run_jobs=True)
        async with after.router.lifespan_context(after):
            response = await join(after, key, thread, run)
        assert response.json()["status"] == "completed"
        finished = await job_of(runtime, run)
        assert finished.status == COMPLETED
        assert finished.attempts == 2
        async with runtime.sessionmaker() as session:
            notes = await session.scalar(
                select(func.count()).select_from(Note).where(Note.thread_id == thread)
            )
        assert notes == 1


class TestJobExecution:
    async def test_completed_job_is_not_run_again(self, runtime: Runtime, app: FastAPI) -> None:
        from scribe.jobs import runner

        key = (await new_key(runtime)).api_key
        thread, run = await queue_extraction(app, key)
        assert (await join(app, key, thread, run)).json()["status"] == "completed"
        job = await job_of(runtime, run)
        await runner.execute(runtime, job.id)
        again = await job_of(runtime, run)
        assert again.attempts == job.attempts
        assert again.finished_at == job.finished_at

    async def test_failure_is_recorded_with_a_reason(self, runtime: Runtime, app: FastAPI) -> None:
        key = (await new_key(runtime)).api_key
        async with client_for(app, key, **{"x-doctor": "dr_fail"}) as client:
            thread = (await client.post("/v1/lang-graph/threads")).json()["thread_id"]
            run = (
                await client.post(
                    f"/v1/lang-graph/threads/{thread}/runs",
                    json={
                        "input": {"messages": [{"role": "user", "content": "hello"}]},
                        "config": {"configurable": {"thread_id": thread}},
                    },
                )
            ).json()["run_id"]
        body = (await join(app, key, thread, run)).json()
        assert body["status"] == "failed"
        assert body["error"]["code"] == "transcript_too_short"
        job = await job_of(runtime, run)
        assert job.error_code == "transcript_too_short"
        assert job.error_message
        assert job.finished_at is not None


@pytest.mark.parametrize("attempts", [3])
async def test_job_interrupted_too_often_fails(
    runtime: Runtime, app: FastAPI, attempts: int
) -> None:
    from scribe.jobs import runner

    key = (await new_key(runtime)).api_key
    thread, run = await queue_extraction(app, key)
    await join(app, key, thread, run)
    job = await job_of(runtime, run)
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(status=RUNNING, attempts=attempts, heartbeat_at=utcnow() - timedelta(hours=1))
        )
        await session.commit()
    await runner.execute(runtime, job.id)
    failed = await job_of(runtime, run)
    assert failed.status == "failed"
    assert failed.error_code == "too_many_attempts"
