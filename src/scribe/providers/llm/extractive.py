"""The embedded engine as a text provider: deterministic, offline, no model weights."""

from __future__ import annotations

import anyio

from scribe import clinical
from scribe.clinical.types import NoteDraft
from scribe.providers.llm.base import ChatRequest, NoteRequest


class ExtractiveProvider:
    name = "extractive"

    async def write_note(self, request: NoteRequest) -> NoteDraft:
        # Pure CPU work: keep it off the event loop so long transcripts don't stall requests.
        return await anyio.to_thread.run_sync(
            lambda: clinical.write_note(request.utterances, request.template, style=request.style)
        )

    async def answer(self, request: ChatRequest) -> str:
        return await anyio.to_thread.run_sync(
            lambda: clinical.answer_question(request.question, request.utterances)
        )
