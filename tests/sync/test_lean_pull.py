"""Revision 0009: the server sends pulled rows as ``json`` text and answers a page of new rows as one run. Every
value still arrives as written, and a server taken back to 0008 and up again syncs as before."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import create_engine

from horus_desktop.store.schema import alembic_config


def _values_that_print_differently(lap) -> None:  # noqa: ANN001 - a Laptop
    store = lap.store
    media = store.media.create(file_path="/projects/show/sq010/sh010/comp/v003/sh010.####.exr", project_id="show",
                               shot="sh010", version="v003", version_number=3, frame_rate=Decimal("23.98"),
                               extra_metadata={"lens": "35 mm", "notes": ["ça", "日本"], "nested": {"a": None}})
    with store.uow.write():  # one page of new notes: the set-based path on the server
        for i in range(5):
            store.comments.add(media_id=media.id, content=f"note {i}: ça marche, 日本語, \"quoted\" \\ slash",
                               user_id=lap.user, user_name=lap.user, frame_number=1001 + i, notify=False)
    first = store.comments.list_for_media(media.id)[0]
    store.comments.set_resolved(first.id, True, lap.user)


def test_every_value_arrives_as_written(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    _values_that_print_differently(ana)
    assert ana.sync().rejected == []
    ben.sync()
    assert ben.dump() == ana.dump()
    assert len(ben.dump()["horus_comments"]) == 5


def test_a_server_taken_back_to_0008_and_up_again_syncs_as_before(laptop, server_url) -> None:
    engine = create_engine(server_url)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    ana, ben = laptop("ana"), laptop("ben")
    _values_that_print_differently(ana)
    assert ana.sync().rejected == []
    ben.sync()
    assert ben.dump() == ana.dump()
