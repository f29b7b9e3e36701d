"""Invox auth: Basic app credentials → 2-hour token; Bearer token or API key; 401 and 403."""

from __future__ import annotations

import httpx
import jwt
import pytest
from fastapi import FastAPI
from starlette.requests import Request

from scribe.api.invox import errors
from scribe.auth import tokens
from scribe.auth.service import IssuedKey, Principal
from scribe.errors import ForbiddenError
from scribe.runtime import Runtime
from tests.api.invox.conftest import (
    NOTE_FROM_SUMMARY,
    SUMMARY,
    TOKEN,
    VERSION_HEADER,
    assert_error,
    basic,
    login,
    template,
)
from tests.conftest import client_for


def _principal(key: IssuedKey) -> Principal:
    return Principal(tenant_id="t", tenant_name=key.tenant_name, client_id=key.client_id)


class TestToken:
    async def test_basic_credentials_give_a_two_hour_token(
        self, anonymous: httpx.AsyncClient, tenant_key: IssuedKey
    ) -> None:
        response = await anonymous.post(
            TOKEN, headers={"Authorization": basic(tenant_key.client_id, tenant_key.api_key)}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"accessToken", "expiresIn"}
        assert body["expiresIn"] == 7200
        claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 7200
        assert claims["aud"] == "invox"

    @pytest.mark.parametrize(
        "authorization",
        [None, "Bearer sk_x", "Basic !!!not-base64", "Basic " + "b25seWFwcGlk"],
        ids=["missing", "bearer", "malformed", "no-key"],
    )
    async def test_missing_or_malformed_basic_is_401(
        self, anonymous: httpx.AsyncClient, authorization: str | None
    ) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        response = await anonymous.post(TOKEN, headers=headers)
        assert assert_error(response, 401, None) == "Unauthorized"

    async def test_wrong_key_or_another_clients_id_is_401(
        self, anonymous: httpx.AsyncClient, tenant_key: IssuedKey
    ) -> None:
        for credentials in (
            basic(tenant_key.client_id, "sk_wrong"),
            basic("someone-else", tenant_key.api_key),
        ):
            response = await anonymous.post(TOKEN, headers={"Authorization": credentials})
            assert_error(response, 401, None)


class TestBearer:
    async def test_token_and_plain_api_key_both_work(
        self, app: FastAPI, anonymous: httpx.AsyncClient, tenant_key: IssuedKey
    ) -> None:
        body = {"summary": SUMMARY, "template": template()}
        for credential in (await login(anonymous, tenant_key), tenant_key.api_key):
            async with client_for(app, credential) as client:
                response = await client.post(NOTE_FROM_SUMMARY, json=body)
            assert response.status_code == 200, response.text

    @pytest.mark.parametrize("authorization", [None, "Bearer sk_unknown", "Bearer a.b.c"])
    async def test_missing_or_invalid_credentials_are_401(
        self, app: FastAPI, authorization: str | None
    ) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        async with client_for(app, None, **headers) as client:
            response = await client.post(NOTE_FROM_SUMMARY, json={"summary": SUMMARY})
        assert assert_error(response, 401, None) == "Unauthorized"

    async def test_expired_token_is_401(
        self, app: FastAPI, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        expired = tokens.issue(
            runtime.token_secret, _principal(tenant_key), ttl_seconds=-10, audience="invox"
        )
        async with client_for(app, expired) as client:
            response = await client.post(NOTE_FROM_SUMMARY, json={"summary": SUMMARY})
        assert_error(response, 401, None)

    async def test_anonymous_bad_body_is_401_before_400(self, app: FastAPI) -> None:
        async with client_for(app, None) as client:
            response = await client.post(
                NOTE_FROM_SUMMARY,
                content=b"{not json",
                headers={"Content-Type": "application/json"},
            )
        assert_error(response, 401, None)


class TestForbidden:
    async def test_a_token_issued_for_another_service_is_403(
        self, app: FastAPI, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        corti = tokens.issue(
            runtime.token_secret, _principal(tenant_key), ttl_seconds=300, audience="corti"
        )
        async with client_for(app, corti) as client:
            response = await client.post(NOTE_FROM_SUMMARY, json={"summary": SUMMARY})
        assert_error(response, 403, "forbidden")

    def test_the_renderer_answers_403_in_invox_shape(self) -> None:
        request = Request({"type": "http", "method": "POST", "path": "/api/v1/x", "headers": []})
        response = errors.render(request, ForbiddenError("Not allowed to consume this service"))
        assert response.status_code == 403
        assert response.body == (
            b'{"messsage":"Not allowed to consume this service",'
            b'"message":"Not allowed to consume this service","errorType":"forbidden"}'
        )
        assert response.headers[VERSION_HEADER] == "2026-03-01"


class TestVersionHeader:
    @pytest.mark.parametrize(
        ("sent", "echoed"),
        [(None, "2026-03-01"), ("2025-10-01", "2025-10-01"), ("2025-11-01", "2025-11-01")],
    )
    async def test_known_versions_are_echoed_and_the_latest_is_the_default(
        self, invox: httpx.AsyncClient, sent: str | None, echoed: str
    ) -> None:
        headers = {VERSION_HEADER: sent} if sent else {}
        body = {"summary": SUMMARY, "template": template()}
        response = await invox.post(NOTE_FROM_SUMMARY, json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers[VERSION_HEADER] == echoed

    async def test_unknown_version_is_400_and_errors_carry_the_header(
        self, invox: httpx.AsyncClient
    ) -> None:
        body = {"summary": SUMMARY, "template": template()}
        response = await invox.post(NOTE_FROM_SUMMARY, json=body, headers={VERSION_HEADER: "2024"})
        assert_error(response, 400, "invalidApiVersion")
        assert response.headers[VERSION_HEADER] == "2026-03-01"
        response = await invox.post(
            NOTE_FROM_SUMMARY, json={}, headers={VERSION_HEADER: "2025-10-01"}
        )
        assert_error(response, 400, "summaryIsRequired")
        assert response.headers[VERSION_HEADER] == "2025-10-01"
