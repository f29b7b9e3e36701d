"""Move the speaker's "I" or the doctor's "you" to the third person, keeping verbs in agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scribe.clinical.gender import Gender

Pronoun = Literal["i", "you"]
_Number = Literal["singular", "plural"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+|-[A-Za-z0-9]+)*")
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
    "am": "is",
    "are": "is",
    "were": "was",
    "have": "has",
    "do": "does",
    "go": "goes",
    "don't": "does not",
    "didn't": "did not",
    "haven't": "has not",
    "can't": "cannot",
    "won't": "will not",
    "aren't": "is not",
    "weren't": "was not",
    "wasn't": "was not",
    "isn't": "is not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
}
_PLURAL = {
    "am": "are",
    "was": "were",
    "wasn't": "were not",
    "don't": "do not",
    "didn't": "did not",
    "haven't": "have not",
    "can't": "cannot",
    "won't": "will not",
    "aren't": "are not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
}
_BE = {"singular": "is", "plural": "are"}
_HAVE = {"singular": "has", "plural": "have"}
# After these words "you" opens a clause ("I think you have"), so it is a subject.
_SUBJECT_CONTEXT = frozenset(
    "and but so if that because when until unless or since while as where whether think believe"
    " know hope guess sure like seems looks then maybe now also".split()
)
# Words that, right after "you", show it is the subject of a clause.
_VERB_LIKE = frozenset(
    "are were have had do did don't didn't haven't can can't could will would should need feel"
    " felt know think want said get got may might must take took see saw go went tell told"
    " mentioned say notice noticed look looks seem seems hurt start started try tried use used eat"
    " drink smoke work live sleep walk run play has".split()
)
_NOT_VERBS = frozenset(
    "bed red need seed shed during in on at for with about and or but the a an this that so because"
    " if when to from by as into over after before since until while".split()
)
_INVERSIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bare the patient\b", re.I), "is the patient"),
    (re.compile(r"\bwere the patient\b", re.I), "was the patient"),
    (re.compile(r"\bdo the patient\b", re.I), "does the patient"),
    (re.compile(r"\bhave the patient (?=been|had|noticed|tried|ever)", re.I), "has the patient "),
)
_CONTRACTED = {"'m": "be", "'re": "be", "'ve": "have", "'ll": "will", "'d": "would"}
_FIRST_PLURAL = {
    "we": "they",
    "our": "their",
    "us": "them",
    "ours": "theirs",
    "ourselves": "themselves",
    "we're": "they are",
    "we've": "they have",
    "we'll": "they will",
    "we'd": "they would",
}


@dataclass(slots=True)
class _State:
    pronoun: Pronoun
    gender: Gender | None = None
    mentioned: bool = False
    pending: _Number | None = None


# Later mentions of a patient whose gender the dialogue makes clear: subject, object, possessive,
# absolute possessive, reflexive.
_GENDERED: dict[Gender, tuple[str, str, str, str, str]] = {
    "female": ("she", "her", "her", "hers", "herself"),
    "male": ("he", "him", "his", "his", "himself"),
}
_NEUTRAL = ("they", "them", "their", "theirs", "themselves")


def shift_person(text: str, pronoun: Pronoun, gender: Gender | None = None) -> str:
    """Replace the first (I) or second (you) person in text with "the patient", then a pronoun.

    Later mentions become "they" unless gender says "he" or "she".
    """
    state = _State(pronoun, gender)
    pieces: list[str] = []
    last = 0
    previous: str | None = None
    matches = list(_WORD.finditer(text))
    for index, match in enumerate(matches):
        gap = text[last : match.start()]
        if gap.strip():
            state.pending, previous = None, None
        following = matches[index + 1].group(0).lower() if index + 1 < len(matches) else None
        pieces += [gap, _convert(match.group(0), (previous, following), state)]
        previous, last = match.group(0).lower(), match.end()
    pieces.append(text[last:])
    return _fix_inversions("".join(pieces))


def _fix_inversions(text: str) -> str:
    # Questions put the verb first ("are you"), so it escaped agreement with "the patient".
    for pattern, replacement in _INVERSIONS:
        text = pattern.sub(replacement, text)
    return text


def _convert(word: str, neighbours: tuple[str | None, str | None], state: _State) -> str:
    lower = word.lower()
    if state.pending is not None:
        if lower in _ADVERBS:
            return word
        number, state.pending = state.pending, None
        return _conjugate(lower, number) if lower not in _pronoun_forms(state.pronoun) else word
    if state.pronoun == "i":
        return _first_person(lower, state) or word
    return _second_person(lower, neighbours, state) or word


def _pronoun_forms(pronoun: Pronoun) -> frozenset[str]:
    base = "i" if pronoun == "i" else "you"
    return frozenset({base} | {base + suffix for suffix in _CONTRACTED})


def _first_person(lower: str, state: _State) -> str | None:
    if lower in _FIRST_PLURAL:
        return _FIRST_PLURAL[lower]
    if lower == "i" or (lower.startswith("i'") and lower[1:] in _CONTRACTED):
        return _subject(lower[1:], state)
    return _object_forms(lower, state, "me", "my", "mine", "myself")


def _second_person(
    lower: str, neighbours: tuple[str | None, str | None], state: _State
) -> str | None:
    if lower.startswith("you'") and lower[3:] in _CONTRACTED:
        return _subject(lower[3:], state)
    if lower == "you":
        return _subject("", state) if _is_subject(*neighbours) else _object(state)
    return _object_forms(lower, state, None, "your", "yours", "yourself")


def _is_subject(previous: str | None, following: str | None) -> bool:
    if following is not None and (following in _VERB_LIKE or following in _ADVERBS):
        return True
    if following is not None and following.endswith("ed") and following not in _NOT_VERBS:
        return True
    return previous is None or previous in _SUBJECT_CONTEXT


def _forms(state: _State) -> tuple[str, str, str, str, str]:
    return _NEUTRAL if state.gender is None else _GENDERED[state.gender]


def _subject(contraction: str, state: _State) -> str:
    plural = state.mentioned and state.gender is None
    number: _Number = "plural" if plural else "singular"
    subject = _forms(state)[0] if state.mentioned else "the patient"
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
        return _forms(state)[1]
    state.mentioned = True
    return "the patient"


def _object_forms(
    lower: str, state: _State, objective: str | None, possessive: str, absolute: str, reflexive: str
) -> str | None:
    if lower == objective:
        return _object(state)
    if lower == possessive:
        owner = _forms(state)[2] if state.mentioned else "the patient's"
        state.mentioned = True
        return owner
    if lower == absolute:
        return _forms(state)[3]
    if lower == reflexive:
        return _forms(state)[4]
    return None


def _conjugate(verb: str, number: _Number) -> str:
    if number == "plural":
        return _PLURAL.get(verb, verb)
    if verb in _SINGULAR:
        return _SINGULAR[verb]
    if verb in _UNCHANGED or verb in _NOT_VERBS or verb.endswith(("ed", "s", "n't")):
        return verb
    if not verb.isalpha():
        return verb
    if verb.endswith(("sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return verb[:-1] + "ies"
    return verb + "s"
