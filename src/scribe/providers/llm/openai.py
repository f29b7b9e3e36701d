"""Text generation by any chat-completions server (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp).

Notes, fields and code proposals come back as JSON held to a schema (built from the template
or the field list for the first two; ``SCRIBE_LLM__RESPONSE_FORMAT=json_object`` for servers
without ``json_schema``); summaries stream token by token; chat answers are plain text::

    provider = OpenAIChatProvider(settings.llm)
    draft = await provider.write_note(NoteRequest(utterances, template))
    await provider.aclose()

Failures are ``ProviderError``s (see ``providers.llm.errors``); ``FallbackProvider`` turns them
into answers from the embedded engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

import httpx

from scribe.clinical.types import NoteDraft, TranscriptTooShortError
from scribe.config import LLMSettings
from scribe.providers.llm import prompts, structured
from scribe.providers.llm.base import (
    ChatRequest,
    CodingRequest,
    FieldsRequest,
    FieldValues,
    NoteRequest,
    ProposedCode,
    SummaryRequest,
)
from scribe.providers.llm.client import ChatCompletionsClient
from scribe.providers.llm.errors import EmptyOutputError


class OpenAIChatProvider:
    name = "openai"

    def __init__(
        self, settings: LLMSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._client = ChatCompletionsClient(settings, transport=transport)
        self._format: structured.ResponseFormat = settings.response_format

    async def write_note(self, request: NoteRequest) -> NoteDraft:
        if not any(utterance.text.strip() for utterance in request.utterances):
            raise TranscriptTooShortError("the transcript is empty")
        schema = structured.note_schema(request.template.sections)
        content = await self._client.complete(
            prompts.note_messages(request),
            response_format=structured.response_format("clinical_note", schema, self._format),
        )
        return structured.parse_note(content, request)

    async def answer(self, request: ChatRequest) -> str:
        content = await self._client.complete(prompts.chat_messages(request))
        if not content.strip():
            raise EmptyOutputError("the answer is empty")
        return content.strip()

    async def stream_section(self, request: SummaryRequest) -> AsyncIterator[str]:
        sent = False
        # Closed explicitly so a caller that stops early releases the HTTP response now.
        async with aclosing(self._client.stream(prompts.summary_messages(request))) as stream:
            async for text in stream:
                sent = sent or bool(text.strip())
                yield text
        if not sent:
            raise EmptyOutputError("the section stream held no text")

    async def fill_fields(self, request: FieldsRequest) -> FieldValues:
        if not request.fields:
            return {}
        schema = structured.fields_schema(request.fields)
        content = await self._client.complete(
            prompts.fields_messages(request),
            response_format=structured.response_format("template_fields", schema, self._format),
        )
        return structured.parse_fields(content, request.fields)

    async def propose_codes(self, request: CodingRequest) -> list[ProposedCode]:
        if not request.text.strip():
            return []
        content = await self._client.complete(
            prompts.coding_messages(request),
            response_format=structured.response_format(
                "icd10_codes", structured.codes_schema(), self._format
            ),
        )
        return structured.parse_codes(content)

    async def aclose(self) -> None:
        await self._client.aclose()
