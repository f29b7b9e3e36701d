from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from scribe.db import Base, EnumText, IdMixin, TimestampMixin


class TranscriptStatus(StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class ParticipantRole(StrEnum):
    """Who speaks on a channel, as the client declared it: one role, or several speakers."""

    DOCTOR = "doctor"
    PATIENT = "patient"
    MULTIPLE = "multiple"


@dataclass(frozen=True, slots=True)
class Participant:
    """A channel of the audio and who the client said speaks on it."""

    channel: int
    role: ParticipantRole


class Participants(TypeDecorator[tuple[Participant, ...]]):
    """The declared participants, stored as JSON ``[{"channel": 0, "role": "doctor"}, …]``."""

    impl = JSON
    cache_ok = True

    def process_bind_param(
        self, value: tuple[Participant, ...] | None, dialect: Dialect
    ) -> list[dict[str, Any]]:
        return [{"channel": p.channel, "role": p.role.value} for p in value or ()]

    def process_result_value(
        self, value: list[dict[str, Any]] | None, dialect: Dialect
    ) -> tuple[Participant, ...]:
        return tuple(
            Participant(int(p["channel"]), ParticipantRole(p["role"])) for p in value or ()
        )


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
    # What the client declared about the audio: who speaks on which channel, and whether it
    # asked for each segment's speaker to be told (diarization).
    participants: Mapped[tuple[Participant, ...]] = mapped_column(Participants(), default=tuple)
    diarize: Mapped[bool] = mapped_column(default=False)
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
