"""The Omniloy built-in templates and lookup across the catalogue's families.

The templates themselves are data (``clinical/catalogue/data``); this module keeps the names the
rest of the engine has always imported (``SOAP``, ``BUILTIN_TEMPLATES``, ``get_template``).
"""

from __future__ import annotations

from scribe.clinical import catalogue
from scribe.clinical.types import TemplateSpec

BUILTIN_TEMPLATES: dict[str, TemplateSpec] = {t.key: t for t in catalogue.list_templates("omniloy")}
SOAP = BUILTIN_TEMPLATES["SOAP"]
BIRP = BUILTIN_TEMPLATES["BIRP"]
DAP = BUILTIN_TEMPLATES["DAP"]
GIRP = BUILTIN_TEMPLATES["GIRP"]
HP = BUILTIN_TEMPLATES["HP"]


def get_template(key: str, family: str = "omniloy") -> TemplateSpec | None:
    """Look a built-in template up by key or alias, ignoring case and punctuation ("H&P")."""
    return catalogue.find(family, key.strip())


def generic_template(key: str) -> TemplateSpec:
    """Build a general clinical template for a custom or unknown template name."""
    name = " ".join(key.replace("_", " ").split()) or "Clinical note"
    return catalogue.fallback_template(key, name)
