"""The embedded clinical note engine: pure, deterministic functions on plain data."""

from scribe.clinical.catalogue import kinds_for_title
from scribe.clinical.chat import answer_question
from scribe.clinical.extract import (
    Medication,
    Vital,
    extract_allergies,
    extract_medications,
    extract_vitals,
)
from scribe.clinical.negation import is_negated, negated_symptoms
from scribe.clinical.notes import write_note
from scribe.clinical.rewrite import to_clinical
from scribe.clinical.roles import infer_roles
from scribe.clinical.sections import classify, is_small_talk
from scribe.clinical.sentences import split_sentences
from scribe.clinical.templates import BUILTIN_TEMPLATES, generic_template, get_template
from scribe.clinical.transcript import parse_transcript
from scribe.clinical.types import (
    Category,
    DraftSection,
    NoteDraft,
    NoteSentence,
    NoteStyle,
    SectionSpec,
    SpeakerRole,
    TemplateSpec,
    TranscriptTooShortError,
    Utterance,
)

__all__ = [
    "BUILTIN_TEMPLATES",
    "Category",
    "DraftSection",
    "Medication",
    "NoteDraft",
    "NoteSentence",
    "NoteStyle",
    "SectionSpec",
    "SpeakerRole",
    "TemplateSpec",
    "TranscriptTooShortError",
    "Utterance",
    "Vital",
    "answer_question",
    "classify",
    "extract_allergies",
    "extract_medications",
    "extract_vitals",
    "generic_template",
    "get_template",
    "infer_roles",
    "is_negated",
    "is_small_talk",
    "kinds_for_title",
    "negated_symptoms",
    "parse_transcript",
    "split_sentences",
    "to_clinical",
    "write_note",
]
