"""Fill typed template fields from a summary or transcript by extraction, never invention.

Every value is copied out of the source (a sentence, a list item, a number, a declared enum
option) or is None when the source does not say; nothing is translated or rephrased, so
Spanish or Catalan text comes back exactly as written::

    fill_fields("Fiebre de 38,5 grados. Niega tabaquismo.", [
        FieldSpec("t", "Temperatura", type="number"),
        FieldSpec("s", "Tabaquismo", type="boolean"),
    ])  # {"t": 38.5, "s": False}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scribe.clinical import extract_allergies, extract_medications, is_negated, split_sentences
from scribe.clinical.concepts import groups

FieldType = Literal["string", "number", "array", "boolean", "enum"]
FieldValue = str | float | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A template field: what to look for (name, description) and the type of its value."""

    id: str
    name: str
    description: str = ""
    type: FieldType = "string"
    # The allowed values of an enum field, returned exactly as declared.
    options: tuple[str, ...] = ()


# Words that say how to fill a field rather than what it is about, in the languages we serve.
_STOPWORDS = frozenset(
    "a an the is are was were be of in on at to for from by with and or not any does do did has"
    " have had this that these those it its which what whether if patient patients value field"
    " indicate indicates specify describe list record enter current currently yes no"
    " el la los las un una unos unas de del al en con por para y o que se su sus es son paciente"
    " si indica indicar describir valor campo le les lo o e do da dos das um uma com per els"
    " les i os as em na nas nos no ao aos pelo pela amb dels pacient doente utente".split()
)
# "ador"/"ar" let Spanish and Catalan agent nouns meet their verbs (fumador ~ fuma ~ fumar).
_SUFFIXES = (
    *("ations", "ation", "adora", "ador", "ings", "ing", "ers", "er", "ar", "ed", "es", "s"),
    *("e", "a", "o"),
)
# Two stems match when one is a prefix of the other and the shorter is at least this long
# ("medic" ~ "medicament"), so English and Romance forms of a word meet.
_PREFIX_MATCH = 5
_WORD = re.compile(r"\w+")
# A word as written, Catalan "al·lèrgia" whole (fold joins it for matching).
_SURFACE_WORD = re.compile(r"\w+(?:·\w+)*")
_NUMBER = re.compile(r"(?<![\w.,-])-?\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"^-?\d{1,3},\d{3}$")
_LABEL = re.compile(r"^\s*([^:]{1,60}):\s*(\S.*)$")
# A transcript's speaker label ("[patient] No.", "Médico: ..."), dropped so that an answer's
# first word is its own; "Diagnosis: ..." is a field label and is kept.
_SPEAKER = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]|(?:doctor|dr|patient|pt|nurse|m[eé]dic[oa]|paciente|metge"
    r"|pacient|doente|utente|enfermer[oa]|infermer[ae])\s*:)\s*",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_LIST_SPLIT = re.compile(r"\s*(?:[,;]|\s(?:and|y|e|i|et)\s)\s*")
_YES = frozenset({"yes", "si", "true", "sim", "oui", "positive", "positivo", "present", "presente"})
_NO = frozenset(
    {"no", "false", "nao", "non", "none", "ninguno", "ninguna", "nada", "negative", "negativo"}
    | {"absent", "ausente", "denied", "denies", "niega", "nega", "negatiu", "cap", "nenhum"}
)
# English triggers come from is_negated; these cover the other languages templates use.
_FOREIGN_NEGATIONS = frozenset(
    {"no", "niega", "niegan", "nego", "sin", "nunca", "ni", "tampoco", "ningun", "ninguna"}
    | {"ninguno", "nao", "sem", "nega", "cap", "mai", "pas", "jamais", "sans", "sense", "gens"}
    | {"nenhum", "nenhuma", "nem", "tampouco", "negou", "descarta", "descarten", "descartada"}
)
_CLAUSE_BREAKS = frozenset({"but", "however", "pero", "aunque", "sino", "mas", "mais"})
_NEGATION_REACH = 5
_MEDICATION_CUES = (
    *("medic", "drug", "prescri", "farmac", "tratamient", "treatment", "remed", "tractament"),
    *("tratament", "receit", "recet"),
)
_ALLERGY_CUES = ("allerg", "alerg")
_MAX_STRING_SENTENCES = 3
_MAX_ARRAY_SENTENCES = 5


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    stems: frozenset[str]
    line: int
    bullet: bool


@dataclass(frozen=True, slots=True)
class _Cue:
    """The stems naming a field: its name weighs more than its description."""

    name: frozenset[str]
    description: frozenset[str]


def fill_fields(source: str, fields: Sequence[FieldSpec]) -> dict[str, FieldValue | None]:
    """Return a value of the declared type per field id, or None when the source does not say."""
    pool = _sentences(source)
    return {field.id: _fill(pool, field) for field in fields}


def _fill(pool: Sequence[_Sentence], field: FieldSpec) -> FieldValue | None:
    named = stems(field.name)
    cue = _Cue(named, (stems(field.description) | _related(named)) - named)
    if not pool or not (cue.name or cue.description):
        return None
    if field.type == "number":
        return _number(pool, cue)
    if field.type == "boolean":
        return _boolean(pool, cue)
    if field.type == "enum":
        return _enum(pool, cue, field.options)
    if field.type == "array":
        return _array(pool, cue)
    return _string(pool, cue)


def _related(named: frozenset[str]) -> frozenset[str]:
    """Stems of the concepts a field's name words name ("diagnosis" brings "assessment")."""
    related: set[str] = set()
    for group in _CONCEPT_STEMS:
        if any(_matches(word, other) for word in named for other in group):
            related |= group
    return frozenset(related)


def stems(text: str) -> frozenset[str]:
    """Return the folded, suffix-stripped content words of text."""
    return frozenset(_stem(w) for w in _WORD.findall(fold(text)) if _is_content(w))


def fold(text: str) -> str:
    """Lower-case text and drop accents, for matching only (values keep the source's text)."""
    # Catalan's "l·l" (al·lèrgia) would otherwise split a word in two.
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("l·l", "ll"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in _STOPWORDS and not word.isdigit()


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _matches(first: str, second: str) -> bool:
    if first == second:
        return True
    short, long = sorted((first, second), key=len)
    return len(short) >= _PREFIX_MATCH and long.startswith(short)


def _overlap(cue: frozenset[str], found: frozenset[str]) -> int:
    return sum(any(_matches(word, other) for other in found) for word in cue)


def _sentences(source: str) -> list[_Sentence]:
    # Lines first: summaries are often "Label: value" lines, which sentence splitting would merge.
    found: list[_Sentence] = []
    for number, raw in enumerate(source.splitlines()):
        line = _SPEAKER.sub("", raw, count=1)
        bullet = _BULLET.match(line) is not None
        for text in split_sentences(_BULLET.sub("", line, count=1)):
            found.append(_Sentence(text, stems(text), number, bullet))
    return found


def _score(sentence: _Sentence, cue: _Cue) -> int:
    return 2 * _overlap(cue.name, sentence.stems) + _overlap(cue.description, sentence.stems)


def _ranked(pool: Sequence[_Sentence], cue: _Cue, *, questions: bool = False) -> list[_Sentence]:
    """The statements (or questions) that mention the field, most relevant first."""
    scored = [
        (_score(sentence, cue), index)
        for index, sentence in enumerate(pool)
        if _is_question(sentence) == questions
    ]
    best = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    return [pool[index] for _, index in best]


def _is_question(sentence: _Sentence) -> bool:
    # A question asserts nothing: "Do you smoke?" says nothing about smoking.
    return sentence.text.rstrip().endswith("?")


def _labelled(sentence: _Sentence, cue: _Cue) -> str | None:
    """The value of a "Label: value" sentence whose label names the field."""
    match = _LABEL.match(sentence.text)
    if match is None or not _overlap(cue.name | cue.description, stems(match.group(1))):
        return None
    return match.group(2).strip().rstrip(".").strip() or None


def _string(pool: Sequence[_Sentence], cue: _Cue) -> str | None:
    ranked = _ranked(pool, cue)
    if not ranked:
        return None
    labelled = _labelled(ranked[0], cue)
    if labelled:
        return labelled
    top = _score(ranked[0], cue)
    chosen = [s for s in ranked if _score(s, cue) == top][:_MAX_STRING_SENTENCES]
    return " ".join(s.text for s in pool if s in chosen)


def _number(pool: Sequence[_Sentence], cue: _Cue) -> float | None:
    for sentence in _ranked(pool, cue):
        anchors = _cue_spans(sentence.text, cue)
        numbers = list(_NUMBER.finditer(sentence.text))
        if numbers and anchors:
            nearest = min(numbers, key=lambda m: min(_distance(m, a) for a in anchors))
            return _parse_number(nearest.group(0))
    return None


def _cue_spans(text: str, cue: _Cue) -> list[tuple[int, int]]:
    words = cue.name | cue.description
    return [
        match.span()
        for match in _WORD.finditer(fold(text))
        if any(_matches(_stem(match.group(0)), word) for word in words)
    ]


def _distance(number: re.Match[str], anchor: tuple[int, int]) -> int:
    # A value follows its label ("frecuencia cardiaca 102", "Peso: 72 kg"); a number before the
    # label usually belongs to the previous one ("150/90 mmHg, frecuencia cardiaca 102").
    if number.start() >= anchor[1]:
        return number.start() - anchor[1]
    return 2 * max(0, anchor[0] - number.end())


def _parse_number(text: str) -> float:
    if _THOUSANDS.match(text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _boolean(pool: Sequence[_Sentence], cue: _Cue) -> bool | None:
    ranked = _ranked(pool, cue)
    if not ranked:
        return _answer_to_question(pool, cue)
    labelled = _labelled(ranked[0], cue)
    answer = _yes_no(labelled) if labelled else None
    if answer is not None:
        return answer
    term = _mention(ranked[0].text, cue)
    return not _negated(ranked[0].text, term) if term else None


def _answer_to_question(pool: Sequence[_Sentence], cue: _Cue) -> bool | None:
    """A yes or no right after a question about the field ("Do you smoke?" "No.")."""
    for question in _ranked(pool, cue, questions=True):
        following = pool.index(question) + 1
        if following < len(pool):
            answer = _yes_no(pool[following].text)
            if answer is not None:
                return answer
    return None


def _yes_no(text: str) -> bool | None:
    words = _WORD.findall(fold(text))
    if not words:
        return None
    if words[0] in _YES:
        return True
    return False if words[0] in _NO else None


def _mention(text: str, cue: _Cue) -> str | None:
    """The surface word of text that names the field (its name first, then its description)."""
    for words in (cue.name, cue.description):
        for match in _SURFACE_WORD.finditer(text):
            if any(_matches(_stem(fold(match.group(0))), word) for word in words):
                return match.group(0)
    return None


def _negated(sentence: str, term: str) -> bool:
    return is_negated(sentence, term) or _foreign_negated(sentence, term)


def _foreign_negated(sentence: str, term: str) -> bool:
    tokens = re.findall(r"\w+|[,;:.]", fold(sentence))
    target = fold(term)
    for index, token in enumerate(tokens):
        if token != target:
            continue
        window = []
        for before in reversed(tokens[max(0, index - _NEGATION_REACH) : index]):
            if before in _CLAUSE_BREAKS or before in {";", ":", "."}:
                break
            window.append(before)
        if _FOREIGN_NEGATIONS & set(window):
            return True
    return False


def _enum(pool: Sequence[_Sentence], cue: _Cue, options: tuple[str, ...]) -> str | None:
    if _is_yes_no(options):
        answer = _boolean(pool, cue)
        return None if answer is None else _option_for(options, answer)
    ranked = _ranked(pool, cue)
    ordered = ranked + [s for s in pool if s not in ranked and not _is_question(s)]
    for sentence in ordered:
        found = _options_in(sentence.text, options)
        if found:
            return found
    return None


def _is_yes_no(options: tuple[str, ...]) -> bool:
    folded = {fold(option).strip() for option in options}
    return len(folded) == 2 and bool(folded & _YES) and bool(folded & _NO)


def _option_for(options: tuple[str, ...], answer: bool) -> str:
    wanted = _YES if answer else _NO
    return next(option for option in options if fold(option).strip() in wanted)


def _options_in(text: str, options: tuple[str, ...]) -> str | None:
    """The declared option text mentions first, unless the mention is negated."""
    hits: list[tuple[int, str]] = []
    for option in options:
        pattern = re.compile(rf"(?<!\w){re.escape(fold(option).strip())}(?!\w)")
        match = pattern.search(fold(text))
        if match and option.strip() and not _negated(text, text[match.start() : match.end()]):
            hits.append((match.start(), option))
    return min(hits)[1] if hits else None


def _array(pool: Sequence[_Sentence], cue: _Cue) -> tuple[str, ...] | None:
    # The source's own list under the field's label ("Medications: a, b") is its answer.
    ranked = _ranked(pool, cue)
    labelled = _labelled(ranked[0], cue) if ranked else None
    if labelled:
        return _split_list(labelled)
    words = cue.name | cue.description
    # Allergies first: "Drug allergies" names drugs the patient must not be given.
    if any(word.startswith(_ALLERGY_CUES) for word in words):
        allergens = extract_allergies(" ".join(s.text for s in pool))
        return tuple(allergens) if allergens else _listed(pool, cue)
    if any(word.startswith(_MEDICATION_CUES) for word in words):
        # A written list under the heading keeps its own wording ("paracetamol si fiebre").
        bullets = _bullets_after(pool, ranked[0]) if ranked else ()
        found = bullets or _medications(pool)
        if found:
            return found
    return _listed(pool, cue)


def _medications(pool: Sequence[_Sentence]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    # "Allergic to penicillin" names a drug the patient must not take.
    for sentence in (s for s in pool if not any(w.startswith(_ALLERGY_CUES) for w in s.stems)):
        for medication in extract_medications(sentence.text):
            if medication.name in found or is_negated(sentence.text, medication.name):
                continue
            parts = (medication.name, medication.dose, medication.frequency)
            found[medication.name] = " ".join(part for part in parts if part)
    return tuple(found.values())


def _listed(pool: Sequence[_Sentence], cue: _Cue) -> tuple[str, ...] | None:
    ranked = _ranked(pool, cue)
    if not ranked:
        return None
    bullets = _bullets_after(pool, ranked[0])
    if bullets:
        return bullets
    chosen = ranked[:_MAX_ARRAY_SENTENCES]
    return tuple(s.text for s in pool if s in chosen)


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(item.strip(" .") for item in _LIST_SPLIT.split(text) if item.strip(" ."))


def _bullets_after(pool: Sequence[_Sentence], heading: _Sentence) -> tuple[str, ...]:
    """The bullet lines right under a heading line ("Medications:\\n- a\\n- b")."""
    if heading.bullet or not heading.text.rstrip().endswith(":"):
        return ()
    start = pool.index(heading) + 1
    items: list[str] = []
    for sentence in pool[start:]:
        if not sentence.bullet:
            break
        items.append(sentence.text)
    return tuple(items)


# Built after _stem and fold exist: the concept groups' words as this module stems them.
_CONCEPT_STEMS: tuple[frozenset[str], ...] = tuple(
    frozenset(_stem(fold(word)) for word in group) for group in groups()
)
