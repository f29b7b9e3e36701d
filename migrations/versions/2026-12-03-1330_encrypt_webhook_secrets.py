"""webhook secrets encrypted at rest (Fernet, under SCRIBE_SECRET_KEY or the data dir's key file)

Revision ID: 0012_webhook_secrets_encrypted
Revises: 0011_note_sentences
Create Date: 2026-12-03 13:30:00+00:00
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import context, op

from scribe.config import Settings
from scribe.secretbox import SecretBox, box_for

revision: str = "0012_webhook_secrets_encrypted"
down_revision: str | None = "0011_note_sentences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SECRETS = sa.table("webhook_secret", sa.column("id", sa.String()), sa.column("secret", sa.Text()))


def upgrade() -> None:
    # A Fernet token of a 49-character secret is 164 characters: more than the old String(128).
    with op.batch_alter_table("webhook_secret") as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(128), type_=sa.Text())
    _rewrite(_box().encrypt)


def downgrade() -> None:
    _rewrite(_box().decrypt)
    with op.batch_alter_table("webhook_secret") as batch_op:
        batch_op.alter_column("secret", existing_type=sa.Text(), type_=sa.String(128))


def _box() -> SecretBox:
    settings = context.config.attributes.get("settings") or Settings()
    return box_for(settings)


def _rewrite(change: Callable[[str], str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_SECRETS.c.id, _SECRETS.c.secret)).all()
    for row_id, secret in rows:
        connection.execute(
            sa.update(_SECRETS).where(_SECRETS.c.id == row_id).values(secret=change(secret))
        )
