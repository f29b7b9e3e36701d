"""Summarise what the patient reported and denied as a review of systems, system by system."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scribe.clinical.answers import asked_symptoms
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.negation import is_negative_answer, is_positive_answer, negated_symptoms
from scribe.clinical.sentences import split_sentences
from scribe.clinical.types import Utterance

# Body systems in the order notes list them, with the symptoms (lexicon names) each covers.
# "pain", "swelling" and "bleeding" name no system on their own and stay out.
SYSTEMS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "Constitutional",
        frozenset(
            {
                "fever",
                "chills",
                "night sweats",
                "fatigue",
                "weight loss",
                "weight gain",
                "sweating",
                "loss of appetite",
            }
        ),
    ),
    ("Eyes", frozenset({"blurred vision", "vision changes"})),
    ("HENT", frozenset({"sore throat", "congestion", "runny nose", "ear pain", "dysphagia"})),
    (
        "Cardiovascular",
        frozenset({"chest pain", "chest tightness", "chest discomfort", "palpitations"}),
    ),
    ("Respiratory", frozenset({"shortness of breath", "cough", "wheezing"})),
    (
        "Gastrointestinal",
        frozenset(
            {
                "nausea",
                "vomiting",
                "diarrhea",
                "constipation",
                "abdominal pain",
                "heartburn",
                "blood in the stool",
                "bloating",
            }
        ),
    ),
    ("Genitourinary", frozenset({"dysuria", "blood in the urine", "urinary frequency"})),
    (
        "Musculoskeletal",
        frozenset({"joint pain", "back pain", "muscle aches", "body aches", "stiffness", "cramps"}),
    ),
    ("Skin", frozenset({"rash", "itching", "bruising"})),
    (
        "Neurological",
        frozenset(
            {
                "headache",
                "dizziness",
                "lightheadedness",
                "numbness",
                "tingling",
                "weakness",
                "syncope",
                "seizures",
                "confusion",
                "memory loss",
            }
        ),
    ),
    (
        "Psychiatric",
        frozenset({"anxiety", "depression", "insomnia", "trouble sleeping", "hallucinations"}),
    ),
)
_COVERED = frozenset().union(*(symptoms for _, symptoms in SYSTEMS))
_QUESTION_WORDS = re.compile(r"\b(?:any|have you|do you|did you|are you|how about|what about)\b")


@dataclass(slots=True)
class _Findings:
    """Each symptom's status (True: reported) and the utterances that establish it."""

    status: dict[str, bool] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)

    def note(self, symptom: str, reported: bool, ids: Sequence[str]) -> None:
        if symptom not in _COVERED:
            return
        # Once reported, a symptom stays reported: a later "no" usually answers another part.
        self.status[symptom] = self.status.get(symptom, False) or reported
        self.sources.setdefault(symptom, []).extend(ids)


@dataclass(frozen=True, slots=True)
class SystemLine:
    text: str
    segment_ids: tuple[str, ...]


def review_of_systems(utterances: Sequence[Utterance]) -> list[SystemLine]:
    """Return one "System: Reports x. Denies y." line per body system the visit touched on."""
    findings = _Findings()
    question: Utterance | None = None
    for utterance in utterances:
        if utterance.speaker == "doctor":
            question = utterance if _QUESTION_WORDS.search(utterance.text.lower()) else None
            continue
        if question is not None:
            _read_answer(utterance, question, findings)
        _read_statement(utterance, findings)
        question = None
    return [line for line in (_line(name, kinds, findings) for name, kinds in SYSTEMS) if line]


def _read_answer(answer: Utterance, question: Utterance, findings: _Findings) -> None:
    sentences = split_sentences(answer.text)
    first = sentences[0] if sentences else ""
    asked = asked_symptoms(question.text.lower())
    ids = (question.id, answer.id)
    if is_negative_answer(first):
        for symptom in asked:
            findings.note(symptom, False, ids)
    elif is_positive_answer(first) and len(asked) == 1:
        findings.note(asked[0], True, ids)


def _read_statement(utterance: Utterance, findings: _Findings) -> None:
    for sentence in split_sentences(utterance.text):
        denied = set(negated_symptoms(sentence))
        for symptom in find_symptoms(sentence):
            findings.note(symptom, symptom not in denied, (utterance.id,))


def _line(system: str, kinds: frozenset[str], findings: _Findings) -> SystemLine | None:
    found = [s for s in findings.status if s in kinds]
    if not found:
        return None
    reported = [s for s in found if findings.status[s]]
    denied = [s for s in found if not findings.status[s]]
    parts = [
        f"{verb} {_join(items)}."
        for verb, items in (("Reports", reported), ("Denies", denied))
        if items
    ]
    text = f"{system}: " + " ".join(parts)
    ids = dict.fromkeys(i for s in found for i in findings.sources[s])
    return SystemLine(text, tuple(ids))


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
