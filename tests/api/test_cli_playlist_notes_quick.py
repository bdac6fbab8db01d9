"""``horus playlist notes`` on a current SQLite store reads through store/quick_store.py (sqlite3, no
SQLAlchemy) and prints exactly what the full path prints: the verb run both ways on the same store (text and
JSON), for playlists with notes on frames and off them, replies, resolved notes, drawings on a hidden layer
and held, approval changes, a deleted media, a start timecode, and by id or by name. A name no playlist or
several have, an unknown id, a deleted playlist: the full path's error, either way.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.store import Store
from horus_desktop.timeline.playlists import create_playlist
from tests.api.test_cli_quick_read import Runner
from tests.services.test_dailies import _draw, _media

ANA, BO = Author("ana", "Ana"), Author("bo", "Bo Ünïcødé")


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("HORUS_USER", "ana")
    return Runner(capsys, monkeypatch)


@pytest.fixture
def notes_db(tmp_path: Path) -> tuple[str, dict[str, str]]:
    db = tmp_path / "notes.sqlite"
    store = Store.open(db)
    try:
        comp = _media(store, "sh010", 3)
        other = _media(store, "sh020", 1)
        anim = _media(store, "sh010", 2, department="anim")
        still = store.media.create(file_path="/show/sh030/plate.exr", project_id="show", shot=None, version="v001",
                                   frame_rate=Decimal("23.98"), frame_rate_rational="24000/1001",
                                   extra_metadata={"start_timecode": "01:00:10:00"}, start_frame=None)
        gone = _media(store, "sh040", 1)
        playlist = create_playlist(store, name="Dailies ünï", project_id="show", user="ana",
                                   media_ids=[comp.id, other.id, anim.id, still.id, gone.id])
        first = notes_service.add_note(store, comp.id, "Edge flickers 🎬", ANA, frame=1005).comment
        reply = notes_service.reply(store, first.id, "fixed in v004", BO).comment
        notes_service.reply(store, reply.id, "sure?", ANA)
        resolved = notes_service.add_note(store, comp.id, "Overall nice", BO).comment
        store.comments.set_resolved(resolved.id, True, "ana")
        store.comments.react(first.id, "bo", "like")
        notes_service.add_note(store, anim.id, "Timing", ANA, frame=1002)
        notes_service.add_note(store, comp.id, "outside the cut", ANA, frame=2000)
        notes_service.add_note(store, still.id, "grade it", BO, frame=3)
        notes_service.add_note(store, gone.id, "on a media deleted later", BO, frame=1001)
        _draw(store, comp.id, 1010)
        _draw(store, other.id, 1003)
        store.annotations.add(media_id=anim.id, frame_number=1004, annotation_type="rectangle",
                              coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                              user_name="Ana", style_properties={"color": "#00ff00", "hold": 3}, layer_name="held")
        hidden = store.layers.create(anim.id, "hidden")
        store.annotations.add(media_id=anim.id, frame_number=1008, annotation_type="rectangle",
                              coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                              user_name="Ana", layer_name="hidden")
        store.layers.update(hidden.id, is_visible=False)
        store.media.set_status([comp.id], "rejected", by="bo", by_name="Bo")
        store.media.set_status([comp.id, anim.id], "approved", by="ana", by_name="Ana")
        store.media.soft_delete(gone.id)
        empty = create_playlist(store, name="Empty", project_id="show", user="ana")
        create_playlist(store, name="Twice", project_id="show", user="ana", media_ids=[other.id])
        create_playlist(store, name="Twice", project_id="other", user="ana")
        doomed = create_playlist(store, name="Gone", project_id="show", user="ana", media_ids=[comp.id])
        store.timelines.soft_delete(doomed.id)
        ids = {"playlist": str(playlist.id), "empty": str(empty.id), "doomed": str(doomed.id)}
    finally:
        store.close()
    return str(db), ids


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("which", ["playlist", "empty", "by name", "empty by name"])
def test_playlist_notes_says_the_same_both_ways(notes_db: tuple[str, dict[str, str]], runner: Runner,
                                                which: str, json_flag: list[str]) -> None:
    db, ids = notes_db
    target = {"playlist": ids["playlist"], "empty": ids["empty"].replace("-", "").upper(),
              "by name": "Dailies ünï", "empty by name": "Empty"}[which]
    argv = ["playlist", "notes", target, "--db", db, *json_flag]
    quick = runner.quick(*argv)
    assert quick[0] == 0 and quick[1]
    assert quick == runner.full(*argv)


def test_the_list_holds_what_the_store_holds(notes_db: tuple[str, dict[str, str]], runner: Runner) -> None:
    db, ids = notes_db
    code, out, _err = runner.quick("playlist", "notes", ids["playlist"], "--db", db)
    assert code == 0 and out.startswith("Dailies ünï v001: ")
    for seen in ("Edge flickers 🎬", "fixed in v004", "sure?", "Timing", "grade it", "(drawing)", "[approved]"):
        assert seen in out
    assert "on a media deleted later" not in out


@pytest.mark.parametrize("target", ["Twice", "nope", "{doomed}", str(uuid.UUID(int=5)), "not-a-uuid-or-name"])
def test_what_the_quick_path_does_not_answer_gets_the_full_paths_error(
        notes_db: tuple[str, dict[str, str]], runner: Runner, target: str) -> None:
    db, ids = notes_db
    argv = ["playlist", "notes", target.format(**ids), "--db", db]
    seen = runner.either(*argv)
    assert seen == runner.full(*argv)
    assert seen[0] == 2 and seen[2].startswith("horus: error:")
    assert runner.opened == [True]  # the quick path looked, and handed it on


def test_playlist_notes_on_a_current_store_loads_no_sqlalchemy(notes_db: tuple[str, dict[str, str]]) -> None:
    db, ids = notes_db
    child = ("import sys; from horus_desktop.cli import main\n"
             "assert main(['playlist', 'notes', sys.argv[2], '--db', sys.argv[1]]) == 0\n"
             "assert main(['playlist', 'notes', 'Dailies ünï', '--db', sys.argv[1], '--json']) == 0\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'numpy', 'fileseq'}))")
    result = subprocess.run([sys.executable, "-c", child, db, ids["playlist"]], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.splitlines()[-1] == "[]"
