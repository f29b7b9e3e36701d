"""Operations: health, readiness, docs, request ids, and logs without clinical text."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from scribe.logs import JsonFormatter
from tests.conftest import client_for

VISIT = (Path(__file__).parent / "data" / "visit_knee.txt").read_text()


async def test_healthz_needs_no_credentials(app: FastAPI) -> None:
    async with client_for(app, None) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database_queue_and_providers(app: FastAPI) -> None:
    async with client_for(app, None) as client:
        body = (await client.get("/readyz")).json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["queue"] == "ok"
    assert body["checks"]["providers"]["llm"]["name"] == "extractive"
    assert body["checks"]["providers"]["asr"]["name"] == "whisper"


async def test_openapi_lists_the_omniloy_routes(app: FastAPI) -> None:
    async with client_for(app, None) as client:
        spec = (await client.get("/openapi.json")).json()
        assert (await client.get("/docs")).status_code == 200
    assert "/v1/lang-graph/threads/{thread_id}/runs/{run_id}/join" in spec["paths"]
    assert "/v1/clinical-notes/{note_id}" in spec["paths"]


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/v1/clinical-notes", headers={"x-request-id": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    generated = await client.get("/v1/clinical-notes")
    assert len(generated.headers["x-request-id"]) == 32


async def test_logs_are_json_with_request_id_and_no_clinical_text(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.post(
        "/v1/transcriptions/create",
        json={"duration_seconds": 30, "original_transcript": VISIT},
        headers={"x-request-id": "req-phi"},
    )
    await client.post("/v1/transcriptions/create", json={"original_transcript": VISIT})
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    access = [line for line in lines if '"request_id": "req-phi"' in line]
    assert access, "the access log carries the request id"
    everything = "\n".join(lines).lower()
    for phrase in ("ibuprofen", "penicillin", "ladder", "thompson"):
        assert phrase not in everything


async def test_the_documents_show_the_400s_dialects_answer_not_fastapis_422(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    codes = {
        code
        for item in document["paths"].values()
        for operation in item.values()
        for code in operation.get("responses", {})
    }
    assert "HTTPValidationError" not in str(document["paths"])
    assert "400" in codes
    assert "HTTPValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("dialect", "prefixes"),
    [
        ("omniloy", ("/v1/",)),
        ("corti", ("/v2/", "/realms/")),
        ("nabla", ("/v1/copilot-api/", "/listen_async")),
        ("clinia", ("/ai/v1/", "/summary-templates")),
        ("invox", ("/api/v1/",)),
    ],
)
async def test_each_dialect_has_its_own_document(
    client: httpx.AsyncClient, dialect: str, prefixes: tuple[str, ...]
) -> None:
    response = await client.get(f"/openapi/{dialect}.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths
    assert all(path.startswith(prefixes) for path in paths)
    if dialect == "omniloy":
        assert not any(path.startswith("/v1/copilot-api") for path in paths)


async def test_an_unknown_dialect_document_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/openapi/acme.json")).status_code == 404


async def test_a_real_422_stays_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi/nabla.json")).json()
    assert "422" in document["paths"]["/v1/copilot-api/server/digest"]["post"]["responses"]
