"""horus:// links given on the command line (as the desktop entry passes a clicked link)."""

from __future__ import annotations

from horus_desktop.domain.links import is_link, unsupported_message


def test_only_horus_urls_are_links() -> None:
    assert is_link("horus://session/abc123")
    assert is_link("HORUS://review/1")
    for path in ("/shows/demo/sq010", "relative/shot.mov", "C:/shows/sh010.exr", "file:///shows/a.exr", "horus"):
        assert not is_link(path), path


def test_message_names_the_link_and_its_kind() -> None:
    assert unsupported_message("horus://session/abc123") == (
        "horus:// links are not supported yet: cannot open the 'session' link horus://session/abc123")
    assert "'playlist'" in unsupported_message("horus:playlist/42")
