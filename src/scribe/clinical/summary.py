"""Write one section of a patient summary from the items of the record, and nothing else.

The section's title (and instructions) pick the kinds of item it covers: "Medications" lists
medication items, "Problem list" conditions, "Vital signs" vital observations; a title naming
no kind ("History of Present Illness", "Overview") gets a short digest of the whole record.
Each sentence keeps the ids of the items it was written from::

    summarize_section("Medications", [SourceItem("m1", "medication", "lisinopril 20 mg daily")])
    # [NoteSentence("Lisinopril 20 mg daily.", ("m1",))]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scribe.clinical import NoteSentence, split_sentences

SourceKind = Literal[
    "medication",
    "condition",
    "allergy",
    "observation",
    "procedure",
    "immunization",
    "encounter",
    "document",
]


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One fact of the patient record (a FHIR resource, a document) already rendered as text."""

    id: str
    kind: SourceKind
    text: str
    # ISO 8601, so that string order is time order; quoted in sentences and orders the digest.
    date: str | None = None
    # What the source says the item is, when it says (FHIR Observation's "vital-signs",
    # "laboratory"): trusted over guessing from the wording.
    category: str | None = None


_KIND_CUES: tuple[tuple[SourceKind, tuple[str, ...]], ...] = (
    (
        "medication",
        # Not a bare "medic": "Past medical history" is about conditions.
        (
            "medicat",
            "medicin",
            "medicament",
            "medicac",
            "meds",
            "drug",
            "prescri",
            "farmac",
            "pharmac",
            "tratamiento",
            "treatment",
        ),
    ),
    ("allergy", ("allerg", "alerg", "intoleran")),
    (
        "condition",
        ("problem", "condition", "diagnos", "comorbid", "medical history", "antecedente"),
    ),
    ("observation", ("vital", "lab", "result", "observation", "measurement", "signos", "analit")),
    ("procedure", ("procedure", "surg", "operation", "procedimiento", "cirug", "intervenc")),
    ("immunization", ("immuniz", "vaccin", "vacun", "inmuniz")),
    ("encounter", ("encounter", "visit", "admission", "hospitali", "ingreso")),
    ("document", ("document", "report", "informe")),
)
# Titles that ask for the whole story even when they also name a kind ("present illness").
_DIGEST_CUES = ("present illness", "hpi", "overview", "summary", "resumen", "enfermedad actual")
_VITAL_CUES = ("vital", "signos", "constantes")
_VITAL_WORDS = re.compile(
    r"\b(?:blood pressure|bp|heart rate|pulse|temperature|respiratory rate|oxygen|spo2|sao2"
    r"|weight|height|bmi|presion|frecuencia|temperatura|peso|talla|saturacion)\b"
)
_DIGEST_ORDER: tuple[SourceKind, ...] = ("condition", "medication", "allergy")
_DIGEST_HISTORY: tuple[SourceKind, ...] = ("encounter", "procedure", "document")
_DIGEST_GROUP_SIZE = 5
_DIGEST_HISTORY_SIZE = 3
_SECTION_SIZE = 25
_DOCUMENT_SENTENCES = 2
_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "condition": "Conditions",
        "medication": "Medications",
        "allergy": "Allergies",
        "observation": "Latest observations",
        "nothing": "Nothing relevant is recorded.",
    },
    "es": {
        "condition": "Problemas",
        "medication": "Medicación",
        "allergy": "Alergias",
        "observation": "Últimas observaciones",
        "nothing": "No consta información relevante.",
    },
}


def summarize_section(
    title: str,
    items: Sequence[SourceItem],
    *,
    instructions: str | None = None,
    language: str | None = None,
) -> list[NoteSentence]:
    """Return the section's sentences, each grounded in record items (ids kept)."""
    labels = _labels(language)
    kinds = section_kinds(title, instructions)
    sentences = _digest(items, labels) if not kinds else _listing(title, items, kinds)
    return sentences or [NoteSentence(labels["nothing"], ())]


def section_kinds(title: str, instructions: str | None = None) -> tuple[SourceKind, ...]:
    """The kinds of record item a section covers; empty means a digest of everything."""
    folded = _fold(title)
    if _has_cue(folded, _DIGEST_CUES):
        return ()
    kinds = _kinds_in(folded)
    return kinds or (_kinds_in(_fold(instructions)) if instructions else ())


def _kinds_in(folded: str) -> tuple[SourceKind, ...]:
    return tuple(kind for kind, cues in _KIND_CUES if _has_cue(folded, cues))


def _has_cue(folded: str, cues: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(cue)}", folded) for cue in cues)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _labels(language: str | None) -> dict[str, str]:
    return _LABELS.get((language or "en").split("-")[0].lower(), _LABELS["en"])


def _listing(
    title: str, items: Sequence[SourceItem], kinds: tuple[SourceKind, ...]
) -> list[NoteSentence]:
    """One sentence per relevant item, most recent first (undated items keep record order)."""
    wanted = [item for item in items if item.kind in kinds and _observation_fits(title, item)]
    dated = sorted((item for item in wanted if item.date), key=_date, reverse=True)
    ordered = dated + [item for item in wanted if not item.date]
    return _merge([(_render(item), item.id) for item in ordered])[:_SECTION_SIZE]


def _date(item: SourceItem) -> str:
    return item.date or ""


def _observation_fits(title: str, item: SourceItem) -> bool:
    # A "Vital signs" section takes vital observations, a "Labs" section the others.
    if item.kind != "observation":
        return True
    folded = _fold(title)
    is_vital = _is_vital(item)
    if _has_cue(folded, _VITAL_CUES):
        return is_vital
    if _has_cue(folded, ("lab", "analit")):
        return not is_vital
    return True


def _is_vital(item: SourceItem) -> bool:
    if item.category:
        return item.category == "vital-signs"
    return _VITAL_WORDS.search(_fold(item.text)) is not None


def _digest(items: Sequence[SourceItem], labels: dict[str, str]) -> list[NoteSentence]:
    """Conditions, medications and allergies in a line each, then recent history in order."""
    sentences = [_group(items, kind, labels[kind]) for kind in _DIGEST_ORDER]
    history = [item for item in items if item.kind in _DIGEST_HISTORY]
    history = sorted(history, key=_date)[-_DIGEST_HISTORY_SIZE:]
    sentences += [NoteSentence(_render(item), (item.id,)) for item in history]
    observations = _latest([item for item in items if item.kind == "observation"])
    sentences.append(_joined(labels["observation"], observations))
    return [sentence for sentence in sentences if sentence.text]


def _group(items: Sequence[SourceItem], kind: SourceKind, label: str) -> NoteSentence:
    return _joined(label, [item for item in items if item.kind == kind][:_DIGEST_GROUP_SIZE])


def _latest(observations: list[SourceItem]) -> list[SourceItem]:
    return sorted(observations, key=_date, reverse=True)[:_DIGEST_GROUP_SIZE]


def _joined(label: str, items: Sequence[SourceItem]) -> NoteSentence:
    merged = _merge([(_clean(item.text), item.id) for item in items])
    if not merged:
        return NoteSentence("", ())
    ids = tuple(i for sentence in merged for i in sentence.segment_ids)
    return NoteSentence(f"{label}: " + "; ".join(s.text for s in merged) + ".", ids)


def _merge(rendered: list[tuple[str, str]]) -> list[NoteSentence]:
    """One sentence per distinct text, carrying the ids of every item that says it."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for text, item_id in rendered:
        if text:
            merged.setdefault(_fold(text), (text, []))[1].append(item_id)
    return [NoteSentence(text, tuple(ids)) for text, ids in merged.values()]


def _render(item: SourceItem) -> str:
    text = _opening(item.text) if item.kind == "document" else _clean(item.text)
    if not text:
        return ""
    dated = f"{text} ({item.date})" if item.date else text
    return _capitalised(dated) + ("" if dated.endswith(("?", "!")) else ".")


def _opening(text: str) -> str:
    # A document can run to pages: its opening sentences stand for it.
    return _clean(" ".join(split_sentences(text)[:_DOCUMENT_SENTENCES]))


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(".").strip()


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:] if text[:1].islower() else text
