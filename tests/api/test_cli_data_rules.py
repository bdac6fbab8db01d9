"""What the `horus` command refuses (vocabulary words) and what it tells the writer (unknown @mentions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.cli import main
from horus_desktop.domain.vocabulary import APPROVAL_STATUSES, TIMELINE_TYPES
from horus_desktop.store import InvalidFieldError


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


def _media(db: str) -> str:
    with Horus.open(db, user="ana") as horus:
        return str(horus.store.media.create(file_path="/s/sh010/v001/a.exr", project_id="show",
                                            version="v001").id)


def test_a_misspelt_status_exits_2_with_the_allowed_words_and_changes_nothing(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    media_id = _media(db)
    assert main(["media", "set-status", media_id, "approvd", "--db", db]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and err.count("\n") == 1
    assert "approval_status" in err and "'approvd'" in err
    for word in APPROVAL_STATUSES:
        assert word in err
    with Horus.open(db, user="ana") as horus:
        assert horus.media(media_id).approval_status == "pending"
        assert horus.store.media.status_history(media_id) == []
        with pytest.raises(InvalidFieldError, match="on_hold"):
            horus.set_status(media_id, "approvd")


def test_an_unknown_playlist_type_exits_2_and_no_playlist_is_made(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _media(db)
    assert main(["playlist", "create", "--name", "cut", "--project", "show", "--type", "dailys", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "'dailys'" in err and all(word in err for word in TIMELINE_TYPES)
    with Horus.open(db, user="ana") as horus:
        with pytest.raises(InvalidFieldError, match="timeline_type.*dailies"):
            horus.create_timeline("cut", project="show", timeline_type="dailys")
        assert horus.timelines() == []


def test_a_note_mentioning_nobody_is_kept_and_the_writer_told(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    media_id = _media(db)
    with Horus.open(db, user="ben"):
        pass  # ben has started Horus once: a user
    assert main(["comment", "add", media_id, "--text", "@ben @bobb look at the edge", "--db", db,
                 "--user", "ana"]) == 0
    out, err = capsys.readouterr()
    assert "@bobb" in err and "@ben" not in err and "not notified" in err
    with Horus.open(db, user="ana") as horus:
        (thread,) = horus.comments(media_id)
        assert thread.comment.content == "@ben @bobb look at the edge"
        assert thread.comment.mentioned_users == ["ben"]
    assert main(["comment", "add", media_id, "--text", "@ben fine", "--db", db, "--user", "ana"]) == 0
    assert capsys.readouterr().err == ""
