"""stored summary sections in the core's words (index, title), not Clinia's (sectionIndex…)

Revision ID: 0013_summary_sections_core_keys
Revises: 0012_webhook_secrets_encrypted
Create Date: 2026-12-03 18:30:00+00:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013_summary_sections_core_keys"
down_revision: str | None = "0012_webhook_secrets_encrypted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUMMARIES = sa.table("summary", sa.column("id", sa.String()), sa.column("sections", sa.JSON()))
# Clinia's key → the core's.
_KEYS = {"sectionIndex": "index", "sectionTitle": "title"}


def upgrade() -> None:
    _rewrite(lambda section: _renamed(section, _KEYS))


def downgrade() -> None:
    _rewrite(lambda section: _renamed(section, {new: old for old, new in _KEYS.items()}))


def _renamed(section: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {keys.get(key, key): value for key, value in section.items()}


def _rewrite(change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_SUMMARIES.c.id, _SUMMARIES.c.sections)).all()
    for row_id, sections in rows:
        rewritten = [change(section) for section in sections or ()]
        connection.execute(
            sa.update(_SUMMARIES).where(_SUMMARIES.c.id == row_id).values(sections=rewritten)
        )
