"""The schema on both databases: tables, columns, indexes, constraints, defaults, triggers, migrations."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.store import Store
from horus_desktop.store.models import SEED_INDEXES, SEED_TABLES
from horus_desktop.store.schema import alembic_config, current_revision, head_revision, upgrade

# Every index the seed names, written out here so a model edit cannot silently drop one.
EXPECTED_INDEXES = {
    "horus_media_records": {"idx_media_project_shot", "idx_media_department_status", "idx_media_artist_created",
                            "idx_media_version_latest", "idx_media_file_hash", "idx_media_file_path"},
    "horus_media_tags": {"idx_tags_media", "idx_tags_name_category"},
    "horus_thumbnails": {"idx_thumbnails_media_size"},
    "horus_comments": {"idx_comments_media_frame", "idx_comments_user_created", "idx_comments_parent_thread",
                       "idx_comments_mentions", "idx_comments_resolved"},
    "horus_comment_reactions": {"idx_reactions_comment", "idx_reactions_user"},
    "horus_comment_attachments": {"idx_attachments_comment"},
    "horus_annotations": {"idx_annotations_media_frame", "idx_annotations_user_created", "idx_annotations_layer",
                          "idx_annotations_type", "idx_annotations_visible"},
    "horus_annotation_layers": {"idx_layers_media_order"},
    "horus_timelines": {"idx_timelines_project_type", "idx_timelines_creator_created",
                        "idx_timelines_status_version", "idx_timelines_episode_sequence"},
    "horus_timeline_clips": {"idx_clips_timeline_track", "idx_clips_media", "idx_clips_timing"},
    "horus_users": {"idx_users_username", "idx_users_email", "idx_users_department_role", "idx_users_active_login"},
    "horus_user_sessions": {"idx_sessions_user_active", "idx_sessions_media_active", "idx_sessions_token",
                            "idx_sessions_activity"},
    "horus_notifications": {"idx_notifications_user_unread", "idx_notifications_type_created",
                            "idx_notifications_media"},
}

DESC_INDEXES = {
    "idx_media_artist_created": "created_at",
    "idx_comments_user_created": "created_at",
    "idx_annotations_user_created": "created_at",
    "idx_timelines_creator_created": "created_at",
    "idx_users_active_login": "last_login_at",
    "idx_sessions_activity": "last_activity_at",
    "idx_notifications_user_unread": "created_at",
    "idx_notifications_type_created": "created_at",
}

# (table, column) -> (referred table, ON DELETE) for every foreign key of the seed.
EXPECTED_FKS = {
    ("horus_media_tags", "media_id"): ("horus_media_records", "CASCADE"),
    ("horus_thumbnails", "media_id"): ("horus_media_records", "CASCADE"),
    ("horus_comments", "parent_id"): ("horus_comments", "CASCADE"),
    ("horus_comments", "media_id"): ("horus_media_records", "CASCADE"),
    ("horus_comment_reactions", "comment_id"): ("horus_comments", "CASCADE"),
    ("horus_comment_attachments", "comment_id"): ("horus_comments", "CASCADE"),
    ("horus_annotations", "media_id"): ("horus_media_records", "CASCADE"),
    ("horus_annotation_layers", "media_id"): ("horus_media_records", "CASCADE"),
    ("horus_timelines", None): None,
    ("horus_timeline_clips", "timeline_id"): ("horus_timelines", "CASCADE"),
    ("horus_timeline_clips", "media_id"): ("horus_media_records", None),
    ("horus_user_sessions", "user_id"): ("horus_users", None),
    ("horus_user_sessions", "media_id"): ("horus_media_records", None),
    ("horus_notifications", "user_id"): ("horus_users", None),
    ("horus_notifications", "related_media_id"): ("horus_media_records", None),
    ("horus_notifications", "related_comment_id"): ("horus_comments", None),
    ("horus_notifications", "related_annotation_id"): ("horus_annotations", None),
}


def test_migration_from_empty_creates_every_seed_table_and_index(store: Store) -> None:
    insp = inspect(store.engine)
    tables = set(insp.get_table_names())
    assert set(SEED_TABLES) <= tables
    assert len(SEED_TABLES) == 13
    for table, expected in EXPECTED_INDEXES.items():
        found = {ix["name"] for ix in insp.get_indexes(table)}
        assert expected <= found, f"{table} lacks {expected - found}"
        assert set(SEED_INDEXES[table]) == expected  # models and migration agree
    assert current_revision(store.engine) == head_revision()


def test_desc_indexes_are_descending(store: Store) -> None:
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            defs = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public'")).all())
    else:
        with store.engine.connect() as conn:
            defs = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='index'")).all())
    for name, column in DESC_INDEXES.items():
        assert f"{column} DESC" in defs[name], defs[name]


def test_foreign_keys_and_on_delete_rules(store: Store) -> None:
    insp = inspect(store.engine)
    found = {}
    for table in SEED_TABLES:
        for fk in insp.get_foreign_keys(table):
            ondelete = (fk.get("options") or {}).get("ondelete")
            found[(table, fk["constrained_columns"][0])] = (fk["referred_table"], ondelete.upper() if ondelete else None)
    for key, expected in EXPECTED_FKS.items():
        if expected is not None:
            assert found[key] == expected, key


def test_unique_constraints(store: Store) -> None:
    insp = inspect(store.engine)

    def uniques(table: str) -> set[tuple[str, ...]]:
        out = {tuple(u["column_names"]) for u in insp.get_unique_constraints(table)}
        out |= {tuple(ix["column_names"]) for ix in insp.get_indexes(table) if ix["unique"]}
        return out

    assert ("media_id", "tag_name") in uniques("horus_media_tags")
    assert ("media_id", "thumbnail_size", "frame_number") in uniques("horus_thumbnails")
    assert ("comment_id", "user_id", "reaction_type") in uniques("horus_comment_reactions")
    assert ("media_id", "layer_name") in uniques("horus_annotation_layers")
    assert ("username",) in uniques("horus_users") and ("email",) in uniques("horus_users")
    assert ("session_token",) in uniques("horus_user_sessions")


def test_native_types_on_postgresql(pg_store: Store) -> None:
    with pg_store.engine.connect() as conn:
        types = dict(conn.execute(text(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema='public'")).all())
    assert types["horus_media_records.id"] == "uuid"
    assert types["horus_annotations.coordinates"] == "jsonb"
    assert types["horus_comments.mentioned_users"] == "ARRAY"
    assert types["horus_user_sessions.ip_address"] == "inet"
    assert types["horus_media_records.created_at"] == "timestamp with time zone"
    assert types["horus_media_records.frame_rate"] == "numeric"


def test_server_defaults_serve_plain_sql_inserts(store: Store) -> None:
    """A row inserted by hand (a pipeline script's SQL) gets the seed's defaults."""
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO horus_media_records (file_path, file_name, project_id, version) "
                          "VALUES ('/a/b.exr', 'b.exr', 'p', 'v001')"))
        row = conn.execute(text("SELECT id, approval_status, is_latest_version, is_deleted, created_at "
                                "FROM horus_media_records")).one()
    assert row.id is not None and row.approval_status == "pending"
    assert not row.is_latest_version and not row.is_deleted and row.created_at is not None
    media = store.media.search_ids(MediaQuery())
    assert len(media) == 1 and isinstance(media[0], uuid.UUID)


def test_updated_at_maintained_by_trigger_on_plain_update(store: Store) -> None:
    media = store.media.create(file_path="/x/a.mov", project_id="p", version="v001")
    before = store.media.get(media.id).updated_at
    time.sleep(0.02)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE horus_media_records SET approval_status='approved'"))
    after = store.media.get(media.id)
    assert after.approval_status == "approved"
    assert after.updated_at is not None and before is not None and after.updated_at > before


def test_downgrade_to_base_and_back(store: Store) -> None:
    from alembic import command

    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert not set(SEED_TABLES) & set(inspect(store.engine).get_table_names())
    upgrade(store.engine)
    assert set(SEED_TABLES) <= set(inspect(store.engine).get_table_names())


def test_sqlite_connection_settings(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_open_copies_an_outdated_store_aside_before_upgrading(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE my_old_notes (t TEXT)")
    con.execute("INSERT INTO my_old_notes VALUES ('keep me')")
    con.commit()
    con.close()
    store = Store.open(path)
    store.close()
    copies = list(tmp_path.glob("old.before-upgrade-*.sqlite"))
    assert len(copies) == 1
    assert sqlite3.connect(copies[0]).execute("SELECT t FROM my_old_notes").fetchone() == ("keep me",)
    # A store already at head is not copied again.
    Store.open(path).close()
    assert len(list(tmp_path.glob("old.before-upgrade-*.sqlite"))) == 1


def test_store_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from horus_desktop.store.engine import StoreUrlError, resolve_store_url

    monkeypatch.setenv("HORUS_DB", str(tmp_path / "env.sqlite"))
    assert resolve_store_url(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert resolve_store_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    with pytest.raises(StoreUrlError, match="unsupported"):
        resolve_store_url("mysql://u@h/db")
    monkeypatch.delenv("HORUS_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert str(tmp_path / "xdg") in resolve_store_url(None)


def test_engine_refuses_naive_datetimes(sqlite_store: Store) -> None:
    from datetime import datetime

    with pytest.raises(Exception, match="naive datetime"):
        sqlite_store.media.create(file_path="/a.mov", project_id="p", version="v1",
                                  file_modified_at=datetime(2024, 1, 1))
    assert sqlite_store.media.count() == 0
