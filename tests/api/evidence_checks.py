"""One check of the ``evidence`` field, shared by every dialect's tests.

``check_evidence(evidence, sections, segments)`` asserts the one shape, that every sentence
belongs to its section's text, that every quoted segment exists in the transcript (same id and
text; speaker and times too when the transcript gives them), and that at least ``minimum`` of
the sentences quote something. It returns that fraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from scribe.runtime import Runtime
from scribe.transcripts.models import TranscriptSegment

SEGMENT_KEYS = {"id", "start_ms", "end_ms", "speaker", "text"}
SPEAKERS = {"doctor", "patient", "unspecified", "record"}


def _squash(text: str) -> str:
    return " ".join(text.split())


def check_shape(evidence: Any) -> None:
    assert isinstance(evidence, dict), evidence
    for key, sentences in evidence.items():
        assert isinstance(key, str)
        assert isinstance(sentences, list), key
        for sentence in sentences:
            assert set(sentence) == {"text", "segments"}, sentence
            assert isinstance(sentence["text"], str)
            for segment in sentence["segments"]:
                assert set(segment) == SEGMENT_KEYS, segment
                assert isinstance(segment["id"], str)
                assert isinstance(segment["text"], str)
                assert segment["speaker"] in SPEAKERS, segment
                for bound in ("start_ms", "end_ms"):
                    assert segment[bound] is None or isinstance(segment[bound], int), segment


def check_evidence(
    evidence: Any,
    sections: Mapping[str, str],
    segments: Mapping[str, Mapping[str, Any]],
    *,
    minimum: float = 0.9,
) -> float:
    """Assert the evidence of a note whose sections (key → text) rest on these segments."""
    check_shape(evidence)
    assert set(evidence) <= set(sections), (set(evidence), set(sections))
    total = supported = 0
    for key, sentences in evidence.items():
        for sentence in sentences:
            total += 1
            assert _squash(sentence["text"]) in _squash(sections[key]), (key, sentence["text"])
            ids = [segment["id"] for segment in sentence["segments"]]
            assert len(ids) == len(set(ids)), ids
            for segment in sentence["segments"]:
                assert segment["id"] in segments, segment["id"]
                known = segments[segment["id"]]
                for field, value in known.items():
                    assert segment[field] == value, (field, segment, known)
            supported += bool(ids)
    assert total, "no sentence has evidence"
    fraction = supported / total
    assert fraction >= minimum, f"{supported}/{total} sentences have evidence"
    return fraction


async def stored_segments(runtime: Runtime, transcript_id: str) -> dict[str, dict[str, Any]]:
    """A stored transcript's segments by id, as evidence quotes them."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(TranscriptSegment).where(TranscriptSegment.transcript_id == transcript_id)
        )
        return {
            s.id: {
                "text": s.text,
                "speaker": s.speaker_role,
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
            }
            for s in rows
        }
