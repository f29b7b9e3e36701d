"""Tenant vocabulary: `scribe vocabulary set/show` and what the core reads back."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from scribe.auth import service
from scribe.config import Settings
from scribe.runtime import Runtime


def vocabulary(settings: Settings, *args: str) -> list[str]:
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": str(settings.database_url),
        "SCRIBE_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "scribe.cli", "vocabulary", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout.splitlines()


class TestVocabularyCommands:
    async def test_set_then_show_round_trips_in_order_without_duplicates(
        self, settings: Settings
    ) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        out = vocabulary(settings, "set", "--tenant", tenant, "metformin,lisinopril", "metformin")
        assert out == [f"2 term(s) set for tenant {tenant}"]
        assert vocabulary(settings, "show", "--tenant", tenant) == ["metformin", "lisinopril"]

    async def test_the_core_reads_the_tenants_terms(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        vocabulary(settings, "set", "--tenant", tenant, "Eliquis")
        async with runtime.sessionmaker() as session:
            row = await service.get_or_create_tenant(session, tenant)
            assert await service.vocabulary_of(session, row.id) == ["Eliquis"]
            assert await service.vocabulary_of(session, "someone-else") == []

    async def test_an_empty_set_clears_the_terms(self, settings: Settings) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        vocabulary(settings, "set", "--tenant", tenant, "warfarin")
        vocabulary(settings, "set", "--tenant", tenant)
        assert vocabulary(settings, "show", "--tenant", tenant) == []
