"""Sync: a leaner pull and push on the server, same answers.

PostgreSQL: ``horus_sync_pull`` sends each row as ``json`` text (``row_to_json``) and reads the clock of a row
made at once from its one record; ``horus_sync_push`` returns a page that is one run of inserts with the
set-based statement's answers as they are (see ``store/sync_server_pull_sql.py``). SQLite clients: nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_pull_sql import lean_sync_ddl, lean_sync_drop_ddl

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in lean_sync_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in lean_sync_drop_ddl():
            op.execute(statement)
