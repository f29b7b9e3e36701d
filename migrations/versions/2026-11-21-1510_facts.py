"""facts of an encounter, and timestamps on note sections (Corti documents show them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 15:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fact",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("transcript_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("group", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("is_discarded", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("segment_ids", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounter.id"],
            name=op.f("fk_fact_encounter_id_encounter"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_fact_tenant_id_tenant"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcript.id"],
            name=op.f("fk_fact_transcript_id_transcript"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact")),
    )
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_encounter_id"), ["encounter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fact_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fact_transcript_id"), ["transcript_id"], unique=False)
    _add_section_timestamps()


def _add_section_timestamps() -> None:
    """Sections written before this revision take their note's timestamps."""
    with op.batch_alter_table("note_section", schema=None) as batch_op:
        for column in ("created_at", "updated_at"):
            batch_op.add_column(
                sa.Column(column, scribe.db.UTCDateTime(timezone=True), nullable=True)
            )
    for column in ("created_at", "updated_at"):
        op.execute(
            f"UPDATE note_section SET {column} = "
            f"(SELECT note.{column} FROM note WHERE note.id = note_section.note_id)"
        )
    with op.batch_alter_table("note_section", schema=None) as batch_op:
        for column in ("created_at", "updated_at"):
            batch_op.alter_column(
                column, existing_type=scribe.db.UTCDateTime(timezone=True), nullable=False
            )


def downgrade() -> None:
    with op.batch_alter_table("note_section", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_transcript_id"))
        batch_op.drop_index(batch_op.f("ix_fact_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_fact_encounter_id"))
    op.drop_table("fact")
