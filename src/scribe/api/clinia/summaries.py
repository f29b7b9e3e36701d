"""Clinia summaries: create one as a Server-Sent Events stream, read stored ones back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sse_starlette import EventSourceResponse

from scribe.api import evidence as api_evidence
from scribe.api.clinia import streaming
from scribe.api.clinia.auth import PrincipalDep
from scribe.api.clinia.errors import CliniaError
from scribe.api.clinia.schemas import SummaryCreate, SummaryList, SummaryOut, SummarySection
from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.dependencies import RuntimeDep, SessionDep, note_audit_ids
from scribe.summaries import service as summary_service
from scribe.summaries.models import Summary

router = APIRouter(route_class=CheckedRoute, tags=["Clinia summaries"])
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/event-stream": {}},
        "description": "Summary workflow event stream: text-start, text-delta, text-end per "
        "section, then summary-end (success with summaryId, or error)",
    },
    **documented(
        CliniaError,
        {
            400: "Missing patientId or summaryTemplateId, or invalid JSON",
            404: "Unknown summary template",
        },
    ),
}


@router.post("/ai/v1/summaries", response_class=EventSourceResponse, responses=_STREAM)
async def create_summary(
    body: SummaryCreate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> EventSourceResponse:
    """Create a clinical summary for a given patient, streamed section by section."""
    plan = await summary_service.plan_summary(
        session, principal, body.patientId, body.summaryTemplateId
    )
    note_audit_ids(request, patient_id=body.patientId, template_id=plan.template_id)
    return streaming.respond(runtime, plan)


def _view(summary: Summary) -> SummaryOut:
    return SummaryOut(
        id=summary.id,
        patientId=summary.patient_key,
        summaryTemplateId=summary.template_id,
        status="success",
        sections=[
            SummarySection(sectionIndex=s["index"], sectionTitle=s["title"], text=s["text"])
            for s in summary.sections
        ],
        createdAt=summary.created_at,
        evidence=api_evidence.of(summary_service.evidence_of(summary)),
    )


@router.get("/ai/v1/summaries", response_model=SummaryList)
async def list_summaries(
    session: SessionDep,
    principal: PrincipalDep,
    patientId: Annotated[str, Query(min_length=1, max_length=256)],
) -> SummaryList:
    """List a patient's stored summaries, newest first."""
    found = await summary_service.list_for_patient(session, principal.tenant_id, patientId)
    return SummaryList(data=[_view(s) for s in found])


@router.get(
    "/ai/v1/summaries/{summaryId}",
    response_model=SummaryOut,
    responses=documented(CliniaError, {404: "Unknown summary"}),
)
async def get_summary(summaryId: str, session: SessionDep, principal: PrincipalDep) -> SummaryOut:
    """Read a stored summary."""
    return _view(await summary_service.get(session, principal.tenant_id, summaryId))
