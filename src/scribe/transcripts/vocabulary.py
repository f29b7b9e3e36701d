"""The words one recording's recognition is biased towards, kept short (see ``clinical.hotwords``).

In order, until the limit: the terms the request names, the tenant's own, the drug and condition
names of the encounter's context (the patient's record when the encounter names a known patient,
and the encounter's earlier transcripts) when ``ASRSettings.encounter_vocabulary`` is on, then
the most prescribed drugs when ``ASRSettings.frequent_drugs`` is on. Hotwords go before every
30 s window Whisper decodes, so a long list costs time on every window.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.clinical import vocabulary
from scribe.encounters.models import Encounter
from scribe.patients import service as patient_service
from scribe.recordings.models import Recording
from scribe.transcripts.models import Transcript, TranscriptStatus


async def terms_for(
    session: AsyncSession,
    recording: Recording,
    requested: Sequence[str] = (),
    *,
    encounter: bool = False,
    frequent: bool = False,
) -> tuple[str, ...]:
    """The hotwords for transcribing ``recording``: request, tenant, encounter context."""
    tenant_terms = await auth_service.vocabulary_of(session, recording.tenant_id)
    context = await encounter_context(session, recording) if encounter else []
    chosen = vocabulary.hotwords([*requested, *tenant_terms], context, frequent=frequent)
    return tuple(chosen)


async def encounter_context(session: AsyncSession, recording: Recording) -> list[str]:
    """Texts about the recording's encounter: its patient's record, its earlier transcripts."""
    texts: list[str] = []
    patient_ref = await session.scalar(
        select(Encounter.patient_ref).where(
            Encounter.id == recording.encounter_id, Encounter.tenant_id == recording.tenant_id
        )
    )
    if patient_ref:
        record = await patient_service.record_of(session, recording.tenant_id, patient_ref)
        texts += [item.text for item in record or ()]
    earlier = await session.scalars(
        select(Transcript.text).where(
            Transcript.tenant_id == recording.tenant_id,
            Transcript.encounter_id == recording.encounter_id,
            Transcript.status == TranscriptStatus.COMPLETED,
            Transcript.text != "",
        )
    )
    texts += [text for text in earlier if text]
    return texts
