"""Values the app stamps itself (a last login, who last touched a playlist) merge between machines without a
conflict (revision 0015); two people's edits of the same field of a note stay a conflict."""

from __future__ import annotations

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine

from horus_desktop.cli import main
from horus_desktop.store import schema
from horus_desktop.store.schema import alembic_config


def _libpq(url: str) -> str:
    return url.replace("+psycopg", "")


def _server_conflicts(server_url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        return conn.execute("SELECT table_name, row_id, field FROM horus_sync_conflicts").fetchall()


def _same_user_on_two_machines(laptop):  # noqa: ANN001, ANN202
    """ana's desk and ana's laptop, both holding the user ana as the server has it."""
    desk, road = laptop("ana"), laptop("ana")
    desk.store.users.sign_in("ana")
    desk.sync()
    road.sync()
    assert road.store.users.get("ana").last_login_at == desk.store.users.get("ana").last_login_at
    return desk, road


@pytest.mark.parametrize("later_pushes_first", [True, False])
def test_signing_in_on_two_machines_between_syncs_makes_no_conflict(laptop, server_url,
                                                                    later_pushes_first: bool) -> None:
    desk, road = _same_user_on_two_machines(laptop)
    for _ in range(3):  # several sign-ins on each machine before either syncs
        desk.store.users.sign_in("ana")
        road.store.users.sign_in("ana")
    desk_login = desk.store.users.get("ana").last_login_at
    road_login = road.store.users.get("ana").last_login_at
    assert desk_login != road_login
    latest = max(desk_login, road_login)
    first, second = (desk, road) if (desk_login > road_login) == later_pushes_first else (road, desk)
    reports = [first.sync(), second.sync(), first.sync()]
    assert [r.conflicts for r in reports] == [0, 0, 0]
    assert desk.client.conflicts() == [] and road.client.conflicts() == []
    assert _server_conflicts(server_url) == []
    assert desk.store.users.get("ana").last_login_at == road.store.users.get("ana").last_login_at == latest
    assert desk.dump() == road.dump()


def test_two_machines_signing_in_through_the_cli_sync_without_conflict(laptop, server_url, capsys) -> None:
    """`horus sync` on each machine after sign-ins on both exits 0 and says no conflict is waiting."""
    desk, road = _same_user_on_two_machines(laptop)
    desk.store.users.sign_in("ana")
    road.store.users.sign_in("ana")
    paths = [desk.path, road.path]
    for lap in (desk, road):
        lap.close()
    codes = [main(["sync", "--db", str(path), "--server", server_url, "--user", "ana"]) for path in paths]
    out = capsys.readouterr()
    assert codes == [0, 0], out
    assert "conflict" not in out.out + out.err
    assert _server_conflicts(server_url) == []


def test_playlist_edited_on_two_machines_merges_its_last_modified_by(laptop, server_url) -> None:
    """Two people change different fields of one playlist: the edits merge, and who touched it last (stamped
    by the app with each edit) follows the later change instead of being a conflict."""
    ana, ben = laptop("ana"), laptop("ben")
    playlist = ana.store.timelines.create(name="Dailies", project_id="horus_demo", timeline_type="dailies",
                                          created_by="ana")
    ana.sync()
    ben.sync()
    ana.store.timelines.update(playlist.id, name="Dailies Tuesday", last_modified_by="ana")
    ben.store.timelines.update(playlist.id, status="review", last_modified_by="ben")  # the later clock
    reports = [ana.sync(), ben.sync(), ana.sync()]
    assert [r.conflicts for r in reports] == [0, 0, 0]
    assert _server_conflicts(server_url) == []
    for lap in (ana, ben):
        got = lap.store.timelines.get(playlist.id)
        assert (got.name, got.status, got.last_modified_by) == ("Dailies Tuesday", "review", "ben")
    assert ana.dump() == ben.dump()


def test_the_same_note_edited_on_two_machines_is_still_a_conflict(laptop, server_url) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="base", user_id="ana", user_name="Ana")
    ana.sync()
    ben.sync()
    ana.store.users.sign_in("ana")
    ana.store.comments.edit(note.id, "ana's words")
    ben.store.comments.edit(note.id, "ben's words")  # the later clock
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.conflicts == 1
    assert _server_conflicts(server_url) == [("horus_comments", str(note.id), "content")]
    [conflict] = ana.client.conflicts()
    assert (conflict.local_value, conflict.remote_value) == ("ana's words", "ben's words")
    assert ana.store.comments.get(note.id).content == ben.store.comments.get(note.id).content == "ben's words"


def _migrate(server_url: str, step, target: str) -> None:  # noqa: ANN001
    engine = create_engine(server_url)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, target)
    finally:
        engine.dispose()


def test_upgrading_a_server_to_0015_settles_the_login_conflicts_it_holds(laptop, server_url) -> None:
    """A server at 0014 recorded a conflict for each sign-in, kept by the later clock even when that was the
    earlier time; the upgrade settles them (the later time kept), and later sign-ins merge."""
    desk, road = _same_user_on_two_machines(laptop)
    _migrate(server_url, command.downgrade, "0014")
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:  # 0014's functions, answering these clients
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0014"
        conn.execute("UPDATE alembic_version SET version_num = %s", (schema.head_revision(),))
    desk.store.users.sign_in("ana")
    road.store.users.sign_in("ana")
    latest = max(desk.store.users.get("ana").last_login_at, road.store.users.get("ana").last_login_at)
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        # A sign-in on the server database from a workstation whose clock is an hour behind: the later clock.
        conn.execute("UPDATE horus_users SET last_login_at = now() - interval '1 hour' WHERE id = 'ana'")
    assert [lap.sync().conflicts for lap in (road, desk)] == [1, 1]  # what 0014 did: both kept the earlier time
    assert desk.store.users.get("ana").last_login_at < latest
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0014'")
    _migrate(server_url, command.upgrade, "head")
    for lap in (desk, road):
        lap.sync()
    assert desk.client.conflicts() == [] and road.client.conflicts() == []
    assert desk.store.users.get("ana").last_login_at == road.store.users.get("ana").last_login_at == latest
    desk.store.users.sign_in("ana")
    road.store.users.sign_in("ana")
    assert [lap.sync().conflicts for lap in (road, desk, road)] == [0, 0, 0]
    assert desk.client.conflicts() == [] and road.client.conflicts() == []
    assert desk.dump() == road.dump()
