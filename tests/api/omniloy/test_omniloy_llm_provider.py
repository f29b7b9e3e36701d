"""An Omniloy extraction run with an OpenAI-compatible text provider (a local fake server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.config import Settings
from scribe.providers.llm import FallbackProvider
from tests.api.evidence_checks import check_evidence, stored_segments
from tests.conftest import client_for
from tests.providers.llm.apps import app_with_model
from tests.providers.llm.fake_server import FakeChatServer, Scripted, completion, json_completion

VISIT = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()
SECTIONS = {
    "subjective": [{"text": "Right knee pain after a fall from a ladder.", "segment_ids": []}],
    "objective": [{"text": "Medial joint line tenderness.", "segment_ids": []}],
    "assessment": [{"text": "Medial collateral ligament sprain.", "segment_ids": []}],
    "plan": [{"text": "Naproxen and physical therapy.", "segment_ids": []}],
}


@pytest.fixture(scope="module")
async def app(settings: Settings, chat_server: FakeChatServer) -> AsyncIterator[FastAPI]:
    async with app_with_model(settings, chat_server, queue_name="llm-provider-tests") as app:
        yield app


@pytest.fixture
def server(chat_server: FakeChatServer) -> FakeChatServer:
    chat_server.reset()
    return chat_server


async def _extract(api: httpx.AsyncClient, transcript: str) -> dict[str, object]:
    created = await api.post(
        "/v1/transcriptions/create",
        json={"duration_seconds": 60, "original_transcript": transcript},
    )
    return await _run(api, created.json()["transcription"]["id"])


async def _run(api: httpx.AsyncClient, transcript_id: str) -> dict[str, object]:
    thread = (await api.post("/v1/lang-graph/threads", json={})).json()["thread_id"]
    body = {
        "input": {"messages": [{"role": "user", "content": "Generate a SOAP note"}]},
        "config": {
            "configurable": {
                "thread_id": thread,
                "transcription_id": transcript_id,
                "template": "SOAP",
            }
        },
    }
    run = (await api.post(f"/v1/lang-graph/threads/{thread}/runs", json=body)).json()
    joined = await api.get(f"/v1/lang-graph/threads/{thread}/runs/{run['run_id']}/join")
    assert joined.status_code == 200, joined.text
    note: dict[str, object] = joined.json()["clinical_note"]
    return note


class TestOpenAIProvider:
    async def test_the_note_comes_from_the_model(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        server.reply(json_completion({"sections": SECTIONS}))
        async with client_for(app, tenant_key.api_key, **{"x-doctor": "d"}) as api:
            note = await _extract(api, VISIT)
        content = note["ai_generated_content"]
        assert content == {key: items[0]["text"] for key, items in SECTIONS.items()}
        sent = server.received[-1].body
        assert sent["model"] == "test-model"
        assert sent["response_format"]["type"] == "json_schema"

    async def test_garbage_from_the_model_falls_back_to_the_engine(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        provider = app.state.runtime.text
        assert isinstance(provider, FallbackProvider)
        before = provider.fallbacks["note"]
        server.reply(completion("Sure! Here is your note: subjective is fine."))
        async with client_for(app, tenant_key.api_key, **{"x-doctor": "d"}) as api:
            note = await _extract(api, VISIT)
        content = note["ai_generated_content"]
        assert isinstance(content, dict)
        assert "ladder" in content["subjective"]  # the engine's note, from the transcript
        assert provider.fallbacks["note"] == before + 1

    async def test_a_server_error_falls_back_too(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        server.reply(Scripted(status=503, body={"error": "overloaded"}))
        async with client_for(app, tenant_key.api_key, **{"x-doctor": "d"}) as api:
            note = await _extract(api, VISIT)
        assert "ladder" in note["ai_generated_content"]["subjective"]  # type: ignore[index]


class TestCitedEvidence:
    async def test_the_note_carries_the_segments_the_model_cited_that_exist(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        runtime = app.state.runtime
        async with client_for(app, tenant_key.api_key, **{"x-doctor": "d"}) as api:
            created = await api.post(
                "/v1/transcriptions/create",
                json={"duration_seconds": 60, "original_transcript": VISIT},
            )
            transcript_id = created.json()["transcription"]["id"]
            segments = await stored_segments(runtime, transcript_id)
            knee = [i for i, s in segments.items() if "knee" in s["text"].lower()]
            naproxen = [i for i, s in segments.items() if "naproxen" in s["text"].lower()]
            cited = {
                **SECTIONS,
                "subjective": [{"text": SECTIONS["subjective"][0]["text"], "segment_ids": knee}],
                "plan": [
                    {"text": "Naproxen and physical therapy.", "segment_ids": [*naproxen, "s999"]}
                ],
            }
            server.reply(json_completion({"sections": cited}))
            note = await _run(api, transcript_id)
        evidence = note["evidence"]
        assert isinstance(evidence, dict)
        assert [s["id"] for s in evidence["subjective"][0]["segments"]] == knee
        assert [s["id"] for s in evidence["plan"][0]["segments"]] == naproxen
        assert evidence["objective"] == [{"text": "Medial joint line tenderness.", "segments": []}]
        check_evidence(evidence, note["ai_generated_content"], segments, minimum=0.5)  # type: ignore[arg-type]
