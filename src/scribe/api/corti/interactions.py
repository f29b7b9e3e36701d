"""Corti interactions: create, list, read, partially update and delete (with their children)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from scribe.api.corti import schemas_interactions as schemas
from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.dependencies import InteractionDep, valid_uuid
from scribe.api.corti.routing import route
from scribe.api.json_input import CheckedRoute
from scribe.auth.service import Principal
from scribe.dependencies import RuntimeDep, SessionDep, get_runtime, note_audit_ids
from scribe.encounters import service as encounter_service
from scribe.encounters.models import Encounter, PatientGender
from scribe.errors import BadRequestError, InvalidQueryError

router = APIRouter(route_class=CheckedRoute)

_SORT_COLUMNS: dict[str, encounter_service.SortKey] = {
    "id": "id",
    "assignedUserId": "assigned_user",
    "patient": "patient_ref",
    "createdAt": "created_at",
    "startedAt": "started_at",
    "endedAt": "ended_at",
    "updatedAt": "updated_at",
    "lastUpdated": "updated_at",
}
_PATIENT_COLUMNS = {
    "name": "patient_name",
    "gender": "patient_gender",
    "birthDate": "patient_birth_date",
    "pronouns": "patient_pronouns",
}
_WIRE_GENDERS: dict[PatientGender, schemas.Gender] = {
    PatientGender.MALE: "male",
    PatientGender.FEMALE: "female",
    PatientGender.OTHER: "other",
    PatientGender.UNKNOWN: "unknown",
}
_STATUSES = frozenset(get_args(schemas.EncounterStatus))
MAX_PAGE_SIZE = 1000
MAX_INDEX = 1_000_000


@route(router, "POST", "/interactions/", status_code=201, response_model=schemas.InteractionCreated)
async def create_interaction(
    body: schemas.InteractionCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.InteractionCreated:
    """Create an interaction (an encounter) and get the URL to stream its audio to."""
    fields = {
        **_encounter_fields(body.encounter.model_dump(exclude_unset=True)),
        **_patient_fields(body.patient),
        "assigned_user": _assigned_user(body.assignedUserId, principal),
    }
    encounter = await encounter_service.create(session, principal.tenant_id, fields)
    note_audit_ids(request, interaction_id=encounter.id)
    url = websocket_url(request, encounter.id, principal.tenant_name)
    return schemas.InteractionCreated(
        interactionId=encounter.id, websocketUrl=url, id=encounter.id, wssUrl=url
    )


async def list_query(
    sort: str = "createdAt",
    direction: str = "desc",
    page_size: Annotated[str, Query(alias="pageSize")] = "10",
    index: str = "1",
    statuses: Annotated[list[str] | None, Query(alias="encounterStatus")] = None,
    patient: str | None = None,
) -> encounter_service.ListQuery:
    """The list's query string; anything malformed is a 400 A0013 naming the parameter."""
    if sort not in _SORT_COLUMNS:
        raise _bad_query(f"sort must be one of {', '.join(_SORT_COLUMNS)}")
    if direction not in ("asc", "desc"):
        raise _bad_query("direction must be asc or desc")
    unknown = set(statuses or ()) - _STATUSES
    if unknown:
        raise _bad_query(f"encounterStatus must be one of {', '.join(sorted(_STATUSES))}")
    return encounter_service.ListQuery(
        sort=_SORT_COLUMNS[sort],
        descending=direction == "desc",
        page_size=_positive(page_size, "pageSize", MAX_PAGE_SIZE),
        page=_positive(index, "index", MAX_INDEX),
        statuses=tuple(statuses or ()),
        patient_ref=patient,
    )


@route(router, "GET", "/interactions/", response_model=schemas.InteractionList)
async def list_interactions(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    query: Annotated[encounter_service.ListQuery, Depends(list_query)],
) -> schemas.InteractionList:
    """List the tenant's interactions a page at a time (``index`` counts pages from 1)."""
    rows = await encounter_service.list_page(session, principal.tenant_id, query)
    return schemas.InteractionList(
        interactions=[interaction_view(e, request, principal) for e in rows]
    )


@route(router, "GET", "/interactions/{id}", response_model=schemas.Interaction)
async def get_interaction(
    interaction: InteractionDep, request: Request, principal: PrincipalDep
) -> schemas.Interaction:
    """Read an interaction."""
    return interaction_view(interaction, request, principal)


@route(router, "PATCH", "/interactions/{id}", response_model=schemas.Interaction)
async def update_interaction(
    body: schemas.InteractionPatch,
    interaction: InteractionDep,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.Interaction:
    """Change the given fields of an interaction; the others keep their values."""
    changes: dict[str, Any] = {}
    if body.encounter is not None:
        changes |= _encounter_fields(body.encounter.model_dump(exclude_unset=True))
    if body.patient is not None:
        changes |= _patient_fields(body.patient)
    if body.assignedUserId is not None:
        changes["assigned_user"] = _assigned_user(body.assignedUserId, principal)
    encounter = await encounter_service.update(session, interaction, changes)
    return interaction_view(encounter, request, principal)


@route(router, "DELETE", "/interactions/{id}", status_code=204, response_class=Response)
async def delete_interaction(
    interaction: InteractionDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Delete an interaction with its recordings, transcripts and documents."""
    await encounter_service.delete(session, runtime.blobs, interaction)
    return Response(status_code=204)


def websocket_url(request: Request, interaction_id: str, tenant_name: str) -> str:
    """The interaction's stream URL: ws:// behind http, wss:// behind https.

    From SCRIBE_PUBLIC_BASE_URL when set; else from the request (its Host header, client-chosen).
    """
    configured = get_runtime(request).settings.public_base_url
    base = configured or str(request.base_url).rstrip("/")
    scheme, _, rest = base.partition("://")
    ws_scheme = "wss" if scheme == "https" else "ws"
    query = f"tenant-name={quote(tenant_name, safe='')}"
    return f"{ws_scheme}://{rest}/audio-bridge/v2/interactions/{interaction_id}/streams?{query}"


def interaction_view(e: Encounter, request: Request, principal: Principal) -> schemas.Interaction:
    """An encounter as Corti's interaction; encounters made by other dialects get defaults."""
    started = e.started_at or e.created_at
    status = e.status if e.status in _STATUSES else "in-progress"
    return schemas.Interaction(
        id=e.id,
        assignedUserId=e.assigned_user or _default_user(e.tenant_id, None),
        encounter=schemas.EncounterOut(
            identifier=e.identifier or e.id,
            status=status,
            type=e.kind or "consultation",
            period=schemas.PeriodOut(startedAt=started, endedAt=e.ended_at),
            title=e.title,
        ),
        patient=schemas.PatientOut(
            identifier=e.patient_ref or "",
            name=e.patient_name,
            gender=_WIRE_GENDERS[e.patient_gender] if e.patient_gender else None,
            birthDate=schemas.iso(e.patient_birth_date) if e.patient_birth_date else None,
            pronouns=e.patient_pronouns,
        ),
        endedAt=e.ended_at,
        createdAt=e.created_at,
        updatedAt=e.updated_at,
        websocketUrl=websocket_url(request, e.id, principal.tenant_name),
        lastUpdated=e.updated_at,
    )


def _encounter_fields(encounter: dict[str, Any]) -> dict[str, Any]:
    """Encounter fields as columns; a null where a value is required leaves it unchanged."""
    fields: dict[str, Any] = {}
    for name, column in (("identifier", "identifier"), ("status", "status"), ("type", "kind")):
        if encounter.get(name) is not None:
            fields[column] = encounter[name]
    if "title" in encounter:
        fields["title"] = encounter["title"]
    period = encounter.get("period") or {}
    if period.get("startedAt") is not None:
        fields["started_at"] = period["startedAt"]
    if "endedAt" in period:
        fields["ended_at"] = period["endedAt"]
    return fields


def _patient_fields(patient: schemas.PatientIn | schemas.PatientPatch | None) -> dict[str, Any]:
    """The patient reference and details as columns; details not sent keep their values."""
    if patient is None:
        return {}
    given = patient.model_dump(exclude_unset=True)
    fields = {column: given[name] for name, column in _PATIENT_COLUMNS.items() if name in given}
    if given.get("identifier") is not None:
        fields["patient_ref"] = given["identifier"]
    if fields.get("patient_gender") is not None:
        fields["patient_gender"] = PatientGender(fields["patient_gender"])
    return fields


def _assigned_user(value: str | None, principal: Principal) -> str:
    if value is None:
        return _default_user(principal.tenant_id, principal.client_id)
    return valid_uuid(value, "assignedUserId")


def _default_user(tenant_id: str, client_id: str | None) -> str:
    # Corti fills assignedUserId with the caller's user id; ours is derived from the API client.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"scribe:{tenant_id}:{client_id or ''}"))


def _positive(value: str, name: str, maximum: int) -> int:
    if not value.isdigit() or not 0 < int(value) <= maximum:
        raise _bad_query(f"{name} must be a whole number from 1 to {maximum}")
    return int(value)


def _bad_query(message: str) -> BadRequestError:
    return InvalidQueryError(message)
