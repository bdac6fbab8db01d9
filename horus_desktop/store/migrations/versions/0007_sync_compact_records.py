"""Sync: faster push and pull, same protocol answers.

Server: one per-field record for a row made or deleted at once (``*``), read as every field's record; the
capture trigger is not even queued for rows the set-based push writes (see
``store/sync_server_records_sql.py``). SQLite clients: the capture triggers write each op's rows in wire form
(``sync_codec.sqlite_wire_json``), so a push sends them without parsing and re-encoding; ops already waiting
in the outbox are converted here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from horus_desktop.store.sync_codec import outbox_row_to_wire
from horus_desktop.store.sync_server_records_sql import compact_records_ddl, compact_records_drop_ddl
from horus_desktop.store.sync_tables import (
    SYNCED_TABLES,
    sqlite_capture_trigger_names,
    sqlite_capture_triggers,
)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _sqlite_triggers(wire_form: bool) -> None:
    for trigger, _table in sqlite_capture_trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for name in SYNCED_TABLES:
        for ddl in sqlite_capture_triggers(name, wire_form=wire_form):
            op.execute(ddl)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in compact_records_ddl():
            op.execute(statement)
        return
    _sqlite_triggers(wire_form=True)
    waiting = bind.execute(sa.text("SELECT seq, table_name, old_row, new_row FROM horus_sync_outbox")).all()
    for seq, table, old, new in waiting:
        bind.execute(sa.text("UPDATE horus_sync_outbox SET old_row = :old, new_row = :new WHERE seq = :seq"), {
            "seq": seq, "old": outbox_row_to_wire(table, old) if old else None,
            "new": outbox_row_to_wire(table, new) if new else None})


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in compact_records_drop_ddl():
            op.execute(statement)
        return
    _sqlite_triggers(wire_form=False)  # ops captured meanwhile keep the wire form (a downgrade is for development)
