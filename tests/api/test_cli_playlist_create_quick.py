"""``horus playlist create`` (empty, or of media ids) on a current SQLite store writes without OpenTimelineIO or
SQLAlchemy (store/quick_playlist.py) exactly what the full path writes: each case runs both ways on two copies
of one store, compared row by row (the document's otio_json text, the clip rows, the sync outbox, the sign-in;
new ids, times and clocks numbered by first appearance). The document is also read back by OpenTimelineIO.
A rule, an unknown, deleted or repeated media, a type outside the vocabulary: the full path, as before.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from tests.api.both_ways import Base, BothWays, loaded_by


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("quick-create")
    db = folder / "base.sqlite"
    ids: dict[str, str] = {}
    with Horus.open(str(db), user="ana") as horus:
        store = horus.store
        store.users.ensure("ana", username="ana", full_name="Ana Ruiz")
        store.users.ensure("u-zoe", username="zoe", full_name="Zoë Ünïcødé")
        with store.transaction():
            for name, values in (
                    ("seq", dict(shot="sh010", version="v003", department="comp", sequence="sq01", task_type="main",
                                 frame_rate=Decimal("23.98"), frame_rate_rational="24000/1001", start_frame=1001,
                                 end_frame=1048, frame_count=48, file_path="/show/sh010/comp.%04d.exr")),
                    ("movie", dict(shot=None, version="v001", frame_rate=Decimal(25), frame_count=100,
                                   file_path="/show/ref/Ünï movie.mov")),
                    ("still", dict(shot="sh020", version="v002", file_path="/show/sh020/plate.exr")),
                    ("one", dict(shot="sh030", version="v001", start_frame=7, end_frame=7, frame_rate=Decimal(30),
                                 file_path="/show/sh030/x.%04d.dpx")),
                    ("gone", dict(shot="sh040", version="v001", file_path="/show/gone.mov"))):
                ids[name] = str(store.media.create(project_id="show", **values).id)
        store.media.soft_delete(ids["gone"])
    return db, ids


CASES = [
    ("playlist", "create", "--name", "Dailies ünï", "--project", "show", "--media", "{seq}"),
    ("playlist", "create", "--name", "empty", "--project", "show"),
    ("playlist", "create", "--name", "all", "--project", "show", "--type", "client", "--media", "{movie}", "{seq}",
     "{still}", "{one}"),
    ("playlist", "create", "--name", "by zoe", "--project", "other", "--media", "{one}", "{still}", "--user", "zoe"),
    ("playlist", "create", "--name", "by a new user", "--project", "show", "--media", "{still}", "--user", "newbie"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"create {i}" for i in range(len(CASES))])
def test_playlist_create_writes_the_same_store_both_ways(case: tuple[str, ...], base: Base,
                                                         both_ways: BothWays) -> None:
    import opentimelineio as otio

    written = both_ways.written(base, case)
    playlist_id = written.quick[1].strip()
    conn = sqlite3.connect(written.quick_db)
    text = conn.execute("SELECT otio_data FROM horus_timelines WHERE id = ?", (uuid.UUID(playlist_id).hex,)
                        ).fetchone()[0]
    conn.close()
    document = otio.adapters.read_from_string(text, "otio_json")
    assert json.loads(otio.adapters.write_to_string(document, "otio_json")) == json.loads(text)
    with Horus.open(str(written.quick_db), user="ana") as horus:  # the app opens it as its own
        assert horus.store.timelines.get(playlist_id).name == case[3]


REFUSED = [
    ("playlist", "create", "--name", "x", "--project", "show", "--media", "{gone}"),
    ("playlist", "create", "--name", "x", "--project", "show", "--media", str(uuid.UUID(int=3))),
    ("playlist", "create", "--name", "x", "--project", "show", "--media", "not-a-uuid"),
    ("playlist", "create", "--name", "x", "--project", "show", "--media", "{seq}", "{seq}"),
    ("playlist", "create", "--name", "x", "--project", "show", "--type", "nonsense"),
    ("playlist", "create", "--name", "   ", "--project", "show"),
    ("playlist", "create", "--name", "rule", "--project", "show", "--rule", "latest:shot=sh010"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[f"full path {i}" for i in range(len(REFUSED))])
def test_what_the_quick_path_does_not_write_is_answered_as_before(case: tuple[str, ...], base: Base,
                                                                  both_ways: BothWays) -> None:
    both_ways.answered_as_before(base, case)


def test_playlist_create_loads_neither_otio_nor_sqlalchemy(base: Base, tmp_path: Path) -> None:
    db = tmp_path / "loads.sqlite"
    shutil.copyfile(base[0], db)
    argvs = [["playlist", "create", "--name", "a", "--project", "show", "--media", base[1]["seq"], "--db", str(db)],
             ["playlist", "create", "--name", "b", "--project", "show", "--db", str(db)]]
    assert loaded_by(argvs, {"sqlalchemy", "alembic", "opentimelineio", "numpy"}) == ([0, 0], [])
