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
    qtbot.waitUntil(lambda: bare_viewer.transport.fps_label.text() == label, timeout=8000)


def test_readouts_keep_their_place_while_playing(qtbot, bare_viewer) -> None:  # noqa: ANN001, F811
    transport = bare_viewer.transport
    transport.show_frame(1, "00:00:00:01")
    transport.show_rates(Fraction(24000, 1001), 3.0, 0, True, "drop")
    transport.show_speed(1.0, 1)
    qtbot.wait(10)
    places = [w.geometry() for w in (transport.frame_box, transport.timecode, transport.fps_label)]
    transport.show_frame(1_000_123, "23:59:59;29")
    transport.show_rates(Fraction(24000, 1001), 23.976, 12345, True, "drop")
    transport.show_speed(8.0, -1)
    qtbot.wait(10)
    assert [w.geometry() for w in (transport.frame_box, transport.timecode, transport.fps_label)] == places
    assert transport.fps_label.text().startswith(" 24.0/23.976 fps")
