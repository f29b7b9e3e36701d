"""indexes for the retention sweep: when jobs finished, when recordings were made, who uses them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 17:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_job_finished_at", "job", ["finished_at"])
    op.create_index("ix_recording_created_at", "recording", ["created_at"])
    # Deleting a recording checks this foreign key: without an index, a scan per recording.
    op.create_index("ix_async_request_recording_id", "async_request", ["recording_id"])


def downgrade() -> None:
    op.drop_index("ix_async_request_recording_id", table_name="async_request")
    op.drop_index("ix_recording_created_at", table_name="recording")
    op.drop_index("ix_job_finished_at", table_name="job")
