"""Settings > Paths: the path mappings edited in the dialog are saved and used at once by the media opener."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.machine_settings import MachineSettings, PathMap, load_settings
from horus_desktop.services.media_paths import media_paths
from horus_desktop.ui.settings_dialog import SettingsDialog


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))
    media_paths().forget()
    yield path
    media_paths().forget()


def test_mappings_typed_in_the_paths_tab_are_saved_and_applied(qtbot, config: Path, tmp_path: Path) -> None:  # noqa: ANN001
    dialog = SettingsDialog(MachineSettings(path_maps=(PathMap("/old", "/gone"),)))
    qtbot.addWidget(dialog)
    tab = dialog.paths_tab
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Paths" and tab.rows() == [("/old", "/gone")]
    tab.table.removeRow(0)
    tab.add_row("/projects/", str(tmp_path / "review"))
    tab.add_row("P:\\projects\\plates", str(tmp_path / "plates"))
    tab.add_row()  # left empty: ignored
    media_paths().local_path("/projects/a.mov")  # the opener has read the old (empty) settings

    dialog.accept()

    assert load_settings().path_maps == (PathMap("/projects", str(tmp_path / "review")),
                                         PathMap("P:\\projects\\plates", str(tmp_path / "plates")))
    assert media_paths().local_path("/projects/sh010/a.%04d.exr") == str(tmp_path / "review" / "sh010" / "a.%04d.exr")


def test_a_half_filled_row_is_refused_and_nothing_is_saved(qtbot, config: Path) -> None:  # noqa: ANN001
    dialog = SettingsDialog(MachineSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.paths_tab.add_row("/projects", "")
    dialog.accept()
    assert dialog.isVisible() and "row 1" in dialog.error.text() and "folder on this machine" in dialog.error.text()
    assert not config.exists()


def test_a_studio_root_given_twice_is_refused(qtbot, config: Path) -> None:  # noqa: ANN001
    dialog = SettingsDialog(MachineSettings())
    qtbot.addWidget(dialog)
    dialog.paths_tab.add_row("/projects", "/a")
    dialog.paths_tab.add_row("/projects/", "/b")
    dialog.accept()
    assert "mapped twice" in dialog.error.text() and not config.exists()
