"""Nabla's shapes of core objects: transcript items, notes, and the callback bodies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from scribe.clinical.problems import group_by_problem
from scribe.clinical.sentences import split_sentences
from scribe.clinical.types import DraftSection, NoteDraft, Utterance
from scribe.notes.evidence import from_draft
from scribe.transcripts.models import TranscriptSegment

_SPEAKERS = frozenset({"doctor", "patient"})
# The sections split_by_problem applies to (the seed's wording).
PROBLEM_SECTIONS = frozenset({"HISTORY_OF_PRESENT_ILLNESS", "SOAP_SUBJECTIVE"})
_TITLE_SECTIONS = ("CHIEF_COMPLAINT", "DIET_CHIEF_COMPLAINT", *PROBLEM_SECTIONS)
_TITLE_CHARS = 120


def public_id(request_id: str) -> str:
    """Request ids as Nabla writes them (upper-case UUIDs); lookups ignore case."""
    return request_id.upper()


def core_id(public: str) -> str:
    return public.strip().lower()


def transcript_items(
    segments: Sequence[TranscriptSegment], *, split_by_sentence: bool
) -> list[dict[str, Any]]:
    """Transcript items, one per segment or (``split_by_sentence``) one per sentence.

    A segment's sentences share its time span in proportion to their length in characters:
    the recogniser times segments, not sentences, so this is an estimate within the segment.
    """
    items: list[dict[str, Any]] = []
    for segment in segments:
        speaker = segment.speaker_role if segment.speaker_role in _SPEAKERS else "unspecified"
        start = segment.start_ms or 0
        end = max(segment.end_ms or start, start)
        parts = split_sentences(segment.text) if split_by_sentence else [segment.text.strip()]
        items.extend(_timed([p for p in parts if p], speaker, start, end))
    return items


def _timed(parts: list[str], speaker: str, start: int, end: int) -> list[dict[str, Any]]:
    total = sum(len(part) for part in parts) or 1
    items, offset, consumed = [], start, 0
    for part in parts:
        consumed += len(part)
        stop = start + round((end - start) * consumed / total)
        items.append(
            {"text": part, "speaker": speaker, "start_time_ms": offset, "end_time_ms": stop}
        )
        offset = stop
    return items


def note_body(
    draft: NoteDraft, utterances: Sequence[Utterance], *, split_by_problem: bool
) -> dict[str, Any]:
    """``{title?, sections, evidence}``: the sections that say something, in template order.

    ``evidence`` (not in Nabla's API) quotes the utterances behind each sentence of them. Nabla
    gives transcript items no ids, so a quoted segment's id is its position in the transcript
    ("0" first): the index of the client's transcript item (digest), or of the segment.
    """
    sections = [
        {"key": s.key, "title": s.title, "text": _text(s, split_by_problem)}
        for s in draft.sections
        if s.sentences
    ]
    evidence = from_draft(draft, utterances, keys=[s["key"] for s in sections])
    positions = {u.id: str(i) for i, u in enumerate(utterances)}
    for sentences in evidence.values():
        for sentence in sentences:
            for quote in sentence["segments"]:
                quote["id"] = positions[quote["id"]]
    title = note_title(draft)
    head = {"title": title} if title else {}
    return {**head, "sections": sections, "evidence": evidence}


def _text(section: DraftSection, split_by_problem: bool) -> str:
    if not split_by_problem or section.key not in PROBLEM_SECTIONS:
        return section.text
    groups = group_by_problem([sentence.text for sentence in section.sentences])
    if not groups:
        return section.text
    blocks = []
    for group in groups:
        own = replace(section, sentences=tuple(section.sentences[i] for i in group.indices))
        blocks.append(f"{group.title}:\n{own.text}")
    return "\n\n".join(blocks)


def note_title(draft: NoteDraft) -> str | None:
    """The visit's main problems ("Knee pain and headache"), else its chief complaint."""
    sentences = [
        sentence.text
        for section in draft.sections
        if section.key in _TITLE_SECTIONS
        for sentence in section.sentences
    ]
    headings = [group.title for group in group_by_problem(sentences)][:2]
    if headings:
        rest = [h if h.isupper() else h.lower() for h in headings[1:]]
        return " and ".join([headings[0], *rest])
    if not sentences:
        return None
    return sentences[0].strip().rstrip(".")[:_TITLE_CHARS] or None


def success_payload(
    request_id: str | None,
    client_request_id: str | None,
    *,
    transcript: list[dict[str, Any]] | None,
    note: dict[str, Any] | None,
) -> dict[str, Any]:
    """The success body; ``id`` and ``client_request_id`` only for async requests."""
    body: dict[str, Any] = {}
    if request_id is not None:
        body.update(id=public_id(request_id), client_request_id=client_request_id)
    if transcript is not None:
        body["transcript"] = transcript
    if note is not None:
        body["note"] = note
    return body


def error_payload(
    request_id: str, client_request_id: str | None, code: int, message: str
) -> dict[str, Any]:
    """The error variant of the callback body (field names per vendors.md §3.3)."""
    return {
        "id": public_id(request_id),
        "client_request_id": client_request_id,
        "error": {"code": code, "message": message},
    }
