"""Invox test helpers: a client holding a 2-hour access token, and template builders.

Test modules reach the helpers by import (``from tests.api.invox.conftest import field``) and
the clients through the ``invox`` and ``anonymous`` fixtures.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from tests.conftest import client_for

NOTE_FROM_SUMMARY = "/api/v1/generate-clinical-note-from-summary"
CLINICAL_NOTE = "/api/v1/generate-clinical-note"
CONSULTATION_SUMMARY = "/api/v1/generate-consultation-summary"
TOKEN = "/api/v1/auth/token"
VERSION_HEADER = "X-Invox-Medical-Api-Version"

SUMMARY = """Adult with 5 days of productive cough. Temperature 38.2 C, heart rate 96 bpm.
The patient denies smoking. No antibiotics were prescribed.
Diagnosis: acute bronchitis.
Medications: ibuprofen 400 mg every 8 hours, paracetamol 1 g if fever.
Severity is moderate.
"""


def field(
    field_id: str, name: str, kind: str = "string", description: str = "", **extra: Any
) -> dict[str, Any]:
    return {"id": field_id, "name": name, "description": description, "type": kind, **extra}


def template(*fields: dict[str, Any], language: str = "en", **extra: Any) -> dict[str, Any]:
    body = {
        "id": "tpl-1",
        "template_name": "Respiratory",
        "template_description": "Respiratory visit",
        "template_language": language,
        "fields": list(fields) or [field("f1", "Diagnosis", description="Diagnosis")],
    }
    return {**body, **extra}


def basic(client_id: str, api_key: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{api_key}".encode()).decode()


def assert_error(response: httpx.Response, status: int, error_type: str | None) -> str:
    """An Invox error body: ``messsage`` (and its ``message`` alias), errorType unless 401."""
    assert response.status_code == status, response.text
    body = response.json()
    expected = {"messsage", "message"} | ({"errorType"} if error_type else set())
    assert set(body) == expected, body
    assert body["messsage"] == body["message"]
    assert body["messsage"]
    if error_type:
        assert body["errorType"] == error_type, body
    return str(body["messsage"])


async def login(client: httpx.AsyncClient, key: IssuedKey) -> str:
    response = await client.post(
        TOKEN, headers={"Authorization": basic(key.client_id, key.api_key)}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["accessToken"]
    return token


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, None) as client:
        yield client


@pytest.fixture
async def invox(app: FastAPI, tenant_key: IssuedKey) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the test tenant holding an Invox access token."""
    async with client_for(app, None) as anonymous:
        token = await login(anonymous, tenant_key)
    async with client_for(app, token) as client:
        yield client
