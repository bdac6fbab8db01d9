"""The public API as a pipeline script uses it, including the README's example run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import InvalidFieldError

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_example() -> str:
    text = README.read_text()
    block = re.search(r"## Python API.*?```python\n(.*?)```", text, re.S)
    assert block, "the README lost its Python API example"
    return block.group(1)


def test_readme_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    show = tmp_path / "shows" / "demo"
    write_jpeg_sequence(show / "ep01" / "sq010" / "sh010" / "comp" / "v001", 4, size=(64, 36), name="sh010_comp")
    code = _readme_example().replace("/tmp/review.sqlite", str(tmp_path / "review.sqlite"))
    code = code.replace('"/shows/demo"', repr(str(show)))
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "Edge flicker on the left, @bob" in out and "Fixed in the next version" in out
    with Horus.open(tmp_path / "review.sqlite", user="ana") as horus:
        (media,) = horus.search_media(project="demo").items
        assert media.approval_status == "approved" and media.shot == "sh010"
        assert [a.annotation_type for a in horus.annotations(media.id, frame=1012)] == ["rectangle"]
        (timeline, clips), = horus.timelines()
        assert timeline.name == "Dailies" and clips == 1


def test_comment_at_a_frame_gets_its_timecode(tmp_path: Path) -> None:
    with Horus.open(tmp_path / "s.sqlite", user="ana") as horus:
        media = horus.store.media.create(file_path="/a/sh.####.exr", project_id="p", version="v001",
                                         frame_rate=23.976, frame_rate_rational="24000/1001")
        note = horus.add_comment(media.id, "check this", frame=1001)
        assert note.timecode == "00:00:41:17" and note.user_id == "ana"
        assert horus.resolve(note.id).resolved_by == "ana"


def test_attach_copies_the_file_into_the_store(tmp_path: Path) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("reference")
    with Horus.open(tmp_path / "s.sqlite", user="ana") as horus:
        media = horus.store.media.create(file_path="/a/x.mov", project_id="p", version="v001")
        note = horus.add_comment(media.id, "see attached")
        attachment = horus.attach(note.id, ref)
        ref.unlink()  # the store keeps its own copy
        assert Path(attachment.file_path).read_text() == "reference"
        assert Path(attachment.file_path).is_relative_to(horus.store.files_dir)
        with pytest.raises(InvalidFieldError, match="file"):
            horus.attach(note.id, tmp_path / "missing.png")


def test_user_comes_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_USER", "zoe")
    with Horus.open(tmp_path / "s.sqlite") as horus:
        assert horus.user.id == "zoe" and horus.store.users.get("zoe").username == "zoe"
