"""template_ref.description and template_ref.language for tenant-defined templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 15:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("template_ref", schema=None) as batch_op:
        # The server default fills the rows that remembered names wrote before this column.
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("template_ref", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("description")
