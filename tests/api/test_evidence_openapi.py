"""Each dialect's OpenAPI document shows the evidence field on the note responses it answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import client_for

# (dialect, method, path) of every operation answering a note, and the status it answers with.
NOTE_OPERATIONS = [
    ("omniloy", "get", "/v1/clinical-notes/{note_id}", "200"),
    ("omniloy", "get", "/v1/clinical-notes", "200"),
    ("omniloy", "patch", "/v1/clinical-notes/{note_id}", "200"),
    ("omniloy", "get", "/v1/lang-graph/threads/{thread_id}/runs/{run_id}/join", "200"),
    ("corti", "post", "/v2/interactions/{id}/documents/", "201"),
    ("corti", "get", "/v2/interactions/{id}/documents/{documentId}", "200"),
    ("corti", "get", "/v2/interactions/{id}/documents/", "200"),
    ("nabla", "post", "/v1/copilot-api/server/listen", "200"),
    ("nabla", "post", "/v1/copilot-api/server/digest", "200"),
    ("clinia", "get", "/ai/v1/summaries/{summaryId}", "200"),
    ("clinia", "get", "/ai/v1/summaries", "200"),
    ("invox", "post", "/api/v1/generate-clinical-note-from-summary", "200"),
    ("invox", "post", "/api/v1/generate-clinical-note", "200"),
    ("invox", "post", "/api/v1/generate-consultation-summary", "200"),
]


def _reached(document: dict[str, Any], node: Any, seen: set[str]) -> list[dict[str, Any]]:
    """Every schema object reachable from a node, following $refs once each."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            seen.add(ref)
            target = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
            found += [target, *_reached(document, target, seen)]
        for value in node.values():
            found += _reached(document, value, seen)
    elif isinstance(node, list):
        for value in node:
            found += _reached(document, value, seen)
    return found


@pytest.mark.parametrize(("dialect", "method", "path", "status"), NOTE_OPERATIONS)
async def test_the_note_response_documents_its_evidence(
    app: FastAPI, dialect: str, method: str, path: str, status: str
) -> None:
    async with client_for(app, None) as client:
        document = (await client.get(f"/openapi/{dialect}.json")).json()
    response = document["paths"][path][method]["responses"][status]
    schemas = _reached(document, response, set())
    with_evidence = [s for s in schemas if "evidence" in s.get("properties", {})]
    assert with_evidence, (dialect, path)
    evidence = with_evidence[0]["properties"]["evidence"]
    assert "Not in the vendor's API" in evidence["description"]
    sentence = document["components"]["schemas"]["EvidenceSentence"]
    assert set(sentence["properties"]) == {"text", "segments"}
    segment = document["components"]["schemas"]["EvidenceSegment"]
    assert set(segment["properties"]) == {"id", "start_ms", "end_ms", "speaker", "text"}
