"""Name the problem an assessment-and-plan sentence is about, with headings learned from notes.

`scribe train notes` (clinical/layout_training.py) collects the problem headings clinicians
write in their plans ("Hypertension.", "Kidney stones.", "Right knee sprain.") and, from the
visits' dialogues, the spoken words that go with a heading ("high blood pressure", "lisinopril"
with "Hypertension"). Both ship in clinical/data/layout_model.json; nothing is a hand list::

    titles = ProblemTitles({"kidney stone": "Kidney stones"}, {"lisinopril": "Hypertension"})
    titles.title("I think this is another kidney stone.")  # "Kidney stones"
    titles.title("Let's continue the lisinopril.")  # "Hypertension"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORD = re.compile(r"[a-z0-9]+")
# How many words a spoken cue or a heading may have.
MAX_CUE_WORDS = 3


def stem(word: str) -> str:
    """A word without its plural ending, so "kidney stones" names "kidney stone" too."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower())]


@dataclass(frozen=True, slots=True)
class ProblemTitles:
    """Headings by their stemmed words, and spoken cues (stemmed words) by the heading they mean."""

    headings: dict[str, str] = field(default_factory=dict)
    cues: dict[str, str] = field(default_factory=dict)

    def title(self, text: str) -> str | None:
        """The heading the sentence names (the longest written one first), else its cue's."""
        joined = " " + " ".join(words_of(text)) + " "
        named = [key for key in self.headings if f" {key} " in joined]
        if named:
            return self.headings[max(named, key=lambda k: (len(k.split()), len(k), k))]
        cued = [key for key in self.cues if f" {key} " in joined]
        if cued:
            return self.cues[max(cued, key=lambda k: (len(k.split()), len(k), k))]
        return None

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {
            "cues": dict(sorted(self.cues.items())),
            "headings": dict(sorted(self.headings.items())),
        }

    @classmethod
    def from_dict(cls, body: object) -> ProblemTitles:
        if not isinstance(body, dict):
            return cls()
        headings, cues = body.get("headings", {}), body.get("cues", {})
        return cls(
            {str(k): str(v) for k, v in headings.items()}, {str(k): str(v) for k, v in cues.items()}
        )
