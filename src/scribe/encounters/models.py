from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

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
    # What the client sent about the patient beyond the reference (name, gender, birth date).
    patient: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
