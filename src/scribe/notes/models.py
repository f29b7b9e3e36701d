from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scribe.db import Base, IdMixin, TimestampMixin


class Note(IdMixin, TimestampMixin, Base):
    """A clinical note: ordered sections for a template, or free-form content for custom ones."""

    __tablename__ = "note"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    encounter_id: Mapped[str | None] = mapped_column(
        ForeignKey("encounter.id", ondelete="CASCADE"), index=True
    )
    transcript_id: Mapped[str | None] = mapped_column(
        ForeignKey("transcript.id", ondelete="SET NULL"), index=True
    )
    template_key: Mapped[str] = mapped_column(String(128))
    language: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(512))
    # Set only when the content is not a flat map of section texts (custom templates).
    content: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    feedback: Mapped[str | None] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(String(64))
    run_ids: Mapped[list[str]] = mapped_column(default=list)
    created_by: Mapped[str | None] = mapped_column(String(256))

    sections: Mapped[list[NoteSection]] = relationship(
        lazy="raise",
        order_by="NoteSection.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class NoteSection(IdMixin, TimestampMixin, Base):
    """One section of a note; its own timestamps tell which sections a client edited."""

    __tablename__ = "note_section"

    note_id: Mapped[str] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    # Ids of the transcript segments the section's sentences came from.
    segment_ids: Mapped[list[str]] = mapped_column(default=list)
    # [{"text", "segment_ids"}] per sentence, in order (notes.evidence reads them); inline
    # context, which is not stored, is quoted in each sentence's "quotes".
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
