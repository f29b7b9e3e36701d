"""Sentence splitting that survives clinical abbreviations, decimals and spoken-style punctuation."""

from __future__ import annotations

import re

# Titles never end a sentence: a name always follows them.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "e.g", "i.e", "vs", "approx"})
# Units and other abbreviations end a sentence only when a capitalised word follows.
_SOFT = frozenset(
    {"mg", "mcg", "kg", "lb", "lbs", "ml", "cm", "mm", "oz", "etc", "a.m", "p.m", "min", "hr"}
)
_BOUNDARY = re.compile(r"(?:[.!?]+|…)['\")\]]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"\s*(\S+)")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping abbreviations, decimals and times intact."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match.start(), match.end()):
            continue
        sentence = text[start : match.end()].strip()
        if _has_words(sentence):
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if _has_words(tail):
        sentences.append(tail)
    return sentences


def _is_boundary(text: str, punct_start: int, punct_end: int) -> bool:
    if text[punct_start] != ".":
        return True
    if text[punct_start:punct_end].startswith(".."):
        return True
    before = _WORD_BEFORE.search(text[:punct_start])
    if before is None:
        return True
    word = before.group(1).lower()
    if word in _TITLES or (len(word) == 1 and word.isalpha() and word != "i"):
        return False
    if word in _SOFT:
        return _next_is_capitalised(text, punct_end)
    return True


def _next_is_capitalised(text: str, position: int) -> bool:
    following = _NEXT_WORD.match(text, position)
    return following is not None and following.group(1)[0].isupper()


def _has_words(sentence: str) -> bool:
    return any(char.isalnum() for char in sentence)
