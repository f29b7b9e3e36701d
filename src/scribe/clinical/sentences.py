"""Sentence splitting that survives abbreviations, decimals and spoken-style punctuation."""

from __future__ import annotations

import re

# Titles never end a sentence: a name always follows them.
_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "e.g", "i.e", "vs", "approx"}
)
# Units and other abbreviations end a sentence only when a capitalised word follows.
_SOFT = frozenset(
    {"mg", "mcg", "kg", "lb", "lbs", "ml", "cm", "mm", "oz", "etc", "a.m", "p.m", "min", "hr"}
)
_RUN_ON_WORDS = 40
_MIN_CHUNK_WORDS = 6
_MARKERS = frozenset({"okay", "ok", "alright", "so", "now", "um", "uh", "alrighty"})
_NOT_AFTER_MARKER = frozenset(
    {"that", "much", "far", "many", "long", "well", "bad", "good", "sorry"}
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
        sentences += _split_run_on(text[start : match.end()].strip())
        start = match.end()
    sentences += _split_run_on(text[start:].strip())
    return [sentence for sentence in sentences if _has_words(sentence)]


def _split_run_on(sentence: str) -> list[str]:
    """Cut an unpunctuated stretch of speech (ASR output) before its discourse markers."""
    words = sentence.split()
    if len(words) <= _RUN_ON_WORDS:
        return [sentence]
    chunks: list[list[str]] = [[]]
    for index, word in enumerate(words):
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        is_marker = word.lower().strip(",") in _MARKERS and following not in _NOT_AFTER_MARKER
        if is_marker and len(chunks[-1]) >= _MIN_CHUNK_WORDS:
            chunks.append([])
        chunks[-1].append(word)
    return [" ".join(chunk) for chunk in chunks]


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
