"""Leaner pull and push on the server (revision 0009): what the profile of ``horus bench sync`` pointed at.

Pull: a row is sent as ``row_to_json`` text (built as text in column order) instead of ``to_jsonb`` (built as a
binary tree, then printed): the same values and keys, about a sixth less of the pull's server time; the client
reads it as text and parses it on the thread that applies the page. A row with one record for every field
(made at once and not changed since: the common case) takes its clock from that record instead of walking
its records.

Push: a page that is one run of inserts into one table returns the set-based statement's answers as they
are, not taken apart and put together again answer by answer. Answers, records and the change log are those
of revision 0007.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the SQL this revision rewrites changed near: {old[:60]!r}"
    return text.replace(old, new)


_PULL_SIGNATURE = "horus_sync_pull(xid8, bigint, text[], int)"


def _pull(base: str) -> str:
    """The pull of 0006 with rows as ``json`` text and the clock of a row made at once read directly."""
    text = _replace(base, "kind text, row_data jsonb,", "kind text, row_data json,")
    text = _replace(text, "'SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, to_jsonb(x), v.row_version, '",
                    "'SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, row_to_json(x), v.row_version, '")
    return _replace(text, "'(SELECT max(f.value->>''h'') FROM jsonb_each(v.fields) f) '  -- the latest clock on the row",
                    "'CASE WHEN v.row_version = 1 AND v.fields ? ''*'' THEN v.fields->''*''->>''h'' '"
                    "  -- made at once: its one record\n"
                    "            'ELSE (SELECT max(f.value->>''h'') FROM jsonb_each(v.fields) f) END '"
                    "  -- the latest clock on the row")


def _push(base: str) -> str:
    """The push of 0007: a page that is one run of inserts answers with the run's answers as they are."""
    return _replace(base, """                IF bulk_results IS NOT NULL THEN
                    results := results || ARRAY(SELECT jsonb_array_elements(bulk_results));""",
                    """                IF bulk_results IS NOT NULL AND i = 0 AND j = n THEN
                    results_json := bulk_results;  -- the whole page at once: its answers as they are
                    projects := projects || bulk_projects;
                    EXIT;
                ELSIF bulk_results IS NOT NULL THEN
                    results := results || ARRAY(SELECT jsonb_array_elements(bulk_results));""")


def _push_final(text: str) -> str:
    text = _replace(text, "    bulk_results jsonb; bulk_projects text[];",
                    "    bulk_results jsonb; bulk_projects text[]; results_json jsonb;")
    return _replace(text, "    RETURN to_jsonb(results);\nEND $$;",
                    "    RETURN coalesce(results_json, to_jsonb(results));\nEND $$;")


def lean_sync_ddl() -> list[str]:
    """The statements of revision 0009 (PostgreSQL only)."""
    from horus_desktop.store.sync_server_push_sql import _PULL, _PUSH
    from horus_desktop.store.sync_server_records_sql import _push as push_0007

    push = _push_final(_push(push_0007(_PUSH.replace("%(sqlstate)s", SCHEMA_MISMATCH_SQLSTATE))))
    # The row's type changes (jsonb -> json): the function is made again, not replaced.
    return [f"DROP FUNCTION IF EXISTS {_PULL_SIGNATURE}", _pull(_PULL), push]


def lean_sync_drop_ddl() -> list[str]:
    """Back to revision 0008's functions (those of 0006 and 0007)."""
    from horus_desktop.store.sync_server_push_sql import _PULL, _PUSH
    from horus_desktop.store.sync_server_records_sql import _push as push_0007

    return [f"DROP FUNCTION IF EXISTS {_PULL_SIGNATURE}", _PULL,
            push_0007(_PUSH.replace("%(sqlstate)s", SCHEMA_MISMATCH_SQLSTATE))]
