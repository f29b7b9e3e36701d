"""Move the speaker's "I" or the doctor's "you" to the third person, keeping verbs in agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Pronoun = Literal["i", "you"]
_Number = Literal["singular", "plural"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+|-[A-Za-z0-9]+)*")
# Words that may sit between a subject and its verb without breaking agreement.
_ADVERBS = frozenset(
    "just also really still usually always never sometimes often actually only kind sort of"
    " definitely probably mostly even already recently finally generally normally typically"
    " constantly hardly barely currently certainly honestly basically literally occasionally"
    " rarely mainly especially both all first then ever".split()
)
_UNCHANGED = frozenset(
    "had was did felt went got took saw said told came made fell hurt broke ran began thought knew"
    " left kept gave ate drank slept woke lost found put quit cut hit set let read bought brought"
    " caught sat stood heard meant paid sent spent understood wore wrote drove rode became forgot"
    " could would should might must may can will shall cannot not been to".split()
)
_SINGULAR = {
    "am": "is", "are": "are", "were": "was", "have": "has", "do": "does", "go": "goes",
    "don't": "does not", "didn't": "did not", "haven't": "has not", "can't": "cannot",
    "won't": "will not", "aren't": "is not", "weren't": "was not", "wasn't": "was not",
    "isn't": "is not", "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not",
}
_PLURAL = {
    "am": "are", "was": "were", "wasn't": "were not", "don't": "do not", "didn't": "did not",
    "haven't": "have not", "can't": "cannot", "won't": "will not", "aren't": "are not",
    "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not",
}
_BE = {"singular": "is", "plural": "are"}
_HAVE = {"singular": "has", "plural": "have"}
# After these words "you" opens a clause ("I think you have"), so it is a subject.
_SUBJECT_CONTEXT = frozenset(
    "and but so if that because when until unless or since while as where whether think believe"
    " know hope guess sure like seems looks then maybe now also".split()
)
_CONTRACTED = {"'m": "be", "'re": "be", "'ve": "have", "'ll": "will", "'d": "would"}
_FIRST_PLURAL = {"we": "they", "our": "their", "us": "them", "ours": "theirs", "ourselves":
                 "themselves", "we're": "they are", "we've": "they have", "we'll": "they will",
                 "we'd": "they would"}


@dataclass(slots=True)
class _State:
    pronoun: Pronoun
    mentioned: bool = False
    pending: _Number | None = None


def shift_person(text: str, pronoun: Pronoun) -> str:
    """Replace the first (I) or second (you) person in text with "the patient"/"they"."""
    state = _State(pronoun)
    pieces: list[str] = []
    last = 0
    previous: str | None = None
    for match in _WORD.finditer(text):
        gap = text[last : match.start()]
        if gap.strip():
            state.pending, previous = None, None
        pieces += [gap, _convert(match.group(0), previous, state)]
        previous, last = match.group(0).lower(), match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _convert(word: str, previous: str | None, state: _State) -> str:
    lower = word.lower().replace("’", "'")
    if state.pending is not None:
        if lower in _ADVERBS:
            return word
        number, state.pending = state.pending, None
        return _conjugate(lower, number) if lower not in _pronoun_forms(state.pronoun) else word
    if state.pronoun == "i":
        return _first_person(lower, state) or word
    return _second_person(lower, previous, state) or word


def _pronoun_forms(pronoun: Pronoun) -> frozenset[str]:
    base = "i" if pronoun == "i" else "you"
    return frozenset({base} | {base + suffix for suffix in _CONTRACTED})


def _first_person(lower: str, state: _State) -> str | None:
    if lower in _FIRST_PLURAL:
        return _FIRST_PLURAL[lower]
    if lower == "i" or (lower.startswith("i'") and lower[1:] in _CONTRACTED):
        return _subject(lower[1:], state)
    return _object_forms(lower, state, "me", "my", "mine", "myself")


def _second_person(lower: str, previous: str | None, state: _State) -> str | None:
    if lower.startswith("you'") and lower[3:] in _CONTRACTED:
        return _subject(lower[3:], state)
    if lower == "you":
        if previous is None or previous in _SUBJECT_CONTEXT:
            return _subject("", state)
        return _object(state)
    return _object_forms(lower, state, None, "your", "yours", "yourself")


def _subject(contraction: str, state: _State) -> str:
    number: _Number = "plural" if state.mentioned else "singular"
    subject = "they" if state.mentioned else "the patient"
    state.mentioned = True
    verb = _CONTRACTED.get(contraction)
    if verb is None:
        state.pending = number
        return subject
    if verb == "be":
        return f"{subject} {_BE[number]}"
    if verb == "have":
        return f"{subject} {_HAVE[number]}"
    return f"{subject} {verb}"


def _object(state: _State) -> str:
    if state.mentioned:
        return "them"
    state.mentioned = True
    return "the patient"


def _object_forms(
    lower: str, state: _State, objective: str | None, possessive: str, absolute: str, reflexive: str
) -> str | None:
    if lower == objective:
        return _object(state)
    if lower == possessive:
        owner = "their" if state.mentioned else "the patient's"
        state.mentioned = True
        return owner
    if lower == absolute:
        return "theirs"
    if lower == reflexive:
        return "themselves"
    return None


def _conjugate(verb: str, number: _Number) -> str:
    if number == "plural":
        return _PLURAL.get(verb, verb)
    if verb in _SINGULAR:
        return _SINGULAR[verb]
    if verb in _UNCHANGED or verb.endswith(("ed", "s", "n't")) or not verb.isalpha():
        return verb
    if verb.endswith(("sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return verb[:-1] + "ies"
    return verb + "s"
