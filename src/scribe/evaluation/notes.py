"""Score the embedded engine's full notes against ACI-Bench reference notes with ROUGE.

ROUGE is computed as the benchmark's own scorer does (Google's `rouge-score`): F-measure of
ROUGE-1, ROUGE-2 and ROUGE-Lsum (LCS over newline-separated lines), no stemming, averaged over
notes and reported in percent. With these settings the whole-transcript baseline reproduces the
published figures, so the engine's figures are comparable with the published systems'.

    report = evaluate_engine(Path("aci-bench/valid.csv"), limit=5)
    print(format_report(report))
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer  # type: ignore[import-untyped]  # ships no type hints

from scribe import clinical
from scribe.clinical.types import (
    DraftSection,
    NoteDraft,
    SectionSpec,
    TemplateSpec,
    TranscriptTooShortError,
)

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
_ITEMISED = frozenset({"review_of_systems", "physical_examination"})

# The headers ACI-Bench notes use most, in their usual order. Sections the transcript gives no
# sentence for are left out of the rendered note, as a clinician would.
ACI_TEMPLATE = TemplateSpec(
    key="ACI",
    name="ACI-Bench visit note",
    sections=(
        SectionSpec("chief_complaint", "Chief Complaint", ("chief_complaint",)),
        SectionSpec(
            "history_of_present_illness",
            "History of Present Illness",
            ("hpi", "past_history", "family_history", "social_history", "medications"),
        ),
        SectionSpec("allergies", "Allergies", ("allergies",)),
        SectionSpec("review_of_systems", "Review of Systems", ("ros",)),
        SectionSpec("physical_examination", "Physical Examination", ("vitals", "exam")),
        SectionSpec("results", "Results", ("results",)),
        SectionSpec(
            "assessment_and_plan",
            "Assessment and Plan",
            ("assessment", "plan", "prescriptions", "follow_up"),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class AciEncounter:
    """One ACI-Bench visit: its id, the `[doctor]`/`[patient]` dialogue and the clinician's note."""

    encounter_id: str
    dialogue: str
    note: str


@dataclass(frozen=True, slots=True)
class RougeScores:
    """Mean F-measures in percent over `count` notes."""

    rouge1: float
    rouge2: float
    rouge_l: float
    count: int


@dataclass(frozen=True, slots=True)
class NoteScore:
    encounter_id: str
    scores: RougeScores
    words: int


@dataclass(frozen=True, slots=True)
class NotesReport:
    """The engine's scores on a data set, the transcript-copy baseline and the engine's speed."""

    data: str
    engine: RougeScores
    transcript_baseline: RougeScores
    notes: tuple[NoteScore, ...]
    words: int
    engine_seconds: float

    @property
    def ms_per_1000_words(self) -> float:
        return self.engine_seconds * 1000 / max(self.words, 1) * 1000


def load_aci(csv_path: Path | str) -> list[AciEncounter]:
    """Read an ACI-Bench split (columns encounter_id, dialogue, note) in file order."""
    with Path(csv_path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        AciEncounter(row.get("encounter_id") or f"row{i}", row["dialogue"], row["note"])
        for i, row in enumerate(rows)
    ]


def score_notes(predictions: Sequence[str], references: Sequence[str]) -> RougeScores:
    """Mean ROUGE-1/2/Lsum F-measure (percent, no stemming) of predictions against references."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    if not references:
        return RougeScores(0.0, 0.0, 0.0, 0)
    scorer = rouge_scorer.RougeScorer(list(_ROUGE_TYPES), use_stemmer=False)
    totals = dict.fromkeys(_ROUGE_TYPES, 0.0)
    for prediction, reference in zip(predictions, references, strict=True):
        result = scorer.score(reference, prediction)
        for kind in _ROUGE_TYPES:
            totals[kind] += result[kind].fmeasure
    count = len(references)
    r1, r2, rl = (totals[kind] * 100 / count for kind in _ROUGE_TYPES)
    return RougeScores(r1, r2, rl, count)


def render_note(draft: NoteDraft) -> str:
    """Render a note as ACI-Bench notes look: capitalised headers on their own line, blank lines."""
    blocks = [
        f"{section.title.upper()}\n\n{_body(section)}" for section in draft.sections if section.text
    ]
    return "\n\n".join(blocks)


def _body(section: DraftSection) -> str:
    # Systems review and exam findings are itemised in clinical notes; the rest is prose.
    if section.key in _ITEMISED:
        return "\n".join(sentence.text for sentence in section.sentences)
    return section.text


def write_aci_note(dialogue: str) -> str:
    """Write and render the engine's note for one ACI-Bench dialogue ("" if it is too short)."""
    try:
        utterances = clinical.parse_transcript(dialogue)
        draft = clinical.write_note(utterances, ACI_TEMPLATE)
    except TranscriptTooShortError:
        return ""
    return render_note(draft)


def evaluate_engine(csv_path: Path | str, limit: int | None = None) -> NotesReport:
    """Run the engine on each dialogue of an ACI-Bench split and score its notes."""
    encounters = load_aci(csv_path)[:limit] if limit is not None else load_aci(csv_path)
    predictions: list[str] = []
    started = time.perf_counter()
    for encounter in encounters:
        predictions.append(write_aci_note(encounter.dialogue))
    seconds = time.perf_counter() - started
    references = [encounter.note for encounter in encounters]
    per_note = tuple(
        NoteScore(e.encounter_id, score_notes([p], [e.note]), len(e.dialogue.split()))
        for e, p in zip(encounters, predictions, strict=True)
    )
    return NotesReport(
        data=str(csv_path),
        engine=score_notes(predictions, references),
        transcript_baseline=score_notes([e.dialogue for e in encounters], references),
        notes=per_note,
        words=sum(note.words for note in per_note),
        engine_seconds=seconds,
    )


def format_report(report: NotesReport) -> str:
    """Describe a report in plain text; the last line is `ROUGE-1 r1 ROUGE-2 r2 ROUGE-L rl`."""
    lines = [f"{'encounter':<12} {'R-1':>6} {'R-2':>6} {'R-L':>6}"]
    lines += [
        f"{n.encounter_id:<12} {n.scores.rouge1:6.2f} {n.scores.rouge2:6.2f} "
        f"{n.scores.rouge_l:6.2f}"
        for n in report.notes
    ]
    spread = [n.scores.rouge1 for n in report.notes]
    base = report.transcript_baseline
    lines += [
        f"data: {report.data} ({report.engine.count} notes, {report.words} transcript words)",
        f"transcript copied as the note: ROUGE-1 {base.rouge1:.2f} ROUGE-2 {base.rouge2:.2f} "
        f"ROUGE-L {base.rouge_l:.2f}",
        f"engine: {report.ms_per_1000_words:.1f} ms per 1,000 transcript words; ROUGE-1 "
        f"median {statistics.median(spread) if spread else 0.0:.2f}",
        _contract_line(report.engine),
    ]
    return "\n".join(lines)


def _contract_line(scores: RougeScores) -> str:
    return f"ROUGE-1 {scores.rouge1:.2f} ROUGE-2 {scores.rouge2:.2f} ROUGE-L {scores.rouge_l:.2f}"
