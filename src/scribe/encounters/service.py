from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.db import new_id
from scribe.encounters.models import Encounter


def add_implicit(
    session: AsyncSession, *, tenant_id: str, assigned_user: str | None, patient_ref: str | None
) -> Encounter:
    """An encounter for dialects that have none of their own (one per transcription).

    Its id is set now, so children can point at it and everything is written in one flush.
    """
    encounter = Encounter(
        id=new_id(),
        tenant_id=tenant_id,
        status="completed",
        assigned_user=assigned_user,
        patient_ref=patient_ref,
    )
    session.add(encounter)
    return encounter
