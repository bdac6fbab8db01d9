"""Attachments travel: bytes reach the server by content in chunks, resume after a cut, and come down verified.

Real PostgreSQL, a server database of its own per test (tests/sync/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from horus_desktop.services.attachments import attach_file, attachment_file
from horus_desktop.sync.blobs import CHUNK_SIZE, BlobError, fetch_blob, prefetch_blobs, push_missing_blobs

pytestmark = pytest.mark.postgres


@pytest.fixture
def conn(server_url: str):  # noqa: ANN201 - psycopg.Connection
    with psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as c:
        yield c


def _attach(lap: Any, tmp_path: Path, name: str, size: int, project: str = "horus_demo"):  # noqa: ANN202
    source = tmp_path / name
    source.write_bytes(os.urandom(size))
    note = lap.store.comments.add(media_id=lap.media(project), content="see attached", user_id=lap.user,
                                  user_name=lap.user)
    return attach_file(lap.store, note.id, source, lap.user), source


def test_an_attachment_made_on_one_laptop_opens_on_another(laptop: Callable[..., Any], conn: psycopg.Connection,
                                                           server_url: str, tmp_path: Path) -> None:
    ana, bo = laptop("ana"), laptop("bo")
    attachment, source = _attach(ana, tmp_path, "grade_ref.png", 2 * CHUNK_SIZE + 1234)  # three chunks
    assert push_missing_blobs(ana.store, conn) == 1
    assert push_missing_blobs(ana.store, conn) == 0  # content-addressed: already there
    Path(attachment.file_path).unlink()  # bo's machine cannot see ana's disk

    opened = attachment_file(bo.store, attachment, server_url=server_url)  # first open fetches

    assert opened.read_bytes() == source.read_bytes()
    assert opened.parent == bo.store.files_dir / "attachments" and opened.suffix == ".png"
    assert attachment_file(bo.store, attachment, server_url="postgresql://nowhere.invalid/x") == opened  # kept


def test_the_sync_round_sends_the_bytes_before_the_attachment_row(laptop: Callable[..., Any],
                                                                   server_url: str, tmp_path: Path) -> None:
    ana, bo = laptop("ana"), laptop("bo")
    attachment, source = _attach(ana, tmp_path, "notes.pdf", 1000)
    ana.sync()
    Path(attachment.file_path).unlink()  # bo's machine cannot see ana's disk
    bo.sync()
    (node,) = bo.store.comments.threads(attachment_media(ana, attachment))
    (pulled,) = node.attachments
    assert attachment_file(bo.store, pulled, server_url=server_url).read_bytes() == source.read_bytes()


def attachment_media(lap: Any, attachment) -> object:  # noqa: ANN001
    """The media the attachment's note is on."""
    return lap.store.comments.get(attachment.comment_id).media_id


def test_an_upload_cut_short_resumes_at_the_first_missing_chunk(laptop: Callable[..., Any],
                                                                conn: psycopg.Connection, tmp_path: Path) -> None:
    ana = laptop("ana")
    _attach(ana, tmp_path, "plate.exr", 3 * CHUNK_SIZE + 10)

    class Cut(Exception):
        pass

    def cut_after_first(_count: int) -> None:
        raise Cut

    with pytest.raises(Cut):
        push_missing_blobs(ana.store, conn, progress=cut_after_first)
    assert conn.execute("SELECT complete FROM horus_sync_blobs").fetchone() == (False,)
    with pytest.raises(BlobError, match="does not hold it"):
        fetch_blob(conn, conn.execute("SELECT sha256 FROM horus_sync_blobs").fetchone()[0], tmp_path / "early")

    sent: list[int] = []
    assert push_missing_blobs(ana.store, conn, progress=sent.append) == 1
    assert sum(sent) == 2 * CHUNK_SIZE + 10  # the first chunk was not sent again
    assert conn.execute("SELECT complete, count(*) FROM horus_sync_blobs GROUP BY complete").fetchone() == (True, 1)


def test_damaged_bytes_are_never_kept(laptop: Callable[..., Any], conn: psycopg.Connection,
                                      tmp_path: Path) -> None:
    ana = laptop("ana")
    attachment, _source = _attach(ana, tmp_path, "ref.jpg", CHUNK_SIZE + 5)
    push_missing_blobs(ana.store, conn)
    sha = Path(attachment.file_path).stem
    conn.execute("UPDATE horus_sync_blob_chunks SET data = overlay(data placing '\\x00'::bytea from 3) "
                 "WHERE sha256 = %s AND idx = 1", (sha,))
    dest = tmp_path / "fetched" / f"{sha}.jpg"
    with pytest.raises(BlobError, match="do not match its SHA-256"):
        fetch_blob(conn, sha, dest)
    assert not dest.exists() and not any(dest.parent.iterdir())


def test_a_local_file_damaged_on_disk_is_not_sent(laptop: Callable[..., Any], conn: psycopg.Connection,
                                                 tmp_path: Path) -> None:
    ana = laptop("ana")
    attachment, _source = _attach(ana, tmp_path, "ref.jpg", 4000)
    Path(attachment.file_path).write_bytes(b"bit rot")
    assert push_missing_blobs(ana.store, conn) == 0
    assert conn.execute("SELECT count(*) FROM horus_sync_blobs WHERE complete").fetchone() == (0,)


def test_followed_projects_are_fetched_ahead_of_time(laptop: Callable[..., Any], conn: psycopg.Connection,
                                                     tmp_path: Path) -> None:
    ana, bo = laptop("ana"), laptop("bo")
    shown, _ = _attach(ana, tmp_path, "a.png", 3000, project="show_a")
    _attach(ana, tmp_path, "b.png", 3000, project="show_b")
    ana.sync()

    assert prefetch_blobs(bo.store, conn, ["show_a"]) == 1
    assert sorted(p.name for p in (bo.store.files_dir / "attachments").iterdir()) == [Path(shown.file_path).name]
    assert prefetch_blobs(bo.store, conn, ["show_a"]) == 0


def test_a_sync_round_fetches_the_followed_projects_attachments(laptop: Callable[..., Any],
                                                                tmp_path: Path) -> None:
    ana, bo = laptop("ana"), laptop("bo", ("show_a",))
    shown, source = _attach(ana, tmp_path, "a.png", 3000, project="show_a")
    _attach(ana, tmp_path, "b.png", 3000, project="show_b")
    ana.sync()
    bo.sync()
    kept = list((bo.store.files_dir / "attachments").iterdir())
    assert [p.name for p in kept] == [Path(shown.file_path).name] and kept[0].read_bytes() == source.read_bytes()
