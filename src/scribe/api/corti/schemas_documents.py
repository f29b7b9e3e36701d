"""Corti documents: the create and update bodies, the context union, and the Document shape.

Bodies follow the 2026 SDK (``DocumentsCreateRequest`` is either ``templateKey`` or a dynamic
``template``); the context is parsed here, so a malformed one is Corti's A0015, not a generic 400.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from scribe import clinical
from scribe.api import evidence as api_evidence
from scribe.api.errors import describe_validation
from scribe.api.evidence import Evidence, evidence_field
from scribe.api.types import NON_BLANK, STORABLE, NonEmptyText, StrictText, column
from scribe.clinical.types import Utterance
from scribe.errors import InvalidContextError
from scribe.notes.evidence import Evidence as NoteEvidence
from scribe.notes.models import Note, NoteSection
from scribe.notes.service import DocumentRequest, SectionEdit, TemplateChoice

Timestamp = Annotated[
    datetime,
    PlainSerializer(
        lambda value: (
            value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        ),
        return_type=str,
    ),
]
NonEmpty = NonEmptyText
SectionKey = Annotated[StrictStr, NON_BLANK, column(NoteSection.key), STORABLE]
SectionName = Annotated[StrictStr, column(NoteSection.title), STORABLE]
SectionTitle = Annotated[StrictStr, NON_BLANK, column(NoteSection.title), STORABLE]
DocumentName = Annotated[StrictStr, column(Note.title), STORABLE]
TemplateKey = Annotated[StrictStr, NON_BLANK, column(Note.template_key), STORABLE]
Language = Annotated[StrictStr, NON_BLANK, column(Note.language), STORABLE]
Number = StrictInt | StrictFloat
Source = Literal["core", "system", "user"]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- context -------------------------------------------------------------------------------


class TranscriptData(Body):
    channel: Number | None = None
    participant: Number | None = None
    speakerId: Number | None = None
    text: StrictStr
    start: Number | None = None
    end: Number | None = None


class TranscriptContext(Body):
    type: Literal["transcript"]
    # The SDK sends one object per context entry; a list of them is accepted too.
    data: TranscriptData | list[TranscriptData]


class StringContext(Body):
    type: Literal["string"]
    data: NonEmpty


class FactInput(Body):
    text: NonEmpty
    group: StrictStr | None = None
    source: Source | None = None


class FactsContext(Body):
    type: Literal["facts"]
    data: Annotated[list[FactInput], Field(min_length=1)]


ContextItem = Annotated[
    TranscriptContext | StringContext | FactsContext, Field(discriminator="type")
]
_CONTEXT = TypeAdapter(Annotated[list[ContextItem], Field(min_length=1, max_length=10_000)])


def parse_context(raw: Any) -> list[TranscriptContext | StringContext | FactsContext]:
    """The context entries, or a 400 (A0015) naming what is wrong (never the content)."""
    try:
        items = _CONTEXT.validate_python(raw)
    except ValidationError as exc:
        detail = describe_validation(exc.errors(include_input=False))
        raise InvalidContextError(f"Invalid context: {detail}") from exc
    if len(items) > 1 and any(item.type != "transcript" for item in items):
        raise InvalidContextError(
            "Invalid context: several context objects are accepted only of type transcript"
        )
    return items


def context_utterances(
    items: list[TranscriptContext | StringContext | FactsContext],
) -> list[Utterance]:
    """Transcript and string context as utterances; speaker labels in the text are honoured."""
    parsed: list[Utterance] = []
    for item in items:
        if isinstance(item, StringContext):
            parsed.extend(clinical.parse_transcript(item.data))
        elif isinstance(item, TranscriptContext):
            data = item.data if isinstance(item.data, list) else [item.data]
            parsed.extend(u for d in data for u in _timed(d))
    # Each text numbers its utterances from s0, so they are renumbered across the context.
    return [
        Utterance(f"u{i}", u.text, u.speaker, u.start_ms, u.end_ms) for i, u in enumerate(parsed)
    ]


def _timed(data: TranscriptData) -> list[Utterance]:
    """A transcript object's utterances; one utterance alone keeps the object's times (ms)."""
    parsed = clinical.parse_transcript(data.text)
    if len(parsed) != 1 or data.start is None or data.end is None:
        return parsed
    start, end = _ms(data.start), _ms(data.end)
    if start is None or end is None or end < start:
        return parsed
    return [replace(parsed[0], start_ms=start, end_ms=end)]


def _ms(value: int | float) -> int | None:
    # Bounded like a 32-bit column: evidence times are integers a client can trust.
    return round(value) if 0 <= value < 2**31 else None


# --- requests ------------------------------------------------------------------------------


class SectionOverride(Body):
    key: SectionKey
    nameOverride: SectionTitle | None = None
    writingStyleOverride: StrictStr | None = None
    formatRuleOverride: StrictStr | None = None
    additionalInstructionsOverride: StrictStr | None = None
    contentOverride: StrictStr | None = None


class DynamicTemplate(Body):
    """``sectionKeys`` (with a document name) or ``sections`` with per-section overrides."""

    sectionKeys: Annotated[list[SectionKey], Field(min_length=1, max_length=64)] | None = None
    sections: Annotated[list[SectionOverride], Field(min_length=1, max_length=64)] | None = None
    documentName: DocumentName | None = None
    additionalInstructions: StrictStr | None = None
    description: StrictStr | None = None
    additionalInstructionsOverride: StrictStr | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.sectionKeys is None) == (self.sections is None):
            raise ValueError("template needs either sectionKeys or sections")
        return self

    def choice(self) -> TemplateChoice:
        if self.sections is not None:
            titles = {s.key: s.nameOverride for s in self.sections if s.nameOverride}
            keys = tuple(s.key for s in self.sections)
            return TemplateChoice(section_keys=keys, titles=titles, name=self.documentName)
        return TemplateChoice(section_keys=tuple(self.sectionKeys or ()), name=self.documentName)


class DocumentCreate(Body):
    context: Any = Field()
    templateKey: TemplateKey | None = None
    template: DynamicTemplate | None = None
    name: DocumentName | None = None
    outputLanguage: Language
    modelName: StrictStr | None = None
    disableGuardrails: StrictBool | None = None
    documentationMode: Literal["global_sequential", "routed_parallel"] | None = None

    @model_validator(mode="after")
    def _one_template(self) -> Self:
        if (self.templateKey is None) == (self.template is None):
            raise ValueError("send either templateKey or template")
        return self

    def request(self, created_by: str | None) -> DocumentRequest:
        items = parse_context(self.context)
        choice = self.template.choice() if self.template else TemplateChoice(key=self.templateKey)
        facts = [(f.text, f.group) for i in items if isinstance(i, FactsContext) for f in i.data]
        return DocumentRequest(
            template=choice,
            language=self.outputLanguage.strip(),
            name=self.name,
            utterances=() if facts else context_utterances(items),
            facts=facts,
            created_by=created_by,
        )


class SectionInput(Body):
    key: SectionKey
    name: SectionName | None = None
    text: StrictText | None = None
    sort: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = None

    def edit(self) -> SectionEdit:
        return SectionEdit(self.key, self.name, self.text, self.sort)


class DocumentUpdate(Body):
    name: DocumentName | None = None
    sections: Annotated[list[SectionInput], Field(max_length=64)] | None = None

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [section.key for section in self.sections or ()]
        if len(set(keys)) != len(keys):
            raise ValueError("section keys must be unique")
        return self


# --- responses -----------------------------------------------------------------------------


class UsageInfo(BaseModel):
    creditsConsumed: float = 0.0


class DocumentSection(BaseModel):
    key: str
    name: str
    text: str
    sort: int
    createdAt: Timestamp
    updatedAt: Timestamp


class Document(BaseModel):
    id: str
    name: str
    templateRef: str
    isStream: bool = False
    sections: list[DocumentSection]
    createdAt: Timestamp
    updatedAt: Timestamp
    outputLanguage: str
    usageInfo: UsageInfo
    evidence: Evidence = evidence_field(
        "section key",
        "sentence",
        "context entries",
        "the context the document was written from",
        "Context is not stored, so the document keeps a copy of what it quotes: utterances of "
        'transcript and string context ("u0", "u1"… in context order; a transcript object '
        'that is one utterance keeps its start and end, in ms) or facts ("f0"… in order). '
        "An edited section keeps only the sentences it left as they were.",
    )

    @classmethod
    def of(cls, note: Note, evidence: NoteEvidence) -> Document:
        sections = [
            DocumentSection(
                key=s.key,
                name=s.title,
                text=s.text,
                sort=s.position,
                createdAt=s.created_at,
                updatedAt=s.updated_at,
            )
            for s in note.sections
        ]
        return cls(
            id=note.id,
            name=note.title or note.template_key,
            templateRef=note.template_key,
            sections=sections,
            createdAt=note.created_at,
            updatedAt=note.updated_at,
            outputLanguage=note.language or "en",
            usageInfo=UsageInfo(),
            evidence=api_evidence.of(evidence),
        )


class DocumentList(BaseModel):
    data: list[Document]
