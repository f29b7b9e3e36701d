"""Write a structured note for a template from a transcript, keeping each sentence's sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from scribe.clinical.agreement import AGREEMENT, plan_agreement
from scribe.clinical.candidates import Candidate, candidates
from scribe.clinical.chief import first_complaint, opening_reason
from scribe.clinical.extract import extract_vitals
from scribe.clinical.gender import patient_gender
from scribe.clinical.hygiene import polish
from scribe.clinical.keep import KeepModel, shipped_model
from scribe.clinical.layout import Layout, shipped_layout
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.numbers import digits
from scribe.clinical.prose import vary_subject
from scribe.clinical.punctuation import Punctuator, punctuated, shipped_punctuator
from scribe.clinical.roles import correct_swapped_roles, infer_roles
from scribe.clinical.ros import review_of_systems
from scribe.clinical.types import (
    Category,
    DraftSection,
    NoteDraft,
    NoteSentence,
    NoteStyle,
    SectionSpec,
    TemplateSpec,
    TranscriptTooShortError,
    Utterance,
)

MIN_CLINICAL_SENTENCES = 2
MIN_WORDS = 15
# A clinician's section runs to a few dozen sentences at most (ACI-Bench notes: ~30 in all); a
# transcript of hours does not make a note of thousands of sentences.
MAX_SECTION_SENTENCES = 60
_NEAR_DUPLICATE = 0.8

# Where a category goes when the template has no section for it, nearest home first.
_FALLBACKS: dict[Category, tuple[Category, ...]] = {
    "chief_complaint": ("hpi", "behavior", "goals"),
    "hpi": ("behavior", "chief_complaint", "response"),
    "ros": ("hpi", "behavior"),
    "past_history": ("hpi", "behavior"),
    "family_history": ("past_history", "social_history", "hpi", "behavior"),
    "social_history": ("hpi", "behavior"),
    "medications": ("past_history", "hpi", "behavior", "plan"),
    "allergies": ("medications", "past_history", "hpi", "behavior"),
    "vitals": ("exam", "results", "behavior"),
    "exam": ("vitals", "results", "behavior"),
    "results": ("exam", "assessment", "behavior"),
    "assessment": ("response", "plan"),
    "plan": ("intervention", "follow_up"),
    "prescriptions": ("plan", "intervention", "medications"),
    "follow_up": ("plan", "intervention"),
    "behavior": ("hpi", "chief_complaint", "response"),
    "intervention": ("plan", "prescriptions"),
    "response": ("hpi", "behavior", "assessment"),
    "goals": ("plan", "chief_complaint", "hpi"),
}


def write_note(
    utterances: Sequence[Utterance],
    template: TemplateSpec,
    *,
    style: NoteStyle = "paragraphs",
    numerals: bool = True,
    keep: KeepModel | Literal["shipped", "off"] = "shipped",
    layout: Layout | Literal["shipped", "off"] = "shipped",
    punctuation: Punctuator | Literal["shipped", "off"] = "shipped",
) -> NoteDraft:
    """Fill every section of template with clinical sentences drawn from the transcript.

    numerals writes spoken numbers as digits ("two weeks" -> "2 weeks"), as clinicians do.
    keep drops the sentences a learned model says a clinician would not write (clinical/keep.py):
    the packaged model, one given (cross-validation trains its own), or "off".
    layout writes exam findings as "System: finding" and plans by problem (clinical/layout.py),
    as learned from clinicians' notes: the packaged layout, one given, or "off".
    punctuation cuts unpunctuated speech into sentences (clinical/punctuation.py) first.
    """
    resolved = _punctuated(infer_roles(correct_swapped_roles(utterances)), punctuation)
    gender = patient_gender(resolved)
    found = _deduplicate(candidates(resolved, gender))
    _require_enough(resolved, found)
    found = _with_summaries(found, resolved)
    model = shipped_model() if keep == "shipped" else None if keep == "off" else keep
    buckets = _fill(template, found, numerals, model)
    chosen = shipped_layout() if layout == "shipped" else None if layout == "off" else layout
    sections = tuple(
        DraftSection(
            s.key, s.title, tuple(_laid_out(s, vary_subject(buckets[s.key], gender), chosen)), style
        )
        for s in template.sections
    )
    return NoteDraft(template_key=template.key, sections=sections)


def _laid_out(
    section: SectionSpec, sentences: list[NoteSentence], layout: Layout | None
) -> list[NoteSentence]:
    """Exam findings labelled by system; an assessment-and-plan written problem by problem."""
    if layout is None:
        return sentences
    if "exam" in section.kinds:
        return layout.findings(sentences)
    if {"assessment", "plan"} <= set(section.kinds):
        return layout.problems(sentences)
    return sentences


def _with_summaries(found: list[Candidate], utterances: Sequence[Utterance]) -> list[Candidate]:
    """Add what is read across the whole visit: complaint, systems review, agreement."""
    found = _with_systems_review(_one_chief_complaint(found, utterances), utterances)
    found = _with_vitals(found)
    agreed = plan_agreement(utterances)
    if agreed is not None:
        found.append(Candidate(AGREEMENT, "plan", agreed))
    return found


def _punctuated(
    utterances: Sequence[Utterance], punctuation: Punctuator | Literal["shipped", "off"]
) -> list[Utterance]:
    if punctuation == "off":
        return list(utterances)
    model = shipped_punctuator() if punctuation == "shipped" else punctuation
    return punctuated(utterances, model)


def note_candidates(
    utterances: Sequence[Utterance],
    punctuation: Punctuator | Literal["shipped", "off"] = "shipped",
) -> list[tuple[str, Category]]:
    """Every sentence the engine would consider for a note, with its category (for training)."""
    resolved = _punctuated(infer_roles(correct_swapped_roles(utterances)), punctuation)
    found = _deduplicate(candidates(resolved, patient_gender(resolved)))
    _require_enough(resolved, found)
    written = ((polish(digits(c.text)), c.category) for c in _with_summaries(found, resolved))
    return [(text, category) for text, category in written if text is not None]


def _fill(
    template: TemplateSpec, found: list[Candidate], numerals: bool, model: KeepModel | None
) -> dict[str, list[NoteSentence]]:
    routes = section_routes(template)
    buckets: dict[str, list[NoteSentence]] = {section.key: [] for section in template.sections}
    for candidate in found:
        key = routes.get(candidate.category)
        if key is None:
            continue
        text = polish(digits(candidate.text) if numerals else candidate.text)
        full = len(buckets[key]) >= MAX_SECTION_SENTENCES
        if (
            text is not None
            and not full
            and (model is None or model.keeps(text, candidate.category))
        ):
            buckets[key].append(NoteSentence(text, candidate.segment_ids))
    return buckets


def section_routes(template: TemplateSpec) -> dict[Category, str]:
    """Map each category to the key of the template section its sentences go to."""
    direct: dict[Category, str] = {}
    for section in template.sections:
        for kind in section.kinds:
            direct.setdefault(kind, section.key)
    routes = dict(direct)
    for category, fallbacks in _FALLBACKS.items():
        if category not in routes:
            home = next((direct[f] for f in fallbacks if f in direct), None)
            if home is not None:
                routes[category] = home
    return routes


def _require_enough(utterances: Sequence[Utterance], found: list[Candidate]) -> None:
    words = sum(len(utterance.text.split()) for utterance in utterances)
    if len(found) < MIN_CLINICAL_SENTENCES or words < MIN_WORDS:
        raise TranscriptTooShortError(
            f"transcript has {words} words and {len(found)} clinical sentences; need at least "
            f"{MIN_WORDS} words and {MIN_CLINICAL_SENTENCES} clinical sentences"
        )


def _one_chief_complaint(
    found: list[Candidate], utterances: Sequence[Utterance]
) -> list[Candidate]:
    """Keep the first stated reason for the visit, or else name the first complaint."""
    complaints = [c for c in found if c.category == "chief_complaint"]
    rest = [c for c in found if c.category != "chief_complaint"]
    stated = opening_reason(utterances)
    if stated is None and complaints:
        return [complaints[0], *rest]
    stated = stated or first_complaint(utterances)
    if stated is None:
        return rest
    return [Candidate(stated[0], "chief_complaint", (stated[1],)), *rest]


_VITAL_LABELS = {
    "blood pressure": "Blood pressure",
    "heart rate": "Heart rate",
    "temperature": "Temperature",
    "respiratory rate": "Respiratory rate",
    "oxygen saturation": "Oxygen saturation",
    "weight": "Weight",
    "height": "Height",
    "bmi": "BMI",
}


_VITAL_UNITS = {"blood pressure": "mmHg", "heart rate": "bpm", "oxygen saturation": "%"}


def _with_vitals(found: list[Candidate]) -> list[Candidate]:
    """Add the vital signs measured at the visit as "Blood pressure: 156/94 mmHg." lines."""
    lines: dict[str, Candidate] = {}
    for candidate in found:
        if candidate.category not in ("vitals", "exam"):
            continue
        spoken = digits(candidate.text)
        for vital in extract_vitals(spoken):
            unit = vital.unit or _VITAL_UNITS.get(vital.name)
            value = f"{vital.value} {unit}" if unit else vital.value
            text = f"{_VITAL_LABELS[vital.name]}: {value}."
            lines.setdefault(vital.name, Candidate(text, "vitals", candidate.segment_ids))
    return found + list(lines.values())


def _with_systems_review(
    found: list[Candidate], utterances: Sequence[Utterance]
) -> list[Candidate]:
    """Replace the scattered symptom denials with one review-of-systems line per body system."""
    lines = review_of_systems(utterances)
    covered = {s for line in lines for s in find_symptoms(line.text)}
    kept = [
        c
        for c in found
        if c.category != "ros" or not set(find_symptoms(c.text)) <= covered or not covered
    ]
    return kept + [Candidate(line.text, "ros", line.segment_ids) for line in lines]


def _deduplicate(found: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    seen: list[frozenset[str]] = []
    for candidate in found:
        words = frozenset(re.findall(r"[a-z0-9]+", candidate.text.lower()))
        if any(_similarity(words, other) >= _NEAR_DUPLICATE for other in seen):
            continue
        kept.append(candidate)
        seen.append(words)
    return kept


def _similarity(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
