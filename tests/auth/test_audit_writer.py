"""Every authenticated request is audited: reads through the batched writer, writes in their
own transaction; the writer's rows survive shutdown and are written without waiting for it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select

from scribe.auth.audit_writer import AuditWriter
from scribe.auth.models import AuditRecord, Tenant
from scribe.auth.service import IssuedKey
from scribe.runtime import Runtime


async def tenant_id_of(runtime: Runtime, key: IssuedKey) -> str:
    async with runtime.sessionmaker() as session:
        found = await session.scalar(select(Tenant.id).where(Tenant.name == key.tenant_name))
    assert found is not None
    return found


async def records(runtime: Runtime, tenant_id: str) -> list[AuditRecord]:
    async with runtime.sessionmaker() as session:
        query = select(AuditRecord).where(AuditRecord.tenant_id == tenant_id)
        return list(await session.scalars(query.order_by(AuditRecord.id)))


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> bool:
    """Poll ``check`` (no timing asserted: the timeout only stops a hung test)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def row(tenant_id: str, action: str) -> dict[str, object]:
    return {"tenant_id": tenant_id, "action": action, "outcome": "200", "client_id": "c"}


class TestRequestsAreAudited:
    async def test_a_read_is_audited_through_the_writer(
        self, client: httpx.AsyncClient, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        response = await client.get("/v1/clinical-notes", headers={"x-request-id": "read-1"})
        assert response.status_code == 200
        await runtime.audits.flush()

        tenant_id = await tenant_id_of(runtime, tenant_key)
        [record] = [r for r in await records(runtime, tenant_id) if r.request_id == "read-1"]
        assert (record.action, record.outcome, record.actor) == (
            "GET /v1/clinical-notes",
            "200",
            "dr_house",
        )

    async def test_a_failed_request_is_audited_with_its_status(
        self, client: httpx.AsyncClient, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        missing = f"/v1/clinical-notes/{uuid.uuid4()}"
        assert (await client.get(missing)).status_code == 404
        await runtime.audits.flush()

        tenant_id = await tenant_id_of(runtime, tenant_key)
        outcomes = {(r.action, r.outcome) for r in await records(runtime, tenant_id)}
        assert ("GET /v1/clinical-notes/{note_id}", "404") in outcomes

    async def test_a_write_is_audited_in_its_own_transaction(
        self, client: httpx.AsyncClient, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        created = await client.post("/v1/lang-graph/threads", json={})
        assert created.status_code == 201

        # No flush: the record committed with the thread.
        tenant_id = await tenant_id_of(runtime, tenant_key)
        [record] = [r for r in await records(runtime, tenant_id) if r.outcome == "201"]
        assert record.action == "POST /v1/lang-graph/threads"
        assert record.resource_ids["thread_id"] == created.json()["thread_id"]


class TestWriter:
    async def test_shutdown_writes_every_waiting_record(
        self, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        tenant_id = await tenant_id_of(runtime, tenant_key)
        writer = AuditWriter(runtime.sessionmaker, interval_seconds=3600, batch_size=10_000)
        async with writer.running():
            for n in range(3):
                writer.add(**row(tenant_id, f"shutdown-{n}"))
            assert writer.pending == 3

        assert writer.pending == 0
        actions = [r.action for r in await records(runtime, tenant_id)]
        assert actions == ["shutdown-0", "shutdown-1", "shutdown-2"]

    async def test_records_are_written_after_the_interval_without_a_flush(
        self, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        # The loss window of a SIGKILL: records wait no longer than the interval (plus a write).
        tenant_id = await tenant_id_of(runtime, tenant_key)
        writer = AuditWriter(runtime.sessionmaker, interval_seconds=0.05, batch_size=10_000)
        async with writer.running():
            writer.add(**row(tenant_id, "interval"))

            async def written() -> bool:
                return writer.pending == 0 and len(await records(runtime, tenant_id)) == 1

            assert await eventually(written)

    async def test_a_full_batch_is_written_before_the_interval(
        self, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        tenant_id = await tenant_id_of(runtime, tenant_key)
        writer = AuditWriter(runtime.sessionmaker, interval_seconds=3600, batch_size=4)
        async with writer.running():
            for n in range(4):
                writer.add(**row(tenant_id, f"batch-{n}"))

            async def written() -> bool:
                return len(await records(runtime, tenant_id)) == 4

            assert await eventually(written)

    async def test_a_refused_record_does_not_hold_back_the_others(
        self, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        tenant_id = await tenant_id_of(runtime, tenant_key)
        writer = AuditWriter(runtime.sessionmaker, interval_seconds=3600)
        writer.add(**row(tenant_id, "before"))
        writer.add(**row(str(uuid.uuid4()), "no such tenant"))
        writer.add(**row(tenant_id, "after"))

        await writer.flush()

        assert writer.pending == 0
        assert [r.action for r in await records(runtime, tenant_id)] == ["before", "after"]
