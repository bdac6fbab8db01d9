"""Set-based push on the server (revision 0006): a run of inserts into one table is applied in one statement.

A page of ops is still read in order, but consecutive inserts of new rows into one table (the common case: a
batch of notes, tags, media) are applied together: one ``INSERT ... SELECT FROM jsonb_populate_record`` for
the rows, and the bookkeeping the capture trigger would do row by row (per-field records with each op's
client, clock and author; the change log under the advisory lock; the applied-op answers) in the same
statement. The capture trigger stays quiet for that statement only (``horus.bulk`` names the table). The pull reads
the rows of a page with one join per table instead of one lookup per change. A run
that cannot be taken whole (a retried op, a row that already exists, an op without author, any error) goes
through the per-op path of revision 0004 unchanged, so every answer (applied, merged, conflict, rejected)
is the same as before; only the speed differs.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE

_CAPTURE_GUARD = "IF current_setting('horus.bulk', true) = TG_TABLE_NAME THEN RETURN NULL; END IF;"

_BULK = r"""
CREATE OR REPLACE FUNCTION horus_sync_push_inserts(p_client text, p_tbl text, p_ops jsonb, p_limit_hlc text,
                                                   OUT results jsonb, OUT projects text[])
LANGUAGE plpgsql AS $$
DECLARE pk text[] := horus_sync_pk(p_tbl); n int := jsonb_array_length(p_ops); clash int; taken int;
    cols text[];
BEGIN
    -- Only runs that are all new: distinct rows and ops, signed, never applied, not on the server yet.
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
        PERFORM set_config('horus.bulk', p_tbl, true);  -- this statement does the capture's work itself
        -- One lock per database, held to commit, as the capture trigger takes it: sequence order is commit order.
        PERFORM pg_advisory_xact_lock(7472657375);
        -- Every row is inserted with all its columns (defaults never apply), so each changed field of an op
        -- is one of the table's columns: the per-field record is built once per row, as text.
        SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols FROM pg_attribute a
            WHERE a.attrelid = p_tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format($q$
            WITH o AS (
                SELECT e.ord, e.op, e.op->>'op_id' AS op_id, e.op->>'row_id' AS rid, e.op->>'author' AS who,
                       -- only these keys say which project a row is of (horus_sync_project_of)
                       jsonb_build_object('project_id', e.op->'new'->'project_id', 'media_id',
                           e.op->'new'->'media_id', 'comment_id', e.op->'new'->'comment_id', 'timeline_id',
                           e.op->'new'->'timeline_id') AS owner,
                       CASE WHEN e.op->>'hlc' IS NULL OR e.op->>'hlc' !~ '^[0-9]{15}[.][0-9]{5}[.]'
                                THEN horus_sync_server_hlc()
                            WHEN left(e.op->>'hlc', 15) > $2 THEN $2 || substr(e.op->>'hlc', 16)
                            ELSE e.op->>'hlc' END AS hlc
                FROM jsonb_array_elements($1) WITH ORDINALITY AS e(op, ord)
            ), ins AS (
                INSERT INTO %1$I SELECT r.* FROM o
                    CROSS JOIN LATERAL jsonb_populate_record(NULL::%1$I, coalesce(o.op->'new', '{}')) r
                    ORDER BY o.ord
                RETURNING %2$I::text AS rid
            ), owners AS (
                SELECT DISTINCT ON (o.owner) o.owner, horus_sync_project_of(%1$L, o.owner) AS proj FROM o
            ), got AS (
                SELECT o.ord, o.op_id, o.rid, o.who, o.hlc, owners.proj,
                       jsonb_build_object('c', $3, 'h', o.hlc, 'a', o.who, 'v', 1)::text AS rec
                FROM o JOIN ins ON ins.rid = o.rid JOIN owners ON owners.owner = o.owner
            ), ver AS (
                INSERT INTO horus_sync_row_versions AS v (table_name, row_id, row_version, fields)
                SELECT %1$L, got.rid, 1,
                       ('{"' || array_to_string($4, '":' || got.rec || ',"') || '":' || got.rec || '}')::jsonb
                FROM got
                ON CONFLICT (table_name, row_id) DO UPDATE SET row_version = v.row_version + 1,
                    fields = coalesce(v.fields, '{}') || (SELECT jsonb_object_agg(
                        f.key, f.value || jsonb_build_object('v', v.row_version + 1))
                        FROM jsonb_each(excluded.fields) f)
                RETURNING v.row_id, v.row_version
            ), res AS (
                SELECT got.ord, got.op_id, got.proj,
                       jsonb_build_object('status', 'applied', 'version', ver.row_version, 'conflicts', 0,
                                          'project', got.proj, 'op_id', got.op_id, 'hlc', got.hlc) AS r
                FROM got JOIN ver ON ver.row_id = got.rid
            ), logged AS (
                INSERT INTO horus_sync_changes (table_name, row_id, project_id, kind)
                SELECT %1$L, got.rid, got.proj, 'insert' FROM got ORDER BY got.ord
            ), applied AS (
                INSERT INTO horus_sync_applied_ops (op_id, client_id, result)
                SELECT res.op_id::uuid, $3, res.r FROM res
            )
            SELECT count(*), jsonb_agg(res.r ORDER BY res.ord), array_agg(DISTINCT res.proj)
            FROM res$q$, p_tbl, pk[1])
            INTO taken, results, projects USING p_ops, p_limit_hlc, p_client, cols;
        IF taken <> n THEN
            RAISE EXCEPTION 'set-based insert took % of % ops', taken, n;  -- undone below: per op instead
        END IF;
        PERFORM set_config('horus.bulk', '', true);
    EXCEPTION WHEN OTHERS THEN
        results := NULL; projects := NULL;  -- everything above is rolled back; the caller goes op by op
    END;
END $$;
"""

_PUSH = r"""
CREATE OR REPLACE FUNCTION horus_sync_push(p_client text, p_schema text, p_ops jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    op jsonb; r jsonb; results jsonb[] := '{}'; server_schema text; hlc text; limit_hlc text;
    projects text[] := '{}'; proj text; n int := jsonb_array_length(p_ops); i int := 0; j int; tbl text;
    bulk_results jsonb; bulk_projects text[];
BEGIN
    SELECT version_num INTO server_schema FROM alembic_version;
    IF server_schema IS DISTINCT FROM p_schema THEN
        RAISE EXCEPTION 'the server''s schema is %, this client''s is %', server_schema, p_schema
            USING ERRCODE = '%(sqlstate)s';
    END IF;
    limit_hlc := lpad((floor(extract(epoch FROM clock_timestamp()) * 1000) + 60000)::bigint::text, 15, '0');
    WHILE i < n LOOP
        op := p_ops -> i;
        IF op->>'kind' = 'insert' THEN  -- a run of inserts into one table: one set-based statement
            tbl := op->>'table'; j := i + 1;
            WHILE j < n AND p_ops->j->>'kind' = 'insert' AND p_ops->j->>'table' = tbl LOOP j := j + 1; END LOOP;
            IF j - i >= 2 THEN
                SELECT b.results, b.projects INTO bulk_results, bulk_projects
                FROM horus_sync_push_inserts(p_client, tbl,
                    (SELECT jsonb_agg(p_ops -> k ORDER BY k) FROM generate_series(i, j - 1) k), limit_hlc) b;
                IF bulk_results IS NOT NULL THEN
                    results := results || ARRAY(SELECT jsonb_array_elements(bulk_results));
                    projects := projects || bulk_projects;
                    i := j;
                    CONTINUE;
                END IF;
            END IF;
        END IF;
        i := i + 1;
        SELECT a.result INTO r FROM horus_sync_applied_ops a WHERE a.op_id = (op->>'op_id')::uuid;
        IF FOUND THEN
            results := array_append(results, r);  -- a retry: the stored answer, no second effect
            CONTINUE;
        END IF;
        hlc := op->>'hlc';
        IF hlc IS NULL OR hlc !~ '^[0-9]{15}[.][0-9]{5}[.]' THEN
            hlc := horus_sync_server_hlc();
        ELSIF left(hlc, 15) > limit_hlc THEN
            hlc := limit_hlc || substr(hlc, 16);  -- a clock too far ahead is clamped to the server's + 60 s
        END IF;
        BEGIN
            r := horus_sync_apply_op(p_client, op, hlc);
            proj := r->>'project';
            IF proj IS NOT NULL THEN projects := array_append(projects, proj); END IF;
        EXCEPTION WHEN OTHERS THEN
            r := jsonb_build_object('status', 'rejected', 'reason', SQLERRM, 'version', 0, 'conflicts', 0);
        END;
        r := r || jsonb_build_object('op_id', op->>'op_id', 'hlc', hlc);
        INSERT INTO horus_sync_applied_ops (op_id, client_id, result) VALUES ((op->>'op_id')::uuid, p_client, r);
        results := array_append(results, r);
    END LOOP;
    FOR proj IN SELECT DISTINCT p FROM unnest(projects) p WHERE p IS NOT NULL LOOP
        PERFORM pg_notify('horus_sync', proj);  -- delivered at commit: a hint to pull, never the data
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM unnest(projects) p WHERE p IS NOT NULL) AND n > 0 THEN
        PERFORM pg_notify('horus_sync', '');
    END IF;
    RETURN to_jsonb(results);
END $$;
"""

_PULL = r"""
CREATE OR REPLACE FUNCTION horus_sync_pull(p_xid xid8, p_seq bigint, p_projects text[], p_limit int)
RETURNS TABLE (xid xid8, seq bigint, table_name text, row_id text, kind text, row_data jsonb,
               row_version bigint, row_hlc text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE parts text[]; pk text[]; t text;
    page text := 'SELECT c.xid, c.seq, c.table_name, c.row_id, c.kind FROM horus_sync_changes c '
                 'WHERE c.seq > $1 AND ($2::text[] IS NULL OR c.project_id IS NULL OR c.project_id = ANY($2)) '
                 'ORDER BY c.seq LIMIT $3';
BEGIN
    -- By sequence alone: stamping holds a transaction-level lock, so sequence order is commit order.
    -- (p_xid is kept for the cursor's shape.) Rows are read with one join per table of the page, not one
    -- lookup per change; a stable function sees one snapshot, so both reads of the page agree.
    FOR t IN EXECUTE 'SELECT DISTINCT p.table_name FROM (' || page || ') p' USING p_seq, p_projects, p_limit LOOP
        pk := horus_sync_pk(t);
        parts := parts || format(
            'SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, to_jsonb(x), v.row_version, '
            '(SELECT max(f.value->>''h'') FROM jsonb_each(v.fields) f) '  -- the latest clock on the row
            'FROM page p LEFT JOIN %I x ON x.%I = p.row_id::%s '
            'LEFT JOIN horus_sync_row_versions v ON v.table_name = p.table_name AND v.row_id = p.row_id '
            'WHERE p.table_name = %L', t, pk[1], pk[2], t);
    END LOOP;
    IF parts IS NULL THEN RETURN; END IF;
    RETURN QUERY EXECUTE 'WITH page AS (' || page || ') ' || array_to_string(parts, ' UNION ALL ') || ' ORDER BY 2'
        USING p_seq, p_projects, p_limit;
END $$;
"""


def capture_function(base_ddl: str) -> str:
    """The 0004 capture trigger with the guard that lets a set-based statement do its bookkeeping itself."""
    marker = "BEGIN\n    IF TG_OP <> 'DELETE' THEN newj := to_jsonb(NEW); END IF;"
    assert marker in base_ddl, "the capture trigger's body changed: update the guard's anchor"
    return base_ddl.replace(marker, f"BEGIN\n    {_CAPTURE_GUARD}\n    IF TG_OP <> 'DELETE' THEN newj := to_jsonb(NEW); END IF;")


def set_based_push_ddl() -> list[str]:
    """The statements of revision 0006 (PostgreSQL only)."""
    from horus_desktop.store.sync_server_sql import _CAPTURE

    return [capture_function(_CAPTURE), _BULK, _PUSH.replace("%(sqlstate)s", SCHEMA_MISMATCH_SQLSTATE), _PULL]


def set_based_push_drop_ddl() -> list[str]:
    """Back to revision 0004/0005's functions."""
    from horus_desktop.store.sync_server_sql import _CAPTURE, _PUSH

    return ["DROP FUNCTION IF EXISTS horus_sync_push_inserts(text, text, jsonb, text)", _CAPTURE,
            _PUSH % {"sqlstate": SCHEMA_MISMATCH_SQLSTATE}]
