"""EDL/OTIO import (rates, matching, missing media), bad files change nothing, playback across a cut."""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from horus_desktop.media.errors import MissingFrameError
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import FrameSource
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.store import Store
from horus_desktop.timeline import files, playlists
from horus_desktop.timeline.errors import PlaylistError, PlaylistFileError
from horus_desktop.timeline.otio_doc import trange
from horus_desktop.timeline.playback import PlaylistFrameSource, resolve_frame, upcoming
from horus_desktop.timeline.state import load_state

from .helpers import media

EDL = """TITLE: DAILIES
FCM: NON-DROP FRAME

001  SH010    V     C        01:00:00:00 01:00:02:00 00:00:00:00 00:00:02:00
* FROM CLIP NAME: sh010_comp_v002
002  AX       V     C        00:00:41:17 00:00:41:20 00:00:02:00 00:00:02:03
* FROM CLIP NAME: whatever
* SOURCE FILE: {path}
003  SH099    V     C        01:00:10:00 01:00:11:00 00:00:03:00 00:00:04:00
* FROM CLIP NAME: sh099_comp_v007
"""


@pytest.mark.parametrize(("rate", "per_second"), [(Fraction(24), 24), (Fraction(25), 25),
                                                  (Fraction(24000, 1001), 24)])
def test_edl_import_frames_matching_and_missing(media_store: Store, tmp_path: Path, rate: Fraction,
                                                per_second: int) -> None:
    v1 = media(media_store, "sh010", "v001")
    edl = tmp_path / "cut.edl"
    edl.write_text(EDL.format(path=v1.file_path.replace("%04d", "####")))
    report = files.import_playlist(media_store, edl, user="ana", rate=rate)
    assert report.matched == {"name": 1, "path": 1} and report.missing == ["sh099_comp_v007"]
    state = load_state(media_store, report.timeline.id)
    assert state.rate == rate
    clips = state.clips()
    hour = 3600 * per_second  # 01:00:00:00 as frames at this rate (non-drop)
    assert [(c.start, c.duration, c.source_start) for c in clips] == [
        (0, 2 * per_second, hour), (2 * per_second, 3, 41 * per_second + 17),
        (3 * per_second, per_second, hour + 10 * per_second)]
    assert [c.version for c in clips] == ["v002", "v001", "v007"]
    assert [c.missing_media for c in clips] == [False, False, True]
    assert clips[2].name == "sh099_comp_v007"  # kept with its name and range, never dropped


def test_otio_import_matches_file_urls_and_patterns(media_store: Store, tmp_path: Path) -> None:
    v1, s2 = media(media_store, "sh010", "v001"), media(media_store, "sh020", "v001")
    doc = otio.schema.Timeline(name="from editorial")
    track = otio.schema.Track()
    for url in ("file://" + v1.file_path.replace("%04d", "####"), s2.file_path.replace(".%04d.", ".1001.")):
        track.append(otio.schema.Clip(name="x", media_reference=otio.schema.ExternalReference(target_url=url),
                                      source_range=trange(1001, 3, 24)))
    doc.tracks.append(track)
    path = tmp_path / "in.otio"
    otio.adapters.write_to_file(doc, str(path))
    report = files.import_playlist(media_store, path, user="ana")
    assert report.matched["path"] == 2 and report.timeline.project_id == "p"
    assert [c.media_id for c in report.timeline.clips] == [v1.id, s2.id]


def _snapshot(store: Store) -> list[tuple[str, int]]:
    return [(str(t.id), n) for t, n in store.timelines.list()]


@pytest.mark.parametrize(("name", "text", "line"), [
    ("bad.otio", '{"OTIO_SCHEMA": "Timeline.1", "tracks": ', None),
    ("bad.edl", "TITLE: X\n\n001  SH010    V     C        01:00:00:00 01:00:02:00 00:00:00:00 00:00:02:00\n"
                "002  SH020    V     C        01:00:10:00 01:0\n", 4),
    ("cut.xyz", "whatever", None),
])
def test_bad_files_change_nothing(media_store: Store, tmp_path: Path, name: str, text: str,
                                  line: int | None) -> None:
    playlists.create_playlist(media_store, name="existing", project_id="p", user="ana")
    before = _snapshot(media_store)
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(PlaylistFileError) as caught:
        files.import_playlist(media_store, path, user="ana")
    assert caught.value.path == str(path) and str(path) in str(caught.value)
    assert caught.value.line == line
    assert _snapshot(media_store) == before


def test_playback_reads_ahead_across_a_cut(media_store: Store) -> None:
    store = media_store
    v1, s2 = media(store, "sh010", "v001"), media(store, "sh020", "v001")
    made = playlists.create_playlist(store, name="d", project_id="p", user="ana", media_ids=[v1.id, s2.id])
    doc = playlists.document_of(store.timelines.get(made.id))
    doc.tracks[0].append(otio.schema.Clip(name="gone", source_range=trange(1, 2, 24)))  # missing media
    playlists.save_document(store, made.id, doc)
    state = load_state(store, made.id)
    assert state.duration == 11
    hit = resolve_frame(state, 6)
    assert hit is not None and (hit.media_id, hit.source_frame) == (s2.id, 1002)
    assert upcoming(state, 3, 4) == [(v1.id, 1004), (v1.id, 1005), (s2.id, 1001), (s2.id, 1002)]
    source = PlaylistFrameSource(state)
    with FrameCache(source, read_ahead=8, workers=2) as cache:
        cache.set_playhead(3)
        entries = [cache.get(n, timeout=20) for n in range(3, 11)]
    source.close()
    assert [e.frame.frame for e in entries[:6]] == [3, 4, 5, 6, 7, 8]
    assert [e.frame.metadata["source_frame"] for e in entries[:6]] == [1004, 1005, 1001, 1002, 1003, 1004]
    assert entries[2].frame.pixels.shape[:2] == (36, 64)
    assert all(isinstance(e.error, MissingFrameError) for e in entries[6:])


def test_a_media_given_twice_makes_two_clips_and_a_missing_one_is_named(media_store: Store) -> None:
    store = media_store
    v1, s2 = media(store, "sh010", "v001"), media(store, "sh020", "v001")
    made = playlists.create_playlist(store, name="before-after", project_id="p", user="ana",
                                     media_ids=[v1.id, s2.id, v1.id])
    state = load_state(store, made.id)
    assert [hit.media_id for hit in (resolve_frame(state, f) for f in (0, 6, 12))] == [v1.id, s2.id, v1.id]
    gone = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(PlaylistError, match=f"media not found: {gone}$"):
        playlists.create_playlist(store, name="lost", project_id="p", user="ana", media_ids=[v1.id, gone, gone])


def test_a_slow_open_of_one_clip_does_not_hold_up_the_next_clips_frames(media_store: Store) -> None:
    """A movie's open reads its header (70-180 ms under load): frames of clips already open go on meanwhile."""
    store = media_store
    v1, s2 = media(store, "sh010", "v001"), media(store, "sh020", "v001")
    made = playlists.create_playlist(store, name="d", project_id="p", user="ana", media_ids=[v1.id, s2.id])
    state = load_state(store, made.id)
    slow_path = resolve_frame(state, 0).media_path  # type: ignore[union-attr]
    opening, go_on = threading.Event(), threading.Event()

    def opener(path: str) -> FrameSource:
        if path == slow_path:
            opening.set()
            go_on.wait(30)
        return open_frame_source(path)

    source = PlaylistFrameSource(state, opener=opener)
    try:
        source.read(6)  # the second clip's media is open
        slow = threading.Thread(target=source.read, args=(0,))
        slow.start()
        assert opening.wait(30)
        second = threading.Thread(target=source.read, args=(7,))
        second.start()
        second.join(30)
        read_while_opening = not second.is_alive() and not go_on.is_set()
        go_on.set()
        slow.join(30)
        assert read_while_opening
        assert source.read(0).metadata["source_frame"] == 1001
    finally:
        go_on.set()
        source.close()
