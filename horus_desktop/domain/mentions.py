"""@mentions in note text."""

from __future__ import annotations

import re

# A mention is @ followed by a username (letters, digits, . _ -), not preceded by a word character
# (so e-mail addresses are not mentions).
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]|[A-Za-z0-9])")


def find_mentions(text: str) -> list[str]:
    """The usernames mentioned in ``text``, in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def unknown_mentions_message(names: list[str]) -> str:
    """What to tell the writer of a note whose @mentions name nobody in the store (so nobody was told)."""
    listed = ", ".join(f"@{n}" for n in names)
    who = "no user called" if len(names) == 1 else "no users called"
    return f"{who} {listed} in this store: not notified (check the spelling, or have them start Horus once)"
