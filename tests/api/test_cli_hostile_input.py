"""Hostile input to the quick write verbs through the real ``horus`` command (a fresh process): each refusal is
one line naming the argument (exit 2, nothing on stdout with ``--json``), before the store is opened, so the
store is left exactly as it was (no sign-in either); a ``comment add`` killed mid-write leaves the whole note
with its outbox op, or nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.services.sound import set_sound

_HORUS = str(Path(sys.executable).with_name("horus"))  # the installed command, as a user runs it


def _horus(*argv: str | bytes, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([_HORUS, *argv], env=env, capture_output=True, timeout=120, check=False)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    db = tmp_path / "store.sqlite"
    with Horus.open(str(db), user="ana") as horus:
        with horus.store.transaction():
            media = horus.store.media.create(file_path="/show/sh010/plate_v001.exr", project_id="show",
                                             shot="sh010", version="v001")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "HORUS_USER": "ana", "HORUS_DB": str(db)}
    return db, str(media.id), env


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return [f"{t}: {row!r}" for t in tables for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"')))]
    finally:
        conn.close()


@pytest.mark.parametrize(("argv", "named"), [
    (["--text", b"bad \xff byte"], b"--text"),                                  # not UTF-8 (a Latin-1 shell)
    (["--text", "hi", "--frame", str(2 ** 63)], b"--frame"),                   # more than SQLite holds
    (["--text", "hi", "--frame", str(-2 ** 63 - 1)], b"--frame"),
    (["--text", "hi", "--frame", "9" * 40], b"--frame"),
    (["--text", "hi", "--user", b"z\xe9d"], b"--user"),
])
def test_comment_add_refuses_what_it_cannot_store_naming_the_argument(
        argv: list[str | bytes], named: bytes, store: tuple[Path, str, dict[str, str]]) -> None:
    db, media, env = store
    before = _dump(db)
    done = _horus("comment", "add", media, *argv, "--json", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert named in done.stderr and b"Traceback" not in done.stderr
    assert _dump(db) == before


def test_comment_add_keeps_unicode_and_long_text_as_given(store: tuple[Path, str, dict[str, str]]) -> None:
    db, media, env = store
    text = "\u202eRTL 😀 e\u0301 " + "x" * 100_000
    done = _horus("comment", "add", media, "--text", text, "--frame", str(2 ** 63 - 1), env=env)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT content, frame_number FROM horus_comments").fetchall() == [(text, 2 ** 63 - 1)]
    conn.close()


def test_comment_add_killed_mid_write_leaves_the_whole_note_or_nothing(store: tuple[Path, str, dict[str, str]]
                                                                      ) -> None:
    db, media, env = store
    for attempt in range(20):
        proc = subprocess.Popen([_HORUS, "comment", "add", media, "--text", f"note {attempt}"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.02 * (attempt % 10) + 0.1)  # kill at different points: start-up, sign-in, the note
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = {r[0] for r in conn.execute("SELECT id FROM horus_comments")}
        ops = {r[0] for r in conn.execute("SELECT row_id FROM horus_sync_outbox WHERE table_name = "
                                          "'horus_comments'")}
        unstamped = conn.execute("SELECT count(*) FROM horus_sync_outbox WHERE hlc IS NULL").fetchone()[0]
    finally:
        conn.close()
    assert notes == ops
    assert unstamped == 0


def _wav(path: Path, rate: int) -> Path:
    """A PCM WAV, 2 channels of 16 bits, 100 frames of silence, whose header says ``rate``."""
    fmt = struct.pack("<HHIIHH", 1, 2, rate, rate * 4 & 0xFFFFFFFF, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 400) + b"\0" * 400
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def test_media_sound_refuses_a_wav_whose_rate_ffmpeg_cannot_hold(store: tuple[Path, str, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    """The standard library reads any rate a header says; FFmpeg (which plays the sound) refuses one over
    2**31 - 1: such a file is refused naming it, as every other file the sound player cannot open."""
    db, media, env = store
    before = _dump(db)
    lying = _wav(tmp_path / "lying.wav", 2 ** 32 - 1)
    done = _horus("media", "sound", media, str(lying), "--json", env=env)
    assert done.returncode == 2, done.stdout
    assert done.stdout == b""
    assert str(lying).encode() in done.stderr and b"Traceback" not in done.stderr
    assert [line for line in _dump(db) if line.startswith("horus_media_records")] == \
        [line for line in before if line.startswith("horus_media_records")]
    fine = _wav(tmp_path / "fine.wav", 2 ** 31 - 1)
    done = _horus("media", "sound", media, str(fine), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sound"] == {"path": str(fine), "offset": 0}


def test_paths_where_counts_only_frames_named_as_the_pattern_says(store: tuple[Path, str, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    """A file whose name is a frame's name and a newline is not that frame (the regex's ``$`` took it)."""
    _db, _media, env = store
    folder = tmp_path / "seq"
    folder.mkdir()
    (folder / "shot.0001.exr\n").write_bytes(b"")
    done = _horus("paths", "where", f"{folder}/shot.%04d.exr", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["present"] is False
    (folder / "shot.0002.exr").write_bytes(b"")
    done = _horus("paths", "where", f"{folder}/shot.%04d.exr", "--json", env=env)
    assert json.loads(done.stdout)["present"] is True


def test_paths_where_answers_for_a_frame_field_wider_than_any_file_name(store: tuple[Path, str, dict[str, str]],
                                                                        tmp_path: Path) -> None:
    _db, _media, env = store
    (tmp_path / "shot.0001.exr").write_bytes(b"")
    done = _horus("paths", "where", f"{tmp_path}/shot.%099999999999d.exr", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["present"] is False


@pytest.mark.parametrize(("argv", "named"), [
    (["--name", b"cut \xff", "--project", "show"], b"--name"),
    (["--name", "cut", "--project", b"sh\xf6w"], b"--project"),
])
def test_playlist_create_refuses_text_that_is_not_utf8_naming_the_argument(
        argv: list[str | bytes], named: bytes, store: tuple[Path, str, dict[str, str]]) -> None:
    db, media, env = store
    before = _dump(db)
    done = _horus("playlist", "create", *argv, "--media", media, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert named in done.stderr and b"Traceback" not in done.stderr
    assert _dump(db) == before


def test_media_sound_refuses_a_file_name_that_is_not_utf8_before_writing(
        store: tuple[Path, str, dict[str, str]], tmp_path: Path) -> None:
    """The store and sync keep text: a file name with a byte that is not UTF-8 is refused naming the
    argument, not stored as an escaped lone surrogate (PostgreSQL's JSON refuses it) before a traceback."""
    db, media, env = store
    _wav(tmp_path / "ok.wav", 48000)
    named = os.fsencode(tmp_path) + b"/b\xe9bop.wav"
    Path(os.fsdecode(named)).write_bytes((tmp_path / "ok.wav").read_bytes())
    before = _dump(db)
    done = _horus("media", "sound", media, named, "--json", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert b"FILE" in done.stderr and b"Traceback" not in done.stderr
    assert _dump(db) == before


def test_a_store_locked_by_another_writer_is_reported_after_one_wait(
        store: tuple[Path, str, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Another process holds the write lock past the wait: the quick path says so as the full path does
    ('cannot use the store: database is locked') instead of handing over to the full path, which waited for
    the lock all over again (twice the wait, 20 s, before the same error)."""
    from horus_desktop.cli import main
    from horus_desktop.store import quick_read

    db, media, _env = store
    before = _dump(db)
    monkeypatch.setattr(quick_read, "SQLITE_BUSY_TIMEOUT_MS", 100)

    def no_second_wait(*_a: object, **_k: object) -> None:
        raise AssertionError("the full path was taken")

    monkeypatch.setattr(Horus, "open", classmethod(no_second_wait))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for argv in (["comment", "add", media, "--text", "hi", "--json"], ["media", "set-status", media, "approved"]):
            code = main([*argv, "--db", str(db), "--user", "ana"])
            out, err = capsys.readouterr()
            assert (code, out, err) == (2, "", "horus: error: cannot use the store: database is locked\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _dump(db) == before


@pytest.mark.parametrize(("argv", "named"), [
    (["--offset", "9" * 25], b"--offset"),
    (["--limit", str(2 ** 63)], b"--limit"),
    (["--search", b"caf\xe9"], b"--search"),
    (["--shot", b"sh\xff"], b"--shot"),
    (["--department", b"c\xf6mp"], b"--department"),
])
def test_media_list_refuses_what_no_store_can_be_asked_naming_the_argument(
        argv: list[str | bytes], named: bytes, store: tuple[Path, str, dict[str, str]]) -> None:
    db, _media, env = store
    before = _dump(db)
    done = _horus("media", "list", *argv, "--json", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert named in done.stderr and b"Traceback" not in done.stderr
    assert _dump(db) == before


@pytest.mark.parametrize("argv", [
    ["map", b"/sh\xf6ws", "/tmp/x"],
    ["map", "/shows", b"/tmp/caf\xe9"],
])
def test_paths_map_refuses_a_root_that_is_not_utf8_and_keeps_the_settings(
        argv: list[str | bytes], store: tuple[Path, str, dict[str, str]], tmp_path: Path) -> None:
    _db, _media, env = store
    assert _horus("paths", "map", "/projects", str(tmp_path), env=env).returncode == 0
    settings = sorted((tmp_path / "config").rglob("*"))
    before = {p: p.read_bytes() for p in settings if p.is_file()}
    done = _horus("paths", *argv, env=env)
    assert done.returncode == 2, done.stderr
    assert b"ROOT" in done.stderr and b"Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in sorted((tmp_path / "config").rglob("*")) if p.is_file()} == before


@pytest.mark.parametrize("argv", [[], ["--json"], ["SOUND", "--clear"], ["SOUND", "--clear", "--json"]])
def test_media_sound_without_one_of_file_or_clear_is_refused_naming_file(
        store: tuple[Path, str, dict[str, str]], tmp_path: Path, argv: list[str]) -> None:
    """Neither a FILE nor --clear (or both: which one was meant?) is bad input like any other: one
    ``horus: error:`` line naming FILE, exit 2, nothing on stdout, the store as it was. Before, no FILE
    exited 1 with a line of its own, and a FILE beside --clear was dropped and the sound cleared."""
    db, media, env = store
    wav = str(_wav(tmp_path / "mix.wav", 48000))
    with Horus.open(str(db), user="ana") as horus:
        set_sound(horus.store, media, wav, 3)
    before = _dump(db)
    done = _horus("media", "sound", media, *[wav if a == "SOUND" else a for a in argv], env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert done.stderr.startswith(b"horus: error: FILE") and done.stderr.count(b"\n") == 1, done.stderr
    assert _dump(db) == before
