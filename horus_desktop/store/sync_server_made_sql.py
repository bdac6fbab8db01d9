"""No version record for a row a push makes new (revision 0012): its change log entry says who made it.

Before 0012 the set-based push (revisions 0006-0011) wrote, for every new row, a record in
``horus_sync_row_versions`` (version 1, one ``*`` record with the op's client, clock and author), and each
page's statement also built a join of every op with its inserted row, its owner and its version record: about
a sixth of a 2,000-note page's server CPU went to the version records and another tenth to that plumbing.

From 0012 a row the set-based push makes new has no version record. Its change log entry
(``horus_sync_changes``) carries the op's clock, client and author (columns ``hlc``, ``client_id``,
``author``, filled by the set-based push only, with a partial index on ``(table_name, row_id)``), and
``horus_sync_version_of(table, row_id)`` reads a row's version and records: the version record when there is
one, else version 1 with the ``*`` record of the entry that made the row. Every reader goes through it (the
per-op apply and its conflict check, the client's refresh of rows the server holds differently), the pull
takes the clock of the entry it sends, and the capture trigger writes the record the first time such a row
changes (version 2 on top of the made record), so answers, conflicts, clocks and authors are those of 0011.
A run that makes again a row that has a version record (a reaction or tag removed and added again) goes
through 0011's statement, which bumps it.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_pull_sql import _replace
from horus_desktop.store.sync_server_records_sql import _apply_params

_CHANGES = """
ALTER TABLE horus_sync_changes ADD COLUMN hlc text, ADD COLUMN client_id text, ADD COLUMN author text;
CREATE INDEX ix_horus_sync_changes_made ON horus_sync_changes (table_name, row_id) WHERE hlc IS NOT NULL;
-- The set-based push asks, for each row of a run, whether it has a version record: a hash probe is a few
-- times cheaper than the primary key's (a B-tree of two collated strings), and only the slow paths write it.
CREATE INDEX ix_horus_sync_row_versions_row ON horus_sync_row_versions USING hash (row_id);
"""

_VERSION_OF = r"""
CREATE OR REPLACE FUNCTION horus_sync_version_of(p_tbl text, p_rid text, OUT row_version bigint, OUT fields jsonb)
LANGUAGE sql STABLE AS $$
    -- A row's version record; for a row a set-based push made and nothing changed since, version 1 with the
    -- one record of the change log entry that made it (the latest such entry: a row made again after a
    -- delete has a version record, which comes first).
    SELECT v.row_version, v.fields FROM horus_sync_row_versions v WHERE v.table_name = p_tbl AND v.row_id = p_rid
    UNION ALL
    (SELECT 1::bigint, jsonb_build_object('*', jsonb_build_object('c', c.client_id, 'h', c.hlc, 'a', c.author,
                                                                 'v', 1))
     FROM horus_sync_changes c
     WHERE c.table_name = p_tbl AND c.row_id = p_rid AND c.hlc IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM horus_sync_row_versions v WHERE v.table_name = p_tbl AND v.row_id = p_rid)
     ORDER BY c.seq DESC LIMIT 1)
    LIMIT 1
$$;
"""

#: 0011's set-based insert under another name: the way of a run that makes again a row with a version record.
_RECORDED_NAME = "horus_sync_push_inserts_recorded"

_ANSWER = """'{"status": "applied", "version": 1, "conflicts": 0}'::jsonb"""

_BULK = r"""
CREATE OR REPLACE FUNCTION horus_sync_push_inserts(p_client text, p_tbl text, p_ops jsonb, p_limit_hlc text,
                                                   OUT results jsonb, OUT projects text[])
LANGUAGE plpgsql AS $$
DECLARE n int := jsonb_array_length(p_ops); taken int; unsigned bool; recorded bool;
BEGIN
    -- Only signed runs. One that is not all new (a row already on the server, an op already applied, the
    -- same row or op twice) breaks a unique key below and is rolled back: the per-op path answers it.
    -- A row made again after a delete has a version record to bump: 0011's statement, which writes records.
    SELECT bool_or(coalesce(e->>'author', '') = ''), bool_or(v.row_id IS NOT NULL) INTO unsigned, recorded
    FROM jsonb_array_elements(p_ops) e
    LEFT JOIN horus_sync_row_versions v ON v.row_id = e->>'row_id' AND v.table_name = p_tbl;
    IF unsigned THEN
        RETURN;
    ELSIF recorded THEN
        SELECT b.results, b.projects INTO results, projects
        FROM %(recorded)s(p_client, p_tbl, p_ops, p_limit_hlc) b;
        RETURN;
    END IF;
    BEGIN
        PERFORM set_config('horus.bulk', p_tbl, true);  -- this statement does the capture's work itself
        -- One lock per database, held to commit, as the capture trigger takes it: sequence order is commit order.
        PERFORM pg_advisory_xact_lock(7472657375);
        -- Each op's fields are read once; the rows, the change log (with who made each row, when, from
        -- where: its version record until it changes) and the answers are written from that one reading.
        EXECUTE format($q$
            WITH o AS MATERIALIZED (
                SELECT e.ord, e.op->>'op_id' AS op_id, e.op->>'row_id' AS rid, e.op->>'author' AS who,
                       coalesce(e.op->'new', '{}') AS new,
                       CASE WHEN e.op->>'hlc' IS NULL OR e.op->>'hlc' !~ '^[0-9]{15}[.][0-9]{5}[.]'
                                THEN horus_sync_server_hlc()
                            WHEN left(e.op->>'hlc', 15) > $2 THEN $2 || substr(e.op->>'hlc', 16)
                            ELSE e.op->>'hlc' END AS hlc
                FROM jsonb_array_elements($1) WITH ORDINALITY AS e(op, ord)
            ), k AS MATERIALIZED (
                -- only these keys say which project a row is of (horus_sync_project_of)
                SELECT o.ord, o.rid, o.hlc, o.who, o.new->>'project_id' AS p1, o.new->>'media_id' AS p2,
                       o.new->>'comment_id' AS p3, o.new->>'timeline_id' AS p4,
                       concat_ws(',', quote_nullable(o.new->>'project_id'), quote_nullable(o.new->>'media_id'),
                                 quote_nullable(o.new->>'comment_id'), quote_nullable(o.new->>'timeline_id')) AS owner
                FROM o
            ), ins AS (
                INSERT INTO %1$I SELECT r.* FROM o
                    CROSS JOIN LATERAL jsonb_populate_record(NULL::%1$I, o.new) r
                    ORDER BY o.ord
                RETURNING 1
            ), owners AS MATERIALIZED (
                SELECT d.owner, horus_sync_project_of(%1$L, jsonb_build_object('project_id', d.p1,
                           'media_id', d.p2, 'comment_id', d.p3, 'timeline_id', d.p4)) AS proj
                FROM (SELECT DISTINCT ON (k.owner) k.owner, k.p1, k.p2, k.p3, k.p4 FROM k) d
            ), logged AS (
                INSERT INTO horus_sync_changes (table_name, row_id, project_id, kind, hlc, client_id, author)
                SELECT %1$L, k.rid, w.proj, 'insert', k.hlc, $3, k.who FROM k JOIN owners w ON w.owner = k.owner
                ORDER BY k.ord
            ), applied AS (
                INSERT INTO horus_sync_applied_ops (op_id, client_id, result, author)
                SELECT o.op_id::uuid, $3, %(answer)s, o.who FROM o
            )
            SELECT (SELECT count(*) FROM ins), (SELECT array_agg(DISTINCT w.proj) FROM owners w)$q$, p_tbl)
            INTO taken, projects USING p_ops, p_limit_hlc, p_client;
        IF taken <> n THEN
            RAISE EXCEPTION 'set-based insert took % of % ops', taken, n;  -- undone below: per op instead
        END IF;
        -- Every op of the run made a new row at version 1: one constant answer each, in the page's order.
        results := (SELECT jsonb_agg(%(answer)s) FROM generate_series(1, n));
        PERFORM set_config('horus.bulk', '', true);
    EXCEPTION WHEN OTHERS THEN
        results := NULL; projects := NULL;  -- everything above is rolled back; the caller goes op by op
    END;
END $$;
"""


def _bulk() -> str:
    return _BULK.replace("%(recorded)s", _RECORDED_NAME).replace("%(answer)s", _ANSWER)


def _recorded_0011() -> str:
    from horus_desktop.store.sync_server_versions_sql import plain_versions_ddl

    (bulk,) = plain_versions_ddl()
    return _replace(bulk, "FUNCTION horus_sync_push_inserts(", f"FUNCTION {_RECORDED_NAME}(")


def _capture_0007() -> str:
    from horus_desktop.store.sync_server_push_sql import capture_function
    from horus_desktop.store.sync_server_records_sql import _capture
    from horus_desktop.store.sync_server_sql import _CAPTURE

    return _capture(capture_function(_CAPTURE))


def _capture(base: str) -> str:
    """The capture trigger, writing first the made record of a row that has none when it changes."""
    return _replace(base, "    INSERT INTO horus_sync_row_versions AS v (table_name, row_id, row_version, fields)\n",
                    """    IF TG_OP <> 'INSERT' THEN  -- a row made by a set-based push: its record first, then the bump
        INSERT INTO horus_sync_row_versions (table_name, row_id, row_version, fields)
            SELECT TG_TABLE_NAME, rid, m.row_version, m.fields FROM horus_sync_version_of(TG_TABLE_NAME, rid) m
        ON CONFLICT (table_name, row_id) DO NOTHING;
    END IF;
    INSERT INTO horus_sync_row_versions AS v (table_name, row_id, row_version, fields)
""")


def _apply_0007() -> str:
    from horus_desktop.store.sync_server_records_sql import _apply
    from horus_desktop.store.sync_server_sql import _APPLY

    return _apply(_APPLY % _apply_params())


def _apply(base: str) -> str:
    """The per-op apply, reading versions and records through ``horus_sync_version_of``."""
    text = _replace(base, """    SELECT row_version, fields INTO cur_v, cur_fields FROM horus_sync_row_versions
        WHERE table_name = tbl AND row_id = rid;""",
                    """    SELECT m.row_version, m.fields INTO cur_v, cur_fields FROM horus_sync_version_of(tbl, rid) m;""")
    return _replace(text, """    SELECT row_version INTO cur_v FROM horus_sync_row_versions WHERE table_name = tbl AND row_id = rid;""",
                    """    SELECT m.row_version INTO cur_v FROM horus_sync_version_of(tbl, rid) m;""")


def _pull_0009() -> str:
    from horus_desktop.store.sync_server_pull_sql import _pull
    from horus_desktop.store.sync_server_push_sql import _PULL

    return _pull(_PULL)


def _pull(base: str) -> str:
    """The pull of 0009: a row with no version record is at version 1, with the clock its change log entry
    kept (a row that changed after it was made has a version record)."""
    text = _replace(base, "'SELECT c.xid, c.seq, c.table_name, c.row_id, c.kind FROM horus_sync_changes c '",
                    "'SELECT c.xid, c.seq, c.table_name, c.row_id, c.kind, c.hlc FROM horus_sync_changes c '")
    text = _replace(text, "'SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, row_to_json(x), v.row_version, '",
                    "'SELECT p.xid, p.seq, p.table_name, p.row_id, p.kind, row_to_json(x), "
                    "CASE WHEN v.row_version IS NOT NULL THEN v.row_version WHEN NOT (x IS NULL) AND p.hlc IS NOT NULL "
                    "THEN 1 END, '")
    return _replace(text, "'CASE WHEN v.row_version = 1 AND v.fields ? ''*'' THEN v.fields->''*''->>''h'' '",
                    "'CASE WHEN v.row_version IS NULL THEN p.hlc '  -- made by a set-based push, not changed since\n"
                    "            'WHEN v.row_version = 1 AND v.fields ? ''*'' THEN v.fields->''*''->>''h'' '")


_PULL_SIGNATURE = "horus_sync_pull(xid8, bigint, text[], int)"


def made_records_ddl() -> list[str]:
    """The statements of revision 0012 (PostgreSQL only)."""
    return [_CHANGES, _VERSION_OF, _recorded_0011(), _bulk(), _capture(_capture_0007()), _apply(_apply_0007()),
            _pull(_pull_0009())]


#: Back to 0011: every row without a version record gets the one its change log entry kept.
_MATERIALIZE = """
INSERT INTO horus_sync_row_versions (table_name, row_id, row_version, fields)
SELECT DISTINCT ON (c.table_name, c.row_id) c.table_name, c.row_id, 1,
       jsonb_build_object('*', jsonb_build_object('c', c.client_id, 'h', c.hlc, 'a', c.author, 'v', 1))
FROM horus_sync_changes c WHERE c.hlc IS NOT NULL
ORDER BY c.table_name, c.row_id, c.seq DESC
ON CONFLICT (table_name, row_id) DO NOTHING
"""


def made_records_drop_ddl() -> list[str]:
    """Back to revision 0011's functions, every row given its version record."""
    from horus_desktop.store.sync_server_versions_sql import plain_versions_ddl

    return [_MATERIALIZE, *plain_versions_ddl(), _capture_0007(), _apply_0007(), _pull_0009(),
            f"DROP FUNCTION IF EXISTS {_RECORDED_NAME}(text, text, jsonb, text)",
            "DROP FUNCTION IF EXISTS horus_sync_version_of(text, text)",
            "DROP INDEX IF EXISTS ix_horus_sync_changes_made", "DROP INDEX IF EXISTS ix_horus_sync_row_versions_row",
            "ALTER TABLE horus_sync_changes DROP COLUMN hlc, DROP COLUMN client_id, DROP COLUMN author"]
