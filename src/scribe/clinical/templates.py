"""The built-in note templates and a generic fallback for names the catalogue does not know."""

from __future__ import annotations

import re

from scribe.clinical.types import Category, SectionSpec, TemplateSpec

_SUBJECTIVE: tuple[Category, ...] = (
    "chief_complaint",
    "hpi",
    "ros",
    "past_history",
    "family_history",
    "social_history",
    "medications",
    "allergies",
    "behavior",
    "goals",
    "response",
)
_OBJECTIVE: tuple[Category, ...] = ("vitals", "exam", "results")
# What is reported and what is found: behavioural templates fold both into one section.
_HISTORY_AND_FINDINGS: tuple[Category, ...] = (
    "hpi",
    "ros",
    "social_history",
    "family_history",
    "past_history",
    "medications",
    "allergies",
    *_OBJECTIVE,
)
_PLAN: tuple[Category, ...] = ("plan", "prescriptions", "follow_up", "intervention")


def _section(key: str, title: str, *kinds: Category) -> SectionSpec:
    return SectionSpec(key=key, title=title, kinds=kinds)


SOAP = TemplateSpec(
    key="SOAP",
    name="SOAP note",
    sections=(
        _section("subjective", "Subjective", *_SUBJECTIVE),
        _section("objective", "Objective", *_OBJECTIVE),
        _section("assessment", "Assessment", "assessment"),
        _section("plan", "Plan", *_PLAN),
    ),
)

BIRP = TemplateSpec(
    key="BIRP",
    name="BIRP note",
    sections=(
        _section(
            "behavior",
            "Behavior",
            "behavior",
            "chief_complaint",
            *_HISTORY_AND_FINDINGS,
        ),
        _section("intervention", "Intervention", "intervention", "prescriptions"),
        _section("response", "Response", "response", "goals", "assessment"),
        _section("plan", "Plan", "plan", "follow_up"),
    ),
)

DAP = TemplateSpec(
    key="DAP",
    name="DAP note",
    sections=(
        _section("data", "Data", *_SUBJECTIVE, *_OBJECTIVE, "intervention"),
        _section("assessment", "Assessment", "assessment"),
        _section("plan", "Plan", "plan", "prescriptions", "follow_up"),
    ),
)

GIRP = TemplateSpec(
    key="GIRP",
    name="GIRP note",
    sections=(
        _section("goals", "Goals", "goals", "chief_complaint"),
        _section("intervention", "Intervention", "intervention", "prescriptions"),
        _section(
            "response",
            "Response",
            "response",
            "behavior",
            *_HISTORY_AND_FINDINGS,
            "assessment",
        ),
        _section("plan", "Plan", "plan", "follow_up"),
    ),
)

HP = TemplateSpec(
    key="HP",
    name="History and physical",
    sections=(
        _section("chief_complaint", "Chief Complaint", "chief_complaint"),
        _section(
            "history_of_present_illness",
            "History of Present Illness",
            "hpi",
            "behavior",
            "response",
            "goals",
        ),
        _section("review_of_systems", "Review of Systems", "ros"),
        _section("past_medical_history", "Past Medical History", "past_history"),
        _section("medications", "Medications", "medications"),
        _section("allergies", "Allergies", "allergies"),
        _section("family_history", "Family History", "family_history"),
        _section("social_history", "Social History", "social_history"),
        _section("physical_exam", "Physical Exam", "vitals", "exam", "results"),
        _section("assessment", "Assessment", "assessment"),
        _section("plan", "Plan", *_PLAN),
    ),
)

BUILTIN_TEMPLATES: dict[str, TemplateSpec] = {t.key: t for t in (SOAP, BIRP, DAP, GIRP, HP)}
_ALIASES = {"H&P": "HP", "HANDP": "HP", "HISTORYANDPHYSICAL": "HP"}


def get_template(key: str) -> TemplateSpec | None:
    """Look a built-in template up by key, ignoring case and punctuation ("soap", "H&P")."""
    upper = key.strip().upper()
    if upper in _ALIASES:
        upper = _ALIASES[upper]
    compact = re.sub(r"[^A-Z0-9]", "", upper)
    return BUILTIN_TEMPLATES.get(upper) or BUILTIN_TEMPLATES.get(_ALIASES.get(compact, compact))


def generic_template(key: str) -> TemplateSpec:
    """Build a general clinical template for a custom or unknown template name."""
    sections = (
        _section("chief_complaint", "Chief Complaint", "chief_complaint", "goals"),
        _section(
            "history_of_present_illness",
            "History of Present Illness",
            "hpi",
            "ros",
            "past_history",
            "family_history",
            "social_history",
            "behavior",
            "response",
        ),
        _section("medications", "Medications", "medications"),
        _section("allergies", "Allergies", "allergies"),
        _section("physical_exam", "Physical Exam", "vitals", "exam"),
        _section("results", "Results", "results"),
        _section("assessment", "Assessment", "assessment"),
        _section("plan", "Plan", *_PLAN),
    )
    name = " ".join(key.replace("_", " ").split()) or "Clinical note"
    return TemplateSpec(key=key, name=name, sections=sections)
