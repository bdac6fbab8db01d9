"""Attachment bytes between this machine and the sync server: content-addressed, chunked, resumable, verified.

A note's attachment is kept on disk under its content's SHA-256 (``<files>/attachments/<sha256><.ext>``, see
``services/attachments.py``); its row syncs like any other, and its bytes travel here. On the server they are
``horus_sync_blobs`` + ``horus_sync_blob_chunks`` (revision 0005): :func:`push_missing_blobs` uploads every
local file the server does not hold yet, 4 MiB per chunk, each chunk its own transaction (an upload cut short
resumes at the first missing chunk); :func:`fetch_blob` brings one down and keeps it only when its SHA-256 is
the one asked for. The sync client calls :func:`push_missing_blobs` before pushing ops, so an attachment row
never reaches the server before its bytes.

Thumbnails are not synced: each machine makes them from its own copy of the media.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from horus_desktop.sync.errors import SyncError

if TYPE_CHECKING:  # psycopg loads when a server is talked to, not with every note panel
    import psycopg

log = logging.getLogger(__name__)

CHUNK_SIZE = 4 * 1024 * 1024
_BLOB_NAME = re.compile(r"^([0-9a-f]{64})(\.[a-z0-9.]{0,16})?$")

Progress = Callable[[int], None]


class BlobError(SyncError):
    """An attachment's bytes could not be moved or were not the right ones; the message names the file."""


def attachments_folder(store: Any) -> Path:
    """Where a store keeps its attachment files (named by their SHA-256)."""
    return Path(store.files_dir) / "attachments"


def blob_sha(file_path: str) -> str | None:
    """The SHA-256 an attachment's stored name carries (``.../<sha256>.png``), or None for another name."""
    match = _BLOB_NAME.match(Path(file_path.replace("\\", "/")).name)
    return match.group(1) if match else None


def local_blobs(folder: Path) -> dict[str, Path]:
    """The content-addressed files in an attachments folder, by SHA-256 (temporary files left out)."""
    found: dict[str, Path] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return found
    for entry in entries:
        match = _BLOB_NAME.match(entry.name)
        if match and entry.is_file(follow_symlinks=False):
            found[match.group(1)] = Path(entry.path)
    return found


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def _commit(conn: psycopg.Connection[Any]) -> None:
    if not conn.autocommit:  # each chunk is kept by itself: that is what makes an upload resumable
        conn.commit()


def upload_blob(conn: psycopg.Connection[Any], sha256: str, path: Path, *, chunk_size: int = CHUNK_SIZE,
                progress: Progress | None = None) -> bool:
    """Send the chunks of ``path`` the server lacks, then ask it to check the whole; True once it is complete."""
    size = path.stat().st_size
    have = set(conn.execute("SELECT horus_blob_begin(%s, %s, %s)", (sha256, size, chunk_size)).fetchone()[0])
    _commit(conn)
    count = max(1, -(-size // chunk_size))
    with open(path, "rb") as handle:
        for idx in range(count):
            if idx in have:
                continue
            handle.seek(idx * chunk_size)
            data = handle.read(chunk_size)
            conn.execute("SELECT horus_blob_put(%s, %s, %s, %s)",
                         (sha256, idx, data, hashlib.sha256(data).hexdigest()))
            _commit(conn)
            if progress is not None:
                progress(len(data))
    done = bool(conn.execute("SELECT horus_blob_finish(%s)", (sha256,)).fetchone()[0])
    _commit(conn)
    return done


def push_missing_blobs(store: Any, conn: psycopg.Connection[Any], *, progress: Progress | None = None) -> int:
    """Upload every attachment file of ``store`` the server does not hold complete; returns how many were sent.

    A local file whose bytes no longer match its name (damaged on disk) is skipped with a warning rather than
    stopping the round: its note still syncs, and other machines say the attachment cannot be fetched."""
    local = local_blobs(attachments_folder(store))
    if not local:
        return 0
    rows = conn.execute("SELECT sha256 FROM horus_sync_blobs WHERE complete AND sha256 = ANY(%s)",
                        (list(local),)).fetchall()
    _commit(conn)
    missing = sorted(set(local) - {r[0] for r in rows})
    sent = 0
    for sha in missing:
        path = local[sha]
        if _sha256_file(path) != sha:
            log.warning("attachment %s: its bytes do not match its SHA-256; not sent", path)
            continue
        if upload_blob(conn, sha, path, progress=progress):
            sent += 1
    return sent


def fetch_blob(conn: psycopg.Connection[Any], sha256: str, dest: Path, *, progress: Progress | None = None) -> Path:
    """Write the blob ``sha256`` to ``dest`` (through a partial file, resumed chunk-wise), verified; returns ``dest``.

    BlobError when the server does not hold it complete, or when the bytes are not the ones of that SHA-256
    (nothing is kept then)."""
    row = conn.execute("SELECT size, chunk_size, complete FROM horus_sync_blobs WHERE sha256 = %s",
                       (sha256,)).fetchone()
    _commit(conn)
    if row is None or not row[2]:
        raise BlobError(f"attachment {sha256[:12]}…: the server does not hold it (its maker has not synced yet)")
    size, chunk_size = int(row[0]), int(row[1])
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.horus-partial")
    digest = hashlib.sha256()
    count = max(1, -(-size // chunk_size))
    start = 0
    if partial.exists():  # whole chunks already here are kept; the last one is always fetched again
        start = min(partial.stat().st_size // chunk_size, count - 1) * chunk_size
        with open(partial, "rb") as handle:  # resume: the whole chunks already here are hashed, not fetched
            remaining = start
            while remaining and (block := handle.read(min(CHUNK_SIZE, remaining))):
                digest.update(block)
                remaining -= len(block)
    with open(partial, "r+b" if start else "wb") as out:
        out.seek(start)
        out.truncate()
        for idx in range(start // chunk_size, count):
            found = conn.execute("SELECT data FROM horus_sync_blob_chunks WHERE sha256 = %s AND idx = %s",
                                 (sha256, idx)).fetchone()
            _commit(conn)
            if found is None:
                raise BlobError(f"attachment {sha256[:12]}…: chunk {idx} is missing on the server")
            data = bytes(found[0])
            digest.update(data)
            out.write(data)
            if progress is not None:
                progress(len(data))
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != sha256:
        partial.unlink(missing_ok=True)
        raise BlobError(f"attachment {sha256[:12]}…: the bytes fetched do not match its SHA-256; nothing kept")
    os.replace(partial, dest)
    return dest


def server_attachments(conn: psycopg.Connection[Any], projects: Iterable[str] = ()) -> dict[str, str]:
    """SHA-256 -> file extension of the server's attachments on live notes of ``projects`` (all when empty)."""
    wanted = list(projects)
    rows = conn.execute(
        "SELECT DISTINCT a.file_path FROM horus_comment_attachments a "
        "JOIN horus_comments c ON c.id = a.comment_id JOIN horus_media_records m ON m.id = c.media_id "
        "WHERE c.is_deleted IS NOT TRUE AND (cardinality(%s::text[]) = 0 OR m.project_id = ANY(%s::text[]))",
        (wanted, wanted)).fetchall()
    _commit(conn)
    found: dict[str, str] = {}
    for (path,) in rows:
        match = _BLOB_NAME.match(Path(path.replace("\\", "/")).name)
        if match:
            found[match.group(1)] = match.group(2) or ""
    return found


def prefetch_blobs(store: Any, conn: psycopg.Connection[Any], projects: Iterable[str] = ()) -> int:
    """Fetch ahead of time the attachments of the followed ``projects`` this machine lacks; returns how many.

    One that cannot be fetched (not uploaded yet, damaged) is left for the next round or for its first open."""
    folder = attachments_folder(store)
    local = local_blobs(folder)
    fetched = 0
    for sha, suffix in sorted(server_attachments(conn, projects).items()):
        if sha in local:
            continue
        try:
            fetch_blob(conn, sha, folder / f"{sha}{suffix}")
        except BlobError as exc:
            log.info("%s", exc)
            continue
        fetched += 1
    return fetched


def fetch_attachment(server_url: str, sha256: str, dest: Path, *, connect_timeout: int = 10) -> Path:
    """:func:`fetch_blob` over a connection of its own to ``server_url`` (libpq finds the password)."""
    import psycopg

    try:
        conn = psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True,
                               connect_timeout=connect_timeout)
    except psycopg.OperationalError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BlobError(f"attachment {sha256[:12]}…: cannot reach the sync server ({first})") from exc
    with conn:
        try:
            return fetch_blob(conn, sha256, dest)
        except psycopg.Error as exc:
            raise BlobError(f"attachment {sha256[:12]}…: the server refused ({exc})") from exc
