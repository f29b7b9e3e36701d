"""Lookups every Corti route shares: ids checked as UUIDs (A0008), then found in the tenant."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from scribe.api.corti.auth import PrincipalDep
from scribe.dependencies import SessionDep
from scribe.encounters import service as encounter_service
from scribe.encounters.models import Encounter
from scribe.errors import InvalidIdError


def valid_uuid(value: str, what: str) -> str:
    """The id in canonical form, or a 400 (A0008) naming which id was malformed."""
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise InvalidIdError(f"{what} is not a valid UUID") from exc


async def interaction(
    session: SessionDep,
    principal: PrincipalDep,
    interaction_id: Annotated[str, Path(alias="id")],
) -> Encounter:
    """The interaction named in the path, of the caller's tenant (A0007 otherwise)."""
    encounter_id = valid_uuid(interaction_id, "Interaction id")
    return await encounter_service.get(session, principal.tenant_id, encounter_id)


InteractionDep = Annotated[Encounter, Depends(interaction)]
