"""Corti templates: the standard ``corti-*`` templates and sections, and the tenant's own.

``org`` (any value) lists the caller's organisation's templates only: a tenant sees no other
organisation's. ``lang`` and ``status`` may repeat (the SDK sends ``lang=en&lang=da``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.routing import route
from scribe.api.corti.schemas_templates import (
    STATUS,
    Section,
    SectionList,
    Template,
    TemplateList,
    languages,
)
from scribe.api.json_input import CheckedRoute
from scribe.clinical import catalogue
from scribe.clinical.types import TemplateSpec
from scribe.dependencies import RuntimeDep, SessionDep
from scribe.errors import TemplateNotFoundError
from scribe.templates import service as template_service

FAMILY = "corti"
router = APIRouter(route_class=CheckedRoute)
Filter = Annotated[list[str] | None, Query()]
# A template and when the tenant last changed it (None for the standard ones).
Dated = tuple[TemplateSpec, datetime | None]


@route(router, "GET", "/templates/", response_model=TemplateList)
async def list_templates(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    lang: Filter = None,
    org: Filter = None,
    status: Filter = None,
    templateStatus: Filter = None,  # Corti 2025 name of status
) -> Response:
    """List templates available in a language (English by default); ETag and 304 supported."""
    wanted = languages(lang)
    statuses = [*(status or []), *(templateStatus or [])]

    async def render() -> TemplateList:
        if statuses and STATUS not in statuses:
            return TemplateList(data=[])
        own = await _own_templates(session, principal.tenant_id)
        standard: list[Dated] = [] if org else [(t, None) for t in catalogue.list_templates(FAMILY)]
        chosen = _supporting([*standard, *own], wanted)
        return TemplateList(
            data=[Template.of(spec.localized(wanted[0]), when) for spec, when in chosen]
        )

    return await runtime.template_lists.respond(request, session, principal.tenant_id, render)


@route(router, "GET", "/templates/{key}", response_model=Template)
async def get_template(
    session: SessionDep, principal: PrincipalDep, key: Annotated[str, Path()]
) -> Template:
    """Get a template by key (``corti-soap`` or its alias ``soap``)."""
    spec = await template_service.find(session, principal.tenant_id, key, family=FAMILY)
    if spec is None:
        raise TemplateNotFoundError("Template not found")
    return Template.of(spec)


@route(router, "GET", "/templateSections/", response_model=SectionList)
async def list_sections(
    session: SessionDep, principal: PrincipalDep, lang: Filter = None, org: Filter = None
) -> SectionList:
    """List the sections templates are made of (every standard section by default)."""
    wanted = languages(lang)
    own = _supporting(await _own_templates(session, principal.tenant_id), wanted)
    sections = {
        s.key: Section.of(s, spec.languages, updated)
        for spec, updated in own
        for s in spec.sections
    }
    return SectionList(data=[*([] if org else _standard_sections(wanted)), *sections.values()])


def _standard_sections(wanted: list[str]) -> list[Section]:
    family_languages = tuple(
        dict.fromkeys(lang for spec in catalogue.list_templates(FAMILY) for lang in spec.languages)
    )
    if not any(TemplateSpec("", "", (), languages=family_languages).supports(w) for w in wanted):
        return []
    return [Section.of(s, family_languages) for s in catalogue.section_catalogue(FAMILY, wanted[0])]


def _supporting(templates: list[Dated], wanted: list[str]) -> list[Dated]:
    return [(spec, updated) for spec, updated in templates if any(spec.supports(w) for w in wanted)]


async def _own_templates(session: SessionDep, tenant_id: str) -> list[Dated]:
    """The tenant's templates defined with sections (names only remembered cannot write)."""
    refs = await template_service.list_custom(session, tenant_id)
    return [(template_service.spec_of(ref), ref.updated_at) for ref in refs if ref.sections]
