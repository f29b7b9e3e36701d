"""The ``evidence`` field every dialect's note carries: one shape everywhere.

Not part of any vendor's API (clients ignore unknown fields, as they do ``progress``). For each
section (or field) key, each sentence (or value) with the segments it rests on::

    {"subjective": [{"text": "Cough for a week.", "segments": [
        {"id": "…", "start_ms": 1200, "end_ms": 3400, "speaker": "patient", "text": "…"}]}]}
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, TypeAdapter

from scribe.notes import evidence as core


class EvidenceSegment(BaseModel):
    """A transcript segment (or an inline utterance, or a record item) quoted as evidence."""

    id: str = Field(description="The segment's id in its transcript (or context, or record)")
    start_ms: int | None = Field(description="Start in the audio, ms; null without audio")
    end_ms: int | None = Field(description="End in the audio, ms; null without audio")
    speaker: str = Field(
        description="doctor, patient or unspecified; record for a patient record item"
    )
    text: str


class EvidenceSentence(BaseModel):
    text: str = Field(description="The sentence (or value) as the note shows it")
    segments: list[EvidenceSegment] = Field(
        description="What it rests on, in transcript order of citation; empty when unsupported"
    )


# Section (or field) key → its sentences (or values), in order.
Evidence = dict[str, list[EvidenceSentence]]
_COMMON = (
    "Not in the vendor's API (clients ignore it): for each {keys}, each {what} with the "
    "{sources} it rests on; every quoted id exists in {where}. "
)


def evidence_field(keys: str, what: str, sources: str, where: str, more: str = "") -> Any:
    """The ``evidence`` field of a dialect's response model, described in its own terms."""
    description = _COMMON.format(keys=keys, what=what, sources=sources, where=where) + more
    return Field(default_factory=dict, description=description.strip())


_ADAPTER: TypeAdapter[dict[str, list[EvidenceSentence]]] = TypeAdapter(
    dict[str, list[EvidenceSentence]]
)


def of(evidence: core.Evidence) -> dict[str, list[EvidenceSentence]]:
    """The core's evidence as the API's models."""
    return _ADAPTER.validate_python(evidence)
