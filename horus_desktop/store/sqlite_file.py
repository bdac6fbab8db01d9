"""Whether a file is a SQLite database, told by its header alone: no database is opened and nothing heavy is
imported (not SQLAlchemy, not ``sqlite3``), so the window can refuse a wrong file before anything loads; and
the URI that opens one in a given mode."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

#: How every SQLite database file starts (the header string of SQLite's file format).
SQLITE_HEADER = b"SQLite format 3\x00"


def not_a_database(path: Path) -> bool:
    """True when ``path`` is an existing file that SQLite would refuse as "not a database": its first bytes are
    not SQLite's header, or it cannot be read. A missing path, a directory and an empty file are False (SQLite
    makes a new database of a missing or empty file; anything else is left to the full opening to say)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError:
        return True
    return head not in (b"", SQLITE_HEADER)


def sqlite_uri(path: Path, query: str) -> str:
    """The SQLite URI of ``path`` with ``query`` (``mode=rw``: never create the file; ``mode=ro``...), for
    ``sqlite3.connect(uri, uri=True)``: the path quoted, so a '?' or '#' in a folder name is no query."""
    return f"file:{quote(str(path), safe='/')}?{query}"
