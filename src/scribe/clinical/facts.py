"""Facts: short clinical statements from a visit, each in a group, each with its sources.

Corti's fact-based workflow lists what a conversation established ("Ibuprofen 400 mg twice a
day", "Denies fever and chills") so a clinician can check them before a document is written::

    facts = extract_facts(parse_transcript(text))
    [(f.group, f.text) for f in facts]  # [("symptoms", "Denies fever and chills."), ...]
    draft = draft_from_facts([(f.text, f.group) for f in facts], template)

Deterministic: the same utterances always give the same facts in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from scribe.clinical.candidates import Candidate, candidates
from scribe.clinical.extract import extract_allergies, extract_medications, extract_vitals
from scribe.clinical.gender import patient_gender
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.negation import negated_symptoms
from scribe.clinical.notes import section_routes
from scribe.clinical.numbers import digits
from scribe.clinical.roles import correct_swapped_roles, infer_roles
from scribe.clinical.sections import classify
from scribe.clinical.types import (
    Category,
    DraftSection,
    NoteDraft,
    NoteSentence,
    TemplateSpec,
    Utterance,
)


@dataclass(frozen=True, slots=True)
class FactGroup:
    key: str
    name: str
    categories: tuple[Category, ...]


# In the order a clinician reads a visit; the first category of a group is where its facts go
# when they feed a document.
FACT_GROUPS: tuple[FactGroup, ...] = (
    FactGroup("chief-complaint", "Chief complaint", ("chief_complaint",)),
    FactGroup("symptoms", "Symptoms", ("hpi", "ros", "behavior", "response")),
    FactGroup(
        "history",
        "Medical history",
        (
            "past_history",
            "surgical_history",
            "obstetric_history",
            "psychiatric_history",
            "immunizations",
        ),
    ),
    FactGroup("family-history", "Family history", ("family_history",)),
    FactGroup(
        "social-history",
        "Social history",
        ("social_history", "risk_factors", "diet", "lifestyle", "wellness"),
    ),
    FactGroup("medications", "Medications", ("medications",)),
    FactGroup("allergies", "Allergies", ("allergies",)),
    FactGroup("vitals", "Vital signs", ("vitals",)),
    FactGroup("physical-exam", "Physical exam", ("exam", "mental_status")),
    FactGroup("results", "Diagnostic results", ("results", "labs", "imaging")),
    FactGroup("assessment", "Assessment", ("assessment", "medical_decision")),
    FactGroup(
        "plan",
        "Plan",
        ("plan", "prescriptions", "follow_up", "intervention", "procedures", "goals"),
    ),
    FactGroup("other", "Other", ()),
)
GROUPS_BY_KEY = {group.key: group for group in FACT_GROUPS}
_GROUP_OF: dict[Category, str] = {
    category: group.key for group in FACT_GROUPS for category in group.categories
}
# Structured extractors give one short fact per item instead of the whole sentence.
_ITEMISED: frozenset[Category] = frozenset({"medications", "allergies", "vitals"})


@dataclass(frozen=True, slots=True)
class ExtractedFact:
    text: str
    group: str
    segment_ids: tuple[str, ...]


def group_of(category: Category) -> str:
    """The fact group a sentence category belongs to."""
    return _GROUP_OF.get(category, "other")


def extract_facts(utterances: Sequence[Utterance]) -> list[ExtractedFact]:
    """The facts a conversation states, grouped, negated findings as "Denies ..." facts."""
    resolved = infer_roles(correct_swapped_roles(utterances))
    found: dict[tuple[str, str], ExtractedFact] = {}
    for candidate in candidates(resolved, patient_gender(resolved)):
        for fact in _facts_of(candidate):
            found.setdefault((fact.group, fact.text.lower()), fact)
    return list(found.values())


def _facts_of(candidate: Candidate) -> Iterator[ExtractedFact]:
    group = group_of(candidate.category)
    items = _items(candidate.text, candidate.category) if candidate.category in _ITEMISED else []
    for text in items or _statements(candidate.text):
        yield ExtractedFact(digits(text), group, candidate.segment_ids)


def _items(text: str, category: Category) -> list[str]:
    if category == "allergies":
        return [f"Allergic to {allergen}" for allergen in extract_allergies(text)]
    if category == "vitals":
        return [
            " ".join(filter(None, (v.name.capitalize(), v.value, v.unit)))
            for v in extract_vitals(text)
        ]
    return [
        " ".join(filter(None, (m.name.capitalize(), m.dose, m.frequency)))
        for m in extract_medications(text)
    ]


def _statements(text: str) -> list[str]:
    """The sentence, as "Denies ..." when all it says is negated, else with its denials added.

    "No fever or chills." → ["Denies fever and chills."]; "No fever but a headache." keeps the
    sentence and adds "Denies fever.", so a negated finding is always a fact of its own.
    """
    negated = [] if text.lower().startswith("denies") else negated_symptoms(text)
    if not negated:
        return [text]
    listed = negated[0] if len(negated) == 1 else f"{', '.join(negated[:-1])} and {negated[-1]}"
    denial = f"Denies {listed}."
    return [denial] if set(find_symptoms(text)) <= set(negated) else [text, denial]


def draft_from_facts(facts: Sequence[tuple[str, str | None]], template: TemplateSpec) -> NoteDraft:
    """A note whose sections hold the (text, group) facts routed by group to the template.

    A fact without a known group goes where its text would be classified, else to the history.
    Each sentence cites its fact as ``f<n>``, the fact's position in ``facts``.
    """
    routes = section_routes(template)
    buckets: dict[str, list[NoteSentence]] = {section.key: [] for section in template.sections}
    for index, (text, group) in enumerate(facts):
        key = routes.get(_category_of(text, group))
        key = key or (template.sections[0].key if template.sections else None)
        if key is not None and text.strip():
            buckets[key].append(NoteSentence(_sentence(text), (f"f{index}",)))
    sections = tuple(DraftSection(s.key, s.title, tuple(buckets[s.key])) for s in template.sections)
    return NoteDraft(template_key=template.key, sections=sections)


def _category_of(text: str, group: str | None) -> Category:
    """The group's category the text reads as ("Denies fever" in symptoms is the ROS)."""
    known = GROUPS_BY_KEY.get((group or "").strip().lower())
    guess = classify(text, "unspecified")
    if known is None or not known.categories:
        return guess or "hpi"
    return guess if guess in known.categories else known.categories[0]


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."
