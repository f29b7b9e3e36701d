"""Train the keep-or-drop model (clinical/keep.py) from visits with clinicians' notes.

Deterministic: the same visits give the same JSON. scikit-learn is imported here only, so the
server never needs it to write notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from scribe.clinical.keep import KeepModel, features
from scribe.clinical.notes import note_candidates
from scribe.clinical.punctuation import Punctuator
from scribe.clinical.transcript import parse_transcript
from scribe.clinical.types import TranscriptTooShortError

_CONTENT = re.compile(r"[a-z0-9]{3,}")
_COMMON = frozenset(
    "the and that this with for was were has have had her his she him they them patient's"
    " patient are but not from been will would there their about also just".split()
)
KEPT_SHARE = 0.6
_MIN_COUNT = 2


Punctuation = Punctuator | Literal["shipped", "off"]


def labelled(
    dialogue: str, note: str, punctuation: Punctuation = "shipped"
) -> list[tuple[list[str], int]]:
    """The engine's candidate sentences for a dialogue, each labelled 1 if the note says it."""
    try:
        found = note_candidates(parse_transcript(dialogue), punctuation)
    except TranscriptTooShortError:
        return []
    reference = set(_CONTENT.findall(note.lower()))
    rows = []
    for text, category in found:
        words = [w for w in _CONTENT.findall(text.lower()) if w not in _COMMON]
        share = sum(w in reference for w in words) / len(words) if words else 0.0
        rows.append((features(text, category), int(share >= KEPT_SHARE)))
    return rows


def train_keep_model(
    visits: Sequence[tuple[str, str]], punctuation: Punctuation = "shipped"
) -> KeepModel:
    """Fit logistic regression on (dialogue, note) pairs; features seen once are left out.

    punctuation is the sentence-end model the engine will write with (the candidates it reads).
    """
    from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    rows = [row for dialogue, note in visits for row in labelled(dialogue, note, punctuation)]
    counts: dict[str, int] = {}
    for names, _ in rows:
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    dicts = [{n: 1 for n in names if counts[n] >= _MIN_COUNT} for names, _ in rows]
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(dicts)
    labels = [label for _, label in rows]
    fitted = LogisticRegression(C=0.5, solver="lbfgs", max_iter=2000).fit(matrix, labels)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectoriser.get_feature_names_out(), fitted.coef_[0], strict=True)
        if abs(w) >= 1e-3
    }
    return KeepModel(weights, round(float(fitted.intercept_[0]), 4))
