"""Learn the note layout (clinical/layout.py) from clinicians' notes.

From each note's exam and assessment/plan sections, the lines written as "Label: text" are
collected; labels used in at least `MIN_NOTES` notes are kept, ordered by where they usually
stand, and a multinomial logistic regression learns to pick a label from a line's words.
Deterministic: the same notes give the same JSON. scikit-learn is imported here only.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from scribe.clinical.keep import features
from scribe.clinical.layout import Layout, LineLabeller

MIN_NOTES = 3
# Plans go by problem when this share of training notes writes labelled plan lines.
BY_PROBLEM_SHARE = 0.25
_HEADING = re.compile(r"^([A-Z][A-Z &/]+)$")
_LABELLED = re.compile(r"^[\u2022*-]?\s*([A-Z][A-Za-z /]{2,40}):\s*(\S.*)$")
_PARTS = {"exam": ("EXAM",), "plan": ("PLAN", "ASSESSMENT", "IMPRESSION")}


def labelled_lines(note: str) -> dict[str, list[tuple[str, str, float]]]:
    """Per part (exam, plan): (label, text, relative position) of the note's labelled lines."""
    found: dict[str, list[tuple[str, str]]] = {part: [] for part in _PARTS}
    part: str | None = None
    for raw in note.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading is not None:
            part = next((p for p, words in _PARTS.items() if _names(heading.group(1), words)), None)
            continue
        match = _LABELLED.match(line)
        if part is not None and match is not None:
            found[part].append((match.group(1).strip(), match.group(2)))
    # Where a label stands among the part's labelled lines (0 first, 1 last): its usual order.
    return {
        part: [(label, text, i / max(len(lines) - 1, 1)) for i, (label, text) in enumerate(lines)]
        for part, lines in found.items()
    }


def _names(heading: str, words: tuple[str, ...]) -> bool:
    return any(word in heading for word in words) and "REVIEW" not in heading


def train_labeller(rows: Sequence[tuple[str, str, float, int]], part: str) -> LineLabeller | None:
    """Fit a labeller on (label, text, position, note index) rows; None when too few labels."""
    from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    rows = _one_spelling(rows)
    notes_of: dict[str, set[int]] = {}
    for label, _, _, note in rows:
        notes_of.setdefault(label, set()).add(note)
    kept = {label for label, notes in notes_of.items() if len(notes) >= MIN_NOTES}
    rows = [row for row in rows if row[0] in kept]
    if len(kept) < 2:
        return None
    order = sorted(kept, key=lambda k: (statistics.fmean(r[2] for r in rows if r[0] == k), k))
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([dict.fromkeys(features(r[1], part), 1) for r in rows])
    fitted = LogisticRegression(C=1.0, max_iter=3000).fit(matrix, [r[0] for r in rows])
    coef, intercept = fitted.coef_, fitted.intercept_
    if len(fitted.classes_) == 2:
        # Two labels fit one row of weights, for the second; the first scores zero.
        coef, intercept = [0 * coef[0], coef[0]], [0.0, intercept[0]]
    column = {str(label): i for i, label in enumerate(fitted.classes_)}
    weights: dict[str, tuple[float, ...]] = {}
    for j, name in enumerate(vectoriser.get_feature_names_out()):
        values = tuple(round(float(coef[column[label]][j]), 4) for label in order)
        if any(abs(value) >= 1e-3 for value in values):
            weights[str(name)] = values
    biases = tuple(round(float(intercept[column[label]]), 4) for label in order)
    return LineLabeller(tuple(order), biases, weights)


def _one_spelling(
    rows: Sequence[tuple[str, str, float, int]],
) -> list[tuple[str, str, float, int]]:
    """Merge a label's spellings ("RESPIRATORY", "Respiratory") under its commonest one."""
    counts: dict[str, dict[str, int]] = {}
    for label, *_ in rows:
        spellings = counts.setdefault(label.lower(), {})
        spellings[label] = spellings.get(label, 0) + 1
    best = {key: max(sorted(s), key=s.__getitem__) for key, s in counts.items()}
    return [(best[label.lower()], text, position, note) for label, text, position, note in rows]


def train_layout(notes: Sequence[str]) -> Layout:
    """Learn the exam and plan labellers, and whether plans are written by problem."""
    rows: dict[str, list[tuple[str, str, float, int]]] = {part: [] for part in _PARTS}
    for index, note in enumerate(notes):
        for part, lines in labelled_lines(note).items():
            rows[part] += [(label, text, position, index) for label, text, position in lines]
    with_plan = len({row[3] for row in rows["plan"]})
    by_problem = bool(notes) and with_plan / len(notes) >= BY_PROBLEM_SHARE
    exam, plan = train_labeller(rows["exam"], "exam"), train_labeller(rows["plan"], "plan")
    return Layout(exam, plan, by_problem)
