from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scribe.db import Base, IdMixin, TimestampMixin


class TemplateRef(IdMixin, TimestampMixin, Base):
    """A tenant's template: a custom name it used, or a template it defined with sections.

    ``sections`` holds ``{"key", "title", "instructions", "kinds"?}`` objects; a name only
    remembered (Omniloy's free-form template names) has none and is written with the generic
    template.
    """

    __tablename__ = "template_ref"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(String(16), default="custom")
    sections: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(35), default=None)
