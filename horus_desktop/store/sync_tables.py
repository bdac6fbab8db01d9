"""The tables of sync: which review tables travel, and the bookkeeping tables beside them.

Synced tables are the review tables people change on laptops (notes, replies, reactions, drawings, layers,
approvals and their history, tags, playlists and clips, media metadata, project settings) and the conflict
records themselves. Local caches (thumbnails), sessions and notifications stay per machine.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, Text

from horus_desktop.store.models import NAMING_CONVENTION, Base
from horus_desktop.store.types import PortableJson, PortableUuid, UtcDateTime

#: Synced table -> (primary key column, its PostgreSQL type), in dependency order (parents first).
SYNCED_TABLES: dict[str, tuple[str, str]] = {
    "horus_users": ("id", "text"),
    "horus_project_configs": ("project_id", "text"),
    "horus_media_records": ("id", "uuid"),
    "horus_media_tags": ("id", "uuid"),
    "horus_approval_history": ("id", "uuid"),
    "horus_comments": ("id", "uuid"),
    "horus_comment_reactions": ("id", "uuid"),
    "horus_comment_attachments": ("id", "uuid"),
    "horus_annotation_layers": ("id", "uuid"),
    "horus_annotations": ("id", "uuid"),
    "horus_timelines": ("id", "uuid"),
    "horus_timeline_clips": ("id", "uuid"),
    "horus_sync_conflicts": ("id", "uuid"),
}

#: The same row made twice (a deterministic id: a tag, a reaction; a person or a project set up on two
#: machines) merges into the one the server has, never conflicts.
MERGE_ON_INSERT = frozenset({"horus_media_tags", "horus_comment_reactions", "horus_users", "horus_project_configs"})

#: Columns the database maintains itself: applied, never compared for conflicts.
BOOKKEEPING_COLUMNS = frozenset({"updated_at"})

#: Values the app stamps itself, never typed by a person (revision 0015): two machines' values merge on the
#: server without a conflict. "latest": the later time wins (a last login, stamped at every sign-in);
#: "follows": stamped with an edit of the row, the later clock wins as it does for the edited field.
#: The other columns of the synced tables are what people change (a time stamped with one, like a note's
#: ``resolved_at``, goes with a person's field that is compared) or are written once when the row is made.
STAMPED_COLUMNS: dict[tuple[str, str], str] = {
    ("horus_users", "last_login_at"): "latest",
    ("horus_timelines", "last_modified_by"): "follows",
}

sync_metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: A conflict: one field changed concurrently from the same base. Both values are kept, with who and when.
conflicts_table = Table(
    "horus_sync_conflicts", sync_metadata,
    Column("id", PortableUuid, primary_key=True),
    Column("project_id", String(100)),
    Column("table_name", String(100), nullable=False),
    Column("row_id", String(100), nullable=False),
    Column("field", String(100), nullable=False),
    Column("incoming_value", PortableJson),
    Column("existing_value", PortableJson),
    Column("incoming_author", String(255)),
    Column("existing_author", String(255)),
    Column("incoming_client", String(64)),
    Column("existing_client", String(64)),
    Column("incoming_hlc", String(64)),
    Column("existing_hlc", String(64)),
    Column("winner", String(10), nullable=False),
    Column("resolved", Boolean, nullable=False, default=False),
    Column("resolution", String(10)),
    Column("resolved_by", String(255)),
    Column("created_at", UtcDateTime),
)

#: The version of every synced row (bumped by the server on each change); clients keep the last one seen.
row_versions_table = Table(
    "horus_sync_row_versions", sync_metadata,
    Column("table_name", String(100), primary_key=True),
    Column("row_id", String(100), primary_key=True),
    Column("row_version", BigInteger, nullable=False),
    # Server only: field -> {v: version, c: client, h: clock, a: author} of its last change.
    Column("fields", PortableJson),
)

#: Client: changes made here and not yet acknowledged by the server, in commit order.
outbox_table = Table(
    "horus_sync_outbox", sync_metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("op_id", String(32), nullable=False, unique=True),
    Column("table_name", String(100), nullable=False),
    Column("row_id", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("old_row", Text),
    Column("new_row", Text),
    Column("base_version", BigInteger, nullable=False),
    Column("hlc", String(64)),
    Column("author", String(255)),
)

#: Client: one row: who this client is, where its pull stands, its clock; ``applying`` is 1 only inside a
#: pull's own transaction (capture triggers stay quiet then).
state_table = Table(
    "horus_sync_state", sync_metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String(32), nullable=False),
    Column("cursor_xid", BigInteger, nullable=False, default=0),
    Column("cursor_seq", BigInteger, nullable=False, default=0),
    Column("last_sync", UtcDateTime),
    Column("hlc", String(64)),
    Column("applying", Integer, nullable=False, default=0),
)

#: Client: ops the server refused, with its reason (the user can read them in `horus sync status`).
rejected_table = Table(
    "horus_sync_rejected", sync_metadata,
    Column("op_id", String(32), primary_key=True),
    Column("table_name", String(100), nullable=False),
    Column("row_id", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", UtcDateTime),
)


def review_table(name: str) -> Table:
    """The SQLAlchemy table of a synced table name."""
    if name == "horus_sync_conflicts":
        return conflicts_table
    return Base.metadata.tables[name]


def sqlite_capture_trigger(name: str, kind: str = "ins") -> str:
    """The name of ``name``'s SQLite capture trigger on ``kind`` (``ins``, ``upd`` or ``del``) writes: the one
    spelling, for the DDL here and for whoever drops a trigger for a while (``bulk_insert``)."""
    return f"trg_{name}_sync_{kind}"


def sqlite_capture_triggers(name: str, wire_form: bool = False) -> list[str]:
    """DDL of the three SQLite triggers that append an outbox op for every write to ``name``.

    Triggers, not Python: every statement (ORM, Core bulk, plain SQL) is caught in its own transaction.
    ``wire_form`` (revision 0007): the op's rows are written in wire form (``sync_codec.sqlite_wire_json``),
    ready to push; before, they held the raw stored values.
    """
    table = review_table(name)
    quiet = "NOT EXISTS (SELECT 1 FROM horus_sync_state WHERE applying = 1)"

    def row_json(alias: str) -> str:
        if wire_form:
            from horus_desktop.store.sync_codec import sqlite_wire_json

            return sqlite_wire_json(name, alias)
        return "json_object(" + ", ".join(f"'{c.name}', {alias}.{c.name}" for c in table.columns) + ")"

    def op(kind: str, alias: str, old: str, new: str) -> str:
        return f"{_OUTBOX_INSERT} VALUES ({_op_values(name, kind, alias, old, new)});"

    return [
        f"CREATE TRIGGER {sqlite_capture_trigger(name, 'ins')} AFTER INSERT ON {name} WHEN {quiet} BEGIN "
        f"{op('insert', 'NEW', 'NULL', row_json('NEW'))} END",
        f"CREATE TRIGGER {sqlite_capture_trigger(name, 'upd')} AFTER UPDATE ON {name} WHEN {quiet} BEGIN "
        f"{op('update', 'NEW', row_json('OLD'), row_json('NEW'))} END",
        f"CREATE TRIGGER {sqlite_capture_trigger(name, 'del')} AFTER DELETE ON {name} WHEN {quiet} BEGIN "
        f"{op('delete', 'OLD', row_json('OLD'), 'NULL')} END",
    ]


_OUTBOX_INSERT = "INSERT INTO horus_sync_outbox (op_id, table_name, row_id, kind, old_row, new_row, base_version)"


def _op_values(name: str, kind: str, alias: str, old: str, new: str) -> str:
    """The values of one captured op of row ``alias`` (a capture trigger's, or a set-based capture's)."""
    pk = SYNCED_TABLES[name][0]
    return (f"lower(hex(randomblob(16))), '{name}', {alias}.{pk}, '{kind}', {old}, {new}, "
            f"COALESCE((SELECT row_version FROM horus_sync_row_versions "
            f"WHERE table_name = '{name}' AND row_id = {alias}.{pk}), 0)")


def sqlite_capture_inserts_sql(name: str, where: str) -> str:
    """One statement appending the insert ops the capture trigger (wire form) would have appended, in rowid
    order, for the rows of ``name`` (alias ``m``) matching ``where``: for a bulk insert made while capture
    was quiet (``applying = 1``), so a batch's ops are written in one statement, not one trigger per row."""
    from horus_desktop.store.sync_codec import sqlite_wire_json

    return (f"{_OUTBOX_INSERT} SELECT {_op_values(name, 'insert', 'm', 'NULL', sqlite_wire_json(name, 'm'))} "
            f"FROM {name} AS m WHERE {where} ORDER BY m.rowid")


def sqlite_capture_trigger_names() -> list[tuple[str, str]]:
    """(trigger, table) of every capture trigger."""
    return [(sqlite_capture_trigger(n, k), n) for n in SYNCED_TABLES for k in ("ins", "upd", "del")]
