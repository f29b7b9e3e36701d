"""The last pass over every note sentence: strike what a clinician would strike from a chart.

Spoken hedges and interjections ("kind of", ", okay,", "you know") are removed where they are
filler; a sentence that still addresses someone ("you", "your") or asks a question after the
rewriting is not a chart statement, so it is dropped rather than written. Dropping loses a few
words of content now and then; the clinicians' own notes have 0.1% such sentences.
"""

from __future__ import annotations

import re

_DETERMINED_KIND = r"(?<!\bwhat )(?<!\bthis )(?<!\bthat )(?<!\bany )(?<!\bthe )(?<!\bsome )"
_STRIKE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"{_DETERMINED_KIND}(?<!\ba )\b(?:kind|sort) of\s+", re.I), ""),
    (re.compile(r",?\s*\byou know\b\s*,?", re.I), " "),
    (re.compile(r",?\s*\b(?:um+|uh+)\b\s*,?", re.I), " "),
    (re.compile(r",?\s*\b(?:okay|ok|yeah|alright|all right)\b\s*[,.]?", re.I), " "),
    (re.compile(r"\b(?:kind|sort) of\b", re.I), "type of"),
    (re.compile(r"\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
)
_WELL = re.compile(r"\b(doing|feeling|going|feels|feel|felt|was|is|looks?|looked) okay\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you've|yours|yourself)\b", re.I)
_FILLER = re.compile(
    r"\b(?:um|uh|okay|ok|yeah|alright|all right|you know|kind of|sort of|gonna|wanna)\b", re.I
)


def polish(sentence: str) -> str | None:
    """The sentence as a chart statement, or None when it cannot be one."""
    text = _WELL.sub(lambda m: f"{m.group(1)} well", sentence)
    for pattern, replacement in _STRIKE:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
    text = re.sub(r"^[,;:\s]+|(?<=[,;])[,;]+", "", text).strip()
    if "?" in text or _SECOND_PERSON.search(text) or _FILLER.search(text):
        return None
    return text[0].upper() + text[1:] if text else None
