"""Input the databases cannot store is a 400 in Clinia's shape, and changes nothing stored.

Issue 14: a NUL in a patientId (body, form or query) was a 500 on PostgreSQL; a bundle with a
5,000-digit integer or 100,000 levels of nesting, or a multipart boundary over 256 characters,
was a 500 on both databases. Every case runs on both.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from scribe.auth.models import Tenant
from scribe.auth.service import IssuedKey
from scribe.patients.models import IngestionRun, Patient, RecordItem
from scribe.runtime import Runtime
from tests.api.bad_input import BAD_JSON, PLACE, UNSTORABLE_TEXT, send_json, with_value
from tests.api.clinia.conftest import Clinia, assert_error, bundle_of

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female"}
CONDITION = {
    "resourceType": "Condition",
    "id": "c1",
    "subject": {"reference": "Patient/p1"},
    "code": {"text": "Hypertension"},
}


class Stored:
    """A patient ingested before the bad requests, and the tenant's rows as they were then."""

    def __init__(self, clinia: Clinia, runtime: Runtime, key: IssuedKey) -> None:
        self.clinia, self.runtime, self.key = clinia, runtime, key
        self.snapshot: list[Any] = []

    async def rows(self) -> list[Any]:
        async with self.runtime.sessionmaker() as session:
            tenant = await session.scalar(
                select(Tenant.id).where(Tenant.name == self.key.tenant_name)
            )
            patients = await session.execute(
                select(Patient.id, Patient.patient_key, Patient.bundle_run_id).where(
                    Patient.tenant_id == tenant
                )
            )
            runs = await session.execute(
                select(IngestionRun.id, IngestionRun.status).where(IngestionRun.tenant_id == tenant)
            )
            items = await session.execute(
                select(RecordItem.patient_id, RecordItem.position, RecordItem.text)
                .join(Patient)
                .where(Patient.tenant_id == tenant)
            )
            return [sorted(patients.all()), sorted(runs.all()), sorted(items.all())]

    async def assert_unchanged(self) -> None:
        assert await self.rows() == self.snapshot


@pytest.fixture
async def stored(clinia: Clinia, runtime: Runtime, tenant_key: IssuedKey) -> Stored:
    await clinia.ingested("p-1", bundle_of(PATIENT, CONDITION))
    made = Stored(clinia, runtime, tenant_key)
    made.snapshot = await made.rows()
    assert made.snapshot[2], made.snapshot
    return made


class TestIngest:
    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    async def test_a_bad_value_in_the_bundle(self, stored: Stored, value: str) -> None:
        condition = {**CONDITION, "note": [{"text": PLACE}]}
        body = {"patientId": "p-1", "bundle": bundle_of(PATIENT, condition)}
        response = await send_json(
            stored.clinia.client, "POST", "/ai/v1/ingest", with_value(body, value)
        )
        assert "not valid JSON" in assert_error(response, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_a_bad_patient_id(self, stored: Stored, value: str) -> None:
        body = {"patientId": PLACE, "bundle": bundle_of(PATIENT, CONDITION)}
        response = await send_json(
            stored.clinia.client, "POST", "/ai/v1/ingest", with_value(body, value)
        )
        assert_error(response, 400)
        await stored.assert_unchanged()

    async def test_a_nul_in_the_form_patient_id(self, stored: Stored) -> None:
        response = await stored.clinia.client.post(
            "/ai/v1/ingest",
            content=form("x" * 16, "p\x00-1"),
            headers={"Content-Type": "multipart/form-data; boundary=" + "x" * 16},
        )
        assert "NUL" in assert_error(response, 400)
        await stored.assert_unchanged()

    async def test_a_boundary_over_256_characters(self, stored: Stored) -> None:
        boundary = "b" * 257
        response = await stored.clinia.client.post(
            "/ai/v1/ingest",
            content=form(boundary, "p-1"),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert "boundary" in assert_error(response, 400)
        await stored.assert_unchanged()


class TestSummaries:
    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("field", ["patientId", "summaryTemplateId"])
    async def test_a_bad_id_in_the_body(self, stored: Stored, field: str, value: str) -> None:
        body = {"patientId": "p-1", "summaryTemplateId": "clinia-hpi-medications", field: PLACE}
        response = await send_json(
            stored.clinia.client, "POST", "/ai/v1/summaries", with_value(body, value)
        )
        assert field in assert_error(response, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize(
        "url",
        [
            "/ai/v1/summaries?patientId=%00",
            "/ai/v1/summaries?patientId=p-1%00",
            "/ai/v1/summaries/%00",
            "/ai/v1/ingest/%00/status",
            "/ai/v1/summary-templates/%00",
        ],
    )
    async def test_a_nul_in_the_url(self, stored: Stored, url: str) -> None:
        assert "NUL" in assert_error(await stored.clinia.client.get(url), 400)
        await stored.assert_unchanged()


def form(boundary: str, patient_id: str) -> bytes:
    """patientId, then a PDF file part."""
    parts = [
        f'Content-Disposition: form-data; name="patientId"\r\n\r\n{patient_id}',
        'Content-Disposition: form-data; name="file"; filename="r.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4",
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return body.encode()
