from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, EnumText, TimestampMixin


class SummaryStatus(StrEnum):
    SUCCESS = "success"


class Summary(TimestampMixin, Base):
    """A finished summary: stored only once every section was written (Clinia's success)."""

    __tablename__ = "summary"
    __table_args__ = (Index("ix_summary_tenant_patient", "tenant_id", "patient_key"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    # The caller's patientId, kept so a list by patientId needs no join.
    patient_key: Mapped[str] = mapped_column(String(256))
    template_id: Mapped[str] = mapped_column(String(256))
    status: Mapped[SummaryStatus] = mapped_column(EnumText(SummaryStatus, 16))
    # [{"index", "title", "text", "evidence"}] in template order; "evidence" is
    # notes.evidence's list of sentences with the record items each rests on.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    created_by: Mapped[str | None] = mapped_column(String(256))
