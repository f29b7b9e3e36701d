"""Negation detection in the spirit of NegEx: a trigger shortly before a term, same clause."""

from __future__ import annotations

import re

from scribe.clinical.lexicon import find_symptoms, symptom_mentions

_PRE_TRIGGERS = (
    "no",
    "not",
    "denies",
    "denied",
    "deny",
    "denying",
    "without",
    "never",
    "none",
    "nor",
    "negative for",
    "free of",
    "absence of",
    "ruled out",
    "rules out",
    "resolved",
)
_POST_TRIGGER = re.compile(r"^\W*(?:is|was|has been|were)?\s*(?:absent|negative|denied|resolved)\b")
# Words that open a new clause, so a negation before them no longer applies.
_CLAUSE_BREAKS = frozenset({"but", "however", "although", "though", "except", "yet", "which"})
_WINDOW = 8
_TOKEN = re.compile(r"[a-z0-9']+|[,;:.!?]")
_NEGATIVE_ANSWER = re.compile(
    r"^(?:(?:no|nope|nah|not really|not at all|none|never|negative|i don't think so|nothing"
    r"|nothing like that|no one|nobody|not that i know of|"
    r"i have not|i haven't|i do not|i don't|no i haven't|no i don't)\W*)+$",
    re.IGNORECASE,
)
_POSITIVE_ANSWER = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|i do|i have|i did|i am|i'm|uh-huh|mm-hmm|a little|sometimes)\W*)+$",
    re.IGNORECASE,
)


def is_negated(sentence: str, term: str) -> bool:
    """Tell whether term appears in sentence only under a negation ("no fever", "denies pain")."""
    tokens = _tokens(sentence)
    term_tokens = _tokens(term)
    positions = _find(tokens, term_tokens)
    if not positions:
        return False
    return all(_negated_at(tokens, start, len(term_tokens)) for start in positions)


def negated_symptoms(sentence: str) -> list[str]:
    """Return the canonical names of the symptoms that sentence negates."""
    names: dict[str, None] = {}
    for mention in symptom_mentions(sentence):
        if is_negated(sentence, mention):
            names.update(dict.fromkeys(find_symptoms(mention)))
    return list(names)


def is_negative_answer(text: str) -> bool:
    """Tell whether text is a bare "no" answer ("no, no.", "nope", "I haven't")."""
    return _NEGATIVE_ANSWER.match(_spoken(text)) is not None


def is_positive_answer(text: str) -> bool:
    """Tell whether text is a bare "yes" answer."""
    return _POSITIVE_ANSWER.match(_spoken(text)) is not None


def _spoken(text: str) -> str:
    text = re.sub(r"\b(?:um|uh|hmm|well|so|okay|ok)\b", " ", text.lower())
    text = re.sub(r"\s*n't\b", "n't", text)
    return " ".join(text.replace(",", " ").split())


def _tokens(text: str) -> list[str]:
    text = re.sub(r"\s+n't\b", "n't", text.lower())
    return _TOKEN.findall(text)


def _find(tokens: list[str], term: list[str]) -> list[int]:
    size = len(term)
    if size == 0:
        return []
    return [i for i in range(len(tokens) - size + 1) if tokens[i : i + size] == term]


def _negated_at(tokens: list[str], start: int, size: int) -> bool:
    window: list[str] = []
    for token in reversed(tokens[:start]):
        if token in _CLAUSE_BREAKS or token in {";", ".", "!", "?"} or len(window) >= _WINDOW:
            break
        if token not in {",", ":"}:
            window.insert(0, token)
    if _has_trigger(window):
        return True
    after = " ".join(tokens[start + size : start + size + 4])
    return _POST_TRIGGER.match(after) is not None


def _has_trigger(window: list[str]) -> bool:
    if any(
        token.endswith("n't") or token in {"dont", "didnt", "havent", "hasnt"} for token in window
    ):
        return True
    joined = " " + " ".join(window) + " "
    return any(f" {trigger} " in joined for trigger in _PRE_TRIGGERS)
