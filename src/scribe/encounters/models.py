from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, EnumText, IdMixin, TimestampMixin


class EncounterStatus(StrEnum):
    """Where a visit stands (FHIR's encounter states, as Corti exposes them)."""

    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DELETED = "deleted"


class PatientGender(StrEnum):
    """The patient's administrative gender (FHIR's AdministrativeGender)."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class Encounter(IdMixin, TimestampMixin, Base):
    """A visit: the parent of recordings, transcripts and notes (Corti's interaction)."""

    __tablename__ = "encounter"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    status: Mapped[EncounterStatus] = mapped_column(
        EnumText(EncounterStatus, 32), default=EncounterStatus.IN_PROGRESS
    )
    # The client's own id for the visit (Corti's encounter.identifier) and its kind.
    identifier: Mapped[str | None] = mapped_column(String(256))
    kind: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(512))
    assigned_user: Mapped[str | None] = mapped_column(String(256))
    patient_ref: Mapped[str | None] = mapped_column(String(256), index=True)
    # What the client said about the patient beyond the reference.
    patient_name: Mapped[str | None] = mapped_column(String(512))
    patient_gender: Mapped[PatientGender | None] = mapped_column(EnumText(PatientGender, 16))
    patient_birth_date: Mapped[datetime | None] = mapped_column(default=None)
    patient_pronouns: Mapped[str | None] = mapped_column(String(512))
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
