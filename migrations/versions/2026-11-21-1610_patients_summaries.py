"""patient records (Clinia ingestion: items, documents, runs) and stored summaries

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 16:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scribe.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", scribe.db.UTCDateTime(timezone=True), nullable=False),
    ]


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant"), ondelete="CASCADE"
    )


def _patient_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["patient_id"],
        ["patient.id"],
        name=op.f(f"fk_{table}_patient_id_patient"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    _create_patient()
    _create_record_item()
    _create_document()
    _create_run()
    _create_summary()


def _create_patient() -> None:
    op.create_table(
        "patient",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("patient_key", sa.String(length=256), nullable=False),
        sa.Column("bundle_run_id", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=64), nullable=False),
        *_timestamps(),
        _tenant_fk("patient"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint(
            "tenant_id", "patient_key", name=op.f("uq_patient_tenant_id_patient_key")
        ),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_tenant_id"), ["tenant_id"])


def _create_record_item() -> None:
    op.create_table(
        "patient_record_item",
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        _patient_fk("patient_record_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_record_item")),
    )
    with op.batch_alter_table("patient_record_item", schema=None) as batch_op:
        batch_op.create_index("ix_patient_record_item_patient_position", ["patient_id", "position"])


def _create_document() -> None:
    op.create_table(
        "patient_document",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("filename", sa.String(length=512), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("extracted", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        *_timestamps(),
        _tenant_fk("patient_document"),
        _patient_fk("patient_document"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_document")),
    )
    with op.batch_alter_table("patient_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_document_tenant_id"), ["tenant_id"])
        batch_op.create_index(batch_op.f("ix_patient_document_patient_id"), ["patient_id"])


def _create_run() -> None:
    op.create_table(
        "ingestion_run",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_step", sa.String(length=64), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=256), nullable=True),
        *_timestamps(),
        _tenant_fk("ingestion_run"),
        _patient_fk("ingestion_run"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["patient_document.id"],
            name=op.f("fk_ingestion_run_document_id_patient_document"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingestion_run")),
    )
    with op.batch_alter_table("ingestion_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingestion_run_tenant_id"), ["tenant_id"])
        batch_op.create_index(batch_op.f("ix_ingestion_run_patient_id"), ["patient_id"])


def _create_summary() -> None:
    op.create_table(
        "summary",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("patient_key", sa.String(length=256), nullable=False),
        sa.Column("template_id", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=256), nullable=True),
        *_timestamps(),
        _tenant_fk("summary"),
        _patient_fk("summary"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary")),
    )
    with op.batch_alter_table("summary", schema=None) as batch_op:
        batch_op.create_index("ix_summary_tenant_patient", ["tenant_id", "patient_key"])
        batch_op.create_index(batch_op.f("ix_summary_patient_id"), ["patient_id"])


def downgrade() -> None:
    for table, indexes in (
        ("summary", ("ix_summary_patient_id", "ix_summary_tenant_patient")),
        ("ingestion_run", ("ix_ingestion_run_patient_id", "ix_ingestion_run_tenant_id")),
        ("patient_document", ("ix_patient_document_patient_id", "ix_patient_document_tenant_id")),
        ("patient_record_item", ("ix_patient_record_item_patient_position",)),
        ("patient", ("ix_patient_tenant_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
