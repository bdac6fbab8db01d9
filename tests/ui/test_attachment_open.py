"""Opening a note's attachment from the notes panel: this machine's copy, found by content, off the UI thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.services.attachments import attach_file


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))  # no sync server on this machine
    return path


def test_an_attachment_opens_from_its_copy_or_says_why_not(qtbot, make_window, demo_store, config: Path,  # noqa: ANN001
                                                           tmp_path: Path) -> None:
    (media,) = demo_store.media.search(MediaQuery(limit=1)).items
    note = demo_store.comments.add(media_id=media.id, content="ref", user_id="ana", user_name="ana")
    source = tmp_path / "ref.png"
    source.write_bytes(b"\x89PNG not really")
    attachment = attach_file(demo_store, note.id, source, "ana")
    window = make_window(demo_store)
    opened: list[str] = []
    messages: list[str] = []
    window.notes.attachment_opener = lambda url: opened.append(url.toLocalFile())
    window.notes.sig_message.connect(messages.append)

    window.notes.open_attachment(attachment)
    qtbot.waitUntil(lambda: bool(opened), timeout=15000)
    assert Path(opened[0]).read_bytes() == source.read_bytes()

    Path(attachment.file_path).unlink()  # as on a machine that has never seen the bytes
    window.notes.open_attachment(attachment)
    qtbot.waitUntil(lambda: bool(messages), timeout=15000)
    assert "ref.png" in messages[-1] and "no sync server is set" in messages[-1] and len(opened) == 1
