"""The notes transaction scripts (services/notes.py), on SQLite and PostgreSQL: what a note's trip costs in
statements, and that it lands whole or not at all."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event

from horus_desktop.api import Horus
from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.store import NotFoundError, Store

ANA = Author("ana", "Ana")


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (an executemany counts once)."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        sent.append(" ".join(statement.split()))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _count(sent: list[str], pattern: str) -> int:
    return sum(1 for s in sent if re.match(pattern, s, re.IGNORECASE))


def _shot(store: Store, versions: int, shot: str = "sh010") -> list:
    return [store.media.create(file_path=f"/show/{shot}/comp/v{v:03d}/{shot}.####.exr", project_id="show",
                               shot=shot, department="comp", version=f"v{v:03d}", version_number=v,
                               frame_rate=Decimal("24"))
            for v in range(1, versions + 1)]


def _drawings(store: Store, media_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    return [a.id for a in store.annotations.add_many([
        dict(media_id=media_id, frame_number=1001, annotation_type="rectangle",
             coordinates={"x": i / 10, "y": 0.1, "w": 0.1, "h": 0.1}, user_id="ana", user_name="Ana",
             style_properties={"color": "#ff0000"}) for i in range(n)])]


def test_a_note_with_its_drawings_is_one_insert_and_one_grouped_link(store: Store) -> None:
    (media,) = _shot(store, 1)
    drawing_ids = _drawings(store, media.id, 5)
    with statements(store) as sent:
        written = notes_service.add_note(store, media.id, "Edge flickers", ANA, frame=1001, drawings=drawing_ids)
    assert _count(sent, r"INSERT INTO horus_comments\b") == 1
    assert _count(sent, r"SELECT .* FROM horus_annotations\b") == 1  # the five shapes read together
    assert _count(sent, r"UPDATE horus_annotations\b") == 1  # and written in one batched statement
    note = written.comment
    assert note.timecode == "00:00:41:17" and note.frame_number == 1001
    assert [d.id for d in written.drawings] == drawing_ids
    stored = {a.id: a for a in store.annotations.list(media.id)}
    assert all(stored[i].style_properties == {"color": "#ff0000", "comment_id": str(note.id)} for i in drawing_ids)
    assert store.comments.get(note.id) == note  # what the caller shows is what was stored


def test_a_note_linking_a_missing_drawing_is_not_written(store: Store) -> None:
    (media,) = _shot(store, 1)
    drawing_ids = [*_drawings(store, media.id, 2), uuid.uuid4()]
    with pytest.raises(NotFoundError, match="annotation"):
        notes_service.add_note(store, media.id, "Lost", ANA, frame=1001, drawings=drawing_ids)
    assert store.comments.list_for_media(media.id) == []
    assert all("comment_id" not in (a.style_properties or {}) for a in store.annotations.list(media.id))


def test_a_reply_sits_on_its_notes_frame_and_names_unknown_mentions(store: Store) -> None:
    (media,) = _shot(store, 1)
    root = notes_service.add_note(store, media.id, "Too dark", ANA, frame=1010).comment
    answer = notes_service.reply(store, root.id, "Brightened, @nobody check", Author("bo", "Bo"))
    assert answer.comment.parent_id == root.id and answer.comment.frame_number == 1010
    assert answer.unknown_mentions == ("nobody",)


def _selects_of_loading(store: Store, media_id: uuid.UUID) -> tuple[int, notes_service.MediaNotes]:
    with statements(store) as sent:
        loaded = notes_service.load_notes(store, media_id)
    assert _count(sent, r"SELECT .* FROM horus_comments\b") == 1  # this version's notes and the earlier ones'
    return _count(sent, r"SELECT\b"), loaded


def test_earlier_versions_open_notes_come_in_grouped_reads(store: Store) -> None:
    short, long = _shot(store, 3, "sh010"), _shot(store, 6, "sh020")
    for record in [*short[:-1], *long[:-1]]:
        note = notes_service.add_note(store, record.id, f"open on {record.version}", ANA, frame=1001).comment
        store.comments.react(note.id, "bo", "like")
        done = notes_service.add_note(store, record.id, f"done on {record.version}", ANA, frame=1002).comment
        notes_service.set_resolved(store, done.id, True, "ana")
    for latest in (short[-1], long[-1]):
        notes_service.add_note(store, latest.id, f"new on {latest.shot}", ANA, frame=1001)
    few, loaded_few = _selects_of_loading(store, short[-1].id)  # two earlier versions
    many, loaded = _selects_of_loading(store, long[-1].id)  # five earlier versions
    assert few == many  # the query count does not grow with the versions
    assert [t.comment.content for t in loaded.threads] == ["new on sh020"]
    assert [(m.version, [t.comment.content for t in threads]) for m, threads in loaded.earlier] == [
        (f"v{v:03d}", [f"open on v{v:03d}"]) for v in (5, 4, 3, 2, 1)]
    assert all(t.reactions[0].user_id == "bo" for _m, threads in loaded.earlier for t in threads)
    assert [m.version for m, _t in loaded_few.earlier] == ["v002", "v001"]


def test_the_api_links_drawings_as_the_panel_does(tmp_path) -> None:  # noqa: ANN001
    with Horus.open(tmp_path / "api.sqlite", user="ana") as horus:
        (media,) = _shot(horus.store, 1)
        shape = horus.add_annotation(media.id, 1001, "circle", {"x": 0.5, "y": 0.5, "r": 0.1})
        note = horus.add_comment(media.id, "Look here", frame=1001, drawings=[shape.id])
        assert horus.annotations(media.id)[0].style_properties["comment_id"] == str(note.id)
