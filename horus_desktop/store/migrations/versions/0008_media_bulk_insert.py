"""Media: a batch of new records fills the SQLite search index in one statement, not a trigger per row.

SQLite only: the search trigger on new media rows stays quiet while ``horus_media_search_deferred`` holds a
row, which only a set-based insert does, inside its own transaction (it then indexes its batch with one
``INSERT .. SELECT`` giving the same rows; see ``repositories/media.py``). PostgreSQL has no such trigger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from horus_desktop.store.repositories.media import SEARCH_DEFERRED_TABLE, sqlite_search_body

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _search_insert_trigger(guarded: bool) -> None:
    guard = f" WHEN NOT EXISTS (SELECT 1 FROM {SEARCH_DEFERRED_TABLE})" if guarded else ""
    op.execute("DROP TRIGGER IF EXISTS trg_media_search_insert")
    op.execute(f"""CREATE TRIGGER trg_media_search_insert AFTER INSERT ON horus_media_records{guard} BEGIN
        INSERT INTO horus_media_search(rowid, body) SELECT NEW.rowid, {sqlite_search_body('NEW')}; END""")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE TABLE {SEARCH_DEFERRED_TABLE} (id INTEGER PRIMARY KEY)")
    _search_insert_trigger(guarded=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _search_insert_trigger(guarded=False)
    op.execute(f"DROP TABLE {SEARCH_DEFERRED_TABLE}")
