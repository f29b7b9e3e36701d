"""The evidence of Invox answers: the source sentences behind each field value or SOAP section."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from scribe.api.invox import soap
from scribe.clinical.grounding import source_segments
from scribe.clinical.transcript import parse_transcript
from tests.api.evidence_checks import check_evidence
from tests.api.invox import test_invox_generation as generation
from tests.api.invox import test_invox_note_from_summary as from_summary
from tests.api.invox.conftest import (
    CLINICAL_NOTE,
    CONSULTATION_SUMMARY,
    NOTE_FROM_SUMMARY,
    SUMMARY,
    field,
    template,
)


def sentences_of(source: str) -> dict[str, dict[str, Any]]:
    """The source's sentences as field evidence quotes them (``s<n>``, no times)."""
    return {
        u.id: {"text": u.text, "speaker": u.speaker, "start_ms": None, "end_ms": None}
        for u in source_segments(source)
    }


def shown(value: Any) -> str:
    """A field value as its evidence spells it: items one per line, JSON for the rest."""
    if isinstance(value, list):
        return "\n".join(value)
    return value if isinstance(value, str) else json.dumps(value)


def values_of(items: list[dict[str, Any]]) -> dict[str, str]:
    return {item["id"]: shown(item["value"]) for item in items}


async def post(client: httpx.AsyncClient, path: str, **payload: Any) -> dict[str, Any]:
    response = await client.post(path, json=payload)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestNoteFromSummary:
    async def test_each_value_quotes_the_summary(self, invox: httpx.AsyncClient) -> None:
        body = await post(
            invox, NOTE_FROM_SUMMARY, summary=SUMMARY, template=template(*from_summary.ALL_TYPES)
        )
        evidence = body["evidence"]
        check_evidence(evidence, values_of(body["clinicalNote"]), sentences_of(SUMMARY))
        assert list(evidence) == [f["id"] for f in from_summary.ALL_TYPES]
        quoted = [s["text"] for s in evidence["f-temp"][0]["segments"]]
        assert any("38.2" in text for text in quoted)

    @pytest.mark.parametrize(
        ("source", "fields", "language"),
        [
            (
                from_summary.SPANISH,
                [
                    field("m", "Motivo de consulta"),
                    field("fc", "Frecuencia cardiaca", "number"),
                    field("t", "Temperatura", "number"),
                    field("tab", "Tabaquismo", "boolean"),
                    field("tr", "Tratamiento", "array"),
                    field("g", "Gravedad", "enum", enumerableOptions=["leve", "grave"]),
                ],
                "es",
            ),
            (
                from_summary.CATALAN,
                [
                    field("d", "Diagnòstic"),
                    field("t", "Temperatura", "number"),
                    field("a", "Al·lèrgies", "array"),
                ],
                "ca",
            ),
        ],
    )
    async def test_in_other_languages(
        self, invox: httpx.AsyncClient, source: str, fields: list[Any], language: str
    ) -> None:
        body = await post(
            invox, NOTE_FROM_SUMMARY, summary=source, template=template(*fields), language=language
        )
        check_evidence(body["evidence"], values_of(body["clinicalNote"]), sentences_of(source))

    async def test_values_the_source_does_not_give_have_none(
        self, invox: httpx.AsyncClient
    ) -> None:
        fields = [field("s", "Exam", value="Normal"), field("n", "Weight", "number")]
        body = await post(
            invox, NOTE_FROM_SUMMARY, summary="Nothing to say.", template=template(*fields)
        )
        assert body["evidence"] == {"s": [], "n": []}


class TestClinicalNote:
    async def test_each_value_quotes_the_transcription(self, invox: httpx.AsyncClient) -> None:
        fields = [
            field("bp", "Blood pressure", description="Systolic blood pressure", type="number"),
            field("allergy", "Allergies", "array"),
            field("side", "Knee", "enum", enumerableOptions=["left", "right"]),
        ]
        body = await post(
            invox, CLINICAL_NOTE, transcription=generation.KNEE, template=template(*fields)
        )
        segments = sentences_of(generation.KNEE)
        check_evidence(body["evidence"], values_of(body["templateFields"]), segments)
        speakers = {
            s["speaker"] for e in body["evidence"].values() for x in e for s in x["segments"]
        }
        assert speakers <= {"doctor", "patient"}


class TestConsultationSummary:
    @pytest.mark.parametrize(
        ("transcript", "language"),
        [(generation.KNEE, "en"), (generation.SPANISH, "es"), (generation.VTT, "es")],
    )
    @pytest.mark.parametrize("output", ["SUMMARY", "SOAP_TEMPLATE"])
    async def test_each_sentence_quotes_the_transcript(
        self, invox: httpx.AsyncClient, transcript: str, language: str, output: str
    ) -> None:
        body = await post(
            invox,
            CONSULTATION_SUMMARY,
            transcript=transcript,
            outputFormat=output,
            outputLanguage=language,
        )
        utterances = parse_transcript(soap.plain_text(transcript))
        segments = {u.id: {"text": u.text, "speaker": u.speaker} for u in utterances}
        note = body["clinicalNote"]
        if output == "SOAP_TEMPLATE":
            texts = dict(zip(soap.SECTIONS, (f["value"] for f in note["fields"]), strict=True))
        else:
            texts = dict.fromkeys(soap.SECTIONS, note)
        check_evidence(body["evidence"], texts, segments)
