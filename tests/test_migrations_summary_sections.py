"""Migration 0013: stored summary sections move from Clinia's keys to the core's, and back."""

from __future__ import annotations

import json
import uuid
from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from scribe.auth.models import Tenant
from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.patients.models import Patient
from scribe.summaries.models import Summary, SummaryStatus
from tests.test_migrations import fresh_settings, sync_url

__all__ = ["fresh_settings"]  # the fixture, on both engines

CORE = [{"index": 0, "title": "Medications", "text": "Lisinopril.", "evidence": []}]
CLINIA = [{"sectionIndex": 0, "sectionTitle": "Medications", "text": "Lisinopril.", "evidence": []}]


def _stored_sections(settings: Settings, summary_id: str) -> Any:
    engine = create_engine(sync_url(settings))
    try:
        with engine.connect() as connection:
            query = text("SELECT sections FROM summary WHERE id = :id")
            raw = connection.execute(query, {"id": summary_id}).scalar_one()
    finally:
        engine.dispose()
    return json.loads(raw) if isinstance(raw, str) else raw  # SQLite hands JSON back as text


def _summary_at_head(settings: Settings) -> str:
    engine = create_engine(sync_url(settings))
    try:
        with Session(engine) as session:
            tenant = Tenant(name=f"t-{uuid.uuid4().hex[:8]}")
            session.add(tenant)
            session.flush()
            patient = Patient(tenant_id=tenant.id, patient_key="p-1")
            session.add(patient)
            session.flush()
            summary = Summary(
                id=f"sum_{uuid.uuid4().hex}",
                tenant_id=tenant.id,
                patient_id=patient.id,
                patient_key="p-1",
                template_id="clinia-medications",
                status=SummaryStatus.SUCCESS,
                sections=CORE,
            )
            session.add(summary)
            session.commit()
            return summary.id
    finally:
        engine.dispose()


def test_sections_are_renamed_down_and_up_again(fresh_settings: Settings) -> None:
    config = alembic_config(fresh_settings)
    command.upgrade(config, "head")
    summary_id = _summary_at_head(fresh_settings)
    command.downgrade(config, "0012_webhook_secrets_encrypted")
    assert _stored_sections(fresh_settings, summary_id) == CLINIA
    command.upgrade(config, "head")
    assert _stored_sections(fresh_settings, summary_id) == CORE
