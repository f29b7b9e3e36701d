"""API keys, the bootstrap key, and the audit trail."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from scribe.auth.models import ApiCredential, AuditRecord, Tenant
from scribe.config import Settings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.conftest import BOOTSTRAP_KEY, client_for, make_settings

VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()


def keys_create(settings: Settings, tenant: str) -> tuple[str, str]:
    """Run `scribe keys create` and parse its two lines."""
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": str(settings.database_url),
        "SCRIBE_DATA_DIR": str(settings.data_dir),
    }
    out = subprocess.run(
        [sys.executable, "-m", "scribe.cli", "keys", "create", "--tenant", tenant],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    assert out[0].startswith("client_id=")
    assert out[1].startswith("api_key=")
    return out[0].split("=", 1)[1], out[1].split("=", 1)[1]


class TestKeysCreateCommand:
    async def test_printed_key_authenticates_and_only_its_hash_is_stored(
        self, settings: Settings, app: FastAPI
    ) -> None:
        client_id, api_key = keys_create(settings, f"clinic-{uuid.uuid4().hex[:8]}")
        async with client_for(app, api_key, **{"x-doctor": "d"}) as client:
            assert (await client.get("/v1/clinical-notes")).status_code == 200
        runtime: Runtime = app.state.runtime
        async with runtime.sessionmaker() as session:
            credential = await session.scalar(
                select(ApiCredential).where(ApiCredential.client_id == client_id)
            )
        assert credential is not None
        assert credential.key_hash == hashlib.sha256(api_key.encode()).hexdigest()
        assert api_key not in (credential.key_hash, credential.key_prefix)

    async def test_a_second_key_for_the_same_tenant_shares_its_data(
        self, settings: Settings, app: FastAPI
    ) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        _, first = keys_create(settings, tenant)
        _, second = keys_create(settings, tenant)
        async with client_for(app, first, **{"x-doctor": "d"}) as client:
            created = await client.post(
                "/v1/transcriptions/create",
                json={"duration_seconds": 1, "original_transcript": "[doctor] hello"},
            )
        transcription_id = created.json()["transcription"]["id"]
        async with client_for(app, second, **{"x-doctor": "d"}) as client:
            fetched = await client.get(f"/v1/transcriptions/{transcription_id}")
        assert fetched.status_code == 200


class TestBootstrapKey:
    async def test_configured_bootstrap_key_belongs_to_default(self, app: FastAPI) -> None:
        async with client_for(app, BOOTSTRAP_KEY, **{"x-doctor": "d"}) as client:
            response = await client.post(
                "/v1/transcriptions/create",
                json={"duration_seconds": 1, "original_transcript": "[doctor] hello"},
            )
        assert response.status_code == 201
        assert response.json()["transcription"]["group_id"] == "default"

    async def test_generated_dev_key_is_written_with_mode_0600(self, tmp_path: Path) -> None:
        from alembic import command

        from scribe.cli import alembic_config

        settings = make_settings(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)
        settings.bootstrap_api_key = None
        # Alembic's env runs its own event loop, so it goes on a thread of its own here.
        await asyncio.to_thread(command.upgrade, alembic_config(settings), "head")
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            key_file = tmp_path / "dev-api-key"
            assert key_file.stat().st_mode & 0o777 == 0o600
            key = key_file.read_text().strip()
            async with client_for(app, key, **{"x-doctor": "d"}) as client:
                assert (await client.get("/v1/clinical-notes")).status_code == 200
            async with client_for(app, "sk_wrong", **{"x-doctor": "d"}) as client:
                assert (await client.get("/v1/clinical-notes")).status_code == 401


class TestAudit:
    async def test_requests_and_jobs_are_audited_without_clinical_text(
        self, client: httpx.AsyncClient, runtime: Runtime
    ) -> None:
        created = await client.post(
            "/v1/transcriptions/create",
            json={"duration_seconds": 30, "original_transcript": VISIT},
            headers={"x-patient": "pt_42"},
        )
        transcription_id = created.json()["transcription"]["id"]
        thread = (await client.post("/v1/lang-graph/threads")).json()["thread_id"]
        run = (
            await client.post(
                f"/v1/lang-graph/threads/{thread}/runs",
                json={
                    "input": {"messages": [{"role": "user", "content": "Generate a SOAP note"}]},
                    "config": {
                        "configurable": {"thread_id": thread, "transcription_id": transcription_id}
                    },
                },
            )
        ).json()["run_id"]
        await client.get(f"/v1/lang-graph/threads/{thread}/runs/{run}/join?timeout=30")
        tenant = created.json()["transcription"]["group_id"]
        async with runtime.sessionmaker() as session:
            tenant_id = await session.scalar(select(Tenant.id).where(Tenant.name == tenant))
            records = (
                await session.scalars(
                    select(AuditRecord)
                    .where(AuditRecord.tenant_id == tenant_id)
                    .order_by(AuditRecord.id)
                )
            ).all()
        actions = [r.action for r in records]
        assert "POST /v1/transcriptions/create" in actions
        assert "job:agent_run" in actions
        create = next(r for r in records if r.action == "POST /v1/transcriptions/create")
        assert create.actor == "dr_house"
        assert create.patient_ref == "pt_42"
        assert create.outcome == "201"
        assert create.resource_ids["transcription_id"] == transcription_id
        job = next(r for r in records if r.action == "job:agent_run")
        assert job.outcome == "completed"
        assert job.resource_ids["run_id"] == run
        dumped = repr([(r.action, r.resource_ids, r.actor, r.outcome) for r in records])
        assert "knee" not in dumped.lower()
        assert "ibuprofen" not in dumped.lower()
