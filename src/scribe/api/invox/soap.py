"""A SOAP summary for any served language by sorting the transcript's own sentences.

The engine's note writer reads English (its classifier, roles and third-person rewriting are
English), so for Spanish, Catalan and Portuguese the consultation summary is extractive: each
statement is copied verbatim into the SOAP section whose cue words it uses, and nothing is
rewritten or translated::

    sort_sentences(["Tengo tos.", "Tensión 120/80.", "Le receto amoxicilina."])
    # {"subjective": ["Tengo tos."], "objective": ["Tensión 120/80."], ..., "plan": [...]}

Pure and deterministic; it lives with the dialect because only Invox asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scribe.clinical.fields import fold

SECTIONS = ("subjective", "objective", "assessment", "plan")
# (title, description) per section and language, for SOAP_TEMPLATE output and summary labels.
_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "subjective": ("Subjective", "Reason for visit, symptoms and history as reported"),
        "objective": ("Objective", "Examination findings, vital signs and results"),
        "assessment": ("Assessment", "Diagnosis or clinical impression"),
        "plan": ("Plan", "Treatment, prescriptions, tests and follow-up"),
    },
    "es": {
        "subjective": ("Subjetivo", "Motivo de consulta, síntomas y antecedentes referidos"),
        "objective": ("Objetivo", "Exploración física, constantes y resultados"),
        "assessment": ("Evaluación", "Diagnóstico o impresión clínica"),
        "plan": ("Plan", "Tratamiento, prescripciones, pruebas y seguimiento"),
    },
    "ca": {
        "subjective": ("Subjectiu", "Motiu de consulta, símptomes i antecedents referits"),
        "objective": ("Objectiu", "Exploració física, constants i resultats"),
        "assessment": ("Avaluació", "Diagnòstic o impressió clínica"),
        "plan": ("Pla", "Tractament, prescripcions, proves i seguiment"),
    },
    "pt": {
        "subjective": ("Subjetivo", "Motivo da consulta, sintomas e antecedentes referidos"),
        "objective": ("Objetivo", "Exame físico, sinais vitais e resultados"),
        "assessment": ("Avaliação", "Diagnóstico ou impressão clínica"),
        "plan": ("Plano", "Tratamento, prescrições, exames e seguimento"),
    },
}
# Word beginnings (accents folded) that mark a sentence's section, in en, es, ca and pt.
_CUES: dict[str, tuple[str, ...]] = {
    "objective": tuple(
        "explor exam auscult palpa tension pressio pressao pressure temperat saturac"
        " frecuenc frequenc pulso peso weight analit radiograf x-ray ecograf crepit murmur"
        " soplo bufol sopro mmhg lpm bpm sinais constant vital analis hemogram".split()
    ),
    "assessment": tuple(
        "diagnos diagnost impres sospech compatible probable provavel creo crec acho"
        " parece sembla assessment likely consistent".split()
    ),
    "plan": tuple(
        "recet recept prescri receit tratamient tractament tratament pauta recomien"
        " recoman recomend recommend control revision revisio volver vuelva tornar torni"
        " voltar volte deriv cita follow return seguimient seguiment seguimento solicit"
        " demanar pedir suspend iniciar comenc start".split()
    ),
}
_GREETINGS = frozenset(
    "hola buenos buenas dias tardes noches gracias adios hasta luego bon dia bona tarda bones"
    " adeu merci moltes bom boa ola obrigado obrigada tchau hello hi good morning afternoon"
    " thanks thank you bye goodbye".split()
)
_WORD = re.compile(r"\w[\w-]*")


def labels(language: str) -> dict[str, tuple[str, str]]:
    """Section titles and descriptions in a language (``pt-BR`` uses ``pt``; else English)."""
    return _LABELS.get(language.split("-")[0].lower(), _LABELS["en"])


def sort_sentences(sentences: Sequence[str]) -> dict[str, list[str]]:
    """Place each statement in a SOAP section, verbatim and in order; drop questions, greetings."""
    sorted_: dict[str, list[str]] = {section: [] for section in SECTIONS}
    for sentence in sentences:
        if _worth_keeping(sentence):
            sorted_[_section_of(sentence)].append(sentence.strip())
    return sorted_


def _worth_keeping(sentence: str) -> bool:
    words = _WORD.findall(fold(sentence))
    # A question asserts nothing; its answer ("No, nunca he fumado.") is kept.
    return not sentence.rstrip().endswith("?") and any(w not in _GREETINGS for w in words)


def _section_of(sentence: str) -> str:
    words = _WORD.findall(fold(sentence))
    scores = {
        section: sum(1 for word in words if word.startswith(cues))
        for section, cues in _CUES.items()
    }
    best = max(scores, key=lambda section: scores[section])
    # What names no exam, impression or plan is the patient's account.
    return best if scores[best] > 0 else "subjective"


_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>\s]+(?:\s[^>]*)?>")


def plain_text(transcript: str) -> str:
    """A transcript as plain lines: WebVTT/SRT headers, cue numbers and timings removed.

    A VTT voice tag becomes a speaker label (``<v Doctor>Hola`` → ``Doctor: Hola``).
    """
    lines = []
    for line in transcript.splitlines():
        text = line.strip()
        if text == "WEBVTT" or text.startswith("WEBVTT ") or "-->" in text or text.isdigit():
            continue
        lines.append(_TAG.sub("", _VOICE.sub(r"\1: ", text)).strip())
    return "\n".join(lines)
