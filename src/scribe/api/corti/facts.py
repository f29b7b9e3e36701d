"""Corti facts: what an interaction established, extracted from its transcripts or added.

Facts of a completed transcript (source ``core``) appear on the first read after it completes;
clients add facts (source ``user`` unless they say otherwise), edit them, and discard them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.dependencies import InteractionDep, valid_uuid
from scribe.api.corti.routing import route
from scribe.api.corti.schemas_facts import (
    Fact,
    FactGroup,
    FactGroupList,
    FactGroupTranslation,
    FactList,
    FactsBatchUpdate,
    FactsCreate,
    FactUpdate,
)
from scribe.api.json_input import CheckedRoute
from scribe.clinical.facts import FACT_GROUPS
from scribe.dependencies import SessionDep
from scribe.facts import service as fact_service

router = APIRouter(route_class=CheckedRoute)


@route(router, "GET", "/factgroups/", response_model=FactGroupList)
async def list_fact_groups(principal: PrincipalDep) -> FactGroupList:
    """List the groups facts are filed under."""
    return FactGroupList(
        data=[
            FactGroup(
                id=fact_service.group_id(group.key),
                key=group.key,
                translations=[FactGroupTranslation(languages_id="en", name=group.name)],
            )
            for group in FACT_GROUPS
        ]
    )


@route(router, "GET", "/interactions/{id}/facts/", response_model=FactList)
async def list_facts(session: SessionDep, interaction: InteractionDep) -> FactList:
    """List the interaction's facts, extracting those of newly completed transcripts."""
    rows = await fact_service.list_facts(session, interaction.tenant_id, interaction.id)
    return FactList.of(rows)


@route(router, "POST", "/interactions/{id}/facts/", status_code=201, response_model=FactList)
async def add_facts(
    body: FactsCreate, session: SessionDep, interaction: InteractionDep
) -> FactList:
    """Add one or more facts to the interaction."""
    new = [fact.new() for fact in body.facts]
    rows = await fact_service.add(session, interaction.tenant_id, interaction.id, new)
    return FactList.of(rows)


@route(router, "PATCH", "/interactions/{id}/facts/", response_model=FactList)
async def update_facts(
    body: FactsBatchUpdate, session: SessionDep, interaction: InteractionDep
) -> FactList:
    """Update several facts at once (all or none)."""
    changes = [(valid_uuid(f.factId, "Fact id"), f.changes()) for f in body.facts]
    rows = await fact_service.update_many(session, interaction.tenant_id, interaction.id, changes)
    return FactList.of(rows)


@route(router, "PATCH", "/interactions/{id}/facts/{factId}", response_model=Fact)
async def update_fact(
    body: FactUpdate,
    session: SessionDep,
    interaction: InteractionDep,
    fact_id: Annotated[str, Path(alias="factId")],
) -> Fact:
    """Change a fact's text or group, or discard it."""
    fact_id = valid_uuid(fact_id, "Fact id")
    row = await fact_service.update(
        session, interaction.tenant_id, interaction.id, fact_id, body.changes()
    )
    return Fact.of(row)
