"""procrastinate's queue schema (PostgreSQL only; SQLite runs jobs in-process)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 13:40:00+00:00
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.util import await_

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Drops every object whose name starts with procrastinate_, whatever the installed version made.
_DROP = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.sig);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t
           JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
             AND t.typtype IN ('e', 'c') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
  END LOOP;
END $$;
"""


def _execute_script(script: str) -> None:
    # asyncpg prepares every statement and refuses scripts; its simple-query execute does not.
    driver_connection = op.get_bind().connection.driver_connection
    if hasattr(driver_connection, "executemany"):
        await_(driver_connection.execute(script))
    else:
        op.execute(script)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _execute_script(_DROP)
    _execute_script(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _execute_script(_DROP)
