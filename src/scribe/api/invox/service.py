"""What the Invox routes do: fill a template's typed fields; summarise a consultation.

Nothing is stored: Invox's generation endpoints are stateless (the request is audited, the text
is not kept). Values come from the text provider (the embedded engine, or a configured LLM with
the engine as its fallback) and are forced to the declared type here, whichever answered.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from scribe import clinical
from scribe.api.invox import soap
from scribe.api.invox.schemas import (
    FieldValue,
    NoteField,
    SummaryField,
    SummaryFields,
    TemplateField,
)
from scribe.api.invox.validation import FieldsJob, SummaryJob
from scribe.clinical.grounding import source_segments
from scribe.clinical.types import (
    DraftSection,
    NoteDraft,
    NoteSentence,
    Utterance,
)
from scribe.errors import TranscriptTooLongForNoteError, TranscriptTooShortForNoteError
from scribe.notes import evidence, writing
from scribe.notes.evidence import Evidence
from scribe.providers.llm.base import (
    FieldFiller,
    FieldSpec,
    FieldsRequest,
    NoteRequest,
    TextProvider,
)

# What a field the source does not state holds when its template value gives no default. A
# number or a boolean has no empty value of its own type (0 or false would be a finding), so
# it is null.
_EMPTY: dict[str, FieldValue] = {
    "string": "",
    "enum": "",
    "array": [],
    "number": None,
    "boolean": None,
}
_EXTRACTIVE = "extractive"


async def fill_template(
    provider: FieldFiller, job: FieldsJob, *, max_words: int | None = None
) -> tuple[list[NoteField], Evidence, float]:
    """Fill every field of the template, in order; return them, their evidence and the time.

    max_words caps a transcription source (SCRIBE_LIMITS__NOTE_TRANSCRIPT_WORDS): past it, 413
    ``transcriptTooLong``, as the other dialects answer a note from too long a transcript.

    The evidence of a field lists its value (each item of an array) with the sentences of the
    source (``s0``, ``s1``… in source order) it was found in; a value the source did not give
    (empty, or the template's default) has none.
    """
    _check_length(job.source, max_words)
    started = time.perf_counter()
    specs = [_spec(field) for field in job.template.fields]
    values = await provider.fill_fields(FieldsRequest(job.source, specs, job.language))
    filled = [_filled(field, values.get(field.id)) for field in job.template.fields]
    claims = {f.id: _claims(f, _coerce(f, values.get(f.id))) for f in job.template.fields}
    passages = [evidence.quote_utterance(u) for u in source_segments(job.source)]
    return filled, evidence.grounded(claims, passages), _seconds_since(started)


def _claims(field: TemplateField, value: FieldValue) -> list[evidence.Claim]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [evidence.Claim(item, item) for item in value]
    if isinstance(value, bool):
        return [evidence.Claim(json.dumps(value), "", cue=field.name)]
    if isinstance(value, int | float):
        return [evidence.Claim(json.dumps(value), json.dumps(value), cue=field.name)]
    cue = field.name if field.type == "enum" else ""
    return [evidence.Claim(value, value, cue=cue)]


def _spec(field: TemplateField) -> FieldSpec:
    options = tuple(field.enumerableOptions or ())
    return FieldSpec(field.id, field.name, field.description or "", field.type, options)


def _filled(field: TemplateField, raw: object) -> NoteField:
    note_field = NoteField(
        id=field.id,
        name=field.name,
        description=field.description or "",
        type=field.type,
        value=typed_value(field, raw),
    )
    if field.enumerableOptions is not None:
        note_field.enumerableOptions = list(field.enumerableOptions)
    return note_field


def typed_value(field: TemplateField, raw: object) -> FieldValue:
    """The value as the field's type, or the field's empty value when there is none."""
    value = _coerce(field, raw)
    return value if value is not None else empty_value(field)


def empty_value(field: TemplateField) -> FieldValue:
    """The template's own value when it fits the type (the caller's default), else empty."""
    default = _coerce(field, field.value)
    return default if default is not None else _EMPTY.get(field.type)


def _coerce(field: TemplateField, raw: Any) -> FieldValue:
    if field.type == "number":
        return _number(raw)
    if field.type == "boolean":
        return raw if isinstance(raw, bool) else None
    if field.type == "array":
        items = raw if isinstance(raw, list | tuple) else ()
        return [item.strip() for item in items if isinstance(item, str) and item.strip()] or None
    if field.type == "enum":
        return raw if isinstance(raw, str) and raw in (field.enumerableOptions or ()) else None
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _number(raw: Any) -> int | float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    # 92 rather than 92.0: the same JSON number, as a person would write it.
    return int(raw) if float(raw).is_integer() and abs(raw) < 2**53 else float(raw)


async def consultation_summary(
    provider: TextProvider, job: SummaryJob, *, max_words: int | None = None
) -> tuple[str | SummaryFields, Evidence, float]:
    """Summarise a transcript as SOAP text or SOAP fields; return it, its evidence and the time.

    The evidence is keyed by SOAP section (``subjective``…) and quotes the transcript's
    utterances (``s0``, ``s1``… in transcript order). max_words caps the transcript in every
    language, the sorted (non-English) summary included.
    """
    _check_length(job.transcript, max_words)
    started = time.perf_counter()
    sections, found = await _soap_sections(provider, job)
    labels = soap.labels(job.language)
    if job.output_format == "SOAP_TEMPLATE":
        fields = [
            SummaryField(name=labels[key][0], description=labels[key][1], value=sections[key])
            for key in soap.SECTIONS
        ]
        return SummaryFields(fields=fields), found, _seconds_since(started)
    text = "\n\n".join(
        f"{labels[key][0]}: {sections[key]}" for key in soap.SECTIONS if sections[key]
    )
    return text, found, _seconds_since(started)


async def _soap_sections(
    provider: TextProvider, job: SummaryJob
) -> tuple[dict[str, str], Evidence]:
    utterances = clinical.parse_transcript(soap.plain_text(job.transcript))
    # The engine's note writer reads and rewrites English; an LLM writes any language.
    if job.language == "en" or provider.name != _EXTRACTIVE:
        template = clinical.get_template("SOAP")
        assert template is not None  # a built-in
        request = NoteRequest(utterances, template=template, language=job.language)
        try:
            draft = await writing.write_note(provider, request)
        except TranscriptTooShortForNoteError:
            if job.language == "en":
                raise
        else:
            texts = {key: draft.as_mapping().get(key, "") for key in soap.SECTIONS}
            return texts, evidence.from_draft(draft, utterances, keys=soap.SECTIONS)
    return _sorted_sections(utterances)


def _sorted_sections(utterances: list[Utterance]) -> tuple[dict[str, str], Evidence]:
    """The transcript's own sentences sorted into SOAP sections, each citing its utterance."""
    origin = {s: u.id for u in reversed(utterances) for s in clinical.split_sentences(u.text)}
    sorted_ = soap.sort_sentences([s for u in utterances for s in clinical.split_sentences(u.text)])
    if not any(sorted_.values()):
        raise TranscriptTooShortForNoteError(writing.TOO_SHORT)
    draft = NoteDraft(
        "SOAP",
        tuple(
            DraftSection(key, key, tuple(NoteSentence(s, (origin[s],)) for s in found))
            for key, found in sorted_.items()
        ),
    )
    texts = {key: " ".join(found) for key, found in sorted_.items()}
    return texts, evidence.from_draft(draft, utterances)


def _check_length(transcript: str, max_words: int | None) -> None:
    words = len(transcript.split())
    if max_words is not None and words > max_words:
        raise TranscriptTooLongForNoteError(
            f"The transcript has {words} words; notes are written from at most {max_words}"
        )


def _seconds_since(started: float) -> float:
    return round(time.perf_counter() - started, 3)
