"""Attaching a file to a note, and opening one: the one copier (and opener) of the API and the notes panel.

Each file is stored once under its content's SHA-256 (``<files>/attachments/<sha256><.ext>``), so two
attachments with the same name can never overwrite each other; the user's file name is kept in the record
for display. The extension is kept so the system opens the copy with the right application.

What is copied is what the user could open: a symlink is followed only to a regular file the process may
read (never copied as a link), and a folder, device, FIFO or socket is refused. The file is opened once
(``O_NOFOLLOW`` on the resolved path) and checked on that open descriptor, so it cannot be swapped between
the check and the copy.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from horus_desktop.domain.records import CommentAttachment
from horus_desktop.machine_settings import load_settings
from horus_desktop.sync.blobs import BlobError, attachments_folder, blob_sha, fetch_attachment

if TYPE_CHECKING:
    from horus_desktop.store import Store

_CHUNK = 1 << 20


def attachment_file(store: Store, attachment: CommentAttachment, *, server_url: str | None = None) -> Path:
    """This machine's copy of an attachment, fetched from the sync server on first open (slow: not on the UI thread).

    The copy is found by content (``<files>/attachments/<sha256><.ext>``), so an attachment made on another
    machine, whose recorded path is on that machine's disk, opens from here once its bytes are fetched; they are
    kept only when their SHA-256 is the one in the name. ``server_url`` defaults to this machine's server."""
    from horus_desktop.store.errors import InvalidFieldError

    sha = blob_sha(attachment.file_path)
    if sha is not None:
        local = attachments_folder(store) / Path(attachment.file_path.replace("\\", "/")).name
        if local.is_file():
            return local
    if os.path.isfile(attachment.file_path):  # made on this machine (or on a shared disk)
        return Path(attachment.file_path)
    if sha is None:
        raise InvalidFieldError("attachment", f"{attachment.file_name}: not on this machine ({attachment.file_path})")
    url = server_url or load_settings().server_url
    if not url:
        raise InvalidFieldError("attachment", f"{attachment.file_name}: not on this machine, and no sync server is "
                                "set to fetch it from (horus server set URL)")
    try:
        return fetch_attachment(url, sha, local)
    except BlobError as exc:
        raise InvalidFieldError("attachment", f"{attachment.file_name}: {exc}") from exc


def attach_file(store: Store, comment_id: uuid.UUID | str, file: str | os.PathLike[str],
                user_id: str | None) -> CommentAttachment:
    """Copy ``file`` into the store (named by its content) and attach it to a note; returns the record."""
    source = Path(file)
    store.check_writable()  # an archive's folder gets no copy
    comment = store.comments.get(comment_id)  # a missing note is refused before anything is copied
    folder = attachments_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = _copy_by_content(source, folder)
    target = folder / f"{digest}{_suffix(source)}"
    return store.comments.attach(comment.id, file_name=source.name, file_path=str(target), file_size=size,
                                 mime_type=mimetypes.guess_type(source.name)[0], uploaded_by=user_id)


def _open_regular(source: Path) -> int:
    """An open descriptor on the regular file ``source`` is (or links to); a clear error otherwise."""
    from horus_desktop.store.errors import InvalidFieldError

    try:
        real = os.path.realpath(source, strict=True)
    except (FileNotFoundError, RuntimeError) as exc:  # missing, dangling link, or a link loop
        raise InvalidFieldError("file", f"{source}: no such file") from exc
    except OSError as exc:
        raise InvalidFieldError("file", f"{source}: {exc.strerror or exc}") from exc
    via = f" (a link to {real})" if os.path.islink(source) else ""
    try:
        # O_NONBLOCK: opening a FIFO must not hang waiting for a writer; it is refused just below.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except PermissionError as exc:
        raise InvalidFieldError("file", f"{source}{via}: you may not read it") from exc
    except OSError as exc:
        raise InvalidFieldError("file", f"{source}{via}: {exc.strerror or exc}") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise InvalidFieldError("file", f"{source}{via}: {kind}; only files can be attached")
    os.set_blocking(fd, True)
    return fd


def _suffix(source: Path) -> str:
    """The file's extension, lower-cased and kept to safe characters (the system opener goes by it)."""
    return "".join(c for c in source.suffix.lower() if c.isalnum() or c == ".")[:16]


def _copy_by_content(source: Path, folder: Path) -> tuple[str, int]:
    """Copy ``source`` into ``folder`` under its SHA-256; returns (hex digest, size)."""
    hasher = hashlib.sha256()
    size = 0
    with os.fdopen(_open_regular(source), "rb") as reader:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as writer:
                os.fchmod(writer.fileno(), 0o644)  # mkstemp makes 0600; an attachment is for every reviewer
                while chunk := reader.read(_CHUNK):
                    hasher.update(chunk)
                    writer.write(chunk)
                    size += len(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            digest = hasher.hexdigest()
            os.replace(temp_name, folder / f"{digest}{_suffix(source)}")  # same name, same bytes: safe
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    return digest, size
