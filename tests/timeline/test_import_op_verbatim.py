"""A playlist import's op copies its document's stored text into the op's row as it is
(``sync_codec.sqlite_json_verbatim``), where the capture trigger has SQLite parse and write it again
(``json()``): the op is the same for every compact JSON text ``json.dumps`` writes (escapes, non-ASCII text,
numbers of every spelling, empty and nested containers, NULL), and a statement of another shape is refused."""

from __future__ import annotations

import json
import sqlite3

import pytest

from horus_desktop.store.bulk_insert import json_known_valid, stamped_inserts_sql
from horus_desktop.store.models import TimelineRow
from horus_desktop.store.sync_codec import sqlite_json_verbatim
from horus_desktop.store.sync_tables import sqlite_capture_inserts_sql

_TABLE = TimelineRow.__table__
_DOCUMENTS = [
    {
        "OTIO_SCHEMA": "Timeline.1",
        "metadata": {"horus": {"rate": "24/1"}},
        "name": 'Coupe \u2728 "q" \\ / \u00e9',
        "tracks": {"children": [[], {}, [{}], {"a": []}], "n": [0, -0.0, 1e-05, 1.5e300, 10**30, -7, 24.0]},
    },
    {"text": "\x00\x01\x1f\x7f \u2028\u2029 \U0001f3ac", "lone": "\ud800", "t": True, "f": False, "z": None},
    {"deep": [[[[[[{"x": [1, [2, [3]]]}]]]]]]},
    [],
    "a text",
    None,
]


def _texts(document: object) -> list[str]:
    """The texts an import may store: compact UTF-8, and compact ASCII-escaped (the form of a document holding
    a lone surrogate, which UTF-8 cannot hold: ``imports._document_text``)."""
    ascii_form = json.dumps(document, separators=(",", ":"))
    utf8 = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    try:
        utf8.encode("utf-8")
    except UnicodeEncodeError:
        return [ascii_form]
    return [utf8, ascii_form]


def _op_rows(sql: str, otio_data: str | None) -> tuple[object, ...]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE TABLE {_TABLE.name} ({', '.join(_TABLE.c.keys())})")
        conn.execute(
            "CREATE TABLE horus_sync_outbox (seq INTEGER PRIMARY KEY, op_id, table_name, row_id, kind, "
            "old_row, new_row, base_version, hlc, author)"
        )
        conn.execute("CREATE TABLE horus_sync_row_versions (table_name, row_id, row_version)")
        conn.execute(
            f"INSERT INTO {_TABLE.name} (id, name, project_id, timeline_type, otio_data, frame_rate, "
            "created_by, created_at, updated_at, is_deleted) VALUES ('0123456789abcdef0123456789abcdef', "
            "'n', 'p', 'dailies', ?, 23.976, 'ana', '2026-12-01 02:03:04.567891', "
            "'2026-12-01 02:03:04.567891', 0)",
            (otio_data,),
        )
        conn.execute(sql, ("clock", "ana", 1))
        return conn.execute("SELECT new_row, hlc, author, kind FROM horus_sync_outbox").fetchone()
    finally:
        conn.close()


@pytest.mark.parametrize("document", _DOCUMENTS)
def test_the_op_of_a_stored_document_is_the_one_json_writes(document: object) -> None:
    parsed = json_known_valid(stamped_inserts_sql(_TABLE.name, "m.rowid = ?"), _TABLE)
    spliced = sqlite_json_verbatim(parsed, _TABLE.name, "otio_data")
    assert "json(m.otio_data)" not in spliced
    for text in _texts(document):
        expected = _op_rows(parsed, text)
        assert _op_rows(spliced, text) == expected
        assert json.loads(expected[0])["otio_data"] == document


def test_a_document_stored_as_null_is_null_in_the_op() -> None:
    parsed = json_known_valid(stamped_inserts_sql(_TABLE.name, "m.rowid = ?"), _TABLE)
    op = _op_rows(sqlite_json_verbatim(parsed, _TABLE.name, "otio_data"), None)
    assert op == _op_rows(parsed, None)
    assert json.loads(op[0])["otio_data"] is None


def test_a_statement_of_another_shape_is_refused() -> None:
    checked = sqlite_capture_inserts_sql(
        _TABLE.name, "m.rowid = ?"
    )  # its JSON still checked: not for splicing
    with pytest.raises(RuntimeError):
        sqlite_json_verbatim(checked, _TABLE.name, "otio_data")
