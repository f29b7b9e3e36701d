"""Invox request checks, in the vendor's order and with its ``errorType`` values.

Bodies are read as plain JSON and checked here rather than by FastAPI, so that each problem
gets Invox's own error type, checked in the order summary → template → language (a body
missing both summary and template is ``summaryIsRequired``)::

    note_from_summary({"template": {...}})  # SummaryRequiredError ("summaryIsRequired")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast, get_args

from pydantic import ValidationError

from scribe.api.errors import describe_validation
from scribe.api.invox.errors import (
    InvalidLanguageError,
    InvalidOutputFormatError,
    InvalidTemplateError,
    SummaryRequiredError,
    TemplateRequiredError,
    TranscriptionRequiredError,
    TranscriptRequiredError,
)
from scribe.api.invox.schemas import OutputFormat, Template
from scribe.errors import BadRequestError

LANGUAGES = ("es", "en", "ca", "pt-BR", "pt-PT")
DEFAULT_LANGUAGE = "es"
_BY_FOLDED = {language.lower(): language for language in LANGUAGES}


@dataclass(frozen=True, slots=True)
class FieldsJob:
    """Fill a template's fields from a source text (a summary or a transcription)."""

    source: str
    template: Template
    language: str


@dataclass(frozen=True, slots=True)
class SummaryJob:
    transcript: str
    output_format: OutputFormat
    language: str


def note_from_summary(payload: Any) -> FieldsJob:
    body = _object(payload)
    summary = _text(body, "summary", SummaryRequiredError, "Summary is required")
    template = _template(body)
    return FieldsJob(summary, template, _language(body.get("language"), template))


def clinical_note(payload: Any) -> FieldsJob:
    body = _object(payload)
    message = "Transcription is required"
    transcription = _text(body, "transcription", TranscriptionRequiredError, message)
    template = _template(body)
    return FieldsJob(transcription, template, _language(body.get("language"), template))


def consultation_summary(payload: Any) -> SummaryJob:
    body = _object(payload)
    transcript = _text(body, "transcript", TranscriptRequiredError, "Transcript is required")
    output_format = body.get("outputFormat") or "SUMMARY"
    if output_format not in get_args(OutputFormat):
        raise InvalidOutputFormatError("outputFormat must be SUMMARY or SOAP_TEMPLATE")
    language = _language(body.get("outputLanguage"), None)
    return SummaryJob(transcript, cast(OutputFormat, output_format), language)


def _object(payload: Any) -> Mapping[str, Any]:
    # A JSON array or scalar holds none of the required keys: the first check names what's missing.
    return cast(Mapping[str, Any], payload) if isinstance(payload, dict) else {}


def _text(body: Mapping[str, Any], key: str, missing: type[BadRequestError], message: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise missing(message)
    return value


def _template(body: Mapping[str, Any]) -> Template:
    raw = body.get("template")
    if raw is None:
        raise TemplateRequiredError("Template is required")
    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        detail = describe_validation(exc.errors())
        raise InvalidTemplateError(f"Invalid template: {detail}") from exc


def _language(value: Any, template: Template | None) -> str:
    """The requested language; else the template's when valid; else Spanish."""
    if value is None:
        fallback = template.template_language if template is not None else None
        return _BY_FOLDED.get((fallback or "").strip().lower(), DEFAULT_LANGUAGE)
    language = _BY_FOLDED.get(value.strip().lower()) if isinstance(value, str) else None
    if language is None:
        raise InvalidLanguageError(f"language must be one of {', '.join(LANGUAGES)}")
    return language
