"""Polish a section's sentences the way clinicians write: pronouns after the first mention."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scribe.clinical.gender import Gender
from scribe.clinical.types import NoteSentence

_SUBJECT = {"female": "She", "male": "He"}
_POSSESSIVE = {"female": "Her", "male": "His"}
_OPENING = re.compile(r"^The patient(?P<possessive>'s)? (?=\w)")
_MENTION = re.compile(r"\bthe patient\b", re.I)


def vary_subject(sentences: Sequence[NoteSentence], gender: Gender | None) -> list[NoteSentence]:
    """Open sentences after the section's first mention of the patient with "He"/"She"."""
    if gender is None:
        return list(sentences)
    varied: list[NoteSentence] = []
    mentioned = False
    for sentence in sentences:
        text = sentence.text
        if mentioned:
            text = _OPENING.sub(lambda m: _opening(m, gender), text)
        mentioned = mentioned or _MENTION.search(sentence.text) is not None
        varied.append(NoteSentence(text, sentence.segment_ids))
    return varied


def _opening(match: re.Match[str], gender: Gender) -> str:
    words = _POSSESSIVE if match.group("possessive") else _SUBJECT
    return words[gender] + " "
