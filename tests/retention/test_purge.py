"""Tenant purges at the service level: what goes, what stays, and when the files go."""

from __future__ import annotations

from scribe.auth.models import ApiCredential, AuditRecord, Tenant
from scribe.notes.models import Note
from scribe.recordings.models import Recording
from scribe.retention import service
from scribe.runtime import Runtime
from scribe.webhooks.models import WebhookSecret
from tests.retention import builders
from tests.retention.test_commands import tenant_with_data


async def purge(
    runtime: Runtime, name: str, *, keep_keys: bool, commit: bool = True
) -> dict[str, int]:
    async with runtime.sessionmaker() as session:
        tenant = await service.find_tenant(session, name)
        assert tenant is not None
        counts = await service.purge_tenant(
            session, runtime.blobs, tenant, keep_keys=keep_keys, actor="test"
        )
        if commit:
            await session.commit()
    return counts


class TestPurgeTenant:
    async def test_counts_foretold_are_the_rows_deleted(self, runtime: Runtime) -> None:
        tenant_id, name, _ = await tenant_with_data(runtime)
        async with runtime.sessionmaker() as session:
            foretold = await service.tenant_counts(session, tenant_id, keep_keys=False)

        assert await purge(runtime, name, keep_keys=False) == foretold
        assert foretold["note"] == foretold["recording"] == 1
        async with runtime.sessionmaker() as session:
            assert await service.tenant_counts(
                session, tenant_id, keep_keys=False
            ) == dict.fromkeys(foretold, 0)

    async def test_keep_keys_leaves_the_tenant_able_to_call(self, runtime: Runtime) -> None:
        tenant_id, name, audio = await tenant_with_data(runtime)

        counts = await purge(runtime, name, keep_keys=True)

        assert "api_credential" not in counts
        assert not audio.path.exists()
        assert await builders.count(runtime, Recording, tenant_id) == 0
        assert await builders.count(runtime, Note, tenant_id) == 0
        assert await builders.count(runtime, ApiCredential, tenant_id) == 1
        assert await builders.count(runtime, WebhookSecret, tenant_id) == 1
        assert await builders.count(runtime, AuditRecord, tenant_id) == 1
        assert await builders.exists(runtime, Tenant, tenant_id)

    async def test_a_rolled_back_purge_keeps_rows_and_files(self, runtime: Runtime) -> None:
        tenant_id, name, audio = await tenant_with_data(runtime)

        await purge(runtime, name, keep_keys=False, commit=False)

        assert audio.path.exists()
        assert await builders.count(runtime, Recording, tenant_id) == 1
        assert await builders.count(runtime, AuditRecord, tenant_id) == 0
