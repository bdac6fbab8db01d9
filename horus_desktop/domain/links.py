"""``horus://`` links: the desktop entry registers Horus for them (live review sessions will use them).

No kind of link is handled yet; the app opens its window and says so, rather than treating the link as a
file path to ingest.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEME = "horus"


def is_link(argument: str) -> bool:
    """True for a ``horus:`` URL given on the command line (as the desktop passes a clicked link)."""
    return urlsplit(argument).scheme.lower() == SCHEME


def unsupported_message(link: str) -> str:
    """What the app says about a link it cannot open yet, naming the link's kind."""
    parts = urlsplit(link)
    kind = parts.netloc or parts.path.lstrip("/").split("/", 1)[0] or "empty"
    return f"horus:// links are not supported yet: cannot open the '{kind}' link {link}"
