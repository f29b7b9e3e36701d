"""Learn where sentences end in unpunctuated speech (clinical/punctuation.py).

From punctuated dialogues, every gap between two words of a turn is an example: its label is
the mark the writer put there ("" none, "." for . or !, "?"), its features the words around it
with punctuation and case removed, as a recogniser would give them. Deterministic: the same
dialogues give the same JSON. scikit-learn is imported here only.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from scribe.clinical.punctuation import MARKS, Punctuator, gap_features, token
from scribe.clinical.transcript import parse_transcript

_MIN_COUNT = 2
# A turn counts as punctuated when it ends its sentences itself.
_ENDS = re.compile(r"[.!?]$")
_ABBREVIATIONS = frozenset({"dr.", "mr.", "mrs.", "ms.", "st.", "vs.", "e.g.", "i.e."})


def _turns(dialogues: Iterable[str]) -> Iterable[list[str]]:
    for dialogue in dialogues:
        for utterance in parse_transcript(dialogue):
            raw = utterance.text.split()
            if raw and _ENDS.search(raw[-1]):
                yield raw


def _mark(word: str) -> str:
    word = word.rstrip("\"')]")
    if word.lower() in _ABBREVIATIONS or re.search(r"\d\.\d", word):
        return ""
    if word.endswith("?"):
        return "?"
    return "." if word.endswith((".", "!")) else ""


def examples(dialogues: Iterable[str]) -> tuple[list[list[str]], list[int]]:
    """(features, mark index) of every gap of every punctuated turn."""
    rows: list[list[str]] = []
    labels: list[int] = []
    for raw in _turns(dialogues):
        words = [token(word) for word in raw]
        run = 0
        for index, word in enumerate(raw):
            run += 1
            mark = _mark(word)
            rows.append(gap_features(words, index, run))
            labels.append(MARKS.index(mark))
            if mark:
                run = 0
    return rows, labels


def train_punctuator(dialogues: Sequence[str]) -> Punctuator | None:
    """Fit the model on punctuated dialogues; None when they hold no sentence end."""
    from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    rows, labels = examples(dialogues)
    if len(set(labels)) < len(MARKS):
        return None
    counts: dict[str, int] = {}
    for names in rows:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(
        [{n: 1 for n in names if counts[n] >= _MIN_COUNT} for names in rows]
    )
    # A loose tolerance: the weights settle in tens of iterations (seconds, not minutes).
    fitted = LogisticRegression(C=0.5, max_iter=300, tol=1e-3).fit(matrix, labels)
    order = [list(fitted.classes_).index(i) for i in range(len(MARKS))]
    weights: dict[str, tuple[float, ...]] = {}
    for j, name in enumerate(vectoriser.get_feature_names_out()):
        values = tuple(round(float(fitted.coef_[k][j]), 3) for k in order)
        if any(abs(value) >= 0.01 for value in values):
            weights[str(name)] = values
    return Punctuator(tuple(round(float(fitted.intercept_[k]), 3) for k in order), weights)


def mts_dialogues(path: Path) -> list[str]:
    """The dialogues of an MTS-Dialog csv (column `dialogue`, "Doctor: ..." lines)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["dialogue"] for row in csv.DictReader(handle)]
