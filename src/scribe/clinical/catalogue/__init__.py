"""Every note template the vendors name, as data: one JSON file per family under ``data/``.

Families are namespaces because keys collide (Omniloy ``SOAP``, Nabla ``SOAP``, Corti ``soap``).
Each section lists the categories that feed it, so ``write_note`` can fill any template.
"""

from scribe.clinical.catalogue._kinds import GROUPS, is_category
from scribe.clinical.catalogue._load import FAMILIES
from scribe.clinical.catalogue._lookup import (
    CustomSection,
    UnknownSectionError,
    compose,
    custom_template,
    fallback_template,
    find,
    find_any,
    list_templates,
    section_catalogue,
)
from scribe.clinical.catalogue.mapping import kinds_for_title, title_kinds

__all__ = [
    "FAMILIES",
    "GROUPS",
    "CustomSection",
    "UnknownSectionError",
    "compose",
    "custom_template",
    "fallback_template",
    "find",
    "find_any",
    "is_category",
    "kinds_for_title",
    "list_templates",
    "section_catalogue",
    "title_kinds",
]
