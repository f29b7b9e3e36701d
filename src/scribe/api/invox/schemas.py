"""Invox request and response bodies (seed 004 and the related AI-services pages).

Requests are validated by hand in ``validation.py`` (Invox names which part is wrong, in a fixed
order); the models here check a template's shape and document the responses.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from scribe.api.evidence import Evidence, evidence_field

FieldType = Literal["string", "number", "array", "boolean", "enum"]
OutputFormat = Literal["SUMMARY", "SOAP_TEMPLATE"]
# A filled value; None only for a number or boolean field the source does not state and whose
# template value gives no default (see service.empty_value).
FieldValue = StrictStr | int | float | bool | list[str] | None


class TemplateField(BaseModel):
    """``APITemplateField``: what to fill, its type, and the template's own (default) value."""

    # Later versions add ``context`` and ``history``; they are accepted and not used.
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1)
    name: StrictStr
    description: StrictStr | None = ""
    type: FieldType
    enumerableOptions: list[StrictStr] | None = None
    value: Any = None

    @model_validator(mode="after")
    def _enum_has_options(self) -> TemplateField:
        if self.type == "enum" and not self.enumerableOptions:
            raise ValueError("an enum field needs enumerableOptions")
        return self


class Template(BaseModel):
    """``IAPITemplate``: the note's typed fields, in the order they are answered."""

    model_config = ConfigDict(extra="allow")

    id: StrictStr
    template_name: StrictStr
    template_description: StrictStr | None = ""
    template_language: StrictStr
    fields: list[TemplateField] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Template:
        ids = [field.id for field in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError("field ids must be unique")
        return self


class NoteField(BaseModel):
    """``IAPIField``: one filled field, in input order, with its id."""

    id: str
    name: str
    description: str
    type: FieldType
    enumerableOptions: list[str] | None = None  # only echoed when sent
    value: FieldValue


_FIELDS_MORE = (
    "A value is found in the {source} by its words and numbers (a number or boolean also by the "
    "field's name); each array item is one entry; a value the {source} does not give (empty, or "
    "the template's default) has none. Sentences are numbered s0, s1… in {source} order."
)


class NoteFromSummaryOut(BaseModel):
    clinicalNote: list[NoteField]
    generationTime: float = Field(description="Seconds spent generating")
    evidence: Evidence = evidence_field(
        "field id",
        "value",
        "summary sentences",
        "the summary",
        _FIELDS_MORE.format(source="summary"),
    )


class TemplateFieldOut(BaseModel):
    id: str
    value: FieldValue
    name: str
    type: FieldType


class ClinicalNoteOut(BaseModel):
    isSuccessRequest: bool = True
    templateFields: list[TemplateFieldOut]
    evidence: Evidence = evidence_field(
        "field id",
        "value",
        "transcription sentences",
        "the transcription",
        _FIELDS_MORE.format(source="transcription"),
    )


class SummaryField(BaseModel):
    name: str
    description: str
    value: str


class SummaryFields(BaseModel):
    fields: list[SummaryField]


class ConsultationSummaryOut(BaseModel):
    clinicalNote: str | SummaryFields
    generationTime: float
    evidence: Evidence = evidence_field(
        "SOAP section (subjective, objective, assessment, plan)",
        "sentence",
        "transcript utterances",
        "the transcript",
        'Utterances are numbered "s0", "s1"… in transcript order.',
    )


class TokenOut(BaseModel):
    accessToken: str
    expiresIn: int
