"""Pull medications, vital signs and allergies out of free text with patterns and word lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scribe.clinical.lexicon import NOT_DRUGS, is_drug_name
from scribe.clinical.negation import is_negated
from scribe.clinical.vocabulary import find_drugs


@dataclass(frozen=True, slots=True)
class Medication:
    """A drug as named, with dose, frequency, route and its generic when the dictionary knows it."""

    name: str
    dose: str | None = None
    frequency: str | None = None
    route: str | None = None
    generic: str | None = None


@dataclass(frozen=True, slots=True)
class Vital:
    name: str
    value: str
    unit: str | None = None


_NUMBER = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|eight|ten|twenty|half|a half)"
_DOSE = re.compile(
    rf"\b({_NUMBER}(?:\s*(?:-|to)\s*{_NUMBER})?\s*(?:mg|milligrams?|mcg|micrograms?|g|grams?|units?"
    r"|ml|milliliters?|cc|puffs?|tablets?|tabs?|capsules?|pills?|drops?|sprays?|%|percent))\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(once a day|twice a day|(?:one|two|three|four) times a day|once daily|twice daily"
    r"|(?:three|four) times daily|every (?:\d+|one|two|three|four|six|eight|twelve)"
    r"(?:\s*(?:to|-)\s*\d+)? hours|every (?:morning|night|evening|day|other day|week)"
    r"|at (?:bedtime|night)|nightly|daily|weekly|monthly|as needed|when needed|prn|bid|tid|qid"
    r"|qhs|qd|q\d+h|a day|per day|a week)\b",
    re.IGNORECASE,
)
_ROUTE = re.compile(
    r"\b(by mouth|orally|oral|po|topically|topical|inhaled|inhaler|nebuli[sz]ed|nebuli[sz]er"
    r"|intravenous(?:ly)?|iv|intramuscular(?:ly)?|im|subcutaneous(?:ly)?|sub-q|subq|injections?"
    r"|injected|shots?|nasal(?:ly)?|nasal spray|eye drops|ear drops|patch|cream|ointment"
    r"|rectal(?:ly)?|suppository|sublingual(?:ly)?|under the tongue)\b",
    re.IGNORECASE,
)
_ROUTES = {
    "by mouth": "PO", "orally": "PO", "oral": "PO", "po": "PO", "topically": "topical",
    "inhaler": "inhaled", "nebulized": "nebulized", "nebulised": "nebulized",
    "nebulizer": "nebulized", "nebuliser": "nebulized", "intravenous": "IV",
    "intravenously": "IV", "iv": "IV", "intramuscular": "IM", "intramuscularly": "IM",
    "im": "IM", "subcutaneous": "subcutaneous", "subcutaneously": "subcutaneous",
    "sub-q": "subcutaneous", "subq": "subcutaneous", "injection": "injection",
    "injections": "injection", "injected": "injection", "shot": "injection",
    "shots": "injection", "nasally": "nasal", "nasal spray": "nasal", "rectally": "rectal",
    "suppository": "rectal", "sublingually": "sublingual", "under the tongue": "sublingual",
}  # fmt: skip
_WORD = re.compile(r"[a-z][a-z0-9-]*", re.IGNORECASE)
_VITAMIN = re.compile(r"\bvitamin\s+(b12|b6|b|c|d3|d|e|k)\b", re.IGNORECASE)
_FREQUENCY_ALIASES = {"a day": "daily", "per day": "daily", "a week": "weekly", "qd": "daily"}
# A dose or frequency belongs to a drug only when it follows closely.
_ATTRIBUTE_REACH = 60


def extract_medications(text: str) -> list[Medication]:
    """Return the drugs named in text, each once, with the first dose, route and frequency."""
    mentions = _drug_mentions(text)
    found: dict[str, Medication] = {}
    for index, (name, end, generic) in enumerate(mentions):
        limit = mentions[index + 1][1] if index + 1 < len(mentions) else len(text)
        window = text[end : min(limit, end + _ATTRIBUTE_REACH)]
        frequency = _first(_FREQUENCY, window)
        route = _first(_ROUTE, window)
        current = Medication(
            name,
            _first(_DOSE, window),
            _FREQUENCY_ALIASES.get(frequency, frequency) if frequency else None,
            _ROUTES.get(route, route) if route else None,
            generic,
        )
        previous = found.get(name)
        found[name] = current if previous is None else _merged(previous, current)
    return list(found.values())


def _merged(first: Medication, then: Medication) -> Medication:
    return Medication(
        first.name,
        first.dose or then.dose,
        first.frequency or then.frequency,
        first.route or then.route,
        first.generic or then.generic,
    )


def _drug_mentions(text: str) -> list[tuple[str, int, str | None]]:
    """(name as spoken, end offset, generic) of each drug: the dictionary, then class suffixes."""
    drugs: list[tuple[str, int, str | None]] = []
    covered: set[int] = set()
    for found in find_drugs(text):
        name = found.mention.surface.lower()
        if name not in NOT_DRUGS:
            drugs.append((name, found.mention.end, found.drug.name.lower()))
            covered.update(range(found.mention.start, found.mention.end))
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if match.start() not in covered and is_drug_name(word):
            drugs.append((word, match.end(), None))
    drugs += [
        (f"vitamin {m.group(1).lower()}", m.end(), None)
        for m in _VITAMIN.finditer(text)
        if m.start() not in covered
    ]
    return sorted(drugs, key=lambda mention: mention[1])


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return " ".join(match.group(1).lower().split()) if match else None


_SEP = r"[^0-9.?!]{0,40}?"
_VITAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "blood pressure",
        re.compile(
            rf"\b(?:blood pressure|bp){_SEP}(\d{{2,3}}\s*(?:/|over)\s*\d{{2,3}})\s*(mmhg|mm hg)?",
            re.I,
        ),
    ),
    (
        "heart rate",
        re.compile(
            rf"\b(?:heart rate|pulse|hr){_SEP}(\d{{2,3}})\s*(bpm|beats per minute|beats a minute)?",
            re.I,
        ),
    ),
    (
        "temperature",
        re.compile(
            rf"\b(?:temperature|temp){_SEP}(\d{{2,3}}(?:\.\d)?)\s*((?:degrees\s*)?(?:fahrenheit|celsius"
            r"|f|c)\b|degrees)?",
            re.I,
        ),
    ),
    (
        "respiratory rate",
        re.compile(rf"\b(?:respiratory rate|respirations|rr){_SEP}(\d{{1,2}})\b", re.I),
    ),
    (
        "oxygen saturation",
        re.compile(
            r"\b(?:oxygen saturation|o2 sat(?:uration)?s?|spo2|sats?|saturation"
            rf"|pulse ox(?:imetry)?|oxygen(?: level)?){_SEP}(\d{{2,3}})\s*(%|percent)?",
            re.I,
        ),
    ),
    (
        "weight",
        re.compile(
            rf"\b(?:weight|weighs|weighed|weigh){_SEP}(\d{{2,3}}(?:\.\d)?)\s*(pounds|lbs?|kilograms|kgs?)",
            re.I,
        ),
    ),
    (
        "height",
        re.compile(
            rf"\b(?:height|tall){_SEP}(\d(?:\s*(?:feet|foot|ft|')\s*\d{{1,2}})?|\d{{3}})\s*(inches|in|cm"
            r"|centimeters|feet|ft)?",
            re.I,
        ),
    ),
    ("bmi", re.compile(rf"\b(?:bmi|body mass index){_SEP}(\d{{2}}(?:\.\d)?)", re.I)),
)


_UNITS = {"mmhg": "mmHg", "mm hg": "mmHg", "percent": "%", "beats per minute": "bpm", "lb": "lbs"}


def extract_vitals(text: str) -> list[Vital]:
    """Return the vital signs stated with a value in text, in a fixed order, one per kind."""
    vitals: list[Vital] = []
    for name, pattern in _VITAL_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        value = re.sub(r"\s*over\s*", "/", match.group(1), flags=re.I)
        unit = match.group(2) if match.lastindex and match.lastindex >= 2 else None
        unit = _UNITS.get(unit.lower(), unit.lower()) if unit else None
        vitals.append(Vital(name, " ".join(value.split()), unit))
    return vitals


_ALLERGIC_TO = re.compile(r"\ballerg(?:ic|y|ies)\s+to\s+([a-z0-9 ,\-]+)", re.I)
_NOUN_ALLERGY = re.compile(r"\b([a-z][a-z\-]+)\s+allerg(?:y|ies)\b", re.I)
_NO_ALLERGIES = re.compile(r"\b(?:no known (?:drug )?allergies|nkda|no allergies)\b", re.I)
_NOT_ALLERGENS = frozenset(
    {
        "no",
        "any",
        "known",
        "drug",
        "food",
        "seasonal",
        "environmental",
        "medication",
        "other",
        "an",
        "the",
        "my",
        "your",
        "his",
        "her",
        "their",
        "severe",
        "mild",
        "some",
        "and",
        "or",
        "of",
        "have",
        "has",
        "had",
        "with",
        "about",
        "for",
        "bad",
        "true",
        "real",
    }
)
_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b)\s*", re.I)
_CLAUSE_END = re.compile(r"\b(?:but|which|that|so|because|when|since|it|i|she|he)\b", re.I)


def extract_allergies(text: str) -> list[str]:
    """Return the allergens text names ("allergic to penicillin"); none for "NKDA"."""
    if _NO_ALLERGIES.search(text) and not _ALLERGIC_TO.search(text):
        return []
    found: dict[str, None] = {}
    for match in _ALLERGIC_TO.finditer(text):
        if _is_question_form(text, match.start()) or is_negated(text, match.group(0).split()[0]):
            continue
        clause = _CLAUSE_END.split(match.group(1))[0]
        found.update(dict.fromkeys(_allergens(clause)))
    for match in _NOUN_ALLERGY.finditer(text):
        word = match.group(1).lower()
        if word not in _NOT_ALLERGENS and not is_negated(text, match.group(0)):
            found[word] = None
    return list(found)


def _is_question_form(text: str, start: int) -> bool:
    return text[max(0, start - 5) : start].lower().strip() == "any"


def _allergens(clause: str) -> list[str]:
    names = []
    for part in _LIST_SPLIT.split(clause.lower()):
        words = [word for word in part.split() if word not in _NOT_ALLERGENS][:3]
        if words:
            names.append(" ".join(words))
    return names
