"""Named groups of sentence categories, and the rule that settles overlaps between sections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeGuard, get_args

from scribe.clinical.types import Category

CATEGORIES: frozenset[str] = frozenset(get_args(Category))

_HISTORY: tuple[Category, ...] = (
    "hpi",
    "ros",
    "social_history",
    "family_history",
    "past_history",
    "medications",
    "allergies",
    "surgical_history",
    "obstetric_history",
    "psychiatric_history",
    "immunizations",
    "risk_factors",
    "diet",
    "lifestyle",
    "wellness",
)
_SUBJECTIVE: tuple[Category, ...] = ("chief_complaint", *_HISTORY, "behavior", "goals", "response")
_OBJECTIVE: tuple[Category, ...] = ("vitals", "exam", "results", "labs", "imaging", "mental_status")
_ASSESSMENT: tuple[Category, ...] = ("assessment", "medical_decision")
_PLAN: tuple[Category, ...] = ("plan", "prescriptions", "follow_up", "intervention", "procedures")

# Data files write "@subjective" for the whole group.
GROUPS: dict[str, tuple[Category, ...]] = {
    "history": _HISTORY,
    "subjective": _SUBJECTIVE,
    "objective": _OBJECTIVE,
    "history_and_findings": (*_HISTORY, *_OBJECTIVE),
    "assessment": _ASSESSMENT,
    "plan": _PLAN,
    "all": (*_SUBJECTIVE, *_OBJECTIVE, *_ASSESSMENT, *_PLAN),
}


def is_category(value: str) -> TypeGuard[Category]:
    return value in CATEGORIES


def expand(names: Iterable[str]) -> tuple[Category, ...]:
    """Categories named directly or through an ``@group``, in order, without repeats."""
    found: dict[Category, None] = {}
    for name in names:
        if name.startswith("@") and name[1:] in GROUPS:
            found.update(dict.fromkeys(GROUPS[name[1:]]))
        elif is_category(name):
            found[name] = None
        else:
            raise ValueError(f"unknown category or group: {name!r}")
    return tuple(found)


def settle(
    wanted: Sequence[tuple[tuple[Category, ...], tuple[Category, ...]]],
) -> list[tuple[Category, ...]]:
    """Each section's kinds: its own, plus the extras no other section of the template owns.

    The engine routes a category to the first section listing it, so a broad section placed
    before a dedicated one (SUBJECTIVE before MEDICATIONS) would starve it; extras ("also")
    only count where the template has no dedicated home for them.
    """
    owned = {kind for own, _ in wanted for kind in own}
    return [
        tuple(dict.fromkeys((*own, *(kind for kind in also if kind not in owned))))
        for own, also in wanted
    ]
