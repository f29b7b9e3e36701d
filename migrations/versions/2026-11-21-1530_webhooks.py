"""webhook secrets, deliveries and attempts; job.run_after for delayed (retry) jobs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 15:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_secret()
    _create_delivery()
    _create_attempt()
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("run_after", scribe.db.UTCDateTime(timezone=True), nullable=True)
        )


def _create_secret() -> None:
    op.create_table(
        "webhook_secret",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", scribe.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_webhook_secret_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_secret")),
    )
    with op.batch_alter_table("webhook_secret", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_secret_tenant_id"), ["tenant_id"])


def _create_delivery() -> None:
    op.create_table(
        "webhook_delivery",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", scribe.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", scribe.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_webhook_delivery_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_delivery_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_webhook_delivery_tenant_id"), ["tenant_id"])


def _create_attempt() -> None:
    op.create_table(
        "webhook_attempt",
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_delivery.id"],
            name=op.f("fk_webhook_attempt_delivery_id_webhook_delivery"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempt")),
        sa.UniqueConstraint(
            "delivery_id", "number", name=op.f("uq_webhook_attempt_delivery_id_number")
        ),
    )
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_attempt_delivery_id"), ["delivery_id"])


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("run_after")
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_attempt_delivery_id"))
    op.drop_table("webhook_attempt")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_status"))
    op.drop_table("webhook_delivery")
    with op.batch_alter_table("webhook_secret", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_secret_tenant_id"))
    op.drop_table("webhook_secret")
