"""The notes dock: threads with replies, mentions that notify, reactions, resolve, soft delete and undoable
restore, jump-to-frame with the note's drawings, carry-forward, and a note saved right before switching media."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF

from ..helpers import open_row, wait_rows


def _open(qtbot, window, version: str = "v002"):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.version == version)
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.loads > 0
                    and window.review.controller.can_draw(), timeout=15000)
    return record


def _send(qtbot, window, text: str) -> None:  # noqa: ANN001
    notes = window.notes
    notes.editor.setPlainText(text)
    notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: not notes.editor.toPlainText() and text in notes.model.texts(), timeout=15000)


def test_threads_mentions_reactions_resolve_delete_restore(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    demo_store.users.ensure("ben", username="ben", full_name="Ben Ode")
    window = make_window(demo_store)
    record = _open(qtbot, window)
    notes = window.notes
    _send(qtbot, window, "**Edge** flickers here, @ben please check")
    root = next(c for c in demo_store.comments.list_for_media(record.id) if c.content.startswith("**Edge**"))
    assert root.frame_number == window.viewer.current_frame() and root.content_type == "markdown"
    assert "ben" in (root.mentioned_users or [])
    assert any(n.related_comment_id == root.id for n in demo_store.notifications.list("ben"))
    assert notes.select_note(root.id)
    notes.start_reply()
    _send(qtbot, window, "on it")
    reply = next(c for c in demo_store.comments.list_for_media(record.id) if c.parent_id == root.id)
    index = notes.model.index_of(reply.id)
    assert index.isValid() and notes.model.parent(index).isValid()
    notes.select_note(root.id)
    notes.toggle_reaction("like")
    window.db.wait_idle()
    qtbot.waitUntil(lambda: notes.current_item() is not None and len(notes.current_item().reactions) == 1, timeout=15000)
    assert "ana" in notes.model.data(notes.model.index_of(root.id), 3)  # tooltip names who reacted
    notes.toggle_resolved()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: demo_store.comments.get(root.id).is_resolved, timeout=15000)
    assert demo_store.comments.get(root.id).resolved_by == "ana"
    qtbot.waitUntil(lambda: notes.model.item(notes.model.index_of(root.id)).comment.is_resolved, timeout=15000)
    notes.filter_box.setCurrentIndex(notes.filter_box.findData("open"))
    assert not notes.model.index_of(root.id).isValid()
    notes.filter_box.setCurrentIndex(notes.filter_box.findData("resolved"))
    assert notes.model.index_of(root.id).isValid()
    notes.filter_box.setCurrentIndex(notes.filter_box.findData("all"))
    notes.select_note(root.id)
    notes.delete_current()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: not notes.model.index_of(root.id).isValid(), timeout=15000)
    window.review.controller.undo_stack.undo()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: notes.model.index_of(root.id).isValid(), timeout=15000)
    assert not demo_store.comments.get(root.id).is_deleted


def test_note_takes_this_frames_drawings_and_click_jumps_there(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record = _open(qtbot, window)
    ctl = window.review.controller
    frame = window.viewer.current_frame()
    ctl.set_tool("rectangle")
    ctl.handle(QEvent.Type.MouseButtonPress, QPointF(20, 20))
    ctl.handle(QEvent.Type.MouseButtonRelease, QPointF(90, 70))
    drawn = ctl.undo_stack.command(ctl.undo_stack.count() - 1).rows[0].id
    _send(qtbot, window, "see the box")
    note = next(c for c in demo_store.comments.list_for_media(record.id) if c.content == "see the box")
    assert demo_store.annotations.get(drawn).style_properties["comment_id"] == str(note.id)
    window.viewer.step(2)
    qtbot.waitUntil(lambda: window.viewer.current_frame() == frame + 2, timeout=15000)
    window.notes.jump_to(window.notes.model.item(window.notes.model.index_of(note.id)))
    qtbot.waitUntil(lambda: window.viewer.current_frame() == frame and ctl.frame == frame, timeout=15000)
    # The frame's shapes come back from the DB worker after the jump; their outline follows them.
    qtbot.waitUntil(lambda: drawn in ctl.selected_ids(), timeout=15000)
    qtbot.waitUntil(lambda: frame in window.viewer.transport.slider.marks()[1], timeout=15000)


def test_a_note_stays_highlighted_while_its_drawings_arrive(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    # Clicking a note just sent: its drawings' rows (now linked to it) may still be on their way from the DB
    # worker; they are outlined when they land, and a selection of the user's own ends the highlight.
    window = make_window(demo_store)
    _open(qtbot, window)
    ctl = window.review.controller
    ctl.set_tool("rectangle")
    ctl.handle(QEvent.Type.MouseButtonPress, QPointF(20, 20))
    ctl.handle(QEvent.Type.MouseButtonRelease, QPointF(90, 70))
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    ctl.set_tool("hand")
    note_id = uuid.uuid4()
    assert ctl.highlight_note(note_id) == []
    rows = ctl.canvas.rows()
    linked = replace(rows[-1], style_properties={**(rows[-1].style_properties or {}), "comment_id": str(note_id)})
    stored = [linked if r.id == linked.id else r for r in rows]
    ctl.canvas.set_annotations(stored, ctl.image_size())  # the reload with the link arrives
    assert ctl.selected_ids() == [linked.id]
    ctl.select([])
    ctl.canvas.set_annotations(stored, ctl.image_size())
    assert ctl.selected_ids() == []


def test_note_saved_right_before_switching_media_survives(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record = _open(qtbot, window)
    window.notes.editor.setPlainText("last word before switching")
    window.notes.send()
    model = window.browser.model
    other = next(model.record(r) for r in range(model.rowCount()) if model.record(r).id != record.id)
    window.open_media(other)
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.media().id == other.id, timeout=15000)
    assert any(c.content == "last word before switching" for c in demo_store.comments.list_for_media(record.id))


def test_carry_forward_and_bell(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    model = window.browser.model
    records = [model.record(r) for r in range(model.rowCount())]
    latest = next(r for r in records if r.version == "v002" and any(
        o.version == "v001" and o.shot == r.shot and o.department == r.department for o in records))
    earlier = next(o for o in records if o.version == "v001" and o.shot == latest.shot
                   and o.department == latest.department)
    old = demo_store.comments.add(media_id=earlier.id, content="carry me", user_id="ben", user_name="Ben",
                                  frame_number=earlier.start_frame)
    open_row(qtbot, window, lambda r: r.id == latest.id)
    notes = window.notes
    qtbot.waitUntil(lambda: notes.model.index_of(old.id).isValid(), timeout=15000)
    item = notes.model.item(notes.model.index_of(old.id))
    assert item.read_only and item.version == "v001"
    notes.select_note(old.id)
    notes.toggle_resolved()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: demo_store.comments.get(old.id).is_resolved, timeout=15000)
    # a mention of ana from someone else lights the bell; opening it marks it read and seeks
    mention = demo_store.comments.add(media_id=latest.id, content="@ana look", user_id="ben", user_name="Ben",
                            frame_number=(latest.start_frame or 1) + 1)
    bell = window.review.bell
    qtbot.waitUntil(lambda: any(n.related_comment_id == mention.id for n in bell.notifications), timeout=15000)
    assert bell.unread > 0 and "✉" in bell.text()
    notice = next(n for n in bell.notifications if n.related_comment_id == mention.id)
    bell.open_notification(notice)
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.viewer.current_frame() == (latest.start_frame or 1) + 1, timeout=15000)
    assert notice.id not in {n.id for n in demo_store.notifications.list("ana", unread_only=True)}
    # approval from the viewer keeps who
    window.review.status_control.set_status("approved")
    window.db.wait_idle()
    history = demo_store.media.status_history(latest.id)
    assert history[0].status == "approved" and history[0].changed_by == "ana"


def test_a_search_kept_while_switching_media_finds_the_new_media_notes(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """The search box keeps its words when another media opens: the new media's notes are searched (the old
    media's hits were kept, so the new media's list stayed empty until the words were typed again)."""
    from horus_desktop.domain.media_query import MediaQuery
    from horus_desktop.services.notes import Author, add_note

    first, second = demo_store.media.search(MediaQuery(limit=2)).items
    ben = Author("ben", "Ben")
    for media in (first, second):
        add_note(demo_store, media.id, f"zebra stripes on {media.id}", ben, frame=1001)
        add_note(demo_store, media.id, "a note the search leaves out", ben, frame=1002)
    window = make_window(demo_store)
    notes = window.notes

    def shown() -> list[str]:
        return [t.comment.content for t in notes.model.shown_threads()]

    window.open_media(first)
    qtbot.waitUntil(lambda: notes.media() is not None and notes.media().id == first.id
                    and f"zebra stripes on {first.id}" in notes.model.texts(), timeout=15000)
    notes.search.setText("zebra")
    qtbot.waitUntil(lambda: shown() == [f"zebra stripes on {first.id}"], timeout=15000)
    window.open_media(second)
    qtbot.waitUntil(lambda: notes.media() is not None and notes.media().id == second.id
                    and f"zebra stripes on {second.id}" in notes.model.texts(), timeout=15000)
    qtbot.waitUntil(lambda: shown() == [f"zebra stripes on {second.id}"], timeout=15000)


def test_coming_into_the_note_box_while_playing_stops_on_the_frame_shown(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """A note written while the media plays goes on the frame the user was looking at when they came in to write:
    playback stops there (it went on, and the note went on whatever frame was shown when it was sent)."""
    window = make_window(demo_store)
    record = _open(qtbot, window)
    viewer, notes = window.viewer, window.notes
    start = viewer.shown_frame()
    viewer.play()
    qtbot.waitUntil(lambda: viewer.shown_frame() not in (None, start), timeout=15000)  # it plays
    looked_at = viewer.shown_frame()
    notes.editor.setFocus()
    assert not viewer.state.playing
    qtbot.wait(300)  # frames would have gone by had it played on
    assert viewer.shown_frame() == viewer.current_frame() == looked_at
    _send(qtbot, window, "the matte edge on this frame")
    note = next(c for c in demo_store.comments.list_for_media(record.id) if c.content == "the matte edge on this frame")
    assert note.frame_number == looked_at
