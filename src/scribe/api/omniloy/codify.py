"""Omniloy Codify API: POST /v1/codify (ICD-10-CM coding of a note and/or a PDF)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.api.omniloy import schemas
from scribe.api.omniloy.errors import OmniloyError
from scribe.auth.service import Principal
from scribe.clinical.coding import CodeAssessment
from scribe.coding import service as coding_service
from scribe.coding.service import decode_pdf
from scribe.dependencies import RuntimeDep, bearer_principal, note_audit_ids
from scribe.errors import BadRequestError


class PdfFile(BaseModel):
    type: Literal["file"]
    source_type: Literal["base64"]
    data: str = Field(min_length=1)
    mime_type: Literal["application/pdf"]
    filename: str | None = None


class CodifyRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    medical_note: str | None = None
    pdf_file: PdfFile | None = None
    model: coding_service.CodifyModel = "balanced"


class CodeAssessmentOut(BaseModel):
    code: str
    description: str
    justification: str
    confidence_percent: float


class CodifyResponse(BaseModel):
    final_code_assessments: list[CodeAssessmentOut]
    discarded_code_assessments: list[CodeAssessmentOut]
    run_id: str


async def codify_principal(
    request: Request,
    principal: Annotated[Principal, Depends(bearer_principal)],
    x_doctor: schemas.DoctorHeader = None,
    x_patient: schemas.PatientHeader = None,
) -> Principal:
    """Bearer auth; x-doctor and x-patient are optional on Codify (vendors.md §0.3)."""
    doctor = (x_doctor or "").strip() or principal.actor
    actor = dataclasses.replace(principal, actor=doctor, patient_ref=x_patient)
    request.state.principal = actor
    return actor


CodifyPrincipalDep = Annotated[Principal, Depends(codify_principal)]
router = APIRouter(
    route_class=CheckedRoute,
    prefix="/v1",
    tags=["Omniloy Codify"],
    responses=documented(
        OmniloyError,
        {
            400: "Missing medical_note and pdf_file, or invalid data",
            401: "Invalid or expired token",
            413: "medical_note over 50 KB or PDF over 5 MB",
        },
    ),
)


@router.post("/codify", response_model=CodifyResponse)
async def codify(
    body: CodifyRequest, request: Request, runtime: RuntimeDep, principal: CodifyPrincipalDep
) -> CodifyResponse:
    """Assign ICD-10-CM codes to a clinical note and/or a PDF, with quoted justifications."""
    limits = runtime.settings.limits
    if not (body.medical_note and body.medical_note.strip()) and body.pdf_file is None:
        raise BadRequestError("medical_note or pdf_file is required")
    if body.medical_note:
        coding_service.check_note(body.medical_note, limits.codify_note_bytes)
    pdf = decode_pdf(body.pdf_file.data, limits.codify_pdf_bytes) if body.pdf_file else None
    outcome = await coding_service.codify(body.medical_note, pdf, body.model, runtime.text)
    note_audit_ids(request, run_id=outcome.run_id)
    return CodifyResponse(
        final_code_assessments=[_out(item) for item in outcome.final],
        discarded_code_assessments=[_out(item) for item in outcome.discarded],
        run_id=outcome.run_id,
    )


def _out(item: CodeAssessment) -> CodeAssessmentOut:
    return CodeAssessmentOut(**dataclasses.asdict(item))
