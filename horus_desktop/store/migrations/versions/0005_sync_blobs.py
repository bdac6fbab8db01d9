"""Sync of attachment bytes: content-addressed blobs in chunks on the PostgreSQL server.

``horus_sync_blobs`` holds one row per file, keyed by its SHA-256; ``horus_sync_blob_chunks`` holds its bytes in
chunks (4 MiB by default), each written in its own transaction so an upload cut short resumes where it
stopped. The server checks each chunk against the digest the client sends, and the whole file against its
SHA-256 before marking it complete (files up to 256 MiB; larger ones are checked by every client that fetches
them). SQLite clients get nothing here: their copies are plain files in the store's attachments folder.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DDL = [
    """
    CREATE TABLE horus_sync_blobs (
        sha256 text PRIMARY KEY CONSTRAINT ck_horus_sync_blobs_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CONSTRAINT ck_horus_sync_blobs_size CHECK (size >= 0),
        chunk_size integer NOT NULL CONSTRAINT ck_horus_sync_blobs_chunk_size CHECK (chunk_size > 0),
        complete boolean NOT NULL DEFAULT false,
        created_by text NOT NULL DEFAULT current_user,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
    )""",
    """
    CREATE TABLE horus_sync_blob_chunks (
        sha256 text NOT NULL REFERENCES horus_sync_blobs (sha256) ON DELETE CASCADE,
        idx integer NOT NULL CONSTRAINT ck_horus_sync_blob_chunks_idx CHECK (idx >= 0),
        data bytea NOT NULL,
        CONSTRAINT pk_horus_sync_blob_chunks PRIMARY KEY (sha256, idx)
    )""",
    # Attachments are mostly compressed already (JPEG, PNG, MP4, PDF): spare the server a second compression.
    "ALTER TABLE horus_sync_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL",
    """
    CREATE FUNCTION horus_blob_chunk_count(p_size bigint, p_chunk integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT greatest(1, ((p_size + p_chunk - 1) / p_chunk)::integer) $$""",
    """
    CREATE FUNCTION horus_blob_begin(p_sha text, p_size bigint, p_chunk integer) RETURNS integer[]
    LANGUAGE plpgsql AS $$
    DECLARE b horus_sync_blobs;
    BEGIN
        INSERT INTO horus_sync_blobs (sha256, size, chunk_size) VALUES (p_sha, p_size, p_chunk)
        ON CONFLICT (sha256) DO NOTHING;
        SELECT * INTO b FROM horus_sync_blobs WHERE sha256 = p_sha;
        IF b.size <> p_size OR b.chunk_size <> p_chunk THEN
            RAISE EXCEPTION 'blob %: begun as % bytes in % byte chunks, now % in %',
                p_sha, b.size, b.chunk_size, p_size, p_chunk USING ERRCODE = 'data_exception';
        END IF;
        RETURN coalesce((SELECT array_agg(idx ORDER BY idx) FROM horus_sync_blob_chunks WHERE sha256 = p_sha),
                        '{}'::integer[]);
    END $$""",
    """
    CREATE FUNCTION horus_blob_put(p_sha text, p_idx integer, p_data bytea, p_chunk_sha text) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE b horus_sync_blobs; n integer; expected bigint;
    BEGIN
        SELECT * INTO b FROM horus_sync_blobs WHERE sha256 = p_sha;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'blob %: not begun', p_sha USING ERRCODE = 'data_exception';
        END IF;
        n := horus_blob_chunk_count(b.size, b.chunk_size);
        expected := CASE WHEN p_idx < n - 1 THEN b.chunk_size ELSE b.size - b.chunk_size::bigint * (n - 1) END;
        IF p_idx >= n OR length(p_data) <> expected THEN
            RAISE EXCEPTION 'blob %: chunk % of % has % bytes, expected %', p_sha, p_idx, n, length(p_data), expected
                USING ERRCODE = 'data_exception';
        END IF;
        IF encode(sha256(p_data), 'hex') <> p_chunk_sha THEN
            RAISE EXCEPTION 'blob %: chunk % arrived damaged', p_sha, p_idx USING ERRCODE = 'data_exception';
        END IF;
        INSERT INTO horus_sync_blob_chunks (sha256, idx, data) VALUES (p_sha, p_idx, p_data)
        ON CONFLICT (sha256, idx) DO NOTHING;
    END $$""",
    """
    CREATE FUNCTION horus_blob_finish(p_sha text) RETURNS boolean
    LANGUAGE plpgsql AS $$
    DECLARE b horus_sync_blobs; n integer; have integer; whole bytea;
    BEGIN
        SELECT * INTO b FROM horus_sync_blobs WHERE sha256 = p_sha FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'blob %: not begun', p_sha USING ERRCODE = 'data_exception';
        END IF;
        IF b.complete THEN RETURN true; END IF;
        n := horus_blob_chunk_count(b.size, b.chunk_size);
        SELECT count(*) INTO have FROM horus_sync_blob_chunks WHERE sha256 = p_sha;
        IF have < n THEN RETURN false; END IF;
        IF b.size <= 268435456 THEN
            SELECT coalesce(string_agg(data, ''::bytea ORDER BY idx), ''::bytea) INTO whole
            FROM horus_sync_blob_chunks WHERE sha256 = p_sha;
            IF encode(sha256(whole), 'hex') <> p_sha THEN
                DELETE FROM horus_sync_blob_chunks WHERE sha256 = p_sha;
                RAISE EXCEPTION 'blob %: the chunks do not make the file of that SHA-256', p_sha
                    USING ERRCODE = 'data_exception';
            END IF;
        END IF;
        UPDATE horus_sync_blobs SET complete = true, completed_at = now() WHERE sha256 = p_sha;
        RETURN true;
    END $$""",
]

_DROP = [
    "DROP FUNCTION IF EXISTS horus_blob_finish(text)",
    "DROP FUNCTION IF EXISTS horus_blob_put(text, integer, bytea, text)",
    "DROP FUNCTION IF EXISTS horus_blob_begin(text, bigint, integer)",
    "DROP FUNCTION IF EXISTS horus_blob_chunk_count(bigint, integer)",
    "DROP TABLE IF EXISTS horus_sync_blob_chunks",
    "DROP TABLE IF EXISTS horus_sync_blobs",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _DROP:
        op.execute(statement)
