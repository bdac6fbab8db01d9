"""Values the app stamps itself merge between machines without a conflict (revision 0015).

Before 0015 the per-op apply compared every changed field but ``updated_at`` for conflicts. A person signed in
on two machines between syncs changed ``horus_users.last_login_at`` on both, so every sign-in after the first
was a conflict the user was asked to resolve (``horus sync`` exiting 1 with "N conflicts waiting"); and two
people changing different fields of one playlist both stamped ``horus_timelines.last_modified_by``, a conflict
on a field nobody typed while their real edits merged.

From 0015 the columns of ``sync_tables.STAMPED_COLUMNS`` are never a conflict; the server decides, in the
apply, which value stays:

- ``latest`` (a last login): the later time wins, compared as times, whatever the order the ops arrive in
  and whichever clock stamped them; an op whose time is not later leaves the server's value, and its answer
  is ``merged`` so the client takes the server's row back.
- ``follows`` (who last changed the row, stamped with each edit): the later clock wins, as it does for the
  edited field itself, without a conflict record.

Every op still carries and records its author; the stamps alone on a tombstoned row are not an edit racing
the delete. Every other field is compared as before: two people's edits of the same field stay a conflict.

An existing server's unresolved conflicts on these columns (a last login, one per sign-in) are settled by the
upgrade as the new rule would have decided them, so ``horus sync`` stops reporting them on every machine.
"""

from __future__ import annotations

from horus_desktop.store.sync_server_pull_sql import _replace
from horus_desktop.store.sync_tables import STAMPED_COLUMNS


def _array(kind: str) -> str:
    names = sorted(f"{t}.{c}" for (t, c), k in STAMPED_COLUMNS.items() if k == kind)
    return "ARRAY[" + ", ".join(f"'{n}'" for n in names) + "]::text[]"


def _apply(base: str) -> str:
    """0012's per-op apply with the stamped columns merged instead of compared."""
    text = _replace(base, "    n_conflicts int := 0; status text; proj text; cols text;\n",
                    "    n_conflicts int := 0; status text; proj text; cols text;\n"
                    f"    kept bool := false; latest text[] := {_array('latest')};\n"
                    f"    follows text[] := {_array('follows')}; stamps text[];\n")
    text = _replace(text, "        FOR k IN SELECT key FROM jsonb_each(newv) LOOP\n"
                          "            CONTINUE WHEN k = pk[1] OR (oldv -> k) IS NOT DISTINCT FROM (newv -> k);\n"
                          "            fv := coalesce(cur_fields -> k, cur_fields -> '*');\n"
                          "            IF k <> ALL(",
                    """        stamps := ARRAY(SELECT split_part(s, '.', 2) FROM unnest(latest || follows) s
                        WHERE split_part(s, '.', 1) = tbl);
        FOR k IN SELECT key FROM jsonb_each(newv) LOOP
            CONTINUE WHEN k = pk[1] OR (oldv -> k) IS NOT DISTINCT FROM (newv -> k);
            fv := coalesce(cur_fields -> k, cur_fields -> '*');
            IF (tbl || '.' || k) = ANY(latest) THEN
                -- A time the app stamps (a last login): the later time wins, never a conflict.
                IF jsonb_typeof(cur -> k) IS DISTINCT FROM 'null' AND (jsonb_typeof(newv -> k) = 'null'
                   OR (newv ->> k)::timestamptz <= (cur ->> k)::timestamptz) THEN
                    kept := kept OR (cur -> k) IS DISTINCT FROM (newv -> k);
                    CONTINUE;
                END IF;
            ELSIF (tbl || '.' || k) = ANY(follows) THEN
                -- Stamped with an edit (who last changed the row): the later clock wins, never a conflict.
                IF fv IS NOT NULL AND (fv->>'v')::bigint > base AND fv->>'c' IS DISTINCT FROM p_client
                   AND p_hlc <= fv->>'h' THEN
                    kept := kept OR (cur -> k) IS DISTINCT FROM (newv -> k);
                    CONTINUE;
                END IF;
            ELSIF k <> ALL(""")
    text = _replace(text, "NOT patch ? 'is_deleted' AND patch - 'updated_at' <> '{}' THEN",
                    "NOT patch ? 'is_deleted' AND (patch - 'updated_at') - stamps <> '{}' THEN")
    return _replace(text, "WHEN n_conflicts > 0 THEN 'conflict' WHEN base < cur_v THEN 'merged' ELSE",
                    "WHEN n_conflicts > 0 THEN 'conflict' WHEN base < cur_v OR kept THEN 'merged' ELSE")


def _apply_0012() -> str:
    from horus_desktop.store.sync_server_made_sql import _apply as apply_0012
    from horus_desktop.store.sync_server_made_sql import _apply_0007

    return apply_0012(_apply_0007())


def _settle() -> list[str]:
    """Conflicts on stamped columns recorded before 0015, settled as 0015 decides: a ``latest`` column's row
    takes the latest time any of them saw (the later clock may have kept the earlier time), then each is
    marked resolved, keeping the value that won (``resolution`` says which side), by the login that runs the
    upgrade. Through the capture trigger, as any change on the server: the clients pull both."""
    from horus_desktop.store.sync_tables import SYNCED_TABLES

    out = []
    for (table, column), kind in sorted(STAMPED_COLUMNS.items()):
        if kind == "latest":
            pk = SYNCED_TABLES[table][0]
            out.append(f"""
UPDATE {table} x SET {column} = m.t FROM (
    SELECT c.row_id, max(greatest((c.incoming_value #>> '{{}}')::timestamptz,
                                  (c.existing_value #>> '{{}}')::timestamptz)) AS t
    FROM horus_sync_conflicts c
    WHERE c.table_name = '{table}' AND c.field = '{column}' AND c.resolved IS NOT TRUE GROUP BY c.row_id) m
WHERE x.{pk}::text = m.row_id AND m.t IS NOT NULL AND (x.{column} IS NULL OR x.{column} < m.t)""")
        out.append(f"""
UPDATE horus_sync_conflicts SET resolved = true, resolution = winner, resolved_by = session_user
WHERE table_name = '{table}' AND field = '{column}' AND resolved IS NOT TRUE""")
    return out


def stamped_columns_ddl() -> list[str]:
    """The statements of revision 0015 (PostgreSQL only): the per-op apply, replaced; conflicts on stamped
    columns recorded before, settled."""
    return [_apply(_apply_0012()), *_settle()]


def stamped_columns_drop_ddl() -> list[str]:
    """Back to 0012's per-op apply (the conflicts 0015 settled stay resolved)."""
    return [_apply_0012()]
