"""Clinia request and response bodies, with the vendor's camelCase field names."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from scribe.api.evidence import Evidence, evidence_field
from scribe.api.types import STORABLE, column_length
from scribe.patients.models import Patient

# Blank ids are refused like missing ones: a client that sends "" has a bug to hear about.
Id = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=column_length(Patient.patient_key)
    ),
    STORABLE,
]


class BundleIngest(BaseModel):
    patientId: Id
    bundle: dict[str, Any]


class IngestStarted(BaseModel):
    runId: str
    status: Literal["started"] = "started"


class IngestStatus(BaseModel):
    runId: str
    status: Literal["running", "success", "failed"]
    currentStep: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


class TemplateSection(BaseModel):
    title: str
    index: int
    instructions: str | None = None


class SummaryTemplate(BaseModel):
    id: str
    name: str
    description: str
    sections: list[TemplateSection]


class TemplateList(BaseModel):
    data: list[SummaryTemplate]


class SummaryCreate(BaseModel):
    patientId: Id
    summaryTemplateId: Id


class SummarySection(BaseModel):
    sectionIndex: int
    sectionTitle: str
    text: str


class SummaryOut(BaseModel):
    id: str
    patientId: str
    summaryTemplateId: str
    status: Literal["success"]
    sections: list[SummarySection]
    createdAt: datetime = Field(description="UTC")
    evidence: Evidence = evidence_field(
        'sectionIndex ("0", "1"…)',
        "sentence",
        "patient record items",
        "the record the summary was written from",
        'A segment is a record item: its id the FHIR reference ("MedicationStatement/m1"; '
        'a document\'s sentence adds "#s<n>"), speaker "record", no times. Items are found '
        "by the sentence's words and numbers, as a model cites none.",
    )


class SummaryList(BaseModel):
    data: list[SummaryOut]
