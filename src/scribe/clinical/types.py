"""Plain data the embedded engine reads and writes: no ORM, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    # Finer kinds the catalogue's sections name; the classifier does not produce them yet, so every
    # section that lists one also lists (or falls back to) a kind above.
    "surgical_history",
    "obstetric_history",
    "psychiatric_history",
    "immunizations",
    "risk_factors",
    "diet",
    "lifestyle",
    "wellness",
    "labs",
    "imaging",
    "mental_status",
    "medical_decision",
    "procedures",
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
    """A section of a note template and the sentence categories that fill it.

    ``title`` is the one a note shows; ``titles`` holds (language, title) pairs for localising it.
    """

    key: str
    title: str
    kinds: tuple[Category, ...]
    titles: tuple[tuple[str, str], ...] = ()
    instructions: str = ""

    def title_in(self, language: str | None) -> str:
        """The title in a language (``fr-FR`` falls back to ``fr``, then to English)."""
        known = {lang.lower(): title for lang, title in self.titles}
        for candidate in (*language_chain(language), "en"):
            if candidate in known:
                return known[candidate]
        return self.title


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A note template: its sections in order, and where it comes from.

    ``languages`` empty means any language; ``family`` is the vendor namespace of a built-in
    (``omniloy``, ``nabla``, ``corti``, ``clinia``) or ``custom`` for a tenant's own template.
    """

    key: str
    name: str
    sections: tuple[SectionSpec, ...]
    family: str = ""
    description: str = ""
    languages: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def supports(self, language: str) -> bool:
        """Tell whether notes can be written in a language (``en-US`` matches ``en``)."""
        if not self.languages:
            return True
        own = {lang.lower() for lang in self.languages}
        return any(candidate in own for candidate in language_chain(language))

    def localized(self, language: str | None) -> TemplateSpec:
        """The same template with its section titles in a language."""
        if language is None:
            return self
        sections = tuple(replace(s, title=s.title_in(language)) for s in self.sections)
        return replace(self, sections=sections)


def language_chain(language: str | None) -> tuple[str, ...]:
    """A BCP-47 tag and its broader forms, lower-cased: ``de-CH`` → (``de-ch``, ``de``)."""
    if not language or not language.strip():
        return ()
    parts = language.strip().lower().replace("_", "-").split("-")
    return tuple("-".join(parts[:n]) for n in range(len(parts), 0, -1))


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
