"""Transcripts the note engine does not write from, shared by the dialects' tests."""

from __future__ import annotations

from scribe.providers.llm.extractive import DEFAULT_MAX_WORDS

SPANISH = (
    "Doctor: Buenos días, ¿qué le trae por aquí hoy? "
    "Paciente: Tengo dolor de espalda desde hace dos semanas, sobre todo por la mañana cuando "
    "me levanto de la cama. Doctor: ¿Ha tomado algún medicamento para el dolor? "
    "Paciente: Sí, ibuprofeno cada ocho horas, pero no me ayuda mucho. Doctor: Vamos a pedir "
    "una radiografía de la columna y empezar fisioterapia dos veces por semana."
)
# Over the default cap, in lines of a plausible visit (the engine would take seconds on it).
_LINE = "Doctor: The knee pain started two weeks ago and it is worse when she climbs stairs."
LONG_LINES = [_LINE] * (DEFAULT_MAX_WORDS // len(_LINE.split()) * 2)
LONG = "\n".join(LONG_LINES)
