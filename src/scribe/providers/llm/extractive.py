"""The embedded engine as a text provider: deterministic, offline, no model weights."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

import anyio

from scribe import clinical
from scribe.clinical.coding import code_note
from scribe.clinical.fields import fill_fields
from scribe.clinical.language import looks_english
from scribe.clinical.summary import summarize_section
from scribe.clinical.types import NoteDraft, language_chain
from scribe.errors import TranscriptTooLongForNoteError, UnsupportedTranscriptLanguageError
from scribe.providers.llm.base import (
    ChatRequest,
    CodingRequest,
    FieldsRequest,
    FieldValues,
    NoteRequest,
    ProposedCode,
    SummaryRequest,
)

# About 5 hours of speech; the engine writes 1,000 words in tens of milliseconds, so a note
# stays within seconds. SCRIBE_LIMITS__NOTE_TRANSCRIPT_WORDS changes it.
DEFAULT_MAX_WORDS = 50_000


class ExtractiveProvider:
    """The engine; transcripts over max_words words are a 413, clearly non-English ones a 422."""

    name = "extractive"
    embedded_engine: Literal[True] = True

    def __init__(self, max_words: int = DEFAULT_MAX_WORDS) -> None:
        self.max_words = max_words

    async def write_note(self, request: NoteRequest) -> NoteDraft:
        # Pure CPU work: keep it off the event loop so long transcripts don't stall requests.
        return await anyio.to_thread.run_sync(lambda: self._write(request))

    def _write(self, request: NoteRequest) -> NoteDraft:
        words = sum(len(u.text.split()) for u in request.utterances)
        if words > self.max_words:
            raise TranscriptTooLongForNoteError(
                f"The transcript has {words} words; notes are written from at most {self.max_words}"
            )
        english = request.language is None or "en" in language_chain(request.language)
        if english and not looks_english(u.text for u in request.utterances):
            raise UnsupportedTranscriptLanguageError(
                "The transcript is not in English, the language the note engine writes from"
            )
        return clinical.write_note(request.utterances, request.template, style=request.style)

    async def answer(self, request: ChatRequest) -> str:
        return await anyio.to_thread.run_sync(
            lambda: clinical.answer_question(request.question, request.utterances)
        )

    async def stream_section(self, request: SummaryRequest) -> AsyncIterator[str]:
        """Yield the section sentence by sentence; joined, they read as one paragraph."""
        sentences = await anyio.to_thread.run_sync(
            lambda: summarize_section(
                request.title,
                request.items,
                instructions=request.instructions,
                language=request.language,
            )
        )
        for index, sentence in enumerate(sentences):
            yield sentence.text if index == 0 else " " + sentence.text

    async def fill_fields(self, request: FieldsRequest) -> FieldValues:
        return await anyio.to_thread.run_sync(lambda: fill_fields(request.source, request.fields))

    async def propose_codes(self, request: CodingRequest) -> list[ProposedCode]:
        """The embedded coder's final codes, so a fallback proposes what the coder found."""
        result = await anyio.to_thread.run_sync(lambda: code_note(request.text))
        return [
            ProposedCode(item.code, item.justification, item.confidence_percent)
            for item in result.final
        ]

    async def aclose(self) -> None:
        """Nothing to release: the engine holds no connections."""
