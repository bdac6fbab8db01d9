"""A movie whose keyframe index cannot be read (its reader, on a thread of its own, meets an error nobody
expected from a damaged file), or whose second decoder cannot be opened: a frame that waits for that index
or decoder must still be decoded, never wait for ever."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media import movie_source
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.media.synthetic import write_movie

pytestmark = pytest.mark.timeout(120)


# MKV: its keyframes are read from the packets, on the index's thread, when a frame first waits for them;
# MP4: they come with the header (its index lists every frame), and the jump asks for a second decoder.
@pytest.mark.parametrize("suffix", ["mkv", "mp4"])
def test_a_frame_waiting_for_a_keyframe_index_that_fails_is_still_decoded(tmp_path: Path, suffix: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    movie = write_movie(tmp_path / f"m.{suffix}", 40, size=(64, 48), gop=12)
    with MovieSource(movie) as reference:
        expected = reference.read(20).pixels
    with MovieSource(movie) as source:
        source.read(1)  # a decoder positioned at the start: frame 20 is ahead of it, so the index is wanted

        def failing_open(*_args: object, **_kwargs: object) -> object:
            raise RuntimeError("an error of the demuxer nobody listed")

        monkeypatch.setattr(movie_source.av, "open", failing_open)
        got: dict[str, object] = {}
        def read() -> None:
            try:
                got["frame"] = source.read(20)
            except Exception as exc:  # noqa: BLE001 - named in the assertion below
                got["error"] = exc

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(60)  # a guard against waiting for ever, not a measure: the read takes milliseconds
        assert not reader.is_alive(), "the read waits for an index that will never come"
        monkeypatch.undo()
        assert "error" not in got, repr(got.get("error"))
        assert np.array_equal(got["frame"].pixels, expected)  # type: ignore[union-attr]
