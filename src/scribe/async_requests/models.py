from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, EnumText, IdMixin, TimestampMixin


class RequestStatus(StrEnum):
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


PROCESSING, SUCCEEDED = RequestStatus.PROCESSING, RequestStatus.SUCCEEDED
FAILED = RequestStatus.FAILED


class AsyncRequest(IdMixin, TimestampMixin, Base):
    """A client's request answered later (Nabla listen_async, digest_async).

    ``idempotency_key`` is the client's own request id while it is fresh: unique per tenant, so
    two submissions racing with the same key make one request; cleared once the window passes,
    so the key can start a new one. ``result`` is the answer exactly as the client receives it.
    """

    __tablename__ = "async_request"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[RequestStatus] = mapped_column(EnumText(RequestStatus, 16), default=PROCESSING)
    client_request_id: Mapped[str | None] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    callback_url: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    # What the client asked for (dialect options), read by the job.
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job_id: Mapped[str | None] = mapped_column(String(64))
    encounter_id: Mapped[str | None] = mapped_column(
        ForeignKey("encounter.id", ondelete="SET NULL")
    )
    recording_id: Mapped[str | None] = mapped_column(
        ForeignKey("recording.id", ondelete="SET NULL"), index=True
    )
    transcript_id: Mapped[str | None] = mapped_column(
        ForeignKey("transcript.id", ondelete="SET NULL")
    )
    note_id: Mapped[str | None] = mapped_column(ForeignKey("note.id", ondelete="SET NULL"))
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error_status: Mapped[int | None] = mapped_column(default=None)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    delivery_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(256))
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
