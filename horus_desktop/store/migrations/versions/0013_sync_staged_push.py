"""Sync: a run of new rows is pushed typed, by COPY into a staging table, instead of inside the jsonb page.

PostgreSQL: ``horus_sync_stage(table)`` gives the session's staging table for a synced table (temporary, emptied
at commit) and ``horus_sync_push_staged(client, schema, table)`` applies what was copied into it: the set-based
insert of 0012 from typed rows, or, for a run it cannot take whole, ``horus_sync_push`` op by op (see
``store/sync_server_staged_sql.py``). ``horus_sync_push`` is unchanged. SQLite clients: nothing.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_staged_sql import staged_push_ddl, staged_push_drop_ddl

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in staged_push_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in staged_push_drop_ddl():
            op.execute(statement)
