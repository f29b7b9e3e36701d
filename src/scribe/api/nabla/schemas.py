"""Nabla request and response bodies (archived API of seed 003; vendors.md §3)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scribe.api.evidence import Evidence, evidence_field

OutputObject = Literal["transcript_item", "note"]
Language = Literal["fr", "en", "en-US", "en-GB", "fr-FR", "es-ES", "es-MX"]
NoteTemplate = Literal[
    "GENERAL_MEDICINE",
    "GENERAL_MEDICINE_AP_MERGED",
    "CARDIOLOGY",
    "PSYCHIATRY",
    "DIET",
    "PSYCHOLOGY",
    "SOAP",
    "GENERAL_MEDICINE_WCC",
    "SOAP_WCC",
    "GENERAL_MEDICINE_EMERGENCY",
    "SOAP_EMERGENCY",
]
SectionStyle = Literal["auto", "paragraphs", "bullet_points"]
Speaker = Literal["doctor", "patient", "unspecified"]
RequestStatus = Literal["ongoing", "succeeded", "failed"]
_URL = Field(min_length=1, max_length=4096)


class NoteOptions(BaseModel):
    """How the note is written; later fields such as ``note_generation_mode`` are ignored."""

    model_config = ConfigDict(extra="ignore")

    language: Language
    section_style: SectionStyle = "auto"
    split_by_problem: bool = False
    note_template: NoteTemplate = "GENERAL_MEDICINE"


class ListenParameters(NoteOptions):
    """``request_parameters`` of ``/listen``: what to return and how."""

    output_objects: list[OutputObject] = Field(min_length=1)
    split_by_sentence: bool = False


class ListenAsyncRequest(ListenParameters):
    file_url: str = _URL
    callback_url: str = _URL
    client_request_id: str | None = Field(default=None, max_length=128)


class TranscriptItemIn(BaseModel):
    text: str
    speaker: Speaker


class DigestRequest(NoteOptions):
    output_objects: list[Literal["note"]] = Field(default=["note"], min_length=1)
    transcript_items: list[TranscriptItemIn] = Field(min_length=1, max_length=20_000)


class DigestAsyncRequest(DigestRequest):
    callback_url: str = _URL
    client_request_id: str | None = Field(default=None, max_length=128)


class AsyncAccepted(BaseModel):
    request_id: str = Field(examples=["98FCE1EF-DBCA-41EF-8BC7-4D1621AC07C6"])
    client_request_id: str | None


class TranscriptItem(BaseModel):
    text: str
    speaker: Speaker
    start_time_ms: int
    end_time_ms: int


class NoteSection(BaseModel):
    key: str
    title: str
    text: str


class Note(BaseModel):
    title: str | None = None
    sections: list[NoteSection]
    evidence: Evidence = evidence_field(
        "section key shown",
        "sentence",
        "transcript segments",
        "the request's transcript",
        "Transcript items have no ids, so a segment's id is its position in the transcript "
        '("0" first): the index of the transcript item sent to digest, or of the recognised '
        "segment (the transcript item unless split_by_sentence).",
    )


class ErrorItem(BaseModel):
    code: int
    message: str


class Payload(BaseModel):
    """The result: the sync response, and the callback body with ``id`` and the client's id.

    ``transcript`` and ``note`` are present only when requested; ``error`` only on failure.
    """

    id: str | None = None
    client_request_id: str | None = None
    transcript: list[TranscriptItem] | None = None
    note: Note | None = None
    error: ErrorItem | None = None


class DigestResult(BaseModel):
    note: Note


class RequestState(BaseModel):
    """``GET /listen_async/{request_id}``: the status and, once done, the callback body."""

    id: str
    client_request_id: str | None
    status: RequestStatus
    payload: dict[str, Any] | None = Field(
        default=None,
        description="Once done, the callback body (a Payload: note with its evidence, or error)",
    )
    # Not in Nabla's API (clients ignore it): the fraction of the work done, 1 once it ends.
    progress: float = Field(default=0.0, ge=0, le=1)
