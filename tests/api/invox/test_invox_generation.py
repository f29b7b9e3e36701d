"""Consultation summary (transcript → SOAP text or fields); clinical note (transcript → fields)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.invox.conftest import (
    CLINICAL_NOTE,
    CONSULTATION_SUMMARY,
    NOTE_FROM_SUMMARY,
    field,
    template,
)

KNEE = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()
SPANISH = """Médico: Buenos días, ¿qué le trae por aquí?
Paciente: Tengo tos desde hace una semana y fiebre de 38,5 grados.
Médico: ¿Fuma usted?
Paciente: No, nunca he fumado.
Paciente: Tomo ibuprofeno 400 mg cada 8 horas.
Médico: La tensión es 130/85 y tiene crepitantes en la base derecha.
Médico: Creo que es una bronquitis aguda.
Médico: Le receto amoxicilina 500 mg cada 8 horas durante 7 días y vuelva en una semana.
"""
CATALAN = """Metge: Què li passa?
Pacient: Tinc mal de cap i febre des de fa tres dies. I tinc tos.
Pacient: Prenc paracetamol 1 g cada 8 hores.
Metge: La pressió és 130/85. Crec que és una grip. Li recomano repòs i paracetamol.
"""
VTT = """WEBVTT

1
00:00:00.000 --> 00:00:04.000
<v Médico>¿Qué le pasa?</v>

2
00:00:04.000 --> 00:00:09.000
<v Paciente>Tengo dolor de garganta desde hace tres días.</v>

3
00:00:09.000 --> 00:00:14.000
<v Médico>Creo que es una faringitis. Le receto ibuprofeno 400 mg.</v>
"""


async def _summary(client: httpx.AsyncClient, transcript: str, **body: Any) -> Any:
    payload = {"transcript": transcript, **body}
    response = await client.post(CONSULTATION_SUMMARY, json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


class TestConsultationSummary:
    async def test_english_summary_is_soap_text(self, invox: httpx.AsyncClient) -> None:
        body = await _summary(invox, KNEE, outputFormat="SUMMARY", outputLanguage="en")
        assert set(body) == {"clinicalNote", "generationTime", "evidence"}
        assert isinstance(body["generationTime"], float)
        text = body["clinicalNote"]
        labels = [line.split(":")[0] for line in text.split("\n\n")]
        assert labels == ["Subjective", "Objective", "Assessment", "Plan"]
        assert "naproxen 500 mg" in text

    async def test_soap_template_is_four_named_fields(self, invox: httpx.AsyncClient) -> None:
        body = await _summary(invox, KNEE, outputFormat="SOAP_TEMPLATE", outputLanguage="en")
        fields = body["clinicalNote"]["fields"]
        assert [f["name"] for f in fields] == ["Subjective", "Objective", "Assessment", "Plan"]
        assert all(set(f) == {"name", "description", "value"} for f in fields)
        assert "128/82" in fields[1]["value"]

    @pytest.mark.parametrize(
        ("transcript", "language", "titles"),
        [
            (SPANISH, "es", ["Subjetivo", "Objetivo", "Evaluación", "Plan"]),
            (CATALAN, "ca", ["Subjectiu", "Objectiu", "Avaluació", "Pla"]),
        ],
    )
    async def test_other_languages_are_sorted_verbatim_never_rewritten(
        self, invox: httpx.AsyncClient, transcript: str, language: str, titles: list[str]
    ) -> None:
        body = await _summary(
            invox, transcript, outputFormat="SOAP_TEMPLATE", outputLanguage=language
        )
        fields = body["clinicalNote"]["fields"]
        assert [f["name"] for f in fields] == titles
        said = [s for f in fields for s in _sentences(f["value"])]
        assert said
        assert all(sentence in transcript for sentence in said), said
        assert not any(sentence.endswith("?") for sentence in said)
        assert "130/85" in fields[1]["value"]
        assert fields[2]["value"].startswith(("Creo", "Crec"))

    async def test_vtt_transcripts_lose_their_timings(self, invox: httpx.AsyncClient) -> None:
        body = await _summary(invox, VTT, outputLanguage="es")
        text = body["clinicalNote"]
        assert "-->" not in text
        assert "<v" not in text
        assert "Evaluación: Creo que es una faringitis." in text
        assert "Plan: Le receto ibuprofeno 400 mg." in text

    async def test_a_summary_feeds_note_from_summary(self, invox: httpx.AsyncClient) -> None:
        summary = (await _summary(invox, SPANISH, outputLanguage="es"))["clinicalNote"]
        fields = [field("d", "Evaluación"), field("fiebre", "Fiebre", "number")]
        payload = {"summary": summary, "template": template(*fields), "language": "es"}
        response = await invox.post(NOTE_FROM_SUMMARY, json=payload)
        assert response.status_code == 200, response.text
        values = [item["value"] for item in response.json()["clinicalNote"]]
        assert values == ["Creo que es una bronquitis aguda", 38.5]


class TestClinicalNote:
    async def test_fields_from_a_transcript(self, invox: httpx.AsyncClient) -> None:
        fields = [
            field("bp", "Blood pressure", description="Systolic blood pressure", type="number"),
            field("allergy", "Allergies", "array"),
            field("fever", "Fever", "boolean"),
            field("side", "Knee", "enum", enumerableOptions=["left", "right"]),
        ]
        payload = {"transcription": KNEE, "template": template(*fields)}
        response = await invox.post(CLINICAL_NOTE, json=payload)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["isSuccessRequest"] is True
        items = body["templateFields"]
        assert all(set(item) == {"id", "value", "name", "type"} for item in items)
        assert {item["id"]: item["value"] for item in items} == {
            "bp": 128,
            "allergy": ["penicillin"],
            "fever": False,
            "side": "right",
        }
