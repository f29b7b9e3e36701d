"""The chat-completions provider against a fake server over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr

from scribe.clinical import TranscriptTooShortError
from scribe.providers.base import ProviderError
from scribe.providers.llm import OpenAIChatProvider
from scribe.providers.llm.base import ChatRequest, NoteRequest, SummaryRequest
from scribe.providers.llm.client import chat_completions_url
from scribe.providers.llm.errors import (
    EmptyOutputError,
    InvalidOutputError,
    ProviderRejectedError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from tests.providers.llm.builders import (
    RECORD,
    VISIT,
    fields_request,
    note_request,
    soap,
)
from tests.providers.llm.conftest import llm_settings
from tests.providers.llm.fake_server import (
    FakeChatServer,
    Scripted,
    completion,
    deltas,
    failure,
    json_completion,
)

NOTE_ANSWER = {
    "sections": {
        "plan": [{"text": "Albuterol inhaler prescribed.", "segment_ids": ["s7"]}],
        "subjective": [
            {"text": "Cough for one week.", "segment_ids": ["s1", "made-up"]},
            {"text": "Denies fever.", "segment_ids": ["s2", "s3"]},
        ],
        "objective": [],
        "assessment": [{"text": "Bronchitis.", "segment_ids": ["s7"]}],
        "billing": [{"text": "Not a template section.", "segment_ids": ["s0"]}],
    }
}


async def _collect(provider: OpenAIChatProvider, request: SummaryRequest) -> list[str]:
    return [piece async for piece in provider.stream_section(request)]


class TestNote:
    async def test_sections_keep_template_order_and_known_provenance(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion(NOTE_ANSWER))
        draft = await provider.write_note(note_request())
        assert draft.template_key == "SOAP"
        assert [s.key for s in draft.sections] == ["subjective", "objective", "assessment", "plan"]
        subjective = draft.sections[0]
        assert [(s.text, s.segment_ids) for s in subjective.sentences] == [
            ("Cough for one week.", ("s1",)),
            ("Denies fever.", ("s2", "s3")),
        ]
        assert draft.sections[1].sentences == ()
        assert draft.as_mapping()["plan"] == "Albuterol inhaler prescribed."

    async def test_request_asks_for_the_template_schema(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion(NOTE_ANSWER))
        await provider.write_note(note_request())
        (sent,) = server.received
        assert sent.path == "/v1/chat/completions"
        assert sent.headers["authorization"] == "Bearer sk-test"
        assert sent.body["model"] == "test-model"
        response_format = sent.body["response_format"]
        assert response_format["type"] == "json_schema"
        assert response_format["json_schema"]["strict"] is True
        sections = response_format["json_schema"]["schema"]["properties"]["sections"]
        assert sections["required"] == ["subjective", "objective", "assessment", "plan"]
        assert sections["additionalProperties"] is False
        prompt = sent.body["messages"][-1]["content"]
        assert "[s1] patient: i have had a cough" in prompt
        assert "- assessment: Assessment" in prompt

    async def test_json_object_mode_for_servers_without_schemas(
        self, server: FakeChatServer
    ) -> None:
        server.reply(completion("```json\n" + json.dumps(NOTE_ANSWER) + "\n```"))
        provider = OpenAIChatProvider(llm_settings(server, response_format="json_object"))
        try:
            draft = await provider.write_note(note_request())
        finally:
            await provider.aclose()
        assert server.received[0].body["response_format"] == {"type": "json_object"}
        assert draft.as_mapping()["assessment"] == "Bronchitis."

    async def test_bullet_style_is_rendered_by_the_draft(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion(NOTE_ANSWER))
        draft = await provider.write_note(NoteRequest(VISIT, soap(), style="bullet_points"))
        assert draft.as_mapping()["subjective"] == "- Cough for one week.\n- Denies fever."

    @pytest.mark.parametrize(
        ("reply", "error"),
        [
            (completion("the patient has a cough"), InvalidOutputError),
            (json_completion({"sections": {"plan": "inhaler"}}), InvalidOutputError),
            (json_completion({"notes": {}}), InvalidOutputError),
            (json_completion({"sections": {"plan": []}}), EmptyOutputError),
            (completion(None), EmptyOutputError),
            (Scripted(body={"unexpected": True}), InvalidOutputError),
        ],
    )
    async def test_unusable_answers_are_provider_errors(
        self,
        server: FakeChatServer,
        provider: OpenAIChatProvider,
        reply: Scripted,
        error: type[ProviderError],
    ) -> None:
        server.reply(reply)
        with pytest.raises(error) as caught:
            await provider.write_note(note_request())
        assert "cough" not in caught.value.message

    async def test_empty_transcript_is_too_short_without_a_request(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        with pytest.raises(TranscriptTooShortError):
            await provider.write_note(note_request([]))
        assert server.received == []


class TestRetries:
    async def test_server_error_then_success(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(failure(500), json_completion(NOTE_ANSWER))
        draft = await provider.write_note(note_request())
        assert len(server.received) == 2
        assert draft.sections[0].sentences

    async def test_rate_limit_then_success(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(failure(429, **{"Retry-After": "0"}), completion("Bronchitis."))
        assert await provider.answer(ChatRequest("Diagnosis?", VISIT)) == "Bronchitis."
        assert len(server.received) == 2

    async def test_server_errors_exhaust_the_retries(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(failure(503), failure(502), completion("never sent"))
        with pytest.raises(ProviderUnavailableError):
            await provider.answer(ChatRequest("Diagnosis?", VISIT))
        assert len(server.received) == 2  # max_retries=1

    async def test_client_errors_are_not_retried(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(failure(401), completion("never sent"))
        with pytest.raises(ProviderRejectedError):
            await provider.answer(ChatRequest("Diagnosis?", VISIT))
        assert len(server.received) == 1

    async def test_timeout(self, server: FakeChatServer) -> None:
        server.reply(Scripted(body={}, delay=1.0))
        provider = OpenAIChatProvider(llm_settings(server, timeout_seconds=0.1, max_retries=0))
        try:
            with pytest.raises(ProviderTimeoutError):
                await provider.answer(ChatRequest("Diagnosis?", VISIT))
        finally:
            await provider.aclose()

    async def test_unreachable_server(self, server: FakeChatServer) -> None:
        closed = llm_settings(server, base_url="http://127.0.0.1:9", max_retries=1)
        provider = OpenAIChatProvider(closed)
        try:
            with pytest.raises(ProviderUnavailableError):
                await provider.answer(ChatRequest("Diagnosis?", VISIT))
        finally:
            await provider.aclose()


class TestStreaming:
    async def test_increments_arrive_in_order(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(deltas(["Lisinopril", " 20 mg", " daily", "."]))
        pieces = await _collect(provider, SummaryRequest("Medications", RECORD))
        assert pieces == ["Lisinopril", " 20 mg", " daily", "."]
        sent = server.received[0].body
        assert sent["stream"] is True
        assert "[m1] medication: lisinopril 20 mg once daily" in sent["messages"][-1]["content"]

    async def test_stream_without_done_marker_ends_with_the_response(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(deltas(["Penicillin", " allergy."], done=False))
        pieces = await _collect(provider, SummaryRequest("Allergies", RECORD))
        assert "".join(pieces) == "Penicillin allergy."

    async def test_failure_before_the_first_increment(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(failure(500), failure(500))
        with pytest.raises(ProviderUnavailableError):
            await _collect(provider, SummaryRequest("Medications", RECORD))

    async def test_empty_stream_is_an_error(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(deltas([]))
        with pytest.raises(EmptyOutputError):
            await _collect(provider, SummaryRequest("Medications", RECORD))

    async def test_malformed_event(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(Scripted(events=("{not json",)))
        with pytest.raises(InvalidOutputError):
            await _collect(provider, SummaryRequest("Medications", RECORD))


class TestFields:
    async def test_values_are_coerced_to_declared_types(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        answer = {
            "f-temp": "38,5",
            "f-smoker": "no",
            "f-severity": "MODERATE",
            "f-meds": "lisinopril 20 mg",
            "f-dx": None,
            "f-unknown": "dropped",
        }
        server.reply(json_completion({"fields": answer}))
        values = await provider.fill_fields(fields_request())
        assert values == {
            "f-temp": 38.5,
            "f-smoker": False,
            "f-severity": "Moderate",
            "f-meds": ("lisinopril 20 mg",),
            "f-dx": None,
        }

    async def test_native_json_values(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        answer = {"f-temp": 5, "f-smoker": True, "f-meds": ["a", "b"], "f-dx": "Bronchitis"}
        server.reply(json_completion({"fields": answer}))
        values = await provider.fill_fields(fields_request())
        assert values["f-temp"] == 5.0
        assert isinstance(values["f-temp"], float)
        assert values["f-smoker"] is True
        assert values["f-meds"] == ("a", "b")
        assert values["f-severity"] is None  # omitted: the source does not say

    async def test_schema_is_built_from_the_field_list(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(json_completion({"fields": {}}))
        await provider.fill_fields(fields_request())
        schema = server.received[0].body["response_format"]["json_schema"]["schema"]
        by_id = schema["properties"]["fields"]["properties"]
        assert by_id["f-temp"] == {"type": ["number", "null"]}
        assert by_id["f-smoker"] == {"type": ["boolean", "null"]}
        assert by_id["f-severity"]["enum"] == ["Mild", "Moderate", "Severe", None]
        assert by_id["f-meds"]["items"] == {"type": "string"}
        assert schema["properties"]["fields"]["required"] == [f.id for f in fields_request().fields]

    @pytest.mark.parametrize(
        "answer",
        [
            {"f-temp": "about five"},
            {"f-temp": True},
            {"f-smoker": "sometimes"},
            {"f-severity": "Critical"},
            {"f-meds": [{"name": "x"}]},
        ],
    )
    async def test_values_that_do_not_fit_the_type_are_invalid(
        self, server: FakeChatServer, provider: OpenAIChatProvider, answer: dict[str, Any]
    ) -> None:
        server.reply(json_completion({"fields": answer}))
        with pytest.raises(InvalidOutputError):
            await provider.fill_fields(fields_request())


class TestChat:
    async def test_plain_text_with_history(
        self, server: FakeChatServer, provider: OpenAIChatProvider
    ) -> None:
        server.reply(completion("  Lisinopril 20 mg a day.\n"))
        history = [("user", "Any fever?"), ("assistant", "Denies fever.")]
        answer = await provider.answer(ChatRequest("Which meds?", VISIT, history=history))
        assert answer == "Lisinopril 20 mg a day."
        roles = [m["role"] for m in server.received[0].body["messages"]]
        assert roles == ["system", "user", "assistant", "user"]
        assert "response_format" not in server.received[0].body


class TestEndpoint:
    async def test_azure_uses_api_key_header_and_version_query(
        self, server: FakeChatServer
    ) -> None:
        settings = llm_settings(
            server,
            base_url=server.base_url + "/openai/deployments/gpt-4o/",
            api_key=SecretStr("azure-key"),
            api_version="2024-10-21",
        )
        server.reply(completion("Bronchitis."))
        provider = OpenAIChatProvider(settings)
        try:
            await provider.answer(ChatRequest("Diagnosis?", VISIT))
        finally:
            await provider.aclose()
        (sent,) = server.received
        assert sent.path == "/openai/deployments/gpt-4o/chat/completions"
        assert sent.query == {"api-version": "2024-10-21"}
        assert sent.headers["api-key"] == "azure-key"
        assert "authorization" not in sent.headers

    @pytest.mark.parametrize(
        ("base_url", "endpoint"),
        [
            ("http://localhost:11434", "http://localhost:11434/v1/chat/completions"),
            ("http://localhost:11434/", "http://localhost:11434/v1/chat/completions"),
            ("https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions"),
            ("https://api.openai.com/v1/", "https://api.openai.com/v1/chat/completions"),
            ("http://vllm:8000/v1/chat/completions", "http://vllm:8000/v1/chat/completions"),
            ("https://g.test/v1beta/openai", "https://g.test/v1beta/openai/chat/completions"),
        ],
    )
    def test_base_url_rule(self, base_url: str, endpoint: str) -> None:
        assert chat_completions_url(base_url) == endpoint

    def test_base_url_and_model_are_required(self, server: FakeChatServer) -> None:
        with pytest.raises(ValueError, match="SCRIBE_LLM__BASE_URL"):
            OpenAIChatProvider(llm_settings(server, base_url=None))
        with pytest.raises(ValueError, match="SCRIBE_LLM__MODEL"):
            OpenAIChatProvider(llm_settings(server, model=""))
