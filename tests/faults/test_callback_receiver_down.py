"""A callback receiver down for an hour: retried on the real schedule, delivered once, once up.

The clock is simulated rather than slept through: the app runs no worker of its own, and the
test plays the worker, moving each scheduled try's ``run_after`` to now before running the job
with the real runner. The receiver is down (503) while the simulated clock is under an hour.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scribe.auth import service as auth_service
from scribe.config import Settings, WebhookSettings
from scribe.db import utcnow
from scribe.jobs import runner
from scribe.jobs.models import QUEUED, Job
from scribe.main import create_app
from scribe.runtime import Runtime
from scribe.webhooks import service
from scribe.webhooks.models import DELIVERED
from scribe.webhooks.signing import verify
from tests.outbound.local_server import LocalServer

HOUR = 3600.0
# The default schedule's waits before tries 2 to 6: 30 s, 2 min, 8 min, 32 min, 2 h 8 min.
SCHEDULE = [30.0, 120.0, 480.0, 1920.0, 7680.0]


@dataclass
class Receiver:
    """Down (503) until the simulated clock reaches an hour; records every POST."""

    secret: str = ""
    simulated_seconds: float = 0.0
    received: list[tuple[float, dict[str, str], bytes]] = field(default_factory=list)

    async def handle(self, request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append((self.simulated_seconds, headers, await request.body()))
        return Response(status_code=503 if self.simulated_seconds < HOUR else 200)


@pytest.fixture
def receiver() -> Iterator[tuple[LocalServer, Receiver]]:
    state = Receiver()
    server = LocalServer([Route("/hook", state.handle, methods=["POST"])])
    server.start()
    yield server, state
    server.stop()


@pytest.fixture
async def runtime(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Runtime]:
    # The default retry schedule, and no worker: the test runs each try when its time comes.
    jobs = settings.jobs.model_copy(update={"queue_name": f"faults-hooks-{uuid.uuid4().hex[:8]}"})
    hooked = settings.model_copy(
        update={
            "outbound_allowed_hosts": ["127.0.0.1"],
            "webhooks": WebhookSettings(),
            "jobs": jobs,
            "data_dir": tmp_path_factory.mktemp("hooks-down"),
        }
    )
    app: FastAPI = create_app(hooked, run_jobs=False)
    async with app.router.lifespan_context(app):
        yield app.state.runtime


async def _due_job(runtime: Runtime, tenant_id: str) -> Job | None:
    async with runtime.sessionmaker() as session:
        found = await session.scalars(
            select(Job).where(
                Job.tenant_id == tenant_id, Job.kind == service.DELIVER, Job.status == QUEUED
            )
        )
        jobs = list(found)
    assert len(jobs) <= 1, "two tries of one delivery scheduled at once"
    return jobs[0] if jobs else None


async def _run_now(runtime: Runtime, job_id: str) -> None:
    """Play the clock forward to the try's time, then run it as a worker would."""
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(Job).where(Job.id == job_id).values(run_after=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    await runner.execute(runtime, job_id)


class TestReceiverDownForAnHour:
    async def test_delivered_once_when_it_comes_back(
        self, runtime: Runtime, receiver: tuple[LocalServer, Receiver]
    ) -> None:
        server, state = receiver
        async with runtime.sessionmaker() as session:
            tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:10]}")
            state.secret = (await service.get_or_create_secret(session, tenant.id)).secret
            delivery = await service.enqueue_delivery(
                session, tenant.id, server.url("/hook"), {"id": "r-1"}, "test"
            )
            await session.commit()
        waits: list[float] = []
        while (job := await _due_job(runtime, tenant.id)) is not None:
            if state.received:
                assert job.run_after is not None
                # The try is scheduled the schedule's wait after the previous one started.
                async with runtime.sessionmaker() as session:
                    previous = (await service.attempts_of(session, delivery.id))[-1]
                wait = (job.run_after - previous.started_at).total_seconds()
                waits.append(wait)
                state.simulated_seconds += wait
            await _run_now(runtime, job.id)
            assert len(waits) <= len(SCHEDULE), "still retrying after the receiver came back"

        assert waits == pytest.approx(SCHEDULE, abs=2.0)
        assert [seconds for seconds, _, _ in state.received] == pytest.approx(
            [0, 30, 150, 630, 2550, 10230], abs=10.0
        )
        async with runtime.sessionmaker() as session:
            settled = await service.get_delivery(session, tenant.id, delivery.id)
            tries = await service.attempts_of(session, delivery.id)
        assert (settled.status, settled.attempts, settled.last_status_code) == (DELIVERED, 6, 200)
        assert [(t.number, t.status_code) for t in tries] == [(n, 503) for n in range(1, 6)] + [
            (6, 200)
        ]
        # Exactly one POST reached the receiver while it was up, signed with the tenant's secret.
        _, headers, body = state.received[-1]
        assert sum(1 for seconds, _, _ in state.received if seconds >= HOUR) == 1
        assert verify(state.secret, body, headers["x-scribe-signature"])
        assert headers["x-scribe-delivery-id"] == delivery.id
        assert len({b for _, _, b in state.received}) == 1  # the same body every time

        # Running the last try again (a redelivered job) sends nothing more.
        async with runtime.sessionmaker() as session:
            last = await session.scalars(
                select(Job.id).where(Job.tenant_id == tenant.id, Job.kind == service.DELIVER)
            )
            job_ids = list(last)
        for job_id in job_ids:
            await runner.execute(runtime, job_id)
        assert len(state.received) == 6
