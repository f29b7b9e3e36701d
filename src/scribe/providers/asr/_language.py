"""Language tags as recognizers take them."""

from __future__ import annotations


def primary_language(tag: str) -> str:
    """Return the lower-case primary subtag of a BCP-47 tag: "en-US" -> "en", "pt_BR" -> "pt"."""
    return tag.replace("_", "-").split("-")[0].strip().lower()
