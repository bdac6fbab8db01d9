"""``--db PATH`` whose folder does not exist: a typo must not give the user a new empty store. Every verb that
takes ``--db`` (the window too, ``$HORUS_DB`` too) refuses it in one line on stderr naming the folder, exit 2,
and creates nothing; a folder that exists with no store file in it still gets a new store, as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.cli import main

MEDIA_ID = "00000000-0000-0000-0000-000000000001"


def _verbs(tmp_path: Path) -> list[list[str]]:
    shots = tmp_path / "shots"
    shots.mkdir(exist_ok=True)
    return [["db", "info"], ["db", "info", "--json"], ["db", "upgrade"], ["media", "list"],
            ["media", "list", "--json"], ["playlist", "list"], ["playlist", "list", "--json"],
            ["playlist", "notes", "Dailies"], ["comment", "add", MEDIA_ID, "--text", "too dark"],
            ["media", "set-status", MEDIA_ID, "approved"], ["ingest", str(shots), "--json"],
            ["sync", "status"], ["bench", "store", "--records", "10"]]


@pytest.mark.parametrize("index", range(13))
def test_a_missing_folder_is_refused_naming_it_and_nothing_is_made(
        tmp_path: Path, index: int, capsys: pytest.CaptureFixture[str]) -> None:
    verb = _verbs(tmp_path)[index]
    missing = tmp_path / "typo" / "dir"
    code = main([*verb, "--db", str(missing / "review.sqlite")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"horus: error: --db {missing / 'review.sqlite'}: the folder {missing} does not exist")
    assert "create the folder first" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "typo").exists()


def test_given_before_the_verb_with_json_stdout_stays_empty(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nope" / "x.sqlite"
    assert main(["--db", str(db), "--json", "db", "info"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and f"the folder {db.parent} does not exist" in err
    assert not db.parent.exists()


def test_a_sqlite_url_and_horus_db_are_checked_too(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "nope" / "x.sqlite"
    assert main(["media", "list", "--db", f"sqlite:///{db}"]) == 2
    assert f"the folder {db.parent} does not exist" in capsys.readouterr().err
    monkeypatch.setenv("HORUS_DB", str(db))
    assert main(["playlist", "list"]) == 2
    assert capsys.readouterr().err.startswith(f"horus: error: HORUS_DB={db}: the folder {db.parent} does not exist")
    assert not db.parent.exists()


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    assert main(["db", "info", "--db", str(tmp_path / "notes.txt" / "x.sqlite")]) == 2
    assert f": {tmp_path / 'notes.txt'} is not a folder" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "not a folder"


def test_an_existing_folder_still_gets_a_new_store_from_a_verb_that_adds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "review.sqlite"
    assert main(["db", "upgrade", "--db", str(db)]) == 0 and db.is_file()
    capsys.readouterr()
    assert main(["db", "info", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["media"] == 0
    shots = tmp_path / "shots"
    shots.mkdir()
    other = tmp_path / "other.sqlite"
    assert main(["ingest", str(shots), "--db", str(other), "--json"]) == 0 and other.is_file()


READ_VERBS = [["db", "info"], ["db", "info", "--json"], ["media", "list"], ["media", "list", "--json"],
              ["comment", "list", MEDIA_ID], ["comment", "list", MEDIA_ID, "--json"], ["playlist", "list"],
              ["playlist", "list", "--json"], ["playlist", "notes", "Dailies"],
              ["playlist", "export", "Dailies", "{tmp}/cut.otio"],
              ["export", "notes", "--format", "csv", "--out", "{tmp}/n.csv", "--media", MEDIA_ID],
              ["paths", "where", MEDIA_ID], ["sync", "status"], ["sync", "status", "--json"], ["sync", "conflicts"],
              ["sync", "conflicts", "list", "--json"]]


@pytest.mark.parametrize("verb", READ_VERBS, ids=" ".join)
def test_a_read_verb_refuses_a_store_file_that_does_not_exist_and_makes_none(
        tmp_path: Path, verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "reveiw.sqlite"  # a typo of an existing store's name
    code = main([*(a.format(tmp=tmp_path) for a in verb), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (f"horus: error: --db {db}: no store there (the file does not exist; nothing was created); "
                   "check the path, or make a store with a verb that adds to it: horus ingest, horus demo, "
                   "horus playlist import\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_horus_db_and_a_sqlite_url_naming_no_file_are_refused_by_read_verbs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.sqlite"
    assert main(["--json", "--db", f"sqlite:///{db}", "media", "list"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"horus: error: --db sqlite:///{db}: no store there")
    monkeypatch.setenv("HORUS_DB", str(db))
    assert main(["playlist", "list"]) == 2
    assert capsys.readouterr().err.startswith(f"horus: error: HORUS_DB={db}: no store there")
    assert not db.exists()


def test_the_window_is_refused_before_qt_loads(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "review.sqlite"
    child = ("import sys; from horus_desktop.cli import main\n"
             "code = main(['--db', sys.argv[1]])\n"
             "print('qt loaded' if 'PySide6' in sys.modules else 'no qt')\n"
             "sys.exit(code)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HORUS_SETTINGS": str(tmp_path / "settings.ini"),
           "HORUS_GL": "0"}
    run = subprocess.run([sys.executable, "-c", child, str(db)], capture_output=True, text=True, timeout=60,
                         env=env, check=False)
    assert run.returncode == 2 and run.stdout == "no qt\n"
    assert run.stderr == (f"horus: error: --db {db}: the folder {db.parent} does not exist (nothing was created); "
                          f"to make a new store there, create the folder first: mkdir -p {db.parent}\n")
    assert not db.parent.exists()
