"""Group history sentences by the clinical problem they are about (Nabla's split_by_problem).

Deterministic and English-only: a sentence belongs to the first condition, body part or symptom
it names; a sentence naming none stays with the problem discussed just before it (the usual
flow of a history), and leading ones join the first problem named::

    group_by_problem(["Right knee pain for 2 weeks.", "Worse on stairs.", "Also has headaches."])
    # (ProblemGroup("Knee pain", (0, 1)), ProblemGroup("Headache", (2,)))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scribe.clinical.lexicon import find_symptoms

# Spoken names of long-term conditions mapped to the heading a note uses.
_CONDITIONS: dict[str, str] = {
    "diabetes": "Diabetes",
    "diabetic": "Diabetes",
    "blood sugar": "Diabetes",
    "hypertension": "Hypertension",
    "high blood pressure": "Hypertension",
    "blood pressure": "Hypertension",
    "asthma": "Asthma",
    "copd": "COPD",
    "depression": "Depression",
    "depressed": "Depression",
    "anxiety": "Anxiety",
    "anxious": "Anxiety",
    "migraine": "Migraine",
    "migraines": "Migraine",
    "arthritis": "Arthritis",
    "cholesterol": "Hyperlipidemia",
    "reflux": "Reflux",
    "insomnia": "Insomnia",
    "sleep": "Sleep",
    "thyroid": "Thyroid",
    "kidney": "Kidney disease",
    "pregnancy": "Pregnancy",
    "pregnant": "Pregnancy",
    # Not a body part below: "come back", "get back to you" would open a problem.
    "back pain": "Back pain",
    "lower back": "Back pain",
}
CONDITION_HEADINGS = frozenset(heading.lower() for heading in _CONDITIONS.values())
_BODY_PARTS = (
    "knee", "hip", "ankle", "foot", "shoulder", "elbow", "wrist", "hand", "neck",
    "chest", "abdomen", "stomach", "throat", "ear", "eye", "head", "leg", "arm",
)  # fmt: skip
_PAIN = re.compile(r"\b(pain|painful|hurts?|hurting|aches?|aching|sore)\b")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """A problem's heading and the positions of its sentences, in their original order."""

    title: str
    indices: tuple[int, ...]


def problem_of(sentence: str) -> str | None:
    """The heading of the problem a sentence names first, or None when it names none."""
    lowered = sentence.lower()
    words = _WORD.findall(lowered)
    joined = " " + " ".join(words) + " "
    for spoken, heading in _CONDITIONS.items():
        if f" {spoken} " in joined:
            return heading
    part = next((p for p in _BODY_PARTS if p in words or f"{p}s" in words), None)
    if part is not None:
        return f"{part.capitalize()} pain" if _PAIN.search(lowered) else part.capitalize()
    symptoms = find_symptoms(sentence)
    return symptoms[0].capitalize() if symptoms else None


def group_by_problem(sentences: Sequence[str]) -> tuple[ProblemGroup, ...]:
    """Sentences grouped by problem, groups in order of first mention; () when none is named."""
    titles: dict[str, str] = {}
    members: dict[str, list[int]] = {}
    leading: list[int] = []
    current: str | None = None
    for index, sentence in enumerate(sentences):
        heading = problem_of(sentence)
        if heading is not None:
            # "Knee" and "Knee pain" are one problem, headed by the more telling name.
            current = heading.lower().removesuffix(" pain")
            if len(heading) > len(titles.get(current, "")):
                titles[current] = heading
        if current is None:
            leading.append(index)
            continue
        members.setdefault(current, []).append(index)
    if not members:
        return ()
    first = next(iter(members))
    members[first] = sorted([*leading, *members[first]])
    return tuple(ProblemGroup(titles[key], tuple(indices)) for key, indices in members.items())
