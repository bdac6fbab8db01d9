"""29.97 EDLs (drop-frame and non-drop) as editorial writes them, and the record start of exported EDLs."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from horus_desktop.store import Store
from horus_desktop.timeline import files, playlists
from horus_desktop.timeline.errors import PlaylistError
from horus_desktop.timeline.state import load_state

from .helpers import media

# An Avid-style 29.97 drop-frame cut: source timecodes of the shots, record from 01:00:00;00.
DF_EDL = """TITLE: EP101_REEL2_v012
FCM: DROP FRAME

001  SH010    V     C        00:00:59;00 00:01:00;02 01:00:00;00 01:00:01;00
* FROM CLIP NAME: sh010_comp_v002
002  SH020    V     C        00:10:00;00 00:10:01;00 01:00:01;00 01:00:02;00
* FROM CLIP NAME: sh020_comp_v001
003  SH030    V     C        00:20:00;00 00:20:02;00 01:00:02;00 01:00:04;00
* FROM CLIP NAME: sh030_comp_v001
"""

NDF_EDL = """TITLE: EP101_REEL2_v012_NDF
FCM: NON-DROP FRAME

001  SH010    V     C        00:59:58:00 01:00:00:02 01:00:00:00 01:00:02:02
* FROM CLIP NAME: sh010_comp_v002
002  SH020    V     C        00:10:00:00 00:10:01:00 01:00:02:02 01:00:03:02
* FROM CLIP NAME: sh020_comp_v001
"""


def test_drop_frame_edl_is_read_at_2997_drop_frame(media_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "reel2.edl"
    path.write_text(DF_EDL)
    report = files.import_playlist(media_store, path, user="ana")  # no --rate: the FCM line says 29.97 DF
    state = load_state(media_store, report.timeline.id)
    assert state.rate == Fraction(30000, 1001)
    clips = state.clips()
    assert [c.name for c in clips] == ["sh010_comp_v002", "sh020_comp_v001", "sh030_comp_v001"]
    # 00:00:59;00 -> 00:01:00;02 is 30 frames drop-frame: frames ;00 and ;01 of minute 1 do not exist
    assert clips[0].source_start == 1770 and clips[0].duration == 30
    assert clips[1].source_start == 17_982  # 00:10:00;00 drop-frame (00:10:00:00 would be 18,000)
    assert clips[0].start == 0 and clips[1].start == 30
    assert [c.version for c in clips[:2]] == ["v002", "v001"]
    assert clips[0].media_id == media(media_store, "sh010", "v002").id  # matched by name at 29.97 too


def test_non_drop_2997_edl_with_rate(media_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "reel2_ndf.edl"
    path.write_text(NDF_EDL)
    report = files.import_playlist(media_store, path, user="ana", rate="29.97")
    state = load_state(media_store, report.timeline.id)
    assert state.rate == Fraction(30000, 1001)
    clips = state.clips()
    assert clips[0].source_start == 107_940 and clips[0].duration == 62  # 00:59:58:00 non-drop at 30
    assert clips[1].source_start == 18_000


def test_drop_frame_edl_refuses_a_non_ntsc_rate(media_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "reel2.edl"
    path.write_text(DF_EDL)
    with pytest.raises(PlaylistError, match="drop-frame"):
        files.import_playlist(media_store, path, user="ana", rate=25)


def _events(text: str) -> list[list[str]]:
    return [line.split()[-4:] for line in text.splitlines() if line[:3].isdigit()]


def test_2997_round_trip_keeps_drop_frame(media_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "reel2.edl"
    source.write_text(DF_EDL)
    report = files.import_playlist(media_store, source, user="ana")
    out = tmp_path / "out.edl"
    files.export_playlist(media_store, report.timeline.id, out)
    text = out.read_text()
    assert "FCM: DROP FRAME" in text.splitlines()[1]
    assert _events(text)[0] == ["00:00:59;00", "00:01:00;02", "01:00:00;00", "01:00:01;00"]
    again = files.import_playlist(media_store, out, user="ana")
    first, second = load_state(media_store, report.timeline.id), load_state(media_store, again.timeline.id)
    assert [(c.start, c.duration, c.source_start) for c in second.clips()] == \
        [(c.start, c.duration, c.source_start) for c in first.clips()]


def test_edl_export_record_starts_at_one_hour_or_as_asked(media_store: Store, tmp_path: Path) -> None:
    v1, v2 = media(media_store, "sh010", "v001"), media(media_store, "sh020", "v001")
    playlist = playlists.create_playlist(media_store, name="dailies", project_id="p", user="ana",
                                         media_ids=[v1.id, v2.id])
    out = tmp_path / "dailies.edl"
    files.export_playlist(media_store, playlist.id, out)
    events = _events(out.read_text())
    assert [e[2:] for e in events] == [["01:00:00:00", "01:00:00:05"], ["01:00:00:05", "01:00:00:09"]]
    assert "FCM: NON-DROP FRAME" in out.read_text()
    files.export_playlist(media_store, playlist.id, out, record_start="00:00:00:00")
    assert _events(out.read_text())[0][2:] == ["00:00:00:00", "00:00:00:05"]
    files.export_playlist(media_store, playlist.id, out, record_start="10:00:00:00")
    assert _events(out.read_text())[1][2:] == ["10:00:00:05", "10:00:00:09"]
    with pytest.raises(PlaylistError, match="record start"):
        files.export_playlist(media_store, playlist.id, out, record_start="1h")
