"""Map a free-form section title or key ("Medications", "Antecedentes", "corti-hpi") to the
sentence categories that should fill it: for tenant-defined sections and dynamic templates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scribe.clinical.catalogue._kinds import GROUPS
from scribe.clinical.types import Category

_Kinds = tuple[Category, ...]
# (pattern, own kinds, extra kinds): extras yield to a dedicated section of the same template.
_Rule = tuple[re.Pattern[str], _Kinds, _Kinds]


def _rule(pattern: str, own: _Kinds, also: _Kinds = ()) -> _Rule:
    return re.compile(pattern), own, also


# Every rule that matches contributes ("Assessment and plan" → assessment + plan). Titles are
# compared without accents, case or punctuation, in English, French, Spanish, German and Nordic.
_SPECIFIC: tuple[_Rule, ...] = (
    _rule(
        r"\bhpi\b|present(ing)? (illness|complaint)|history of (the )?(present|complaint)"
        r"|histoire de la (maladie|plainte)|enfermedad actual|aktuelle anamnese",
        ("hpi",),
        ("ros",),
    ),
    _rule(
        r"chief complaint|reason for (the )?(visit|consult\w*|admission|encounter)|motif"
        r"|motivo de (consulta|ingreso)|konsultationsgrund|kontaktarsag|sokorsak",
        ("chief_complaint",),
    ),
    _rule(
        r"review of systems|\bros\b|revue des systemes|revision por (aparatos|sistemas)", ("ros",)
    ),
    _rule(
        r"past medical|medical history|\bpmh\b|antecedents medicaux"
        r"|antecedentes (personales|medicos)|vorerkrankung|comorbid",
        ("past_history",),
    ),
    _rule(
        r"problem list|active problems|problemes actifs|problemas activos",
        ("assessment",),
        ("hpi", "past_history"),
    ),
    _rule(r"famil", ("family_history",)),
    _rule(r"social|sozial", ("social_history",), ("lifestyle",)),
    _rule(r"surg|chirurg|quirurg", ("surgical_history",)),
    _rule(r"obstet|gyn", ("obstetric_history",)),
    _rule(r"psychiatric history|mental health history|antecedents psy", ("psychiatric_history",)),
    _rule(r"immuni|vaccin|impf", ("immunizations",)),
    _rule(r"allerg|alerg", ("allergies",)),
    _rule(
        r"\bmedications?\b|\bmeds\b|medicaments?|medicamentos?|medicacion|medikament|lakemedel"
        r"|\bdrugs?\b|traitements? (en cours|actuels?|habituels?)|tratamiento (actual|habitual)",
        ("medications",),
    ),
    _rule(r"vital|constantes|signos vitales", ("vitals",)),
    _rule(
        r"\bexam|examen|exploracion|untersuchung|undersogelse|undersokning|physical",
        ("exam",),
        ("mental_status",),
    ),
    _rule(r"mental (health |status )?exam|mental status|etat mental", ("mental_status",)),
    _rule(r"\blabs?\b|laborator|biolog|analitica|blood work", ("labs", "results")),
    _rule(r"imag|radiolog|x ray|rontgen", ("imaging", "results")),
    _rule(r"result|findings|befunde|investigation", ("results",)),
    _rule(r"risk|risque|riesgo", ("risk_factors",)),
    _rule(r"\bdiet|nutrition|aliment|\bfood|eating|ernahrung", ("diet",)),
    _rule(r"lifestyle|mode de vie|estilo de vida|lebensstil|habit", ("lifestyle",)),
    _rule(
        r"well child|well baby|wellness|development|developpement|growth|croissance|enfant",
        ("wellness",),
    ),
    _rule(r"decision making|\bmdm\b|raisonnement", ("medical_decision",), ("assessment",)),
    _rule(
        r"assessment|impression|diagnos[ie]s\b|diagnostico|diagnostic(?! result)|evaluation"
        r"|evaluacion|juicio clinico|beurteilung|bedomning|vurdering|conclusion|\ba p\b",
        ("assessment",),
        ("medical_decision",),
    ),
    _rule(
        r"plan\b|\ba p\b|conduite a tenir|recommendations?|recommandations?|recomendaciones"
        r"|next steps|procedimiento a seguir",
        ("plan",),
        ("prescriptions", "follow_up", "intervention", "procedures"),
    ),
    _rule(r"prescri|ordonnance|receta|rezept|recept", ("prescriptions",)),
    _rule(
        r"follow|appointment|rendez|\bsuivi\b|seguimiento|\bcitas?\b|kontrolle|disposition",
        ("follow_up",),
    ),
    _rule(
        r"\bactions?\b|interventions?|intervencion|massnahmen|tiltag|atgarder", ("intervention",)
    ),
    _rule(r"procedur", ("procedures",)),
    _rule(r"behaviou?r|comportement|conducta", ("behavior",)),
    _rule(r"response|reponse|respuesta|course|evolution|evolucion", ("response",)),
    _rule(r"\bgoals?\b|objectifs|objetivos|\bobjectives\b|\bziele\b", ("goals",)),
)
# Broad sections take whatever the template has no dedicated section for.
_BROAD: tuple[_Rule, ...] = (
    _rule(r"subje(c)?ti", (), GROUPS["subjective"]),
    _rule(r"\bobje(c)?ti(ve|f|vo)\b|findings", (), GROUPS["objective"]),
    _rule(
        r"summary|overview|\bnotes?\b|\bdata\b|donnees|datos|resume|resumen|zusammenfassung"
        r"|discussion|details|situation|synthese",
        (),
        GROUPS["all"],
    ),
)
# Only when nothing more specific matched: "Antecedentes", "History", "Anamnese".
_GENERIC: tuple[_Rule, ...] = (
    _rule(r"histor|antecedent|anamnes", ("past_history",), GROUPS["history"]),
    _rule(r"background|contexte|contexto", ("past_history",), GROUPS["history"]),
)
_WITHOUT = re.compile(
    r"\b(without|w o|sans|sin|ohne|uden|utan)\s+(\w+)(\s+(and|et|y|und|og|och)\s+\w+)?"
)


def title_kinds(text: str) -> tuple[_Kinds, _Kinds]:
    """The categories a section title asks for: its own, and extras it takes when unclaimed."""
    normal = _normalise(text)
    matched = _matches(_SPECIFIC, normal) or _matches(_GENERIC, normal)
    broad = _matches(_BROAD, normal)
    own = _union(rule[1] for rule in matched)
    also = _union(rule[2] for rule in (*matched, *broad))
    return own, tuple(kind for kind in also if kind not in own)


def kinds_for_title(text: str) -> tuple[Category, ...]:
    """The engine categories a free-form section title or key maps to; () when none fits."""
    own, also = title_kinds(text)
    return (*own, *also)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).strip()
    return _WITHOUT.sub(" ", re.sub(r"^corti ", "", words))


def _matches(rules: tuple[_Rule, ...], text: str) -> list[_Rule]:
    return [rule for rule in rules if rule[0].search(text)]


def _union(groups: Iterable[_Kinds]) -> _Kinds:
    found: dict[Category, None] = {}
    for group in groups:
        found.update(dict.fromkeys(group))
    return tuple(found)
