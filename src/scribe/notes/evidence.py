"""Evidence: each sentence of a note with the transcript segments it rests on.

A section keeps its sentences as ``[{"text", "segment_ids"}]`` (``NoteSection.sentences``); the
ids are resolved here against the note's own transcript, in the note's tenant, so a sentence
quotes only segments that exist there. A note written from inline context (a Corti document)
has no stored transcript: its sentences keep a copy of the context they quote (``quotes``).
Every sentence is listed, with no segments when nothing supports it (a client's own text)::

    evidence = await for_note(session, tenant_id, note)
    evidence["subjective"][0]
    # {"text": "Cough for a week.", "segments": [{"id": "…", "start_ms": 1200, "end_ms": 3400,
    #   "speaker": "patient", "text": "I've had this cough for a week."}]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.clinical.grounding import supporting
from scribe.clinical.sentences import split_sentences
from scribe.clinical.summary import SourceItem
from scribe.clinical.types import NoteDraft, NoteSentence, Utterance
from scribe.notes.models import Note, NoteSection
from scribe.transcripts.models import Transcript, TranscriptSegment


class SegmentQuote(TypedDict):
    """One transcript segment (or inline utterance, or record item) a sentence rests on."""

    id: str
    start_ms: int | None
    end_ms: int | None
    speaker: str
    text: str


class SentenceEvidence(TypedDict):
    text: str
    segments: list[SegmentQuote]


class StoredSentence(TypedDict):
    """What ``NoteSection.sentences`` holds per sentence."""

    text: str
    segment_ids: list[str]
    quotes: NotRequired[list[SegmentQuote]]


# Section key → its sentences, in order.
Evidence = dict[str, list[SentenceEvidence]]


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence or value as shown (``text``), the words to find it by, and what it is about."""

    text: str
    query: str
    cue: str = ""


def quote_utterance(utterance: Utterance) -> SegmentQuote:
    return SegmentQuote(
        id=utterance.id,
        start_ms=utterance.start_ms,
        end_ms=utterance.end_ms,
        speaker=utterance.speaker,
        text=utterance.text,
    )


def quote_segment(segment: TranscriptSegment) -> SegmentQuote:
    speaker = segment.speaker_role if segment.speaker_role in ("doctor", "patient") else None
    return SegmentQuote(
        id=segment.id,
        start_ms=segment.start_ms,
        end_ms=segment.end_ms,
        speaker=speaker or "unspecified",
        text=segment.text,
    )


def quote_item(item: SourceItem) -> SegmentQuote:
    """A patient record item as a quote: no times, and "record" as its speaker."""
    return SegmentQuote(id=item.id, start_ms=None, end_ms=None, speaker="record", text=item.text)


def stored(
    sentences: Sequence[NoteSentence], quotes: Mapping[str, SegmentQuote] | None = None
) -> list[StoredSentence]:
    """A section's sentences as stored; with ``quotes``, a copy of what each one cites."""
    rows: list[StoredSentence] = []
    for sentence in sentences:
        row = StoredSentence(text=sentence.text, segment_ids=list(sentence.segment_ids))
        if quotes is not None:
            row["quotes"] = [quotes[i] for i in sentence.segment_ids if i in quotes]
        rows.append(row)
    return rows


def kept_after_edit(sentences: Sequence[Mapping[str, Any]], text: str) -> list[dict[str, Any]]:
    """The stored sentences an edit left word for word in the new text; the others lose theirs."""
    return [dict(s) for s in sentences if s.get("text") and str(s["text"]) in text]


def resolve(
    sentences: Iterable[tuple[str, Sequence[str]]], quotes: Mapping[str, SegmentQuote]
) -> list[SentenceEvidence]:
    """Each (text, segment ids) with the quotes of the ids that exist; unknown ids are dropped."""
    return [
        SentenceEvidence(
            text=text,
            segments=[SegmentQuote(**quotes[i]) for i in dict.fromkeys(ids) if i in quotes],
        )
        for text, ids in sentences
    ]


def from_draft(
    draft: NoteDraft, utterances: Sequence[Utterance], *, keys: Iterable[str] | None = None
) -> Evidence:
    """The evidence of a draft not (or not yet) read back from storage; ``keys`` picks sections."""
    quotes = {u.id: quote_utterance(u) for u in utterances}
    wanted = set(keys) if keys is not None else None
    return {
        section.key: resolve(((s.text, s.segment_ids) for s in section.sentences), quotes)
        for section in draft.sections
        if wanted is None or section.key in wanted
    }


def grounded(claims: Mapping[str, Sequence[Claim]], passages: Sequence[SegmentQuote]) -> Evidence:
    """Evidence found by wording, for text written without citing (summaries, field values)."""
    quotes = {quote["id"]: quote for quote in passages}
    pairs = [(quote["id"], quote["text"]) for quote in passages]
    return {
        key: resolve(
            ((claim.text, supporting(claim.query, pairs, cue=claim.cue)) for claim in found),
            quotes,
        )
        for key, found in claims.items()
    }


def of_text(text: str, passages: Sequence[SegmentQuote]) -> list[SentenceEvidence]:
    """The sentences of a text written without citing, each with the passages it rests on."""
    sentences = [s for line in text.splitlines() for s in split_sentences(line)]
    claims = [Claim(sentence, sentence) for sentence in sentences]
    return grounded({"": claims}, passages)[""]


async def for_note(session: AsyncSession, tenant_id: str, note: Note) -> Evidence:
    """The evidence of one stored note (its sections must be loaded)."""
    return (await for_notes(session, tenant_id, [note]))[note.id]


async def for_notes(
    session: AsyncSession, tenant_id: str, notes: Sequence[Note]
) -> dict[str, Evidence]:
    """The evidence of stored notes by note id, reading their transcripts' segments at once."""
    by_transcript = await _quotes(session, tenant_id, {n.transcript_id for n in notes})
    return {
        note.id: {
            section.key: _section_evidence(section, by_transcript.get(note.transcript_id or ""))
            for section in note.sections
        }
        for note in notes
    }


async def _quotes(
    session: AsyncSession, tenant_id: str, transcript_ids: set[str | None]
) -> dict[str, dict[str, SegmentQuote]]:
    ids = sorted(i for i in transcript_ids if i)
    if not ids:
        return {}
    rows = await session.scalars(
        select(TranscriptSegment)
        .join(Transcript, Transcript.id == TranscriptSegment.transcript_id)
        .where(Transcript.tenant_id == tenant_id, Transcript.id.in_(ids))
        .order_by(TranscriptSegment.transcript_id, TranscriptSegment.position)
    )
    found: dict[str, dict[str, SegmentQuote]] = {}
    for segment in rows:
        found.setdefault(segment.transcript_id, {})[segment.id] = quote_segment(segment)
    return found


def _section_evidence(
    section: NoteSection, transcript: Mapping[str, SegmentQuote] | None
) -> list[SentenceEvidence]:
    sentences: list[dict[str, Any]] = list(section.sentences or ())
    if not sentences and section.segment_ids and section.text:
        # Written before sentences were stored: the section as one sentence.
        sentences = [{"text": section.text, "segment_ids": list(section.segment_ids)}]
    evidence = []
    for sentence in sentences:
        quotes = transcript if transcript is not None else _own_quotes(sentence)
        evidence.extend(resolve([(sentence["text"], sentence.get("segment_ids", ()))], quotes))
    return evidence


def _own_quotes(sentence: Mapping[str, Any]) -> dict[str, SegmentQuote]:
    return {quote["id"]: quote for quote in sentence.get("quotes", ())}
