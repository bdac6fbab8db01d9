"""Compact per-field records on the server (revision 0007): a row made or deleted in one change keeps one record.

Before 0007 the server kept, per row, one record ``{c: client, h: clock, a: author, v: version}`` for every
field, even when a whole row was made at once; for a page of new notes that was most of the push's writes.
From 0007 an insert or a delete writes one record under the key ``*`` ("every field, unless named"), and an
update adds records only for the fields it changed, as before. The conflict check reads a field's own record
and falls back to ``*``, so answers, conflicts, clocks and authors are unchanged; rows recorded before 0007
keep their per-field records, which the same lookup reads.

Each op's author (and the PostgreSQL login that sent it) is kept with its answer in
``horus_sync_applied_ops``, and answers older than ``APPLIED_OPS_KEPT`` are pruned by the push.

The set-based push of 0006 is kept and writes the compact record too; a row it writes no longer even queues
the capture trigger (the trigger's ``WHEN`` checks ``horus.bulk``), and a row's project is looked up once per
distinct owner.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE
from horus_desktop.store.sync_tables import BOOKKEEPING_COLUMNS, MERGE_ON_INSERT, SYNCED_TABLES


def _replace(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) == count, f"the SQL this revision rewrites changed near: {old[:60]!r}"
    return text.replace(old, new)


def _capture(base: str) -> str:
    """The capture trigger: one ``*`` record for an insert or a delete; per changed field for an update."""
    text = _replace(base, """    SELECT coalesce(jsonb_object_agg(e.key, jsonb_build_object('c', who_client, 'h', who_hlc, 'a', who)), '{}')
        INTO changed FROM jsonb_each(coalesce(newj, oldj)) e
        WHERE TG_OP <> 'UPDATE' OR (oldj -> e.key) IS DISTINCT FROM (newj -> e.key);""",
                    """    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(jsonb_object_agg(e.key, jsonb_build_object('c', who_client, 'h', who_hlc, 'a', who)), '{}')
            INTO changed FROM jsonb_each(newj) e WHERE (oldj -> e.key) IS DISTINCT FROM (newj -> e.key);
    ELSE  -- the whole row at once: one record stands for every field
        changed := jsonb_build_object('*', jsonb_build_object('c', who_client, 'h', who_hlc, 'a', who));
    END IF;""")
    # An insert or a delete replaces the row's records (a row made again after a delete starts afresh).
    return _replace(text, """            fields = coalesce(v.fields, '{}') || coalesce((SELECT jsonb_object_agg(""",
                    """            fields = CASE WHEN TG_OP <> 'UPDATE' THEN '{}' ELSE coalesce(v.fields, '{}') END
                || coalesce((SELECT jsonb_object_agg(""")


def _apply(base: str) -> str:
    """The per-op apply: a field's record is its own, else the row's ``*`` record."""
    text = _replace(base, "fv := cur_fields -> k;", "fv := coalesce(cur_fields -> k, cur_fields -> '*');")
    return _replace(text, "cur_fields->'is_deleted'->>", "coalesce(cur_fields->'is_deleted', cur_fields->'*')->>",
                    count=3)


def _bulk(base: str) -> str:
    """The set-based insert of 0006 with one ``*`` record per row (no longer one per column), and without the
    checks the constraints make anyway: a row already on the server, an op already applied or a duplicate
    in the run fails the statement on a unique key, which rolls the run back to the per-op path as before."""
    text = _replace(base, """    -- Only runs that are all new: distinct rows and ops, signed, never applied, not on the server yet.
    IF (SELECT count(DISTINCT e->>'row_id') <> n OR count(DISTINCT e->>'op_id') <> n
               OR bool_or(coalesce(e->>'author', '') = '') FROM jsonb_array_elements(p_ops) e) THEN
        RETURN;
    END IF;
    BEGIN
        IF EXISTS (SELECT 1 FROM horus_sync_applied_ops a
                   WHERE a.op_id IN (SELECT (e->>'op_id')::uuid FROM jsonb_array_elements(p_ops) e)) THEN
            RETURN;
        END IF;
        EXECUTE format('SELECT count(*) FROM %I t WHERE t.%I = ANY($1::%s[])', p_tbl, pk[1], pk[2])
            INTO clash USING ARRAY(SELECT e->>'row_id' FROM jsonb_array_elements(p_ops) e);
        IF clash > 0 THEN RETURN; END IF;
""", """    -- Only signed runs. One that is not all new (a row already on the server, an op already applied, the
    -- same row or op twice) breaks a unique key below and is rolled back: the per-op path answers it.
    IF (SELECT bool_or(coalesce(e->>'author', '') = '') FROM jsonb_array_elements(p_ops) e) THEN
        RETURN;
    END IF;
    BEGIN
""")
    text = _replace(text, """        -- Every row is inserted with all its columns (defaults never apply), so each changed field of an op
        -- is one of the table's columns: the per-field record is built once per row, as text.
        SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols FROM pg_attribute a
            WHERE a.attrelid = p_tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped;
""", "")
    text = _replace(text, """                       ('{"' || array_to_string($4, '":' || got.rec || ',"') || '":' || got.rec || '}')::jsonb""",
                    """                       ('{"*":' || got.rec || '}')::jsonb  -- the whole row at once: one record""")
    text = _replace(text, """                    fields = coalesce(v.fields, '{}') || (SELECT jsonb_object_agg(
                        f.key, f.value || jsonb_build_object('v', v.row_version + 1))
                        FROM jsonb_each(excluded.fields) f)""",
                    """                    fields = jsonb_build_object('*', (excluded.fields -> '*')
                                                     || jsonb_build_object('v', v.row_version + 1))""")
    text = _replace(text, "INTO taken, results, projects USING p_ops, p_limit_hlc, p_client, cols;",
                    "INTO taken, results, projects USING p_ops, p_limit_hlc, p_client;")
    text = _replace(text, "clash int; taken int;\n    cols text[];", "taken int;")
    # Who made each op is kept with its answer (the login that sent it defaults to the session's).
    text = _replace(text, "                SELECT got.ord, got.op_id, got.proj,\n",
                    "                SELECT got.ord, got.op_id, got.proj, got.who,\n")
    text = _replace(text, """                INSERT INTO horus_sync_applied_ops (op_id, client_id, result)
                SELECT res.op_id::uuid, $3, res.r FROM res""", """                INSERT INTO horus_sync_applied_ops (op_id, client_id, result, author)
                SELECT res.op_id::uuid, $3, res.r, res.who FROM res""")
    # A row's project is looked up once per distinct owner, not once per row.
    return _replace(text, """), owners AS (
                SELECT DISTINCT ON (o.owner) o.owner, horus_sync_project_of(%1$L, o.owner) AS proj FROM o""",
                    """), owners AS MATERIALIZED (
                SELECT d.owner, horus_sync_project_of(%1$L, d.owner) AS proj FROM (SELECT DISTINCT o.owner FROM o) d""")


def _push(base: str) -> str:
    """The push of 0006, handing a page that is one run of inserts to the set-based path as it is, keeping
    each op's author with its answer, and pruning answers past the retention."""
    text = _replace(base, "(SELECT jsonb_agg(p_ops -> k ORDER BY k) FROM generate_series(i, j - 1) k)",
                    "CASE WHEN i = 0 AND j = n THEN p_ops ELSE (SELECT jsonb_agg(p_ops -> k ORDER BY k) "
                    "FROM generate_series(i, j - 1) k) END")
    text = _replace(text, "INSERT INTO horus_sync_applied_ops (op_id, client_id, result) "
                          "VALUES ((op->>'op_id')::uuid, p_client, r);",
                    "INSERT INTO horus_sync_applied_ops (op_id, client_id, result, author) "
                    "VALUES ((op->>'op_id')::uuid, p_client, r, nullif(op->>'author', ''));")
    return _replace(text, "    RETURN to_jsonb(results);\nEND $$;",
                    "    PERFORM horus_sync_prune_applied_ops();  -- cheap when nothing is due (an index range)\n"
                    "    RETURN to_jsonb(results);\nEND $$;")


#: How long the server keeps an op's answer for a retry: far longer than any laptop stays away between a push
#: whose answer it lost and the next one (``horus_sync_prune_applied_ops(interval)`` to choose another).
APPLIED_OPS_KEPT = "30 days"

_APPLIED_OPS = f"""
ALTER TABLE horus_sync_applied_ops ADD COLUMN author text,
    ADD COLUMN login_role text NOT NULL DEFAULT session_user;
CREATE INDEX ix_horus_sync_applied_ops_applied_at ON horus_sync_applied_ops (applied_at);
CREATE OR REPLACE FUNCTION horus_sync_prune_applied_ops(p_keep interval DEFAULT '{APPLIED_OPS_KEPT}')
RETURNS bigint LANGUAGE sql AS $$
    -- An op's answer is kept for a retry of the same op (a response lost on the way back); past the
    -- retention it is dropped, so the table holds recent pushes only, not every op ever made.
    WITH gone AS (DELETE FROM horus_sync_applied_ops WHERE applied_at < now() - p_keep RETURNING 1)
    SELECT count(*) FROM gone
$$;
"""


def _triggers(quiet_in_bulk: bool) -> list[str]:
    """The capture triggers, made again: with ``quiet_in_bulk`` a row written by the set-based push (which
    does its own bookkeeping) does not even queue the trigger."""
    out = []
    for table, (pk, _typ) in SYNCED_TABLES.items():
        when = f"WHEN (current_setting('horus.bulk', true) IS DISTINCT FROM '{table}') " if quiet_in_bulk else ""
        out += [f"DROP TRIGGER IF EXISTS trg_{table}_sync ON {table}",
                f"CREATE TRIGGER trg_{table}_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW {when}EXECUTE FUNCTION horus_sync_capture('{pk}')"]
    return out


def _apply_params() -> dict[str, str]:
    return {"merge": "ARRAY[" + ", ".join(f"'{t}'" for t in sorted(MERGE_ON_INSERT)) + "]",
            "bookkeeping": "ARRAY[" + ", ".join(f"'{c}'" for c in sorted(BOOKKEEPING_COLUMNS)) + "]"}


def compact_records_ddl() -> list[str]:
    """The statements of revision 0007 (PostgreSQL only)."""
    from horus_desktop.store.sync_server_push_sql import _BULK, _PUSH, capture_function
    from horus_desktop.store.sync_server_sql import _APPLY, _CAPTURE

    push = _push(_PUSH.replace("%(sqlstate)s", SCHEMA_MISMATCH_SQLSTATE))
    return [_APPLIED_OPS, _capture(capture_function(_CAPTURE)), _apply(_APPLY % _apply_params()), _bulk(_BULK),
            push, *_triggers(quiet_in_bulk=True)]


def compact_records_drop_ddl() -> list[str]:
    """Back to revision 0006's functions (records written meanwhile keep their ``*`` key, which 0006 ignores:
    a downgrade is for development only)."""
    from horus_desktop.store.sync_server_push_sql import _BULK, _PUSH, capture_function
    from horus_desktop.store.sync_server_sql import _APPLY, _CAPTURE

    return [capture_function(_CAPTURE), _APPLY % _apply_params(), _BULK,
            _PUSH.replace("%(sqlstate)s", SCHEMA_MISMATCH_SQLSTATE), *_triggers(quiet_in_bulk=False),
            "DROP FUNCTION IF EXISTS horus_sync_prune_applied_ops(interval)",
            "DROP INDEX IF EXISTS ix_horus_sync_applied_ops_applied_at",
            "ALTER TABLE horus_sync_applied_ops DROP COLUMN author, DROP COLUMN login_role"]

