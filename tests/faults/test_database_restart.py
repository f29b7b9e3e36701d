"""The database restarting under load: every dialect answers 503 in its shape, then recovers.

PostgreSQL is reached through a TCP proxy (the server is shared, so it is never stopped): the
proxy drops every connection and refuses new ones for the outage, then accepts again, and the
same app must serve without a restart and without losing what it stored before.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from scribe.auth import service as auth_service
from scribe.config import Settings
from scribe.jobs import service as job_service
from scribe.jobs.runner import REGISTRY, JobContext
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.api.clinia.conftest import load_bundle
from tests.api.corti.conftest import encounter
from tests.api.corti.conftest import login as corti_login
from tests.api.invox.conftest import NOTE_FROM_SUMMARY, SUMMARY, template
from tests.api.invox.conftest import login as invox_login
from tests.conftest import client_for, make_settings, new_key
from tests.faults.proxy import TcpProxy
from tests.jobs.test_jobs_restart import join, queue_extraction

# The production kinds and this module's own, for its own app only.
KINDS = REGISTRY.copy()

# A request in the outage must be answered within this, never hang on a dead connection.
OUTAGE_BOUND = 10.0
RECOVERY_BOUND = 10.0
NABLA = "/v1/copilot-api/server"
DIGEST_ITEMS = [
    {"text": "My right knee has hurt for three days.", "speaker": "patient"},
    {"text": "Any fever? No fever. Take ibuprofen 400 mg twice a day.", "speaker": "doctor"},
]


@dataclass(frozen=True)
class Probe:
    """One authenticated request of a dialect, what it answers when up, and its 503 shape."""

    name: str
    client: httpx.AsyncClient
    method: str
    path: str
    ok: int
    shape: Callable[[dict[str, Any]], bool]
    body: dict[str, Any] | None = None

    async def send(self) -> httpx.Response:
        return await self.client.request(self.method, self.path, json=self.body)


def omniloy_503(body: dict[str, Any]) -> bool:
    return body == {**body, "statusCode": 503, "error": "Service Unavailable"} and len(body) == 3


def corti_503(body: dict[str, Any]) -> bool:
    keys = {"requestid", "type", "status", "title", "detail"}
    return set(body) == keys and body["status"] == 503 and "#A00" in body["type"]


def nabla_503(body: dict[str, Any]) -> bool:
    return set(body) == {"code", "message"} and body["code"] == 503


def clinia_503(body: dict[str, Any]) -> bool:
    return set(body) == {"status", "code", "message"} and body["status"] == 503


def invox_503(body: dict[str, Any]) -> bool:
    return set(body) == {"messsage", "message", "errorType"} and (
        body["errorType"] == "serviceUnavailable"
    )


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    with TcpProxy("127.0.0.1", 5432) as running:
        yield running


@pytest.fixture
async def proxied_app(
    backend: str, settings: Settings, proxy: TcpProxy, tmp_path: Path
) -> AsyncIterator[FastAPI]:
    assert settings.database_url is not None
    url = make_url(settings.database_url).set(host="127.0.0.1", port=proxy.port)
    built = make_settings(
        url.render_as_string(hide_password=False),
        tmp_path,
        queue_name=f"faults-{uuid.uuid4().hex[:8]}",
        # A job whose commit the outage broke is taken up again soon after (its runner is alive
        # but could record nothing, so its heartbeat goes stale).
        stale_after_seconds=2.0,
    )
    app = create_app(built, jobs=KINDS)
    async with app.router.lifespan_context(app):
        yield app


async def _probes(app: FastAPI, clients: list[httpx.AsyncClient]) -> dict[str, Probe]:
    runtime: Runtime = app.state.runtime
    key = await new_key(runtime)

    def opened(client: httpx.AsyncClient) -> httpx.AsyncClient:
        clients.append(client)
        return client

    omniloy = opened(client_for(app, key.api_key, **{"x-doctor": "dr_fault"}))
    note = (await omniloy.post("/v1/clinical-notes", json={})).json()
    async with client_for(app, None) as anonymous:
        corti_token = await corti_login(anonymous, key)
        invox_token = await invox_login(anonymous, key)
    corti = opened(client_for(app, corti_token, **{"Tenant-Name": key.tenant_name}))
    interaction = (await corti.post("/v2/interactions/", json={"encounter": encounter()})).json()
    clinia = opened(client_for(app, None, **{"X-Clinia-API-Key": key.api_key}))
    invox = opened(client_for(app, invox_token))
    patient = f"p-{uuid.uuid4().hex[:8]}"
    probes = [
        Probe("omniloy read", omniloy, "GET", f"/v1/clinical-notes/{note['id']}", 200, omniloy_503),
        Probe("omniloy write", omniloy, "POST", "/v1/clinical-notes", 201, omniloy_503, {}),
        Probe(
            "corti read",
            corti,
            "GET",
            f"/v2/interactions/{interaction['interactionId']}",
            200,
            corti_503,
        ),
        Probe(
            "corti write",
            corti,
            "POST",
            "/v2/interactions/",
            201,
            corti_503,
            {"encounter": encounter()},
        ),
        Probe(
            "nabla read",
            omniloy,
            "GET",
            f"{NABLA}/listen_async/{uuid.uuid4()}",
            404,
            nabla_503,
        ),
        Probe(
            "nabla write",
            omniloy,
            "POST",
            f"{NABLA}/digest",
            200,
            nabla_503,
            {"language": "en-US", "transcript_items": DIGEST_ITEMS},
        ),
        Probe(
            "clinia read", clinia, "GET", f"/ai/v1/summaries?patientId={patient}", 200, clinia_503
        ),
        Probe(
            "clinia write",
            clinia,
            "POST",
            "/ai/v1/ingest",
            202,
            clinia_503,
            {"patientId": patient, "bundle": load_bundle()},
        ),
        Probe(
            "invox write",
            invox,
            "POST",
            NOTE_FROM_SUMMARY,
            200,
            invox_503,
            {"summary": SUMMARY, "template": template()},
        ),
    ]
    return {probe.name: probe for probe in probes}


async def _answers(probes: dict[str, Probe]) -> dict[str, httpx.Response]:
    async def bounded(probe: Probe) -> httpx.Response:
        return await asyncio.wait_for(probe.send(), OUTAGE_BOUND)

    responses = await asyncio.gather(*(bounded(p) for p in probes.values()))
    return dict(zip(probes, responses, strict=True))


def _assert_up(probes: dict[str, Probe], answers: dict[str, httpx.Response]) -> None:
    for name, response in answers.items():
        assert response.status_code == probes[name].ok, (name, response.text)


def _assert_unavailable(probes: dict[str, Probe], answers: dict[str, httpx.Response]) -> None:
    for name, response in answers.items():
        assert response.status_code == 503, (name, response.text)
        assert probes[name].shape(response.json()), (name, response.text)
        assert int(response.headers["retry-after"]) > 0, name


async def _until_up(probes: dict[str, Probe]) -> float:
    """Seconds until every probe answers as it did before the outage."""
    started = time.monotonic()
    while True:
        answers = await _answers(probes)
        if all(answers[name].status_code == probes[name].ok for name in probes):
            return time.monotonic() - started
        failing = {n: r.status_code for n, r in answers.items() if r.status_code != probes[n].ok}
        assert set(failing.values()) <= {503}, failing
        assert time.monotonic() - started < RECOVERY_BOUND, failing
        await asyncio.sleep(0.2)


# The outage is a PostgreSQL server going away, simulated by the proxy in front of it.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
class TestDatabaseRestart:
    async def test_outage_is_503_and_the_same_app_recovers(
        self, proxied_app: FastAPI, proxy: TcpProxy
    ) -> None:
        clients: list[httpx.AsyncClient] = []
        try:
            probes = await _probes(proxied_app, clients)
            before = await _answers(probes)
            _assert_up(probes, before)
            async with client_for(proxied_app, None) as ops:
                assert (await ops.get("/readyz")).status_code == 200

                proxy.cut()
                _assert_unavailable(probes, await _answers(probes))
                ready = await ops.get("/readyz")
                assert ready.status_code == 503
                assert ready.json()["checks"]["database"].startswith("error")

                proxy.restore()
                await _until_up(probes)
                assert (await ops.get("/readyz")).status_code == 200

            # Nothing stored before the outage is lost, and the queue's worker runs again.
            note_id = before["omniloy write"].json()["id"]
            kept = await probes["omniloy read"].client.get(f"/v1/clinical-notes/{note_id}")
            assert kept.status_code == 200
            interaction_id = before["corti write"].json()["interactionId"]
            corti = probes["corti read"].client
            assert (await corti.get(f"/v2/interactions/{interaction_id}")).status_code == 200
        finally:
            for client in clients:
                await client.aclose()

    async def test_requests_in_flight_when_it_goes_down_fail_cleanly(
        self, proxied_app: FastAPI, proxy: TcpProxy
    ) -> None:
        clients: list[httpx.AsyncClient] = []
        try:
            probes = await _probes(proxied_app, clients)
            seen: list[tuple[str, httpx.Response]] = []
            stop = asyncio.Event()

            async def load(probe: Probe) -> None:
                while not stop.is_set():
                    response = await asyncio.wait_for(probe.send(), OUTAGE_BOUND)
                    seen.append((probe.name, response))

            # One loop per probe, so each sends one request at a time.
            workers = [asyncio.create_task(load(p)) for p in probes.values()]
            await asyncio.sleep(0.5)
            proxy.cut()
            await asyncio.sleep(1.0)
            proxy.restore()
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.gather(*workers)

            statuses = {response.status_code for _, response in seen}
            assert 503 in statuses, statuses
            for name, response in seen:
                assert response.status_code in (probes[name].ok, 503), (name, response.text)
                if response.status_code == 503:
                    assert probes[name].shape(response.json()), (name, response.text)
            await _until_up(probes)
        finally:
            for client in clients:
                await client.aclose()

    async def test_the_job_worker_runs_jobs_again_after_the_outage(
        self, proxied_app: FastAPI, proxy: TcpProxy
    ) -> None:
        # The outage hits a running job: its task's end cannot be recorded, and procrastinate's
        # worker stops. It must be started again, and the interrupted job run again.
        runtime: Runtime = proxied_app.state.runtime
        async with runtime.sessionmaker() as session:
            tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:8]}")
            slow = job_service.create_job(
                session, tenant_id=tenant.id, kind="test_fault_slow", payload={}
            )
            await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
        await _until(lambda: _status(runtime, slow.id), "running")
        proxy.cut()
        await asyncio.sleep(4.0)
        proxy.restore()
        assert await job_service.wait_until_finished(runtime.sessionmaker, slow.id, timeout=60)
        assert await _status(runtime, slow.id) == "completed"
        key = (await new_key(runtime)).api_key
        thread, run = await queue_extraction(proxied_app, key)
        joined = await join(proxied_app, key, thread, run)
        assert joined.status_code == 200, joined.text
        assert joined.json()["status"] == "completed"


@KINDS.handler("test_fault_slow")
async def _slow(ctx: JobContext) -> dict[str, Any]:
    await asyncio.sleep(2.0)
    return {}


async def _status(runtime: Runtime, job_id: str) -> str | None:
    async with runtime.sessionmaker() as session:
        return await job_service.get_status(session, job_id)


async def _until(read: Callable[[], Awaitable[str | None]], wanted: str) -> None:
    for _ in range(200):
        if await read() == wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never {wanted}")
