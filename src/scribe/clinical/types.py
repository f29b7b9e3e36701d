"""Plain data the embedded engine reads and writes: no ORM, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SpeakerRole = Literal["doctor", "patient", "unspecified"]
NoteStyle = Literal["paragraphs", "bullet_points"]

# Categories a transcript sentence can be classified into. A template section is fed by one or
# more of them (see SectionSpec.kinds).
Category = Literal[
    "chief_complaint",
    "hpi",
    "ros",
    "past_history",
    "family_history",
    "social_history",
    "medications",
    "allergies",
    "vitals",
    "exam",
    "results",
    "assessment",
    "plan",
    "prescriptions",
    "follow_up",
    "behavior",
    "intervention",
    "response",
    "goals",
]


@dataclass(frozen=True, slots=True)
class Utterance:
    """One transcript segment: who spoke, what they said, and where it sits in the audio."""

    id: str
    text: str
    speaker: SpeakerRole = "unspecified"
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A section of a note template and the sentence categories that fill it."""

    key: str
    title: str
    kinds: tuple[Category, ...]


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    key: str
    name: str
    sections: tuple[SectionSpec, ...]


@dataclass(frozen=True, slots=True)
class NoteSentence:
    """A generated sentence and the ids of the utterances it came from (provenance)."""

    text: str
    segment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DraftSection:
    key: str
    title: str
    sentences: tuple[NoteSentence, ...] = ()
    style: NoteStyle = "paragraphs"

    @property
    def text(self) -> str:
        if self.style == "bullet_points":
            return "\n".join(f"- {s.text}" for s in self.sentences)
        return " ".join(s.text for s in self.sentences)

    @property
    def segment_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for sentence in self.sentences:
            seen.update(dict.fromkeys(sentence.segment_ids))
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class NoteDraft:
    template_key: str
    sections: tuple[DraftSection, ...] = field(default_factory=tuple)

    def as_mapping(self) -> dict[str, str]:
        return {section.key: section.text for section in self.sections}


class TranscriptTooShortError(ValueError):
    """The transcript holds too little clinical content to write a note without inventing."""
