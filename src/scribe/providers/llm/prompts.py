"""One prompt per task, kept as data: a system text and a user-message template each.

Templates use ``string.Template`` (``$name``) so the JSON shapes they quote need no escaping.
Transcript segments and record items carry their ids, which the model cites back as
provenance; anything it cites that we did not send is dropped when the answer is parsed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from string import Template
from typing import Literal, TypedDict

from scribe.clinical.types import NoteStyle, TemplateSpec, Utterance
from scribe.providers.llm.base import (
    ChatRequest,
    CodingRequest,
    FieldSpec,
    FieldsRequest,
    NoteRequest,
    SourceItem,
    SummaryRequest,
)


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


NOT_MENTIONED = "The transcript does not mention that."

NOTE_SYSTEM = """You are a clinical scribe. You write a clinical note for a template from the \
transcript of a visit between a clinician and a patient.
Rules:
- Use only what the transcript says. Never add findings, diagnoses, doses or plans that were \
not said.
- Write concise clinical statements in the third person, as a clinician charts them.
- Put each statement in the one section it belongs to. A section the transcript says nothing \
about gets an empty list.
- One sentence per statement, with the ids of the transcript segments it is based on in \
"segment_ids".
- Leave out greetings, small talk and scheduling chatter.
- Answer with JSON only, in this shape: \
{"sections": {"<section key>": [{"text": "...", "segment_ids": ["<segment id>"]}]}}"""

NOTE_USER = Template("""Template: $template
Sections, as "key: title (what goes there)":
$sections

$style
$language

Transcript, one segment per line as "[id] speaker: text":
$segments""")

_STYLE: dict[NoteStyle, str] = {
    "paragraphs": "Write full sentences; the sentences of a section are read as a paragraph.",
    "bullet_points": "Keep each statement short: each one is shown as a bullet point.",
}

CHAT_SYSTEM = Template(f"""You answer a clinician's questions about one visit, using only its \
transcript. If the transcript does not answer the question, reply exactly: "{NOT_MENTIONED}"
Be brief: one to three sentences of plain text, no markdown.

Transcript, one segment per line as "[id] speaker: text":
$segments""")

SUMMARY_SYSTEM = """You write one section of a clinical summary of a patient from items of the \
patient's record.
Rules:
- Use only the record items given. Never add facts, values, dates or diagnoses they do not hold.
- Cover the items relevant to the section; leave the others out.
- If no item is relevant, say in one sentence that nothing relevant is recorded.
- Plain sentences only: no heading, no markdown, no item ids."""

SUMMARY_USER = Template("""Section: $title
$instructions
$language

Record items, one per line as "[id] kind (date): text":
$items""")

FIELDS_SYSTEM = """You fill the fields of a clinical form from a source text (a visit summary \
or a transcript).
Rules:
- Take every value from the source. When the source does not state a field, its value is null.
- Do not translate or rephrase: keep the source's language and wording.
- string: the relevant words of the source. number: a plain number without units.
- boolean: true when the source states it, false when the source denies or negates it.
- enum: exactly one of the field's options, or null. array: a list of short strings.
- Answer with JSON only, in this shape: {"fields": {"<field id>": <value or null>}}"""

FIELDS_USER = Template("""$language
Fields, one JSON object per line:
$fields

Source text:
$source""")

CODING_SYSTEM = """You are an outpatient medical coder. You assign ICD-10-CM codes to a \
clinical note.
Rules:
- Code only conditions the note states as confirmed for this patient: not negated, not \
uncertain ("possible", "rule out"), not family history, not resolved.
- When the note has an assessment or plan, code what it addresses.
- Use the most specific billable ICD-10-CM code the note supports, with its dot ("E11.9").
- "justification": the words of the note that support the code, copied exactly as written \
(a phrase or one sentence). Never paraphrase.
- "confidence_percent": from 0 to 100, how sure you are the code applies.
- Answer with JSON only, in this shape: \
{"codes": [{"code": "...", "justification": "...", "confidence_percent": 90}]}"""

CODING_USER = Template("""Clinical note:
$text""")


def note_messages(request: NoteRequest) -> list[Message]:
    """Messages asking for a note as JSON sections with segment-id provenance."""
    user = NOTE_USER.substitute(
        template=request.template.name,
        sections=_sections(request.template),
        style=_STYLE[request.style],
        language=_language("Write the note", request.language, "transcript"),
        segments=_segments(request.utterances),
    )
    return [_message("system", NOTE_SYSTEM), _message("user", user)]


def chat_messages(request: ChatRequest) -> list[Message]:
    """Messages for a question about a visit, after the earlier turns of the conversation."""
    messages = [_message("system", CHAT_SYSTEM.substitute(segments=_segments(request.utterances)))]
    for role, text in request.history:
        messages.append(_message("assistant" if role == "assistant" else "user", text))
    messages.append(_message("user", request.question))
    return messages


def summary_messages(request: SummaryRequest) -> list[Message]:
    """Messages for one summary section, written from the record items only."""
    user = SUMMARY_USER.substitute(
        title=request.title,
        instructions=f"Instructions: {request.instructions}" if request.instructions else "",
        language=_language("Write the section", request.language, "record"),
        items="\n".join(_item_line(item) for item in request.items) or "(no items)",
    )
    return [_message("system", SUMMARY_SYSTEM), _message("user", user)]


def fields_messages(request: FieldsRequest) -> list[Message]:
    """Messages asking for one typed value (or null) per field id."""
    user = FIELDS_USER.substitute(
        language=_language("Answer", request.language, "source"),
        fields="\n".join(_field_line(field) for field in request.fields),
        source=request.source,
    )
    return [_message("system", FIELDS_SYSTEM), _message("user", user)]


def coding_messages(request: CodingRequest) -> list[Message]:
    """Messages asking for ICD-10-CM codes with verbatim evidence from the note."""
    return [
        _message("system", CODING_SYSTEM),
        _message("user", CODING_USER.substitute(text=request.text)),
    ]


def _message(role: Literal["system", "user", "assistant"], content: str) -> Message:
    return {"role": role, "content": content}


def _sections(template: TemplateSpec) -> str:
    lines = []
    for section in template.sections:
        kinds = ", ".join(kind.replace("_", " ") for kind in section.kinds)
        lines.append(f"- {section.key}: {section.title}" + (f" ({kinds})" if kinds else ""))
    return "\n".join(lines)


def _segments(utterances: Sequence[Utterance]) -> str:
    return "\n".join(f"[{u.id}] {u.speaker}: {' '.join(u.text.split())}" for u in utterances)


def _language(verb: str, language: str | None, source: str) -> str:
    if language:
        return f"{verb} in the language with code {language}."
    return f"{verb} in the language of the {source}."


def _item_line(item: SourceItem) -> str:
    dated = f" ({item.date})" if item.date else ""
    return f"[{item.id}] {item.kind}{dated}: {' '.join(item.text.split())}"


def _field_line(field: FieldSpec) -> str:
    described: dict[str, object] = {"id": field.id, "name": field.name, "type": field.type}
    if field.description:
        described["description"] = field.description
    if field.type == "enum":
        described["options"] = list(field.options)
    return json.dumps(described, ensure_ascii=False)
