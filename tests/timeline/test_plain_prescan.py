"""The plain read's one scan of the text (``otio_plain._BLANK_KEY_OR_SCHEMA``) finds a key with blanks before
its colon, or the name of a schema only OTIO reads right after a quote, wherever a plain alternation of those
finds it: such a file goes OTIO's way, and every other file is not sent there by the scan."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from horus_desktop.timeline import otio_plain

_NAMES = ("Transition", "Effect", "TimeEffect", "LinearTimeWarp", "FreezeFrame", "Annotation", "GeneratorReference",
          "SerializableCollection", "Box2d", "Color")
#: What the scan looks for, said the plain way.
_SPEC = re.compile(r'"(?:[ \t\n\r]+:|(?:' + "|".join(_NAMES) + r')\.)')
_PIECES = st.sampled_from(['"', ":", " ", "\t", "\n", "\r", ".", "x", "T", "C", "Clip.2", "OTIO_SCHEMA", *_NAMES,
                           *(name[:3] for name in _NAMES)])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24))
def test_the_scan_finds_what_the_plain_alternation_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    found, spec = otio_plain._BLANK_KEY_OR_SCHEMA.search(text), _SPEC.search(text)
    assert (found and found.span()) == (spec and spec.span())


def test_a_file_with_a_blank_before_a_colon_or_an_otio_only_schema_goes_otios_way(tmp_path: Path) -> None:
    plain = ('{"OTIO_SCHEMA": "Timeline.1", "metadata": {}, "name": "x", "global_start_time": null, "tracks": '
             '{"OTIO_SCHEMA": "Stack.1", "metadata": {}, "name": "tracks", "source_range": null, "effects": [], '
             '"markers": [], "enabled": true, "color": null, "children": []}}')
    path = tmp_path / "cut.otio"
    path.write_text(plain)
    assert otio_plain.read_plain(path) is not None
    for odd in (plain.replace('"name": "x"', '"name" : "x"'), plain.replace('"x"', '"Transition.1"'),
                plain.replace('"x"', '"Color.1 of the cut"')):
        path.write_text(odd)
        assert otio_plain.read_plain(path) is None
