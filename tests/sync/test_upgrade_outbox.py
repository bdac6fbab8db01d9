"""Changes made offline before Horus was upgraded still reach the studio after the upgrade: the outbox they wait
in is converted by revision 0007 (ops captured in the stored form become wire JSON, as new ops are)."""

from __future__ import annotations

import sqlite3

from alembic import command

from horus_desktop.store import Store
from horus_desktop.store.schema import alembic_config


def test_notes_waiting_from_before_the_upgrade_are_pushed_after_it(tmp_path, laptop) -> None:
    path = tmp_path / "old-laptop.sqlite"
    old = Store.open(path)
    old.uow.author = "ana"
    config = alembic_config()
    with old.engine.begin() as conn:  # the laptop as the previous Horus left it
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    media = old.media.create(file_path="/projects/horus_demo/sh010/v001.exr", project_id="horus_demo",
                             shot="sh010", version="v001").id
    old.comments.add(media_id=media, content="written offline, before the upgrade", user_id="ana",
                     user_name="ana", frame_number=1001, notify=False)
    old.close()
    with sqlite3.connect(path) as raw:
        ids = [r[0] for r in raw.execute("SELECT json_extract(new_row, '$.id') FROM horus_sync_outbox")]
    assert ids and all("-" not in i for i in ids)  # captured in the stored form (32 hex digits)

    ana = laptop("ana")
    ana.close()
    ana.path = path
    ana.reopen()  # opening upgrades the store, and its waiting ops with it
    report = ana.sync()
    assert report.rejected == []
    ben = laptop("ben")
    ben.sync()
    notes = ben.dump()["horus_comments"]
    assert [n["content"] for n in notes] == ["written offline, before the upgrade"]
    assert ben.dump() == ana.dump()
