"""Note quality on ACI-Bench, overall and per section group, with note lengths.

Scores the embedded engine's rendered notes with the benchmark's ROUGE (scribe.evaluation) and
then, to show where the words are won or lost, splits both notes at their capitalised headers
into five groups (chief complaint, history, review of systems, exam and results, assessment and
plan) and scores each group over the notes whose reference has it.

Then, with `--folds K` (default 5), k-fold cross-validation over train+valid (the keep-or-drop
model and the layout trained on each fold's k-1 training folds), the engine's speed per 1,000
transcript words (median of 3 runs) and the peak memory of loading the packaged artefacts.

    .venv/bin/python bench/notes_quality.py [--data PATH] [--limit N] [--show ENCOUNTER_ID]
        [--folds K]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import tracemalloc
from pathlib import Path

from scribe.clinical import keep, layout, punctuation, vocabulary
from scribe.evaluation import format_report, load_aci, score_notes
from scribe.evaluation.notes import (
    cross_validate,
    evaluate_engine,
    format_cross_validation,
    write_aci_note,
)
from scribe.evaluation.training import learned_engine_with, mts_beside

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "valid.csv"
_GROUPS: dict[str, tuple[str, ...]] = {
    "chief complaint": ("CHIEF COMPLAINT",),
    "history": ("HISTORY", "MEDICATIONS", "ALLERGIES"),
    "review of systems": ("REVIEW OF SYSTEMS",),
    "exam and results": ("EXAM", "VITALS", "RESULTS"),
    "assessment and plan": ("ASSESSMENT", "PLAN", "IMPRESSION", "INSTRUCTIONS"),
}
_HEADER = re.compile(r"^[A-Z][A-Z &/]{2,48}$")


def sections(note: str) -> dict[str, str]:
    """Split a rendered note at its capitalised headers into the five groups."""
    found: dict[str, list[str]] = {}
    group: str | None = None
    for line in note.splitlines():
        if _HEADER.match(line.strip()):
            group = _group_of(line.strip())
            continue
        if group is not None and line.strip():
            found.setdefault(group, []).append(line.strip())
    return {key: "\n".join(lines) for key, lines in found.items()}


def _group_of(header: str) -> str | None:
    for group, words in _GROUPS.items():
        if any(word in header for word in words):
            return group
    return None


def per_section(data: Path, limit: int | None) -> None:
    encounters = load_aci(data)[:limit] if limit else load_aci(data)
    predicted = [sections(write_aci_note(e.dialogue)) for e in encounters]
    expected = [sections(e.note) for e in encounters]
    print(f"{'section group':<22} {'notes':>5} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'words':>11}")
    for group in _GROUPS:
        pairs = [
            (p.get(group, ""), r[group])
            for p, r in zip(predicted, expected, strict=True)
            if group in r
        ]
        if not pairs:
            continue
        scores = score_notes([p for p, _ in pairs], [r for _, r in pairs])
        ours = sum(len(p.split()) for p, _ in pairs) // len(pairs)
        theirs = sum(len(r.split()) for _, r in pairs) // len(pairs)
        print(
            f"{group:<22} {len(pairs):>5} {scores.rouge1:6.2f} {scores.rouge2:6.2f} "
            f"{scores.rouge_l:6.2f} {ours:>5}/{theirs:<5}"
        )


def artefact_memory() -> None:
    keep.shipped_model.cache_clear()
    layout.shipped_layout.cache_clear()
    punctuation.shipped_punctuator.cache_clear()
    vocabulary._vocabulary.cache_clear()
    tracemalloc.start()
    keep.shipped_model()
    layout.shipped_layout()
    punctuation.shipped_punctuator()
    vocabulary.find_drugs("aspirin")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"artefacts: peak {peak / 1e6:.1f} MB while loading the keep-or-drop model, the layout, "
        "the sentence-end model and the drug and condition dictionary"
    )


def speed(data: Path) -> None:
    encounters = load_aci(data)
    words = sum(len(e.dialogue.split()) for e in encounters)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for encounter in encounters:
            write_aci_note(encounter.dialogue)
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs) * 1e6 / words
    print(f"speed: median {median:.1f} ms per 1,000 transcript words (3 runs, {words} words)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show", help="print the engine's note for this encounter id")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if args.show:
        encounter = next(e for e in load_aci(args.data) if e.encounter_id == args.show)
        print(write_aci_note(encounter.dialogue))
        return
    per_section(args.data, args.limit)
    print(format_report(evaluate_engine(args.data, args.limit)))
    artefact_memory()
    speed(args.data)
    pooled = load_aci(args.data.with_name("train.csv")) + load_aci(args.data)
    trainer = learned_engine_with(mts_beside(args.data))
    print(format_cross_validation(cross_validate(pooled, args.folds, trainer)))


if __name__ == "__main__":
    main()
