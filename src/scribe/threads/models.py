from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scribe.db import Base, EnumText, IdMixin, TimestampMixin
from scribe.jobs.models import Job


class ThreadStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class Thread(IdMixin, TimestampMixin, Base):
    """A stateful conversation (Omniloy's LangGraph-style thread)."""

    __tablename__ = "thread"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    status: Mapped[ThreadStatus] = mapped_column(
        EnumText(ThreadStatus, 16), default=ThreadStatus.ACTIVE
    )
    created_by: Mapped[str | None] = mapped_column(String(256))
    patient_ref: Mapped[str | None] = mapped_column(String(256))

    messages: Mapped[list[Message]] = relationship(
        lazy="raise",
        order_by="Message.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Message(IdMixin, TimestampMixin, Base):
    __tablename__ = "message"

    thread_id: Mapped[str] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)


class Run(IdMixin, TimestampMixin, Base):
    """One assistant turn on a thread; its job row holds status, result and error."""

    __tablename__ = "run"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    note_id: Mapped[str | None] = mapped_column(ForeignKey("note.id", ondelete="SET NULL"))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str | None] = mapped_column(String(256))

    job: Mapped[Job] = relationship(lazy="raise")
