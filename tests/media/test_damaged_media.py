from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media.errors import (
    DamagedFrameError,
    DecodeTimeoutError,
    MediaError,
    MissingFrameError,
    UnreadableFileError,
)
from horus_desktop.media.frames import Frame, FrameSource, call_with_time_bound
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.probe import probe_media
from horus_desktop.media.sequences import media_item_for
from horus_desktop.media.synthetic import draw_test_frame, write_exr, write_movie

H, W = 36, 64


def write_good_exr(path: Path) -> None:
    write_exr(path, np.random.default_rng(0).random((H, W, 3)).astype("f2"), compression="zip")


def test_truncated_exr(tmp_path: Path) -> None:
    path = tmp_path / "t.exr"
    write_good_exr(path)
    path.write_bytes(path.read_bytes()[:400])
    with pytest.raises(DamagedFrameError) as info:
        open_frame_source(path).read(1)
    assert info.value.path == str(path) and info.value.reason.startswith("truncated")


def test_fuzzed_exr_never_crashes(tmp_path: Path) -> None:
    path = tmp_path / "f.exr"
    write_good_exr(path)
    original = bytearray(path.read_bytes())
    rng = np.random.default_rng(3)
    for trial in range(12):
        data = bytearray(original)
        for index in rng.integers(0, len(data), 20):
            data[index] ^= 0xFF
        path.write_bytes(bytes(data))
        try:
            frame = open_frame_source(path).read(1)
            assert frame.pixels.shape[2] >= 3, trial
        except MediaError as exc:
            assert exc.path == str(path)


def test_zero_length_frame_in_sequence(tmp_path: Path) -> None:
    for f in (1, 2, 3):
        write_good_exr(tmp_path / f"s.{f:04d}.exr")
    (tmp_path / "s.0002.exr").write_bytes(b"")
    source = open_frame_source(str(tmp_path / "s.%04d.exr"))
    source.read(1)
    with pytest.raises(DamagedFrameError, match="empty file"):
        source.read(2)
    source.read(3)
    probe = probe_media(media_item_for(str(tmp_path / "s.%04d.exr")))
    assert probe.empty_frames == (2,) and probe.frame_count == 3


def test_missing_frame_deleted_after_opening(tmp_path: Path) -> None:
    for f in (1, 2):
        write_good_exr(tmp_path / f"s.{f:04d}.exr")
    source = open_frame_source(str(tmp_path / "s.%04d.exr"))
    os.remove(tmp_path / "s.0002.exr")
    with pytest.raises(MissingFrameError):
        source.read(2)


_READ_AS_NOBODY = r"""
import os, pwd, sys
from horus_desktop.media.errors import UnreadableFileError
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.probe import probe_media
from horus_desktop.media.sequences import media_item_for
import PIL.PngImagePlugin  # loaded now: Python's own files may be out of nobody's reach
nobody = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
for call in (lambda: open_frame_source(sys.argv[1]).read(1), lambda: probe_media(media_item_for(sys.argv[1]))):
    try:
        call()
        print("read")
    except UnreadableFileError as exc:
        print("unreadable:", exc)
"""


def test_file_without_read_permission() -> None:
    # Not under pytest's tmp_path (its folders are 0700): only the file's own mode may stop the reader.
    folder = Path(tempfile.mkdtemp(prefix="horus-perm-"))
    folder.chmod(0o755)
    path = folder / "a.png"
    Image.fromarray(draw_test_frame(1, (W, H))).save(path)
    path.chmod(0)
    try:
        if os.geteuid() != 0:
            with pytest.raises(UnreadableFileError, match="permission"):
                open_frame_source(path).read(1)
            with pytest.raises(UnreadableFileError):
                probe_media(media_item_for(path))
            return
        # Root reads any file: the check runs in a child that has dropped to the user nobody.
        result = subprocess.run([sys.executable, "-c", _READ_AS_NOBODY, str(path)], capture_output=True,
                                text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 2 and all(line.startswith("unreadable:") for line in lines), lines
        assert "permission" in lines[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_not_an_image_with_an_image_name(tmp_path: Path) -> None:
    for name in ("a.png", "a.jpg", "a.dpx", "a.exr"):
        (tmp_path / name).write_bytes(b"this is text, not pixels" * 10)
        with pytest.raises(DamagedFrameError):
            open_frame_source(tmp_path / name).read(1)
        with pytest.raises(DamagedFrameError):
            probe_media(media_item_for(tmp_path / name))


def test_truncated_movie(tmp_path: Path) -> None:
    path = Path(write_movie(tmp_path / "m.mp4", 30, size=(W, H), gop=5))
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    try:
        source = open_frame_source(cut)
    except DamagedFrameError as exc:
        assert exc.path == str(cut)
        return
    with source:
        errors = []
        for frame in source.frames():
            try:
                source.read(frame)
            except DamagedFrameError as exc:
                errors.append(exc)
        assert len(errors) < 30


def test_movie_of_zero_bytes(tmp_path: Path) -> None:
    (tmp_path / "z.mov").write_bytes(b"")
    with pytest.raises(MediaError):
        open_frame_source(tmp_path / "z.mov")
    with pytest.raises(MediaError):
        probe_media(media_item_for(tmp_path / "z.mov"))


def test_decode_past_the_time_bound_is_abandoned() -> None:
    release = threading.Event()
    with pytest.raises(DecodeTimeoutError) as info:  # the call returns only once released: never in time
        call_with_time_bound(lambda: release.wait(60), 0.05, "/x/slow.exr")
    release.set()  # the abandoned call ends (the thread-leak check waits for it)
    assert info.value.path == "/x/slow.exr" and "abandoned" in info.value.reason


class _StalledSource(FrameSource):
    """A source whose decoder hangs (a file on a stuck network mount) until released."""

    path = "/mnt/stuck/shot.%04d.exr"
    frame_range = (1, 1)

    def __init__(self, decode_timeout: float) -> None:
        self.decode_timeout = decode_timeout
        self.release = threading.Event()

    def _decode(self, frame: int) -> Frame:
        self.release.wait(60)
        raise DamagedFrameError(self.path, "released")


def test_source_read_uses_its_time_bound() -> None:
    source = _StalledSource(decode_timeout=0.05)
    with pytest.raises(DecodeTimeoutError, match="/mnt/stuck/shot"):
        source.read(1)
    source.release.set()


def _flip_first_channel_name(path: Path) -> None:
    """Make the first channel's name invalid UTF-8: OpenEXR's legacy InputFile crashes on it (SIGSEGV)."""
    data = bytearray(path.read_bytes())
    data[data.index(b"chlist\0") + len(b"chlist\0") + 4] |= 0x80
    path.write_bytes(bytes(data))


def test_probe_of_an_exr_that_crashes_the_legacy_api_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "bad_name.exr"
    write_good_exr(path)
    _flip_first_channel_name(path)
    script = (
        "import sys\n"
        "from horus_desktop.media.errors import DamagedFrameError\n"
        "from horus_desktop.media.probe import probe_media\n"
        "from horus_desktop.media.sequences import media_item_for\n"
        "try:\n"
        "    probe_media(media_item_for(sys.argv[1]))\n"
        "except DamagedFrameError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"probe died with {done.returncode}: {done.stderr[-400:]}"
    assert str(path) in done.stdout and "channel name" in done.stdout


def _exr_sequence(folder: Path, frames: range) -> str:
    for f in frames:
        write_good_exr(folder / f"s.{f:04d}.exr")
    return str(folder / "s.%04d.exr")


def _cut(path: Path, fraction: float = 0.6) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def test_damaged_first_frame_keeps_the_sequence_and_is_reported(tmp_path: Path) -> None:
    pattern = _exr_sequence(tmp_path, range(1001, 1005))
    _cut(tmp_path / "s.1001.exr", 0.05)  # not even a whole header
    _cut(tmp_path / "s.1003.exr")  # header intact, pixel chunks missing
    probe = probe_media(media_item_for(pattern))
    assert (probe.start_frame, probe.end_frame, probe.frame_count) == (1001, 1004, 4)
    assert (probe.width, probe.height) == (W, H)
    assert [frame for frame, _ in probe.damaged_frames] == [1001, 1003]
    assert all("truncated" in reason for _, reason in probe.damaged_frames)


def test_damaged_last_frame_is_reported(tmp_path: Path) -> None:
    for f in (1, 2, 3):
        Image.fromarray(draw_test_frame(f, (W, H))).save(tmp_path / f"j.{f:04d}.jpg")
    _cut(tmp_path / "j.0003.jpg", 0.7)
    probe = probe_media(media_item_for(str(tmp_path / "j.%04d.jpg")))
    assert probe.damaged_frames == ((3, "truncated: no JPEG end-of-image marker (FFD9)"),)


def test_sequence_with_every_frame_damaged_is_an_error_naming_a_file(tmp_path: Path) -> None:
    pattern = _exr_sequence(tmp_path, range(1, 3))
    for f in (1, 2):
        _cut(tmp_path / f"s.{f:04d}.exr")
    with pytest.raises(DamagedFrameError) as info:
        probe_media(media_item_for(pattern))
    assert info.value.path == str(tmp_path / "s.0001.exr") and "all 2 frames are damaged" in info.value.reason


def test_ingest_records_a_sequence_with_its_damaged_frames(store, tmp_path: Path) -> None:
    folder = tmp_path / "proj" / "shot"
    folder.mkdir(parents=True)
    pattern = _exr_sequence(folder, range(1, 4))
    _cut(folder / "s.0001.exr")
    (folder / "s.0002.exr").write_bytes(b"")
    report = ingest_tree(store, tmp_path / "proj", isolated=False)
    record = store.media.get_by_path(pattern)
    assert record is not None and record.frame_count == 3
    damaged = record.extra_metadata["damaged_frames"]
    assert [d["frame"] for d in damaged] == [1, 2] and damaged[1]["reason"] == "empty file (0 bytes)"
    assert "truncated" in damaged[0]["reason"]
    assert {p.path for p in report.problems} == {str(folder / "s.0001.exr"), str(folder / "s.0002.exr")}
