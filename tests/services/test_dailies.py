"""The dailies notes list (services/dailies.py) and the playlist's review marks (timeline/state.py), on SQLite and
PostgreSQL: every note of the playlist grouped by shot then version, placed on the playlist frame that shows it;
drawn frames marked on the clips; a note added shows up by renewing one media's marks."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from horus_desktop.services import notes as notes_service
from horus_desktop.services.dailies import dailies_notes, format_notes
from horus_desktop.services.notes import Author
from horus_desktop.store import NotFoundError, Store
from horus_desktop.timeline import edits
from horus_desktop.timeline.note_nav import playlist_marks
from horus_desktop.timeline.playlists import create_playlist
from horus_desktop.timeline.state import load_state, marks_by_media, with_marks

ANA = Author("ana", "Ana")
BO = Author("bo", "Bo")


def _media(store: Store, shot: str, version: int, department: str = "comp", first: int = 1001, count: int = 12):
    return store.media.create(file_path=f"/show/{shot}/v{version:03d}/{shot}.####.exr", project_id="show",
                              shot=shot, version=f"v{version:03d}", version_number=version, department=department,
                              frame_rate=Decimal("24"), start_frame=first, end_frame=first + count - 1,
                              frame_count=count)


def _draw(store: Store, media_id: uuid.UUID, frame: int) -> None:
    store.annotations.add(media_id=media_id, frame_number=frame, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#ff0000"})


@pytest.fixture
def dailies(store: Store):  # noqa: ANN201 - (store, playlist, media by name)
    """sh010 comp v003, sh020 comp v001, sh010 anim v002 on V1 (12 frames each from 1001); notes and drawings."""
    comp = _media(store, "sh010", 3)
    other = _media(store, "sh020", 1)
    anim = _media(store, "sh010", 2, department="anim")
    playlist = create_playlist(store, name="Dailies 12", project_id="show", user="ana",
                               media_ids=[comp.id, other.id, anim.id])
    first = notes_service.add_note(store, comp.id, "Edge flickers", ANA, frame=1005).comment
    notes_service.reply(store, first.id, "fixed in v004", BO)
    notes_service.add_note(store, comp.id, "Overall nice", BO)
    notes_service.add_note(store, anim.id, "Timing", ANA, frame=1002)
    notes_service.add_note(store, comp.id, "outside the cut", ANA, frame=2000)
    _draw(store, comp.id, 1010)
    _draw(store, other.id, 1003)
    return store, playlist, {"comp": comp, "other": other, "anim": anim}


def test_the_list_groups_by_shot_then_version_with_playlist_frames(dailies) -> None:  # noqa: ANN001
    store, playlist, media = dailies
    listing = dailies_notes(store, playlist.id)
    assert [s.shot for s in listing.shots] == ["sh010", "sh020"]
    sh010 = listing.shots[0]
    assert [(v.version, v.department) for v in sh010.versions] == [("v003", "comp"), ("v002", "anim")]
    comp_lines = [(n.frame, n.playlist_frame, n.status, n.text) for n in sh010.versions[0].notes]
    assert comp_lines == [(1005, 4, "open", "Edge flickers"), (1010, 9, "drawing", "(drawing)"),
                          (2000, None, "open", "outside the cut"), (None, 0, "open", "Overall nice")]
    assert sh010.versions[0].notes[0].replies[0].text == "fixed in v004"
    assert [(n.frame, n.playlist_frame) for n in sh010.versions[1].notes] == [(1002, 25)]  # third clip, from 24
    assert [(n.frame, n.playlist_frame, n.status) for n in listing.shots[1].versions[0].notes] == [(1003, 14, "drawing")]
    assert listing.to_dict()["notes"] == 4  # notes, not drawn frames
    text = format_notes(listing)
    assert "Edge flickers" in text and "> Bo: fixed in v004" in text and text.index("sh010") < text.index("sh020")
    assert dailies_notes(store, "Dailies 12").playlist_id == playlist.id  # by name too


def test_an_unknown_playlist_name_is_refused_by_name(store: Store) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        dailies_notes(store, "nope")


def test_marks_on_clips_are_notes_and_drawn_frames_and_follow_a_new_note(dailies) -> None:  # noqa: ANN001
    store, playlist, media = dailies
    state = load_state(store, playlist.id)
    comp_clip = state.clips()[0]
    assert [(m.kind, m.frame, m.source_frame) for m in comp_clip.markers] == [("note", 4, 1005), ("drawing", 9, 1010)]
    assert playlist_marks(state) == [4, 9, 14, 25]
    note = notes_service.add_note(store, media["other"].id, "Sky too blue", BO, frame=1007).comment
    changed = with_marks(state, marks_by_media(store, [media["other"].id]), [media["other"].id])
    other_clip = changed.clips()[1]
    assert [(m.kind, m.frame) for m in other_clip.markers] == [("drawing", 14), ("note", 18)]
    assert other_clip.markers[1].comment_id == str(note.id)
    assert changed.clips()[0] is state.clips()[0], "clips of other media are kept as they were"
    assert playlist_marks(changed) == [4, 9, 14, 18, 25]


def test_a_version_switch_keeps_the_notes_of_the_new_media(dailies) -> None:  # noqa: ANN001
    store, playlist, media = dailies
    newer = _media(store, "sh020", 2)
    notes_service.add_note(store, newer.id, "better", ANA, frame=1001)
    clip_id = load_state(store, playlist.id).clips()[1].clip_id
    state = edits.switch_version(store, playlist.id, clip_id, newer.id).state
    assert [(m.kind, m.frame) for m in state.clips()[1].markers] == [("note", 12)]
    assert [v.version for v in dailies_notes(store, playlist.id).shots[1].versions] == ["v002"]


def test_cli_prints_the_same_list_and_json_only_with_json(dailies, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    import json

    from horus_desktop.cli import main

    store, playlist, _media_by = dailies
    assert main(["playlist", "notes", "Dailies 12", "--db", store.url, "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # nothing but JSON on stdout
    assert data["notes"] == 4 and [s["shot"] for s in data["shots"]] == ["sh010", "sh020"]
    first = data["shots"][0]["versions"][0]["notes"][0]
    assert (first["frame"], first["playlist_frame"], first["author"], first["text"]) == (1005, 4, "Ana", "Edge flickers")
    assert main(["playlist", "notes", str(playlist.id), "--db", store.url]) == 0
    assert capsys.readouterr().out.strip() == format_notes(dailies_notes(store, playlist.id))
    assert main(["playlist", "notes", "nope", "--db", store.url]) == 2
    assert "nope" in capsys.readouterr().err
