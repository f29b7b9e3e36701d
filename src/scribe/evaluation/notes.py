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
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rouge_score import rouge_scorer  # type: ignore[import-untyped]  # ships no type hints

from scribe import clinical
from scribe.clinical.keep import KeepModel
from scribe.clinical.layout import Layout
from scribe.clinical.punctuation import Punctuator
from scribe.clinical.types import (
    DraftSection,
    NoteDraft,
    SectionSpec,
    TemplateSpec,
    TranscriptTooShortError,
)

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
_ITEMISED = frozenset({"review_of_systems", "physical_examination", "assessment_and_plan"})

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
    hygiene: Hygiene | None = None

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


def write_aci_note(
    dialogue: str,
    keep: KeepModel | Literal["shipped", "off"] = "shipped",
    layout: Layout | Literal["shipped", "off"] = "shipped",
    punctuation: Punctuator | Literal["shipped", "off"] = "shipped",
) -> str:
    """Write and render the engine's note for one ACI-Bench dialogue ("" if it is too short)."""
    try:
        utterances = clinical.parse_transcript(dialogue)
        draft = clinical.write_note(
            utterances, ACI_TEMPLATE, keep=keep, layout=layout, punctuation=punctuation
        )
    except TranscriptTooShortError:
        return ""
    return render_note(draft)


def evaluate_engine(
    csv_path: Path | str, limit: int | None = None, output: Path | None = None
) -> NotesReport:
    """Run the engine on each dialogue of an ACI-Bench split and score its notes."""
    encounters = load_aci(csv_path)[:limit] if limit is not None else load_aci(csv_path)
    return evaluate_encounters(encounters, str(csv_path), output)


def evaluate_encounters(
    encounters: Sequence[AciEncounter], data: str = "pooled splits", output: Path | None = None
) -> NotesReport:
    """Write and score the engine's note for each visit; optionally write them to output."""
    predictions: list[str] = []
    started = time.perf_counter()
    for encounter in encounters:
        predictions.append(write_aci_note(encounter.dialogue))
    seconds = time.perf_counter() - started
    if output is not None:
        write_outputs(output, encounters, predictions)
    references = [encounter.note for encounter in encounters]
    per_note = tuple(
        NoteScore(e.encounter_id, score_notes([p], [e.note]), len(e.dialogue.split()))
        for e, p in zip(encounters, predictions, strict=True)
    )
    return NotesReport(
        data=data,
        engine=score_notes(predictions, references),
        transcript_baseline=score_notes([e.dialogue for e in encounters], references),
        notes=per_note,
        words=sum(note.words for note in per_note),
        engine_seconds=seconds,
        hygiene=hygiene(predictions),
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
        *([format_hygiene(report.hygiene)] if report.hygiene is not None else []),
        _contract_line(report.engine),
    ]
    return "\n".join(lines)


def _contract_line(scores: RougeScores) -> str:
    return f"ROUGE-1 {scores.rouge1:.2f} ROUGE-2 {scores.rouge2:.2f} ROUGE-L {scores.rouge_l:.2f}"


# Note hygiene as EVAL.md defines it: what a clinician would strike out of a note.
_HEADING = re.compile(r"^[A-Z][A-Z0-9 &/,()'-]*:?$")
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you've)\b", re.I)
_FILLER = re.compile(
    r"\b(?:um|uh|okay|ok|yeah|alright|all right|you know|kind of|sort of|gonna|wanna)\b", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?])$")


@dataclass(frozen=True, slots=True)
class Hygiene:
    """Shares (percent) of note sentences a clinician would strike out, over `sentences`."""

    sentences: int
    second_person: float
    fillers: float
    questions: float


def note_sentences(note: str) -> list[str]:
    """Sentences of a note: non-empty lines that are not headings, split at `.`, `!` or `?`."""
    found: list[str] = []
    for line in note.splitlines():
        line = line.strip()
        if not line or _HEADING.match(line):
            continue
        found += [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
    return found


def hygiene(notes: Sequence[str]) -> Hygiene:
    """The share of the notes' sentences with second person, fillers and question marks."""
    sentences = [s for note in notes for s in note_sentences(note)]
    count = max(len(sentences), 1)

    def share(test: Callable[[str], bool]) -> float:
        return sum(1 for s in sentences if test(s)) * 100 / count

    return Hygiene(
        len(sentences),
        share(lambda s: _SECOND_PERSON.search(s) is not None),
        share(lambda s: _FILLER.search(s) is not None),
        share(lambda s: "?" in s),
    )


def format_hygiene(result: Hygiene) -> str:
    return (
        f"hygiene over {result.sentences} note sentences: second person "
        f"{result.second_person:.1f}%, fillers {result.fillers:.1f}%, questions "
        f"{result.questions:.1f}%"
    )


def write_outputs(
    directory: Path, encounters: Sequence[AciEncounter], notes: Sequence[str]
) -> None:
    """Write each note as DIR/<encounter_id>.txt (ids are reduced to a safe file name)."""
    directory.mkdir(parents=True, exist_ok=True)
    for encounter, note in zip(encounters, notes, strict=True):
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", encounter.encounter_id) or "note"
        (directory / f"{name}.txt").write_text(note + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class FoldScore:
    fold: int
    train_count: int
    scores: RougeScores
    hygiene: Hygiene


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """k-fold figures: each fold's scores on its held visits, the pooled notes' hygiene."""

    folds: tuple[FoldScore, ...]
    hygiene: Hygiene
    words: int
    engine_seconds: float

    def mean(self) -> RougeScores:
        folds = [f.scores for f in self.folds]
        count = sum(f.count for f in folds)
        return RougeScores(
            statistics.fmean(f.rouge1 for f in folds),
            statistics.fmean(f.rouge2 for f in folds),
            statistics.fmean(f.rouge_l for f in folds),
            count,
        )

    def spread(self) -> float:
        """Sample standard deviation of the folds' ROUGE-1."""
        values = [f.scores.rouge1 for f in self.folds]
        return statistics.stdev(values) if len(values) > 1 else 0.0


# A trainer builds the engine's learned artefacts from training visits and returns the note
# writer that uses them; CV calls it once per fold so the held fold is never seen in training.
Trainer = Callable[[Sequence[AciEncounter]], Callable[[str], str]]


def fixed_engine(_training: Sequence[AciEncounter]) -> Callable[[str], str]:
    """The trainer of an engine with nothing learned: the same writer for every fold."""
    return lambda dialogue: write_aci_note(dialogue, keep="off", layout="off", punctuation="off")


def assign_folds(encounters: Sequence[AciEncounter], folds: int) -> list[int]:
    """Deterministic folds: visits sorted by id, dealt round-robin, independent of file order."""
    if not 2 <= folds <= len(encounters):
        raise ValueError(f"--folds must be between 2 and {len(encounters)}, got {folds}")
    order = sorted(range(len(encounters)), key=lambda i: encounters[i].encounter_id)
    fold_of = [0] * len(encounters)
    for rank, index in enumerate(order):
        fold_of[index] = rank % folds
    return fold_of


def cross_validate(
    encounters: Sequence[AciEncounter],
    folds: int,
    trainer: Trainer | None = None,
    output: Path | None = None,
) -> CrossValidation:
    """Train on k-1 folds, write and score the held fold's notes, for each of the k folds.

    trainer defaults to the learned engine (evaluation/training.py) on the folds alone.
    """
    if trainer is None:
        from scribe.evaluation.training import learned_engine

        trainer = learned_engine
    fold_of = assign_folds(encounters, folds)
    results: list[FoldScore] = []
    written: list[str] = [""] * len(encounters)
    seconds = 0.0
    for fold in range(folds):
        held = [i for i, f in enumerate(fold_of) if f == fold]
        writer = trainer([e for e, f in zip(encounters, fold_of, strict=True) if f != fold])
        started = time.perf_counter()
        for i in held:
            written[i] = writer(encounters[i].dialogue)
        seconds += time.perf_counter() - started
        notes = [written[i] for i in held]
        scores = score_notes(notes, [encounters[i].note for i in held])
        results.append(FoldScore(fold + 1, len(encounters) - len(held), scores, hygiene(notes)))
    if output is not None:
        write_outputs(output, encounters, written)
    words = sum(len(e.dialogue.split()) for e in encounters)
    return CrossValidation(tuple(results), hygiene(written), words, seconds)


def format_cross_validation(result: CrossValidation) -> str:
    """Per-fold and mean ± spread; the last line is `ROUGE-1 r1 ROUGE-2 r2 ROUGE-L rl` (mean)."""
    lines = [f"{'fold':<6} {'train':>5} {'held':>5} {'R-1':>6} {'R-2':>6} {'R-L':>6}"]
    lines += [
        f"{f.fold:<6} {f.train_count:>5} {f.scores.count:>5} {f.scores.rouge1:6.2f} "
        f"{f.scores.rouge2:6.2f} {f.scores.rouge_l:6.2f}"
        for f in result.folds
    ]
    mean = result.mean()
    ms = result.engine_seconds * 1e6 / max(result.words, 1)
    lines += [
        f"{len(result.folds)}-fold mean ROUGE-1 {mean.rouge1:.2f} ± {result.spread():.2f} "
        f"(sample sd over folds), {mean.count} notes",
        format_hygiene(result.hygiene),
        f"engine: {ms:.1f} ms per 1,000 transcript words",
        _contract_line(mean),
    ]
    return "\n".join(lines)
