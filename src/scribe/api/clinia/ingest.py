"""Clinia ingestion: a FHIR bundle (JSON) or a PDF/TIFF (multipart) into a patient's record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from scribe.api import json_input
from scribe.api.clinia.auth import PrincipalDep
from scribe.api.clinia.errors import CliniaError
from scribe.api.clinia.schemas import BundleIngest, IngestStarted, IngestStatus
from scribe.api.errors import describe_validation, documented
from scribe.api.json_input import CheckedRoute
from scribe.api.multipart import StreamingForm, boundary_of
from scribe.api.types import column_length
from scribe.auth.service import Principal
from scribe.dependencies import RuntimeDep, SessionDep, note_audit_ids, release_connection
from scribe.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError
from scribe.patients import documents
from scribe.patients import service as patient_service
from scribe.patients.models import SUCCESS, IngestionRun, Patient
from scribe.runtime import Runtime

# Text fields are short (an id); this bounds what the form may hold besides the file.
FORM_FIELD_BYTES = 64 * 1024
PATIENT_ID_CHARS = column_length(Patient.patient_key)

router = APIRouter(route_class=CheckedRoute, tags=["Clinia ingestion"])
_FILE = {"type": "string", "format": "binary"}
_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BundleIngest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["patientId", "file"],
                    "properties": {"patientId": {"type": "string"}, "file": _FILE},
                }
            },
        },
    }
}
_ERRORS = documented(
    CliniaError,
    {
        400: "Invalid bundle or form",
        413: "File over the size limit",
        415: "Neither JSON nor a PDF/TIFF form",
    },
)


@router.post(
    "/ai/v1/ingest",
    status_code=202,
    response_model=IngestStarted,
    responses=_ERRORS,
    openapi_extra=_INGEST_BODY,
)
async def ingest(
    request: Request, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep
) -> IngestStarted:
    """Start ingesting a FHIR bundle (replaces the patient's last) or a PDF/TIFF (adds to it)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        run = await _ingest_document(request, session, runtime, principal)
    elif media_type in ("application/json", ""):
        run = await _ingest_bundle(request, session, runtime, principal)
    else:
        raise UnsupportedMediaTypeError("Send JSON {patientId, bundle} or a multipart form")
    note_audit_ids(request, run_id=run.id, patient_id=run.patient_id)
    return IngestStarted(runId=run.id)


async def _ingest_bundle(
    request: Request, session: SessionDep, runtime: Runtime, principal: Principal
) -> IngestionRun:
    try:
        body = BundleIngest.model_validate(json_input.loads(await request.body()))
    except json_input.InvalidJSONError as exc:
        raise BadRequestError(f"Request body is not valid JSON: {exc.msg}") from None
    except ValidationError as exc:
        raise BadRequestError(describe_validation(exc.errors())) from None
    bundle = await patient_service.validate_bundle(body.bundle)
    return await patient_service.ingest_bundle(
        session, runtime.blobs, principal, body.patientId, bundle
    )


async def _ingest_document(
    request: Request, session: SessionDep, runtime: Runtime, principal: Principal
) -> IngestionRun:
    await release_connection(session)  # the document may take minutes to arrive
    form = StreamingForm(
        request.stream(),
        boundary_of(request.headers["content-type"]),
        field_bytes=FORM_FIELD_BYTES,
        too_large=PayloadTooLargeError,
    )
    await form.find_file("The multipart body has no file part (field 'file')")
    content_type = (form.content_type or "").split(";")[0].strip().lower()
    if content_type not in (documents.PDF, documents.TIFF):
        raise UnsupportedMediaTypeError("The file must be application/pdf or image/tiff")
    patient_key = _patient_key(form.fields, required=False)
    stored = await patient_service.store_document(
        runtime.blobs,
        principal.tenant_id,
        form.chunks(),
        content_type,
        filename=form.filename,
        max_bytes=runtime.settings.clinia.document_bytes,
    )
    try:
        await form.rest()
        patient_key = patient_key or _patient_key(form.fields, required=True)
    except Exception:
        await runtime.blobs.delete(stored.blob.key)
        raise
    return await patient_service.ingest_document(session, principal, patient_key, stored)


def _patient_key(fields: dict[str, str], *, required: bool) -> str:
    value = fields.get("patientId", "").strip()
    if not value and (required or "patientId" in fields):
        raise BadRequestError("patientId is required")
    if len(value) > PATIENT_ID_CHARS:
        raise BadRequestError(f"patientId: at most {PATIENT_ID_CHARS} characters")
    return value


@router.get(
    "/ai/v1/ingest/{runId}/status",
    response_model=IngestStatus,
    response_model_exclude_none=True,
    responses=documented(CliniaError, {404: "Unknown run"}),
)
async def ingest_status(runId: str, session: SessionDep, principal: PrincipalDep) -> IngestStatus:
    """Read an ingestion run: running, then success (with its result) or failed (with why)."""
    run = await patient_service.get_run(session, principal.tenant_id, runId)
    return IngestStatus(
        runId=run.id,
        status=run.status,
        currentStep=run.current_step,
        result=_result(run),
        error=run.error,
    )


def _result(run: IngestionRun) -> dict[str, Any] | None:
    """A successful run's outcome, in Clinia's words."""
    if run.status != SUCCESS:
        return None
    if run.kind == patient_service.BUNDLE:
        return {
            "pageCount": run.page_count,
            "resourceCount": run.resource_count,
            "itemCount": run.item_count,
            "ignoredResourceCount": run.ignored_resource_count,
            "superseded": run.superseded,
        }
    result: dict[str, Any] = {"pageCount": run.page_count, "textExtracted": run.text_extracted}
    if run.notice is not None:
        result["message"] = run.notice
    return result
