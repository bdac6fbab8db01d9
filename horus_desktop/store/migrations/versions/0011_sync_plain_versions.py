"""Sync: a set-based push writes new rows' version records with a plain insert (no ON CONFLICT).

PostgreSQL: ``horus_sync_push_inserts`` tries a run's version records as a plain ``INSERT`` and runs the
statement again with ``ON CONFLICT DO UPDATE`` only when a row had a version record already (made again after
a delete); see ``store/sync_server_versions_sql.py``. Answers unchanged. SQLite clients: nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_versions_sql import plain_versions_ddl, plain_versions_drop_ddl

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in plain_versions_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in plain_versions_drop_ddl():
            op.execute(statement)
