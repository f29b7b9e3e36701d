"""Corti test helpers: a logged-in client per test tenant, and builders for the seed workflow.

Test modules reach the builders through the ``corti`` fixture (``corti.create_interaction()``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.config import Settings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.conftest import client_for, new_key

DATA = Path(__file__).parents[2] / "data"
AUDIO = DATA / "audio"
VISIT = (DATA / "visit_knee.txt").read_text()
ERROR_KEYS = {"requestid", "type", "status", "title", "detail"}


def encounter(**overrides: Any) -> dict[str, Any]:
    body = {
        "identifier": "enc-1",
        "status": "planned",
        "type": "first_consultation",
        "period": {"startedAt": "2026-11-21T09:00:00Z"},
        "title": "Knee pain",
    }
    return {**body, **overrides}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A Corti error body with the status and A00xx code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert body["type"].endswith(f"#{code}"), body
    return body


class Corti:
    """One tenant's logged-in client plus builders for the Corti workflow."""

    assert_error = staticmethod(assert_error)
    encounter = staticmethod(encounter)
    VISIT = VISIT
    AUDIO = AUDIO

    def __init__(self, client: httpx.AsyncClient, key: IssuedKey) -> None:
        self.client = client
        self.key = key

    async def create_interaction(self, **body: Any) -> dict[str, Any]:
        payload = {"encounter": encounter(), **body}
        response = await self.client.post("/v2/interactions/", json=payload)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def upload(self, interaction_id: str, name: str = "clip.mono.wav") -> str:
        response = await self.client.post(
            f"/v2/interactions/{interaction_id}/recordings/",
            content=(AUDIO / name).read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert response.status_code == 201, response.text
        recording_id: str = response.json()["recordingId"]
        return recording_id

    async def transcribe(
        self, interaction_id: str, recording_id: str, **body: Any
    ) -> dict[str, Any]:
        payload = {"recordingId": recording_id, "primaryLanguage": "en", **body}
        response = await self.client.post(
            f"/v2/interactions/{interaction_id}/transcripts/", json=payload
        )
        assert response.status_code in (200, 201), response.text
        transcript: dict[str, Any] = response.json()
        return transcript

    async def document(self, interaction_id: str, **body: Any) -> httpx.Response:
        payload = {
            "templateKey": "corti-soap",
            "outputLanguage": "en",
            "context": [{"type": "string", "data": VISIT}],
            **body,
        }
        return await self.client.post(f"/v2/interactions/{interaction_id}/documents/", json=payload)


async def login(client: httpx.AsyncClient, key: IssuedKey) -> str:
    response = await client.post(
        f"/realms/{key.tenant_name}/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": key.client_id,
            "client_secret": key.api_key,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
async def corti(app: FastAPI, tenant_key: IssuedKey) -> AsyncIterator[Corti]:
    async with client_for(app, None) as anonymous:
        token = await login(anonymous, tenant_key)
    headers = {"Authorization": f"Bearer {token}", "Tenant-Name": tenant_key.tenant_name}
    async with client_for(app, None, **headers) as client:
        yield Corti(client, tenant_key)


@pytest.fixture
async def other_corti(app: FastAPI, runtime: Runtime) -> AsyncIterator[Corti]:
    """Another tenant."""
    key = await new_key(runtime)
    async with client_for(app, None) as anonymous:
        token = await login(anonymous, key)
    async with client_for(app, None, Authorization=f"Bearer {token}") as client:
        yield Corti(client, key)


@asynccontextmanager
async def own_corti(settings: Settings, *, run_jobs: bool, **limits: Any) -> AsyncIterator[Corti]:
    """A Corti client on an app of its own with some limits changed; the shared app's stay."""
    changed = settings.limits.model_copy(update=limits)
    app = create_app(settings.model_copy(update={"limits": changed}), run_jobs=run_jobs)
    async with app.router.lifespan_context(app):
        key = await new_key(app.state.runtime)
        async with client_for(app, None) as anonymous:
            token = await login(anonymous, key)
        headers = {"Authorization": f"Bearer {token}", "Tenant-Name": key.tenant_name}
        async with client_for(app, None, **headers) as client:
            yield Corti(client, key)
