"""Sync: a row a set-based push makes new has no version record; its change log entry says who made it.

PostgreSQL: ``horus_sync_changes`` gets the columns ``hlc``, ``client_id`` and ``author`` (filled by the
set-based push, with a partial index on ``(table_name, row_id)``); ``horus_sync_version_of`` reads a row's
version and records, from its version record or from the entry that made it; the set-based insert, the
per-op apply, the capture trigger and the pull go through it (see ``store/sync_server_made_sql.py``). Answers,
conflicts, clocks and authors unchanged. SQLite clients: nothing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_made_sql import made_records_ddl, made_records_drop_ddl

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in made_records_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in made_records_drop_ddl():
            op.execute(statement)
