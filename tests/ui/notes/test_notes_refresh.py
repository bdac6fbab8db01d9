"""The store-event bridge and the notes panel's partial refresh: a new note is one inserted row (no reload of
every thread, no model reset), whether it was written here or arrived from elsewhere (a sync pull)."""

from __future__ import annotations

import threading
import uuid

from PySide6.QtCore import QThread

from horus_desktop.store.unit_of_work import Change, ChangeSet
from horus_desktop.ui.store_events import StoreEvents

from ..helpers import open_row, wait_rows


class _Counts:
    """DB worker calls (by the function's name) and model signals, counted from now on."""

    def __init__(self, window, monkeypatch) -> None:  # noqa: ANN001
        self.calls: list[str] = []
        self.resets = self.inserted = 0
        submit = window.db.submit

        def counting(fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            self.calls.append(getattr(fn, "__name__", repr(fn)))
            return submit(fn, *args, **kwargs)

        monkeypatch.setattr(window.db, "submit", counting)
        window.notes.model.modelReset.connect(self._reset)
        window.notes.model.rowsInserted.connect(self._insert)

    def _reset(self) -> None:
        self.resets += 1

    def _insert(self, *_args: object) -> None:
        self.inserted += 1


def _open(qtbot, window):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.version == "v002")
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.loads > 0
                    and window.review.controller.can_draw(), timeout=15000)
    window.db.wait_idle()
    qtbot.wait(50)  # the first load's answers are delivered
    return record


def test_a_note_from_elsewhere_is_inserted_without_a_reload(qtbot, make_window, demo_store,  # noqa: ANN001
                                                            monkeypatch) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record = _open(qtbot, window)
    notes = window.notes
    loads, shown = notes.loads, len(notes.model.texts())
    counts = _Counts(window, monkeypatch)
    # written by another connection's thread, as a sync pull applies a teammate's note
    writer = threading.Thread(target=lambda: demo_store.comments.add(
        media_id=record.id, content="from the other studio", user_id="ben", user_name="Ben", frame_number=1001))
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: "from the other studio" in notes.model.texts(), timeout=15000)
    window.db.wait_idle()
    qtbot.wait(50)
    assert len(counts.calls) == 1 and "load_notes" not in counts.calls  # the new note only: not every thread
    assert counts.resets == 0 and counts.inserted == 1
    assert notes.loads == loads and len(notes.model.texts()) == shown + 1


def test_a_sent_note_and_a_reply_are_inserted_from_what_the_write_returned(qtbot, make_window,  # noqa: ANN001
                                                                          demo_store, monkeypatch) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    _open(qtbot, window)
    notes = window.notes
    counts = _Counts(window, monkeypatch)
    notes.editor.setPlainText("grain is too strong")
    notes.send()
    qtbot.waitUntil(lambda: "grain is too strong" in notes.model.texts(), timeout=15000)
    window.db.wait_idle()
    qtbot.wait(50)
    assert len(counts.calls) == 1  # the write only: the note it returns is the new row
    assert counts.resets == 0 and counts.inserted == 1
    root = next(t for t in notes.model.threads() if t.comment.content == "grain is too strong")
    assert notes.select_note(root.comment.id)
    notes.start_reply()
    notes.editor.setPlainText("agreed")
    notes.send()
    qtbot.waitUntil(lambda: "agreed" in notes.model.texts(), timeout=15000)
    reply = notes.model.index_of(root.children[0].comment.id)
    assert notes.model.parent(reply) == notes.model.index_of(root.comment.id)
    assert counts.resets == 0 and counts.inserted == 2


def test_published_change_sets_arrive_on_the_ui_thread_with_their_origin(qtbot) -> None:  # noqa: ANN001
    events = StoreEvents()
    got: list[tuple[ChangeSet, bool]] = []
    events.changed.connect(lambda cs: got.append((cs, QThread.currentThread() is events.thread())))
    media_id = uuid.uuid4()
    pulled = ChangeSet((Change("horus_comments", uuid.uuid4(), "insert", media_id),), origin="sync")
    threading.Thread(target=events.publish, args=(pulled,)).start()
    qtbot.waitUntil(lambda: len(got) == 1, timeout=15000)
    change_set, on_ui_thread = got[0]
    assert on_ui_thread and change_set.origin == "sync"
    assert [c.kind for c in change_set.of("note", media_id)] == ["note"]
    assert change_set.of("note", uuid.uuid4()) == []  # a note of another media
    events.close()
    events.publish(pulled)
    qtbot.wait(50)
    assert len(got) == 1  # closed: nothing more is delivered


def test_notes_handed_to_the_panel_are_shown_without_a_query(qtbot, make_window, demo_store,  # noqa: ANN001
                                                             monkeypatch) -> None:  # noqa: ANN001
    from horus_desktop.services import notes as notes_service

    window = make_window(demo_store)
    record = _open(qtbot, window)
    other = next(m for m in demo_store.media.versions_of(record) if m.id != record.id)
    demo_store.comments.add(media_id=other.id, content="handed over", user_id="ben", user_name="Ben",
                            frame_number=1001)
    loaded = notes_service.load_notes(demo_store, other.id)
    counts = _Counts(window, monkeypatch)
    window.notes.set_media(other, notes=loaded)
    # on screen at once, from what was handed over: no load on the DB worker
    assert "handed over" in window.notes.model.texts() and window.notes.media() == other
    assert "load_notes" not in counts.calls
