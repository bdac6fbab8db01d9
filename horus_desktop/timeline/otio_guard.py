"""OTIO text that OpenTimelineIO 0.18 cannot read without killing the process, refused before it reads it.

OTIO's upgrade of a ``Clip.1`` (or older) object to ``Clip.2`` writes its ``media_references`` over the objects
it has already read from that key: a file or stored document holding such a clip (hand-edited or hostile; OTIO
itself writes Clip.2) ends the process with a segmentation fault, not an exception. So does text nested some
tens of thousands of arrays or objects deep (OTIO's reader recurses; 5,000 levels read, 50,000 do not).
:func:`refusal` finds both and says what is wrong, so that the caller can raise an error naming the document
instead.
"""

from __future__ import annotations

import json
from itertools import accumulate
from operator import sub
from typing import Any

#: Deepest nesting let through to OTIO's reader. Python's json parser stops near 1,000 levels, and an import
#: turns OTIO's object back into a dict through it (``otio_doc.to_dict``), so nothing deeper imports anyway;
#: OTIO reads this depth without harm.
MAX_DEPTH = 2_000
_NOT_KEPT = bytes(range(256)).translate(None, b'"[]{}')  # every byte but a quote and the brackets: deleted
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_STEPS = bytes.maketrans(b"[]", b"\x02\x00")


def refusal(text: str | bytes, *, dumped: bool = False) -> str | None:
    """Why OTIO must not read ``text`` (otio_json), or None. Text that is no JSON is left to OTIO's reader,
    which refuses it with its own message.

    Scans in C decide for nearly every document (about a tenth of OTIO's own read of it): every Clip schema
    spelled plainly is ``Clip.2`` and no ``\\u`` escape could spell another (``dumped``: ``json.dumps`` wrote
    the text, which spells every ASCII string plainly); only other text is parsed and walked."""
    depth = nesting(text)
    if depth > MAX_DEPTH:
        return f"arrays and objects nested {depth:,} levels deep (at most {MAX_DEPTH:,} are read)"
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


def nesting(text: str | bytes, *, scan_above: int = MAX_DEPTH) -> int:
    """How deep the arrays and objects of JSON text nest (brackets inside strings not counted). Text with no
    more opening brackets than ``scan_above`` is not scanned further: their count, which bounds its depth, is
    the answer. Invalid JSON gives some number (its parser refuses it anyway)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    kept = data.translate(None, _NOT_KEPT)  # quotes and brackets only
    opening = kept.count(b"[") + kept.count(b"{")
    if opening <= scan_above:
        return opening
    if b"\\" in data:  # escapes first (an escaped backslash, then an escaped quote): every quote left is a string's
        kept = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_KEPT)
    brackets = b"".join(kept.split(b'"')[::2]).translate(_ONE_KIND)
    # Each pass takes away every innermost pair, one level: a document's few levels go in a few passes over
    # ever less text. What is left after some passes (deep, or unbalanced) is summed bracket by bracket.
    depth = 0
    while brackets and depth < 64:
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            break
        brackets, depth = shorter, depth + 1
    # Each opening bracket counts 2 and a closing one 0: the depth after k brackets is their sum minus k.
    steps = brackets.translate(_STEPS)
    return depth + max(map(sub, accumulate(steps), range(1, len(steps) + 1)), default=0)
