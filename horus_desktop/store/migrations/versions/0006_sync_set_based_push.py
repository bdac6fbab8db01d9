"""Sync push, set-based: a run of inserts into one table is applied in one statement on the server.

Replaces ``horus_sync_push`` (and adds ``horus_sync_push_inserts``; the capture trigger gets a guard so the
set-based statement does its bookkeeping itself). Answers, conflicts, clocks, authors and the change log are
what revision 0004's per-op push gives; see ``store/sync_server_push_sql.py``. SQLite clients: nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_push_sql import set_based_push_ddl, set_based_push_drop_ddl

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in set_based_push_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in set_based_push_drop_ddl():
            op.execute(statement)
