"""POST /v1/codify: ICD-10-CM codes for a note and/or a PDF, in Omniloy's shapes."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
PDF = (DATA / "clinia" / "discharge_letter.pdf").read_bytes()
NOTE = (
    "ASSESSMENT AND PLAN\n\n"
    "1. Right knee MCL strain.\nPrescribed ibuprofen.\n\n"
    "2. Hypertension.\nContinue lisinopril 20 mg daily.\n\n"
    "He denies chest pain."
)
Client = Callable[..., Awaitable[httpx.AsyncClient]]


def pdf_file(raw: bytes = PDF, **overrides: str) -> dict[str, str]:
    body = {
        "type": "file",
        "source_type": "base64",
        "data": base64.b64encode(raw).decode(),
        "mime_type": "application/pdf",
        "filename": "letter.pdf",
    }
    return {**body, **overrides}


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


class TestCodify:
    async def test_a_note_is_coded_with_official_descriptions(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/v1/codify", json={"medical_note": NOTE, "model": "fast"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"final_code_assessments", "discarded_code_assessments", "run_id"}
        uuid.UUID(body["run_id"])
        final = {item["code"]: item for item in body["final_code_assessments"]}
        assert set(final) == {"S83.411A", "I10"}
        assert final["I10"]["description"] == "Essential (primary) hypertension"
        assert final["I10"]["justification"] == "Hypertension."
        assert all(item["justification"] in NOTE for item in final.values())
        assert 0 < final["I10"]["confidence_percent"] <= 100

    async def test_a_negated_finding_is_discarded(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/codify", json={"medical_note": NOTE})
        discarded = response.json()["discarded_code_assessments"]
        assert "R07.89" in codes(discarded)
        assert "R07.89" not in codes(response.json()["final_code_assessments"])

    async def test_a_pdf_is_read_and_coded(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/codify", json={"pdf_file": pdf_file()})
        assert response.status_code == 200, response.text
        assert codes(response.json()["final_code_assessments"]) == ["J18.9"]

    async def test_x_doctor_is_optional(self, make_client: Client) -> None:
        client = await make_client()
        response = await client.post("/v1/codify", json={"medical_note": "Asthma."})
        assert response.status_code == 200, response.text
        assert codes(response.json()["final_code_assessments"]) == ["J45.909"]


class TestCodifyRefuses:
    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"medical_note": "   "},
            {"medical_note": "Asthma.", "model": "turbo"},
            {"medical_note": 12},
            {"pdf_file": pdf_file(data="not base64!!")},
            {"pdf_file": pdf_file(raw=b"plain text, not a pdf")},
            {"pdf_file": pdf_file(mime_type="image/png")},
            {"pdf_file": pdf_file(type="url")},
            {"pdf_file": pdf_file(raw=b"%PDF-1.4 broken")},
        ],
    )
    async def test_bad_input_is_a_400(
        self, client: httpx.AsyncClient, api: Any, body: dict[str, Any]
    ) -> None:
        api.assert_error(await client.post("/v1/codify", json=body), 400)

    async def test_a_note_over_50_kb_is_a_413(self, client: httpx.AsyncClient, api: Any) -> None:
        note = "Hypertension. " * 4000
        message = api.assert_error(
            await client.post("/v1/codify", json={"medical_note": note}), 413
        )
        assert "medical_note" in message

    async def test_no_credentials_is_a_401(self, make_client: Client, api: Any) -> None:
        client = await make_client(api_key=None)
        api.assert_error(await client.post("/v1/codify", json={"medical_note": "Asthma."}), 401)

    async def test_a_pdf_of_several_megabytes_reaches_the_coder(
        self, client: httpx.AsyncClient
    ) -> None:
        # Its base64 body is well over the 2 MB JSON cap other routes have.
        padded = PDF + b"\n%" + b"x" * (3 * 1024 * 1024) + b"\n"
        response = await client.post("/v1/codify", json={"pdf_file": pdf_file(raw=padded)})
        assert response.status_code == 200, response.text
        assert codes(response.json()["final_code_assessments"]) == ["J18.9"]

    async def test_a_pdf_over_5_mb_is_a_413(self, client: httpx.AsyncClient, api: Any) -> None:
        big = PDF + b"\n%" + b"x" * (5 * 1024 * 1024) + b"\n"
        message = api.assert_error(
            await client.post("/v1/codify", json={"pdf_file": pdf_file(raw=big)}), 413
        )
        assert "pdf_file" in message
