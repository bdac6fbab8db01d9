"""Repositories on both databases: round trips of every table, cascades, soft delete, queries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.store import InvalidFieldError, NotFoundError, Store
from horus_desktop.store.models import (
    AnnotationRow,
    CommentAttachmentRow,
    CommentReactionRow,
    CommentRow,
    MediaTagRow,
    ThumbnailRow,
)


def make_media(store: Store, n: int = 1, **over: object) -> list:
    items = []
    for i in range(n):
        values = dict(file_path=f"/show/sq010/sh{i:03d}/comp/v001/sh{i:03d}.####.exr", project_id="show",
                      version="v001", version_number=1, sequence="sq010", shot=f"sh{i:03d}", department="comp",
                      start_frame=1001, end_frame=1048, frame_count=48, frame_rate=Decimal("24"))
        values.update(over)
        items.append(values)
    return store.media.create_many(items)


def count(store: Store, model: type) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_media_round_trip_keeps_every_field(store: Store) -> None:
    modified = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    media_id = uuid.uuid4()
    created = store.media.create(
        id=media_id, file_path="/p/sh010/v003/sh010.####.exr", project_id="show", episode="ep01",
        sequence="sq010", shot="sh010", version="v003", version_number=3, department="comp", task_type="comp",
        artist_id="ana", artist_name="Ana Lima", approval_status="on_hold", resolution="2048x1152",
        frame_rate=Decimal("23.976"), frame_rate_rational="24000/1001", color_space="ACEScg", bit_depth=16,
        compression="piz", start_frame=1001, end_frame=1120, frame_count=118, file_size=123_456_789_012,
        file_hash="ab" * 32, mime_type="image/x-exr", file_modified_at=modified, media_kind="sequence",
        missing_frames=[1050, 1051], extra_metadata={"channels": ["R", "G", "B", "A"], "parts": 1},
    )
    got = store.media.get(media_id)
    assert got == created
    assert got.id == media_id  # the client-made key is kept
    assert got.file_name == "sh010.####.exr"
    assert got.frame_rate == Decimal("23.98") and got.frame_rate_rational == "24000/1001"
    assert got.file_modified_at == modified and got.file_modified_at.tzinfo is not None
    assert got.missing_frames == [1050, 1051] and got.extra_metadata == {"channels": ["R", "G", "B", "A"], "parts": 1}
    assert got.file_size == 123_456_789_012


def test_media_field_errors_name_the_field(store: Store) -> None:
    with pytest.raises(InvalidFieldError, match="project_id"):
        store.media.create(file_path="/a.mov", version="v1", project_id="")
    with pytest.raises(InvalidFieldError, match="shot: .*at most 50"):
        store.media.create(file_path="/a.mov", version="v1", project_id="p", shot="x" * 51)
    with pytest.raises(InvalidFieldError, match="frame_rate"):
        store.media.create(file_path="/a.mov", version="v1", project_id="p", frame_rate="fast")
    with pytest.raises(InvalidFieldError, match="colour"):
        store.media.create(file_path="/a.mov", version="v1", project_id="p", colour="red")
    assert store.media.count() == 0  # nothing half-written


def test_create_many_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(InvalidFieldError):
        store.media.create_many([
            dict(file_path="/ok.mov", project_id="p", version="v1"),
            dict(file_path="/bad.mov", project_id="p", version=""),
        ])
    assert store.media.count() == 0


def test_updated_at_moves_on_update(store: Store) -> None:
    (media,) = make_media(store)
    updated = store.media.update(media.id, artist_name="Bo")
    assert updated.artist_name == "Bo"
    assert updated.updated_at > media.updated_at
    assert updated.created_at == media.created_at


def test_any_under_tells_a_folder_with_media_from_its_neighbours(store: Store) -> None:
    """An ingest asks it to skip looking up the paths of a tree new to the store: it must see every media under
    the folder (deleted ones too) and none beside it, whatever sorts between them byte by byte."""
    for path in ("/show/sq010/sh001/comp/v001/a.####.exr", "/show/sq010-old/b.exr", "/show/sq0100/c.exr",
                 "/show/sq010 x/d.exr", "/show/sq010.e.exr"):
        make_media(store, file_path=path)
    assert store.media.any_under("/show/sq010")
    assert store.media.any_under("/show/sq010/")
    assert store.media.any_under("/show/sq010/sh001/comp/v001")
    assert not store.media.any_under("/show/sq010/sh002")
    assert not store.media.any_under("/show/sq01")
    assert not store.media.any_under("/show/sq010/sh001/comp/v001/a.####.exr")
    assert not store.media.any_under("/elsewhere")
    deleted = make_media(store, file_path="/show/sq020/sh001/f.exr")[0]
    store.media.soft_delete(deleted.id)
    assert store.media.any_under("/show/sq020")


def test_soft_delete_and_restore_media(store: Store) -> None:
    a, b = make_media(store, 2)
    store.media.soft_delete(a.id)
    assert [m.id for m in store.media.search(MediaQuery()).items] == [b.id]
    with pytest.raises(NotFoundError):
        store.media.get(a.id)
    assert store.media.get_by_path(a.file_path) is None
    assert store.media.get_by_path(a.file_path, include_deleted=True) is not None
    restored = store.media.restore(a.id)
    assert not restored.is_deleted and restored.deleted_at is None
    assert store.media.count() == 2


def test_search_filters(store: Store) -> None:
    base = dict(project_id="show", sequence="sq010", version="v001")
    rows = store.media.create_many([
        dict(base, file_path="/s/sh010/comp/a.exr", shot="sh010", department="comp", artist_name="Ana",
             approval_status="approved", media_kind="sequence", task_type="comp", episode="ep1"),
        dict(base, file_path="/s/sh010/anim/b.mov", shot="sh010", department="anim", artist_name="Bo",
             media_kind="movie", task_type="blocking"),
        dict(base, file_path="/s/sh020/comp/c.jpg", shot="sh020", department="comp", artist_name="Bo",
             approval_status="rejected", media_kind="still", sequence="sq020"),
        dict(project_id="other", version="v002", file_path="/o/d.exr", shot="sh010", department="comp",
             media_kind="sequence"),
    ])
    a, b, c, d = (r.id for r in rows)
    store.tags.add([c], "hero-shot", created_by="ana")

    def ids(**kw: object) -> set:
        return {m.id for m in store.media.search(MediaQuery(**kw)).items}

    assert ids(project_id="show") == {a, b, c}
    assert ids(episode="ep1") == {a}
    assert ids(sequence="sq020") == {c}
    assert ids(shot="sh010") == {a, b, d}
    assert ids(departments=("anim",)) == {b}
    assert ids(task_types=("comp", "blocking")) == {a, b}
    assert ids(statuses=("pending",)) == {b, d}
    assert ids(artists=("Bo",)) == {b, c}
    assert ids(file_types=("exr",)) == {a, d}
    assert ids(file_types=("movie", "jpg")) == {b, c}
    assert ids(text="HERO") == {c}  # tags, case-insensitive
    assert ids(text="sh010 anim") == {b}  # every word must match
    assert ids(text="100%") == set()  # LIKE wildcards are literal
    now = datetime.now(UTC)
    assert ids(created_from=now - timedelta(minutes=5), created_to=now + timedelta(minutes=5)) == {a, b, c, d}
    assert ids(created_from=now + timedelta(minutes=5)) == set()


def test_search_sort_and_paging(store: Store) -> None:
    make_media(store, 25)
    page1 = store.media.search(MediaQuery(sort_by="shot", descending=False, limit=10, with_total=True))
    page3 = store.media.search(MediaQuery(sort_by="shot", descending=False, offset=20, limit=10))
    assert page1.total == 25 and len(page1.items) == 10 and len(page3.items) == 5
    shots = [m.shot for m in page1.items] + [m.shot for m in page3.items]
    assert shots == sorted(shots) and shots[0] == "sh000" and shots[-1] == "sh024"
    desc = store.media.search(MediaQuery(sort_by="shot", descending=True, limit=3))
    assert [m.shot for m in desc.items] == ["sh024", "sh023", "sh022"]
    with pytest.raises(InvalidFieldError, match="sort_by"):
        store.media.search(MediaQuery(sort_by="password"))
    assert store.media.search_ids(MediaQuery(sort_by="shot", descending=False, limit=2)) == [
        m.id for m in page1.items[:2]]


def test_latest_versions_maintained_per_shot_department_task(store: Store) -> None:
    v1, v2 = store.media.create_many([
        dict(file_path=f"/s/sh010/comp/v00{n}/x.exr", project_id="show", shot="sh010", department="comp",
             task_type="comp", version=f"v00{n}", version_number=n) for n in (1, 2)])
    (other,) = make_media(store, 1, shot="sh010", department="anim", file_path="/s/sh010/anim/x.mov")
    assert store.media.refresh_latest_versions("show", "sh010", "comp", "comp") == v2.id
    store.media.refresh_latest_versions("show", "sh010", "anim", None)
    assert {m.id for m in store.media.search(MediaQuery(latest_only=True)).items} == {v2.id, other.id}
    store.media.soft_delete(v2.id)
    store.media.refresh_latest_versions("show", "sh010", "comp", "comp")
    assert {m.id for m in store.media.search(MediaQuery(latest_only=True)).items} == {v1.id, other.id}
    assert [m.version for m in store.media.versions_of(v1)] == ["v001"]


def test_set_status_and_distinct_values(store: Store) -> None:
    a, b = make_media(store, 2)
    store.media.set_status([a.id, b.id], "approved")
    assert {m.approval_status for m in store.media.get_many([a.id, b.id])} == {"approved"}
    assert store.media.distinct_values("shot") == ["sh000", "sh001"]
    assert store.media.distinct_values("sequence", MediaQuery(project_id="show")) == ["sq010"]


def test_tags_and_thumbnails_round_trip(store: Store) -> None:
    (m,) = make_media(store)
    store.tags.add([m.id], "hero", created_by="ana")
    store.tags.add([m.id], "hero")  # unique (media, tag): kept once
    store.tags.add([m.id], "fx", category="priority")
    assert [(t.tag_name, t.tag_category) for t in store.tags.list_for(m.id)] == [("fx", "priority"),
                                                                                   ("hero", "custom")]
    assert store.tags.remove(m.id, "fx") and not store.tags.remove(m.id, "fx")
    t = store.thumbnails.upsert(m.id, "small", "/cache/a.jpg", thumbnail_hash="cd" * 32, frame_number=1001)
    t2 = store.thumbnails.upsert(m.id, "small", "/cache/b.jpg", frame_number=1001)
    assert t2.id == t.id and t2.thumbnail_path == "/cache/b.jpg"
    assert store.thumbnails.for_media([m.id], "small")[m.id].thumbnail_path == "/cache/b.jpg"


def test_comment_threads_are_ordered_trees(store: Store) -> None:
    (m,) = make_media(store)
    store.users.ensure("ana", username="ana", full_name="Ana Lima")
    store.users.ensure("bo", username="bo")
    first = store.comments.add(media_id=m.id, content="Edge flicker", user_id="ana", user_name="Ana",
                               frame_number=1010)
    second = store.comments.add(media_id=m.id, content="Grain too strong", user_id="bo", user_name="Bo",
                                frame_number=1020)
    reply = store.comments.add(media_id=m.id, content="Fixed in v2, @ana please check", user_id="bo",
                               user_name="Bo", parent_id=first.id)
    nested = store.comments.add(media_id=m.id, content="Looks good", user_id="ana", user_name="Ana",
                                parent_id=reply.id)
    threads = store.comments.threads(m.id)
    assert [n.comment.id for n in threads] == [first.id, second.id]
    assert [n.comment.id for n in threads[0].walk()] == [first.id, reply.id, nested.id]
    assert [n.comment.thread_depth for n in threads[0].walk()] == [0, 1, 2]
    assert reply.frame_number == 1010  # a reply sits on its note's frame
    assert reply.mentioned_users == ["ana"]
    assert nested.thread_path.startswith(reply.thread_path + "/")
    # Mention and reply both reach Ana once (a mention covers the reply notification).
    kinds = sorted(n.type for n in store.notifications.list("ana"))
    assert kinds == ["comment_mention"]
    assert [n.type for n in store.notifications.list("bo")] == ["comment_reply"]
    assert store.notifications.unread_count("ana") == 1
    store.notifications.mark_all_read("ana")
    assert store.notifications.unread_count("ana") == 0
    with pytest.raises(InvalidFieldError, match="content"):
        store.comments.add(media_id=m.id, content="  ", user_id="ana", user_name="Ana")


def test_comment_edit_resolve_delete_restore(store: Store) -> None:
    (m,) = make_media(store)
    note = store.comments.add(media_id=m.id, content="typo", user_id="ana", user_name="Ana")
    reply = store.comments.add(media_id=m.id, content="reply", user_id="bo", user_name="Bo", parent_id=note.id)
    edited = store.comments.edit(note.id, "Typo in the title card")
    assert edited.content == "Typo in the title card" and edited.updated_at > note.updated_at
    resolved = store.comments.set_resolved(note.id, True, "bo")
    assert resolved.is_resolved and resolved.resolved_by == "bo" and resolved.resolved_at is not None
    reopened = store.comments.set_resolved(note.id, False, "bo")
    assert not reopened.is_resolved and reopened.resolved_by is None
    store.comments.soft_delete(note.id, by="ana")
    assert store.comments.threads(m.id) == []  # the note and its reply leave the thread
    assert store.comments.search("title") == []
    store.comments.restore(note.id)
    assert [c.id for c in store.comments.list_for_media(m.id)] == [note.id, reply.id]
    assert store.comments.frames_with_notes(m.id) == []


def test_reactions_and_attachments(store: Store) -> None:
    (m,) = make_media(store)
    note = store.comments.add(media_id=m.id, content="hi", user_id="ana", user_name="Ana")
    store.comments.react(note.id, "bo", "like")
    store.comments.react(note.id, "bo", "like")
    store.comments.react(note.id, "cy", "like")
    store.comments.react(note.id, "cy", "approve")
    node = store.comments.threads(m.id)[0]
    assert node.reaction_counts() == {"like": 2, "approve": 1}
    assert store.comments.unreact(note.id, "cy", "like")
    assert {(r.user_id, r.reaction_type) for r in store.comments.reactions(note.id)} == {("bo", "like"),
                                                                                          ("cy", "approve")}
    store.comments.attach(note.id, file_name="ref.png", file_path="/files/ref.png", file_size=10,
                          mime_type="image/png", uploaded_by="ana")
    assert [a.file_name for a in store.comments.threads(m.id)[0].attachments] == ["ref.png"]


def test_deleting_media_cascades(store: Store) -> None:
    """A hard delete (an admin purging a media) removes every row that hangs off it."""
    (m,) = make_media(store)
    store.tags.add([m.id], "x")
    store.thumbnails.upsert(m.id, "small", "/t.jpg")
    note = store.comments.add(media_id=m.id, content="a", user_id="u", user_name="U")
    reply = store.comments.add(media_id=m.id, content="b", user_id="u", user_name="U", parent_id=note.id)
    store.comments.react(reply.id, "u", "like")
    store.comments.attach(note.id, file_name="f", file_path="/f")
    store.annotations.add(media_id=m.id, frame_number=1001, annotation_type="rectangle",
                          coordinates={"x": 0.1}, user_id="u", user_name="U")
    store.layers.create(m.id, "paint")
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM horus_comments WHERE id = :i"),
                     {"i": note.id if store.engine.dialect.name == "postgresql" else note.id.hex})
    assert count(store, CommentRow) == 0  # the reply went with its parent
    assert count(store, CommentReactionRow) == 0 and count(store, CommentAttachmentRow) == 0
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM horus_media_records"))
    for model in (MediaTagRow, ThumbnailRow, AnnotationRow):
        assert count(store, model) == 0
    assert store.layers.list(m.id) == []


def test_annotations_by_media_frame_layer(store: Store) -> None:
    (m,) = make_media(store)
    shapes = store.annotations.add_many([
        dict(media_id=m.id, frame_number=f, annotation_type=kind, coordinates={"v": 1, "points": [[0.1, 0.2]]},
             style_properties={"color": "#ff0000", "width": 3}, user_id="ana", user_name="Ana", layer_name=layer)
        for f, kind, layer in [(1001, "freehand", "default"), (1001, "arrow", "fx"), (1002, "text", "fx")]
    ])
    assert [a.annotation_type for a in store.annotations.list(m.id, frame=1001)] == ["freehand", "arrow"]
    assert [a.frame_number for a in store.annotations.list(m.id, layer_name="fx")] == [1001, 1002]
    assert store.annotations.frames_with_annotations(m.id) == [1001, 1002]
    moved = store.annotations.update(shapes[0].id, coordinates={"v": 1, "points": [[0.5, 0.5]]})
    assert moved.coordinates == {"v": 1, "points": [[0.5, 0.5]]} and moved.style_properties["width"] == 3
    store.annotations.soft_delete(shapes[1].id)
    assert store.annotations.count(m.id) == 2
    store.annotations.restore(shapes[1].id)
    assert store.annotations.count(m.id) == 3
    with pytest.raises(InvalidFieldError, match="frame_number"):
        store.annotations.add(media_id=m.id, frame_number="one", annotation_type="text",  # type: ignore[arg-type]
                              coordinates={}, user_id="a", user_name="A")


def test_layers(store: Store) -> None:
    (m,) = make_media(store)
    base = store.layers.create(m.id, "base", layer_color="#336699", created_by="ana")
    fx = store.layers.create(m.id, "fx")
    assert (base.layer_order, fx.layer_order) == (0, 1)
    with pytest.raises(InvalidFieldError, match="already exists"):
        store.layers.create(m.id, "fx")
    with pytest.raises(InvalidFieldError, match="layer_color"):
        store.layers.create(m.id, "bad", layer_color="red")
    store.annotations.add(media_id=m.id, frame_number=1, annotation_type="ellipse", coordinates={}, user_id="a",
                          user_name="A", layer_name="fx", layer_order=1)
    store.layers.update(fx.id, layer_name="effects", is_visible=False, is_locked=True)
    assert [a.layer_name for a in store.annotations.list(m.id)] == ["effects"]
    layers = store.layers.reorder(m.id, [fx.id, base.id])
    assert [(la.layer_name, la.layer_order, la.is_visible) for la in layers] == [("effects", 0, False),
                                                                                  ("base", 1, True)]
    assert store.annotations.list(m.id)[0].layer_order == 0
    store.layers.delete(fx.id)
    assert [la.layer_name for la in store.layers.list(m.id)] == ["base"]
    assert store.annotations.list(m.id) == []


def test_layers_named_only_by_shapes_get_records(store: Store) -> None:
    (m,) = make_media(store)
    store.layers.create(m.id, "base")
    for name, order in (("paint", 2), ("paint", 3), (None, 0), ("gone", 5)):
        shape = store.annotations.add(media_id=m.id, frame_number=1, annotation_type="line", coordinates={},
                                      user_id="a", user_name="A", layer_name=name, layer_order=order)
    store.annotations.soft_delete(shape.id)  # a deleted shape names no layer
    seen: list[object] = []
    unsubscribe = store.subscribe(seen.append)
    layers = store.layers.ensure_for_shapes(m.id, created_by="ana")
    assert [(la.layer_name, la.layer_order) for la in layers] == [("base", 0), ("default", 0), ("paint", 2)]
    assert {la.created_by for la in layers if la.layer_name != "base"} == {"ana"}
    assert len(seen) == 1  # the records were made in one transaction
    assert store.layers.ensure_for_shapes(m.id) == layers  # nothing more to make
    unsubscribe()


def test_timelines_with_clips(store: Store) -> None:
    (m,) = make_media(store)
    clips = [
        dict(media_id=m.id, media_path=m.file_path, track_name="V1", track_type="video", track_index=0,
             start_time_frames=0, duration_frames=48, source_start_frames=1001, source_duration_frames=48,
             clip_name="sh000 v001", clip_metadata={"shot": "sh000"}, clip_order=0),
        dict(media_id=None, media_path="/gone/sh999.mov", track_name="V1", track_type="video", track_index=0,
             start_time_frames=48, duration_frames=24, clip_name="sh999", clip_order=1,
             clip_metadata={"missing_media": True}),
    ]
    tl = store.timelines.create(name="Dailies 2025-03-04", project_id="show", timeline_type="dailies",
                                created_by="ana", clips=clips, otio_data={"OTIO_SCHEMA": "Timeline.1"},
                                duration_frames=72, frame_rate=Decimal("24"))
    assert [c.clip_name for c in tl.clips] == ["sh000 v001", "sh999"]
    assert tl.clips[1].is_missing_media and not tl.clips[0].is_missing_media
    assert tl.status == "draft" and tl.version == "v001" and tl.otio_data == {"OTIO_SCHEMA": "Timeline.1"}
    assert store.timelines.list(project_id="show")[0][1] == 2
    tl2 = store.timelines.replace_clips(tl.id, clips[:1], status="review", duration_frames=48)
    assert len(tl2.clips) == 1 and tl2.status == "review"
    store.timelines.soft_delete(tl.id)
    assert store.timelines.list() == []
    assert store.timelines.restore(tl.id).name == "Dailies 2025-03-04"
    with pytest.raises(InvalidFieldError, match=r"clips\[0\]\.track_type"):
        store.timelines.create(name="x", project_id="p", timeline_type="custom", created_by="a",
                               clips=[dict(clips[0], track_type="subtitle")])
    assert len(store.timelines.list()) == 1


def test_users_sessions_notifications(store: Store) -> None:
    ana = store.users.ensure("u-ana", username="ana", email="ana@studio.com", full_name="Ana Lima",
                             role="supervisor", department="comp", permissions={"approve": True},
                             ui_preferences={"theme": "dark"})
    store.users.ensure("u-bo", username="bob", full_name="Bob Stone")
    assert store.users.get("u-ana") == ana
    assert [u.username for u in store.users.complete("b")] == ["bob"]
    assert [u.username for u in store.users.complete("ana")] == ["ana"]
    assert store.users.find("ana").id == "u-ana"
    with pytest.raises(InvalidFieldError, match="role"):
        store.users.ensure("u-x", role="boss")
    store.users.touch_login("u-ana")
    assert store.users.get("u-ana").last_login_at is not None
    (m,) = make_media(store)
    s = store.sessions.open("u-ana", media_id=m.id, current_frame=1001, ip_address="10.0.0.5",
                            user_agent="Horus/0.1")
    assert [x.id for x in store.sessions.active_on(m.id)] == [s.id]
    assert s.ip_address == "10.0.0.5"
    store.sessions.move(s.session_token, media_id=m.id, current_frame=1010)
    store.sessions.close(s.session_token)
    assert store.sessions.active_on(m.id) == []
    with pytest.raises(InvalidFieldError, match="ip_address"):
        store.sessions.open("u-ana", ip_address="not-an-ip")
    n = store.notifications.create(user_id="u-ana", type="approval_changed", title="sh000 approved",
                                   related_media_id=m.id)
    assert store.notifications.list("u-ana", unread_only=True) == [n]
    store.notifications.mark_read([n.id])
    assert store.notifications.list("u-ana")[0].is_read


def test_change_sets_reach_listeners(store: Store) -> None:
    seen = []
    unsubscribe = store.subscribe(seen.append)
    (m,) = make_media(store)
    store.comments.add(media_id=m.id, content="x", user_id="a", user_name="A")
    unsubscribe()
    store.media.update(m.id, shot="sh999")
    assert [cs.tables() for cs in seen] == [{"horus_media_records"}, {"horus_comments"}]
    assert seen[0].ids("horus_media_records") == [m.id]


def test_project_configs(store: Store) -> None:
    store.projects.upsert("show", name="The Show", path_templates=["{project}/{sequence}/{shot}"],
                          frame_rate=Decimal("25"))
    cfg = store.projects.get("show")
    assert cfg is not None and cfg.path_templates == ["{project}/{sequence}/{shot}"] and cfg.frame_rate == 25
    assert store.projects.get("nope") is None


def test_transaction_groups_writes_all_or_nothing(store: Store) -> None:
    (m,) = make_media(store)
    seen = []
    store.subscribe(seen.append)
    with pytest.raises(InvalidFieldError), store.transaction():
        note = store.comments.add(media_id=m.id, content="with a box", user_id="a", user_name="A", frame_number=3)
        store.comments.set_resolved(note.id, True, "a")  # reads its own uncommitted note
        store.annotations.add(media_id=m.id, frame_number="x", annotation_type="rectangle",  # type: ignore[arg-type]
                              coordinates={}, user_id="a", user_name="A")
    assert store.comments.list_for_media(m.id) == [] and store.annotations.count(m.id) == 0
    assert seen == []  # nothing committed, nothing announced
    with store.transaction():
        note = store.comments.add(media_id=m.id, content="with a box", user_id="a", user_name="A", frame_number=3)
        store.annotations.add(media_id=m.id, frame_number=3, annotation_type="rectangle", coordinates={"x": 1},
                              user_id="a", user_name="A")
    assert len(store.comments.list_for_media(m.id)) == 1 and store.annotations.count(m.id) == 1
    assert len(seen) == 1 and seen[0].tables() == {"horus_comments", "horus_annotations"}


def test_text_search_follows_renames_tags_and_short_words(store: Store) -> None:
    (a, b) = make_media(store, 2)
    store.tags.add([a.id], "fx")
    store.tags.add([b.id], "hero-take")

    def ids(text: str) -> set:
        return {m.id for m in store.media.search(MediaQuery(text=text)).items}

    assert ids("fx") == {a.id}  # two letters: below the trigram index, still found
    assert ids("hero") == {b.id}
    store.tags.remove(b.id, "hero-take")
    assert ids("hero") == set()
    store.media.update(a.id, file_path="/show/renamed/plate_clean.exr", file_name="plate_clean.exr")
    assert ids("plate_cl") == {a.id}
    assert ids('"quoted') == set()  # FTS syntax characters are searched as text, not parsed
