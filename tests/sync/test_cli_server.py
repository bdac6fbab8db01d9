"""`horus server ...`: this machine's server and followed projects, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horus_desktop.cli import main
from horus_desktop.machine_settings import load_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))
    return path


def test_set_show_follow_unfollow(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "set", "postgresql://studio-db/horus"]) == 0
    assert main(["server", "follow", "show_a", "show_b", "show_a"]) == 0
    capsys.readouterr()
    assert main(["server", "show", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body == {"server_url": "postgresql://studio-db/horus", "followed_projects": ["show_a", "show_b"],
                    "settings_file": str(config)}
    assert main(["server", "unfollow", "show_a"]) == 0
    assert load_settings().followed_projects == ("show_b",)
    assert main(["server", "unfollow"]) == 0
    assert main(["server", "show"]) == 0
    assert "follows: every project" in capsys.readouterr().out
    assert main(["server", "set", "none"]) == 0
    assert load_settings().server_url is None


def test_a_url_with_a_password_is_refused_in_one_line(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "set", "postgresql://ana:hunter2@studio/horus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("horus: error: server: the URL holds a password") and err.count("\n") == 1
    assert not config.exists()


def test_unfollowing_a_project_not_followed_names_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["server", "follow", "show_a"])
    assert main(["server", "unfollow", "show_z"]) == 2
    assert "not followed: show_z" in capsys.readouterr().err
    assert load_settings().followed_projects == ("show_a",)


def test_sync_without_a_server_says_how_to_set_one(config: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("horus_desktop.sync.client")
    assert main(["sync", "--db", str(tmp_path / "s.sqlite"), "--user", "ana"]) == 2
    err = capsys.readouterr().err
    assert "horus server set" in err and err.count("\n") == 1


def test_a_damaged_settings_file_is_named(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_text("{oops", encoding="utf-8")
    assert main(["server", "show"]) == 2
    assert str(config) in capsys.readouterr().err


def test_store_options_before_the_action_are_kept(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`horus sync --db X status` reads X (argparse would reset --db to the default store)."""
    pytest.importorskip("horus_desktop.sync.client")
    from decimal import Decimal

    from horus_desktop.store import Store

    monkeypatch.setenv("HORUS_DB", str(tmp_path / "default.sqlite"))
    main(["server", "set", "postgresql://postgres@127.0.0.1:1/nowhere"])  # status needs no connection
    laptop = tmp_path / "laptop.sqlite"
    store = Store.open(laptop, backup=False)
    store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                       version_number=1, shot="sh010", frame_rate=Decimal("24"))
    store.close()
    capsys.readouterr()
    assert main(["sync", "--db", str(laptop), "--user", "ana", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pending_ops"] >= 1
    assert main(["sync", "status", "--json"]) == 2  # HORUS_DB names no store: refused, nothing made there
    out, err = capsys.readouterr()
    assert out == "" and "no store there" in err and not (tmp_path / "default.sqlite").exists()
