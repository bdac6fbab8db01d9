"""Sync: values the app stamps itself (a last login, who last changed a playlist) merge without a conflict.

PostgreSQL: ``horus_sync_apply_op`` is replaced (``store/sync_server_stamps_sql.py``): a column of
``sync_tables.STAMPED_COLUMNS`` changed on two machines is never a conflict; the later time (a last login)
or the later clock (who last changed the row) wins, decided on the server. Every other field is compared
as before. No table changes; the unresolved conflicts an existing server holds on those columns are settled
(the later time put on the row, each conflict marked resolved by the login that upgrades). SQLite clients:
nothing (their schema head moves, so a client pushes to a server upgraded to the same revision).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.sync_server_stamps_sql import stamped_columns_ddl, stamped_columns_drop_ddl

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in stamped_columns_ddl():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in stamped_columns_drop_ddl():
            op.execute(statement)
