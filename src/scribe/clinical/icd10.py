"""The official ICD-10-CM code set, as shipped by the simple-icd-10-cm package."""

from __future__ import annotations

import functools
import importlib
import warnings
from types import ModuleType


@functools.cache
def _code_set() -> ModuleType:
    """The package, imported on first use: reading its data takes seconds, and most processes
    (workers transcribing, CLI commands) never look a code up."""
    # The package reads its data with a deprecated importlib call at import time; the warning
    # is about its own internals, not ours, so it is silenced for that import only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


def normalise(code: str) -> str:
    """Upper-case a code and put its dot back ("e119" -> "E11.9")."""
    raw = code.strip().upper().replace(".", "")
    return raw if len(raw) <= 3 else f"{raw[:3]}.{raw[3:]}"


def is_code(code: str) -> bool:
    """Tell whether code is a billable (leaf) ICD-10-CM diagnosis code."""
    candidate = normalise(code)
    return (
        bool(candidate)
        and bool(_code_set().is_valid_item(candidate))
        and bool(_code_set().is_leaf(candidate))
    )


def description(code: str) -> str:
    """Return the official description of a valid code."""
    return str(_code_set().get_description(normalise(code)))
