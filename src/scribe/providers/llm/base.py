"""Text generation: the two questions the core asks of a language provider.

Each is a one-method Protocol, so an adapter can answer one or both::

    provider = ExtractiveProvider()
    draft = await provider.write_note(NoteRequest(utterances, template=get_template("SOAP")))
    draft.as_mapping()  # {"subjective": "...", "objective": "...", ...}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from scribe.clinical.types import NoteDraft, NoteStyle, TemplateSpec, Utterance


@dataclass(frozen=True, slots=True)
class NoteRequest:
    utterances: Sequence[Utterance]
    template: TemplateSpec
    style: NoteStyle = "paragraphs"
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    question: str
    utterances: Sequence[Utterance]
    history: Sequence[tuple[str, str]] = ()


class NoteWriter(Protocol):
    """Writes a note for a template from transcript utterances.

    Raises ``TranscriptTooShortError`` when there is too little to write from, and
    ``ProviderError`` when the provider itself fails.
    """

    async def write_note(self, request: NoteRequest) -> NoteDraft: ...


class ChatResponder(Protocol):
    """Answers a question about a conversation, grounded in its transcript."""

    async def answer(self, request: ChatRequest) -> str: ...


class TextProvider(NoteWriter, ChatResponder, Protocol):
    """A provider that answers both (what the runtime holds)."""

    name: str
