"""Vocabulary where it was said: a window decoded plainly, near-terms decoded again with hotwords.

Hotwords before every window raise drug-name recall but cost WER elsewhere (a small model bends
ordinary words towards the list). Here the window is decoded without them; the stretches of
audio holding a word that sounds like a term are decoded again with them, and only the words
that became a term, where the words they replace sound like it, are taken into the plain text::

    pieces, info = transcribe_targeted(model, samples, options, ("metformin", "lisinopril"))
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from scribe.clinical import vocabulary as dictionary

SAMPLE_RATE = 16_000
# Whisper's segment times are loose by a few tenths of a second: the clip decoded again is wider.
PAD_SECONDS = 0.4
# Whisper pads every input to 30 s, so suspects this close together share one decoding.
CLIP_SECONDS = 28.0
# A stretch of up to this many words may sound like one term ("listen a pill" for lisinopril).
MAX_STRETCH = 4
# Sound-alike similarity (0 to 1) that earns a second decoding; the replaced words must reach
# the higher one, so that "was up to" never becomes "rosuvastatin".
SUSPECT_SIMILARITY = 0.55
SPLICE_SIMILARITY = 0.6
# A single word this close in spelling to a term (and as long) is taken as the term misspelt.
SPELLING_SIMILARITY = 0.85
SPELLING_LENGTH = 6
_LETTERS = re.compile(r"[^a-z0-9]")
_SOUNDS = (
    ("ph", "f"),
    ("ck", "k"),
    ("sch", "sk"),
    ("tion", "shn"),
    ("sion", "shn"),
    ("dg", "j"),
    ("qu", "kw"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("v", "f"),
)
_SILENT_STARTS = (("kn", "n"), ("wr", "r"), ("ps", "s"), ("pn", "n"), ("gn", "n"))


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary term: as written, its normalised words, and its sound-alike key."""

    text: str
    words: tuple[str, ...]
    key: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Words ``start:end`` of a token list become ``term``."""

    start: int
    end: int
    term: Term


def terms_of(vocabulary: Iterable[str]) -> tuple[Term, ...]:
    """The terms of a vocabulary, each once, without the empty ones."""
    terms: dict[tuple[str, ...], Term] = {}
    for text in vocabulary:
        words = tuple(word for word in map(normalise, text.split()) if word)
        if words:
            terms.setdefault(words, Term(text.strip(), words, sound_key(" ".join(words))))
    return tuple(terms.values())


def normalise(token: str) -> str:
    """A token lower-cased, without its punctuation."""
    return _LETTERS.sub("", token.lower())


def sound_key(text: str) -> str:
    """A metaphone-like key: the first letter, then the consonants as they sound, once each."""
    letters = _LETTERS.sub("", text.lower())
    for silent, sound in _SILENT_STARTS:
        if letters.startswith(silent):
            letters = sound + letters[len(silent) :]
    for spelling, sound in _SOUNDS:
        letters = letters.replace(spelling, sound)
    letters = re.sub(r"c(?=[eiy])", "s", letters).replace("c", "k")
    if not letters:
        return ""
    rest = re.sub(r"[aeiouyhw]", "", letters[1:])
    return re.sub(r"(.)\1+", r"\1", letters[0] + rest)


def similarity(left: str, right: str) -> float:
    """How alike two strings are, 0 to 1 (difflib's ratio)."""
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def sounds_like(words: Sequence[str], term: Term) -> float:
    """How much a stretch of normalised words sounds like a term, 0 to 1.

    The mean of the sound-alike keys' similarity and the letters': keys alone are too short to
    tell "feel fine" from Flonase, letters alone miss "i be profen" for ibuprofen.
    """
    key = sound_key(" ".join(words))
    if not key or not 0.6 <= len(key) / max(len(term.key), 1) <= 1.6:
        return 0.0
    return (similarity(key, term.key) + similarity("".join(words), "".join(term.words))) / 2


def is_known(words: Sequence[str], terms: Sequence[Term]) -> bool:
    """Tell whether normalised words hold a term or a dictionary drug already."""
    return any(dictionary.is_drug(word) for word in words) or any(
        _occurrences(words, term.words) for term in terms
    )


def suspect(words: Sequence[str], terms: Sequence[Term]) -> bool:
    """Tell whether some stretch of normalised words sounds like a term it is not."""
    for start, end in _stretches(len(words)):
        stretch = words[start:end]
        if is_known(stretch, terms):
            continue
        if any(sounds_like(stretch, term) >= SUSPECT_SIMILARITY for term in terms):
            return True
    return False


def spelling_edits(words: Sequence[str], terms: Sequence[Term]) -> list[Edit]:
    """Single words spelt very nearly as a one-word term ("metformine"), as edits to it."""
    single = [term for term in terms if len(term.words) == 1]
    edits = []
    for index, word in enumerate(words):
        if len(word) < SPELLING_LENGTH or is_known([word], terms):
            continue
        near = [t for t in single if t.words[0][0] == word[0]]
        best = max(near, key=lambda t: similarity(word, t.words[0]), default=None)
        if best is not None and similarity(word, best.words[0]) >= SPELLING_SIMILARITY:
            edits.append(Edit(index, index + 1, best))
    return edits


def splice_edits(plain: Sequence[str], again: Sequence[str], terms: Sequence[Term]) -> list[Edit]:
    """Where the second decoding made a term of words that sound like it, as edits to ``plain``.

    Both are normalised words. A term the second decoding holds is located in the plain words
    by aligning the two; the plain stretch there (or its best-sounding part) is replaced only if
    it is no term or drug already and sounds like the term.
    """
    opcodes = SequenceMatcher(None, list(plain), list(again), autojunk=False).get_opcodes()
    edits: list[Edit] = []
    for term in terms:
        for found in _occurrences(again, term.words):
            start, end = _plain_span(opcodes, found, found + len(term.words))
            edit = _best_stretch(plain, start, end, term, terms)
            if edit is not None and not any(_overlap(edit, kept) for kept in edits):
                edits.append(edit)
    return sorted(edits, key=lambda edit: edit.start)


def transcribe_targeted(
    model: Any, samples: Any, options: dict[str, Any], vocabulary: Sequence[str]
) -> tuple[list[Any], Any]:
    """Whisper's segments of some audio decoded plainly, with the vocabulary where it was said."""
    pieces, info = model.transcribe(samples, **{**options, "hotwords": None})
    terms = terms_of(vocabulary)
    kept = [_apply(piece, spelling_edits(_words(piece), terms)) for piece in pieces]
    if not terms:
        return kept, info
    for first, last in _clips([suspect(_words(p), terms) for p in kept], kept):
        again = _decode_again(model, samples, options, kept[first].start, kept[last].end)
        kept[first : last + 1] = _splice(kept[first : last + 1], again, terms)
    return kept, info


def _stretches(count: int) -> Iterable[tuple[int, int]]:
    for start in range(count):
        for end in range(start + 1, min(start + MAX_STRETCH, count) + 1):
            yield start, end


def _occurrences(words: Sequence[str], term: tuple[str, ...]) -> list[int]:
    size = len(term)
    return [i for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == term]


def _plain_span(
    opcodes: Sequence[tuple[str, int, int, int, int]], start: int, end: int
) -> tuple[int, int]:
    """The plain words aligned with words ``start:end`` of the second decoding."""
    plain_start, plain_end = 0, 0
    for tag, i1, i2, j1, j2 in opcodes:
        if j1 <= start < j2 or (start == j1 == j2):
            plain_start = i1 + (start - j1) if tag == "equal" else i1
        if j1 < end <= j2 or (end == j1 == j2):
            plain_end = i1 + (end - j1) if tag == "equal" else i2
    return plain_start, max(plain_start, plain_end)


def _best_stretch(
    plain: Sequence[str], start: int, end: int, term: Term, terms: Sequence[Term]
) -> Edit | None:
    """The part of ``plain[start:end]`` sounding most like the term, if it is a mishearing."""
    if tuple(plain[start:end]) == term.words:
        return None
    best: tuple[float, int, int] = (0.0, 0, 0)
    for offset, stop in _stretches(end - start):
        stretch = plain[start + offset : start + stop]
        if is_known(stretch, terms):
            continue
        best = max(best, (sounds_like(stretch, term), start + offset, start + stop))
    score, first, last = best
    return Edit(first, last, term) if score >= SPLICE_SIMILARITY else None


def _overlap(left: Edit, right: Edit) -> bool:
    return left.start < right.end and right.start < left.end


def _clips(suspects: Sequence[bool], pieces: Sequence[Any]) -> list[tuple[int, int]]:
    """Runs of pieces, each from a suspect to the last suspect within ``CLIP_SECONDS`` of it."""
    clips: list[tuple[int, int]] = []
    for index, flagged in enumerate(suspects):
        if not flagged:
            continue
        if clips and pieces[index].end - pieces[clips[-1][0]].start <= CLIP_SECONDS:
            clips[-1] = (clips[-1][0], index)
        else:
            clips.append((index, index))
    return clips


def _decode_again(
    model: Any, samples: Any, options: dict[str, Any], start: float, end: float
) -> list[str]:
    first = max(int((start - PAD_SECONDS) * SAMPLE_RATE), 0)
    last = int((end + PAD_SECONDS) * SAMPLE_RATE)
    again = {**options, "vad_filter": False, "word_timestamps": False}
    pieces, _ = model.transcribe(samples[first:last], **again)
    return [word for piece in pieces for word in map(normalise, piece.text.split()) if word]


def _splice(pieces: Sequence[Any], again: Sequence[str], terms: Sequence[Term]) -> list[Any]:
    """The pieces with the words the second decoding made terms of replaced, piece by piece."""
    owners = [(p, t) for p, piece in enumerate(pieces) for t in range(len(_tokens(piece)))]
    plain = [normalise(_tokens(pieces[p])[t]) for p, t in owners]
    by_piece: dict[int, list[Edit]] = {}
    for edit in splice_edits(plain, again, terms):
        (piece, first), (last_piece, last) = owners[edit.start], owners[edit.end - 1]
        if piece == last_piece:  # a term is never made across two segments
            by_piece.setdefault(piece, []).append(Edit(first, last + 1, edit.term))
    return [_apply(piece, by_piece.get(p, [])) for p, piece in enumerate(pieces)]


def _tokens(piece: Any) -> list[str]:
    if piece.words:
        return [word.word for word in piece.words]
    return str(piece.text).split()


def _words(piece: Any) -> list[str]:
    return [normalise(token) for token in _tokens(piece)]


def _apply(piece: Any, edits: Sequence[Edit]) -> Any:
    """The piece with each edit's words replaced by its term, keeping the edges' punctuation."""
    if not edits:
        return piece
    if piece.words:
        words = list(piece.words)
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            words[edit.start : edit.end] = [_merged_word(words[edit.start : edit.end], edit.term)]
        return dataclasses.replace(piece, words=words, text="".join(w.word for w in words))
    tokens = str(piece.text).split()
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        tokens[edit.start : edit.end] = [_surface(tokens[edit.start : edit.end], edit.term)]
    return dataclasses.replace(piece, text=" " + " ".join(tokens))


def _merged_word(words: Sequence[Any], term: Term) -> Any:
    text = _surface([word.word for word in words], term)
    lead = words[0].word[: len(words[0].word) - len(words[0].word.lstrip())]
    probability = min(word.probability for word in words)
    return dataclasses.replace(
        words[0], end=words[-1].end, word=lead + text, probability=probability
    )


def _surface(tokens: Sequence[str], term: Term) -> str:
    """The term as written, with the punctuation that closed the words it replaces."""
    last = tokens[-1].rstrip()
    trail = last[len(last.rstrip(".,;:!?")) :]
    return term.text + trail
