"""Omniloy request and response bodies, as its API reference spells them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Header
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from scribe.api.evidence import Evidence, evidence_field
from scribe.api.types import NON_BLANK, STORABLE, NonEmptyText, StrictText, column, column_length
from scribe.auth.models import AuditRecord
from scribe.notes.models import Note
from scribe.transcripts.models import Transcript

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
# x-doctor and x-patient are stored with every audit record (and as the author of what is made).
DoctorHeader = Annotated[str | None, Header(max_length=column_length(AuditRecord.actor))]
PatientHeader = Annotated[str | None, Header(max_length=column_length(AuditRecord.patient_ref))]
TemplateKey = Annotated[StrictStr, NON_BLANK, column(Note.template_key), STORABLE]
ThreadRef = Annotated[StrictStr, column(Note.thread_id), STORABLE]
Language = Annotated[StrictStr, column(Transcript.language), STORABLE]
MAX_DURATION_SECONDS = 366 * 24 * 3600
RunStatus = Literal["pending", "running", "completed", "failed"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TranscriptionCreate(_Body):
    # Bounded (a year) so huge or infinite values are a 400, not an overflow further in.
    duration_seconds: Annotated[
        StrictFloat | StrictInt, Field(ge=0, le=MAX_DURATION_SECONDS, allow_inf_nan=False)
    ]
    original_transcript: NonEmpty
    language_used: Language | None = None


class Transcription(BaseModel):
    id: str
    user_id: str | None
    group_id: str
    duration_seconds: float
    language_used: str | None
    original_transcript: str
    created_at: Timestamp
    updated_at: Timestamp


class TranscriptionCreated(BaseModel):
    message: str = "Transcription created successfully"
    transcription: Transcription


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant", "system"]
    content: StrictText


class RunInput(_Body):
    messages: Annotated[list[ChatMessage], Field(min_length=1)]


class Configurable(BaseModel):
    model_config = ConfigDict(extra="allow")

    thread_id: NonEmpty
    template: TemplateKey | None = None
    transcription_id: NonEmpty | None = None
    clinical_note_id: NonEmpty | None = None


class RunConfig(_Body):
    configurable: Configurable


class RunCreate(_Body):
    input: RunInput
    config: RunConfig


class ThreadMetadata(BaseModel):
    doctor: str | None
    patient: str | None


class ThreadValues(BaseModel):
    messages: list[ChatMessage]


class ThreadOut(BaseModel):
    thread_id: str
    created_at: Timestamp
    updated_at: Timestamp
    status: Literal["active", "closed"]
    metadata: ThreadMetadata
    values: ThreadValues


class RunError(BaseModel):
    code: str
    message: str


class RunOut(BaseModel):
    run_id: str
    thread_id: str
    status: RunStatus
    kind: Literal["chat", "extraction"]
    created_at: Timestamp
    updated_at: Timestamp
    clinical_note_id: str | None = None
    error: RunError | None = None
    progress: float = Field(
        default=0.0, ge=0, le=1, description="Fraction of the run's work done (1 once it ends)"
    )


class ClinicalNote(BaseModel):
    id: str
    user_id: str | None
    group_id: str
    transcription_id: str | None
    template: str
    ai_generated_content: dict[str, Any]
    feedback: str | None
    report_thread_id: str | None
    report_run_id: list[str]
    created_at: Timestamp
    updated_at: Timestamp
    evidence: Evidence = evidence_field(
        "section key of ai_generated_content",
        "generated sentence",
        "transcription segments",
        "the note's transcription",
        "A section the client rewrote keeps only the sentences it left as they were; free-form "
        "content has none.",
    )


class RunJoined(RunOut):
    messages: list[ChatMessage]
    clinical_note: ClinicalNote | None = None


class ClinicalNoteCreate(_Body):
    transcription_id: NonEmpty | None = None
    template: TemplateKey = "SOAP"
    ai_generated_content: dict[str, Any] | None = None
    feedback: StrictText | None = None
    report_thread_id: ThreadRef | None = None
    report_run_id: list[StrictText] | None = None


class ClinicalNotePatch(_Body):
    template: TemplateKey | None = None
    ai_generated_content: dict[str, Any] | None = None
    feedback: StrictText | None = None
    report_thread_id: ThreadRef | None = None
    report_run_id: list[StrictText] | None = None
