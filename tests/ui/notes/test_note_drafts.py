"""The note box's unsent text stays with its media: across media changes, a reply's context, a restart and
a crash (the settings file holds it soon after typing)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ..helpers import open_row, wait_rows


def _two_media(qtbot, window):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    model = window.browser.model
    first = model.record(0)
    second = next(model.record(r) for r in range(model.rowCount()) if model.record(r).id != first.id)
    return first, second


def _show(qtbot, window, record) -> None:  # noqa: ANN001
    open_row(qtbot, window, lambda r: r.id == record.id)
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.media().id == record.id
                    and window.notes.loads > 0, timeout=15000)


def test_unsent_text_stays_with_its_media(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    first, second = _two_media(qtbot, window)
    editor = window.notes.editor
    _show(qtbot, window, first)
    editor.setPlainText("the edge of the matte, first shot")
    _show(qtbot, window, second)
    assert editor.toPlainText() == ""  # not sent on this shot by mistake
    editor.setPlainText("grain too strong")
    _show(qtbot, window, first)
    assert editor.toPlainText() == "the edge of the matte, first shot"
    window.notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: editor.toPlainText() == "", timeout=15000)
    assert any(c.content == "the edge of the matte, first shot" for c in demo_store.comments.list_for_media(first.id))
    _show(qtbot, window, second)
    assert editor.toPlainText() == "grain too strong"
    _show(qtbot, window, first)
    assert editor.toPlainText() == ""  # sent: no draft left


def test_a_reply_being_written_is_still_a_reply_when_its_media_comes_back(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    first, second = _two_media(qtbot, window)
    notes = window.notes
    _show(qtbot, window, first)
    notes.editor.setPlainText("a note to answer")
    notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: "a note to answer" in notes.model.texts(), timeout=15000)
    root = next(c for c in demo_store.comments.list_for_media(first.id) if c.content == "a note to answer")
    assert notes.select_note(root.id)
    notes.start_reply()
    notes.editor.setPlainText("done in v004")
    _show(qtbot, window, second)
    _show(qtbot, window, first)
    qtbot.waitUntil(lambda: notes.context_label.text().startswith("Reply to"), timeout=15000)
    notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: any(c.content == "done in v004" for c in demo_store.comments.list_for_media(first.id)),
                    timeout=15000)
    reply = next(c for c in demo_store.comments.list_for_media(first.id) if c.content == "done in v004")
    assert reply.parent_id == root.id


def test_unsent_text_survives_a_restart_and_is_on_disk_before_one(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                  settings: QSettings) -> None:
    window = make_window(demo_store)
    first, _second = _two_media(qtbot, window)
    _show(qtbot, window, first)
    window.notes.editor.setPlainText("flicker on the left, frames 1010-1020")
    # A crash now would not lose it: the settings file (read as another process would) has it shortly.
    on_disk = QSettings(settings.fileName(), QSettings.Format.IniFormat)

    def kept() -> bool:
        on_disk.sync()
        return any("flicker on the left" in str(on_disk.value(k)) for k in on_disk.allKeys())

    qtbot.waitUntil(kept, timeout=15000)
    window.close()
    again = make_window(demo_store)
    _show(qtbot, again, first)
    assert again.notes.editor.toPlainText() == "flicker on the left, frames 1010-1020"


def test_a_damaged_draft_in_the_settings_is_none(tmp_path) -> None:  # noqa: ANN001
    import uuid

    from horus_desktop.ui.notes.drafts import GROUP, Draft, NoteDrafts

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    drafts = NoteDrafts(settings)
    media = [uuid.uuid4() for _ in range(6)]
    for key, raw in zip(media, ['{"text": ', "[1, 2]", '{"text": 5}', '{"text": "x", "reply_to": "not-a-uuid"}',
                                '{"text": "\\u0000 NUL and \\ud83c\\udf9e unicode"}', '{"text": "   "}'], strict=True):
        settings.setValue(f"{GROUP}/{key}", raw)
    assert [drafts.get(m) for m in media[:4]] == [None] * 4
    assert drafts.get(media[4]) == Draft("\x00 NUL and \U0001f39e unicode")
    assert drafts.get(media[5]) is None  # blank
    drafts.keep(media[0], Draft("kept", media[1]))
    assert NoteDrafts(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).get(media[0]) == \
        Draft("kept", media[1])
    drafts.keep(media[0], None)
    assert drafts.get(media[0]) is None


def test_text_typed_where_no_media_is_current_joins_the_next_media_draft(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    first, _second = _two_media(qtbot, window)
    notes = window.notes
    _show(qtbot, window, first)
    notes.editor.setPlainText("kept for this shot")
    notes.set_media(None)  # a playlist's gap
    assert notes.editor.toPlainText() == ""
    notes.editor.setPlainText("typed in the gap")
    notes.set_media(first)
    assert notes.editor.toPlainText() == "kept for this shot\ntyped in the gap"
