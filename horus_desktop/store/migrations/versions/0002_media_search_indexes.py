"""Media search: indexes for the browser's default sort (newest first), and a text index over names, paths and tags.

SQLite gets an FTS5 trigram table kept in step by triggers (substring search without a table scan);
PostgreSQL gets pg_trgm GIN indexes on the same text, where the extension may be created (searches work
without it, only slower).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The searchable text of a media row, as SQL (the repository builds the same expression).
SEARCH_TEXT_PG = (
    "lower(coalesce(file_name, '') || ' ' || coalesce(file_path, '') || ' ' || coalesce(shot, '') || ' ' || "
    "coalesce(sequence, '') || ' ' || coalesce(artist_name, ''))"
)


def _sqlite_body(row: str) -> str:
    return (
        f"coalesce({row}.file_name, '') || ' ' || coalesce({row}.file_path, '') || ' ' || coalesce({row}.shot, '') "
        f"|| ' ' || coalesce({row}.sequence, '') || ' ' || coalesce({row}.artist_name, '') || ' ' || "
        f"coalesce((SELECT group_concat(tag_name, ' ') FROM horus_media_tags WHERE media_id = {row}.id), '')"
    )


def _sqlite_reindex_media(media_id: str) -> str:
    return (
        f"DELETE FROM horus_media_search WHERE rowid = (SELECT rowid FROM horus_media_records WHERE id = {media_id});"
        f"INSERT INTO horus_media_search(rowid, body) SELECT m.rowid, {_sqlite_body('m')} "
        f"FROM horus_media_records m WHERE m.id = {media_id};"
    )


def upgrade() -> None:
    # Partial on live rows, the same condition every search has, so SQLite answers "comp, pending, newest
    # first" from the index alone (the seed's idx_media_department_status must look every row up to sort).
    live = {"sqlite_where": sa.text("is_deleted IS NOT 1"), "postgresql_where": sa.text("is_deleted IS NOT true")}
    op.create_index("idx_media_created", "horus_media_records", [sa.text("created_at DESC")], unique=False, **live)
    op.create_index("idx_media_department_status_created", "horus_media_records",
                    ["department", "approval_status", sa.text("created_at DESC")], unique=False, **live)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            return  # no right to add the extension: LIKE still works, as a scan
        op.execute(f"CREATE INDEX idx_media_search_trgm ON horus_media_records USING gin (({SEARCH_TEXT_PG}) gin_trgm_ops)")
        op.execute("CREATE INDEX idx_tags_name_trgm ON horus_media_tags USING gin ((lower(tag_name)) gin_trgm_ops)")
        return
    op.execute("CREATE VIRTUAL TABLE horus_media_search USING fts5(body, tokenize = 'trigram')")
    op.execute(f"INSERT INTO horus_media_search(rowid, body) SELECT m.rowid, {_sqlite_body('m')} FROM horus_media_records m")
    op.execute(f"""CREATE TRIGGER trg_media_search_insert AFTER INSERT ON horus_media_records BEGIN
        INSERT INTO horus_media_search(rowid, body) SELECT NEW.rowid, {_sqlite_body('NEW')}; END""")
    op.execute(f"""CREATE TRIGGER trg_media_search_update AFTER UPDATE OF file_name, file_path, shot, sequence,
        artist_name ON horus_media_records BEGIN
        DELETE FROM horus_media_search WHERE rowid = OLD.rowid;
        INSERT INTO horus_media_search(rowid, body) SELECT NEW.rowid, {_sqlite_body('NEW')}; END""")
    op.execute("""CREATE TRIGGER trg_media_search_delete AFTER DELETE ON horus_media_records BEGIN
        DELETE FROM horus_media_search WHERE rowid = OLD.rowid; END""")
    op.execute(f"CREATE TRIGGER trg_tags_search_insert AFTER INSERT ON horus_media_tags BEGIN "
               f"{_sqlite_reindex_media('NEW.media_id')} END")
    op.execute(f"CREATE TRIGGER trg_tags_search_delete AFTER DELETE ON horus_media_tags BEGIN "
               f"{_sqlite_reindex_media('OLD.media_id')} END")
    op.execute(f"CREATE TRIGGER trg_tags_search_update AFTER UPDATE ON horus_media_tags BEGIN "
               f"{_sqlite_reindex_media('OLD.media_id')} {_sqlite_reindex_media('NEW.media_id')} END")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS idx_tags_name_trgm")
        op.execute("DROP INDEX IF EXISTS idx_media_search_trgm")
    else:
        for trigger in ("trg_media_search_insert", "trg_media_search_update", "trg_media_search_delete",
                        "trg_tags_search_insert", "trg_tags_search_delete", "trg_tags_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS horus_media_search")
    op.drop_index("idx_media_department_status_created", table_name="horus_media_records")
    op.drop_index("idx_media_created", table_name="horus_media_records")
