"""Invox Medical AI services (seed 004) under /api/v1: token, consultation summary, notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from scribe.api import evidence as api_evidence
from scribe.api.errors import documented
from scribe.api.invox import auth, schemas, service, validation, versions
from scribe.api.invox.errors import InvoxError
from scribe.api.json_input import CheckedRoute
from scribe.dependencies import RuntimeDep, SessionDep

_ERRORS = documented(
    InvoxError,
    {
        400: "Bad request",
        401: "Missing or invalid credentials",
        403: "The credential is not allowed to consume this service",
    },
)
# Bodies are read as plain JSON and checked in Invox's order (see validation.py).
JsonBody = Annotated[Any, Body()]
# Checked after the credentials: an anonymous caller learns nothing but 401.
VersionDep = Annotated[str, Depends(versions.api_version)]
router = APIRouter(route_class=CheckedRoute, prefix="/api/v1", tags=["Invox Medical AI services"])


@router.post("/auth/token", response_model=schemas.TokenOut, responses={401: _ERRORS[401]})
async def token(request: Request, session: SessionDep, _version: VersionDep) -> schemas.TokenOut:
    """Trade `Authorization: Basic base64(appId:apiKey)` for a 2-hour access token."""
    access = await auth.issue_token(request, session)
    return schemas.TokenOut(accessToken=access, expiresIn=auth.TOKEN_SECONDS)


@router.post(
    "/generate-clinical-note-from-summary",
    response_model=schemas.NoteFromSummaryOut,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
async def note_from_summary(
    runtime: RuntimeDep,
    principal: auth.PrincipalDep,
    _version: VersionDep,
    payload: JsonBody = None,
) -> schemas.NoteFromSummaryOut:
    """Fill a template's typed fields from a consultation summary."""
    job = validation.note_from_summary(payload)
    fields, evidence, seconds = await service.fill_template(runtime.text, job)
    return schemas.NoteFromSummaryOut(
        clinicalNote=fields, generationTime=seconds, evidence=api_evidence.of(evidence)
    )


@router.post(
    "/generate-clinical-note",
    response_model=schemas.ClinicalNoteOut,
    responses=_ERRORS,
)
async def clinical_note(
    runtime: RuntimeDep,
    principal: auth.PrincipalDep,
    _version: VersionDep,
    payload: JsonBody = None,
) -> schemas.ClinicalNoteOut:
    """Fill a template's typed fields from a consultation transcription."""
    job = validation.clinical_note(payload)
    cap = runtime.settings.limits.note_transcript_words
    fields, evidence, _ = await service.fill_template(runtime.text, job, max_words=cap)
    template_fields = [
        schemas.TemplateFieldOut(id=f.id, value=f.value, name=f.name, type=f.type) for f in fields
    ]
    return schemas.ClinicalNoteOut(
        isSuccessRequest=True, templateFields=template_fields, evidence=api_evidence.of(evidence)
    )


@router.post(
    "/generate-consultation-summary",
    response_model=schemas.ConsultationSummaryOut,
    responses=_ERRORS,
)
async def consultation_summary(
    runtime: RuntimeDep,
    principal: auth.PrincipalDep,
    _version: VersionDep,
    payload: JsonBody = None,
) -> schemas.ConsultationSummaryOut:
    """Summarise a consultation transcript as text or as SOAP fields."""
    job = validation.consultation_summary(payload)
    cap = runtime.settings.limits.note_transcript_words
    note, evidence, seconds = await service.consultation_summary(runtime.text, job, max_words=cap)
    return schemas.ConsultationSummaryOut(
        clinicalNote=note, generationTime=seconds, evidence=api_evidence.of(evidence)
    )
