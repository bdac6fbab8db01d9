"""Attachments through the one copier (API and notes panel): named by content, symlinks followed only to a
regular file the user may read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.store import InvalidFieldError


@pytest.fixture
def horus(tmp_path: Path) -> Iterator[Horus]:
    with Horus.open(tmp_path / "s.sqlite", user="ana") as h:
        yield h


def _note(horus: Horus):  # noqa: ANN202
    media = horus.store.media.create(file_path="/a/x.mov", project_id="p", version="v001")
    return horus.add_comment(media.id, "see attached")


def test_two_files_with_one_name_on_one_note_keep_both_contents(horus: Horus, tmp_path: Path) -> None:
    note = _note(horus)
    for folder, text in (("take1", "first notes"), ("take2", "second notes")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text(text)
    first = horus.attach(note.id, tmp_path / "take1" / "notes.txt")
    second = horus.attach(note.id, tmp_path / "take2" / "notes.txt")
    shutil.rmtree(tmp_path / "take1")
    shutil.rmtree(tmp_path / "take2")  # the store keeps its own copies
    assert first.file_name == second.file_name == "notes.txt"
    assert Path(first.file_path).read_text() == "first notes"
    assert Path(second.file_path).read_text() == "second notes"
    assert Path(first.file_path).suffix == ".txt"  # the system opener goes by the extension
    (node,) = horus.comments(note.media_id)
    assert sorted(a.file_size for a in node.attachments) == [len("first notes"), len("second notes")]


def test_a_symlink_to_a_readable_file_is_copied_as_the_file(horus: Horus, tmp_path: Path) -> None:
    note = _note(horus)
    real = tmp_path / "ref.png"
    real.write_bytes(b"\x89PNG fake but a file")
    link = tmp_path / "shortcut.png"
    link.symlink_to(real)
    attachment = horus.attach(note.id, link)
    real.unlink()
    stored = Path(attachment.file_path)
    assert not stored.is_symlink() and stored.read_bytes() == b"\x89PNG fake but a file"
    assert attachment.file_name == "shortcut.png"


def test_folders_fifos_dangling_links_and_missing_files_are_refused(horus: Horus, tmp_path: Path) -> None:
    note = _note(horus)
    (tmp_path / "dir").mkdir()
    (tmp_path / "to_dir").symlink_to(tmp_path / "dir")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    for name, reason in (("dir", "folder"), ("to_dir", "folder"), ("pipe", "not a regular file"),
                         ("dangling", "no such file"), ("missing.png", "no such file")):
        with pytest.raises(InvalidFieldError, match=reason) as caught:
            horus.attach(note.id, tmp_path / name)
        assert caught.value.field_name == "file" and name in str(caught.value)
    (node,) = horus.comments(note.media_id)
    assert node.attachments == ()


_AS_OTHER_USER = r"""
import json, mimetypes, os, pathlib, pwd, sys
from horus_desktop.api import Horus
from horus_desktop.store import InvalidFieldError
db, note_id, *links = sys.argv[1:]
mimetypes.init()
# Opened (and every module loaded) first: Python's own files may be out of nobody's reach on this machine.
horus = Horus.open(db, user="ana")
horus.comments(horus.store.comments.get(note_id).media_id)
for path in pathlib.Path(db).parent.glob("s.sqlite*"):
    path.chmod(0o666)
if os.geteuid() == 0:  # the tests run as root: become nobody, for whom the secret is unreadable
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
out = {}
for link in links:
    try:
        out[link] = open(horus.attach(note_id, link).file_path).read()
    except InvalidFieldError as exc:
        out[link] = "refused: " + str(exc)
horus.close()
print(json.dumps(out))
"""


def test_a_symlink_to_a_file_the_user_may_not_read_is_refused() -> None:
    shared = Path(tempfile.mkdtemp(prefix="horus-attach-"))  # not under pytest's 0700 tmp folders
    try:
        shared.chmod(0o777)
        private = shared / "private"
        private.mkdir()
        secret = private / "secret.txt"
        secret.write_text("root only")
        secret.chmod(0o000 if os.geteuid() != 0 else 0o600)
        public = shared / "public.txt"
        public.write_text("anyone")
        public.chmod(0o644)
        (shared / "to_secret.txt").symlink_to(secret)
        (shared / "to_public.txt").symlink_to(public)
        db = shared / "s.sqlite"
        with Horus.open(db, user="ana") as horus:
            note = _note(horus)
        result = subprocess.run(
            [sys.executable, "-c", _AS_OTHER_USER, str(db), str(note.id), str(shared / "to_secret.txt"),
             str(shared / "to_public.txt")], capture_output=True, text=True, timeout=120,
            cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        answers = json.loads(result.stdout)
        assert answers[str(shared / "to_public.txt")] == "anyone"  # the other user could attach at all
        refused = answers[str(shared / "to_secret.txt")]
        assert refused.startswith("refused: file: ") and "may not read" in refused and "root only" not in refused
        with Horus.open(db, user="ana") as horus:
            (node,) = horus.comments(note.media_id)
            assert [a.file_name for a in node.attachments] == ["to_public.txt"]
    finally:
        shutil.rmtree(shared, ignore_errors=True)
