"""A JSON value the store holds loads again from however deep a stack reads it (store/json_read.py)."""

from __future__ import annotations

import json
import sys

import pytest

from horus_desktop.store.json_read import loads


def _at_depth(frames: int, call: object) -> object:
    """``call()`` run ``frames`` Python frames deeper than here."""
    return _at_depth(frames - 1, call) if frames else call()  # type: ignore[operator]


def test_a_value_nested_near_the_parsers_limit_loads_from_a_deep_stack() -> None:
    levels = sys.getrecursionlimit() - 150
    text = "[" * levels + "]" * levels
    with pytest.raises(RecursionError):
        _at_depth(200, lambda: json.loads(text))  # what the ORM's reads did
    value = _at_depth(200, lambda: loads(text))
    depth = 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == levels - 1  # the innermost list is empty


def test_json_the_parser_refuses_is_refused_as_it_was() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads('{"a": ')
    levels = sys.getrecursionlimit() + 100
    with pytest.raises(RecursionError):
        loads("[" * levels + "]" * levels)  # deeper than any stack parses: as json.loads refuses it
