"""Clinia test helpers: a client per test tenant and builders for the ingest → summary workflow.

Test modules reach the builders through the ``clinia`` / ``other_clinia`` fixtures.
``ASGITransport`` hands a streamed response over only once it ends, so the tests that need a
stream as it happens (disconnects, keep-alives) use ``serve``: the app on a real socket.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from httpx_sse import ServerSentEvent, aconnect_sse

from scribe.auth.service import IssuedKey
from scribe.runtime import Runtime
from tests.conftest import new_key

DATA = Path(__file__).parents[2] / "data" / "clinia"
ERROR_KEYS = {"status", "code", "message"}
RUN_TIMEOUT = 30.0


def load_bundle(name: str = "bundle_each_type.json") -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads((DATA / name).read_text())
    return bundle


def bundle_of(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [{"resource": resource} for resource in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def assert_error(response: httpx.Response, status: int) -> str:
    """A Clinia JSON error with this status; its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert body["message"]
    return str(body["message"])


def clinia_client(
    app: FastAPI | None, key: str | None, base_url: str = "http://scribe.test", **headers: str
) -> httpx.AsyncClient:
    auth = {"X-Clinia-API-Key": key} if key else {}
    transport = httpx.ASGITransport(app=app) if app is not None else None
    return httpx.AsyncClient(
        transport=transport, base_url=base_url, headers={**auth, **headers}, timeout=30
    )


class Clinia:
    """One tenant's client plus builders for the Clinia workflow."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def ingest_bundle(self, patient_id: str, bundle: dict[str, Any]) -> str:
        response = await self.client.post(
            "/ai/v1/ingest", json={"patientId": patient_id, "bundle": bundle}
        )
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "started"
        return str(response.json()["runId"])

    async def ingest_file(
        self, patient_id: str, content: bytes, content_type: str, name: str = "record.pdf"
    ) -> httpx.Response:
        return await self.client.post(
            "/ai/v1/ingest",
            data={"patientId": patient_id},
            files={"file": (name, content, content_type)},
        )

    async def wait_run(self, run_id: str) -> dict[str, Any]:
        """Poll the run's status until it leaves ``running``."""
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            response = await self.client.get(f"/ai/v1/ingest/{run_id}/status")
            assert response.status_code == 200, response.text
            status: dict[str, Any] = response.json()
            if status["status"] != "running" or time.monotonic() > deadline:
                return status
            await asyncio.sleep(0.05)

    async def ingested(self, patient_id: str, bundle: dict[str, Any] | None = None) -> None:
        status = await self.wait_run(await self.ingest_bundle(patient_id, bundle or load_bundle()))
        assert status["status"] == "success", status

    async def summarize(
        self, patient_id: str, template_id: str = "clinia-hpi-medications", **headers: str
    ) -> list[ServerSentEvent]:
        body = {"patientId": patient_id, "summaryTemplateId": template_id}
        async with aconnect_sse(
            self.client, "POST", "/ai/v1/summaries", json=body, headers=headers
        ) as source:
            assert source.response.status_code == 200
            # httpx-sse turns a keep-alive comment after an event with an id into an empty
            # message; an EventSource dispatches nothing for it, so neither do we.
            return [event async for event in source.aiter_sse() if event.data]


def payloads(events: list[ServerSentEvent]) -> list[dict[str, Any]]:
    return [json.loads(event.data) for event in events]


@pytest.fixture
async def clinia(app: FastAPI, tenant_key: IssuedKey) -> AsyncIterator[Clinia]:
    async with clinia_client(app, tenant_key.api_key) as client:
        yield Clinia(client)


@pytest.fixture
async def other_clinia(app: FastAPI, runtime: Runtime) -> AsyncIterator[Clinia]:
    """Another tenant."""
    issued = await new_key(runtime)
    async with clinia_client(app, issued.api_key) as client:
        yield Clinia(client)


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """The (already started) app on a real local socket, in this event loop; its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", ws="none", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> None:
    """Wait until ``check()`` (sync or async) is truthy; fail past the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)
