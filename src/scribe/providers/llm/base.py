"""Text generation: the questions the core asks of a language provider.

Each is a one-method Protocol, so an adapter can answer one or more::

    provider = ExtractiveProvider()
    draft = await provider.write_note(NoteRequest(utterances, template=get_template("SOAP")))
    draft.as_mapping()  # {"subjective": "...", "objective": "...", ...}

    async for text in provider.stream_section(SummaryRequest("Medications", items)):
        ...  # "Lisinopril 20 mg daily.", " Metformin 500 mg twice daily."

    values = await provider.fill_fields(FieldsRequest(summary, fields))
    values["398DC0DF"]  # 38.5, True, ("ibuprofen 400 mg",), "acute bronchitis" or None

    proposals = await provider.propose_codes(CodingRequest(note_text))
    proposals[0]  # ProposedCode("I10", "Hypertension.", 95.0): unvalidated, see coding.service
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from scribe.clinical.coding import ProposedCode
from scribe.clinical.fields import FieldSpec, FieldType, FieldValue
from scribe.clinical.summary import SourceItem, SourceKind
from scribe.clinical.types import NoteDraft, NoteStyle, TemplateSpec, Utterance

__all__ = [
    "ChatRequest",
    "ChatResponder",
    "CodeProposer",
    "CodingRequest",
    "FieldFiller",
    "FieldSpec",
    "FieldType",
    "FieldValue",
    "FieldValues",
    "FieldsRequest",
    "NoteRequest",
    "NoteWriter",
    "ProposedCode",
    "SectionSummarizer",
    "SourceItem",
    "SourceKind",
    "SummaryRequest",
    "TextProvider",
]

# One value per field id, of the field's declared type; None when the source does not say.
FieldValues = Mapping[str, FieldValue | None]


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
    # Earlier turns as (role, text), role "user" or "assistant", oldest first.
    history: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """One section of a patient summary, written from the patient's record only."""

    title: str
    items: Sequence[SourceItem]
    instructions: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FieldsRequest:
    """Typed template fields to fill from a source text (a visit summary or a transcript)."""

    source: str
    fields: Sequence[FieldSpec]
    language: str | None = None


@dataclass(frozen=True, slots=True)
class CodingRequest:
    """A clinical note (and/or a PDF's text) to propose ICD-10-CM codes for."""

    text: str


class NoteWriter(Protocol):
    """Writes a note for a template from transcript utterances.

    Raises ``TranscriptTooShortError`` when there is too little to write from, and
    ``ProviderError`` when the provider itself fails.
    """

    async def write_note(self, request: NoteRequest) -> NoteDraft: ...


class ChatResponder(Protocol):
    """Answers a question about a conversation, grounded in its transcript."""

    async def answer(self, request: ChatRequest) -> str: ...


class SectionSummarizer(Protocol):
    """Streams one summary section as text increments; joined, they are the section's text.

    Says nothing the record does not hold. Raises ``ProviderError`` when the provider fails,
    before the first increment or in the middle of the stream::

        text = "".join([piece async for piece in provider.stream_section(request)])
    """

    def stream_section(self, request: SummaryRequest) -> AsyncIterator[str]: ...


class FieldFiller(Protocol):
    """Fills typed fields: a value of the declared type per field id, or None when unsaid.

    Array values are tuples of strings, numbers are floats, enum values are one of the
    declared options exactly as declared.
    """

    async def fill_fields(self, request: FieldsRequest) -> FieldValues: ...


class CodeProposer(Protocol):
    """Proposes ICD-10-CM codes for a note, each with a verbatim quote of its evidence.

    Proposals are not trusted: the caller checks them against the code set and the note
    (``coding.service``). Raises ``ProviderError`` when the provider fails.
    """

    async def propose_codes(self, request: CodingRequest) -> list[ProposedCode]: ...


@runtime_checkable
class EmbeddedEngine(Protocol):
    """A provider that answers from the embedded engine itself, with no model behind it.

    A caller that has already run the engine need not ask such a provider again::

        if not isinstance(provider, EmbeddedEngine):
            proposals = await provider.propose_codes(CodingRequest(text))
    """

    embedded_engine: Literal[True]


@runtime_checkable
class CountsFallbacks(Protocol):
    """A provider that counts, per task, the answers a fallback gave instead of it.

    Example::

        if isinstance(provider, CountsFallbacks):
            dict(provider.fallback_counts())  # {"note": 2}: reported as a metric
    """

    def fallback_counts(self) -> Iterable[tuple[str, int]]: ...


class TextProvider(
    NoteWriter, ChatResponder, SectionSummarizer, FieldFiller, CodeProposer, Protocol
):
    """A provider that answers every question (what the runtime holds)."""

    name: str

    async def aclose(self) -> None:
        """Release connections; the runtime calls it once at shutdown."""
        ...
