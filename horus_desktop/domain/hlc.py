"""Hybrid logical clock: a timestamp that never goes backwards and orders causally related edits.

A clock value is text ``PPPPPPPPPPPPPPP.CCCCC.NODE``: wall time in milliseconds (15 digits), a counter for
edits within one millisecond (or while the wall clock lags behind the last value seen), and the node (the
client id) that breaks ties. Zero padding makes text order the clock order, so SQL compares them as text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: How far ahead of the server a client clock may be before the server clamps it (milliseconds).
MAX_AHEAD_MS = 60_000


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    """One clock value; ordering is (wall ms, counter, node)."""

    wall_ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.wall_ms:015d}.{self.counter:05d}.{self.node}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """Read a clock value written by ``str()``; a malformed one raises ValueError naming it."""
        try:
            wall, counter, node = text.split(".", 2)
            return cls(int(wall), int(counter), node)
        except ValueError as exc:
            raise ValueError(f"not a clock value: {text!r}") from exc


def now_ms() -> int:
    """The wall clock in milliseconds."""
    return time.time_ns() // 1_000_000


def tick(last: Hlc | None, node: str, wall_ms: int | None = None) -> Hlc:
    """The clock value of a new local event after ``last``: later than it even if the wall clock stepped back."""
    wall = now_ms() if wall_ms is None else wall_ms
    if last is None or wall > last.wall_ms:
        return Hlc(wall, 0, node)
    return Hlc(last.wall_ms, last.counter + 1, node)


def receive(last: Hlc | None, remote: Hlc, node: str, wall_ms: int | None = None) -> Hlc:
    """The local clock after seeing ``remote``: later than both, so a reply always orders after what it saw."""
    wall = now_ms() if wall_ms is None else wall_ms
    top = max((h for h in (last, remote) if h is not None), key=lambda h: (h.wall_ms, h.counter))
    if wall > top.wall_ms:
        return Hlc(wall, 0, node)
    return Hlc(top.wall_ms, top.counter + 1, node)
