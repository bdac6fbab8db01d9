"""`horus paths ...` and `horus offline take`: the mappings and the offline copy from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.cli import main
from horus_desktop.machine_settings import PathMap, load_settings


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_map_list_unmap(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _run(capsys, "paths", "map", "/projects/", "~/review/projects")[0] == 0
    assert _run(capsys, "paths", "map", "P:\\projects", "D:\\review")[0] == 0
    code, out, _ = _run(capsys, "paths", "list", "--json")
    assert code == 0 and json.loads(out) == [
        {"server_root": "/projects", "local_root": str(tmp_path / "review" / "projects")},
        {"server_root": "P:\\projects", "local_root": "D:\\review"}]
    code, out, _ = _run(capsys, "paths", "where", "/projects/show/a.%04d.exr", "--json")
    assert json.loads(out) == {"server_path": "/projects/show/a.%04d.exr", "mapped": True, "present": False,
                               "local_path": str(tmp_path / "review" / "projects" / "show" / "a.%04d.exr")}
    assert _run(capsys, "paths", "unmap", "/projects")[0] == 0
    assert load_settings().path_maps == (PathMap("P:\\projects", "D:\\review"),)


def test_unmapping_an_unknown_root_is_one_line_exit_2(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "paths", "unmap", "/nowhere")
    assert code == 2 and err.strip() == "horus: error: path map: no mapping of '/nowhere'"


def test_offline_take_a_playlist_by_name(config: Path, studio: tuple[Horus, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    horus, root = studio
    media = horus.search_media(project="show").items
    horus.create_playlist("dailies 12", project="show", media_ids=[m.id for m in media])
    db = str(horus.store.engine.url.database)
    assert _run(capsys, "paths", "map", str(root), str(tmp_path / "laptop"))[0] == 0

    code, out, _ = _run(capsys, "offline", "take", "dailies 12", "--db", db, "--json")

    assert code == 0
    body = json.loads(out)
    assert body["ok"] and sorted(r["state"] for r in body["results"]) == ["copied", "copied"]
    assert len(list((tmp_path / "laptop").rglob("*.png"))) == 6
    code, out, _ = _run(capsys, "offline", "take", "--shot", "sh020", "--db", db)
    assert code == 0 and out.strip() == "1 media: 1 already offline"


def test_offline_take_needs_a_playlist_or_filters(config: Path, studio: tuple[Horus, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    horus, _root = studio
    db = str(horus.store.engine.url.database)
    code, _, err = _run(capsys, "offline", "take", "--db", db)
    assert code == 2 and "give a PLAYLIST" in err
    code, _, err = _run(capsys, "offline", "take", "no such list", "--db", db)
    assert code == 2 and "no such list" in err


def test_offline_take_reports_unmapped_media_with_exit_1(config: Path, studio: tuple[Horus, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    horus, _root = studio
    code, out, err = _run(capsys, "offline", "take", "--project", "show", "--db", str(horus.store.engine.url.database))
    assert code == 1 and "2 failed" in out and err.count("no path mapping applies") == 2
