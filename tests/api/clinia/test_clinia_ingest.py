"""POST /ai/v1/ingest (FHIR bundle JSON, PDF/TIFF multipart) and its status route."""

from __future__ import annotations

import asyncio
import copy
import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from scribe.auth.models import AuditRecord
from scribe.auth.service import IssuedKey
from tests.api.clinia.conftest import (
    DATA,
    Clinia,
    assert_error,
    bundle_of,
    clinia_client,
    load_bundle,
    payloads,
)

PDF = (DATA / "discharge_letter.pdf").read_bytes()
TIFF = (DATA / "scan_two_pages.tiff").read_bytes()


def patient() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}"


def condition(name: str) -> dict[str, object]:
    return {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p"},
        "code": {"text": name},
    }


class TestBundle:
    async def test_a_bundle_with_each_resource_type_becomes_the_record(
        self, clinia: Clinia
    ) -> None:
        run_id = await clinia.ingest_bundle(pid := patient(), load_bundle())
        assert run_id.startswith("run_")
        assert len(run_id) == 30
        status = await clinia.wait_run(run_id)
        assert status["status"] == "success", status
        assert status["result"]["resourceCount"] == 13
        assert status["result"]["itemCount"] == 11  # Patient and Medication only name things
        text = " ".join(
            p["payload"].get("text", "")
            for p in payloads(await clinia.summarize(pid, "clinia-longitudinal-summary"))
        )
        for fact in (
            "Lisinopril 10 mg",
            "once daily",
            "Metformin 500 mg",
            "twice daily",
            "Type 2 diabetes mellitus (active)",
            "Penicillin",
            "Hives",
            "128/82 mmHg",
            "7.4 %",
        ):
            assert fact in text, fact

    async def test_a_new_bundle_replaces_the_previous_one(self, clinia: Clinia) -> None:
        pid = patient()
        await clinia.ingested(pid, bundle_of(condition("Gout")))
        await clinia.ingested(pid, bundle_of(condition("Asthma")))
        events = payloads(await clinia.summarize(pid, "clinia-soap-note"))
        text = " ".join(e["payload"].get("text", "") for e in events)
        assert "Asthma" in text
        assert "Gout" not in text

    async def test_two_first_bundles_at_once_make_one_patient(self, clinia: Clinia) -> None:
        # Both requests find no patient and create it; the loser of the race joins the winner.
        patient = f"p-{uuid.uuid4().hex[:8]}"
        runs = await asyncio.gather(*(clinia.ingest_bundle(patient, load_bundle()) for _ in "ab"))
        for run in runs:
            assert (await clinia.wait_run(run))["status"] == "success"
        summary = await clinia.summarize(patient)
        assert payloads(summary)[-1]["type"] == "summary-end"

    async def test_a_malformed_resource_is_a_400_naming_its_path(self, clinia: Clinia) -> None:
        bundle = copy.deepcopy(load_bundle())
        bundle["entry"][4]["resource"]["onsetDateTime"] = "SECRET-not-a-date"
        response = await clinia.client.post(
            "/ai/v1/ingest", json={"patientId": patient(), "bundle": bundle}
        )
        message = assert_error(response, 400)
        assert "bundle.entry[4].resource.onsetDateTime" in message
        assert "SECRET" not in response.text

    async def test_unknown_resource_types_and_non_bundles_are_400s(self, clinia: Clinia) -> None:
        cases = {
            "bundle.entry[0].resource.resourceType": bundle_of({"resourceType": "Spaceship"}),
            "bundle.resourceType": {"resourceType": "Patient"},
            "bundle.entry must be a list": {"resourceType": "Bundle", "entry": {"a": 1}},
        }
        for expected, bundle in cases.items():
            response = await clinia.client.post(
                "/ai/v1/ingest", json={"patientId": patient(), "bundle": bundle}
            )
            assert expected in assert_error(response, 400)

    async def test_bad_bodies_are_400s(self, clinia: Clinia) -> None:
        bad: list[dict[str, Any]] = [
            {
                "content": b'{"patientId": "p", "bundle": ',
                "headers": {"Content-Type": "application/json"},
            },
            {"json": {"bundle": load_bundle()}},
            {"json": {"patientId": "  ", "bundle": load_bundle()}},
            {"json": {"patientId": "p", "bundle": "not an object"}},
        ]
        for kwargs in bad:
            assert_error(await clinia.client.post("/ai/v1/ingest", **kwargs), 400)

    async def test_anonymous_requests_are_401_even_with_a_bad_body(self, app: FastAPI) -> None:
        async with clinia_client(app, None) as anonymous:
            assert_error(await anonymous.post("/ai/v1/ingest", json={}), 401)
            assert_error(await anonymous.get("/ai/v1/ingest/run_x/status"), 401)
        async with clinia_client(app, "sk_wrong") as wrong:
            assert_error(await wrong.get("/summary-templates"), 401)

    async def test_bearer_keys_work_too(self, app: FastAPI, tenant_key: IssuedKey) -> None:
        headers = {"Authorization": f"Bearer {tenant_key.api_key}"}
        async with clinia_client(app, None, **headers) as bearer:
            response = await bearer.post(
                "/ai/v1/ingest", json={"patientId": patient(), "bundle": load_bundle()}
            )
        assert response.status_code == 202, response.text


class TestDocuments:
    async def test_a_pdf_is_read_and_its_text_summarized(self, clinia: Clinia) -> None:
        pid = patient()
        response = await clinia.ingest_file(pid, PDF, "application/pdf")
        assert response.status_code == 202, response.text
        status = await clinia.wait_run(response.json()["runId"])
        assert status["status"] == "success", status
        assert status["result"] == {"pageCount": 1, "textExtracted": True}
        events = payloads(await clinia.summarize(pid, "clinia-hpi-medications"))
        text = " ".join(e["payload"].get("text", "") for e in events)
        assert "community acquired pneumonia" in text

    async def test_documents_add_to_the_bundle(self, clinia: Clinia) -> None:
        pid = patient()
        await clinia.ingested(pid, bundle_of(condition("Gout")))
        response = await clinia.ingest_file(pid, PDF, "application/pdf")
        assert (await clinia.wait_run(response.json()["runId"]))["status"] == "success"
        events = payloads(await clinia.summarize(pid, "clinia-hpi-medications"))
        text = " ".join(e["payload"].get("text", "") for e in events)
        assert "Gout" in text
        assert "pneumonia" in text

    async def test_a_tiff_is_stored_and_counted_without_text(self, clinia: Clinia) -> None:
        response = await clinia.ingest_file(patient(), TIFF, "image/tiff", "scan.tiff")
        assert response.status_code == 202, response.text
        status = await clinia.wait_run(response.json()["runId"])
        assert status["status"] == "success", status
        assert status["result"]["pageCount"] == 2
        assert status["result"]["textExtracted"] is False
        assert "OCR" in status["result"]["message"]

    async def test_patient_id_may_follow_the_file(self, clinia: Clinia) -> None:
        boundary = "b0undary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + PDF
            + (
                f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n'
                f"{patient()}\r\n--{boundary}--\r\n"
            ).encode()
        )
        response = await clinia.client.post(
            "/ai/v1/ingest",
            content=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 202, response.text

    async def test_bad_uploads_are_clear_4xx(self, clinia: Clinia) -> None:
        assert_error(await clinia.ingest_file(patient(), b"hello", "text/plain", "a.txt"), 415)
        assert_error(await clinia.ingest_file(patient(), b"GIF89a....", "application/pdf"), 400)
        assert_error(await clinia.ingest_file("", PDF, "application/pdf"), 400)
        no_file = await clinia.client.post("/ai/v1/ingest", files={"patientId": (None, "p")})
        assert_error(no_file, 400)
        other = await clinia.client.post(
            "/ai/v1/ingest", content=b"x", headers={"Content-Type": "text/csv"}
        )
        assert_error(other, 415)

    async def test_files_over_the_limit_are_413(self, clinia: Clinia) -> None:
        big = PDF[:8] + b"\0" * (20 * 1024 * 1024)
        assert_error(await clinia.ingest_file(patient(), big, "application/pdf"), 413)

    async def test_an_unreadable_pdf_fails_the_run_with_the_reason(self, clinia: Clinia) -> None:
        response = await clinia.ingest_file(patient(), b"%PDF-1.4\ngarbage", "application/pdf")
        status = await clinia.wait_run(response.json()["runId"])
        assert status["status"] == "failed"
        assert status["error"] == "The PDF could not be read"


class TestRuns:
    async def test_unknown_and_foreign_runs_are_404(
        self, clinia: Clinia, other_clinia: Clinia
    ) -> None:
        run_id = await clinia.ingest_bundle(patient(), load_bundle())
        assert_error(await other_clinia.client.get(f"/ai/v1/ingest/{run_id}/status"), 404)
        assert_error(await clinia.client.get("/ai/v1/ingest/run_unknown/status"), 404)

    async def test_status_reports_running_then_success(self, clinia: Clinia) -> None:
        run_id = await clinia.ingest_bundle(patient(), load_bundle())
        first = (await clinia.client.get(f"/ai/v1/ingest/{run_id}/status")).json()
        assert first["runId"] == run_id
        assert first["status"] in ("running", "success")
        final = await clinia.wait_run(run_id)
        assert final["currentStep"] == "completed"
        assert "error" not in final


async def test_x_user_id_is_the_audited_actor(app: FastAPI, tenant_key: IssuedKey) -> None:
    async with clinia_client(app, tenant_key.api_key, **{"x-user-id": "nurse-7"}) as client:
        response = await client.post(
            "/ai/v1/ingest", json={"patientId": patient(), "bundle": load_bundle()}
        )
    assert response.status_code == 202
    async with app.state.runtime.sessionmaker() as session:
        actors = await session.scalars(
            select(AuditRecord.actor).where(AuditRecord.action == "POST /ai/v1/ingest")
        )
        assert "nurse-7" in set(actors)
