"""The `horus` command as pipeline scripts call it: JSON output, errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


def test_db_upgrade_then_info(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade", "--db", db)
    assert code == 0 and "schema at" in out and "was empty" in out
    code, out, _ = run(capsys, "db", "upgrade", "--db", db)
    assert "already current" in out
    code, out, _ = run(capsys, "db", "info", "--db", db, "--json")
    assert json.loads(out)["media"] == 0


def test_media_and_comment_verbs(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from horus_desktop.api import Horus

    with Horus.open(db, user="ana") as horus:
        a = horus.store.media.create(file_path="/s/sq1/sh010/comp/v001/a.exr", project_id="show", shot="sh010",
                                     department="comp", version="v001")
        horus.store.media.create(file_path="/s/sq1/sh020/anim/v001/b.mov", project_id="show", shot="sh020",
                                 department="anim", version="v001")
    code, out, _ = run(capsys, "media", "list", "--db", db, "--department", "comp", "--json")
    listing = json.loads(out)
    assert code == 0 and listing["total"] == 1 and listing["items"][0]["id"] == str(a.id)
    code, out, _ = run(capsys, "media", "set-status", str(a.id), "approved", "--db", db)
    assert code == 0 and "approved" in out
    code, out, _ = run(capsys, "media", "list", "--db", db, "--status", "approved", "--json")
    assert [m["id"] for m in json.loads(out)["items"]] == [str(a.id)]
    code, out, _ = run(capsys, "comment", "add", str(a.id), "--text", "Too dark", "--frame", "1001",
                       "--db", db, "--user", "ana")
    note_id = out.strip()
    code, out, _ = run(capsys, "comment", "add", str(a.id), "--text", "Brightened", "--reply-to", note_id,
                       "--db", db, "--user", "bo")
    code, out, _ = run(capsys, "comment", "list", str(a.id), "--db", db, "--json")
    (thread,) = json.loads(out)
    assert thread["content"] == "Too dark" and thread["frame_number"] == 1001 and thread["user_id"] == "ana"
    assert [r["content"] for r in thread["replies"]] == ["Brightened"]
    code, out, _ = run(capsys, "comment", "list", str(a.id), "--db", db)
    assert "    bo: [1001] Brightened" in out


def test_errors_name_the_field_and_exit_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "media", "set-status", "not-a-uuid", "approved", "--db", db)
    assert code == 2 and "media_id: not a UUID" in err
    code, _, err = run(capsys, "comment", "add", "00000000-0000-0000-0000-000000000001", "--text", "x",
                       "--db", db)
    assert code == 2 and "not found" in err
    code, _, err = run(capsys, "media", "list", "--sort", "password", "--db", db)
    assert code == 2 and "sort_by" in err
    code, _, err = run(capsys, "db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2 and "cannot use the store" in err
    code, _, err = run(capsys, "import-montu", "/no/such/folder", "--db", db)
    assert code == 2 and "not a folder" in err
    code, _, err = run(capsys, "bench", "playback", "/no/such/shot.####.exr")
    assert code == 2 and "/no/such/shot.%04d.exr: no frames on disk" in err


def test_python_dash_m_runs_the_command(db: str) -> None:
    result = subprocess.run([sys.executable, "-m", "horus_desktop", "db", "upgrade", "--db", db],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "schema at" in result.stdout


def test_help_answers_without_loading_the_store_or_qt() -> None:
    """`horus --help` and a verb's help build every parser, yet load neither SQLAlchemy nor Qt (start-up time)."""
    probe = ("import sys, contextlib, io\n"
             "from horus_desktop.cli import main\n"
             "for argv in (['--help'], ['playlist', 'import', '--help'], ['bench', '--help']):\n"
             "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
             "        main(argv)\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'PySide6', 'opentimelineio'}))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_db_upgrade_on_postgresql_creates_all_tables(pg_server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import create_engine, inspect, text

    from horus_desktop.store.models import SEED_TABLES

    engine = create_engine(pg_server_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    code, out, _ = run(capsys, "db", "upgrade", "--db", pg_server_url)
    assert code == 0
    insp = inspect(engine)
    assert set(SEED_TABLES) <= set(insp.get_table_names())
    assert sum(len(insp.get_indexes(t)) for t in SEED_TABLES) >= 41
    engine.dispose()


def test_global_options_before_the_verb(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db, "db", "upgrade")[0] == 0  # db info reads a store: it makes none
    code, out, err = run(capsys, "--db", db, "--user", "ana", "--json", "db", "info")
    assert code == 0, err
    info = json.loads(out)
    assert info["store"].endswith("cli.sqlite") and info["user"] == "ana"
    code, out, _ = run(capsys, f"--db={db}", "playlist", "list", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(("text", "rate"), [
    ("TITLE: X\n\n001  SH010    V     C        01:00:02:00 01:00:00:00 00:00:02:00 00:00:00:00\n", None),
    ('{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", '
     '"children": [{"OTIO_SCHEMA": "Clip.1", "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": '
     '{"OTIO_SCHEMA": "RationalTime.1", "rate": 24, "value": 1e300}, "duration": {"OTIO_SCHEMA": '
     '"RationalTime.1", "rate": 24, "value": 5}}}]}]}}', None),
    ("TITLE: X\n\n001  SH010    V     C        01:00:00:00 01:00:02:00 00:00:00:00 00:00:02:00\n", "0"),
])
def test_bad_playlist_files_and_rates_exit_2_naming_the_file(db: str, tmp_path: Path, text: str, rate: str | None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0  # playlist list below reads a store: it makes none
    path = tmp_path / ("cut.otio" if text.startswith("{") else "cut.edl")
    path.write_text(text)
    args = ["playlist", "import", str(path), "--db", db] + (["--rate", rate] if rate else [])
    try:
        code, out, err = run(capsys, *args)
    except SystemExit as exc:  # argparse refuses the option value itself
        code, (out, err) = int(exc.code or 0), capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert ("rate" in err) if rate else (str(path) in err)
    code, out, _ = run(capsys, "playlist", "list", "--db", db, "--json")
    assert json.loads(out) == []
