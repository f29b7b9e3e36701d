"""The keep model's drop threshold, learned by cross-validation on training visits only."""

from __future__ import annotations

import dataclasses

from scribe.clinical.keep import DROP_BELOW
from scribe.clinical.keep_training import train_keep_model
from scribe.clinical.layout_training import train_layout
from scribe.evaluation.calibration import THRESHOLDS, calibrated

DIALOGUE = """[doctor] hi , what brings you in today ?
[patient] my back has hurt for two weeks since i lifted a box at work .
[doctor] any fever or chills ?
[patient] no .
[doctor] on exam , there is tenderness over the lower lumbar spine .
[doctor] i think you have a lumbar strain . i'm going to prescribe ibuprofen 600 mg ."""
NOTE = "Back pain for 2 weeks after lifting a box. Tenderness of the lumbar spine. Lumbar strain."


def _visits(count: int) -> list[tuple[str, str, str]]:
    return [(f"V{i:02d}", DIALOGUE, NOTE) for i in range(count)]


def test_the_threshold_is_one_of_the_candidates_and_deterministic() -> None:
    visits = _visits(6)
    model = train_keep_model([(d, n) for _, d, n in visits], "off")
    layout = train_layout([n for *_, n in visits], [d for _, d, _ in visits])
    first = calibrated(dataclasses.replace(model, drop_below=0.5), visits, layout, "off")
    assert first.drop_below in THRESHOLDS
    assert first.weights == model.weights
    assert first == calibrated(model, list(reversed(visits)), layout, "off")


def test_too_few_visits_keep_the_default() -> None:
    visits = _visits(3)
    model = train_keep_model([(d, n) for _, d, n in visits], "off")
    layout = train_layout([n for *_, n in visits])
    tuned = calibrated(dataclasses.replace(model, drop_below=0.5), visits, layout, "off")
    assert tuned.drop_below == DROP_BELOW
