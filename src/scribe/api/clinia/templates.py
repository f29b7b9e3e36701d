"""Clinia summary templates: the engine's built-ins and the tenant's own, at both paths."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from scribe.api.clinia.auth import PrincipalDep
from scribe.api.clinia.errors import CliniaError
from scribe.api.clinia.schemas import SummaryTemplate, TemplateList, TemplateSection
from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.clinical.types import TemplateSpec
from scribe.dependencies import RuntimeDep, SessionDep
from scribe.errors import SummaryTemplateNotFoundError
from scribe.summaries.service import FAMILY
from scribe.templates import service as template_service

router = APIRouter(route_class=CheckedRoute, tags=["Clinia summary templates"])
_NOT_FOUND = documented(CliniaError, {404: "Unknown template"})


def _view(spec: TemplateSpec) -> SummaryTemplate:
    return SummaryTemplate(
        id=spec.key,
        name=spec.name,
        description=spec.description,
        sections=[
            TemplateSection(title=s.title, index=i, instructions=s.instructions or None)
            for i, s in enumerate(spec.sections)
        ],
    )


@router.get("/summary-templates", response_model=TemplateList)
@router.get("/ai/v1/summary-templates", response_model=TemplateList)
async def list_templates(
    request: Request, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep
) -> Response:
    """List summary templates; each id is a valid summaryTemplateId (ETag and 304 supported)."""

    async def render() -> TemplateList:
        specs = await template_service.list_templates(session, principal.tenant_id, family=FAMILY)
        return TemplateList(data=[_view(spec) for spec in specs])

    return await runtime.template_lists.respond(request, session, principal.tenant_id, render)


@router.get("/summary-templates/{id}", response_model=SummaryTemplate, responses=_NOT_FOUND)
@router.get("/ai/v1/summary-templates/{id}", response_model=SummaryTemplate, responses=_NOT_FOUND)
async def get_template(id: str, session: SessionDep, principal: PrincipalDep) -> SummaryTemplate:
    """Read one summary template with its sections."""
    spec = await template_service.find(session, principal.tenant_id, id, family=FAMILY)
    if spec is None:
        raise SummaryTemplateNotFoundError("Summary template not found")
    return _view(spec)
