"""Sync: the SQLite outbox's unstamped ops are found by a partial index, not by reading the whole outbox.

Every local commit stamps its ops with ``UPDATE horus_sync_outbox ... WHERE hlc IS NULL`` (and a push checks
for unstamped ops the same way). Without an index that statement read every pending op's pages (``hlc`` is
stored after the op's row): a laptop with thousands of ops waiting paid for all of them on each saved note.
The partial index holds only the ops not stamped yet (this transaction's), so it stays empty between commits
and costs nothing for ops written already stamped (bulk imports). PostgreSQL servers have no outbox: nothing.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_capture import UNSTAMPED_INDEX, UNSTAMPED_INDEX_DDL

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(UNSTAMPED_INDEX_DDL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {UNSTAMPED_INDEX}")
