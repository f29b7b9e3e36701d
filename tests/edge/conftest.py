"""An app with small edge limits (1.5 s body stall, 3 failed logins) beside the suite's own.

Each throttle test sends from its own client address (ASGITransport's ``client``), so their
failure counts never meet.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from scribe.config import Settings
from scribe.main import create_app

STALL_SECONDS = 1.5
AUTH_FAILURES = 3
PUBLIC_BASE_URL = "https://scribe.example.org"


@pytest.fixture(scope="session")
async def edge_app(settings: Settings) -> AsyncIterator[FastAPI]:
    limits = settings.limits.model_copy(
        update={
            "body_stall_seconds": STALL_SECONDS,
            "auth_failures": AUTH_FAILURES,
            "header_count": 50,
            "header_bytes": 8 * 1024,
        }
    )
    edge = settings.model_copy(update={"limits": limits, "public_base_url": PUBLIC_BASE_URL})
    app = create_app(edge, run_jobs=False)
    async with app.router.lifespan_context(app):
        yield app


def edge_client(app: FastAPI, api_key: str | None = None, **headers: str) -> httpx.AsyncClient:
    """A client from an address of its own."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    base = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://scribe.test",
        headers={**base, **headers},
    )
