"""Guess who said an unlabelled utterance from how it is phrased and where it sits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.negation import is_negative_answer, is_positive_answer
from scribe.clinical.types import SpeakerRole, Utterance

_BODY = (
    r"(?:knee|back|head|chest|stomach|belly|leg|arm|foot|feet|shoulder|neck|hip|hand|wrist|ankle"
    r"|throat|eyes?|ears?|skin|heart|toe|finger|elbow|joints?|muscles?)"
)
_DOCTOR_CUES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:do|did|have|has|are|were|does|can|could|would|will) you\b.*\?"), 2),
    (re.compile(r"\b(?:how long|when did|how often|how bad|on a scale|what brings you)"), 2),
    (
        re.compile(
            r"\b(?:tell me (?:about|more)|how are you feeling|any (?:other )?(?:fever|pain))"
        ),
        2,
    ),
    (
        re.compile(
            r"\b(?:i'm|i am|we're|we are|i'll|we'll|i will|we will) (?:going to |gonna |gon na )?"
            r"(?:prescribe|order|refer|start you|put you|increase|decrease|schedule|send you"
            r"|have you|examine|check your)"
        ),
        3,
    ),
    (
        re.compile(
            r"\b(?:prescrib\w*|let's|let me (?:take a look|examine|listen|check|feel|see)"
            r"|on (?:physical )?exam\w*|i (?:would |'d )?recommend|i want you to|i'd like you to"
            r"|i'd like to (?:examine|order|start|get)|take a deep breath|range of motion"
            r"|tenderness|follow up with me|come back in)"
        ),
        3,
    ),
    (
        re.compile(
            r"\byour (?:x-ray|xray|labs?|lab work|blood work|results?|mri|ct|scan|ekg|echo"
            r"\w*|ultrasound|exam|vital signs|blood pressure)\b"
        ),
        3,
    ),
    (re.compile(r"\byour\b(?! know)"), 1),
    (re.compile(r"\b(?:you|you're)\b.*\?\s*$"), 1),
)
_PATIENT_CUES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"\bmy (?:\w+ )?{_BODY}\b"), 2),
    (re.compile(r"\bmy (?:wife|husband|mom|mother|dad|father|doctor|medications?|meds|pain)\b"), 2),
    (
        re.compile(r"\b(?:it hurts|hurts when i|it's been hurting|it started|i've been feeling)\b"),
        2,
    ),
    (re.compile(r"\b(?:should i|do i need|can i|will i|is it serious)\b"), 2),
    (
        re.compile(
            r"\b(?:i have|i've had|i had|i feel|i felt|i get|i got|i noticed|i started"
            r"|i take|i'm taking|i am taking|i've been|i'm having|i am having)\b"
        ),
        1,
    ),
    (re.compile(r"\b(?:thank you,? doctor|thanks,? doc)\b"), 1),
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me)\b")
_SHORT_ANSWER_WORDS = 6
_SWAP_RATIO = 1.5
_SWAP_MARGIN = 8
_SWAPPED: dict[SpeakerRole, SpeakerRole] = {"doctor": "patient", "patient": "doctor"}


def infer_roles(utterances: Sequence[Utterance]) -> list[Utterance]:
    """Fill in the speaker of unspecified utterances from the dialogue; keep ids and times."""
    resolved: list[Utterance] = []
    for utterance in utterances:
        role = utterance.speaker
        if role == "unspecified":
            role = _role_from_wording(utterance.text)
        if role == "unspecified" and resolved:
            role = _role_from_context(utterance.text, resolved[-1])
        resolved.append(
            replace(utterance, speaker=role) if role != utterance.speaker else utterance
        )
    return resolved


def correct_swapped_roles(utterances: Sequence[Utterance]) -> list[Utterance]:
    """Swap doctor and patient labels when the wording of both sides says they were mixed up."""
    as_doctor = _evidence(u.text for u in utterances if u.speaker == "doctor")
    as_patient = _evidence(u.text for u in utterances if u.speaker == "patient")
    agree = as_doctor[0] + as_patient[1]
    disagree = as_doctor[1] + as_patient[0]
    # Labels are overruled only when the wording contradicts them by a clear margin.
    if disagree < _SWAP_RATIO * agree or disagree - agree < _SWAP_MARGIN:
        return list(utterances)
    return [replace(u, speaker=_SWAPPED.get(u.speaker, u.speaker)) for u in utterances]


def _evidence(texts: Iterable[str]) -> tuple[int, int]:
    doctor = patient = 0
    for text in texts:
        for_doctor, for_patient = role_scores(text)
        doctor, patient = doctor + for_doctor, patient + for_patient
    return doctor, patient


def role_scores(text: str) -> tuple[int, int]:
    """Return the doctor and patient evidence found in the wording of text."""
    lowered = re.sub(r"\s+n't\b", "n't", text.lower())
    doctor = sum(weight for pattern, weight in _DOCTOR_CUES if pattern.search(lowered))
    patient = sum(weight for pattern, weight in _PATIENT_CUES if pattern.search(lowered))
    if find_symptoms(lowered) and _FIRST_PERSON.search(lowered):
        patient += 2
    return doctor, patient


def _role_from_wording(text: str) -> SpeakerRole:
    doctor, patient = role_scores(text)
    if doctor > patient:
        return "doctor"
    if patient > doctor:
        return "patient"
    return "unspecified"


def _role_from_context(text: str, previous: Utterance) -> SpeakerRole:
    # A short reply straight after the doctor's question is the patient answering it.
    is_reply = is_negative_answer(text) or is_positive_answer(text)
    is_short = len(text.split()) <= _SHORT_ANSWER_WORDS
    asked = previous.speaker == "doctor" and previous.text.rstrip().endswith("?")
    return "patient" if asked and (is_reply or is_short) else "unspecified"
