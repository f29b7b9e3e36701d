"""The hotwords chosen for one recording: the request's, the tenant's, the encounter's context."""

from __future__ import annotations

import uuid

from scribe.auth import service as auth_service
from scribe.encounters import service as encounter_service
from scribe.patients.models import Patient, RecordItem
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts import vocabulary
from scribe.transcripts.models import Transcript


async def _recording(
    runtime: Runtime, *, terms: list[str], patient_ref: str | None, record: bool = True
) -> Recording:
    """A tenant with terms, and a recording row of an encounter with (maybe) a patient record."""
    async with runtime.sessionmaker() as session:
        tenant = await auth_service.set_vocabulary(session, f"t-{uuid.uuid4().hex[:10]}", terms)
        encounter = encounter_service.add_implicit(
            session, tenant_id=tenant.id, assigned_user=None, patient_ref=patient_ref
        )
        session.add(encounter)
        await session.flush()
        if patient_ref and record:
            patient = Patient(tenant_id=tenant.id, patient_key=patient_ref)
            session.add(patient)
            await session.flush()
            text = "Lisinopril 10 mg daily for essential hypertension"
            item = RecordItem(
                patient_id=patient.id, position=0, kind="medication", text=text, source="m/1"
            )
            session.add(item)
        recording = Recording(
            tenant_id=tenant.id,
            encounter_id=encounter.id,
            blob_key=f"{tenant.id}/r.wav",
            content_type="audio/wav",
            size_bytes=1,
            sha256="0" * 64,
            channels=1,
            duration_ms=1_000,
        )
        session.add(recording)
        await session.commit()
        return recording


async def _terms(runtime: Runtime, recording: Recording, **flags: bool) -> tuple[str, ...]:
    async with runtime.sessionmaker() as session:
        return await vocabulary.terms_for(session, recording, ("Ozempic",), **flags)


class TestTermsFor:
    async def test_request_and_tenant_terms_by_default(self, runtime: Runtime) -> None:
        recording = await _recording(runtime, terms=["Jardiance"], patient_ref="p-1")
        assert await _terms(runtime, recording) == ("Ozempic", "Jardiance")

    async def test_the_patients_record_and_earlier_transcripts(self, runtime: Runtime) -> None:
        recording = await _recording(runtime, terms=[], patient_ref="p-2")
        async with runtime.sessionmaker() as session:
            earlier = Transcript(
                tenant_id=recording.tenant_id,
                encounter_id=recording.encounter_id,
                status="completed",
                text="She stopped the metformin.",
            )
            session.add(earlier)
            await session.commit()
        terms = await _terms(runtime, recording, encounter=True)
        assert terms == ("Ozempic", "lisinopril", "essential hypertension", "metformin")

    async def test_no_other_tenants_record(self, runtime: Runtime) -> None:
        key = f"p-{uuid.uuid4().hex[:8]}"
        await _recording(runtime, terms=[], patient_ref=key)
        mine = await _recording(runtime, terms=[], patient_ref=key, record=False)
        assert await _terms(runtime, mine, encounter=True) == ("Ozempic",)

    async def test_frequent_drugs_fill_a_short_list(self, runtime: Runtime) -> None:
        recording = await _recording(runtime, terms=[], patient_ref=None)
        terms = await _terms(runtime, recording, encounter=True, frequent=True)
        assert terms[:2] == ("Ozempic", "atorvastatin")
        assert len(terms) == 24
