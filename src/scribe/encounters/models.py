from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, IdMixin, TimestampMixin


class Encounter(IdMixin, TimestampMixin, Base):
    """A visit: the parent of recordings, transcripts and notes (Corti's interaction)."""

    __tablename__ = "encounter"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="in-progress")
    title: Mapped[str | None] = mapped_column(String(512))
    assigned_user: Mapped[str | None] = mapped_column(String(256))
    patient_ref: Mapped[str | None] = mapped_column(String(256))
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
