"""async requests (Nabla listen_async, digest_async): idempotency key, result, callback

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 16:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reference(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{table}.id"],
        name=op.f(f"fk_async_request_{column}_{table}"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "async_request",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("client_request_id", sa.String(length=128), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("callback_url", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("encounter_id", sa.String(length=64), nullable=True),
        sa.Column("recording_id", sa.String(length=64), nullable=True),
        sa.Column("transcript_id", sa.String(length=64), nullable=True),
        sa.Column("note_id", sa.String(length=64), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error_status", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("delivery_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=256), nullable=True),
        sa.Column("finished_at", scribe.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_async_request_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        _reference("encounter_id", "encounter"),
        _reference("recording_id", "recording"),
        _reference("transcript_id", "transcript"),
        _reference("note_id", "note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_async_request")),
        sa.UniqueConstraint(
            "tenant_id",
            "idempotency_key",
            name=op.f("uq_async_request_tenant_id_idempotency_key"),
        ),
    )
    with op.batch_alter_table("async_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_async_request_tenant_id"), ["tenant_id"])


def downgrade() -> None:
    with op.batch_alter_table("async_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_async_request_tenant_id"))
    op.drop_table("async_request")
