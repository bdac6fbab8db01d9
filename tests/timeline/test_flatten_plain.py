"""An import places the clips of a plain track (clips and gaps) from the document's numbers: the very frames
OpenTimelineIO's own placement gives, whatever the rates, and tracks it cannot place so are placed by OTIO."""

from __future__ import annotations

import random
from fractions import Fraction

import opentimelineio as otio
import pytest

from horus_desktop.timeline.otio_doc import to_dict
from horus_desktop.timeline.otio_parse import FlatTrack, flatten

RATES = (24.0, 25.0, 30.0, 24000 / 1001, 30000 / 1001, 1.0, 60000 / 1001, 12.5)


def _placed(tracks: list[FlatTrack]) -> list[tuple[object, ...]]:
    return [(t.index, t.path, t.kind, t.layer, t.name, [(e.index, e.start, e.duration, e.source_start)
                                                       for e in t.items]) for t in tracks]


def _time(value: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(value, rate)


def _document(seed: int) -> otio.schema.Timeline:
    """Tracks of clips and gaps at NTSC and odd rates, fractional durations, now and then a duration at another
    rate than its track's, a transition or a nested stack (those tracks OTIO places)."""
    pick = random.Random(seed)
    document = otio.schema.Timeline()
    for t in range(3):
        track = otio.schema.Track(name=f"V{t + 1}", kind=otio.schema.TrackKind.Audio if t == 2 else "Video")
        rate = pick.choice(RATES)
        for _ in range(pick.randint(0, 25)):
            at = rate if pick.random() < 0.95 else pick.choice(RATES)
            duration = pick.choice([pick.randint(0, 200), pick.random() * 100, pick.randint(0, 10**6) / 7])
            source = otio.opentime.TimeRange(_time(pick.choice([pick.randint(-50, 10**5), pick.random() * 1e4]),
                                                   pick.choice(RATES)), _time(duration, at))
            kind = otio.schema.Gap if pick.random() < 0.3 else otio.schema.Clip
            track.append(kind(source_range=source))
        if seed % 5 == 1 and len(track) > 1:
            track.insert(1, otio.schema.Transition(in_offset=_time(1, rate), out_offset=_time(1, rate)))
        if seed % 7 == 2:
            stack = otio.schema.Stack()
            stack.append(otio.schema.Clip(source_range=otio.opentime.TimeRange(_time(0, rate), _time(5, rate))))
            track.append(stack)
        document.tracks.append(track)
    return document


@pytest.mark.parametrize("seed", range(60))
def test_a_plain_track_is_placed_from_its_numbers_as_otio_places_it(seed: int) -> None:
    document = _document(seed)
    for rate in (Fraction(24), Fraction(24000, 1001), Fraction(25), Fraction(30)):
        assert _placed(flatten(document, rate, to_dict(document))) == _placed(flatten(document, rate))
