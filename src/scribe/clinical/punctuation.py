"""Put sentence ends back into speech written without punctuation (raw ASR output).

Half of ACI-Bench's transcripts, and what many recognisers emit, are one lower-case run per
turn: "okay so you say you've injured your right foot before tell me a little bit about that".
The engine reads sentences (what is a question, what is a finding), so a run is cut where a
learned model places a sentence end: multinomial logistic regression over the words on each
side of a gap and how far the sentence has run, choosing nothing, "." or "?". It is learned by
`scribe train notes` (clinical/punctuation_training.py) from punctuated dialogues (ACI-Bench
training visits and MTS-Dialog's training set, both CC BY 4.0) and ships as plain JSON weights
in clinical/data/punctuation_model.json; nothing is trained at run time::

    punctuator.punctuate("how long has it hurt about two weeks now")
    # "How long has it hurt? About two weeks now"
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from scribe.clinical.types import Utterance

MARKS = ("", ".", "?")
# A run shorter than this is one sentence already ("yes", "it hurts a lot").
MIN_RUN_WORDS = 6
_ENDED = re.compile(r"[.!?…]")
_NUMBER = re.compile(r"\d")


def token(word: str) -> str:
    """A word as the model sees it: lower case, outer punctuation off, digits as <num>."""
    word = word.lower().strip('"()[],;:.!?…')
    return "<num>" if _NUMBER.search(word) else word


def _run_bucket(length: int) -> str:
    for limit in (1, 2, 3, 5, 8, 12, 18, 25):
        if length <= limit:
            return str(limit)
    return "long"


def gap_features(words: Sequence[str], index: int, run: int) -> list[str]:
    """What the model reads at the gap after words[index], run words into the sentence."""
    at = words[index]
    before = words[index - 1] if index > 0 else "<s>"
    after = words[index + 1] if index + 1 < len(words) else "</s>"
    later = words[index + 2] if index + 2 < len(words) else "</s>"
    return [
        f"w={at}",
        f"n={after}",
        f"bw={before}_{at}",
        f"wn={at}_{after}",
        f"nn={after}_{later}",
        f"run={_run_bucket(run)}",
    ]


@dataclass(frozen=True, slots=True)
class Punctuator:
    """Per mark ("", ".", "?"): a bias and feature weights; the likeliest mark per gap wins."""

    biases: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def mark(self, words: Sequence[str], index: int, run: int) -> str:
        scores = list(self.biases)
        for name in gap_features(words, index, run):
            for which, weight in enumerate(self.weights.get(name, ())):
                scores[which] += weight
        best = max(range(len(scores)), key=scores.__getitem__)
        return MARKS[best]

    def probability_end(self, words: Sequence[str], index: int, run: int) -> float:
        scores = list(self.biases)
        for name in gap_features(words, index, run):
            for which, weight in enumerate(self.weights.get(name, ())):
                scores[which] += weight
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        return 1 - exps[0] / sum(exps)

    def punctuate(self, text: str, asks: bool = True) -> str:
        """text with sentence ends put back, when it has none and runs on; else unchanged.

        With asks False (a patient's turn) no sentence ends in "?": a statement taken for a
        question would be dropped from the note, a question taken for a statement is not.
        """
        raw = text.split()
        if len(raw) < MIN_RUN_WORDS or _ENDED.search(text):
            return text
        words = [token(word) for word in raw]
        sentences: list[list[str]] = [[]]
        run = 0
        for index, word in enumerate(raw):
            run += 1
            sentences[-1].append(word)
            mark = self.mark(words, index, run)
            if mark == "?" and not asks:
                mark = "."
            if index + 1 == len(raw):
                # The turn's end is a sentence end already; left bare unless it asks, so the
                # engine's own reading of unpunctuated questions still applies to it.
                sentences[-1][-1] += "?" if mark == "?" else ""
            elif mark:
                sentences[-1][-1] += mark
                sentences.append([])
                run = 0
        return " ".join(" ".join(_capitalised(s)) for s in sentences if s)

    def to_json(self) -> str:
        body = {
            "biases": list(self.biases),
            "marks": list(MARKS),
            "weights": {k: list(v) for k, v in sorted(self.weights.items())},
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Punctuator:
        body = json.loads(text)
        weights = {str(k): tuple(float(w) for w in v) for k, v in body["weights"].items()}
        return cls(tuple(float(b) for b in body["biases"]), weights)


def _capitalised(words: list[str]) -> list[str]:
    first = words[0]
    return [first[:1].upper() + first[1:], *words[1:]]


def punctuated(utterances: Sequence[Utterance], model: Punctuator | None) -> list[Utterance]:
    """The utterances with their unpunctuated runs cut into sentences (ids and times kept)."""
    if model is None:
        return list(utterances)
    return [
        u
        if _ENDED.search(u.text)
        else replace(u, text=model.punctuate(u.text, u.speaker != "patient"))
        for u in utterances
    ]


def packaged_path() -> Path:
    """Where the packaged model lives in a source checkout (what `scribe train notes` writes)."""
    return Path(__file__).resolve().parent / "data" / "punctuation_model.json"


@lru_cache(maxsize=1)
def shipped_punctuator() -> Punctuator | None:
    """The packaged model, or None when the package was built without it."""
    source = resources.files("scribe.clinical").joinpath("data/punctuation_model.json")
    if not source.is_file():
        return None
    return Punctuator.from_json(source.read_text(encoding="utf-8"))
