"""This machine's settings file: what `horus server ...`, the Settings dialog and sync read and write."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.machine_settings import (
    MachineSettings,
    PathMap,
    SettingsError,
    load_settings,
    save_settings,
    settings_path,
)


def test_settings_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "machine.json"
    settings = MachineSettings(followed_projects=("show_a", "show_b"),
                               path_maps=(PathMap("/projects", "/home/ana/review"),)).with_server(
        "postgresql://studio-db/horus")
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_no_file_yet_means_no_server(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "missing.json") == MachineSettings()


def test_horus_config_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "other.json"))
    assert settings_path() == tmp_path / "other.json"
    save_settings(MachineSettings(server_url="postgresql://h/db"))
    assert (tmp_path / "other.json").exists() and load_settings().server_url == "postgresql://h/db"


def test_a_password_in_the_url_is_refused_and_never_written(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="pgpass"):
        MachineSettings().with_server("postgresql://ana:secret@studio/horus")
    path = tmp_path / "machine.json"
    path.write_text('{"server_url": "postgresql://ana:secret@studio/horus"}', encoding="utf-8")
    with pytest.raises(SettingsError, match="password"):
        load_settings(path)


def test_not_a_postgresql_url_is_refused_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match="server: 'http://studio' is not a postgresql:// URL"):
        MachineSettings().with_server("http://studio")


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"path_maps": [{"server_root": "/p"}]}'])
def test_a_damaged_file_is_reported_naming_it(tmp_path: Path, body: str) -> None:
    path = tmp_path / "machine.json"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SettingsError, match="machine.json"):
        load_settings(path)


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "machine.json"
    save_settings(MachineSettings(server_url="postgresql://old/db"), path)

    def broken_replace(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("horus_desktop.machine_settings.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_settings(MachineSettings(server_url="postgresql://new/db"), path)
    assert load_settings(path).server_url == "postgresql://old/db"
    assert [p.name for p in tmp_path.iterdir()] == ["machine.json"]
