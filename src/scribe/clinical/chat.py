"""Answer a question about a visit with sentences taken from its transcript, never invented."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from scribe.clinical.candidates import Candidate, candidates
from scribe.clinical.extract import extract_medications, extract_vitals
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.notes import write_note
from scribe.clinical.roles import correct_swapped_roles, infer_roles
from scribe.clinical.templates import SOAP
from scribe.clinical.types import TranscriptTooShortError, Utterance

NOT_MENTIONED = "The transcript does not mention that."
TOO_SHORT = "The transcript is too short to summarize."
_SUMMARY = re.compile(r"\b(?:summar\w*|recap|overview|tl;?dr)\b", re.I)
_SUMMARY_SENTENCES_PER_SECTION = 2
_SYNONYMS = {
    "meds": "medication",
    "med": "medication",
    "medicine": "medication",
    "medicines": "medication",
    "drug": "medication",
    "drugs": "medication",
    "pills": "medication",
    "pill": "medication",
    "bp": "blood pressure",
    "hr": "heart rate",
    "temp": "temperature",
    "sob": "shortness breath",
    "rx": "prescribe",
    "prescription": "prescribe",
    "prescriptions": "prescribe",
    "allergic": "allergy",
    "xray": "x-ray",
    "labs": "lab",
    "followup": "follow",
    "follow-up": "follow",
    "appointment": "follow",
    "revisit": "follow",
    "diagnosis": "diagnose",
    "dx": "diagnose",
    "hx": "history",
    "vitals": "vital",
    "o2": "oxygen",
    "sat": "saturation",
    "sats": "saturation",
    "pt": "patient",
}
_STOPWORDS = frozenset(
    "a an the is are was were be been being what which who whom whose when where why how do does"
    " did done have has had of in on at to for from by with about and or not any patient patients"
    " doctor dr say said tell told mention mentioned discuss discussed describe there their they"
    " them he she his her him it its this that these those i you your me my we our can could would"
    " should will please give list anything something current currently get got visit today"
    " s t".split()
)
_SUFFIXES = (
    ("ications", "ic"),
    ("ication", "ic"),
    ("ations", "at"),
    ("ation", "at"),
    ("osis", "os"),
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)
_QUESTION_CONCEPTS = {
    "vital": "blood pressure heart rate pulse temperature oxygen saturation weight bmi",
    "medic": "prescribe taking dose",
}
_FOLLOW_UP = re.compile(
    r"\b(?:come back|coming back|return|follow[- ]?up|see you (?:again|back|in)|recheck)\b", re.I
)


def _mentions_follow_up(text: str) -> bool:
    return _FOLLOW_UP.search(text) is not None


_CONCEPTS = {
    "medic": extract_medications,
    "vital": extract_vitals,
    "symptom": find_symptoms,
    "follow": _mentions_follow_up,
}


def answer_question(
    question: str, utterances: Sequence[Utterance], *, max_sentences: int = 3
) -> str:
    """Answer from the transcript's own sentences, or say that it does not mention the topic."""
    if _SUMMARY.search(question):
        return summarize(utterances)
    wanted = _with_concepts(keywords(question))
    pool = _unique(candidates(infer_roles(correct_swapped_roles(utterances))))
    if not wanted or not pool:
        return NOT_MENTIONED
    bags = [_bag(candidate.text) for candidate in pool]
    weights = _idf(wanted, bags)
    scored = [(sum(weights[w] for w in wanted & bag), index) for index, bag in enumerate(bags)]
    best = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    chosen = sorted(index for _, index in best[:max_sentences])
    return " ".join(pool[index].text for index in chosen) or NOT_MENTIONED


def summarize(utterances: Sequence[Utterance]) -> str:
    """Summarise a visit with the first sentences of each SOAP section."""
    try:
        note = write_note(utterances, SOAP)
    except TranscriptTooShortError:
        return TOO_SHORT
    parts = []
    for section in note.sections:
        lead = section.sentences[:_SUMMARY_SENTENCES_PER_SECTION]
        if lead:
            parts.append(f"{section.title}: " + " ".join(s.text for s in lead))
    return " ".join(parts) or TOO_SHORT


def keywords(text: str) -> frozenset[str]:
    """Return the stemmed content words of text, with common abbreviations spelled out."""
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower()):
        words += _SYNONYMS.get(word, word).split()
    return frozenset(_stem(word) for word in words if word not in _STOPWORDS)


def _with_concepts(wanted: frozenset[str]) -> frozenset[str]:
    # A question about "blood pressure" is a question about the stated vital sign.
    extra = {concept for concept, cues in _QUESTION_CONCEPTS.items() if wanted & keywords(cues)}
    return wanted | extra


def _stem(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def _bag(text: str) -> frozenset[str]:
    concepts = {name for name, finder in _CONCEPTS.items() if finder(text)}
    return keywords(text) | concepts


def _idf(wanted: frozenset[str], bags: list[frozenset[str]]) -> dict[str, float]:
    total = len(bags)
    return {word: math.log(1 + total / (1 + sum(word in bag for bag in bags))) for word in wanted}


def _unique(found: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in found:
        if candidate.text.lower() not in seen:
            seen.add(candidate.text.lower())
            unique.append(candidate)
    return unique
