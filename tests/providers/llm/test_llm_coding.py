"""Code proposals: asked of the model as strict JSON, or answered by the embedded coder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from scribe.providers.llm import ExtractiveProvider, FallbackProvider, OpenAIChatProvider
from scribe.providers.llm.base import CodingRequest, ProposedCode
from tests.providers.llm.conftest import llm_settings
from tests.providers.llm.fake_server import FakeChatServer, completion, json_completion

NOTE = "ASSESSMENT AND PLAN\n\n1. Hypertension.\nContinue lisinopril 20 mg daily."
PROPOSALS = {
    "codes": [
        {"code": "I10", "justification": "Hypertension.", "confidence_percent": 92},
        {"code": "Z79.899", "justification": "Continue lisinopril", "confidence_percent": 40.5},
    ]
}


@pytest.fixture
async def fallback(server: FakeChatServer) -> AsyncIterator[FallbackProvider]:
    provider = FallbackProvider(OpenAIChatProvider(llm_settings(server)), ExtractiveProvider())
    yield provider
    await provider.aclose()


class TestOpenAIProposals:
    async def test_valid_json_proposals_are_parsed(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion(PROPOSALS))
        proposals = await provider.propose_codes(CodingRequest(NOTE))
        assert proposals == [
            ProposedCode("I10", "Hypertension.", 92.0),
            ProposedCode("Z79.899", "Continue lisinopril", 40.5),
        ]

    async def test_the_request_carries_the_json_schema_and_the_note(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion({"codes": []}))
        assert await provider.propose_codes(CodingRequest(NOTE)) == []
        sent = server.received[-1].body
        response_format = sent["response_format"]
        assert response_format["type"] == "json_schema"
        assert response_format["json_schema"]["strict"] is True
        schema = response_format["json_schema"]["schema"]
        assert schema["required"] == ["codes"]
        item = schema["properties"]["codes"]["items"]
        assert item["required"] == ["code", "justification", "confidence_percent"]
        assert item["additionalProperties"] is False
        assert NOTE in sent["messages"][-1]["content"]

    async def test_a_blank_note_asks_nothing(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        assert await provider.propose_codes(CodingRequest("  \n")) == []
        assert server.received == []


class TestFallback:
    @pytest.mark.parametrize(
        "answer",
        [
            pytest.param({"codes": [{"code": "I10"}]}, id="missing-properties"),
            pytest.param({"codes": "I10"}, id="not-a-list"),
            pytest.param({"codes": [{"code": "", "justification": "x", "confidence_percent": 1}]}),
        ],
    )
    async def test_schema_invalid_answers_fall_back_to_the_embedded_codes(
        self, server: FakeChatServer, fallback: FallbackProvider, answer: object
    ) -> None:
        server.reply(json_completion(answer))
        proposals = await fallback.propose_codes(CodingRequest(NOTE))
        assert proposals == await ExtractiveProvider().propose_codes(CodingRequest(NOTE))
        assert [p.code for p in proposals] == ["I10"]
        assert fallback.fallbacks == {"coding": 1}

    async def test_prose_falls_back_too(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(completion("The code is I10."))
        proposals = await fallback.propose_codes(CodingRequest(NOTE))
        assert [p.code for p in proposals] == ["I10"]
        assert fallback.fallbacks == {"coding": 1}

    async def test_a_good_answer_is_used(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(json_completion(PROPOSALS))
        proposals = await fallback.propose_codes(CodingRequest(NOTE))
        assert [p.code for p in proposals] == ["I10", "Z79.899"]
        assert fallback.fallbacks == {}


async def test_the_engine_proposes_its_final_codes_with_quoted_evidence() -> None:
    (proposal,) = await ExtractiveProvider().propose_codes(CodingRequest(NOTE))
    assert (proposal.code, proposal.justification) == ("I10", "Hypertension.")
    assert 0 < proposal.confidence_percent <= 100
