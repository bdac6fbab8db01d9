"""Sync: conflict records and row versions on both databases; the outbox and capture triggers on SQLite
clients; the change log and the push/pull functions on the PostgreSQL server.

No review table is recreated: ``horus_media_records`` keeps its search triggers (a batch migration would
drop them). Row versions live in their own table for the same reason.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from horus_desktop.store.sync_server_sql import server_ddl, server_drop_ddl
from horus_desktop.store.sync_tables import (
    SYNCED_TABLES,
    conflicts_table,
    outbox_table,
    rejected_table,
    row_versions_table,
    sqlite_capture_trigger_names,
    sqlite_capture_triggers,
    state_table,
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UPDATED_AT_TABLES = ("horus_media_records", "horus_comments", "horus_annotations", "horus_timelines",
                      "horus_timeline_clips", "horus_users", "horus_project_configs")


def _sqlite_updated_at_triggers(quiet_while_pulling: bool) -> None:
    # A pulled row carries the server's updated_at: the local touch trigger must not overwrite it.
    guard = " AND NOT EXISTS (SELECT 1 FROM horus_sync_state WHERE applying = 1)" if quiet_while_pulling else ""
    for table in _UPDATED_AT_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_updated_at")
        op.execute(f"""
            CREATE TRIGGER trg_{table}_updated_at AFTER UPDATE ON {table}
            FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at{guard}
            BEGIN
                UPDATE {table} SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
                WHERE rowid = NEW.rowid;
            END
            """)


def upgrade() -> None:
    bind = op.get_bind()
    conflicts_table.create(bind)
    row_versions_table.create(bind)
    if bind.dialect.name == "postgresql":
        for statement in server_ddl():
            op.execute(statement)
        return
    for table in (outbox_table, state_table, rejected_table):
        table.create(bind)
    op.execute(sa.insert(state_table).values(id=1, client_id=uuid.uuid4().hex, cursor_xid=0, cursor_seq=0,
                                             applying=0))
    _sqlite_updated_at_triggers(quiet_while_pulling=True)
    for name in SYNCED_TABLES:
        for ddl in sqlite_capture_triggers(name):
            op.execute(ddl)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in server_drop_ddl():
            op.execute(statement)
    else:
        for trigger, _table in sqlite_capture_trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table in (rejected_table, state_table, outbox_table):
            table.drop(bind)
    row_versions_table.drop(bind)
    conflicts_table.drop(bind)
    if bind.dialect.name == "sqlite":
        _sqlite_updated_at_triggers(quiet_while_pulling=False)
