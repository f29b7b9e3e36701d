"""Turn utterances into classified, rewritten note sentences, pairing answers with questions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from scribe.clinical.answers import paired_reply
from scribe.clinical.chief import stated_reason
from scribe.clinical.gender import Gender
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.negation import is_negative_answer, is_positive_answer, negated_symptoms
from scribe.clinical.rewrite import clean_speech, clinical_voice
from scribe.clinical.sections import classify, is_assistant_address, is_small_talk
from scribe.clinical.sentences import split_sentences
from scribe.clinical.types import Category, SpeakerRole, Utterance

# A doctor's run-on sentence often joins a finding and a decision; split it where a new clause
# with its own subject starts so each half can land in its own section.
_CLAUSE_SPLIT = re.compile(r",\s+(?:and|so|but)\s+(?=(?:i|we|you|let's|let us)\b)", re.I)
_MIN_CLAUSE_WORDS = 4
_DISCOURSE_OPENING = re.compile(r"^(?:(?:and|then|so|now|okay|alright|well)\b[\s,]*)+", re.I)
_INLINE_QUESTION = re.compile(
    r"\b(?:(?:do|did|does|can|could|are|were|have|has) (?:you|it|the pain|that|this|there)"
    r"|tell me|(?<!of )(?<!no )any (?:other )?\w+ or\b)",
    re.I,
)
_FUNCTION_WORDS = frozenset(
    "it it's its that this these those is was does do did has have had be been yes no not the a"
    " an and or but so there they them their patient patient's will would can could some".split()
)
# Transcripts without punctuation still show a doctor's questions by how they open.
_QUESTION_OPENING = re.compile(
    r"^(?:how (?:are|is|long|often|much|many|bad|about)|what|when|where|why|which|who"
    r"|(?:do|did|does|are|were|have|has|can|could|would|is|was) (?:you|it|there|anyone|that|this)"
    r"|any (?:other )?\w+$)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A transcript sentence in clinical prose, its category and the utterances it came from."""

    text: str
    category: Category
    segment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    raw: str
    speaker: SpeakerRole
    utterance_id: str
    is_question: bool


@dataclass(frozen=True, slots=True)
class _Question:
    text: str
    category: Category | None
    utterance_id: str


@dataclass(slots=True)
class _Dialogue:
    """What the conversation has established so far, for reading the next reply."""

    gender: Gender | None = None
    asked: list[_Question] = field(default_factory=list)
    affirmed: set[str] = field(default_factory=set)
    previous_speaker: SpeakerRole | None = None


def candidates(utterances: Sequence[Utterance], gender: Gender | None = None) -> list[Candidate]:
    """Classify and rewrite every clinical sentence of the (role-resolved) utterances.

    gender, when the dialogue makes it clear, lets later mentions of the patient read "he"/"she".
    """
    found: list[Candidate] = []
    dialogue = _Dialogue(gender)
    for utterance in utterances:
        pieces = list(_pieces(utterance))
        is_answer = utterance.speaker != "doctor" and dialogue.previous_speaker == "doctor"
        found += (
            _answer(pieces, dialogue) if is_answer and dialogue.asked else _plain(pieces, gender)
        )
        if utterance.speaker == "doctor":
            dialogue.asked = [_as_question(p) for p in pieces if p.is_question]
        elif utterance.speaker == "patient":
            dialogue.asked = []
            dialogue.affirmed.update(_affirmed_symptoms(pieces))
        dialogue.previous_speaker = utterance.speaker
    return found


def _affirmed_symptoms(pieces: list[_Piece]) -> set[str]:
    affirmed: set[str] = set()
    for piece in pieces:
        affirmed.update(set(find_symptoms(piece.text)) - set(negated_symptoms(piece.text)))
    return affirmed


def _pieces(utterance: Utterance) -> Iterator[_Piece]:
    for sentence in _dictated_content(split_sentences(utterance.text)):
        cleaned = clean_speech(sentence)
        question = cleaned.endswith("?") or _asks(cleaned, utterance.speaker)
        for clause in _clauses(cleaned, utterance.speaker, question):
            yield _Piece(clause, sentence, utterance.speaker, utterance.id, question)


def _dictated_content(sentences: list[str]) -> Iterator[str]:
    """Drop commands to a dictation assistant: "hey dragon? show me the x-ray." is not clinical."""
    skip_next = False
    for sentence in sentences:
        if not skip_next:
            yield sentence
        skip_next = is_assistant_address(sentence)


def _asks(sentence: str, speaker: SpeakerRole) -> bool:
    if speaker != "doctor":
        return False
    opening = _DISCOURSE_OPENING.sub("", sentence)
    if _QUESTION_OPENING.match(opening):
        return True
    unpunctuated = not sentence.rstrip().endswith((".", "!", "?"))
    return unpunctuated and _INLINE_QUESTION.search(sentence) is not None


def _clauses(sentence: str, speaker: SpeakerRole, question: bool) -> list[str]:
    if speaker != "doctor" or question:
        return [sentence]
    parts = _CLAUSE_SPLIT.split(sentence)
    if any(len(part.split()) < _MIN_CLAUSE_WORDS for part in parts):
        return [sentence]
    return parts


def _as_question(piece: _Piece) -> _Question:
    return _Question(piece.text, classify(piece.text, piece.speaker), piece.utterance_id)


def _plain(pieces: list[_Piece], gender: Gender | None) -> list[Candidate]:
    found = []
    for piece in pieces:
        category = None if piece.is_question else classify(piece.text, piece.speaker)
        if category is not None:
            found += _candidate(piece, category, (piece.utterance_id,), gender)
    return found


def _answer(pieces: list[_Piece], dialogue: _Dialogue) -> list[Candidate]:
    if not pieces:
        return []
    asked = dialogue.asked
    ids = (asked[-1].utterance_id, pieces[0].utterance_id)
    question = " ".join(q.text for q in asked)
    paired = paired_reply(pieces[0].raw, question, dialogue.affirmed)
    if paired is not None:
        return [Candidate(paired[0], paired[1], ids), *_plain(pieces[1:], dialogue.gender)]
    context = next((q.category for q in reversed(asked) if q.category is not None), None)
    found = []
    for piece in pieces:
        category = None if piece.is_question else classify(piece.text, piece.speaker)
        if category is not None:
            found += _candidate(piece, category, (piece.utterance_id,), dialogue.gender)
        elif context is not None and _carries_content(piece):
            found += _candidate(piece, context, ids, dialogue.gender)
    return found


def _carries_content(piece: _Piece) -> bool:
    if piece.is_question or is_small_talk(piece.text):
        return False
    return not (is_negative_answer(piece.raw) or is_positive_answer(piece.raw))


def _candidate(
    piece: _Piece, category: Category, ids: tuple[str, ...], gender: Gender | None
) -> list[Candidate]:
    rewritten = clinical_voice(piece.text, piece.speaker, gender)
    words = re.findall(r"[a-z']+", rewritten.lower())
    if len(rewritten.split()) < 2 or all(word in _FUNCTION_WORDS for word in words):
        return []
    if category == "chief_complaint":
        # The sentence stating the reason tells the history; the reason alone is the complaint.
        reason = stated_reason(piece.text)
        history = Candidate(rewritten, "hpi", ids)
        return [Candidate(reason, category, ids), history] if reason else [history]
    return [Candidate(rewritten, category, ids)]
