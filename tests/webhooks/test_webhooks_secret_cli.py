"""`scribe webhooks secret|rotate`: the secret a tenant verifies its callbacks with."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from scribe.auth import service as auth_service
from scribe.config import Settings
from scribe.runtime import Runtime
from scribe.webhooks import service


def webhooks(settings: Settings, *args: str) -> str:
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": str(settings.database_url),
        "SCRIBE_DATA_DIR": str(settings.data_dir),
    }
    out = subprocess.run(
        [sys.executable, "-m", "scribe.cli", "webhooks", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    assert len(out) == 1
    assert out[0].startswith("webhook_secret=whsec_")
    return out[0].removeprefix("webhook_secret=")


class TestSecretCommands:
    async def test_secret_is_made_once_then_printed_again(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        first = webhooks(settings, "secret", "--tenant", tenant)
        assert webhooks(settings, "secret", "--tenant", tenant) == first
        async with runtime.sessionmaker() as session:
            row = await auth_service.get_or_create_tenant(session, tenant)
            assert (await service.get_or_create_secret(session, row.id)).secret == first

    async def test_rotate_replaces_the_secret_at_once(
        self, settings: Settings, runtime: Runtime
    ) -> None:
        tenant = f"clinic-{uuid.uuid4().hex[:8]}"
        old = webhooks(settings, "secret", "--tenant", tenant)
        new = webhooks(settings, "rotate", "--tenant", tenant)
        assert new != old
        assert webhooks(settings, "secret", "--tenant", tenant) == new
        async with runtime.sessionmaker() as session:
            row = await auth_service.get_or_create_tenant(session, tenant)
            current = await service.active_secret(session, row.id)
        assert current is not None
        assert current.secret == new
