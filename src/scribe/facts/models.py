from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, IdMixin, TimestampMixin


class Fact(IdMixin, TimestampMixin, Base):
    """A short clinical statement about an encounter, in a group (``medications``, ``plan``).

    ``source`` says who stated it: ``core`` (extracted from a transcript), ``user`` or ``system``.
    A discarded fact is kept, so extraction does not bring it back.
    """

    __tablename__ = "fact"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("encounter.id", ondelete="CASCADE"), index=True
    )
    # The transcript core facts were extracted from, so each transcript is read once.
    transcript_id: Mapped[str | None] = mapped_column(
        ForeignKey("transcript.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    group: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="user")
    is_discarded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Facts keep the order they were stated or added in.
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Ids of the transcript segments an extracted fact came from.
    segment_ids: Mapped[list[str]] = mapped_column(default=list)
