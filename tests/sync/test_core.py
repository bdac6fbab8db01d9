"""The protocol core: capture, push, pull, cursor and conflicts between two laptops and the server."""

from __future__ import annotations


def test_a_note_made_offline_reaches_the_other_laptop(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="fix the edge", user_id="ana", user_name="Ana")
    assert ana.client.status().pending_ops >= 2
    report = ana.sync()
    assert report.pushed >= 2 and report.up_to_date and ana.client.status().pending_ops == 0
    report = ben.sync()
    assert report.up_to_date
    assert ben.store.comments.get(note.id).content == "fix the edge"
    assert report.changes is not None and report.changes.origin == "sync"
    assert note.id in {c.row_id for c in report.changes.changes}
    assert ana.dump() == ben.dump()
