"""A pull of many new rows inserts them without running the capture trigger per row (it is taken away for the
insert and made again in the same transaction): the rows arrive, make no ops, and the laptop's own changes
are captured as before, also after a pull that failed."""

from __future__ import annotations

import sqlite3

from horus_desktop.store.bulk_insert import TRIGGERS_ABSENT_ROWS as BULK_INSERT_ROWS
from horus_desktop.sync.client import SyncClient


def _triggers(path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def _notes(lap, media, count: int) -> None:
    with lap.store.uow.write():
        for i in range(count):
            lap.store.comments.add(media_id=media, content=f"note {i}", user_id=lap.user, user_name=lap.user,
                                   notify=False)


def test_many_pulled_notes_make_no_ops_and_later_edits_are_captured(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    count = BULK_INSERT_ROWS + 50
    _notes(ana, media, count)
    ana.sync()
    before = _triggers(ben.path)
    report = ben.sync()
    assert report.up_to_date
    assert len(ben.store.comments.list_for_media(media)) == count
    assert ben.client.local.pending_count() == 0  # pulled rows are not local changes
    assert _triggers(ben.path) == before  # the insert trigger is back, word for word
    ben.store.comments.add(media_id=media, content="ben's own", user_id="ben", user_name="ben", notify=False)
    assert ben.client.local.pending_count() == 1
    ben.sync()
    ana.sync()
    assert ana.dump() == ben.dump()


def test_a_failed_bulk_pull_keeps_the_capture_trigger(laptop, server_url) -> None:
    """A page of many notes whose current state names a media of a later page fails at its commit and is
    rolled back whole, the trigger's removal included; taken with the next page, it arrives."""
    from sqlalchemy import update

    from horus_desktop.store.models import CommentRow

    ana, ben = laptop("ana"), laptop("ben")
    first = ana.media()
    count = BULK_INSERT_ROWS + 10
    _notes(ana, first, count)
    later = ana.media(shot="sh020")  # made after the notes: its change comes later in the log
    with ana.store.transaction() as ctx:
        ctx.session.execute(update(CommentRow).where(CommentRow.media_id == first).values(media_id=later))
    ana.sync()
    ben.client.close()
    ben.client = SyncClient(ben.store, server_url, "ben", page_size=count + 1)  # the first media and the notes
    before = _triggers(ben.path)
    assert ben.sync().up_to_date
    assert _triggers(ben.path) == before
    assert len(ben.store.comments.list_for_media(later)) == count
    assert ben.client.local.pending_count() == 0
    ben.store.comments.add(media_id=later, content="after", user_id="ben", user_name="ben", notify=False)
    assert ben.client.local.pending_count() == 1
    ben.sync()
    ana.sync()
    assert ana.dump() == ben.dump()
