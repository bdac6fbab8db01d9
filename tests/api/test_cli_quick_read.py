"""The read-only verbs (media list, db info, comment list, playlist list, paths where) answer from a current SQLite store without SQLAlchemy (store/quick_read.py), and say
exactly what the full path says: every verb run both ways on the same store, output compared byte for byte.

Anything the quick path does not read exactly (PostgreSQL, an older schema, a damaged, read-only or missing
file, a bad argument) goes the full path, with its migration, note or error as before.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command

from horus_desktop.api import Horus
from horus_desktop.cli import main
from horus_desktop.store import quick_read
from horus_desktop.store.engine import create_store_engine, resolve_store_url, sqlite_file
from horus_desktop.store.schema import alembic_config

NAMES = ("plate_v001.exr", "Ünïcødé_ß_v002.exr", "shot 10% _done_v003.mov", "emoji_🎬_v004.png", "a\\b_v005.dpx",
         "ab.jpg")


def _fill(db: str) -> dict[str, str]:
    """A store with media of every kind the filters tell apart; returns some ids by name."""
    ids: dict[str, str] = {}
    with Horus.open(db, user="ana") as horus:
        store = horus.store
        with store.transaction():
            for i, name in enumerate(NAMES):
                record = store.media.create(
                    file_path=f"/show/ép{i % 2}/sq{i % 3:02d}/{name}", file_name=name, project_id="show" if i < 5 else "other",
                    episode=f"ép{i % 2}", sequence=f"sq{i % 3:02d}", shot=f"sh{i:03d}", version=f"v{i + 1:03d}",
                    version_number=i + 1, is_latest_version=i % 2 == 0, department=("comp", "light", "anim")[i % 3], task_type="main",
                    artist_id=f"u{i % 2}", artist_name=("Zoë", "Åsa")[i % 2], resolution="2048x1152",
                    frame_rate=Decimal("23.98") if i % 2 else Decimal(24), frame_rate_rational="24000/1001",
                    bit_depth=16, start_frame=1001 if i % 2 else None, end_frame=1100 if i % 2 else None,
                    frame_count=100, file_size=10 ** (i + 3), media_kind=("sequence", "movie", "still")[i % 3],
                    missing_frames=[1003, 1007] if i == 1 else None,
                    extra_metadata={"codec": "piz", "ünï": [1, 2.5, None]} if i % 2 else None,
                    created_at=datetime(2025, 1 + i, 3, 4, 5, 6, 7 * i, tzinfo=UTC),
                    file_modified_at=datetime(2025, 1, 1, tzinfo=UTC) if i == 2 else None)
                ids[name] = str(record.id)
        store.media.set_status([ids[NAMES[0]], ids[NAMES[3]]], "approved", by="ana", by_name="Ana")
        store.tags.add([ids[NAMES[2]]], "Hero-Shot", created_by="ana")
        store.media.soft_delete(ids[NAMES[4]])
        # Notes: threads, replies, a deleted note taking its reply with it, reactions, attachments, unicode.
        media = ids[NAMES[1]]
        first = horus.add_comment(media, "Edge flicker — gauche 🎬", frame=1012)
        reply = horus.reply(first.id, "@ana fixed in v003?")
        horus.reply(reply.id, "Ja, bestätigt")
        second = horus.add_comment(media, "Grain too strong", frame=None)
        gone = horus.add_comment(media, "wrong shot")
        horus.reply(gone.id, "a reply that goes with it")
        store.comments.soft_delete(gone.id, by="ana")
        horus.resolve(second.id)
        for who, kind in (("ana", "like"), ("bob", "like"), ("bob", "approve")):
            store.comments.react(first.id, who, kind)
        store.comments.attach(reply.id, file_name="ref_ß.png", file_path="files/ab/ref.png", file_size=12,
                              mime_type="image/png", uploaded_by="ana")
        ids["note"] = str(first.id)
        # Playlists: two projects, clips, a deleted one.
        horus.create_playlist("Dailies ünï", project="show", media_ids=[ids[NAMES[0]], ids[NAMES[1]]])
        horus.create_playlist("Empty", project="other")
        doomed = horus.create_playlist("Gone", project="show")
        store.timelines.soft_delete(doomed.id)
    return ids


@pytest.fixture
def sqlite_db(tmp_path: Path) -> tuple[str, dict[str, str]]:
    db = str(tmp_path / "quick.sqlite")
    return db, _fill(db)


class Runner:
    """Runs a verb the quick way (the full path forbidden) and the full way (the quick path off)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys, self.monkeypatch = capsys, monkeypatch
        self.opened: list[bool] = []

    def _run(self, argv: list[str]) -> tuple[int, str, str]:
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err

    def quick(self, *argv: str) -> tuple[int, str, str]:
        with self.monkeypatch.context() as m:
            def no_full_path(*_a: object, **_k: object) -> None:
                raise AssertionError("the full path was taken")
            m.setattr(Horus, "open", classmethod(no_full_path))
            return self._run(list(argv))

    def full(self, *argv: str) -> tuple[int, str, str]:
        with self.monkeypatch.context() as m:
            m.setattr(quick_read.QuickReader, "open", classmethod(lambda cls, db=None: None))
            return self._run(list(argv))

    def either(self, *argv: str) -> tuple[int, str, str]:
        """As a user runs it, noting whether the quick path opened the store."""
        real = quick_read.QuickReader.open.__func__

        def spy(cls: type, db: object = None) -> object:
            reader = real(cls, db)
            self.opened.append(reader is not None)
            return reader

        with self.monkeypatch.context() as m:
            m.setattr(quick_read.QuickReader, "open", classmethod(spy))
            return self._run(list(argv))


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("HORUS_USER", "ana")
    return Runner(capsys, monkeypatch)


MEDIA_LISTS = [
    [],
    ["--limit", "2"],
    ["--offset", "2", "--limit", "3"],
    ["--offset", "50"],
    ["--limit", "0"],
    ["--asc"],
    ["--sort", "file_name"],
    ["--sort", "frame_rate", "--asc"],
    ["--sort", "start_frame"],
    ["--sort", "file_size", "--asc"],
    ["--project", "show"],
    ["--episode", "ép1"],
    ["--sequence", "sq01", "--shot", "sh001"],
    ["--department", "comp", "--department", "anim"],
    ["--task-type", "main", "--status", "approved"],
    ["--status", "pending"],
    ["--artist", "Zoë"],
    ["--artist", "u1"],
    ["--file-type", "exr"],
    ["--file-type", ".MOV", "--file-type", "still"],
    ["--file-type", "movie"],
    ["--since", "2025-03-01"],
    ["--until", "2025-03-03T04:05:06.000014+00:00"],
    ["--since", "2025-02-03T05:05:06+01:00", "--until", "2025-06-01"],
    ["--latest"],
    ["--search", "ünï"],
    ["--search", "ÜNÏCØDÉ"],
    ["--search", "ab"],
    ["--search", "10%"],
    ["--search", "_d"],
    ["--search", "hero"],
    ["--search", "he"],
    ["--search", "🎬"],
    ["--search", 'a\\b "x'],
    ["--search", "plate sq00"],
    ["--search", "   "],
    ["--project", "sh\x00ow"],
    ["--search", "nothing-like-it"],
]


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("filters", MEDIA_LISTS, ids=lambda f: " ".join(f) or "all")
def test_media_list_says_the_same_both_ways(sqlite_db: tuple[str, dict[str, str]], runner: Runner,
                                            filters: list[str], json_flag: list[str]) -> None:
    db, _ = sqlite_db
    argv = ["media", "list", "--db", db, *filters, *json_flag]
    quick = runner.quick(*argv)
    assert quick == runner.full(*argv)
    assert quick[0] == 0


def test_the_store_is_named_every_way_engine_names_it(sqlite_db: tuple[str, dict[str, str]], runner: Runner,
                                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db, _ = sqlite_db
    monkeypatch.chdir(tmp_path)
    for given in (db, "quick.sqlite", f"sqlite:///{db}", "sqlite:///quick.sqlite"):
        path = quick_read.sqlite_path(given)
        assert path == sqlite_file(resolve_store_url(given))
        assert runner.quick("db", "info", "--db", given) == runner.full("db", "info", "--db", given)
    monkeypatch.setenv("HORUS_DB", db)
    assert runner.quick("media", "list", "--json") == runner.full("media", "list", "--json")
    monkeypatch.delenv("HORUS_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert quick_read.sqlite_path(None) == sqlite_file(resolve_store_url(None))


@pytest.mark.parametrize("user", ["ana", "newcomer", None])
def test_db_info_says_the_same_both_ways_and_signs_no_one_in(sqlite_db: tuple[str, dict[str, str]],
                                                             runner: Runner, user: str | None) -> None:
    db, _ = sqlite_db
    argv = ["db", "info", "--db", db, *(["--user", user] if user else [])]
    before = _users(db)
    quick_text, quick_json = runner.quick(*argv), runner.quick(*argv, "--json")
    assert _users(db) == before  # nothing written: no last-login time, no user made, no op to sync
    assert quick_text == runner.full(*argv)
    assert quick_json == runner.full(*argv, "--json")


def _users(db: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM horus_users ORDER BY id").fetchall()


def test_paths_where_says_the_same_both_ways(sqlite_db: tuple[str, dict[str, str]], runner: Runner) -> None:
    db, ids = sqlite_db
    for target in (ids[NAMES[1]], ids[NAMES[1]].replace("-", "").upper()):
        argv = ["paths", "where", target, "--db", db, "--json"]
        assert runner.quick(*argv) == runner.full(*argv)
    # A deleted or unknown media: the full path's error, either way.
    for target in (ids[NAMES[4]], str(uuid.uuid4())):
        argv = ["paths", "where", target, "--db", db]
        seen = runner.either(*argv)
        assert seen == runner.full(*argv) and seen[0] == 2 and "not found" in seen[2].lower()


@pytest.mark.parametrize("which", ["notes", "none", "deleted", "bad"])
def test_comment_list_says_the_same_both_ways(sqlite_db: tuple[str, dict[str, str]], runner: Runner,
                                              which: str) -> None:
    db, ids = sqlite_db
    media = {"notes": ids[NAMES[1]], "none": ids[NAMES[0]], "deleted": ids[NAMES[4]], "bad": "not-an-id"}[which]
    for json_flag in ([], ["--json"]):
        argv = ["comment", "list", media, "--db", db, *json_flag]
        seen = runner.either(*argv)
        assert seen == runner.full(*argv)
        assert seen[0] == (2 if which == "bad" else 0)
    if which == "notes":
        assert runner.quick("comment", "list", media, "--db", db)[1].count("\n") == 4  # 3 in a thread, 1 resolved


@pytest.mark.parametrize("project", [[], ["--project", "show"], ["--project", "nope"]], ids=lambda p: " ".join(p))
def test_playlist_list_says_the_same_both_ways(sqlite_db: tuple[str, dict[str, str]], runner: Runner,
                                               project: list[str]) -> None:
    db, _ = sqlite_db
    for json_flag in ([], ["--json"]):
        argv = ["playlist", "list", "--db", db, *project, *json_flag]
        quick = runner.quick(*argv)
        assert quick == runner.full(*argv) and quick[0] == 0


def test_an_empty_store(tmp_path: Path, runner: Runner) -> None:
    db = str(tmp_path / "empty.sqlite")
    assert main(["db", "upgrade", "--db", db]) == 0
    runner.capsys.readouterr()
    for argv in (["media", "list"], ["media", "list", "--json"], ["db", "info", "--json"], ["playlist", "list"],
                 ["comment", "list", str(uuid.uuid4()), "--json"]):
        quick = runner.quick(*argv, "--db", db)
        assert quick == runner.full(*argv, "--db", db)
    assert runner.quick("media", "list", "--db", db)[1] == "0 media\n"


def test_a_bad_argument_gets_the_full_paths_error(sqlite_db: tuple[str, dict[str, str]], runner: Runner) -> None:
    db, _ = sqlite_db
    for argv in (["media", "list", "--sort", "nope"], ["media", "list", "--limit", "-1"]):
        seen = runner.either(*argv, "--db", db)
        assert seen == runner.full(*argv, "--db", db)
        assert seen[0] == 2 and seen[2].startswith("horus: error:")


def test_an_older_store_is_upgraded_as_before(tmp_path: Path, runner: Runner) -> None:
    db = tmp_path / "old.sqlite"
    engine = create_store_engine(f"sqlite:///{db}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
    engine.dispose()
    code, out, err = runner.either("media", "list", "--db", str(db))
    assert runner.opened == [False]  # the quick path left it to the full one, which upgraded it
    assert (code, out) == (0, "0 media\n")
    assert list(tmp_path.glob("old.before-upgrade-*.sqlite"))  # copied aside first, as always
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(quick_read.scripts_head(),)]
    assert runner.either("media", "list", "--db", str(db)) == (0, "0 media\n", "")
    assert runner.opened == [False, True]


def test_a_damaged_file_gets_the_same_error(tmp_path: Path, runner: Runner) -> None:
    db = tmp_path / "damaged.sqlite"
    db.write_bytes(b"this is no database at all" * 200)
    for argv in (["media", "list"], ["db", "info"]):
        seen = runner.either(*argv, "--db", str(db))
        assert seen == runner.full(*argv, "--db", str(db))
        assert seen[0] == 2 and seen[2].startswith("horus: error:")
    assert not any(runner.opened)


def test_a_missing_file_is_refused_the_same_both_ways(tmp_path: Path, runner: Runner) -> None:
    db = tmp_path / "new" / "fresh.sqlite"
    db.parent.mkdir()  # a missing folder is refused too (test_cli_store_folder.py)
    for argv in (["media", "list"], ["db", "info", "--json"], ["playlist", "notes", "Dailies"]):
        seen = runner.either(*argv, "--db", str(db))
        assert seen == runner.full(*argv, "--db", str(db))
        assert seen[:2] == (2, "") and seen[2].startswith(f"horus: error: --db {db}: no store there")
    assert runner.opened == [] and not db.exists()  # refused before either path opened (and so made) it


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="needs file permissions that bind (not root)")
def test_a_read_only_store_takes_the_full_path_and_its_note(sqlite_db: tuple[str, dict[str, str]],
                                                            runner: Runner) -> None:
    db, _ = sqlite_db
    os.chmod(db, 0o444)
    try:
        seen = runner.either("media", "list", "--db", db)
        assert runner.opened == [False]
        assert seen[0] == 0 and "browsing only" in seen[2]
        assert seen == runner.full("media", "list", "--db", db)
    finally:
        os.chmod(db, 0o644)


def test_a_store_locked_by_a_writer_is_still_read(sqlite_db: tuple[str, dict[str, str]], runner: Runner) -> None:
    db, _ = sqlite_db
    expected = runner.full("media", "list", "--db", db, "--json")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        assert runner.either("media", "list", "--db", db, "--json") == expected
        assert runner.opened == [True]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.postgres
def test_postgresql_takes_the_full_path(pg_server_url: str, runner: Runner) -> None:
    ids = _fill(pg_server_url)
    assert quick_read.QuickReader.open(pg_server_url) is None
    for argv in (["media", "list", "--json"], ["media", "list", "--search", "ünï"], ["db", "info"],
                 ["paths", "where", ids[NAMES[1]], "--json"], ["comment", "list", ids[NAMES[1]], "--json"],
                 ["playlist", "list"]):
        seen = runner.either(*argv, "--db", pg_server_url)
        assert seen[0] == 0 and seen == runner.full(*argv, "--db", pg_server_url)


def test_the_pieces_shared_with_the_repositories_match() -> None:
    from sqlalchemy import JSON, Boolean, Numeric, Uuid

    from horus_desktop.api import default_user_id
    from horus_desktop.domain.records import (
        Comment,
        CommentAttachment,
        CommentReaction,
        MediaRecord,
        Timeline,
    )
    from horus_desktop.store.models import (
        CommentAttachmentRow,
        CommentReactionRow,
        CommentRow,
        MediaRecordRow,
        TimelineRow,
    )
    from horus_desktop.store.repositories import media as media_repository
    from horus_desktop.store.types import UtcDateTime

    assert quick_read.SEARCH_TEXT_SQL == media_repository.SEARCH_TEXT_SQL
    assert quick_read.MEDIA_KINDS == media_repository._MEDIA_KINDS
    assert quick_read.default_user_id() == default_user_id()
    names, _ = quick_read.record_reader(MediaRecord)
    assert set(names) == {c.name for c in MediaRecordRow.__table__.columns}
    # Each column comes back converted as its SQLAlchemy type converts it on SQLite.
    for record, model in ((MediaRecord, MediaRecordRow), (Comment, CommentRow), (CommentReaction, CommentReactionRow),
                          (CommentAttachment, CommentAttachmentRow), (Timeline, TimelineRow)):
        table = model.__table__
        for name, spec in record.__dataclass_fields__.items():
            if name not in table.c:
                continue
            column_type = table.c[name].type
            converter = quick_read._annotation_converter(name, str(spec.type))
            if isinstance(column_type, Uuid | UtcDateTime | Boolean | JSON):
                assert converter is not None, name
            elif isinstance(column_type, Numeric):
                assert column_type.scale == quick_read._DECIMAL_SCALE[name]
            else:
                assert converter is None, name


def test_media_list_on_a_current_store_loads_no_sqlalchemy(sqlite_db: tuple[str, dict[str, str]]) -> None:
    db, ids = sqlite_db
    child = ("import sys; from horus_desktop.cli import main\n"
             "for argv in (['media', 'list', '--db', sys.argv[1], '--json'], ['db', 'info', '--db', sys.argv[1]],\n"
             "             ['comment', 'list', sys.argv[2], '--db', sys.argv[1]], ['playlist', 'list', '--db', sys.argv[1]],\n"
             "             ['sync', 'status', '--db', sys.argv[1], '--server', 'postgresql://h/db'],\n"
             "             ['paths', 'where', sys.argv[2], '--db', sys.argv[1]]):\n"
             "    assert main(argv) == 0\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'psycopg'}))")
    result = subprocess.run([sys.executable, "-c", child, db, ids[NAMES[0]]], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_verb_shows_its_bar_on_a_terminal_before_the_store_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    # ingest, demo, montu import and offline take: their first output comes before the store's libraries load.
    from horus_desktop.cli import common, offline

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    shown_before_opening: list[str] = []

    def opening(_args: object) -> None:
        shown_before_opening.append(terminal.getvalue())
        raise common.CliError("stop here")

    monkeypatch.setattr(common, "open_horus", opening)
    monkeypatch.setattr(offline, "open_horus", opening)
    with pytest.raises(common.CliError), common.store_with_progress(argparse.Namespace(db=None, user=None), "ingest"):
        pass
    assert main(["offline", "take", "--project", "show"]) == 2
    assert len(shown_before_opening) == 2
    assert "ingest" in shown_before_opening[0] and "offline" in shown_before_opening[1]


def _add_sync_rows(db: str) -> None:
    """Conflicts (one each way, one resolved, unicode and JSON values) and a refused op, as a pull leaves them."""
    with sqlite3.connect(db) as conn:
        me = conn.execute("SELECT client_id FROM horus_sync_state").fetchone()[0]
        rows = [
            (uuid.uuid4().hex, "horus_media_records", "r1", "approval_status", '"approved"', '"rejected"', "bob",
             "ana", "other", me, "001764547200000.00001.other", "001764547201000.00000." + me, "incoming", 0,
             "2026-11-30 10:00:00.000001"),
            (uuid.uuid4().hex, "horus_comments", "r2", "content", '"Grün ✓"', '{"a": [1, null]}', "zoë", "ana",
             me, "other", "not a clock", None, "existing", 0, "2026-11-30 10:00:00.000002"),
            (uuid.uuid4().hex, "horus_comments", "r3", "content", "null", '"x"', None, None, "other", me,
             None, None, "incoming", 1, "2026-11-30 10:00:00.000002"),
        ]
        conn.executemany(
            "INSERT INTO horus_sync_conflicts (id, table_name, row_id, field, incoming_value, existing_value, "
            "incoming_author, existing_author, incoming_client, existing_client, incoming_hlc, existing_hlc, winner, "
            "resolved, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("INSERT INTO horus_sync_rejected (op_id, table_name, row_id, reason, at) VALUES "
                     "('op1', 'horus_comments', 'r9', 'no such media ü', '2026-11-30 11:00:00.000000')")
        conn.execute("UPDATE horus_sync_state SET cursor_xid = 12, cursor_seq = 3, "
                     "last_sync = '2026-11-30 12:00:00.000000'")


@pytest.mark.parametrize("server", ["saved", "given", "none"])
def test_sync_status_and_conflicts_say_the_same_both_ways(sqlite_db: tuple[str, dict[str, str]], runner: Runner,
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          server: str) -> None:
    db, _ = sqlite_db
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "machine.json"))
    url = "postgresql://postgres@127.0.0.1:9/never_contacted"
    if server == "saved":
        assert runner.full("server", "set", url)[0] == 0
    given = ["--server", url] if server == "given" else []
    _add_sync_rows(db)
    for argv in (["sync", "status"], ["sync", "status", "--json"], ["sync", "conflicts"],
                 ["sync", "conflicts", "--all", "--json"], ["sync", "conflicts", "list", "--json"],
                 ["sync", "--db", db, "status", *given]):
        argv = [*argv, "--db", db, *given] if argv[1] != "--db" else argv
        seen = runner.either(*argv)
        assert seen == runner.full(*argv)
        if server == "none":
            assert seen[0] == 2 and "no" in seen[2] and "server" in seen[2]
        else:
            assert seen[0] == 0 and runner.opened[-1]
    if server == "saved":
        body = json.loads(runner.quick("sync", "status", "--db", db, "--json")[1])
        assert (body["pending_ops"] > 0, body["cursor"], body["unresolved_conflicts"], len(body["rejected"])) == (
            True, "12:3", 2, 1)
