"""Sync: a set-based push answers each new row with status, version and conflicts only.

PostgreSQL: ``horus_sync_push_inserts`` stores and returns ``{"status": "applied", "version": 1,
"conflicts": 0}`` for a new row instead of an answer repeating the op's id and clock and the row's project
(see ``store/sync_server_answers_sql.py``). SQLite clients: nothing.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_answers_sql import slim_answers_ddl, slim_answers_drop_ddl

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in slim_answers_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in slim_answers_drop_ddl():
            op.execute(statement)
