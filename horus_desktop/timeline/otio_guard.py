"""OTIO text that OpenTimelineIO 0.18 cannot read without killing the process, refused before it reads it.

OTIO's upgrade of a ``Clip.1`` (or older) object to ``Clip.2`` writes its ``media_references`` over the objects
it has already read from that key: a file or stored document holding such a clip (hand-edited or hostile; OTIO
itself writes Clip.2) ends the process with a segmentation fault, not an exception. :func:`refusal` finds it
and says what is wrong, so that the caller can raise an error naming the document instead.
"""

from __future__ import annotations

import json
from typing import Any


def refusal(text: str | bytes, *, dumped: bool = False) -> str | None:
    """Why OTIO must not read ``text`` (otio_json), or None. Text that is no JSON is left to OTIO's reader,
    which refuses it with its own message.

    Scans in C decide for nearly every document (about a tenth of OTIO's own read of it): every Clip schema
    spelled plainly is ``Clip.2`` and no ``\\u`` escape could spell another (``dumped``: ``json.dumps`` wrote
    the text, which spells every ASCII string plainly); only other text is parsed and walked."""
    schema, plain, escape = ('"Clip.', '"Clip.2"', "\\u") if isinstance(text, str) else (
        b'"Clip.', b'"Clip.2"', b"\\u")
    if text.count(schema) == text.count(plain) and (dumped or escape not in text):  # type: ignore[arg-type]
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _old_clip_with_references(data)


def _old_clip_with_references(data: Any) -> str | None:
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            schema = node.get("OTIO_SCHEMA")
            if type(schema) is str and "media_references" in node:
                name, _, version = schema.rpartition(".")
                if name == "Clip" and version != "2":
                    return (f"clip {str(node.get('name', ''))[:80]!r} is schema {schema} but holds media_references "
                            "(a Clip.2 field): OpenTimelineIO cannot read it")
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return None
