"""Clip metadata nested just under the depth Python's json parser reaches: the import reads the document, then
writes it (the stored document, the clip rows, the NUL check) from a deeper stack. Each depth is imported in a
child process: imported whole, or refused naming the file with nothing stored, never a raw RecursionError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_playlist_import_hostile import _clip, _document, _import_in_child


@pytest.mark.parametrize(("levels", "minified"), [(975, False), (981, False), (983, False), (985, False),
                                                  (990, False), (982, True), (984, True)])
def test_metadata_nested_near_the_parsers_limit_is_imported_or_refused_naming_the_file(
        tmp_path: Path, levels: int, minified: bool) -> None:
    path = tmp_path / "deep.otio"
    separators = (",", ":") if minified else (", ", ": ")
    text = json.dumps(_document(_clip(metadata={"deep": None})), separators=separators)
    marker = f'"deep"{separators[1]}'
    path.write_text(text.replace(marker + "null", marker + "[" * levels + "]" * levels))
    done = _import_in_child(path, tmp_path / "s.sqlite")
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-300:]}"
    lines = done.stdout.splitlines()
    assert lines == ["playlists: 1"] or (lines[0].startswith(f"refused: {path}: ") and lines[1:] == ["playlists: 0"])
