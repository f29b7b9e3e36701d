"""Read a bare "no" or "yes" as a statement about what the doctor had just asked."""

from __future__ import annotations

import re
from collections.abc import Collection

from scribe.clinical.lexicon import SYMPTOMS, symptom_mentions
from scribe.clinical.negation import is_negative_answer, is_positive_answer
from scribe.clinical.types import Category

# Yes/no topics other than symptoms, with the words a note uses for them.
_TOPICS: tuple[tuple[re.Pattern[str], str, Category], ...] = (
    (re.compile(r"\ballerg"), "allergies", "allergies"),
    (re.compile(r"\b(?:smok\w*|cigarettes?|tobacco|vap\w+)\b"), "tobacco use", "social_history"),
    (re.compile(r"\b(?:drink\w*|alcohol|beer|wine)\b"), "alcohol use", "social_history"),
    (
        re.compile(r"\b(?:drugs|drug use|recreational|marijuana|cannabis)\b"),
        "drug use",
        "social_history",
    ),
    (re.compile(r"\b(?:surger\w*|operations?)\b"), "prior surgeries", "past_history"),
    (re.compile(r"\b(?:medications?|medicines?|meds)\b"), "taking medications", "medications"),
)
# "Any lesions from the swelling?" asks about lesions, not about the swelling already known.
_REFERENCE = r"\b(?:the|your|that|this|those|these|her|his)\s+{}\b"


def paired_reply(
    reply: str, question: str, affirmed: Collection[str]
) -> tuple[str, Category] | None:
    """Return the sentence and category a bare reply to question stands for, if any."""
    text = question.lower()
    symptoms = [s for s in asked_symptoms(text) if s not in affirmed]
    topics = [(phrase, category) for pattern, phrase, category in _TOPICS if pattern.search(text)]
    if is_negative_answer(reply):
        if symptoms:
            return f"Denies {_join(symptoms)}.", "ros"
        if topics:
            return f"Denies {_join([phrase for phrase, _ in topics])}.", topics[0][1]
    elif is_positive_answer(reply):
        if len(symptoms) == 1 and not topics:
            return f"Reports {symptoms[0]}.", "hpi"
        if len(topics) == 1 and not symptoms:
            return f"Reports {topics[0][0]}.", topics[0][1]
    return None


def asked_symptoms(question: str) -> list[str]:
    """Return the canonical symptoms a question asks about, leaving out ones it refers back to."""
    names: dict[str, None] = {}
    for mention in symptom_mentions(question):
        if not re.search(_REFERENCE.format(re.escape(mention)), question):
            names[SYMPTOMS[mention]] = None
    return list(names)


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
