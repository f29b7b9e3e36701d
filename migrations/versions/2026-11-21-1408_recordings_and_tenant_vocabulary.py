"""recordings, transcript.recording_id and tenant vocabulary

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 14:08:56.809856+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recording",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("filename", sa.String(length=512), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("container", sa.String(length=64), nullable=True),
        sa.Column("codec", sa.String(length=64), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=256), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounter.id"],
            name=op.f("fk_recording_encounter_id_encounter"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_recording_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording")),
    )
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_encounter_id"), ["encounter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recording_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vocabulary", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )

    with op.batch_alter_table("transcript", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_transcript_recording_id"), ["recording_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_transcript_recording_id_recording"),
            "recording",
            ["recording_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("transcript", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_transcript_recording_id_recording"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_transcript_recording_id"))
        batch_op.drop_column("recording_id")

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("vocabulary")

    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_recording_encounter_id"))

    op.drop_table("recording")
