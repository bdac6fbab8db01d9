"""The server's half of sync, in PostgreSQL: change capture, push and pull as SQL functions.

The server enforces, the client asks: conflicts are found here, in the push function, from the row versions
and per-field change records the server keeps; every change (pushed, or written straight to the server
database) passes the same capture trigger, which bumps the row version, records who changed which field
and stamps the change log with a sequence taken under one transaction-level advisory lock (and, for
diagnosis, ``pg_current_xact_id()``).
"""

from __future__ import annotations

from horus_desktop.store.sync_tables import BOOKKEEPING_COLUMNS, MERGE_ON_INSERT, SYNCED_TABLES

_VIA_MEDIA = "(SELECT m.project_id FROM horus_media_records m WHERE m.id = (r->>'media_id')::uuid)"
_VIA_COMMENT = ("(SELECT m.project_id FROM horus_comments c JOIN horus_media_records m ON m.id = c.media_id "
                "WHERE c.id = (r->>'comment_id')::uuid)")
_PROJECT_OF = {
    "horus_users": "NULL",
    "horus_project_configs": "r->>'project_id'",
    "horus_media_records": "r->>'project_id'",
    "horus_media_tags": _VIA_MEDIA,
    "horus_approval_history": _VIA_MEDIA,
    "horus_comments": _VIA_MEDIA,
    "horus_comment_reactions": _VIA_COMMENT,
    "horus_comment_attachments": _VIA_COMMENT,
    "horus_annotation_layers": _VIA_MEDIA,
    "horus_annotations": _VIA_MEDIA,
    "horus_timelines": "r->>'project_id'",
    "horus_timeline_clips": "(SELECT t.project_id FROM horus_timelines t WHERE t.id = (r->>'timeline_id')::uuid)",
    "horus_sync_conflicts": "r->>'project_id'",
}

#: Raised (SQLSTATE) when a client's schema is not the server's: the client must upgrade.
SCHEMA_MISMATCH_SQLSTATE = "HRS01"


def _project_of_function() -> str:
    cases = "\n".join(f"        WHEN '{t}' THEN RETURN {_PROJECT_OF[t]};" for t in SYNCED_TABLES)
    return f"""
CREATE OR REPLACE FUNCTION horus_sync_project_of(tbl text, r jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    CASE tbl
{cases}
        ELSE RETURN NULL;
    END CASE;
END $$"""


def _pk_function() -> str:
    cases = "\n".join(f"        WHEN '{t}' THEN RETURN ARRAY['{pk}', '{typ}'];"
                      for t, (pk, typ) in SYNCED_TABLES.items())
    return f"""
CREATE OR REPLACE FUNCTION horus_sync_pk(tbl text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE tbl
{cases}
        ELSE RAISE EXCEPTION '% is not a synced table', tbl;
    END CASE;
END $$"""


_TABLES = """
CREATE TABLE horus_sync_applied_ops (
    op_id uuid PRIMARY KEY,
    client_id text NOT NULL,
    result jsonb NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE horus_sync_changes (
    seq bigserial PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name text NOT NULL,
    row_id text NOT NULL,
    project_id text,
    kind text NOT NULL
);
"""

_CAPTURE = """
CREATE OR REPLACE FUNCTION horus_sync_server_hlc() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT lpad((floor(extract(epoch FROM clock_timestamp()) * 1000))::bigint::text, 15, '0') || '.00000.server'
$$;

CREATE OR REPLACE FUNCTION horus_sync_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    newj jsonb; oldj jsonb; rid text; changed jsonb;
    who_client text := coalesce(nullif(current_setting('horus.client_id', true), ''), 'server');
    who_hlc text := coalesce(nullif(current_setting('horus.hlc', true), ''), horus_sync_server_hlc());
    who text := coalesce(nullif(current_setting('horus.author', true), ''), session_user::text);
BEGIN
    IF TG_OP <> 'DELETE' THEN newj := to_jsonb(NEW); END IF;
    IF TG_OP <> 'INSERT' THEN oldj := to_jsonb(OLD); END IF;
    rid := coalesce(newj, oldj) ->> TG_ARGV[0];
    IF TG_OP = 'UPDATE' AND newj = oldj THEN RETURN NULL; END IF;
    -- Who changed which field, in one pass; then the version bump and the field records in one statement.
    SELECT coalesce(jsonb_object_agg(e.key, jsonb_build_object('c', who_client, 'h', who_hlc, 'a', who)), '{}')
        INTO changed FROM jsonb_each(coalesce(newj, oldj)) e
        WHERE TG_OP <> 'UPDATE' OR (oldj -> e.key) IS DISTINCT FROM (newj -> e.key);
    INSERT INTO horus_sync_row_versions AS v (table_name, row_id, row_version, fields)
        VALUES (TG_TABLE_NAME, rid, 1, (SELECT jsonb_object_agg(c.key, c.value || '{"v": 1}')
                                         FROM jsonb_each(changed) c))
        ON CONFLICT (table_name, row_id) DO UPDATE SET row_version = v.row_version + 1,
            fields = coalesce(v.fields, '{}') || coalesce((SELECT jsonb_object_agg(
                c.key, c.value || jsonb_build_object('v', v.row_version + 1)) FROM jsonb_each(changed) c), '{}');
    -- One lock per database, held to commit: sequence order is commit order, so a pull by sequence never
    -- passes over a change that commits late (see docs/ARCHITECTURE.md, "Sync").
    PERFORM pg_advisory_xact_lock(7472657375);
    INSERT INTO horus_sync_changes (table_name, row_id, project_id, kind)
        VALUES (TG_TABLE_NAME, rid, horus_sync_project_of(TG_TABLE_NAME, coalesce(newj, oldj)), lower(TG_OP));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION horus_sync_row(tbl text, rid text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE pk text[] := horus_sync_pk(tbl); r jsonb;
BEGIN
    EXECUTE format('SELECT to_jsonb(t) FROM %I t WHERE t.%I = $1::%s', tbl, pk[1], pk[2]) INTO r USING rid;
    RETURN r;
END $$;
"""

_APPLY = """
CREATE OR REPLACE FUNCTION horus_sync_apply_op(p_client text, op jsonb, p_hlc text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    tbl text := op->>'table'; rid text := op->>'row_id'; kind text := op->>'kind';
    newv jsonb := coalesce(op->'new', '{}'); oldv jsonb := coalesce(op->'old', '{}');
    base bigint := coalesce((op->>'base')::bigint, 0); who text := op->>'author';
    pk text[]; cur jsonb; cur_v bigint; cur_fields jsonb; patch jsonb := '{}'; k text; fv jsonb;
    n_conflicts int := 0; status text; proj text; cols text;
BEGIN
    pk := horus_sync_pk(tbl);
    IF who IS NULL OR who = '' THEN RAISE EXCEPTION 'the op does not say who made it'; END IF;
    PERFORM set_config('horus.client_id', p_client, true);
    PERFORM set_config('horus.hlc', p_hlc, true);
    PERFORM set_config('horus.author', who, true);
    cur := horus_sync_row(tbl, rid);
    proj := horus_sync_project_of(tbl, coalesce(cur, newv));
    SELECT row_version, fields INTO cur_v, cur_fields FROM horus_sync_row_versions
        WHERE table_name = tbl AND row_id = rid;
    cur_v := coalesce(cur_v, 0); cur_fields := coalesce(cur_fields, '{}');
    IF kind = 'insert' THEN
        IF cur IS NOT NULL THEN
            IF tbl = ANY(%(merge)s) THEN
                RETURN jsonb_build_object('status', 'merged', 'version', cur_v, 'project', proj);
            END IF;
            RAISE EXCEPTION 'a %% row with id %% already exists', tbl, rid;
        END IF;
        EXECUTE format('INSERT INTO %%I SELECT * FROM jsonb_populate_record(NULL::%%I, $1)', tbl, tbl) USING newv;
        status := 'applied';
    ELSIF kind = 'delete' THEN
        IF cur IS NOT NULL THEN
            EXECUTE format('DELETE FROM %%I t WHERE t.%%I = $1::%%s', tbl, pk[1], pk[2]) USING rid;
        END IF;
        status := 'applied';
    ELSIF kind = 'update' THEN
        IF cur IS NULL THEN
            RAISE EXCEPTION 'this %% row was deleted on the server; the change cannot be applied', tbl;
        END IF;
        FOR k IN SELECT key FROM jsonb_each(newv) LOOP
            CONTINUE WHEN k = pk[1] OR (oldv -> k) IS NOT DISTINCT FROM (newv -> k);
            fv := cur_fields -> k;
            IF k <> ALL(%(bookkeeping)s) AND fv IS NOT NULL AND (fv->>'v')::bigint > base
               AND fv->>'c' IS DISTINCT FROM p_client AND (cur -> k) IS DISTINCT FROM (newv -> k) THEN
                -- The same field changed elsewhere since this client's base: the later clock wins, both kept.
                n_conflicts := n_conflicts + 1;
                INSERT INTO horus_sync_conflicts (id, project_id, table_name, row_id, field, incoming_value,
                    existing_value, incoming_author, existing_author, incoming_client, existing_client,
                    incoming_hlc, existing_hlc, winner, resolved, created_at)
                VALUES (gen_random_uuid(), proj, tbl, rid, k, newv -> k, cur -> k, who, fv->>'a', p_client,
                    fv->>'c', p_hlc, fv->>'h', CASE WHEN p_hlc > fv->>'h' THEN 'incoming' ELSE 'existing' END,
                    false, now());
                CONTINUE WHEN p_hlc <= fv->>'h';
            END IF;
            patch := patch || jsonb_build_object(k, newv -> k);
        END LOOP;
        IF (cur->>'is_deleted')::boolean IS TRUE AND NOT patch ? 'is_deleted' AND patch - 'updated_at' <> '{}' THEN
            -- An edit racing a delete: the tombstone stays, the edit is kept on the row and recorded.
            n_conflicts := n_conflicts + 1;
            INSERT INTO horus_sync_conflicts (id, project_id, table_name, row_id, field, incoming_value,
                existing_value, incoming_author, existing_author, incoming_client, existing_client, incoming_hlc,
                existing_hlc, winner, resolved, created_at)
            VALUES (gen_random_uuid(), proj, tbl, rid, 'is_deleted', patch, 'true'::jsonb, who,
                cur_fields->'is_deleted'->>'a', p_client, cur_fields->'is_deleted'->>'c', p_hlc,
                cur_fields->'is_deleted'->>'h', 'existing', false, now());
        END IF;
        IF patch <> '{}' THEN
            SELECT string_agg(format('%%I', key), ', ') INTO cols FROM jsonb_each(patch);
            EXECUTE format('UPDATE %%I t SET (%%s) = (SELECT %%s FROM jsonb_populate_record(NULL::%%I, $1) r) '
                           'WHERE t.%%I = $2::%%s', tbl, cols, cols, tbl, pk[1], pk[2]) USING patch, rid;
        END IF;
        status := CASE WHEN n_conflicts > 0 THEN 'conflict' WHEN base < cur_v THEN 'merged' ELSE 'applied' END;
    ELSE
        RAISE EXCEPTION 'unknown op kind %%', kind;
    END IF;
    SELECT row_version INTO cur_v FROM horus_sync_row_versions WHERE table_name = tbl AND row_id = rid;
    RETURN jsonb_build_object('status', status, 'version', coalesce(cur_v, 0), 'conflicts', n_conflicts,
                              'project', proj);
END $$;
"""

_PUSH = """
CREATE OR REPLACE FUNCTION horus_sync_push(p_client text, p_schema text, p_ops jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    op jsonb; r jsonb; results jsonb := '[]'; server_schema text; hlc text; limit_hlc text;
    projects text[] := '{}'; proj text;
BEGIN
    SELECT version_num INTO server_schema FROM alembic_version;
    IF server_schema IS DISTINCT FROM p_schema THEN
        RAISE EXCEPTION 'the server''s schema is %%, this client''s is %%', server_schema, p_schema
            USING ERRCODE = '%(sqlstate)s';
    END IF;
    limit_hlc := lpad((floor(extract(epoch FROM clock_timestamp()) * 1000) + 60000)::bigint::text, 15, '0');
    FOR op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        SELECT a.result INTO r FROM horus_sync_applied_ops a WHERE a.op_id = (op->>'op_id')::uuid;
        IF FOUND THEN
            results := results || jsonb_build_array(r);  -- a retry: the stored answer, no second effect
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
            IF proj IS NOT NULL AND NOT proj = ANY(projects) THEN projects := projects || proj; END IF;
        EXCEPTION WHEN OTHERS THEN
            r := jsonb_build_object('status', 'rejected', 'reason', SQLERRM, 'version', 0, 'conflicts', 0);
        END;
        r := r || jsonb_build_object('op_id', op->>'op_id', 'hlc', hlc);
        INSERT INTO horus_sync_applied_ops (op_id, client_id, result) VALUES ((op->>'op_id')::uuid, p_client, r);
        results := results || jsonb_build_array(r);
    END LOOP;
    FOREACH proj IN ARRAY projects LOOP
        PERFORM pg_notify('horus_sync', proj);  -- delivered at commit: a hint to pull, never the data
    END LOOP;
    IF cardinality(projects) = 0 AND jsonb_array_length(p_ops) > 0 THEN PERFORM pg_notify('horus_sync', ''); END IF;
    RETURN results;
END $$;

CREATE OR REPLACE FUNCTION horus_sync_pull(p_xid xid8, p_seq bigint, p_projects text[], p_limit int)
RETURNS TABLE (xid xid8, seq bigint, table_name text, row_id text, kind text, row_data jsonb,
               row_version bigint, row_hlc text)
LANGUAGE sql STABLE AS $$
    -- By sequence alone: stamping holds a transaction-level lock, so sequence order is commit order.
    -- (p_xid is kept for the cursor's shape; the xid of each change is recorded for diagnosis.)
    WITH page AS (
        SELECT c.xid, c.seq, c.table_name, c.row_id, c.kind FROM horus_sync_changes c
        WHERE c.seq > p_seq
          AND (p_projects IS NULL OR c.project_id IS NULL OR c.project_id = ANY(p_projects))
        ORDER BY c.seq LIMIT p_limit
    )
    SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, horus_sync_row(p.table_name, p.row_id), v.row_version,
           (SELECT max(f.value->>'h') FROM jsonb_each(v.fields) f)  -- the latest clock on the row
    FROM page p LEFT JOIN horus_sync_row_versions v ON v.table_name = p.table_name AND v.row_id = p.row_id
    ORDER BY p.seq
$$;
"""


def server_ddl() -> list[str]:
    """Every statement that installs the server part (tables, functions, capture triggers)."""
    arr = "ARRAY[" + ", ".join(f"'{t}'" for t in sorted(MERGE_ON_INSERT)) + "]"
    book = "ARRAY[" + ", ".join(f"'{c}'" for c in sorted(BOOKKEEPING_COLUMNS)) + "]"
    statements = [_TABLES, _project_of_function(), _pk_function(), _CAPTURE,
                  _APPLY % {"merge": arr, "bookkeeping": book},
                  _PUSH % {"sqlstate": SCHEMA_MISMATCH_SQLSTATE}]
    for table, (pk, _typ) in SYNCED_TABLES.items():
        statements.append(f"CREATE TRIGGER trg_{table}_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION horus_sync_capture('{pk}')")
    return statements


def server_drop_ddl() -> list[str]:
    """Undo server_ddl."""
    drops = [f"DROP TRIGGER IF EXISTS trg_{t}_sync ON {t}" for t in SYNCED_TABLES]
    return drops + [
        "DROP FUNCTION IF EXISTS horus_sync_pull(xid8, bigint, text[], int)",
        "DROP FUNCTION IF EXISTS horus_sync_push(text, text, jsonb)",
        "DROP FUNCTION IF EXISTS horus_sync_apply_op(text, jsonb, text)",
        "DROP FUNCTION IF EXISTS horus_sync_row(text, text)",
        "DROP FUNCTION IF EXISTS horus_sync_capture()",
        "DROP FUNCTION IF EXISTS horus_sync_server_hlc()",
        "DROP FUNCTION IF EXISTS horus_sync_pk(text)",
        "DROP FUNCTION IF EXISTS horus_sync_project_of(text, jsonb)",
        "DROP TABLE IF EXISTS horus_sync_changes",
        "DROP TABLE IF EXISTS horus_sync_applied_ops",
    ]
