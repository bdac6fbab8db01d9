"""The notes report model (services/notes_report.py), on SQLite and PostgreSQL: what a dailies report lists,
in which order, with which timecodes, grouping and open-notes-only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.services.notes_report import media_report, playlist_report
from horus_desktop.store import Store

ANA = Author("ana", "Ana")
BO = Author("bo", "Bo")


def _media(store: Store, shot: str, version: int, artist: str, department: str, **extra: object):
    return store.media.create(file_path=f"/show/{shot}/v{version:03d}/{shot}.####.exr", project_id="show",
                              shot=shot, version=f"v{version:03d}", version_number=version, artist_name=artist,
                              department=department, frame_rate=Decimal("24"), start_frame=1001, **extra)


def _draw(store: Store, media_id: uuid.UUID, frame: int, hold: int = 1) -> None:
    store.annotations.add(media_id=media_id, frame_number=frame, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#ff0000", "hold": hold})


def _playlist(store: Store, media: list) -> str:
    clips = [dict(media_path=m.file_path, media_id=m.id, track_name="V1", track_type="video", track_index=0,
                  start_time_frames=i * 10, duration_frames=10, clip_order=i) for i, m in enumerate(media)]
    return str(store.timelines.create(name="Dailies 12", project_id="show", timeline_type="dailies",
                                      created_by="ana", clips=clips).id)


def test_a_playlist_report_lists_media_in_clip_order_with_frames_timecodes_threads_and_status(store: Store) -> None:
    later = _media(store, "sh020", 1, "Bo", "anim")
    first = _media(store, "sh010", 2, "Ana", "comp", extra_metadata={"start_timecode": "01:00:00:00"})
    store.media.set_status([first.id], "approved", by="sup", by_name="Sue Pervisor")
    note = notes_service.add_note(store, first.id, "Edge flickers 🔥", ANA, frame=1003).comment
    notes_service.reply(store, note.id, "שלום, fixed", BO)
    store.comments.react(note.id, "bo", "like")
    notes_service.add_note(store, first.id, "Overall: nice", BO)
    _draw(store, first.id, 1001, hold=3)  # held over 1001..1003: on screen at the noted frame too
    notes_service.add_note(store, later.id, "Timing", ANA, frame=5)

    report = playlist_report(store, _playlist(store, [first, later]), reviewer="Sue")

    assert report.title == "Dailies 12"
    entries = report.media()
    assert [e.media.shot for e in entries] == ["sh010", "sh020"]
    head = entries[0]
    assert head.media.approval_status == "approved"
    assert head.status_change is not None and head.status_change.changed_by_name == "Sue Pervisor"
    assert [f.frame for f in head.frames] == [1001, 1003]
    drawn, noted = head.frames
    assert drawn.annotated and not drawn.threads
    assert noted.annotated, "a drawing held from 1001 is on screen at 1003"
    assert noted.timecode == "01:00:00:02"
    (thread,) = noted.threads
    assert thread.comment.content == "Edge flickers 🔥"
    assert [r.comment.content for r in thread.replies] == ["שלום, fixed"]
    assert thread.reaction_counts() == {"like": 1}
    assert [t.comment.content for t in head.general] == ["Overall: nice"]
    assert report.shot_summary == {"sh010": {"approved": 1}, "sh020": {"pending": 1}}
    assert report.counts() == {"media": 2, "notes": 4, "open": 3, "resolved": 0, "annotated_frames": 2}


def test_grouping_by_artist_and_open_notes_only(store: Store) -> None:
    a = _media(store, "sh010", 1, "Ana", "comp")
    b = _media(store, "sh020", 1, "Bo", "anim")
    done = notes_service.add_note(store, a.id, "Fixed already", BO, frame=1010).comment
    notes_service.set_resolved(store, done.id, True, "bo")
    notes_service.add_note(store, a.id, "Still open", BO, frame=1012)
    notes_service.add_note(store, b.id, "Anim note", ANA)
    playlist = _playlist(store, [b, a])

    report = playlist_report(store, playlist, grouping="artist", open_only=True)

    assert [(s.title, [m.media.shot for m in s.media]) for s in report.sections] == [
        ("Ana", ["sh010"]), ("Bo", ["sh020"])]
    texts = [t.comment.content for m in report.media() for t in m.threads()]
    assert texts == ["Still open", "Anim note"]
    assert [f.frame for f in report.media()[0].frames] == [1012]


def test_a_media_without_notes_gives_an_empty_entry_not_an_error(store: Store) -> None:
    quiet = _media(store, "sh030", 1, "Ana", "comp")
    report = media_report(store, quiet.id)
    (entry,) = report.media()
    assert entry.frames == () and entry.general == ()
    assert report.counts()["notes"] == 0


def test_drawings_on_a_hidden_layer_stay_out_of_the_report_as_they_stay_off_the_viewer(store: Store) -> None:
    media = _media(store, "sh040", 1, "Ana", "comp")
    layer = store.layers.create(media.id, "roto")
    store.layers.update(layer.id, is_visible=False)
    store.annotations.add(media_id=media.id, frame_number=1001, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                          user_name="Ana", layer_name="roto")
    _draw(store, media.id, 1002)

    (entry,) = media_report(store, media.id).media()

    assert [(f.frame, len(f.drawings)) for f in entry.frames] == [(1002, 1)]
