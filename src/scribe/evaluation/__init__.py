"""Offline evaluation of the embedded note engine against reference notes (ACI-Bench)."""

from scribe.evaluation.notes import (
    ACI_TEMPLATE,
    AciEncounter,
    NoteScore,
    NotesReport,
    RougeScores,
    evaluate_engine,
    format_report,
    load_aci,
    render_note,
    score_notes,
)

__all__ = [
    "ACI_TEMPLATE",
    "AciEncounter",
    "NoteScore",
    "NotesReport",
    "RougeScores",
    "evaluate_engine",
    "format_report",
    "load_aci",
    "render_note",
    "score_notes",
]
