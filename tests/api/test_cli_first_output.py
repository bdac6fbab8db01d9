"""The long-running verbs (demo, ingest, import-montu, export, offline take, sync) say what they are about to
do on stderr before the store, the media engine or Qt load: a script's log or a terminal shows it at once.

Each verb runs in a fresh interpreter where importing a heavy library stops the process, so the output
before that point is exactly what a user sees before the wait.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_CHILD = """
import json, sys
class Stop:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('sqlalchemy', 'alembic', 'PySide6', 'numpy', 'av', 'opentimelineio', 'psycopg'):
            print('HEAVY ' + name, file=sys.stderr, flush=True)
            raise SystemExit(9)
sys.meta_path.insert(0, Stop())
from horus_desktop.cli import main
main(json.loads(sys.argv[1]))
"""


def _stderr_before_heavy(argv: list[str], tmp_path: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HORUS_CONFIG": str(tmp_path / "machine.json"),
           "HORUS_USER": "ana"}
    result = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(argv)], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 9, result.stderr  # it did reach a heavy library: the line came before it
    assert result.stdout == ""  # standard output keeps the result (or the JSON) alone
    return result.stderr.splitlines()


@pytest.mark.parametrize(("argv", "said"), [
    (["demo", "--folder", "{tmp}/demo"], "horus: demo: generating the demo project's media, notes and playlist "
     "under {tmp}/demo ..."),
    (["demo"], "horus: demo: generating the demo project's media, notes and playlist under {tmp}/s-files/demo ..."),
    (["ingest", "{tmp}"], "horus: ingest: scanning {tmp} for sequences, movies and stills ..."),
    (["import-montu", "{tmp}", "--json"], "horus: import-montu: importing the Montu export in {tmp} ..."),
    (["export", "notes", "--playlist", "dailies", "--format", "csv", "--out", "{tmp}/n.csv"],
     "horus: export: the CSV notes report of playlist 'dailies' to {tmp}/n.csv ..."),
    (["export", "frames", "--media", "m1", "--out", "{tmp}"],
     "horus: export: the noted and drawn frames of media m1, burned in, as PNG to {tmp} ..."),
    (["playlist", "import", "{tmp}/cut.otio"], "horus: playlist: importing {tmp}/cut.otio as a new playlist ..."),
    (["playlist", "export", "pl1", "{tmp}/out.edl"], "horus: playlist: writing playlist pl1 to {tmp}/out.edl ..."),
    (["offline", "take", "--shot", "sh010"],
     "horus: offline: copying the media the filters find to this machine's mapped local roots ..."),
    (["sync", "--server", "postgresql://ana:secret@127.0.0.1:9/studio"],
     "horus: sync: one round with postgresql://ana:***@127.0.0.1:9/studio ..."),
], ids=lambda v: " ".join(v[:2]) if isinstance(v, list) else "")
def test_a_long_verb_says_what_it_will_do_before_the_heavy_libraries_load(argv: list[str], said: str,
                                                                          tmp_path: Path) -> None:
    tmp = str(tmp_path)
    (tmp_path / "cut.otio").write_text("{}")
    (tmp_path / "s.sqlite").touch()  # the verbs that only read refuse a store file that does not exist
    lines = _stderr_before_heavy([a.format(tmp=tmp) for a in argv] + ["--db", f"{tmp}/s.sqlite"], tmp_path)
    assert lines[0] == said.format(tmp=tmp)
    assert lines[1].startswith("HEAVY ")


def test_a_sync_round_counts_the_changes_waiting_when_the_store_is_read_without_them(tmp_path: Path) -> None:
    import sqlite3

    from horus_desktop.api import Horus

    db = str(tmp_path / "s.sqlite")
    with Horus.open(db, user="ana") as horus:
        horus.store.media.create(file_path="/show/sh010.exr", project_id="show", version="v001")
    with sqlite3.connect(db) as conn:
        waiting = conn.execute("SELECT count(*) FROM horus_sync_outbox").fetchone()[0]
    assert waiting >= 2  # the user and the media
    lines = _stderr_before_heavy(["sync", "--server", "postgresql://127.0.0.1:9/studio", "--db", db], tmp_path)
    assert lines[0] == f"horus: sync: one round with postgresql://127.0.0.1:9/studio: {waiting} changes to push ..."


@pytest.mark.parametrize("argv", [
    ["ingest", "{tmp}/no such folder"],  # the error comes first, as before
    ["export", "notes", "--format", "csv", "--out", "{tmp}/n.csv"],  # no scope: the verb says what to give
    ["offline", "take"],
    ["playlist", "import", "{tmp}/missing.otio"],
    ["playlist", "export", "pl1", "{tmp}/out.mov"],
    ["sync"],  # no server: the round says how to set one
])
def test_a_verb_about_to_fail_says_nothing_first(argv: list[str], tmp_path: Path) -> None:
    (tmp_path / "s.sqlite").touch()  # the verbs that only read refuse a store file that does not exist
    lines = _stderr_before_heavy([a.format(tmp=str(tmp_path)) for a in argv] + ["--db", f"{tmp_path}/s.sqlite"],
                                 tmp_path)
    assert lines[0].startswith("HEAVY ")
