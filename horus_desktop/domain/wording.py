"""Counts in words for messages a user reads: "1 note", "2 notes", never "1 notes" nor "note(s)"."""

from __future__ import annotations


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, plural unless ``n`` is 1: ``counted(2, "reply", "replies")`` -> "2 replies".

    ``plural`` is for words whose plural is not ``word + "s"`` ("reply" -> "replies"; "media" stays "media").
    """
    return f"{n} {word if n == 1 else plural or word + 's'}"
