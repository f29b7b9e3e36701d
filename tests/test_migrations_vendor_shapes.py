"""Migration 0014: vendors' shapes in core rows move to typed core columns, and back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from scribe.auth.models import Tenant
from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.encounters.models import Encounter, PatientGender
from scribe.patients.models import SUCCESS, IngestionRun, Patient
from scribe.transcripts.models import (
    Participant,
    ParticipantRole,
    Transcript,
    TranscriptSegment,
)
from tests.test_migrations import fresh_settings, sync_url

__all__ = ["fresh_settings"]  # the fixture, on both engines

BIRTH = datetime(1980, 5, 17, tzinfo=UTC)
CORTI_PATIENT = {"name": "Jane", "gender": "female", "birthDate": "1980-05-17T00:00:00.000Z"}
CORTI_SECTION = {"participants": [{"channel": 0, "role": "multiple"}], "diarize": True}
BUNDLE_RESULT = {
    "pageCount": 0,
    "resourceCount": 13,
    "itemCount": 11,
    "ignoredResourceCount": 2,
    "superseded": False,
}
TIFF_RESULT = {"pageCount": 2, "textExtracted": False, "message": "No OCR"}


def _raw(settings: Settings, query: str, row_id: str) -> Any:
    engine = create_engine(sync_url(settings))
    try:
        with engine.connect() as connection:
            raw = connection.execute(text(query), {"id": row_id}).scalar_one()
    finally:
        engine.dispose()
    return json.loads(raw) if isinstance(raw, str) else raw  # SQLite hands JSON back as text


def _rows_at_head(settings: Settings) -> dict[str, str]:
    engine = create_engine(sync_url(settings))
    try:
        with Session(engine) as session:
            tenant = Tenant(name=f"t-{uuid.uuid4().hex[:8]}")
            session.add(tenant)
            session.flush()
            encounter = Encounter(
                tenant_id=tenant.id,
                patient_ref="p-1",
                patient_name="Jane",
                patient_gender=PatientGender.FEMALE,
                patient_birth_date=BIRTH,
            )
            session.add(encounter)
            session.flush()
            transcript = Transcript(
                tenant_id=tenant.id,
                encounter_id=encounter.id,
                meta={"job_id": "j-1"},
                participants=(Participant(0, ParticipantRole.MULTIPLE),),
                diarize=True,
            )
            plain = Transcript(tenant_id=tenant.id, encounter_id=encounter.id, meta={})
            transcript.segments = [TranscriptSegment(position=0, text="Hello.")]
            plain.segments = []
            patient = Patient(tenant_id=tenant.id, patient_key="p-1")
            session.add_all([transcript, plain, patient])
            session.flush()
            bundle = _run(tenant.id, patient.id, "bundle")
            bundle.page_count, bundle.resource_count, bundle.item_count = 0, 13, 11
            bundle.ignored_resource_count, bundle.superseded = 2, False
            tiff = _run(tenant.id, patient.id, "document")
            tiff.page_count, tiff.text_extracted, tiff.notice = 2, False, "No OCR"
            session.add_all([bundle, tiff])
            session.commit()
            return {
                "encounter": encounter.id,
                "transcript": transcript.id,
                "plain": plain.id,
                "bundle": bundle.id,
                "tiff": tiff.id,
            }
    finally:
        engine.dispose()


def _run(tenant_id: str, patient_id: str, kind: str) -> IngestionRun:
    return IngestionRun(
        id=f"run_{uuid.uuid4().hex}",
        tenant_id=tenant_id,
        patient_id=patient_id,
        kind=kind,
        status=SUCCESS,
        blob_key="k",
    )


def _at_head(settings: Settings, ids: dict[str, str]) -> None:
    engine = create_engine(sync_url(settings))
    try:
        with Session(engine) as session:
            encounter = session.get_one(Encounter, ids["encounter"])
            assert (encounter.patient_name, encounter.patient_gender) == ("Jane", "female")
            assert encounter.patient_birth_date == BIRTH
            assert encounter.patient_pronouns is None
            transcript = session.get_one(Transcript, ids["transcript"])
            assert transcript.participants == (Participant(0, ParticipantRole.MULTIPLE),)
            assert transcript.diarize is True
            assert transcript.meta == {"job_id": "j-1"}
            plain = session.get_one(Transcript, ids["plain"])
            assert (plain.participants, plain.diarize, plain.meta) == ((), False, {})
            bundle = session.get_one(IngestionRun, ids["bundle"])
            assert (bundle.resource_count, bundle.item_count, bundle.superseded) == (13, 11, False)
            tiff = session.get_one(IngestionRun, ids["tiff"])
            assert (tiff.page_count, tiff.text_extracted, tiff.notice) == (2, False, "No OCR")
    finally:
        engine.dispose()


def test_vendor_shapes_come_back_down_and_go_up_again(fresh_settings: Settings) -> None:
    config = alembic_config(fresh_settings)
    command.upgrade(config, "head")
    ids = _rows_at_head(fresh_settings)
    command.downgrade(config, "0013_summary_sections_core_keys")
    patient = _raw(fresh_settings, "SELECT patient FROM encounter WHERE id = :id", ids["encounter"])
    assert patient == CORTI_PATIENT
    meta = _raw(fresh_settings, "SELECT meta FROM transcript WHERE id = :id", ids["transcript"])
    assert meta == {"job_id": "j-1", "corti": CORTI_SECTION}
    plain = _raw(fresh_settings, "SELECT meta FROM transcript WHERE id = :id", ids["plain"])
    assert plain == {}
    query = "SELECT result FROM ingestion_run WHERE id = :id"
    assert _raw(fresh_settings, query, ids["bundle"]) == BUNDLE_RESULT
    assert _raw(fresh_settings, query, ids["tiff"]) == TIFF_RESULT
    # Columns are dropped in place: the encounter's children (cascading) are all still there.
    segments = "SELECT count(*) FROM transcript_segment WHERE transcript_id = :id"
    assert _raw(fresh_settings, segments, ids["transcript"]) == 1
    command.upgrade(config, "head")
    _at_head(fresh_settings, ids)
    assert _raw(fresh_settings, segments, ids["transcript"]) == 1
