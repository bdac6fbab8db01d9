"""The plain read tells a JSON number from a text that spells one: numbers (with a fraction) come back as
floats, texts stay texts, and a time whose value or rate is a text, too long a number or an exponent sends the
file OTIO's way (``otio_plain.read_plain`` gives None)."""

from __future__ import annotations

from pathlib import Path

from horus_desktop.timeline import otio_plain

_TIME = '{"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": %s}'
_DOC = ('{"OTIO_SCHEMA": "Timeline.1", "metadata": {"a": "1.5", "b": 1.5, "c": [2.50, "2.50", 3], "d": {"e": -0.25}}, '
        '"name": "x", "global_start_time": %s, "tracks": '
        '{"OTIO_SCHEMA": "Stack.1", "metadata": {}, "name": "tracks", "source_range": null, "effects": [], '
        '"markers": [], "enabled": true, "color": null, "children": []}}')


def _read(tmp_path: Path, start: str) -> otio_plain.PlainDocument | None:
    path = tmp_path / "cut.otio"
    path.write_text(_DOC % (_TIME % start))
    return otio_plain.read_plain(path)


def test_numbers_are_floats_and_texts_stay_texts(tmp_path: Path) -> None:
    plain = _read(tmp_path, "1001.0")
    assert plain is not None
    assert plain.data["metadata"] == {"a": "1.5", "b": 1.5, "c": [2.5, "2.50", 3], "d": {"e": -0.25}}
    assert [type(v) for v in plain.data["metadata"]["c"]] == [float, str, int]
    start = plain.data["global_start_time"]
    assert (start["value"], start["rate"]) == (1001.0, 24.0)
    assert type(start["value"]) is float and type(start["rate"]) is float


def test_a_time_spelled_as_text_or_past_fifteen_digits_goes_otios_way(tmp_path: Path) -> None:
    for odd in ('"1001.0"', "1.0e3", "1001.00000000000001", "1001"):  # text, exponent, 17 digits, no fraction
        assert _read(tmp_path, odd) is None, odd
