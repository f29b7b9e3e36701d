from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, EnumText, IdMixin, TimestampMixin

# Ingestion run statuses, as Clinia's status route names them.


class IngestionStatus(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


RUNNING, SUCCESS, FAILED = IngestionStatus.RUNNING, IngestionStatus.SUCCESS, IngestionStatus.FAILED
FINISHED = frozenset({SUCCESS, FAILED})


class Patient(IdMixin, TimestampMixin, Base):
    """A tenant's patient, known by the caller's own stable key (Clinia's ``patientId``)."""

    __tablename__ = "patient"
    __table_args__ = (UniqueConstraint("tenant_id", "patient_key"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    patient_key: Mapped[str] = mapped_column(String(256))
    # The bundle ingestion whose items the record holds; a bundle replaces the previous one.
    bundle_run_id: Mapped[str | None] = mapped_column(String(64))


class RecordItem(IdMixin, Base):
    """One fact of the record from a FHIR resource, already told as text."""

    __tablename__ = "patient_record_item"
    __table_args__ = (Index("ix_patient_record_item_patient_position", "patient_id", "position"),)

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64))
    # "MedicationStatement/m1": where the fact came from.
    source: Mapped[str] = mapped_column(String(256))


class PatientDocument(IdMixin, TimestampMixin, Base):
    """An uploaded PDF or TIFF; documents add to the record, they never replace each other."""

    __tablename__ = "patient_document"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    blob_key: Mapped[str] = mapped_column(String(512))
    filename: Mapped[str | None] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Extracted text, one string per page; empty until extraction succeeds (and for TIFF).
    pages: Mapped[list[str]] = mapped_column(default=list)
    extracted: Mapped[bool] = mapped_column(default=False)


class IngestionRun(TimestampMixin, Base):
    """One POST /ingest: a bundle or a document on its way into the record."""

    __tablename__ = "ingestion_run"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "bundle" or "document"
    status: Mapped[IngestionStatus] = mapped_column(EnumText(IngestionStatus, 16), default=RUNNING)
    current_step: Mapped[str | None] = mapped_column(String(64))
    # The outcome, once it succeeded: what a bundle held (resources read, record items made,
    # resources of no use, whether a newer bundle had already replaced it) or a document's pages.
    page_count: Mapped[int | None] = mapped_column(Integer)
    resource_count: Mapped[int | None] = mapped_column(Integer)
    item_count: Mapped[int | None] = mapped_column(Integer)
    ignored_resource_count: Mapped[int | None] = mapped_column(Integer)
    superseded: Mapped[bool | None] = mapped_column(default=None)
    text_extracted: Mapped[bool | None] = mapped_column(default=None)
    # Why a successful run still yielded less than asked (a TIFF's pages are not read).
    notice: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    # The uploaded bundle (JSON) or document, in blob storage.
    blob_key: Mapped[str] = mapped_column(String(512))
    document_id: Mapped[str | None] = mapped_column(
        ForeignKey("patient_document.id", ondelete="SET NULL")
    )
    created_by: Mapped[str | None] = mapped_column(String(256))
