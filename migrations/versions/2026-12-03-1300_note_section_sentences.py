"""note sections keep their sentences with the transcript segments each rests on (evidence)

Revision ID: 0011_note_sentences
Revises: 0010
Create Date: 2026-12-03 13:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_note_sentences"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this revision have no sentences: their evidence falls back to the
    # section's own segment ids (one entry for the whole section).
    with op.batch_alter_table("note_section") as batch:
        batch.add_column(sa.Column("sentences", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("note_section") as batch:
        batch.drop_column("sentences")
