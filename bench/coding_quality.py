"""Precision / recall / F1 of the embedded ICD-10-CM coder on hand-labelled ACI-Bench notes.

The labels (tests/data/coding/aci_valid_labels.json) say how they were made. A predicted code
counts as right only when it equals a labelled code exactly (side and 7th character included).

    .venv/bin/python bench/coding_quality.py [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from scribe.clinical.coding import code_note

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "coding" / "aci_valid_labels.json"
DATA = ROOT.parent / "shared" / "data" / "aci-bench" / "valid.csv"


def load_notes() -> dict[str, str]:
    with DATA.open(newline="") as handle:
        return {row["encounter_id"]: row["note"] for row in csv.DictReader(handle)}


def score(verbose: bool) -> tuple[int, int, int]:
    labels: dict[str, list[str]] = json.loads(LABELS.read_text())["notes"]
    notes = load_notes()
    hits = predicted = gold = 0
    for encounter, codes in labels.items():
        found = {a.code for a in code_note(notes[encounter]).final}
        expected = set(codes)
        hits, predicted, gold = (
            hits + len(found & expected),
            predicted + len(found),
            gold + len(expected),
        )
        if verbose:
            print(
                f"{encounter}: missed {sorted(expected - found)} extra {sorted(found - expected)}"
            )
    return hits, predicted, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true")
    hits, predicted, gold = score(parser.parse_args().verbose)
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"notes={len(json.loads(LABELS.read_text())['notes'])} gold={gold} predicted={predicted}")
    print(f"micro precision={precision:.3f} recall={recall:.3f} F1={f1:.3f}")


if __name__ == "__main__":
    main()
