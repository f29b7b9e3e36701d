"""Two `scribe serve` and two `scribe worker` processes on one PostgreSQL database: 50 mixed jobs
(Corti transcripts, Nabla listen_async, Omniloy runs) sent over real HTTP to both APIs, each
step of a job on alternating APIs, all complete exactly once.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scribe.auth.models import AuditRecord, Tenant
from scribe.jobs.models import COMPLETED, Job
from scribe.notes.models import Note
from scribe.transcripts.models import Transcript, TranscriptSegment
from tests.local_http import LocalServer
from tests.multiprocess.conftest import Cluster, Process, scrape, total

pytestmark = pytest.mark.postgres

AUDIO = Path(__file__).parents[1] / "data" / "audio"
CLIP = (AUDIO / "clip.mono.wav").read_bytes()
VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()
NABLA = "/v1/copilot-api/server"
CORTI_JOBS, NABLA_JOBS, OMNILOY_JOBS = 15, 15, 20
# Deadlines only: the run takes a fraction of this unless the machine is starved of CPU.
DEADLINE_SECONDS = 400.0


class Far:
    """The third parties' side: the audio Nabla requests name, and their callback receivers."""

    def __init__(self) -> None:
        self.received: dict[str, list[bytes]] = defaultdict(list)
        self.server = LocalServer(
            [
                Route("/clip.wav", self.clip),
                Route("/hooks/{name}", self.hook, methods=["POST"]),
            ]
        )

    async def clip(self, request: Request) -> Response:
        return Response(CLIP, media_type="audio/x-wav")

    async def hook(self, request: Request) -> Response:
        self.received[request.path_params["name"]].append(await request.body())
        return Response(status_code=200)


async def until(check: Any, what: str) -> Any:
    """Poll an async check until it returns something truthy (a hung job fails, not hangs)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    while loop.time() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def client(api: Process, headers: dict[str, str]) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends: otherwise a request
    # may go out on a connection the server is closing at that moment (a ReadError).
    limits = httpx.Limits(keepalive_expiry=2.0)
    return httpx.AsyncClient(
        base_url=api.url, headers=headers, timeout=DEADLINE_SECONDS + 30, limits=limits
    )


class Scenario:
    def __init__(self, cluster: Cluster, apis: list[Process], far: Far, token: str) -> None:
        self.cluster, self.far = cluster, far
        corti = {"Authorization": f"Bearer {token}", "Tenant-Name": cluster.tenant}
        bearer = {"Authorization": f"Bearer {cluster.api_key}", "x-doctor": "dr_cluster"}
        self.corti = [client(api, corti) for api in apis]
        self.plain = [client(api, bearer) for api in apis]

    async def aclose(self) -> None:
        for client in (*self.corti, *self.plain):
            await client.aclose()

    async def corti_transcript(self, n: int) -> str:
        first, other = self.corti[n % 2], self.corti[(n + 1) % 2]
        body = {
            "encounter": {
                "identifier": f"enc-{n}",
                "status": "planned",
                "type": "first_consultation",
            }
        }
        interaction = (await first.post("/v2/interactions/", json=body)).json()["id"]
        upload = await other.post(
            f"/v2/interactions/{interaction}/recordings/",
            content=CLIP,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert upload.status_code == 201, upload.text
        created = await first.post(
            f"/v2/interactions/{interaction}/transcripts/",
            json={
                "recordingId": upload.json()["recordingId"],
                "primaryLanguage": "en",
                "async": True,
            },
        )
        assert created.status_code == 202, created.text
        path = f"/v2/interactions/{interaction}/transcripts/{created.json()['id']}"

        async def done() -> bool:
            response = await other.get(f"{path}/status")
            assert response.status_code == 200, response.text
            assert response.json()["status"] in ("processing", "completed"), response.text
            return bool(response.json()["status"] == "completed")

        await until(done, f"corti transcript {n}")
        transcript = (await first.get(path)).json()
        assert "thompson" in " ".join(s["text"] for s in transcript["transcripts"]).lower()
        return str(created.json()["id"])

    async def nabla_listen(self, n: int) -> str:
        hook = uuid.uuid4().hex
        response = await self.plain[n % 2].post(
            f"{NABLA}/listen_async",
            json={
                "file_url": self.far.server.url("/clip.wav"),
                "callback_url": self.far.server.url(f"/hooks/{hook}"),
                "output_objects": ["transcript_item"],
                "language": "en-US",
            },
        )
        assert response.status_code == 200, response.text
        request_id = response.json()["request_id"]

        async def answered() -> bool:
            return bool(self.far.received[hook])

        await until(answered, f"nabla callback {n}")
        state = await self.plain[(n + 1) % 2].get(f"{NABLA}/listen_async/{request_id}")
        assert state.json()["status"] == "succeeded", state.text
        callback = json.loads(self.far.received[hook][0])
        assert callback["id"] == request_id
        assert "thompson" in " ".join(i["text"] for i in callback["transcript"]).lower()
        return hook

    async def omniloy_run(self, n: int) -> str:
        first, other = self.plain[n % 2], self.plain[(n + 1) % 2]
        thread = (await first.post("/v1/lang-graph/threads")).json()["thread_id"]
        run = await other.post(
            f"/v1/lang-graph/threads/{thread}/runs",
            json={
                "input": {"messages": [{"role": "user", "content": VISIT}]},
                "config": {"configurable": {"thread_id": thread}},
            },
        )
        assert run.status_code == 201, run.text
        joined = await first.get(
            f"/v1/lang-graph/threads/{thread}/runs/{run.json()['run_id']}/join",
            params={"timeout": DEADLINE_SECONDS},
        )
        assert joined.status_code == 200, joined.text
        assert joined.json()["status"] == "completed", joined.text
        assessment = joined.json()["clinical_note"]["ai_generated_content"]["assessment"]
        assert "sprain" in assessment.lower()
        return str(thread)


async def corti_token(api: Process, cluster: Cluster) -> str:
    async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
        response = await client.post(
            f"/realms/{cluster.tenant}/protocol/openid-connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": cluster.client_id,
                "client_secret": cluster.api_key,
            },
        )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_fifty_mixed_jobs_over_two_apis_and_two_workers_complete_once(
    cluster: Cluster, sessions: async_sessionmaker[AsyncSession]
) -> None:
    apis = [cluster.serve("api-a"), cluster.serve("api-b")]
    workers = [cluster.worker("worker-a"), cluster.worker("worker-b")]
    await cluster.ready(*apis, *workers)
    far = Far()
    far.server.start()
    scenario = Scenario(cluster, apis, far, await corti_token(apis[0], cluster))
    try:
        done = await asyncio.gather(
            *(scenario.corti_transcript(n) for n in range(CORTI_JOBS)),
            *(scenario.nabla_listen(n) for n in range(NABLA_JOBS)),
            *(scenario.omniloy_run(n) for n in range(OMNILOY_JOBS)),
        )
        hooks = done[CORTI_JOBS : CORTI_JOBS + NABLA_JOBS]
        threads = done[CORTI_JOBS + NABLA_JOBS :]
        jobs = await _assert_each_job_completed_once(sessions, cluster.tenant)
        await _assert_nothing_duplicated(sessions, done[:CORTI_JOBS], threads)
        assert {hook: len(far.received[hook]) for hook in hooks} == dict.fromkeys(hooks, 1)
        await _assert_metrics(apis, workers, jobs)
    finally:
        await scenario.aclose()
        far.server.stop()


async def _assert_each_job_completed_once(
    sessions: async_sessionmaker[AsyncSession], tenant: str
) -> list[Job]:
    async with sessions() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.name == tenant))
        jobs = list(await session.scalars(select(Job).where(Job.tenant_id == tenant_id)))
        audits = list(
            await session.scalars(
                select(AuditRecord).where(
                    AuditRecord.tenant_id == tenant_id, AuditRecord.action.startswith("job:")
                )
            )
        )
    kinds = Counter(job.kind for job in jobs)
    # A listen_async answer is one job, and its callback a webhook_delivery job of its own.
    assert kinds == {
        "transcribe": CORTI_JOBS,
        "nabla_listen": NABLA_JOBS,
        "webhook_delivery": NABLA_JOBS,
        "agent_run": OMNILOY_JOBS,
    }
    assert {(job.status, job.attempts) for job in jobs} == {(COMPLETED, 1)}
    outcomes = Counter((a.resource_ids["job_id"], a.outcome) for a in audits)
    assert outcomes == {(job.id, "completed"): 1 for job in jobs}
    return jobs


async def _assert_nothing_duplicated(
    sessions: async_sessionmaker[AsyncSession], transcripts: list[str], threads: list[str]
) -> None:
    async with sessions() as session:
        positions = await session.execute(
            select(
                TranscriptSegment.transcript_id,
                func.count(),
                func.count(func.distinct(TranscriptSegment.position)),
            )
            .where(TranscriptSegment.transcript_id.in_(transcripts))
            .group_by(TranscriptSegment.transcript_id)
        )
        rows = {transcript: (count, distinct) for transcript, count, distinct in positions}
        statuses = set(
            await session.scalars(select(Transcript.status).where(Transcript.id.in_(transcripts)))
        )
        notes = Counter(
            await session.scalars(select(Note.thread_id).where(Note.thread_id.in_(threads)))
        )
    assert set(rows) == set(transcripts)
    assert all(count == distinct > 0 for count, distinct in rows.values()), rows
    assert statuses == {"completed"}
    assert notes == dict.fromkeys(threads, 1)


async def _assert_metrics(apis: list[Process], workers: list[Process], jobs: list[Job]) -> None:
    """Each process's own metrics: the APIs count requests, the workers the jobs they ran."""
    for api in apis:
        samples = await scrape(api.url)
        assert total(samples, "scribe_http_requests_total", status="201") > 0
        assert total(samples, "scribe_jobs_total") == 0  # the APIs run no job
    ran = [await scrape(worker.url) for worker in workers]
    for samples in ran:
        assert total(samples, "scribe_jobs_total", outcome="completed") > 0, "a worker sat idle"
        assert total(samples, "scribe_jobs_total", outcome="failed") == 0
    expected = Counter(job.kind for job in jobs)
    for kind, count in expected.items():
        assert sum(total(s, "scribe_jobs_total", kind=kind) for s in ran) == count
        assert sum(total(s, "scribe_job_duration_seconds_count", kind=kind) for s in ran) == count
    # Each recognition records the recogniser's real-time factor: Corti's and Nabla's.
    rtf = sum(total(s, "scribe_asr_real_time_factor_count") for s in ran)
    assert rtf == CORTI_JOBS + NABLA_JOBS
