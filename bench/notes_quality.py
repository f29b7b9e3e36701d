"""Note quality on ACI-Bench, overall and per section group, with note lengths.

Scores the embedded engine's rendered notes with the benchmark's ROUGE (scribe.evaluation) and
then, to show where the words are won or lost, splits both notes at their capitalised headers
into five groups (chief complaint, history, review of systems, exam and results, assessment and
plan) and scores each group over the notes whose reference has it.

    .venv/bin/python bench/notes_quality.py [--data PATH] [--limit N] [--show ENCOUNTER_ID]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from scribe.evaluation import format_report, load_aci, score_notes
from scribe.evaluation.notes import evaluate_engine, write_aci_note

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show", help="print the engine's note for this encounter id")
    args = parser.parse_args()
    if args.show:
        encounter = next(e for e in load_aci(args.data) if e.encounter_id == args.show)
        print(write_aci_note(encounter.dialogue))
        return
    per_section(args.data, args.limit)
    print(format_report(evaluate_engine(args.data, args.limit)))


if __name__ == "__main__":
    main()
