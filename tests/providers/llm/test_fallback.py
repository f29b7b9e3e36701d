"""The embedded engine answers when the chat-completions server fails."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from scribe.clinical import TranscriptTooShortError, parse_transcript
from scribe.providers.llm import ExtractiveProvider, FallbackProvider, OpenAIChatProvider
from scribe.providers.llm.base import ChatRequest, SummaryRequest
from scribe.providers.llm.errors import StreamInterruptedError
from tests.providers.llm.builders import RECORD, VISIT, fields_request, note_request
from tests.providers.llm.conftest import llm_settings
from tests.providers.llm.fake_server import (
    FakeChatServer,
    Scripted,
    completion,
    deltas,
    failure,
    json_completion,
)

ENGINE = ExtractiveProvider()


@pytest.fixture
async def fallback(server: FakeChatServer) -> AsyncIterator[FallbackProvider]:
    settings = llm_settings(server, timeout_seconds=0.2, max_retries=1)
    provider = FallbackProvider(OpenAIChatProvider(settings), ExtractiveProvider())
    yield provider
    await provider.aclose()


async def _collect(provider: Any, request: SummaryRequest) -> list[str]:
    return [piece async for piece in provider.stream_section(request)]


class TestNote:
    @pytest.mark.parametrize(
        "replies",
        [
            pytest.param([Scripted(body={}, delay=1.0)] * 2, id="timeout"),
            pytest.param([failure(500), failure(503)], id="5xx-exhausted"),
            pytest.param([completion("Subjective: cough.")], id="not-json"),
            pytest.param([json_completion({"sections": {"plan": "x"}})], id="schema-invalid"),
            pytest.param([failure(400)], id="rejected"),
        ],
    )
    async def test_failures_are_answered_by_the_engine(
        self, server: FakeChatServer, fallback: FallbackProvider, replies: list[Scripted]
    ) -> None:
        server.reply(*replies)
        draft = await fallback.write_note(note_request())
        assert draft == await ENGINE.write_note(note_request())
        assert fallback.fallbacks == {"note": 1}

    async def test_a_good_answer_is_used(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        answer = {"sections": {"assessment": [{"text": "Bronchitis.", "segment_ids": ["s7"]}]}}
        server.reply(json_completion(answer))
        draft = await fallback.write_note(note_request())
        assert draft.as_mapping()["assessment"] == "Bronchitis."
        assert fallback.fallbacks == {}

    async def test_warning_names_task_and_reason_but_no_text(
        self,
        server: FakeChatServer,
        fallback: FallbackProvider,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        server.reply(completion("the patient has a cough for a week"))
        with caplog.at_level(logging.WARNING, logger="scribe.providers.llm.fallback"):
            await fallback.write_note(note_request())
        (record,) = caplog.records
        assert (record.task, record.reason) == ("note", "InvalidOutputError")  # type: ignore[attr-defined]
        assert "cough" not in str(vars(record))

    async def test_too_short_transcript_still_propagates(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        # The model found nothing to write; the engine agrees the transcript is too short.
        server.reply(json_completion({"sections": {}}))
        with pytest.raises(TranscriptTooShortError):
            await fallback.write_note(note_request(parse_transcript("[doctor] hello .")))
        with pytest.raises(TranscriptTooShortError):
            await fallback.write_note(note_request([]))


class TestOtherTasks:
    async def test_chat(self, server: FakeChatServer, fallback: FallbackProvider) -> None:
        server.reply(failure(500), failure(500))
        request = ChatRequest("What meds is the patient on?", VISIT)
        assert await fallback.answer(request) == await ENGINE.answer(request)
        assert fallback.fallbacks == {"chat": 1}

    async def test_fields(self, server: FakeChatServer, fallback: FallbackProvider) -> None:
        server.reply(json_completion({"fields": {"f-temp": "warm"}}))
        values = await fallback.fill_fields(fields_request())
        assert values == await ENGINE.fill_fields(fields_request())
        assert values["f-temp"] == 38.5
        assert fallback.fallbacks == {"fields": 1}


class TestStreaming:
    async def test_model_stream_passes_through(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(deltas(["Lisinopril", " 20 mg."]))
        assert await _collect(fallback, SummaryRequest("Medications", RECORD)) == [
            "Lisinopril",
            " 20 mg.",
        ]
        assert fallback.fallbacks == {}

    async def test_failure_before_the_first_increment_streams_the_engine(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(failure(500), failure(500))
        request = SummaryRequest("Medications", RECORD)
        pieces = await _collect(fallback, request)
        assert pieces == await _collect(ENGINE, request)
        assert len(pieces) == 2
        assert fallback.fallbacks == {"summary": 1}

    async def test_failure_mid_stream_raises_without_repeating_text(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(deltas(["Lisinopril", " 20"], then=("{broken",)))
        stream = fallback.stream_section(SummaryRequest("Medications", RECORD))
        assert [await anext(stream), await anext(stream)] == ["Lisinopril", " 20"]
        with pytest.raises(StreamInterruptedError):
            await anext(stream)
        assert fallback.fallbacks == {}
        assert fallback.interrupted == {"summary": 1}

    async def test_consumer_may_stop_early(
        self, server: FakeChatServer, fallback: FallbackProvider
    ) -> None:
        server.reply(deltas(["One.", " Two.", " Three."]))
        stream = fallback.stream_section(SummaryRequest("Medications", RECORD))
        assert await anext(stream) == "One."
        await stream.aclose()  # type: ignore[attr-defined]
