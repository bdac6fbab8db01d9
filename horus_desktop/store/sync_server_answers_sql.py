"""Slim answers for a set-based push (revision 0010): status, version and conflicts, nothing the client sent.

Before 0010 each answer of the set-based insert (revision 0006/0007) repeated the op's id and clock and named
the row's project, built per op as a six-key object, stored in ``horus_sync_applied_ops`` and sent back: about
a tenth of a 2,000-op page's server CPU (99 -> 88 ms with a constant answer, same run). The client reads an
answer by its place in the page and uses only its status, version and conflicts (an op's id and reason
only when refused, which the per-op path answers as before, with the op's id and clock); the clock the server
kept is in the row's field record, where conflicts are decided. So a new row at version 1 is answered
``{"status": "applied", "version": 1, "conflicts": 0}``, one constant, stored and sent as it is; a row made
again after a delete names its version. A retried op gets its stored answer back, as before.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_pull_sql import _replace

_FULL_ANSWER = """jsonb_build_object('status', 'applied', 'version', ver.row_version, 'conflicts', 0,
                                          'project', got.proj, 'op_id', got.op_id, 'hlc', got.hlc) AS r"""
_SLIM_ANSWER = """CASE WHEN ver.row_version = 1 THEN '{"status": "applied", "version": 1, "conflicts": 0}'::jsonb
                            ELSE jsonb_build_object('status', 'applied', 'version', ver.row_version,
                                                    'conflicts', 0) END AS r"""


def _bulk_0007() -> str:
    from horus_desktop.store.sync_server_records_sql import compact_records_ddl

    bulk = compact_records_ddl()[3]
    assert "FUNCTION horus_sync_push_inserts" in bulk, "revision 0007's statements changed order"
    return bulk


def slim_answers_ddl() -> list[str]:
    """The statements of revision 0010 (PostgreSQL only)."""
    return [_replace(_bulk_0007(), _FULL_ANSWER, _SLIM_ANSWER)]


def slim_answers_drop_ddl() -> list[str]:
    """Back to revision 0009's set-based insert (0007's)."""
    return [_bulk_0007()]
