"""Find the reason for the visit as a short chief complaint ("Left shoulder pain.")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scribe.clinical.sentences import split_sentences
from scribe.clinical.types import Utterance

# "... who presents today for follow-up of his chronic problems", "here for an evaluation of that
# right elbow pain", "sent you over for a nonhealing foot ulcer".
_STATED = re.compile(
    r"\b(?:(?:presents?|presenting|here|coming in|come in|came in|seen"
    r"|referred(?: by [\w ]{1,30}?)?|sent you(?: over)?|sent (?:him|her)(?: over)?)"
    r"(?: to see (?:me|us))?(?: today"
    r"| to(?:day)? the clinic)? (?:for|with)"
    r"|(?:told me|i see|i understand|i heard)(?: that)? you(?:'re| are|'ve| have)? (?:been )?"
    r"(?:having|have|had|got|experiencing))\b(?P<reason>[^.;?!]+)"
)
_LEAD_WORDS = re.compile(
    r"^(?:\s*(?:an?|the|some|his|her|your|my|their|that|this|these|complaints? of|evaluation of"
    r"|an evaluation of|further evaluation of|chief complaint of|ongoing|what)\b)+",
)
_REASON_END = re.compile(
    r",|\b(?:so|and (?:you|i|we|she|he|the|it|they)|can you|could you|is that|tell me|what|how"
    r"|which|who|that (?:you|i|she|he|started)|since|on|i|you|we|she|he|today)\b"
)
_POSSESSIVES = re.compile(r"\b(?:his|her|your|my|their) ")
_CLAUSE_VERB = re.compile(r"\b(?:is|are|was|were|be)\b")
_MAX_WORDS = 8
# "here with her husband" names who came along, not why.
_COMPANIONS = frozenset(
    "husband wife mother mom father dad son daughter friend partner sister brother family"
    " caregiver parents".split()
)
_BODY = (
    r"(?:knee|back|head|chest|stomach|abdomen|abdominal|leg|arm|foot|shoulder|neck|hip|hand"
    r"|wrist|ankle|throat|elbow|toe|finger|eye|ear|flank|side)"
)
# Without a stated reason, the patient's first complaint of pain or injury names the visit.
_COMPLAINT = re.compile(
    rf"\b(?:(?:left|right|lower|upper|bilateral)[ -](?:sided )?)?(?:{_BODY}s?) (?:pain|injury"
    r"|swelling|ulcer)\b"
)
_FIRST_TURNS = 8
_OPENING_TURNS = 12


def stated_reason(sentence: str) -> str | None:
    """Return the visit's reason as a short phrase from a sentence that states it, if any."""
    match = _STATED.search(sentence.lower())
    if match is None:
        return None
    reason = _LEAD_WORDS.sub("", match.group("reason")).strip()
    reason = _POSSESSIVES.sub("", _REASON_END.split(reason, maxsplit=1)[0]).strip()
    words = reason.split()
    if not words or len(words) > _MAX_WORDS or _CLAUSE_VERB.search(reason):
        return None
    if words[0] in _COMPANIONS:
        return None
    return _sentence(" ".join(words))


def opening_reason(utterances: Sequence[Utterance]) -> tuple[str, str] | None:
    """Return the reason stated early in the visit, even as a question, and its utterance id."""
    for utterance in utterances[:_OPENING_TURNS]:
        for sentence in split_sentences(utterance.text):
            reason = stated_reason(sentence)
            if reason is not None:
                return reason, utterance.id
    return None


def first_complaint(utterances: Sequence[Utterance]) -> tuple[str, str] | None:
    """Return the first named complaint of pain or injury and the id of its utterance."""
    for utterance in utterances[:_FIRST_TURNS]:
        match = _COMPLAINT.search(utterance.text.lower())
        if match is not None:
            return _sentence(match.group(0)), utterance.id
    return None


def _sentence(phrase: str) -> str:
    return phrase[0].upper() + phrase[1:] + "."
