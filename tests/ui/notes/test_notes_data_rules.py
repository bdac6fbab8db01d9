"""The notes dock tells the writer what the store could not do: @mentions of nobody, refused attachments."""

from __future__ import annotations

from pathlib import Path

from horus_desktop.domain.media_query import MediaQuery

from ..helpers import open_row, wait_rows


def _open(qtbot, window):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.version == "v002")
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.loads > 0, timeout=15000)
    return record


def _send(qtbot, window, text: str) -> None:  # noqa: ANN001
    notes = window.notes
    notes.editor.setPlainText(text)
    notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: not notes.editor.toPlainText() and text in notes.model.texts(), timeout=15000)


def test_a_mention_of_nobody_is_saved_and_the_panel_says_who_was_not_found(qtbot, make_window,  # noqa: ANN001
                                                                           demo_store) -> None:  # noqa: ANN001
    demo_store.users.ensure("ben", username="ben")
    window = make_window(demo_store)
    record = _open(qtbot, window)
    notes = window.notes
    _send(qtbot, window, "@ben @bobb the edge flickers")
    qtbot.waitUntil(lambda: notes.notice.isVisible(), timeout=15000)
    assert "@bobb" in notes.notice.text() and "@ben" not in notes.notice.text()
    assert any(c.content == "@ben @bobb the edge flickers" for c in demo_store.comments.list_for_media(record.id))
    _send(qtbot, window, "@ben thanks")
    qtbot.waitUntil(lambda: not notes.notice.isVisible(), timeout=15000)


def test_the_panel_keeps_two_same_named_attachments_and_says_why_one_is_refused(  # noqa: ANN001
        qtbot, make_window, demo_store, tmp_path) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record = _open(qtbot, window)
    notes = window.notes
    _send(qtbot, window, "references attached")
    note = next(c for c in demo_store.comments.list_for_media(record.id) if c.content == "references attached")
    assert notes.select_note(note.id)
    for folder, text in (("a", "first"), ("b", "second")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ref.txt").write_text(text)
        notes.attach_file(str(tmp_path / folder / "ref.txt"))
    window.db.wait_idle()
    messages: list[str] = []
    notes.sig_message.connect(messages.append)
    notes.attach_file(str(tmp_path / "a"))  # a folder
    window.db.wait_idle()
    qtbot.waitUntil(lambda: any("folder" in m for m in messages), timeout=15000)
    (node,) = [n for n in demo_store.comments.threads(record.id) if n.comment.id == note.id]
    assert [a.file_name for a in node.attachments] == ["ref.txt", "ref.txt"]
    assert sorted(Path(a.file_path).read_text() for a in node.attachments) == ["first", "second"]


def test_every_reaction_the_panel_offers_is_a_word_the_store_takes(demo_store) -> None:  # noqa: ANN001
    from horus_desktop.ui.notes.model import REACTIONS

    media = demo_store.media.search(MediaQuery(limit=1)).items[0]
    note = demo_store.comments.add(media_id=media.id, content="react to me", user_id="ana", user_name="Ana")
    for kind in REACTIONS:
        demo_store.comments.react(note.id, "ana", kind)
    assert sorted(r.reaction_type for r in demo_store.comments.reactions(note.id)) == sorted(REACTIONS)
