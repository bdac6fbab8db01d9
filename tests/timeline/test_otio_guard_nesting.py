"""The nesting bound that keeps OTIO's reader from deep documents (``otio_guard.nesting``) measures what a JSON
parser sees: brackets in strings, escaped quotes and backslashes do not count, and very deep text is refused."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from horus_desktop.timeline.otio_guard import MAX_DEPTH, nesting, refusal

_TRICKY = st.text(alphabet='[]{}"\\ab\n\u00e9', max_size=8)
_JSON = st.recursive(
    st.none() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY, inner, max_size=4),
    max_leaves=60)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@settings(max_examples=400, deadline=None)
@given(_JSON, st.booleans(), st.integers(0, 3))
def test_the_scanned_depth_is_the_parsed_depth(value: Any, ascii_only: bool, indent: int) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent or None)
    assert nesting(text, scan_above=0) == _depth(json.loads(text))
    assert nesting(text.encode("utf-8"), scan_above=0) == _depth(value)


def test_shallow_text_is_answered_by_its_bracket_count_and_let_through() -> None:
    text = json.dumps([[1], {"a": [2]}])
    assert nesting(text) == 4  # four opening brackets bound the depth (3) without a scan
    assert refusal(text) is None


def test_a_deep_document_is_refused_with_its_depth() -> None:
    deep = '{"name": "x", "metadata": ' + "[" * 60_000 + "]" * 60_000 + "}"
    assert nesting(deep) == 60_001
    assert refusal(deep) == f"arrays and objects nested 60,001 levels deep (at most {MAX_DEPTH:,} are read)"
    just = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert refusal(just) is None  # at the limit: OTIO reads it


def test_brackets_and_escapes_inside_strings_do_not_count() -> None:
    text = json.dumps({"name": "[[[[" * 1000 + '\\"]' + "{" * 1000, "children": [[]]})
    assert nesting(text) == 3
    assert refusal(text) is None
