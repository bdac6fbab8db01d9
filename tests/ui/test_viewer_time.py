"""The viewer's time readouts: exact NTSC rates, the source timecode, and readouts that keep still."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from horus_desktop.media.synthetic import write_movie

from .viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures

pytest.importorskip("av")


@pytest.mark.parametrize(("rate", "label"), [(Fraction(24000, 1001), "23.976 fps"),
                                             (Fraction(30000, 1001), "29.97 fps"),
                                             (Fraction(60000, 1001), "59.94 fps"), (Fraction(25), "25 fps")])
def test_ntsc_movie_shows_its_exact_rate(qtbot, bare_viewer, viewer_store, tmp_path: Path, rate, label) -> None:  # noqa: ANN001, F811
    movie = write_movie(tmp_path / "clip.mov", 6, size=(160, 90), fps=rate)
    record = ingest_one(viewer_store, Path(movie))
    bare_viewer.open_media(record)
    qtbot.waitUntil(lambda: bare_viewer.transport.fps_label.text() == label, timeout=15000)


def _settled_places(qtbot, transport) -> list:  # noqa: ANN001
    """The readouts' geometries once the layout has settled: the same before and after a round of events."""
    seen: list = []

    def same() -> bool:
        seen.append([w.geometry() for w in (transport.frame_box, transport.timecode, transport.fps_label)])
        return len(seen) > 1 and seen[-1] == seen[-2]

    qtbot.waitUntil(same, timeout=15000)
    return seen[-1]


def test_readouts_keep_their_place_while_playing(qtbot, bare_viewer) -> None:  # noqa: ANN001, F811
    transport = bare_viewer.transport
    # The audio output opens a few ticks after show and its "no audio device" label joins the transport: opened
    # now, so that a loaded machine's late tick does not move the readouts between the two looks below.
    bare_viewer.driver.open_output()
    transport.show_frame(1, "00:00:00:01")
    transport.show_rates(Fraction(24000, 1001), 3.0, 0, True, "drop")
    transport.show_speed(1.0, 1)
    places = _settled_places(qtbot, transport)
    transport.show_frame(1_000_123, "23:59:59;29")
    transport.show_rates(Fraction(24000, 1001), 23.976, 12345, True, "drop")
    transport.show_speed(8.0, -1)
    assert _settled_places(qtbot, transport) == places
    assert transport.fps_label.text().startswith(" 24.0/23.976 fps")


def _movie_with_timecode(path: Path, timecode: str | None, rate: Fraction, frames: int = 4) -> Path:
    """A movie whose start timecode ffmpeg writes as a QuickTime timecode (tmcd) track."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 32, "yuv420p"
        if timecode:
            stream.metadata["timecode"] = timecode
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.zeros((32, 64, 3), np.uint8), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.mark.parametrize(("start", "rate", "second"), [
    ("01:00:00:00", Fraction(24000, 1001), "01:00:00:01"),
    ("10:00:59;29", Fraction(30000, 1001), "10:01:00;02"),  # drop frame: ;00 and ;01 are skipped
])
def test_transport_shows_the_files_source_timecode(qtbot, bare_viewer, viewer_store, tmp_path: Path,  # noqa: ANN001, F811
                                                   start: str, rate: Fraction, second: str) -> None:
    record = ingest_one(viewer_store, _movie_with_timecode(tmp_path / "tc.mov", start, rate))
    viewer = bare_viewer
    viewer.open_media(record)
    qtbot.waitUntil(lambda: viewer.transport.timecode.text() == start, timeout=15000)
    assert "as the file says" in viewer.transport.timecode.toolTip()
    viewer.step(1)
    qtbot.waitUntil(lambda: viewer.transport.timecode.text() == second, timeout=15000)


def test_without_a_source_timecode_the_frame_number_counts(qtbot, bare_viewer, viewer_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    record = ingest_one(viewer_store, _movie_with_timecode(tmp_path / "plain.mov", None, Fraction(25)))
    viewer = bare_viewer
    viewer.open_media(record)
    qtbot.waitUntil(lambda: viewer.slots["A"] is not None, timeout=15000)
    first = viewer.slots["A"].session.media_range[0]
    qtbot.waitUntil(lambda: viewer.transport.timecode.text() == f"00:00:00:{first:02d}", timeout=15000)
    assert "frame number" in viewer.transport.timecode.toolTip()
