"""Learn how much the keep-or-drop model may drop, by cross-validation on training visits only.

The keep model's probabilities come out sharper on the visits it was fitted on than on new
ones, so its drop threshold is chosen on visits it has not seen: the training visits are cut
into `INNER_FOLDS`, a model is fitted on the others and the held visits' notes are written at
each candidate threshold; the threshold with the best mean ROUGE-1 wins (ties: the lower, which
drops less). Deterministic, and in cross-validation it runs inside each training fold, so the
held fold is never seen.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from typing import Literal

from scribe.clinical.keep import DROP_BELOW, KeepModel
from scribe.clinical.layout import Layout
from scribe.clinical.punctuation import Punctuator

INNER_FOLDS = 3
THRESHOLDS = (0.02, 0.03, 0.045, 0.06, 0.08, 0.1)


def calibrated(
    model: KeepModel,
    training: Sequence[tuple[str, str, str]],
    layout: Layout,
    punctuation: Punctuator | Literal["off"],
) -> KeepModel:
    """model with the drop threshold learned on (encounter id, dialogue, note) visits."""
    from scribe.clinical.keep_training import train_keep_model
    from scribe.evaluation.notes import score_notes, write_aci_note

    if len(training) < INNER_FOLDS * 2:
        return dataclasses.replace(model, drop_below=DROP_BELOW)
    order = sorted(range(len(training)), key=lambda i: training[i][0])
    fold_of = {index: rank % INNER_FOLDS for rank, index in enumerate(order)}
    scores: dict[float, list[float]] = {threshold: [] for threshold in THRESHOLDS}
    for fold in range(INNER_FOLDS):
        fitted = [training[i][1:] for i in order if fold_of[i] != fold]
        held = [training[i] for i in order if fold_of[i] == fold]
        inner = train_keep_model(fitted, punctuation)
        for threshold in THRESHOLDS:
            keep = dataclasses.replace(inner, drop_below=threshold)
            notes = [
                write_aci_note(d, keep=keep, layout=layout, punctuation=punctuation)
                for _, d, _ in held
            ]
            scores[threshold].append(score_notes(notes, [note for *_, note in held]).rouge1)
    best = max(THRESHOLDS, key=lambda t: (round(statistics.fmean(scores[t]), 6), -t))
    return dataclasses.replace(model, drop_below=best)
