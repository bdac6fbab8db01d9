"""Field rules on both databases: no NUL characters anywhere, only known vocabulary words."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.vocabulary import APPROVAL_STATUSES
from horus_desktop.store import InvalidFieldError, Store
from horus_desktop.store.models import (
    ApprovalChangeRow,
    CommentRow,
    MediaRecordRow,
    MediaTagRow,
    TimelineClipRow,
    TimelineRow,
    UserRow,
)


def _media(store: Store, shot: str = "sh010", **over: object):
    values = dict(file_path=f"/show/sq010/{shot}/comp/v001/{shot}.####.exr", project_id="show", version="v001",
                  version_number=1, sequence="sq010", shot=shot, department="comp", frame_rate=Decimal("24"))
    values.update(over)
    return store.media.create(**values)


def _rows(store: Store, model: type) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_tag_with_a_nul_is_refused_and_later_tags_stay_searchable(store: Store) -> None:
    media = _media(store)
    store.tags.add([media.id], "aaa-first")
    with pytest.raises(InvalidFieldError, match=r"horus_media_tags\.tag_name.*NUL"):
        store.tags.add([media.id], "bad\x00tag")
    store.tags.add([media.id], "zebra-later")
    assert [t.tag_name for t in store.tags.list_for(media.id)] == ["aaa-first", "zebra-later"]
    found = store.media.search(MediaQuery(text="zebra-later"))
    assert [m.id for m in found.items] == [media.id]


@pytest.mark.parametrize("write, field, model", [
    (lambda s, m: _media(s, shot="sh020", artist_name="Ana\x00Lima"), "horus_media_records.artist_name",
     MediaRecordRow),
    (lambda s, m: _media(s, shot="sh020", extra_metadata={"owner": "x\x00y"}),
     "horus_media_records.extra_metadata", MediaRecordRow),
    (lambda s, m: s.media.update(m.id, shot="sh\x00010"), "horus_media_records.shot", None),
    (lambda s, m: s.comments.add(media_id=m.id, content="look\x00here", user_id="ana", user_name="Ana"),
     "horus_comments.content", CommentRow),
    (lambda s, m: s.timelines.create(name="dailies", project_id="show", timeline_type="dailies", created_by="ana",
                                     clips=[dict(media_path="/a\x00b", track_name="V1", track_type="video",
                                                 track_index=0, start_time_frames=0, duration_frames=10,
                                                 clip_order=0)]),
     "horus_timeline_clips.media_path", TimelineRow),
    (lambda s, m: s.users.ensure("bo\x00b"), "horus_users.id", UserRow),
])
def test_every_write_path_refuses_a_nul_naming_the_field(store: Store, write: Callable, field: str,
                                                         model: type | None) -> None:
    media = _media(store)
    before = _rows(store, model) if model is not None else 0
    with pytest.raises(InvalidFieldError) as caught:
        write(store, media)
    assert caught.value.field_name == field
    assert "NUL" in str(caught.value)
    if model is not None:
        assert _rows(store, model) == before  # the whole transaction rolled back
    assert store.media.get(media.id).shot == "sh010"


def test_a_layer_rename_to_a_nul_name_is_refused_and_its_shapes_keep_their_layer(store: Store) -> None:
    media = _media(store)
    layer = store.layers.create(media.id, "paint")
    store.annotations.add(media_id=media.id, frame_number=1, annotation_type="circle",
                          coordinates={"cx": 0.5, "cy": 0.5, "r": 0.1}, layer_name="paint", user_id="ana", user_name="Ana")
    with pytest.raises(InvalidFieldError, match="NUL"):
        store.layers.update(layer.id, layer_name="pa\x00int")
    assert [a.layer_name for a in store.annotations.list(media.id)] == ["paint"]
    assert [x.layer_name for x in store.layers.list(media.id)] == ["paint"]


def test_a_search_for_a_nul_answers_nothing_instead_of_a_database_error(store: Store) -> None:
    media = _media(store)
    store.tags.add([media.id], "hero")
    for query in (MediaQuery(text="he\x00ro"), MediaQuery(text="\x00"), MediaQuery(shot="sh\x00010"),
                  MediaQuery(departments=("co\x00mp",), with_total=True)):
        page = store.media.search(query)
        assert page.items == ()
        assert page.total in (None, 0)
        assert store.media.count(query) == 0
    assert [m.id for m in store.media.search(MediaQuery(text="hero")).items] == [media.id]


def test_a_lookup_with_a_nul_is_a_clear_error(store: Store) -> None:
    with pytest.raises(InvalidFieldError, match="NUL"):
        store.users.find("bo\x00b")


# Vocabulary -------------------------------------------------------------------------------------------


def test_a_misspelt_status_is_refused_with_the_allowed_words_and_nothing_changes(store: Store) -> None:
    media = _media(store)
    store.media.set_status([media.id], "approved", by="ana")
    with pytest.raises(InvalidFieldError) as caught:
        store.media.set_status([media.id], "approvd", by="ana")
    assert caught.value.field_name == "horus_media_records.approval_status"
    for word in APPROVAL_STATUSES:
        assert word in str(caught.value)
    assert store.media.get(media.id).approval_status == "approved"
    assert _rows(store, ApprovalChangeRow) == 1


@pytest.mark.parametrize("write, field", [
    (lambda s, m: _media(s, shot="sh020", approval_status="maybe"), "horus_media_records.approval_status"),
    (lambda s, m: s.media.update(m.id, approval_status="done"), "horus_media_records.approval_status"),
    (lambda s, m: s.users.ensure("bob", role="boss"), "role"),
    (lambda s, m: s.timelines.create(name="cut", project_id="show", timeline_type="dailys", created_by="ana"),
     "horus_timelines.timeline_type"),
    (lambda s, m: s.timelines.update(s.timelines.create(name="cut", project_id="show", timeline_type="dailies",
                                                        created_by="ana").id, status="finished"),
     "horus_timelines.status"),
    (lambda s, m: s.comments.react(s.comments.add(media_id=m.id, content="hi", user_id="ana", user_name="Ana").id,
                                   "ana", "lol"), "horus_comment_reactions.reaction_type"),
    (lambda s, m: s.thumbnails.upsert(m.id, "huge", "/tmp/t.jpg"), "horus_thumbnails.thumbnail_size"),
])
def test_every_vocabulary_field_refuses_an_unknown_word(store: Store, write: Callable, field: str) -> None:
    media = _media(store)
    with pytest.raises(InvalidFieldError) as caught:
        write(store, media)
    assert caught.value.field_name == field
    assert "is not one of" in str(caught.value)


def test_a_refused_word_leaves_no_timeline_behind(store: Store) -> None:
    with pytest.raises(InvalidFieldError):
        store.timelines.create(name="cut", project_id="show", timeline_type="dailys", created_by="ana",
                               clips=[dict(media_path="/a.mov", track_name="V1", track_type="video", track_index=0,
                                           start_time_frames=0, duration_frames=10, clip_order=0)])
    assert _rows(store, TimelineRow) == 0
    assert _rows(store, TimelineClipRow) == 0


def test_rows_already_holding_an_old_word_can_still_be_edited(store: Store) -> None:
    media = _media(store)
    with store.engine.begin() as conn:  # as a store written before the rule would hold it
        conn.exec_driver_sql("UPDATE horus_media_records SET approval_status = 'legacy'")
    assert store.media.update(media.id, shot="sh011").approval_status == "legacy"
    assert store.media.set_status([media.id], "approved")[0].approval_status == "approved"


def test_tags_are_not_a_vocabulary(store: Store) -> None:
    media = _media(store)
    assert store.tags.add([media.id], "anything goes")[0].tag_name == "anything goes"
    assert _rows(store, MediaTagRow) == 1


def test_a_reply_on_another_media_is_refused_written_or_imported_and_replies_nest(store: Store) -> None:
    import uuid

    from horus_desktop.store.repositories.imports import ImportRepository

    shot_a, shot_b = _media(store, "sh010"), _media(store, "sh020")
    note = store.comments.add(media_id=shot_a.id, content="edge flickers", user_id="ana", user_name="Ana",
                              frame_number=1012)
    before = _rows(store, CommentRow)
    with pytest.raises(InvalidFieldError, match="same media as its note"):
        store.comments.add(media_id=shot_b.id, content="wrong shot", user_id="ben", user_name="Ben",
                           parent_id=note.id)
    imports = ImportRepository(store.uow)
    with pytest.raises(InvalidFieldError, match="same media as its note"):
        imports.insert_comments([dict(id=uuid.uuid4(), media_id=shot_b.id, content="wrong shot", user_id="ben",
                                      user_name="Ben", parent_id=note.id)])
    assert _rows(store, CommentRow) == before  # nothing half-written
    # a written reply and an imported one sit under the note, on its frame
    store.comments.add(media_id=shot_a.id, content="fixed in v2", user_id="ben", user_name="Ben",
                       parent_id=note.id)
    imports.insert_comments([dict(id=uuid.uuid4(), media_id=shot_a.id, content="agreed", user_id="cy",
                                  user_name="Cy", parent_id=note.id)])
    (thread,) = store.comments.threads(shot_a.id)
    assert sorted(r.comment.content for r in thread.replies) == ["agreed", "fixed in v2"]
    assert {r.comment.thread_depth for r in thread.replies} == {1}
    assert {r.comment.frame_number for r in thread.replies} == {1012}
