from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, IdMixin, TimestampMixin


class Recording(IdMixin, TimestampMixin, Base):
    """An uploaded audio file of an encounter: the bytes live in blob storage under ``blob_key``."""

    __tablename__ = "recording"
    __table_args__ = (Index("ix_recording_created_at", "created_at"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("encounter.id", ondelete="CASCADE"), index=True
    )
    blob_key: Mapped[str] = mapped_column(String(512))
    filename: Mapped[str | None] = mapped_column(String(512))
    content_type: Mapped[str | None] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    container: Mapped[str | None] = mapped_column(String(64))
    codec: Mapped[str | None] = mapped_column(String(64))
    channels: Mapped[int] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(256))
