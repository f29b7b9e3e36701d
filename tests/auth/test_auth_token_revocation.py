"""Login tokens end with their credential: a tenant purge or a key revocation ends them at once.

The operator's commands run as operators run them (`scribe tenants purge`, `scribe keys revoke`,
in their own process), against the suite's database, while the server keeps running.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.config import Settings
from scribe.runtime import Runtime
from tests.conftest import client_for, new_key

ENCOUNTER = {"identifier": "enc-1", "status": "planned", "type": "first_consultation"}
SUMMARY = "/api/v1/generate-consultation-summary"
VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()


def scribe(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": str(settings.database_url),
        "SCRIBE_DATA_DIR": str(settings.data_dir),
        "SCRIBE_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "scribe.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


async def corti_token(app: FastAPI, key: IssuedKey) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": key.client_id,
        "client_secret": key.api_key,
    }
    async with client_for(app, None) as anonymous:
        response = await anonymous.post(
            f"/realms/{key.tenant_name}/protocol/openid-connect/token", data=form
        )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def invox_token(app: FastAPI, key: IssuedKey) -> str:
    basic = base64.b64encode(f"{key.client_id}:{key.api_key}".encode()).decode()
    async with client_for(app, None) as anonymous:
        response = await anonymous.post(
            "/api/v1/auth/token", headers={"Authorization": f"Basic {basic}"}
        )
    assert response.status_code == 200, response.text
    return str(response.json()["accessToken"])


async def statuses(app: FastAPI, corti: str, invox: str) -> dict[str, int]:
    """What each token gets: a real call, and a bad body (401 comes before 400)."""
    async with client_for(app, corti) as client:
        created = await client.post("/v2/interactions/", json={"encounter": ENCOUNTER})
        listed = await client.get("/v2/interactions/")
        bad = await client.post("/v2/interactions/", json={"encounter": 1})
    async with client_for(app, invox) as client:
        summary = await client.post(SUMMARY, json={"transcript": VISIT})
        malformed = await client.post(SUMMARY, json={"transcript": 1})
    return {
        "corti create": created.status_code,
        "corti list": listed.status_code,
        "corti bad body": bad.status_code,
        "invox summary": summary.status_code,
        "invox bad body": malformed.status_code,
    }


WORKING = {
    "corti create": 201,
    "corti list": 200,
    "corti bad body": 400,
    "invox summary": 200,
    "invox bad body": 400,
}
REFUSED = dict.fromkeys(WORKING, 401)


class TestTokensEndWithTheirCredential:
    async def test_a_tenant_purge_ends_its_tokens_at_once(
        self, app: FastAPI, runtime: Runtime, settings: Settings
    ) -> None:
        key = await new_key(runtime)
        other = await new_key(runtime)
        tokens = await corti_token(app, key), await invox_token(app, key)
        bystander = await corti_token(app, other), await invox_token(app, other)
        assert await statuses(app, *tokens) == WORKING

        purged = scribe(settings, "tenants", "purge", "--tenant", key.tenant_name, "--yes")
        assert purged.returncode == 0, purged.stderr

        assert await statuses(app, *tokens) == REFUSED
        assert await statuses(app, *bystander) == WORKING

    async def test_a_revoked_key_ends_its_tokens_at_once(
        self, app: FastAPI, runtime: Runtime, settings: Settings
    ) -> None:
        key = await new_key(runtime)
        sibling = await new_key(runtime, key.tenant_name)  # the same tenant's other key
        tokens = await corti_token(app, key), await invox_token(app, key)
        kept = await corti_token(app, sibling), await invox_token(app, sibling)

        revoked = scribe(settings, "keys", "revoke", "--client-id", key.client_id)
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.strip() == f"revoked client_id={key.client_id}"

        assert await statuses(app, *tokens) == REFUSED
        assert await statuses(app, *kept) == WORKING
        async with client_for(app, None) as anonymous:
            login = await anonymous.post(
                f"/realms/{key.tenant_name}/protocol/openid-connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": key.client_id,
                    "client_secret": key.api_key,
                },
            )
        assert login.status_code == 401

    async def test_revoking_an_unknown_key_is_exit_2(self, settings: Settings) -> None:
        result = scribe(settings, "keys", "revoke", "--client-id", "nobody-123")
        assert result.returncode == 2
        assert "nobody-123" in result.stderr
