from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.encounters.models import Encounter


async def create_implicit(
    session: AsyncSession, *, tenant_id: str, assigned_user: str | None, patient_ref: str | None
) -> Encounter:
    """An encounter for dialects that have none of their own (one per transcription)."""
    encounter = Encounter(
        tenant_id=tenant_id,
        status="completed",
        assigned_user=assigned_user,
        patient_ref=patient_ref,
    )
    session.add(encounter)
    await session.flush()
    return encounter
