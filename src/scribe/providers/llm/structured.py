"""JSON schemas asked of the model, and the checks its answers must pass to be used.

Schemas follow OpenAI's strict structured-output subset (every property required, no extra
properties, null through ``"type": [..., "null"]``), which vLLM, Ollama and llama.cpp accept
as well. Errors never quote the answer: it is clinical text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from scribe.clinical.types import DraftSection, NoteDraft, NoteSentence, SectionSpec
from scribe.providers.llm.base import FieldSpec, FieldValue, NoteRequest, ProposedCode
from scribe.providers.llm.errors import EmptyOutputError, InvalidOutputError

ResponseFormat = Literal["json_schema", "json_object"]
_Model = TypeVar("_Model", bound=BaseModel)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_TRUE = frozenset({"true", "yes"})
_FALSE = frozenset({"false", "no"})
_STATEMENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "segment_ids": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["text", "segment_ids"],
    "additionalProperties": False,
}
_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "array": {"type": ["array", "null"], "items": {"type": "string"}},
}

_CODE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "justification": {"type": "string"},
        "confidence_percent": {"type": "number"},
    },
    "required": ["code", "justification", "confidence_percent"],
    "additionalProperties": False,
}


class _Statement(BaseModel):
    text: str
    segment_ids: list[str | int] = []


class _NoteAnswer(BaseModel):
    sections: dict[str, list[_Statement]]


class _FieldsAnswer(BaseModel):
    fields: dict[str, Any]


class _Code(BaseModel):
    code: str = Field(min_length=1)
    justification: str
    confidence_percent: float = Field(allow_inf_nan=False)


class _CodesAnswer(BaseModel):
    codes: list[_Code]


def response_format(name: str, schema: dict[str, Any], mode: ResponseFormat) -> dict[str, Any]:
    """The ``response_format`` request member: a strict schema, or plain JSON mode."""
    if mode == "json_object":
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}


def note_schema(sections: Sequence[SectionSpec]) -> dict[str, Any]:
    """A schema with one array of statements per template section key."""
    keys = list(dict.fromkeys(section.key for section in sections))
    by_key = {
        "type": "object",
        "properties": {key: {"type": "array", "items": _STATEMENT} for key in keys},
        "required": keys,
        "additionalProperties": False,
    }
    return _object({"sections": by_key})


def fields_schema(fields: Sequence[FieldSpec]) -> dict[str, Any]:
    """A schema with one nullable value of the declared type per field id."""
    ids = list(dict.fromkeys(field.id for field in fields))
    by_id = {field.id: _field_schema(field) for field in fields}
    values = {"type": "object", "properties": by_id, "required": ids, "additionalProperties": False}
    return _object({"fields": values})


def codes_schema() -> dict[str, Any]:
    """{"codes": [{"code", "justification", "confidence_percent"}]}, every property required."""
    return _object({"codes": {"type": "array", "items": _CODE}})


def _field_schema(field: FieldSpec) -> dict[str, Any]:
    if field.type == "enum":
        return {"type": ["string", "null"], "enum": [*field.options, None]}
    return _FIELD_SCHEMAS[field.type]


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    required = list(properties)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def parse_note(content: str, request: NoteRequest) -> NoteDraft:
    """The note in template order; unknown keys and segment ids we did not send are dropped."""
    answer = _validated(_NoteAnswer, content)
    known = {utterance.id for utterance in request.utterances}
    sections = tuple(
        DraftSection(
            spec.key,
            spec.title,
            _sentences(answer.sections.get(spec.key, []), known),
            style=request.style,
        )
        for spec in request.template.sections
    )
    if not any(section.sentences for section in sections):
        raise EmptyOutputError("the note has no statements")
    return NoteDraft(request.template.key, sections)


def _sentences(statements: list[_Statement], known: set[str]) -> tuple[NoteSentence, ...]:
    kept = []
    for statement in statements:
        text = " ".join(statement.text.split())
        ids = dict.fromkeys(str(i) for i in statement.segment_ids if str(i) in known)
        if text:
            kept.append(NoteSentence(text, tuple(ids)))
    return tuple(kept)


def parse_fields(content: str, fields: Sequence[FieldSpec]) -> dict[str, FieldValue | None]:
    """One value per field, coerced to its declared type; unknown ids are dropped.

    Coercion takes only unambiguous forms: "5" or "37,5" for a number, "true"/"no" for a
    boolean, a string for a one-item array, an option in another case for an enum. Anything
    else is invalid output, so the whole answer is rejected rather than guessed at.
    """
    answer = _validated(_FieldsAnswer, content)
    return {field.id: coerce(field, answer.fields.get(field.id)) for field in fields}


def parse_codes(content: str) -> list[ProposedCode]:
    """The proposed codes as given: not yet checked against the code set or the note."""
    answer = _validated(_CodesAnswer, content)
    return [
        ProposedCode(item.code.strip(), item.justification.strip(), item.confidence_percent)
        for item in answer.codes
    ]


def coerce(field: FieldSpec, value: Any) -> FieldValue | None:
    """The value as the field's declared type, None for null or blank."""
    if value is None or (isinstance(value, str | list) and not value):
        return None
    if field.type == "number":
        return _number(field, value)
    if field.type == "boolean":
        return _boolean(field, value)
    if field.type == "array":
        return _array(field, value)
    if field.type == "enum":
        return _enum(field, value)
    return _string(field, value)


def _number(field: FieldSpec, value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    text = value.strip() if isinstance(value, str) else ""
    # "37,5" is a decimal comma; "1,500" could be either, so it is not guessed at.
    if _NUMBER.match(text) and not _THOUSANDS.match(text):
        return float(text.replace(",", "."))
    raise _invalid(field)


def _boolean(field: FieldSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _invalid(field)


def _array(field: FieldSpec, value: Any) -> tuple[str, ...] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(_is_scalar(item) for item in items):
        raise _invalid(field)
    kept = tuple(str(item).strip() for item in items if str(item).strip())
    return kept or None


def _enum(field: FieldSpec, value: Any) -> str:
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for option in field.options:
            if option.strip().casefold() == wanted:
                return option
    raise _invalid(field)


def _string(field: FieldSpec, value: Any) -> str | None:
    if _is_scalar(value):
        return str(value).strip() or None
    if isinstance(value, list) and all(_is_scalar(item) for item in value):
        return ", ".join(str(item).strip() for item in value) or None
    raise _invalid(field)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _invalid(field: FieldSpec) -> InvalidOutputError:
    return InvalidOutputError(f"field {field.id!r} is not a valid {field.type}")


def _validated(model: type[_Model], content: str) -> _Model:
    try:
        return model.model_validate(load_json(content))
    except ValidationError:
        # The validation error quotes the answer, which is clinical text: keep it out.
        raise InvalidOutputError("the answer does not match the schema") from None


def load_json(content: str) -> Any:
    """Parse an answer, tolerating the Markdown fence some servers wrap JSON mode in."""
    text = content.strip()
    fenced = _FENCE.match(text)
    try:
        return json.loads(fenced.group(1) if fenced else text)
    except json.JSONDecodeError:
        raise InvalidOutputError("the answer is not JSON") from None
