"""The evidence of Clinia summaries: the patient record items behind each sentence."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from scribe.clinical import catalogue
from scribe.clinical.grounding import source_segments
from scribe.patients.models import Patient, RecordItem
from scribe.runtime import Runtime
from tests.api.clinia.conftest import Clinia, load_bundle, payloads
from tests.api.evidence_checks import check_evidence

TEMPLATES = [spec.key for spec in catalogue.list_templates("clinia")]


async def record_items(runtime: Runtime, patient_key: str) -> dict[str, dict[str, Any]]:
    """The patient's stored record items as evidence quotes them (by FHIR reference)."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(RecordItem)
            .join(Patient, Patient.id == RecordItem.patient_id)
            .where(Patient.patient_key == patient_key)
        )
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            # A document is quoted by sentence, each id its reference and "#s<n>".
            parts = source_segments(row.text) if row.kind == "document" else []
            named = [(f"{row.source}#{u.id}", u.text) for u in parts] or [(row.source, row.text)]
            for item_id, text in named:
                found[item_id] = {"text": text, "speaker": "record", "start_ms": None}
        return found


async def summary(clinia: Clinia, patient_key: str, template: str) -> dict[str, Any]:
    end = payloads(await clinia.summarize(patient_key, template))[-1]["payload"]
    assert end["status"] == "success", end
    response = await clinia.client.get(f"/ai/v1/summaries/{end['summaryId']}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def texts(body: dict[str, Any]) -> dict[str, str]:
    return {str(s["sectionIndex"]): s["text"] for s in body["sections"]}


class TestSummaries:
    @pytest.mark.parametrize("bundle", ["bundle_each_type.json", "bundle_50.json"])
    async def test_every_template_quotes_the_record(
        self, clinia: Clinia, runtime: Runtime, bundle: str
    ) -> None:
        await clinia.ingested(pid := f"patient-{uuid.uuid4().hex[:8]}", load_bundle(bundle))
        items = await record_items(runtime, pid)
        total = supported = 0
        for template in TEMPLATES:
            body = await summary(clinia, pid, template)
            assert set(body["evidence"]) == set(texts(body))
            check_evidence(body["evidence"], texts(body), items, minimum=0.0)
            sentences = [s for found in body["evidence"].values() for s in found]
            total += len(sentences)
            supported += sum(bool(s["segments"]) for s in sentences)
        assert supported / total >= 0.9, f"{supported}/{total}"

    async def test_a_medication_sentence_quotes_its_statement(
        self, clinia: Clinia, runtime: Runtime
    ) -> None:
        await clinia.ingested(pid := f"patient-{uuid.uuid4().hex[:8]}")
        body = await summary(clinia, pid, "clinia-hpi-medications")
        medications = next(s for s in body["sections"] if "edicat" in s["sectionTitle"])
        evidence = body["evidence"][str(medications["sectionIndex"])]
        assert evidence
        for sentence in evidence:
            assert sentence["segments"], sentence
            assert all(s["id"].startswith("Medication") for s in sentence["segments"])

    async def test_listed_summaries_carry_it_too(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := f"patient-{uuid.uuid4().hex[:8]}")
        body = await summary(clinia, pid, "clinia-hpi-medications")
        listed = (await clinia.client.get("/ai/v1/summaries", params={"patientId": pid})).json()
        assert listed["data"] == [body]
