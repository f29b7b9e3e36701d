"""Callbacks are signed, POSTed through the outbound policy, retried with backoff, all recorded."""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
from scribe.jobs import service as job_service
from scribe.jobs.models import COMPLETED, QUEUED, Job
from scribe.main import create_app
from scribe.runtime import Runtime
from scribe.webhooks import service
from scribe.webhooks.models import DELIVERED, FAILED, PENDING, WebhookAttempt, WebhookDelivery
from scribe.webhooks.signing import verify
from tests.conftest import make_settings
from tests.outbound.local_server import LocalServer, free_port

PAYLOAD = {"id": "98FCE1EF", "client_request_id": "7f0c", "note": {"title": "Céphalée"}}


@dataclass
class Receiver:
    """The tenant's callback endpoint: checks the signature, answers as scripted."""

    secret: str = ""
    script: deque[int] = field(default_factory=deque)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append((headers, body))
        if not verify(self.secret, body, headers.get("x-scribe-signature", "")):
            return Response(status_code=401)
        return Response(status_code=self.script.popleft() if self.script else 200)


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[LocalServer, Receiver]]:
    state = Receiver()
    server = LocalServer([Route("/hook", state.handle, methods=["POST"])])
    server.start()
    yield server, state
    server.stop()


@pytest.fixture(scope="module")
def hook_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    assert settings.database_url is not None
    # A queue of its own, so the suite's shared app does not run these jobs.
    base = make_settings(
        settings.database_url,
        tmp_path_factory.mktemp("hooks"),
        queue_name=f"hooks-{uuid.uuid4().hex[:8]}",
    )
    retries = WebhookSettings(
        max_attempts=3, first_retry_seconds=0.05, backoff_factor=2, timeout_seconds=2
    )
    return base.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"], "webhooks": retries})


@pytest.fixture(scope="module")
async def hooks(hook_settings: Settings) -> AsyncIterator[Runtime]:
    app: FastAPI = create_app(hook_settings, run_jobs=True)
    async with app.router.lifespan_context(app):
        yield app.state.runtime


@pytest.fixture
def target(receiver: tuple[LocalServer, Receiver]) -> tuple[str, Receiver]:
    server, state = receiver
    state.script.clear()
    state.received.clear()
    return server.url("/hook"), state


async def new_tenant(runtime: Runtime) -> tuple[str, str]:
    async with runtime.sessionmaker() as session:
        tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:10]}")
        secret = await service.get_or_create_secret(session, tenant.id)
        await session.commit()
    return tenant.id, secret.secret


async def send(runtime: Runtime, tenant_id: str, url: str) -> str:
    async with runtime.sessionmaker() as session:
        delivery = await service.enqueue_delivery(session, tenant_id, url, PAYLOAD, "test")
        await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
    return delivery.id


async def settled(runtime: Runtime, tenant_id: str, delivery_id: str) -> WebhookDelivery:
    for _ in range(1200):
        async with runtime.sessionmaker() as session:
            delivery = await service.get_delivery(session, tenant_id, delivery_id)
        if delivery.status != PENDING:
            return delivery
        await asyncio.sleep(0.05)
    pytest.fail("delivery did not settle")


async def attempts(runtime: Runtime, delivery_id: str) -> list[WebhookAttempt]:
    async with runtime.sessionmaker() as session:
        return await service.attempts_of(session, delivery_id)


async def jobs_of(runtime: Runtime, tenant_id: str) -> list[Job]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(Job).where(Job.tenant_id == tenant_id, Job.kind == service.DELIVER)
        )
        return list(rows)


class TestDelivery:
    async def test_a_signed_callback_is_delivered_once(
        self, hooks: Runtime, target: tuple[str, Receiver]
    ) -> None:
        url, receiver = target
        tenant_id, receiver.secret = await new_tenant(hooks)
        delivery_id = await send(hooks, tenant_id, url)
        delivery = await settled(hooks, tenant_id, delivery_id)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            DELIVERED,
            1,
            200,
        )
        assert delivery.delivered_at is not None
        [(headers, body)] = receiver.received
        assert headers["x-scribe-delivery-id"] == delivery_id
        assert headers["content-type"] == "application/json"
        assert body == service.serialise(PAYLOAD).encode()
        [attempt] = await attempts(hooks, delivery_id)
        assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, None)

    async def test_server_errors_are_retried_until_accepted(
        self, hooks: Runtime, target: tuple[str, Receiver]
    ) -> None:
        url, receiver = target
        tenant_id, receiver.secret = await new_tenant(hooks)
        receiver.script.extend([500, 500])
        delivery_id = await send(hooks, tenant_id, url)
        delivery = await settled(hooks, tenant_id, delivery_id)
        assert (delivery.status, delivery.attempts) == (DELIVERED, 3)
        tries = await attempts(hooks, delivery_id)
        assert [(a.number, a.status_code) for a in tries] == [(1, 500), (2, 500), (3, 200)]
        assert tries[0].error == "The receiver answered 500"
        bodies = {body for _, body in receiver.received}
        ids = {headers["x-scribe-delivery-id"] for headers, _ in receiver.received}
        assert (len(receiver.received), len(bodies), ids) == (3, 1, {delivery_id})

    async def test_a_receiver_that_stays_down_fails_after_max_attempts(
        self, hooks: Runtime
    ) -> None:
        tenant_id, _ = await new_tenant(hooks)
        url = f"http://127.0.0.1:{free_port()}/hook"
        delivery_id = await send(hooks, tenant_id, url)
        delivery = await settled(hooks, tenant_id, delivery_id)
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (FAILED, 3, None)
        tries = await attempts(hooks, delivery_id)
        assert [a.number for a in tries] == [1, 2, 3]
        assert all(
            a.status_code is None and "could not be reached" in (a.error or "") for a in tries
        )
        assert len(await jobs_of(hooks, tenant_id)) == 3

    @pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "[::1]"])
    async def test_a_private_callback_fails_at_once_without_retries(
        self, hooks: Runtime, host: str
    ) -> None:
        tenant_id, _ = await new_tenant(hooks)
        delivery_id = await send(hooks, tenant_id, f"http://{host}/hook")
        delivery = await settled(hooks, tenant_id, delivery_id)
        assert (delivery.status, delivery.attempts) == (FAILED, 1)
        [attempt] = await attempts(hooks, delivery_id)
        assert attempt.status_code is None
        assert "address" in (attempt.error or "")
        assert len(await jobs_of(hooks, tenant_id)) == 1

    async def test_after_rotation_only_the_new_secret_verifies(
        self, hooks: Runtime, target: tuple[str, Receiver]
    ) -> None:
        url, receiver = target
        tenant_id, old = await new_tenant(hooks)
        async with hooks.sessionmaker() as session:
            new = (await service.rotate_secret(session, tenant_id)).secret
            await session.commit()
        receiver.secret = new
        delivery = await settled(hooks, tenant_id, await send(hooks, tenant_id, url))
        assert delivery.status == DELIVERED
        [(headers, body)] = receiver.received
        assert new != old
        assert not verify(old, body, headers["x-scribe-signature"])


class TestScheduledJobs:
    async def test_a_job_runs_only_once_its_run_after_has_come(self, hooks: Runtime) -> None:
        tenant_id, _ = await new_tenant(hooks)
        async with hooks.sessionmaker() as session:
            delivery = await service.enqueue_delivery(
                session, tenant_id, "http://10.0.0.1/", PAYLOAD, "test"
            )
            # Committed but not handed to the queue: the test hands it to the runner itself.
            await session.commit()
        [job] = await jobs_of(hooks, tenant_id)
        await set_run_after(hooks, job.id, utcnow() + timedelta(hours=1))
        await runner.execute(hooks, job.id)
        assert (await job_row(hooks, job.id)).status == QUEUED

        await set_run_after(hooks, job.id, utcnow())
        await runner.execute(hooks, job.id)
        assert (await job_row(hooks, job.id)).status == COMPLETED
        assert (await settled(hooks, tenant_id, delivery.id)).status == FAILED


async def set_run_after(runtime: Runtime, job_id: str, when: datetime) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(update(Job).where(Job.id == job_id).values(run_after=when))
        await session.commit()


async def job_row(runtime: Runtime, job_id: str) -> Job:
    async with runtime.sessionmaker() as session:
        return await session.get_one(Job, job_id)
