"""encounter details for interactions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 14:44:29.616233+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("encounter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identifier", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("patient", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("started_at", scribe.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_encounter_patient_ref"), ["patient_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("encounter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounter_patient_ref"))
        batch_op.drop_column("started_at")
        batch_op.drop_column("patient")
        batch_op.drop_column("kind")
        batch_op.drop_column("identifier")
