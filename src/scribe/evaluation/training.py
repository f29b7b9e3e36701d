"""The learned engine's trainer for cross-validation: every learned artefact from the folds.

Each fold trains the sentence-end model, the layout and the keep-or-drop model (and its drop
threshold) on its training visits only, so the held fold is never seen::

    cross_validate(encounters, 5, learned_engine_with(mts_beside(Path("aci-bench/train.csv"))))
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from scribe.clinical.punctuation import Punctuator
from scribe.evaluation.notes import AciEncounter, Trainer, write_aci_note


def learned_engine(
    training: Sequence[AciEncounter], extra_dialogues: Sequence[str] = ()
) -> Callable[[str], str]:
    """Train the sentence-end model, the keep-or-drop model and the layout on the training
    visits only (the sentence ends also on extra_dialogues, e.g. MTS-Dialog's training set,
    which CV never scores); write with them."""
    from scribe.clinical.keep_training import train_keep_model
    from scribe.clinical.layout_training import train_layout
    from scribe.clinical.punctuation_training import train_punctuator
    from scribe.evaluation.calibration import calibrated

    punctuator = train_punctuator([e.dialogue for e in training] + list(extra_dialogues))
    marks: Punctuator | Literal["off"] = punctuator or "off"
    model = train_keep_model([(e.dialogue, e.note) for e in training], marks)
    layout = train_layout([e.note for e in training], [e.dialogue for e in training])
    visits = [(e.encounter_id, e.dialogue, e.note) for e in training]
    model = calibrated(model, visits, layout, marks)
    return lambda dialogue: write_aci_note(dialogue, keep=model, layout=layout, punctuation=marks)


def learned_engine_with(extra_dialogues: Sequence[str]) -> Trainer:
    """The learned engine's trainer, its sentence ends also learned from extra_dialogues."""
    return functools.partial(learned_engine, extra_dialogues=tuple(extra_dialogues))


def mts_beside(aci_csv: Path) -> list[str]:
    """MTS-Dialog's training dialogues where EVAL.md keeps them (data/mts-dialog beside
    data/aci-bench), or none when they are not there."""
    from scribe.clinical.punctuation_training import mts_dialogues

    path = aci_csv.resolve().parent.parent / "mts-dialog" / "MTS-Dialog-TrainingSet.csv"
    return mts_dialogues(path) if path.is_file() else []
