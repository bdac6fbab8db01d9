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


def test_a_row_whose_current_state_names_a_later_page_still_arrives(laptop) -> None:
    from sqlalchemy import update

    from horus_desktop.store.models import TimelineClipRow
    from horus_desktop.sync.client import SyncClient

    ana, ben = laptop("ana"), laptop("ben")
    first = ana.media()
    playlist = ana.store.timelines.create(name="dailies", project_id="horus_demo", timeline_type="dailies",
                                          created_by="ana", clips=[{
                                              "media_id": first, "media_path": "/p/a.exr", "track_name": "V1",
                                              "track_type": "video", "track_index": 0, "start_time_frames": 0,
                                              "duration_frames": 10, "clip_order": 0}])
    later = ana.media(shot="sh020")  # made after the clip: its change comes later in the log
    with ana.store.transaction() as ctx:
        ctx.session.execute(update(TimelineClipRow).where(TimelineClipRow.timeline_id == playlist.id)
                            .values(media_id=later))
    ana.sync()
    ben.client = SyncClient(ben.store, ben.server_url, "ben", page_size=1)  # one change per page
    assert ben.sync().up_to_date
    assert [c.media_id for c in ben.store.timelines.get(playlist.id).clips] == [later]
    assert ana.dump() == ben.dump()


def test_a_push_sends_a_hint_naming_the_project(laptop, server_url) -> None:
    import psycopg

    ana = laptop("ana")
    ana.media("show_x")
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("LISTEN horus_sync")
        ana.sync()
        hints = {n.payload for n in conn.notifies(timeout=30, stop_after=1)}  # a deadline, not a timing
    assert hints == {"show_x"}


def test_a_pull_never_hides_a_change_not_yet_pushed(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="base", user_id="ana", user_name="Ana")
    ana.sync()
    ben.sync()
    ben.store.comments.edit(note.id, "ben's text")
    ben.store.comments.set_resolved(note.id, True, by="ben")
    ben.sync()
    ana.store.comments.edit(note.id, "ana's unsent text")
    ana.client.pull()  # before pushing
    got = ana.store.comments.get(note.id)
    assert got.content == "ana's unsent text" and got.is_resolved  # her field stays, ben's other field comes
    ana.sync()
    ben.sync()
    assert ana.dump() == ben.dump()
