"""Drug and condition names: recognise them in text, resolve brands to generics, bias ASR.

The dictionary ships as plain JSON (clinical/data/vocabulary.json, built by
training/build_vocabulary.py): about 18,000 drugs with 64,000 spoken variants, from the
drug-named-entity-recognition package (DrugBank open data, MeSH, MedlinePlus, NHS, Wikipedia),
and the ICD-10-CM category titles. See clinical/data/ATTRIBUTION.md for the sources' terms::

    [m.drug.name for m in find_drugs("Started Motrin 600 mg and lisinopril.")]
    # ["Ibuprofen", "Lisinopril"]
    recognition_terms(["Problem list: type 2 diabetes mellitus, on metformin"])
    # ["metformin", "type 2 diabetes mellitus"]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_LONGEST_DRUG = 3
_LONGEST_CONDITION = 4
# Whisper's initial prompt holds 224 tokens; a few dozen names leave room for the rest.
DEFAULT_TERM_LIMIT = 40
# Hotwords go before every 30 s window, so each costs decoding time: an encounter gets this many.
HOTWORD_LIMIT = 24
# The generic drugs prescribed most often in outpatient care (ClinCalc DrugStats, the top of the
# list by prescriptions): names a visit is likely to hold when nothing else is known about it.
FREQUENT_DRUGS = (
    "atorvastatin",
    "metformin",
    "levothyroxine",
    "lisinopril",
    "amlodipine",
    "metoprolol",
    "albuterol",
    "omeprazole",
    "losartan",
    "gabapentin",
    "hydrochlorothiazide",
    "sertraline",
    "simvastatin",
    "montelukast",
    "escitalopram",
    "rosuvastatin",
    "bupropion",
    "furosemide",
    "pantoprazole",
    "trazodone",
    "fluticasone",
    "tamsulosin",
    "prednisone",
    "ibuprofen",
)


@dataclass(frozen=True, slots=True)
class Drug:
    """A canonical drug: its display name and its DrugBank / MeSH ids when known."""

    key: str
    name: str
    drugbank: str | None = None
    mesh: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a dictionary term was named in a text (character offsets) and what it resolves to."""

    surface: str
    start: int
    end: int
    term: str
    brand: bool = False


@dataclass(frozen=True, slots=True)
class DrugMention:
    mention: Mention
    drug: Drug


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    drugs: dict[str, dict[str, str]]
    variants: dict[str, str]
    brands: frozenset[str]
    conditions: dict[str, str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    source = resources.files("scribe.clinical").joinpath("data/vocabulary.json")
    body: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    conditions = {title: code for code, title in body["conditions"].items()}
    return _Vocabulary(body["drugs"], body["variants"], frozenset(body["brands"]), conditions)


def drug(name: str) -> Drug | None:
    """The canonical drug a spoken name (generic, brand or synonym) stands for, if any."""
    vocabulary = _vocabulary()
    key = vocabulary.variants.get(" ".join(_WORD.findall(name.lower())))
    if key is None:
        return None
    entry = vocabulary.drugs[key]
    return Drug(key, entry.get("name") or key, entry.get("drugbank"), entry.get("mesh"))


def is_drug(word: str) -> bool:
    """Tell whether a lower-case word or phrase names a drug in the dictionary."""
    return word in _vocabulary().variants


def is_brand(name: str) -> bool:
    """Tell whether a spoken drug name is a brand name (Motrin, not ibuprofen)."""
    return name.lower() in _vocabulary().brands


def find_drugs(text: str) -> list[DrugMention]:
    """Every drug named in text, longest name first at each position, in order."""
    vocabulary = _vocabulary()
    found = []
    for mention in _scan(text, vocabulary.variants, _LONGEST_DRUG):
        resolved = drug(mention.surface)
        if resolved is not None:
            brand = " ".join(_WORD.findall(mention.surface.lower())) in vocabulary.brands
            found.append(DrugMention(_with_brand(mention, brand), resolved))
    return found


def find_conditions(text: str) -> list[Mention]:
    """Every ICD-10-CM category title named in text; `term` holds its code."""
    return _scan(text, _vocabulary().conditions, _LONGEST_CONDITION)


def recognition_terms(texts: Iterable[str], limit: int = DEFAULT_TERM_LIMIT) -> list[str]:
    """Drug and condition names found in texts (a patient's record, earlier notes), each once.

    For biasing speech recognition towards the names an encounter is likely to hold: the
    spoken forms as written in texts, brand and generic both, up to limit, in order of mention.
    """
    terms: dict[str, None] = {}
    for text in texts:
        for found in find_drugs(text):
            terms.setdefault(found.mention.surface.lower())
            terms.setdefault(found.drug.name.lower())
        for condition in find_conditions(text):
            terms.setdefault(condition.surface.lower())
    return list(terms)[:limit]


def hotwords(
    tenant_terms: Iterable[str] = (),
    context: Iterable[str] = (),
    *,
    frequent: bool = True,
    limit: int = HOTWORD_LIMIT,
) -> list[str]:
    """Terms to bias one encounter's recognition towards, each once, at most limit.

    First the tenant's own terms, then the drug and condition names found in the encounter's
    context (its known medications and problems, the patient's record), then, while room is left,
    the most prescribed drugs (``FREQUENT_DRUGS``).
    """
    chosen = [term.strip() for term in tenant_terms if term.strip()]
    chosen += recognition_terms(context, limit)
    if frequent:
        chosen += FREQUENT_DRUGS
    # Once each, whatever the case it was written in; the first spelling is kept.
    terms: dict[str, str] = {}
    for term in chosen:
        terms.setdefault(term.lower(), term)
    return list(terms.values())[:limit]


def _scan(text: str, table: dict[str, str], longest: int) -> list[Mention]:
    words = list(_WORD.finditer(text.lower()))
    found: list[Mention] = []
    index = 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            phrase = " ".join(w.group(0) for w in words[index : index + size])
            if phrase in table:
                start, end = words[index].start(), words[index + size - 1].end()
                found.append(Mention(text[start:end], start, end, table[phrase]))
                index += size
                break
        else:
            index += 1
    return found


def _with_brand(mention: Mention, brand: bool) -> Mention:
    return Mention(mention.surface, mention.start, mention.end, mention.term, brand)
