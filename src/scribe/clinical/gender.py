"""Tell from the dialogue whether the patient is referred to as he or she, when it says so."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from scribe.clinical.types import Utterance

Gender = Literal["female", "male"]

# Explicit descriptions ("a 43-year-old female", "ms. hill") outweigh pronouns, which may point
# at a relative the patient talks about.
_STRONG: dict[Gender, re.Pattern[str]] = {
    "female": re.compile(
        r"\b(?:year[- ]old (?:female|woman|lady|girl)|(?:mrs|ms|miss)\b\.?|ma'am|young lady)"
    ),
    "male": re.compile(r"\b(?:year[- ]old (?:male|man|gentleman|boy)|mr\b\.?|sir\b|young man)"),
}
_PRONOUNS: dict[Gender, re.Pattern[str]] = {
    "female": re.compile(r"\b(?:she|she's|herself)\b"),
    "male": re.compile(r"\b(?:he|he's|himself)\b"),
}
_SPOUSE: dict[Gender, re.Pattern[str]] = {
    "female": re.compile(r"\bmy husband\b"),
    "male": re.compile(r"\bmy wife\b"),
}
_STRONG_WEIGHT = 5
# Pronouns alone decide only in numbers: one "she" may be the referring doctor.
_MARGIN = 4


def patient_gender(utterances: Sequence[Utterance]) -> Gender | None:
    """Return the patient's gender if the doctor's words (or a spouse) make it clear, else None."""
    score = {"female": 0, "male": 0}
    for utterance in utterances:
        text = utterance.text.lower()
        for gender in ("female", "male"):
            if utterance.speaker != "patient":
                score[gender] += _STRONG_WEIGHT * len(_STRONG[gender].findall(text))
                score[gender] += len(_PRONOUNS[gender].findall(text))
            else:
                score[gender] += len(_SPOUSE[gender].findall(text))
    if score["female"] - score["male"] >= _MARGIN:
        return "female"
    if score["male"] - score["female"] >= _MARGIN:
        return "male"
    return None
