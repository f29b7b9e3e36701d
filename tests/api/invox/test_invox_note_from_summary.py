"""Note from summary (seed 004): every field filled with its declared type, in input order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.invox.conftest import NOTE_FROM_SUMMARY, SUMMARY, field, template

SEVERITY = ["mild", "moderate", "severe"]
ALL_TYPES = [
    field("398DC0DF-AA43", "Diagnosis", description="Diagnosis", value=""),
    field("f-temp", "Temperature", "number", "Body temperature in C", value=0),
    field("f-meds", "Medications", "array", "Current medication", value=[]),
    field("f-smoke", "Smoker", "boolean", "Does the patient smoke?", value=False),
    field("f-sev", "Severity", "enum", enumerableOptions=SEVERITY, value=""),
]


async def _note(
    client: httpx.AsyncClient, summary: str, *fields: dict[str, Any], **body: Any
) -> Any:
    payload = {"summary": summary, "template": template(*fields), **body}
    response = await client.post(NOTE_FROM_SUMMARY, json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def _values(note: dict[str, Any]) -> dict[str, Any]:
    return {item["id"]: item["value"] for item in note["clinicalNote"]}


class TestShape:
    async def test_fields_come_back_in_input_order_with_ids_and_generation_time(
        self, invox: httpx.AsyncClient
    ) -> None:
        note = await _note(invox, SUMMARY, *reversed(ALL_TYPES))
        assert set(note) == {"clinicalNote", "generationTime", "evidence"}
        assert isinstance(note["generationTime"], float)
        assert note["generationTime"] >= 0
        items = note["clinicalNote"]
        assert [item["id"] for item in items] == [f["id"] for f in reversed(ALL_TYPES)]
        for item, sent in zip(items, reversed(ALL_TYPES), strict=True):
            assert {k: item[k] for k in ("name", "description", "type")} == {
                k: sent[k] for k in ("name", "description", "type")
            }

    async def test_enumerable_options_are_echoed_only_when_sent(
        self, invox: httpx.AsyncClient
    ) -> None:
        items = (await _note(invox, SUMMARY, *ALL_TYPES))["clinicalNote"]
        assert [("enumerableOptions" in item) for item in items] == [False] * 4 + [True]
        assert items[4]["enumerableOptions"] == SEVERITY

    async def test_extra_field_keys_of_later_versions_are_accepted(
        self, invox: httpx.AsyncClient
    ) -> None:
        extra = field("f1", "Diagnosis", context="Respiratory clinic", history=[])
        assert _values(await _note(invox, SUMMARY, extra)) == {"f1": "acute bronchitis"}


class TestEachType:
    async def test_values_have_their_declared_types(self, invox: httpx.AsyncClient) -> None:
        values = _values(await _note(invox, SUMMARY, *ALL_TYPES))
        assert values == {
            "398DC0DF-AA43": "acute bronchitis",
            "f-temp": 38.2,
            "f-meds": ["ibuprofen 400 mg every 8 hours", "paracetamol 1 g if fever"],
            "f-smoke": False,
            "f-sev": "moderate",
        }

    async def test_whole_numbers_are_json_integers_and_booleans_stay_booleans(
        self, invox: httpx.AsyncClient
    ) -> None:
        fields = [field("hr", "Heart rate", "number"), field("cough", "Cough", "boolean")]
        values = _values(await _note(invox, SUMMARY, *fields))
        assert values == {"hr": 96, "cough": True}
        assert type(values["hr"]) is int
        assert type(values["cough"]) is bool

    async def test_yes_no_enum_follows_the_statement(self, invox: httpx.AsyncClient) -> None:
        smoker = field("s", "Smoker", "enum", enumerableOptions=["Yes", "No"])
        assert _values(await _note(invox, SUMMARY, smoker)) == {"s": "No"}


class TestUnsaid:
    EMPTY = "The visit went well."

    async def test_empty_value_per_type(self, invox: httpx.AsyncClient) -> None:
        fields = [
            field("s", "Diagnosis"),
            field("n", "Weight", "number"),
            field("a", "Allergies", "array"),
            field("b", "Smoker", "boolean"),
            field("e", "Laterality", "enum", enumerableOptions=["left", "right"]),
        ]
        values = _values(await _note(invox, self.EMPTY, *fields))
        assert values == {"s": "", "n": None, "a": [], "b": None, "e": ""}

    async def test_the_templates_own_value_is_kept_when_it_fits_the_type(
        self, invox: httpx.AsyncClient
    ) -> None:
        fields = [
            field("s", "Exam", value="Normal"),
            field("n", "Weight", "number", value=70),
            field("b", "Smoker", "boolean", value=False),
            field("e", "Side", "enum", enumerableOptions=["left", "right"], value="left"),
            field("a", "Allergies", "array", value=["none known"]),
            # Values that do not fit their type are not echoed.
            field("x", "Height", "number", value="tall"),
            field("y", "Grade", "enum", enumerableOptions=["I", "II"], value="III"),
        ]
        values = _values(await _note(invox, self.EMPTY, *fields))
        assert values == {
            "s": "Normal",
            "n": 70,
            "b": False,
            "e": "left",
            "a": ["none known"],
            "x": None,
            "y": "",
        }


SPANISH = """Motivo de consulta: tos desde hace una semana.
Tensión arterial 150/90 mmHg, frecuencia cardiaca 102 lpm. Temperatura de 37,8 grados.
Niega tabaquismo. Se descarta neumonía.
Diagnóstico: bronquitis aguda.
Tratamiento: ibuprofeno 400 mg cada 8 horas y paracetamol si fiebre.
Gravedad: leve.
"""
CATALAN = """Motiu de consulta: mal de cap i febre des de fa tres dies.
Temperatura de 38,2 graus. No fuma.
Al·lèrgies: penicil·lina i pol·len.
Diagnòstic: grip.
"""
PORTUGUESE = """Motivo da consulta: tosse há uma semana.
Peso: 72 kg. Nega tabagismo.
Diagnóstico: bronquite aguda.
Gravidade ligeira.
"""


class TestLanguages:
    async def test_spanish(self, invox: httpx.AsyncClient) -> None:
        fields = [
            field("m", "Motivo de consulta"),
            field("fc", "Frecuencia cardiaca", "number"),
            field("t", "Temperatura", "number"),
            field("tab", "Tabaquismo", "boolean"),
            field("neu", "Neumonía", "boolean"),
            field("tr", "Tratamiento", "array"),
            field("g", "Gravedad", "enum", enumerableOptions=["leve", "moderada", "grave"]),
        ]
        note = await _note(invox, SPANISH, *fields, language="es")
        assert _values(note) == {
            "m": "tos desde hace una semana",
            "fc": 102,
            "t": 37.8,
            "tab": False,
            "neu": False,
            "tr": ["ibuprofeno 400 mg cada 8 horas", "paracetamol si fiebre"],
            "g": "leve",
        }

    async def test_catalan_keeps_its_spelling(self, invox: httpx.AsyncClient) -> None:
        fields = [
            field("d", "Diagnòstic"),
            field("t", "Temperatura", "number"),
            field("f", "Fumador", "boolean"),
            field("a", "Al·lèrgies", "array"),
        ]
        note = await _note(invox, CATALAN, *fields, language="ca")
        assert _values(note) == {
            "d": "grip",
            "t": 38.2,
            "f": False,
            "a": ["penicil·lina", "pol·len"],
        }

    @pytest.mark.parametrize("language", ["pt-PT", "pt-BR"])
    async def test_portuguese(self, invox: httpx.AsyncClient, language: str) -> None:
        fields = [
            field("p", "Peso", "number"),
            field("tab", "Tabagismo", "boolean"),
            field("d", "Diagnóstico"),
            field("g", "Gravidade", "enum", enumerableOptions=["ligeira", "moderada", "grave"]),
        ]
        note = await _note(invox, PORTUGUESE, *fields, language=language)
        assert _values(note) == {"p": 72, "tab": False, "d": "bronquite aguda", "g": "ligeira"}

    async def test_language_defaults_to_the_templates_when_valid(
        self, invox: httpx.AsyncClient
    ) -> None:
        # No language and an unknown template language: Spanish, Invox's default; no error.
        payload = {"summary": SPANISH, "template": template(language="gl")}
        response = await invox.post(NOTE_FROM_SUMMARY, json=payload)
        assert response.status_code == 200, response.text
