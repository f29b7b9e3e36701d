"""Corti login (client credentials → 300 s token), tokens and keys on /v2, Tenant-Name, errors."""

from __future__ import annotations

import base64

import jwt
from fastapi import FastAPI

from scribe.auth.service import IssuedKey, Principal
from scribe.auth.tokens import issue
from scribe.runtime import Runtime
from tests.api.corti.conftest import Corti, assert_error, login
from tests.conftest import client_for

TOKEN_PATH = "/realms/{tenant}/protocol/openid-connect/token"


def _form(key: IssuedKey, **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": key.client_id,
        "client_secret": key.api_key,
    }
    return {**form, **overrides}


class TestLogin:
    async def test_client_credentials_give_a_300_second_bearer_token(
        self, app: FastAPI, tenant_key: IssuedKey
    ) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                TOKEN_PATH.format(tenant=tenant_key.tenant_name), data=_form(tenant_key)
            )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 300
        claims = jwt.decode(body["access_token"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 300
        assert claims["tenant"] == tenant_key.tenant_name

    async def test_basic_client_authentication_works_too(
        self, app: FastAPI, tenant_key: IssuedKey
    ) -> None:
        basic = base64.b64encode(f"{tenant_key.client_id}:{tenant_key.api_key}".encode()).decode()
        async with client_for(app, None, Authorization=f"Basic {basic}") as client:
            response = await client.post(
                TOKEN_PATH.format(tenant=tenant_key.tenant_name),
                data={"grant_type": "client_credentials"},
            )
        assert response.status_code == 200, response.text

    async def test_wrong_secret_is_invalid_client(
        self, app: FastAPI, tenant_key: IssuedKey
    ) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                TOKEN_PATH.format(tenant=tenant_key.tenant_name),
                data=_form(tenant_key, client_secret="sk_wrong"),
            )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def test_another_tenants_realm_is_refused(
        self, app: FastAPI, tenant_key: IssuedKey, runtime: Runtime
    ) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                TOKEN_PATH.format(tenant="someone-else"), data=_form(tenant_key)
            )
        assert response.status_code == 401

    async def test_other_grants_are_unsupported(self, app: FastAPI, tenant_key: IssuedKey) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                TOKEN_PATH.format(tenant=tenant_key.tenant_name),
                data=_form(tenant_key, grant_type="password"),
            )
        assert response.status_code == 401
        assert response.json()["error"] == "unsupported_grant_type"

    async def test_missing_fields_are_an_oauth_error_not_a_crash(
        self, app: FastAPI, tenant_key: IssuedKey
    ) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                TOKEN_PATH.format(tenant=tenant_key.tenant_name),
                data={"grant_type": "client_credentials"},
            )
        assert response.status_code == 401
        assert set(response.json()) == {"error", "error_description"}


class TestBearer:
    async def test_a_token_reaches_the_api(self, corti: Corti) -> None:
        assert (await corti.client.get("/v2/templates/")).status_code == 200

    async def test_a_plain_api_key_works_too(self, app: FastAPI, tenant_key: IssuedKey) -> None:
        async with client_for(app, tenant_key.api_key) as client:
            assert (await client.get("/v2/templates/")).status_code == 200

    async def test_no_credentials_is_401_in_cortis_shape(self, app: FastAPI) -> None:
        async with client_for(app, None) as client:
            assert_error(await client.get("/v2/interactions/"), 401, "A0004")

    async def test_a_forged_token_is_refused(self, app: FastAPI, tenant_key: IssuedKey) -> None:
        principal = Principal(tenant_id="x", tenant_name=tenant_key.tenant_name, client_id="c")
        forged = issue(
            b"not-the-secret-but-just-as-long-as-one", principal, ttl_seconds=300, audience="corti"
        )
        async with client_for(app, None, Authorization=f"Bearer {forged}") as client:
            assert_error(await client.get("/v2/interactions/"), 401, "A0004")

    async def test_an_expired_token_is_refused(
        self, app: FastAPI, tenant_key: IssuedKey, runtime: Runtime
    ) -> None:
        principal = Principal(tenant_id="x", tenant_name=tenant_key.tenant_name, client_id="c")
        expired = issue(runtime.token_secret, principal, ttl_seconds=-1, audience="corti")
        async with client_for(app, None, Authorization=f"Bearer {expired}") as client:
            assert_error(await client.get("/v2/interactions/"), 401, "A0004")

    async def test_a_token_for_another_dialect_is_refused(
        self, app: FastAPI, tenant_key: IssuedKey, runtime: Runtime
    ) -> None:
        principal = Principal(tenant_id="x", tenant_name=tenant_key.tenant_name, client_id="c")
        other = issue(runtime.token_secret, principal, ttl_seconds=300, audience="invox")
        async with client_for(app, None, Authorization=f"Bearer {other}") as client:
            assert_error(await client.get("/v2/interactions/"), 401, "A0004")

    async def test_tenant_name_must_match_the_token(
        self, app: FastAPI, tenant_key: IssuedKey
    ) -> None:
        async with client_for(app, None) as anonymous:
            token = await login(anonymous, tenant_key)
        headers = {"Authorization": f"Bearer {token}", "Tenant-Name": "another-clinic"}
        async with client_for(app, None, **headers) as client:
            assert_error(await client.get("/v2/interactions/"), 403, "A0001")
