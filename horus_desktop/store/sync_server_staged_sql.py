"""Typed push of new rows (revision 0013): a run of inserts arrives by ``COPY`` into a staging table.

Up to 0012 every op of a page reached the server inside one ``jsonb`` argument: the server parsed the whole
page into a jsonb tree (about a quarter of a 2,000-note page's server CPU) and then turned each row back into
typed values with ``jsonb_populate_record`` (another fifth). From 0013 a client sends a run of new rows of
one table (two or more consecutive inserts: a batch of notes, tags, media) as typed rows: it asks
``horus_sync_stage(table)`` for its session's staging table (a temporary table shaped like the table, with
each op's order, id, row id, clock, author and base in front; emptied at commit), fills it with
``COPY ... FROM STDIN``, and calls ``horus_sync_push_staged(client, schema, table)`` in the same transaction.
Every other op (updates, deletes, single inserts) goes through ``horus_sync_push`` as before, in the same
transaction, so a page is still applied at once or not at all.

``horus_sync_push_staged`` does what the set-based insert of 0012 does, from the staging rows: one
``INSERT ... SELECT`` of the rows (capture trigger quiet), the change log entries with who made each row,
when and from where (under the stamping lock), the applied-op answers, notifications. A run it cannot take
whole (an op already applied, a row already on the server, a row made again after a delete, an unsigned op,
any error) is rolled back to before it and handed to ``horus_sync_push`` as the jsonb ops it stands for
(the staged row as ``to_jsonb``), which answers it op by op exactly as before. The server still decides
everything: the staging table is only another way to carry the same ops.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE

#: Staging columns in front of the table's own: one op each (never a column of a synced table).
STAGE_OP_COLUMNS = ("horus_op_ord", "horus_op_id", "horus_op_row", "horus_op_hlc", "horus_op_author",
                    "horus_op_base")

_STAGE = r"""
CREATE OR REPLACE FUNCTION horus_sync_stage(p_tbl text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE stage text := 'horus_sync_stage_' || p_tbl;
BEGIN
    -- The session's staging table for p_tbl, empty: made on first use, emptied at each commit.
    PERFORM horus_sync_pk(p_tbl);  -- synced tables only
    IF to_regclass(format('pg_temp.%I', stage)) IS NULL THEN
        EXECUTE format('CREATE TEMPORARY TABLE %I (horus_op_ord int NOT NULL, horus_op_id uuid NOT NULL, '
                       'horus_op_row text NOT NULL, horus_op_hlc text, horus_op_author text, horus_op_base bigint, '
                       'LIKE %I) ON COMMIT DELETE ROWS', stage, p_tbl);
    ELSE
        EXECUTE format('DELETE FROM pg_temp.%I', stage);  -- a run staged earlier in this transaction
    END IF;
    RETURN stage;
END $$;
"""

_ANSWER = """'{"status": "applied", "version": 1, "conflicts": 0}'::jsonb"""

_PUSH_STAGED = r"""
CREATE OR REPLACE FUNCTION horus_sync_push_staged(p_client text, p_schema text, p_tbl text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    stage text := 'horus_sync_stage_' || p_tbl; server_schema text; limit_hlc text; n int; taken int;
    unsigned bool; recorded bool; cols text; owner text[]; results jsonb; projects text[]; proj text; ops jsonb;
BEGIN
    SELECT version_num INTO server_schema FROM alembic_version;
    IF server_schema IS DISTINCT FROM p_schema THEN
        RAISE EXCEPTION 'the server''s schema is %%, this client''s is %%', server_schema, p_schema
            USING ERRCODE = '%(sqlstate)s';
    END IF;
    IF to_regclass(format('pg_temp.%%I', stage)) IS NULL THEN
        RAISE EXCEPTION 'no rows staged for %%: call horus_sync_stage first', p_tbl;
    END IF;
    limit_hlc := lpad((floor(extract(epoch FROM clock_timestamp()) * 1000) + 60000)::bigint::text, 15, '0');
    -- Only signed runs of rows never made before (a row made again after a delete has a version record to
    -- bump): anything else, and a run that breaks a unique key below, is answered op by op.
    EXECUTE format('SELECT count(*), bool_or(coalesce(s.horus_op_author, '''') = ''''), bool_or(v.row_id IS NOT NULL) '
                   'FROM pg_temp.%%I s LEFT JOIN horus_sync_row_versions v '
                   'ON v.row_id = s.horus_op_row AND v.table_name = $1', stage)
        INTO n, unsigned, recorded USING p_tbl;
    IF n = 0 THEN
        RETURN '[]'::jsonb;
    END IF;
    IF NOT unsigned AND NOT recorded THEN
        BEGIN
            PERFORM set_config('horus.bulk', p_tbl, true);  -- this statement does the capture's work itself
            -- One lock per database, held to commit, as the capture trigger takes it: sequence order is commit order.
            PERFORM pg_advisory_xact_lock(7472657375);
            SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols FROM pg_attribute a
                WHERE a.attrelid = p_tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped;
            -- Only these columns say which project a row is of (horus_sync_project_of); NULL where absent.
            owner := ARRAY(SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = p_tbl::regclass
                                                    AND a.attname = k AND NOT a.attisdropped)
                                       THEN format('s.%%I::text', k) ELSE 'NULL::text' END
                           FROM unnest(ARRAY['project_id', 'media_id', 'comment_id', 'timeline_id']) WITH ORDINALITY u(k, i)
                           ORDER BY i);
            EXECUTE format($q$
                WITH ins AS (
                    INSERT INTO %%1$I (%%3$s) SELECT %%3$s FROM pg_temp.%%2$I ORDER BY horus_op_ord
                    RETURNING 1
                ), k AS MATERIALIZED (
                    SELECT s.horus_op_ord AS ord, s.horus_op_row AS rid, s.horus_op_author AS who,
                           CASE WHEN s.horus_op_hlc IS NULL OR s.horus_op_hlc !~ '^[0-9]{15}[.][0-9]{5}[.]'
                                    THEN horus_sync_server_hlc()
                                WHEN left(s.horus_op_hlc, 15) > $1 THEN $1 || substr(s.horus_op_hlc, 16)
                                ELSE s.horus_op_hlc END AS hlc,
                           %%4$s AS p1, %%5$s AS p2, %%6$s AS p3, %%7$s AS p4
                    FROM pg_temp.%%2$I s
                ), keyed AS MATERIALIZED (
                    SELECT k.*, concat_ws(',', quote_nullable(k.p1), quote_nullable(k.p2), quote_nullable(k.p3),
                                          quote_nullable(k.p4)) AS owner
                    FROM k
                ), owners AS MATERIALIZED (
                    SELECT d.owner, horus_sync_project_of(%%1$L, jsonb_build_object('project_id', d.p1,
                               'media_id', d.p2, 'comment_id', d.p3, 'timeline_id', d.p4)) AS proj
                    FROM (SELECT DISTINCT ON (keyed.owner) keyed.owner, keyed.p1, keyed.p2, keyed.p3, keyed.p4
                          FROM keyed) d
                ), logged AS (
                    INSERT INTO horus_sync_changes (table_name, row_id, project_id, kind, hlc, client_id, author)
                    SELECT %%1$L, keyed.rid, w.proj, 'insert', keyed.hlc, $2, keyed.who
                    FROM keyed JOIN owners w ON w.owner = keyed.owner
                    ORDER BY keyed.ord
                ), applied AS (
                    INSERT INTO horus_sync_applied_ops (op_id, client_id, result, author)
                    SELECT s.horus_op_id, $2, %(answer)s, s.horus_op_author FROM pg_temp.%%2$I s
                )
                SELECT (SELECT count(*) FROM ins), (SELECT array_agg(DISTINCT w.proj) FROM owners w)$q$,
                p_tbl, stage, cols, owner[1], owner[2], owner[3], owner[4])
                INTO taken, projects USING limit_hlc, p_client;
            IF taken <> n THEN
                RAISE EXCEPTION 'staged insert took %% of %% ops', taken, n;  -- undone below: op by op instead
            END IF;
            -- Every op of the run made a new row at version 1: one constant answer each, in the run's order.
            results := (SELECT jsonb_agg(%(answer)s) FROM generate_series(1, n));
            PERFORM set_config('horus.bulk', '', true);
        EXCEPTION WHEN OTHERS THEN
            results := NULL; projects := NULL;  -- everything above is rolled back; answered op by op below
        END;
    END IF;
    IF results IS NULL THEN
        -- The staged rows as the jsonb ops they stand for, answered by the push of 0012 (retries from the
        -- applied-op table, merges, refusals with their reason).
        EXECUTE format('SELECT jsonb_agg(jsonb_build_object(''op_id'', s.horus_op_id, ''table'', $1, '
                       '''row_id'', s.horus_op_row, ''kind'', ''insert'', ''old'', NULL::jsonb, '
                       '''new'', to_jsonb(s) - $2, ''base'', s.horus_op_base, ''hlc'', s.horus_op_hlc, '
                       '''author'', s.horus_op_author) ORDER BY s.horus_op_ord) FROM pg_temp.%%I s', stage)
            INTO ops USING p_tbl, ARRAY[%(op_columns)s];
        RETURN horus_sync_push(p_client, p_schema, ops);
    END IF;
    FOR proj IN SELECT DISTINCT p FROM unnest(projects) p WHERE p IS NOT NULL LOOP
        PERFORM pg_notify('horus_sync', proj);  -- delivered at commit: a hint to pull, never the data
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM unnest(projects) p WHERE p IS NOT NULL) THEN
        PERFORM pg_notify('horus_sync', '');
    END IF;
    PERFORM horus_sync_prune_applied_ops();  -- cheap when nothing is due (an index range)
    RETURN results;
END $$;
"""


def staged_push_ddl() -> list[str]:
    """The statements of revision 0013 (PostgreSQL only)."""
    params = {"sqlstate": SCHEMA_MISMATCH_SQLSTATE, "answer": _ANSWER,
              "op_columns": ", ".join(f"'{c}'" for c in STAGE_OP_COLUMNS)}
    return [_STAGE, _PUSH_STAGED % params]


def staged_push_drop_ddl() -> list[str]:
    """Back to revision 0012 (clients push every op as jsonb)."""
    return ["DROP FUNCTION IF EXISTS horus_sync_push_staged(text, text, text)",
            "DROP FUNCTION IF EXISTS horus_sync_stage(text)"]
