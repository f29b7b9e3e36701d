"""`scribe retention sweep`, `scribe tenants purge`, `scribe audit export` as operators run them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from scribe.auth.models import ApiCredential, AuditRecord, Tenant
from scribe.config import Settings
from scribe.encounters.models import Encounter
from scribe.jobs.models import Job
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript
from scribe.webhooks import service as webhook_service
from scribe.webhooks.models import WebhookSecret
from tests.conftest import new_key
from tests.retention import builders


def offline(tmp_path: Path) -> Settings:
    """Settings for commands that stop before they reach a database."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'none.db'}", data_dir=tmp_path)


def scribe(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scribe.cli", *args],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "SCRIBE_DATABASE_URL": str(settings.database_url),
            "SCRIBE_DATA_DIR": str(settings.data_dir),
            "SCRIBE_LOG_LEVEL": "WARNING",
            **env,
        },
        check=False,
        timeout=60,
    )


class TestRetentionSweep:
    async def test_dry_run_then_sweep_print_counts(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant_id, name = await builders.tenant(runtime)
        audio = await builders.audio(runtime, tenant_id, age_days=45)
        env = {"SCRIBE_RETENTION__AUDIO_DAYS": "30"}

        dry = scribe(settings, "retention", "sweep", "--tenant", name, "--dry-run", **env)
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.strip() == (
            "due (dry run, nothing deleted): recordings=1 transcripts=0 bytes=2048"
        )
        assert audio.path.exists()

        done = scribe(settings, "retention", "sweep", "--tenant", name, **env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "deleted: recordings=1 transcripts=0 bytes=2048"
        assert not audio.path.exists()
        assert await builders.exists(runtime, Transcript, audio.transcript_id)

    def test_refuses_when_retention_is_off(self, tmp_path: Path) -> None:
        done = scribe(offline(tmp_path), "retention", "sweep")
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            "scribe: retention is off: set SCRIBE_RETENTION__AUDIO_DAYS or pass --days N"
        ]


async def tenant_with_data(runtime: Runtime) -> tuple[str, str, builders.Audio]:
    tenant_id, name = await builders.tenant(runtime)
    audio = await builders.audio(runtime, tenant_id, age_days=1)
    await builders.note(runtime, tenant_id, audio.transcript_id)
    await new_key(runtime, name)
    async with runtime.sessionmaker() as session:
        await webhook_service.tenant_secret(session, name, rotate=False)
        await session.commit()
    return tenant_id, name, audio


class TestTenantPurge:
    async def test_refuses_without_yes_and_says_what_would_go(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant_id, name, audio = await tenant_with_data(runtime)

        done = scribe(settings, "tenants", "purge", "--tenant", name)

        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"scribe: would delete the rows above; pass --yes to purge {name}"
        ]
        counts = dict(line.split("=") for line in done.stdout.splitlines())
        assert counts["recording"] == counts["transcript"] == counts["note"] == "1"
        assert counts["api_credential"] == counts["webhook_secret"] == "1"
        assert "audit_record" not in counts
        assert audio.path.exists()
        assert await builders.count(runtime, Recording, tenant_id) == 1

    async def test_deletes_one_tenant_and_leaves_another(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant_id, name, audio = await tenant_with_data(runtime)
        other_id, _, other_audio = await tenant_with_data(runtime)

        done = scribe(settings, "tenants", "purge", "--tenant", name, "--yes")

        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == f"purged tenant {name} (audit log kept)"
        assert "recording=1" in done.stdout.splitlines()
        assert not audio.path.exists()
        assert not runtime.blobs.path(tenant_id).exists()
        for model in (Encounter, Recording, Transcript, Job, ApiCredential, WebhookSecret):
            assert await builders.count(runtime, model, tenant_id) == 0, model
            assert await builders.count(runtime, model, other_id) == 1, model
        assert other_audio.path.exists()
        async with runtime.sessionmaker() as session:
            assert await session.get(Tenant, tenant_id) is not None
            audit = (
                await session.scalars(select(AuditRecord).where(AuditRecord.tenant_id == tenant_id))
            ).all()
        assert [record.action for record in audit] == ["tenant.purge"]
        assert audit[0].resource_ids["deleted"]["recording"] == 1

    # The lookup is the same on both engines: one run is enough.
    @pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
    def test_an_unknown_tenant_is_one_line(self, settings: Settings) -> None:
        done = scribe(settings, "tenants", "purge", "--tenant", "no-such-tenant", "--yes")
        assert done.returncode == 2
        assert done.stderr.splitlines() == ["scribe: no tenant named 'no-such-tenant'"]


async def audited(runtime: Runtime, tenant_id: str, *stamps: str) -> None:
    async with runtime.sessionmaker() as session:
        for n, stamp in enumerate(stamps):
            session.add(
                AuditRecord(
                    tenant_id=tenant_id,
                    client_id="client-1",
                    actor="dr_house",
                    action=f"GET /things/{n}",
                    outcome="success",
                    resource_ids={"thing_id": str(n)},
                    created_at=datetime.fromisoformat(stamp).replace(tzinfo=UTC),
                )
            )
        await session.commit()


class TestAuditExport:
    async def test_csv_has_a_header_and_the_rows_in_range(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant_id, name = await builders.tenant(runtime)
        stamps = ("2001-01-31T23:59:59", "2001-02-01T00:00:00", "2001-02-14T12:00:00")
        await audited(runtime, tenant_id, *stamps, "2001-03-01T00:00:00")

        done = scribe(
            settings, "audit", "export", "--from", "2001-02-01", "--to", "2001-03-01",
            "--tenant", name,
        )  # fmt: skip

        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert [row["action"] for row in rows] == ["GET /things/1", "GET /things/2"]
        assert rows[0]["created_at"] == "2001-02-01T00:00:00+00:00"
        assert rows[0]["tenant"] == name
        assert rows[0]["patient_ref"] == ""
        assert json.loads(rows[1]["resource_ids"]) == {"thing_id": "2"}
        assert done.stdout.splitlines()[0] == (
            "id,created_at,tenant,client_id,actor,patient_ref,action,outcome,request_id,"
            "resource_ids"
        )

    async def test_json_to_a_file_with_datetimes_and_offsets(
        self, settings: Settings, runtime: Runtime, tmp_path: Path
    ) -> None:
        tenant_id, name = await builders.tenant(runtime)
        await audited(runtime, tenant_id, "2002-05-01T09:00:00", "2002-05-01T11:00:00")
        output = tmp_path / "audit.json"

        done = scribe(
            settings, "audit", "export", "--from", "2002-05-01T10:00:00+01:00",
            "--to", "2002-05-01T12:00:00Z", "--tenant", name, "--format", "json",
            "--output", str(output),
        )  # fmt: skip

        assert done.returncode == 0, done.stderr
        assert done.stdout == ""
        rows = json.loads(output.read_text())
        assert [row["action"] for row in rows] == ["GET /things/0", "GET /things/1"]
        assert rows[0]["resource_ids"] == {"thing_id": "0"}
        assert rows[0]["client_id"] == "client-1"

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("yesterday", "2001-01-01", "--from: not an ISO 8601 date or datetime: 'yesterday'"),
            ("2001-02-01", "2001-01-01", "--from must be before --to"),
        ],
    )
    def test_bad_dates_are_one_line(
        self, tmp_path: Path, start: str, end: str, message: str
    ) -> None:
        done = scribe(offline(tmp_path), "audit", "export", "--from", start, "--to", end)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [f"scribe: {message}"]
        assert done.stdout == ""
