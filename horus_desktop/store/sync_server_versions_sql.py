"""Plain version rows for a set-based push (revision 0011): no speculative insert unless a row was made before.

Before 0011 the set-based insert (revisions 0006-0010) wrote each new row's version record with ``INSERT ...
ON CONFLICT DO UPDATE`` so that a row made again after a delete (a reaction or tag removed and added again:
deterministic ids) gets the next version. That is a speculative insertion for every row: an index probe
before the insert and one more WAL record after it, for a case that almost never happens in a page of new
notes. Now the run is first tried with a plain ``INSERT``; only when that breaks the version table's key (a
row that had a version record) is the same statement run again, rolled back to before it, with the
``ON CONFLICT`` clause, so answers are unchanged. The per-row record is built as jsonb at once instead of as
text parsed back. Measured on one 2,000-row insert into the version table: 7.5-9.7 -> 4.3-4.6 ms.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_pull_sql import _replace

_UPSERT = """
                ON CONFLICT (table_name, row_id) DO UPDATE SET row_version = v.row_version + 1,
                    fields = jsonb_build_object('*', (excluded.fields -> '*')
                                                     || jsonb_build_object('v', v.row_version + 1))"""


def _bulk_0010() -> str:
    from horus_desktop.store.sync_server_answers_sql import slim_answers_ddl

    (bulk,) = slim_answers_ddl()
    return bulk


def _bulk(base: str) -> str:
    """0010's set-based insert, trying the version records as a plain insert first."""
    text = _replace(base, "DECLARE pk text[] := horus_sync_pk(p_tbl); n int := jsonb_array_length(p_ops); taken int;",
                    "DECLARE pk text[] := horus_sync_pk(p_tbl); n int := jsonb_array_length(p_ops); taken int;\n"
                    "    upsert text := ''; broken text;")
    text = _replace(text, "        EXECUTE format($q$\n", "        LOOP\n        BEGIN\n        EXECUTE format($q$\n")
    text = _replace(text, """                       jsonb_build_object('c', $3, 'h', o.hlc, 'a', o.who, 'v', 1)::text AS rec""",
                    """                       jsonb_build_object('*', jsonb_build_object('c', $3, 'h', o.hlc, 'a', o.who, 'v', 1))
                           AS rec""")
    text = _replace(text, """                       ('{"*":' || got.rec || '}')::jsonb  -- the whole row at once: one record
                FROM got""" + _UPSERT + "\n",
                    """                       got.rec  -- the whole row at once: one record
                FROM got %3$s
""")
    text = _replace(text, "            FROM res$q$, p_tbl, pk[1])\n", "            FROM res$q$, p_tbl, pk[1], upsert)\n")
    return _replace(text, "            INTO taken, results, projects USING p_ops, p_limit_hlc, p_client;\n",
                    """            INTO taken, results, projects USING p_ops, p_limit_hlc, p_client;
            EXIT;
        EXCEPTION WHEN unique_violation THEN
            -- A row made again after a delete has a version record: run again, bumping it. Any other key
            -- broken (a row or op already there) goes on to the per-op path below, as before.
            GET STACKED DIAGNOSTICS broken = CONSTRAINT_NAME;
            IF upsert <> '' OR broken IS DISTINCT FROM 'pk_horus_sync_row_versions' THEN RAISE; END IF;
            upsert := $u$""" + _UPSERT.strip() + """$u$;
        END;
        END LOOP;
""")


def plain_versions_ddl() -> list[str]:
    """The statements of revision 0011 (PostgreSQL only)."""
    return [_bulk(_bulk_0010())]


def plain_versions_drop_ddl() -> list[str]:
    """Back to revision 0010's set-based insert."""
    return [_bulk_0010()]
