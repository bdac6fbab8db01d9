"""Conflict rules of issue 11, each on two laptops and the real server."""

from __future__ import annotations

import psycopg
import pytest

from horus_desktop.store import schema
from horus_desktop.sync.errors import SchemaTooOldError


def _shared_note(laptop):  # noqa: ANN001, ANN202
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="base", user_id="ana", user_name="Ana")
    ana.sync()
    ben.sync()
    return ana, ben, media, note


def test_same_field_on_two_laptops_is_one_conflict_with_both_values(laptop) -> None:
    ana, ben, _media, note = _shared_note(laptop)
    ana.store.comments.edit(note.id, "ana's words")
    ben.store.comments.edit(note.id, "ben's words")  # later clock
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.conflicts == 1
    assert ana.store.comments.get(note.id).content == ben.store.comments.get(note.id).content == "ben's words"
    [conflict] = ana.client.conflicts()
    assert conflict.field == "content" and conflict.local_value == "ana's words"
    assert conflict.remote_value == "ben's words" and conflict.winner == "remote"
    assert (conflict.local_author, conflict.remote_author) == ("ana", "ben")
    assert ana.dump() == ben.dump()
    ana.client.resolve(conflict.id, "local")  # the choice is itself a change that syncs
    ana.sync()
    ben.sync()
    assert ben.store.comments.get(note.id).content == "ana's words"
    assert ben.client.conflicts() == [] and ana.dump() == ben.dump()


def test_different_fields_merge_without_conflict(laptop) -> None:
    ana, ben, _media, note = _shared_note(laptop)
    ana.store.comments.edit(note.id, "clearer words")
    ben.store.comments.set_resolved(note.id, True, by="ben")
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.conflicts == 0 and not ana.client.conflicts()
    for lap in (ana, ben):
        got = lap.store.comments.get(note.id)
        assert got.content == "clearer words" and got.is_resolved
    assert ana.dump() == ben.dump()


def test_delete_racing_an_edit_keeps_the_tombstone_and_records_the_edit(laptop) -> None:
    ana, ben, _media, note = _shared_note(laptop)
    ana.store.comments.soft_delete(note.id, by="ana")
    ben.store.comments.edit(note.id, "an edit made offline")
    ana.sync()
    ben.sync()
    ana.sync()
    for lap in (ana, ben):
        with pytest.raises(LookupError):
            lap.store.comments.get(note.id)
    [conflict] = ben.client.conflicts()
    assert conflict.field == "is_deleted" and conflict.local_value["content"] == "an edit made offline"
    assert ana.dump() == ben.dump()
    ben.client.resolve(conflict.id, "local")  # keep the edit: the note comes back, for everyone
    ben.sync()
    ana.sync()
    assert ana.store.comments.get(note.id).content == "an edit made offline"
    assert ana.dump() == ben.dump()


def test_a_reply_to_a_note_deleted_elsewhere_is_kept(laptop) -> None:
    ana, ben, media, note = _shared_note(laptop)
    ana.store.comments.soft_delete(note.id, by="ana")
    reply = ben.store.comments.add(media_id=media, content="answering", user_id="ben", user_name="Ben",
                                   parent_id=note.id)
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.rejected == []
    assert ana.store.comments.get(reply.id).content == "answering"
    assert ana.dump() == ben.dump()


def test_the_same_tag_and_reaction_on_two_laptops_is_one_row(laptop) -> None:
    ana, ben, media, note = _shared_note(laptop)
    ana.store.tags.add([media], "hero")
    ben.store.tags.add([media], "hero")
    ana.store.comments.react(note.id, "carl", "like")
    ben.store.comments.react(note.id, "carl", "like")
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.rejected == [] and report.conflicts == 0
    assert [t.tag_name for t in ana.store.tags.list_for(media)] == ["hero"]
    assert len(ben.store.comments.reactions(note.id)) == 1
    assert ana.dump() == ben.dump()


def test_a_laptop_following_one_project_never_receives_anothers_rows(laptop) -> None:
    studio, lap = laptop("studio"), laptop("lea", ("show_a",))
    a = studio.media("show_a")
    b = studio.media("show_b")
    studio.store.comments.add(media_id=a, content="on a", user_id="s", user_name="S")
    studio.store.comments.add(media_id=b, content="on b", user_id="s", user_name="S")
    studio.sync()
    lap.sync()
    media = lap.dump()["horus_media_records"]
    assert {m["project_id"] for m in media} == {"show_a"}
    assert [c["content"] for c in lap.dump()["horus_comments"]] == ["on a"]


def test_a_client_older_than_the_server_is_told_to_upgrade_and_keeps_its_outbox(laptop, server_url) -> None:
    ana = laptop("ana")
    ana.media()
    pending = ana.client.status().pending_ops
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(SchemaTooOldError, match="upgrade Horus"):
        ana.sync()
    assert ana.client.status().pending_ops == pending
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (schema.head_revision(),))
    assert ana.sync().up_to_date


def test_the_same_person_set_up_on_two_laptops_merges(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    ana.store.users.ensure("ana", full_name="Ana")
    ben.store.users.ensure("ana", full_name="Ana")
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.rejected == [] and ben.client.status().rejected == []
    assert ana.dump() == ben.dump()
