from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scribe.db import Base, EnumText, IdMixin, TimestampMixin


class TranscriptStatus(StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class Transcript(IdMixin, TimestampMixin, Base):
    __tablename__ = "transcript"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("encounter.id", ondelete="CASCADE"), index=True
    )
    recording_id: Mapped[str | None] = mapped_column(
        ForeignKey("recording.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[TranscriptStatus] = mapped_column(
        EnumText(TranscriptStatus, 32), default=TranscriptStatus.COMPLETED
    )
    source: Mapped[str] = mapped_column(String(32), default="text")
    language: Mapped[str | None] = mapped_column(String(32))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(String(256))
    patient_ref: Mapped[str | None] = mapped_column(String(256))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)

    segments: Mapped[list[TranscriptSegment]] = relationship(
        lazy="raise",
        order_by="TranscriptSegment.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class TranscriptSegment(IdMixin, Base):
    __tablename__ = "transcript_segment"

    transcript_id: Mapped[str] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int | None] = mapped_column(Integer)
    end_ms: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[int | None] = mapped_column(Integer)
    speaker_role: Mapped[str] = mapped_column(String(16), default="unspecified")
    text: Mapped[str] = mapped_column(Text)
