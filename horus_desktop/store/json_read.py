"""JSON values read back from the store whatever the depth of the reading code's stack.

Python's JSON parser counts each nesting level against the recursion limit that the calling code's frames
use too: a document an import parsed and stored from a shallow stack (metadata nested ~980 levels deep, just
under the parser's limit) failed to load again from the ORM's deep one (`store.timelines.list()` raised
RecursionError, for every playlist of the store). Such a value is parsed again on a thread of its own, whose
stack is nearly empty: the store reads back whatever an import could parse. A few documents in a store's life
take that path; every other value costs nothing more.
"""

from __future__ import annotations

import json
import threading
from typing import Any


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, parsed on a fresh stack when the caller's is too deep for the value's nesting."""
    try:
        return json.loads(text)
    except RecursionError:
        return _loads_on_fresh_stack(text)


def _loads_on_fresh_stack(text: str | bytes) -> Any:
    outcome: dict[str, Any] = {}

    def parse() -> None:
        try:
            outcome["value"] = json.loads(text)
        except BaseException as exc:  # noqa: BLE001 (raised again in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=parse, name="horus-json-deep", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
