"""A revoked key (or a purged tenant's) stops at once though the server has it cached.

The operator's command runs in its own process, as operators run it, while a real server keeps
serving over a socket: a revocation reaches the server's process by its own path (PostgreSQL's
NOTIFY, a file beside SQLite's database), which in-process test transports would never poll.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.config import Settings
from scribe.runtime import Runtime
from tests.auth.test_auth_token_revocation import scribe
from tests.conftest import new_key
from tests.local_http import serving


@pytest.fixture(scope="module")
async def served(app: FastAPI) -> AsyncIterator[str]:
    """http:// base of a uvicorn server serving the suite's app."""
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


async def status(served: str, key: IssuedKey) -> int:
    """What an API key gets on an authenticated read (Omniloy)."""
    headers = {"Authorization": f"Bearer {key.api_key}", "x-doctor": "dr_revoked"}
    async with httpx.AsyncClient(base_url=served, headers=headers, timeout=30) as client:
        return (await client.get("/v1/clinical-notes")).status_code


class TestKeysEndAtOnce:
    async def test_a_revoked_key_stops_though_the_server_remembers_it(
        self, served: str, runtime: Runtime, settings: Settings
    ) -> None:
        key, sibling = await new_key(runtime), await new_key(runtime)
        assert await status(served, key) == 200  # now in the principal cache
        assert await status(served, sibling) == 200

        revoked = scribe(settings, "keys", "revoke", "--client-id", key.client_id)
        assert revoked.returncode == 0, revoked.stderr

        assert await status(served, key) == 401
        assert await status(served, sibling) == 200

    async def test_a_purged_tenants_keys_stop(
        self, served: str, runtime: Runtime, settings: Settings
    ) -> None:
        key, other = await new_key(runtime), await new_key(runtime)
        assert await status(served, key) == 200
        assert await status(served, other) == 200

        purged = scribe(settings, "tenants", "purge", "--tenant", key.tenant_name, "--yes")
        assert purged.returncode == 0, purged.stderr

        assert await status(served, key) == 401
        assert await status(served, other) == 200
