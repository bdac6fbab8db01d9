"""Source timecode as the files say it (movie, EXR, DPX), and the timecode of any frame from it."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import OpenEXR
import pytest

from horus_desktop.domain.timecode import (
    frames_to_timecode,
    smpte_from_packed,
    source_timecode,
    timecode_to_frames,
)
from horus_desktop.media.decode_dpx import write_dpx
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.probe import probe_media
from horus_desktop.media.sequences import media_item_for

H, W = 16, 32
NTSC = Fraction(30000, 1001)


def write_movie_with_timecode(path: Path, timecode: str, rate: Fraction, frames: int = 3) -> None:
    """A movie whose start timecode ffmpeg writes as a QuickTime timecode (tmcd) track."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.metadata["timecode"] = timecode
        for _ in range(frames):
            video = av.VideoFrame.from_ndarray(np.zeros((H, W, 3), np.uint8), format="rgb24")
            for packet in stream.encode(video):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def bcd(hours: int, minutes: int, seconds: int, frames: int, drop: bool = False) -> int:
    digits = [(v // 10 << 4) | (v % 10) for v in (hours, minutes, seconds, frames)]
    return digits[0] << 24 | digits[1] << 16 | digits[2] << 8 | digits[3] | (0x40 if drop else 0)


@pytest.mark.parametrize(("timecode", "rate"), [("01:00:00:00", Fraction(24000, 1001)), ("10:00:00;02", NTSC)])
def test_movie_start_timecode(tmp_path: Path, timecode: str, rate: Fraction) -> None:
    path = tmp_path / "tc.mov"
    write_movie_with_timecode(path, timecode, rate)
    assert probe_media(media_item_for(path)).start_timecode == timecode


def test_movie_without_timecode_has_none(tmp_path: Path) -> None:
    from horus_desktop.media.synthetic import write_movie

    path = write_movie(tmp_path / "plain.mov", 3, size=(W, H))
    assert probe_media(media_item_for(path)).start_timecode is None


def test_exr_sequence_timecode_is_the_first_frames_even_when_it_is_damaged(tmp_path: Path) -> None:
    for frame in (1001, 1002, 1003):
        seconds, frames = divmod(frame - 1001, 24)
        code = OpenEXR.TimeCode(1, 0, seconds, frames, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage, "timeCode": code,
                  "framesPerSecond": Fraction(24)}
        OpenEXR.File(header, {c: np.zeros((H, W), "f2") for c in "RGB"}).write(str(tmp_path / f"s.{frame}.exr"))
    pattern = str(tmp_path / "s.%04d.exr")
    assert probe_media(media_item_for(pattern)).start_timecode == "01:00:00:00"
    (tmp_path / "s.1001.exr").write_bytes(b"")
    assert probe_media(media_item_for(pattern)).start_timecode == "01:00:00:00"  # from frame 1002's 01:00:00:01


def test_dpx_tv_timecode_and_its_absence(tmp_path: Path) -> None:
    pixels = np.zeros((H, W, 3), np.uint16)
    write_dpx(str(tmp_path / "a.dpx"), pixels, frame_rate=25.0, timecode=bcd(1, 2, 3, 4))
    write_dpx(str(tmp_path / "b.dpx"), pixels, frame_rate=25.0)  # 0xFFFFFFFF: no time code
    assert probe_media(media_item_for(tmp_path / "a.dpx")).start_timecode == "01:02:03:04"
    assert probe_media(media_item_for(tmp_path / "b.dpx")).start_timecode is None


def test_ingest_stores_the_start_timecode(sqlite_store, tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    write_movie_with_timecode(tmp_path / "proj" / "tc.mov", "01:00:00:00", Fraction(25))
    ingest_tree(sqlite_store, tmp_path / "proj", isolated=False)
    record = sqlite_store.media.get_by_path(str(tmp_path / "proj" / "tc.mov"))
    assert record.extra_metadata["start_timecode"] == "01:00:00:00"


def test_packed_smpte_time() -> None:
    assert smpte_from_packed(bcd(23, 59, 59, 29, drop=True)) == "23:59:59;29"
    assert smpte_from_packed(0xFFFFFFFF) is None and smpte_from_packed(0x000000AA) is None


@pytest.mark.parametrize(
    ("rate", "start", "offset", "expected"),
    [
        (Fraction(24000, 1001), "01:00:00:00", 24, "01:00:01:00"),
        (Fraction(24), "00:59:59:23", 1, "01:00:00:00"),
        (Fraction(25), "10:00:00:00", 25 * 3600, "11:00:00:00"),
        (NTSC, "00:00:59;29", 1, "00:01:00;02"),  # drop-frame skips ;00 and ;01
        (NTSC, "00:09:59;29", 1, "00:10:00;00"),  # ...but not on the tenth minute
        (NTSC, "00:00:59:29", 1, "00:01:00:00"),  # non-drop 29.97 counts every number
        (NTSC, "01:00:00;00", 107892, "02:00:00;00"),  # an hour of 29.97 DF is 107,892 frames
        (Fraction(30), "00:00:59:29", 1, "00:01:00:00"),
        (Fraction(60000, 1001), "00:00:59;59", 1, "00:01:00;04"),
        (Fraction(24), "23:59:59:23", 1, "00:00:00:00"),  # wraps at 24 hours
    ],
)
def test_timecode_of_a_frame_from_a_start_timecode(rate: Fraction, start: str, offset: int, expected: str) -> None:
    assert source_timecode(1001 + offset, 1001, start, rate) == expected


def test_without_a_start_timecode_the_frame_number_counts() -> None:
    assert source_timecode(1001, 1001, None, Fraction(24)) == "00:00:41:17"


def test_drop_frame_round_trip() -> None:
    for count in range(0, 200_000, 997):
        assert timecode_to_frames(frames_to_timecode(count, NTSC, drop=True), NTSC) == count
