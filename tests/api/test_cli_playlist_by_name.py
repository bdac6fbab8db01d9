"""Playlists named on the command line: ``horus playlist export``, ``playlist notes`` and ``export notes
--playlist`` take a playlist's id or its name: exact first, else ignoring case when one playlist matches. A name
several playlists have is refused listing each one's id, project, type, clips and creation date; a name none
has is refused naming it. The id form works as before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from horus_desktop.cli import main
from horus_desktop.store import Store
from horus_desktop.timeline.playlists import create_playlist
from tests.api.test_cli_quick_read import Runner
from tests.services.test_dailies import _media


@pytest.fixture
def store_db(tmp_path: Path) -> tuple[str, dict[str, str]]:
    db = tmp_path / "names.sqlite"
    store = Store.open(db)
    try:
        comp, anim = _media(store, "sh010", 1), _media(store, "sh020", 2, department="anim")
        ids = {
            "dailies": create_playlist(store, name="Dailies 2024-05-02", project_id="show", user="ana",
                                       media_ids=[comp.id, anim.id]).id,
            "twice show": create_playlist(store, name="Twice", project_id="show", user="ana",
                                          media_ids=[comp.id]).id,
            "twice other": create_playlist(store, name="Twice", project_id="other", user="ana",
                                           timeline_type="client").id,
            "Client": create_playlist(store, name="Client", project_id="show", user="ana", media_ids=[anim.id]).id,
            "client": create_playlist(store, name="client", project_id="show", user="ana").id,
        }
    finally:
        store.close()
    return str(db), {k: str(v) for k, v in ids.items()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _exported(path: Path) -> dict[str, object]:
    return json.loads(path.read_text())


def test_export_by_name_writes_what_the_id_writes(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db, ids = store_db
    by_id, by_name, by_case = tmp_path / "id.otio", tmp_path / "name.otio", tmp_path / "case.otio"
    assert run(capsys, "playlist", "export", ids["dailies"], str(by_id), "--db", db)[:2] == (0, f"{by_id}\n")
    assert run(capsys, "playlist", "export", "Dailies 2024-05-02", str(by_name), "--db", db)[:2] == \
        (0, f"{by_name}\n")
    assert run(capsys, "playlist", "export", "dailies 2024-05-02", str(by_case), "--db", db)[0] == 0
    assert _exported(by_name) == _exported(by_id) == _exported(by_case)
    assert _exported(by_id)["name"] == "Dailies 2024-05-02"


def test_an_exact_name_wins_over_one_in_another_case(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db, _ids = store_db
    for name in ("Client", "client"):
        out = tmp_path / f"{name}.otio"
        assert run(capsys, "playlist", "export", name, str(out), "--db", db)[0] == 0
        assert _exported(out)["name"] == name


@pytest.mark.parametrize("name", ["Twice", "twice", "CLIENT"])
def test_a_name_several_playlists_have_lists_them(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str], name: str) -> None:
    db, ids = store_db
    code, out, err = run(capsys, "playlist", "export", name, str(tmp_path / "x.otio"), "--db", db)
    assert code == 2 and out == ""
    err = err.splitlines()[-1]  # after the verb's first line (what it is about to do)
    assert err.startswith(f"horus: error: playlist: 2 playlists are called {name!r}")
    assert "give the id of one" in err and not (tmp_path / "x.otio").exists()
    if name.lower() == "twice":
        assert f"{ids['twice show']} (project show, dailies, 1 clip, created 20" in err
        assert f"{ids['twice other']} (project other, client, 0 clips, created 20" in err
    else:  # matched ignoring case: each candidate's own name says which is which
        assert "(ignoring case)" in err
        assert f"'Client' {ids['Client']} (project show, dailies, 1 clip, created " in err
        assert f"'client' {ids['client']} (project show, dailies, 0 clips, created " in err
    assert re.search(r"created \d{4}-\d\d-\d\d \d\d:\d\d UTC", err)


def test_a_name_no_playlist_has_is_named(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db, _ids = store_db
    code, out, err = run(capsys, "playlist", "export", "Dailies 2024-05-03", str(tmp_path / "x.otio"), "--db", db)
    assert (code, out, err.splitlines()[-1]) == (2, "", "horus: error: playlist 'Dailies 2024-05-03' not found")
    assert not (tmp_path / "x.otio").exists()


def test_an_unknown_id_is_refused_as_before(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db, _ids = store_db
    code, _out, err = run(capsys, "playlist", "export", "00000000-0000-0000-0000-000000000009",
                          str(tmp_path / "x.otio"), "--db", db)
    assert code == 2 and "00000000-0000-0000-0000-000000000009 not found" in err


def test_notes_take_a_name_in_another_case_both_ways(store_db: tuple[str, dict[str, str]],
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db, ids = store_db
    runner = Runner(capsys, monkeypatch)
    quick = runner.quick("playlist", "notes", "DAILIES 2024-05-02", "--db", db)
    assert quick[0] == 0 and quick[1].startswith("Dailies 2024-05-02 v001:")
    assert quick == runner.full("playlist", "notes", "DAILIES 2024-05-02", "--db", db) == \
        runner.full("playlist", "notes", ids["dailies"], "--db", db)
    code, _out, err = runner.either("playlist", "notes", "twice", "--db", db)
    assert code == 2 and ids["twice show"] in err and ids["twice other"] in err and "1 clip" in err


def test_export_notes_takes_a_name_in_another_case(store_db: tuple[str, dict[str, str]], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db, _ids = store_db
    out = tmp_path / "notes.csv"
    code, _out, err = run(capsys, "export", "notes", "--playlist", "dailies 2024-05-02", "--format", "csv",
                          "--out", str(out), "--db", db)
    assert code == 0, err
    assert out.is_file()
