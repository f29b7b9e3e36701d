"""POST /v1/codify with an OpenAI-compatible text provider (a local fake server) proposing codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.config import Settings
from scribe.providers.llm import FallbackProvider
from tests.conftest import client_for
from tests.providers.llm.apps import app_with_model
from tests.providers.llm.fake_server import FakeChatServer, completion, json_completion

NOTE = (
    "ASSESSMENT AND PLAN\n\n"
    "1. Hypertension.\nContinue lisinopril 20 mg daily.\n\n"
    "2. Chronic venous insufficiency of both legs.\nCompression stockings.\n\n"
    "He denies chest pain."
)
VENOUS = "chronic venous insufficiency of both legs"
PROPOSALS = {
    "codes": [
        {"code": "I87.2", "justification": VENOUS, "confidence_percent": 88},
        {"code": "ZZZ.99", "justification": "Hypertension.", "confidence_percent": 70},
        {"code": "J45.909", "justification": "wheezing with asthma", "confidence_percent": 60},
    ]
}


@pytest.fixture(scope="module")
async def app(settings: Settings, chat_server: FakeChatServer) -> AsyncIterator[FastAPI]:
    async with app_with_model(settings, chat_server, queue_name="codify-llm-tests") as app:
        yield app


@pytest.fixture
def server(chat_server: FakeChatServer) -> FakeChatServer:
    chat_server.reset()
    return chat_server


async def _codify(app: FastAPI, key: IssuedKey, model: str) -> dict[str, dict[str, Any]]:
    async with client_for(app, key.api_key) as api:
        response = await api.post("/v1/codify", json={"medical_note": NOTE, "model": model})
    assert response.status_code == 200, response.text
    body = response.json()
    return {
        "final": {item["code"]: item for item in body["final_code_assessments"]},
        "discarded": {item["code"]: item for item in body["discarded_code_assessments"]},
    }


class TestProposals:
    @pytest.mark.parametrize("model", ["balanced", "high-quality"])
    async def test_proposals_are_validated_against_the_code_set_and_the_note(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer, model: str
    ) -> None:
        server.reply(json_completion(PROPOSALS))
        result = await _codify(app, tenant_key, model)
        final, discarded = result["final"], result["discarded"]
        assert set(final) == {"I10", "I87.2"}  # the embedded coder's, and the model's
        assert final["I87.2"]["description"] == "Venous insufficiency (chronic) (peripheral)"
        assert final["I87.2"]["justification"] == VENOUS
        assert final["I87.2"]["confidence_percent"] == 88
        assert discarded["ZZZ.99"]["justification"] == "not an ICD-10-CM code"
        assert discarded["J45.909"]["justification"] == "evidence not found in the note"
        assert discarded["J45.909"]["description"] == "Unspecified asthma, uncomplicated"
        assert "R07.89" in discarded  # the embedded coder's discards are kept
        sent = server.received[-1].body
        assert sent["response_format"]["json_schema"]["name"] == "icd10_codes"

    async def test_a_duplicate_keeps_the_higher_confidence(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        low = {"code": "I10", "justification": "hypertension", "confidence_percent": 1}
        high = {"code": "i10", "justification": "Hypertension.", "confidence_percent": 100}
        server.reply(json_completion({"codes": [low]}))
        embedded = (await _codify(app, tenant_key, "balanced"))["final"]["I10"]
        assert embedded["confidence_percent"] > 1
        server.reply(json_completion({"codes": [high]}))
        merged = (await _codify(app, tenant_key, "balanced"))["final"]["I10"]
        assert merged["confidence_percent"] == 100

    async def test_fast_is_the_embedded_coder_alone(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        result = await _codify(app, tenant_key, "fast")
        assert set(result["final"]) == {"I10"}
        assert server.received == []

    async def test_garbage_from_the_model_falls_back_to_the_embedded_coder(
        self, app: FastAPI, tenant_key: IssuedKey, server: FakeChatServer
    ) -> None:
        provider = app.state.runtime.text
        assert isinstance(provider, FallbackProvider)
        before = provider.fallbacks["coding"]
        server.reply(completion("I would code this as I10 and I87.2."))
        result = await _codify(app, tenant_key, "balanced")
        assert set(result["final"]) == {"I10"}
        assert provider.fallbacks["coding"] == before + 1
