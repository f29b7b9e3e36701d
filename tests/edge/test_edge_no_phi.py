"""No clinical text in logs, metrics or error bodies, whatever bad input a dialect is sent.

Every request carries a marker word where clinical text (or a patient's identifier) goes, next to
input the database or a parser may choke on (a NUL character, a lone surrogate, an over-long
value, NaN, deep nesting). The status is not checked here (validation at the edge decides it):
what is checked is that the marker comes back in no error body, no log line (JSON or text, with
tracebacks) and no metric.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.logs import JsonFormatter, ScrubbingFormatter
from scribe.runtime import Runtime

NUL, SURROGATE = "\x00", "\ud800"


class Markers:
    """Fresh marker words, one per request, so a leak names the request it came from."""

    def __init__(self) -> None:
        self.issued: list[str] = []

    def __call__(self) -> str:
        word = f"Quillmarker{uuid.uuid4().hex[:10]}"
        self.issued.append(word)
        return word


@pytest.fixture
def captured_logs() -> Iterator[list[io.StringIO]]:
    """What the production handlers would write (both formats), at INFO and above."""
    streams = [io.StringIO(), io.StringIO()]
    formatters = [JsonFormatter(), ScrubbingFormatter("%(levelname)s %(name)s: %(message)s")]
    handlers = [logging.StreamHandler(s) for s in streams]
    for handler in handlers:
        # httpx logs the URL of every request this test's own client sends.
        handler.addFilter(lambda record: record.name != "httpx")
    root = logging.getLogger()
    level = root.level
    for handler, formatter in zip(handlers, formatters, strict=True):
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield streams
    finally:
        root.setLevel(level)
        for handler in handlers:
            root.removeHandler(handler)


@pytest.fixture
async def raw(app: FastAPI, tenant_key: IssuedKey) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sees a crash as the 500 a real client would (not as an exception)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://scribe.test",
        headers={"Authorization": f"Bearer {tenant_key.api_key}", "x-doctor": "dr_house"},
        timeout=30,
    ) as client:
        yield client


def as_json(body: Any) -> dict[str, Any]:
    """JSON text with the escapes kept (a lone surrogate cannot be encoded otherwise)."""
    return {"content": json.dumps(body), "headers": {"Content-Type": "application/json"}}


def nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


async def omniloy_cases(raw: httpx.AsyncClient, mark: Markers) -> list[httpx.Response]:
    create = "/v1/transcriptions/create"
    out = []
    for bad in (NUL, SURROGATE):
        body = {"duration_seconds": 5, "original_transcript": f"[doctor] {mark()}{bad} knee"}
        out.append(await raw.post(create, **as_json(body)))
        content = {"template": "SOAP", "ai_generated_content": {"plan": f"{mark()}{bad}"}}
        out.append(await raw.post("/v1/clinical-notes", **as_json(content)))
        out.append(await raw.post("/v1/clinical-notes", **as_json({"feedback": mark() + bad})))
        out.append(await raw.post("/v1/codify", **as_json({"medical_note": mark() + bad})))
    out.append(await raw.post("/v1/clinical-notes", **as_json({"template": mark() * 20})))
    nan = '{"ai_generated_content": {"plan": "' + mark() + '", "score": NaN}}'
    out.append(await raw.post("/v1/clinical-notes", content=nan))
    deep = {"ai_generated_content": {"plan": nested(900, mark())}}
    out.append(await raw.post("/v1/clinical-notes", **as_json(deep)))
    out.append(await raw.get("/v1/clinical-notes", params={"transcription_id": mark() + NUL}))
    out.append(await raw.get("/v1/clinical-notes", headers={"x-patient": mark() * 20}))
    created = await raw.post(create, json={"duration_seconds": 5, "original_transcript": "Hi."})
    note = await raw.post(
        "/v1/clinical-notes", json={"transcription_id": created.json()["transcription"]["id"]}
    )
    if note.status_code < 300:
        patch = {"feedback": mark() + NUL, "ai_generated_content": {"plan": mark() + SURROGATE}}
        out.append(await raw.patch(f"/v1/clinical-notes/{note.json()['id']}", **as_json(patch)))
    return out


async def corti_cases(raw: httpx.AsyncClient, mark: Markers) -> list[httpx.Response]:
    def encounter(**changes: Any) -> dict[str, Any]:
        base = {"identifier": "enc-1", "status": "planned", "type": "first_consultation"}
        return {"encounter": {**base, "title": "Knee", **changes}}

    out = []
    for bad in (NUL, SURROGATE):
        out.append(await raw.post("/v2/interactions/", **as_json(encounter(title=mark() + bad))))
        out.append(
            await raw.post("/v2/interactions/", **as_json(encounter(identifier=mark() + bad)))
        )
    date = encounter(period={"startedAt": "0001-01-01T00:00:00+00:01"}, title=mark())
    out.append(await raw.post("/v2/interactions/", **as_json(date)))
    created = await raw.post("/v2/interactions/", json=encounter())
    interaction = created.json()["interactionId"]
    base = f"/v2/interactions/{interaction}"
    for bad in (NUL, SURROGATE):
        facts = {"facts": [{"text": mark() + bad, "group": "history-of-present-illness"}]}
        out.append(await raw.post(f"{base}/facts/", **as_json(facts)))
        context = [{"type": "string", "data": mark() + bad}]
        document = {"templateKey": "corti-soap", "outputLanguage": "en", "context": context}
        out.append(await raw.post(f"{base}/documents/", **as_json(document)))
    login = {"grant_type": "client_credentials", "client_id": mark() + NUL, "client_secret": mark()}
    out.append(await raw.post("/realms/t/protocol/openid-connect/token", data=login))
    return out


async def clinia_cases(raw: httpx.AsyncClient, mark: Markers) -> list[httpx.Response]:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": []}
    out = []
    for bad in (NUL, SURROGATE):
        out.append(
            await raw.post(
                "/ai/v1/ingest", **as_json({"patientId": mark() + bad, "bundle": bundle})
            )
        )
        out.append(await raw.post("/ai/v1/summaries", **as_json({"patientId": mark() + bad})))
        condition = {"resourceType": "Condition", "code": {"text": mark() + bad}}
        full = {**bundle, "entry": [{"resource": condition}]}
        out.append(await raw.post("/ai/v1/ingest", **as_json({"patientId": "p1", "bundle": full})))
    big = (
        '{"patientId": "'
        + mark()
        + '", "bundle": {"resourceType": "Bundle", "n": 9'
        + "9" * 5000
        + "}}"
    )
    out.append(
        await raw.post("/ai/v1/ingest", content=big, headers={"Content-Type": "application/json"})
    )
    deep = '{"patientId": "' + mark() + '", "bundle": {"x": ' + "[" * 99_999 + "]" * 99_999 + "}}"
    out.append(
        await raw.post("/ai/v1/ingest", content=deep, headers={"Content-Type": "application/json"})
    )
    out.append(await raw.get("/ai/v1/summaries", params={"patientId": mark() + NUL}))
    return out


async def nabla_cases(raw: httpx.AsyncClient, mark: Markers) -> list[httpx.Response]:
    base = "/v1/copilot-api/server"
    out = []
    for bad in (NUL, SURROGATE):
        items = [{"text": f"knee pain {mark()}{bad} take ibuprofen", "speaker": "doctor"}]
        body = {"language": "en-US", "transcript_items": items}
        out.append(await raw.post(f"{base}/digest", **as_json(body)))
        out.append(await raw.post(f"{base}/digest_async", **as_json(body)))
    return out


async def invox_cases(raw: httpx.AsyncClient, mark: Markers) -> list[httpx.Response]:
    def template(name: str) -> dict[str, Any]:
        field = {"id": "f1", "name": name, "description": "Diagnosis", "type": "string"}
        return {"id": "t1", "template_name": "T", "template_language": "en", "fields": [field]}

    out = []
    for bad in (NUL, SURROGATE):
        note = {"transcription": f"[doctor] {mark()}{bad}", "template": template("Diagnosis")}
        out.append(await raw.post("/api/v1/generate-clinical-note", **as_json(note)))
        named = {"transcription": "[doctor] Knee.", "template": template(mark() + bad)}
        out.append(await raw.post("/api/v1/generate-clinical-note", **as_json(named)))
        summary = {"transcript": f"[doctor] {mark()}{bad}"}
        out.append(await raw.post("/api/v1/generate-consultation-summary", **as_json(summary)))
        from_summary = {"summary": f"{mark()}{bad}", "template": template("Diagnosis")}
        out.append(
            await raw.post("/api/v1/generate-clinical-note-from-summary", **as_json(from_summary))
        )
    return out


def _name(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path} ({response.status_code})"


class TestNoMarkerLeaks:
    async def test_bad_input_in_every_dialect_leaks_no_marker(
        self, raw: httpx.AsyncClient, captured_logs: list[io.StringIO], runtime: Runtime
    ) -> None:
        mark = Markers()
        responses: list[httpx.Response] = []
        for cases in (omniloy_cases, corti_cases, clinia_cases, nabla_cases, invox_cases):
            responses += await cases(raw, mark)
        metrics = (await raw.get("/metrics")).text
        seen = {
            "metrics": metrics,
            "json log": captured_logs[0].getvalue(),
            "text log": captured_logs[1].getvalue(),
            # A created resource may quote what it was given; an error never does.
            **{_name(r): r.text for r in responses if r.status_code >= 400},
        }
        leaks = {where: [m for m in mark.issued if m in text] for where, text in seen.items()}
        assert not {
            where: [line for line in seen[where].splitlines() if any(m in line for m in found)]
            for where, found in leaks.items()
            if found
        }
        assert len(mark.issued) > 40
