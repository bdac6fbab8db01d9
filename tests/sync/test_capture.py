"""Change capture: no synced table can change through the store without an outbox op in the same commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from horus_desktop.store import Store
from horus_desktop.store.field_rules import VOCABULARY_COLUMNS
from horus_desktop.store.repositories.imports import ImportRepository
from horus_desktop.store.sync_codec import canonical_dump, wire_row_id
from horus_desktop.store.sync_tables import SYNCED_TABLES, outbox_table, review_table


def _snapshot(store: Store) -> tuple[dict[tuple[str, str], dict], int]:
    with store.uow.read() as session:
        dump = canonical_dump(session)
        top = session.execute(select(outbox_table.c.seq).order_by(outbox_table.c.seq.desc()).limit(1)).scalar()
    rows = {(t, str(r[SYNCED_TABLES[t][0]])): r for t, rs in dump.items() for r in rs}
    return rows, top or 0


def _ops_since(store: Store, seq: int) -> set[tuple[str, str]]:
    with store.uow.read() as session:
        return {(t, wire_row_id(t, r)) for t, r in session.execute(
            select(outbox_table.c.table_name, outbox_table.c.row_id).where(outbox_table.c.seq > seq))}


def _check(store: Store, action: Callable[[], object]) -> set[str]:
    """Run ``action``; fail if a synced row changed without an op. Returns the tables it changed."""
    before, seq = _snapshot(store)
    action()
    after, _ = _snapshot(store)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    missing = changed - _ops_since(store, seq)
    assert not missing, f"changed without an outbox op: {sorted(missing)}"
    return {t for t, _ in changed}


def test_every_repository_write_leaves_an_op(sqlite_store: Store, tmp_path: Path) -> None:
    s = sqlite_store
    touched: set[str] = set()
    media = s.media.create(file_path="/p/a/sh010/v001.exr", project_id="a", shot="sh010", version="v001").id
    state: dict[str, object] = {}
    actions: list[Callable[[], object]] = [
        lambda: s.users.ensure("ana", full_name="Ana"),
        lambda: s.projects.upsert("a", name="Show A"),
        lambda: s.media.update(media, department="comp"),
        lambda: s.media.set_status([media], "approved", by="ana", by_name="Ana"),
        lambda: s.tags.add([media], "hero"),
        lambda: s.tags.remove(media, "hero"),
        lambda: state.update(note=s.comments.add(media_id=media, content="n", user_id="ana", user_name="Ana").id),
        lambda: s.comments.add(media_id=media, content="r", user_id="ben", user_name="Ben", parent_id=state["note"]),
        lambda: s.comments.edit(state["note"], "n2"),
        lambda: s.comments.set_resolved(state["note"], True, by="ana"),
        lambda: s.comments.react(state["note"], "ana", "like"),
        lambda: s.comments.unreact(state["note"], "ana", "like"),
        lambda: s.comments.attach(state["note"], file_name="a.txt", file_path=str(tmp_path / "a.txt"),
                                  uploaded_by="ana"),
        lambda: state.update(shape=s.annotations.add(media_id=media, frame_number=1, annotation_type="line",
                                                     coordinates=[[0, 0], [1, 1]], user_id="ana",
                                                     user_name="Ana").id),
        lambda: s.annotations.update(state["shape"], is_visible=False),
        lambda: s.annotations.soft_delete(state["shape"]),
        lambda: state.update(layer=s.layers.create(media_id=media, layer_name="fx", created_by="ana").id),
        lambda: s.layers.update(state["layer"], is_visible=False),
        lambda: s.layers.delete(state["layer"]),
        lambda: state.update(tl=s.timelines.create(name="dailies", project_id="a", timeline_type="dailies",
                                                   created_by="ana", clips=[_clip(media)]).id),
        lambda: s.timelines.replace_clips(state["tl"], [_clip(media), _clip(media)]),
        lambda: s.timelines.update(state["tl"], status="review"),
        lambda: s.timelines.soft_delete(state["tl"]),
        lambda: s.comments.soft_delete(state["note"], by="ana"),
        lambda: ImportRepository(s.uow).insert_media([{"id": uuid.uuid4(), "file_path": "/p/a/b.exr",
                                                       "project_id": "a", "version": "v002"}]),
        lambda: ImportRepository(s.uow).insert_tags([(media, "bulk", None, "ana")]),
    ]
    for action in actions:
        touched |= _check(s, action)
    wanted = set(SYNCED_TABLES) - {"horus_sync_conflicts"}
    assert wanted <= touched | {"horus_media_records"}, f"not exercised: {wanted - touched}"


def _clip(media: uuid.UUID) -> dict:
    return {"media_id": media, "media_path": "/p/a/sh010/v001.exr", "track_name": "V1", "track_type": "video",
            "track_index": 0, "start_time_frames": 0, "duration_frames": 10, "clip_order": 0}


@pytest.mark.parametrize("table_name", list(SYNCED_TABLES))
def test_plain_core_statements_on_every_synced_table_leave_ops(sqlite_store: Store, table_name: str) -> None:
    s = sqlite_store
    media = s.media.create(file_path="/p/a/x.exr", project_id="a", version="v001").id
    note = s.comments.add(media_id=media, content="n", user_id="u", user_name="U").id
    tl = s.timelines.create(name="t", project_id="a", timeline_type="dailies", created_by="u").id
    table = review_table(table_name)
    pk = SYNCED_TABLES[table_name][0]
    key = "k1" if SYNCED_TABLES[table_name][1] == "text" else uuid.uuid4()
    required = {c.name: _value(c, media, note, tl) for c in table.columns if not c.nullable and c.name != pk}
    with s.transaction() as ctx:  # Core, no ctx.record: the trigger still captures
        ctx.session.execute(insert(table).values({pk: key, **required}))
    with s.transaction() as ctx:
        ctx.session.execute(update(table).where(table.c[pk] == key).values(
            {next(c.name for c in table.columns if c.name != pk and (table_name, c.name) not in VOCABULARY_COLUMNS
                  and c.type.python_type is str): "changed"}))
    with s.transaction() as ctx:
        ctx.session.execute(delete(table).where(table.c[pk] == key))
    with s.uow.read() as session:
        kinds = [k for (k,) in session.execute(select(outbox_table.c.kind).where(
            outbox_table.c.table_name == table_name,
            outbox_table.c.row_id == (key.hex if isinstance(key, uuid.UUID) else key)).order_by(outbox_table.c.seq))]
    assert kinds[:1] == ["insert"] and "update" in kinds and kinds[-1] == "delete"


def _value(column, media, note, tl):  # noqa: ANN001, ANN202
    name = column.name
    words = VOCABULARY_COLUMNS.get((column.table.name, name))
    if words:
        return words[0]
    if name == "media_id":
        return media
    if name in ("comment_id", "parent_id"):
        return note
    if name == "timeline_id":
        return tl
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = dict
    return {str: f"v-{uuid.uuid4().hex[:6]}", int: 1, bool: False}.get(kind, [] if kind is list else {})
