"""Approvals with history, notifications to the people concerned, and notes carried to newer versions."""

from __future__ import annotations

from horus_desktop.store import Store


def _versions(store: Store, n: int = 3) -> list:
    return store.media.create_many([
        dict(file_path=f"/s/sh010/comp/v00{i}/sh010.####.exr", project_id="show", shot="sh010", department="comp",
             task_type="comp", version=f"v00{i}", version_number=i, artist_id="art", artist_name="Arti")
        for i in range(1, n + 1)])


def test_status_changes_are_kept_with_who_and_when(store: Store) -> None:
    store.users.ensure("art", username="art")
    (v1,) = _versions(store, 1)
    store.media.set_status([v1.id], "on_hold", by="sup", by_name="Sue Pervisor")
    store.media.set_status([v1.id], "on_hold", by="sup")  # no change, no history row
    store.media.set_status([v1.id], "approved", by="sup", by_name="Sue Pervisor", note="final")
    history = store.media.status_history(v1.id)
    assert [(h.previous_status, h.status, h.changed_by) for h in history] == [
        ("on_hold", "approved", "sup"), ("pending", "on_hold", "sup")]
    assert history[0].note == "final" and history[0].created_at >= history[1].created_at
    notices = store.notifications.list("art")
    assert [n.type for n in notices] == ["approval_changed", "approval_changed"]
    assert "approved" in notices[0].title and notices[0].related_media_id == v1.id
    store.media.set_status([v1.id], "rejected", by="art")  # the artist is not told of their own change
    assert len(store.notifications.list("art")) == 2


def test_the_artist_hears_of_notes_and_drawings_on_their_version(store: Store) -> None:
    store.users.ensure("art", username="art")
    (v1,) = _versions(store, 1)
    store.comments.add(media_id=v1.id, content="Matte edge", user_id="sup", user_name="Sue", frame_number=1004)
    store.comments.add(media_id=v1.id, content="my own note", user_id="art", user_name="Arti")
    store.annotations.add_many([
        dict(media_id=v1.id, frame_number=1004, annotation_type="freehand", coordinates={"v": 1}, user_id="sup",
             user_name="Sue") for _ in range(5)], notify_owner=True)
    store.annotations.add_many([dict(media_id=v1.id, frame_number=1005, annotation_type="arrow",
                                     coordinates={"v": 1}, user_id="sup", user_name="Sue")])  # no notify
    kinds = [n.type for n in store.notifications.list("art")]
    assert sorted(kinds) == ["annotation_added", "comment_added"]
    drawn = next(n for n in store.notifications.list("art") if n.type == "annotation_added")
    assert drawn.message == "5 new shapes" and "frame 1004" in drawn.title


def test_open_notes_of_earlier_versions_come_forward(store: Store) -> None:
    v1, v2, v3 = _versions(store)
    (other_dept,) = store.media.create_many([dict(file_path="/s/sh010/anim/v001/a.mov", project_id="show",
                                                  shot="sh010", department="anim", version="v001",
                                                  version_number=1)])
    open_v1 = store.comments.add(media_id=v1.id, content="edge", user_id="sup", user_name="Sue")
    store.comments.add(media_id=v1.id, content="reply", user_id="art", user_name="Arti", parent_id=open_v1.id)
    done_v1 = store.comments.add(media_id=v1.id, content="grain", user_id="sup", user_name="Sue")
    store.comments.set_resolved(done_v1.id, True, "sup")
    open_v2 = store.comments.add(media_id=v2.id, content="flicker", user_id="sup", user_name="Sue")
    store.comments.add(media_id=v3.id, content="on v3 itself", user_id="sup", user_name="Sue")
    store.comments.add(media_id=other_dept.id, content="anim note", user_id="sup", user_name="Sue")
    carried = store.comments.open_notes_on_earlier_versions(v3.id)
    assert [(m.version, [t.comment.id for t in threads]) for m, threads in carried] == [
        ("v002", [open_v2.id]), ("v001", [open_v1.id])]
    assert [r.comment.content for r in carried[1][1][0].replies] == ["reply"]
    assert store.comments.open_notes_on_earlier_versions(v1.id) == []
