"""``horus bench WHAT``: benchmarks that print figures (JSON with ``--json``).

A new bench is a ``cmd_bench_*`` function and a parser in :func:`register` (``--json`` prints its figures as
JSON only). ``horus bench all`` finds it there and runs it in a child process: give it a size that finishes
in well under a minute in :data:`horus_desktop.cli.bench_all.ALL_RUNS`, and either ``"rows"`` in its JSON
(:func:`horus_desktop.domain.bench_table.bench_row`) or an adapter in ``bench_all.ADAPTERS`` for its table rows.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from horus_desktop.cli.common import add_store_options, open_horus
from horus_desktop.cli_output import print_json


def _bench_out(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """A bench's figures as JSON with ``--json`` (its table then went to stderr, as stdout is JSON only)."""
    if args.json:
        print_json(result)


def cmd_bench_montu(args: argparse.Namespace) -> int:
    """Import a generated real-shaped Montu export; records/s and the re-run's time."""
    from horus_desktop.migrate.montu_bench import bench_montu

    _bench_out(args, bench_montu(args.db, media=args.media))
    return 0


def cmd_bench_store(args: argparse.Namespace) -> int:
    """Time media search pages on a generated store against the bare SQL."""
    from horus_desktop.store.bench import bench_store

    _bench_out(args, bench_store(args.db, records=args.records, runs=args.runs))
    return 0


def cmd_bench_decode(args: argparse.Namespace) -> int:
    """Frames per second of the decode pipeline against the bare library."""
    import contextlib
    import sys

    from horus_desktop.media.bench import bench_decode

    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        result = bench_decode(args.path, frames=args.frames)
    _bench_out(args, result)
    return 0


def cmd_bench_scrub(args: argparse.Namespace) -> int:
    """Latency of scrubbing to uncached frames against one bare decode of each."""
    import contextlib
    import sys

    from horus_desktop.playback.scrub_bench import bench_scrub

    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        result = bench_scrub(args.path, seeks=args.seeks, passes=args.passes, colour=args.colour,
                             rounds=args.rounds)
    _bench_out(args, result)
    return 0


def cmd_bench_colour(args: argparse.Namespace) -> int:
    """The CPU colour step per 2K frame against the exact processor and the EXR decode; its accuracy."""
    import contextlib
    import sys

    from horus_desktop.media.colour_bench import bench_colour, print_colour

    result = bench_colour(view=args.view, repeats=args.repeats)
    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        print_colour(result)
    _bench_out(args, result)
    return 0


def cmd_bench_ingest(args: argparse.Namespace) -> int:
    """Files per second and hashing MB/s of ingest against hashlib."""
    from horus_desktop.media.ingest_bench import bench_ingest
    from horus_desktop.store import Store

    _bench_out(args, bench_ingest(args.path, open_store=lambda path: Store.open(path, backup=False)))
    return 0


def cmd_bench_playback(args: argparse.Namespace) -> int:
    """Play a media headless through the viewer's code path."""
    from horus_desktop.playback.bench import bench_playback

    if args.audio:  # A/V sync against the null audio output (playback/audio_bench.py)
        from horus_desktop.playback.audio_bench import bench_audio

        _bench_out(args, bench_audio(args.media, args.seconds or 300.0, realtime=args.realtime, quiet=args.json))
        return 0
    options = {"seconds": args.seconds or 5.0, "cold": args.cold}
    if Path(args.media).exists() or "%" in args.media or "#" in args.media:
        _bench_out(args, bench_playback(args.media, **options))
        return 0
    with open_horus(args) as horus:  # a media id: find its file through the store
        from horus_desktop.services.media_paths import media_paths

        _bench_out(args, bench_playback(args.media, store=horus.store, locate=media_paths().local_path, **options))
    return 0


def cmd_bench_playlist(args: argparse.Namespace) -> int:
    """A N-clip OTIO file: our import and track-view state load against OpenTimelineIO's own read."""
    from horus_desktop.timeline.bench import bench_playlist

    try:
        from horus_desktop.ui.timeline.bench import track_view_figures
    except ImportError:  # no Qt here: the store-side figures only
        track_view_figures = None  # type: ignore[assignment]
    _bench_out(args, bench_playlist(args.clips, view_figures=track_view_figures))
    return 0


def cmd_bench_notes(args: argparse.Namespace) -> int:
    """The notes panel with N notes on one media (first paint) and a frame of M strokes (scene draw)."""
    from horus_desktop.ui.notes.bench import bench_notes

    _bench_out(args, bench_notes(args.notes, args.strokes))
    return 0


def cmd_bench_export(args: argparse.Namespace) -> int:
    """A 50-shot playlist's notes report to PDF and HTML against decoding its frames alone."""
    from horus_desktop.ui.reports.bench import bench_export

    _bench_out(args, bench_export(args.shots, image_width=args.image_width))
    return 0


def cmd_bench_all(args: argparse.Namespace) -> int:
    """Every bench in a child process of its own; one table (figure, Horus, baseline, ratio, goal)."""
    import sys

    from horus_desktop.cli import build_parser
    from horus_desktop.cli.bench_all import bench_all
    from horus_desktop.cli.common import CliError
    from horus_desktop.domain.bench_table import format_table

    try:
        result = bench_all(build_parser(), only=args.only, timeout=args.timeout,
                           say=lambda line: print(line, file=sys.stderr, flush=True))
    except ValueError as exc:
        raise CliError(f"bench all: {exc}") from exc
    if args.json:
        print_json(result)
    else:
        print(format_table(result["rows"], markdown=args.markdown))
        print(f"\n{len(result['runs'])} runs in {result['seconds']} s")
    return 1 if any(not run["ok"] for run in result["runs"]) else 0


def cmd_bench_startup(args: argparse.Namespace) -> int:
    """``horus --help``, a verb and the main window: time to first output / to shown, against bare Python/Qt."""
    from horus_desktop.cli.startup_bench import bench_startup
    from horus_desktop.cli.verb_bench import compile_package
    from horus_desktop.domain.bench_table import format_table

    compile_package()  # timed as an installed app starts: its modules compiled, not compiled in each run
    result = bench_startup(args.repeats, media=args.media)
    if args.json:
        print_json(result)
    else:
        print(format_table(result["rows"]))
    return 0


def _register_all_and_startup(bench: argparse._SubParsersAction) -> None:
    p = bench.add_parser("all", help="every bench below (each in a child process) at a size that takes a few "
                         "minutes in all; one table of the figures and their ratios; exit 1 if one failed")
    p.add_argument("--only", nargs="+", metavar="BENCH", help="these benches only")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds one bench may take (600)")
    p.add_argument("--markdown", action="store_true", help="the table in Markdown (for the README)")
    p.add_argument("--json", action="store_true", help="the rows and every run's figures as JSON")
    p.set_defaults(func=cmd_bench_all)
    p = bench.add_parser("startup", help="`horus --help`, a verb and the main window: time to first output / "
                         "shown against bare Python / a bare Qt window")
    p.add_argument("--repeats", type=int, default=5, help="runs of each (the median is shown; 5)")
    p.add_argument("--media", type=int, default=300, help="media in the store the window opens (300)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_startup)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` verb and its benchmarks."""
    bench = sub.add_parser("bench", help="benchmarks (print figures)").add_subparsers(
        dest="bench_verb", metavar="WHAT", required=True)
    _register_all_and_startup(bench)
    p = bench.add_parser("store", help="media search on a generated store of N records")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--db", metavar="URL", help="an EMPTY database to fill (default a temporary SQLite file)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_store)
    p = bench.add_parser("montu", help="import a generated Montu export (27,600 media: about 50 MB, 59,000 records)")
    p.add_argument("--media", type=int, default=27_600)
    p.add_argument("--db", metavar="URL", help="an EMPTY database to fill (default a temporary SQLite file)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_montu)
    p = bench.add_parser("decode", help="decode pipeline frames/s against the bare library")
    p.add_argument("path")
    p.add_argument("--frames", type=int, default=48)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_decode)
    p = bench.add_parser("scrub", help="latency of scrubbing to uncached random frames vs one bare decode")
    p.add_argument("path")
    p.add_argument("--seeks", type=int, default=24)
    p.add_argument("--passes", type=int, default=2, help="seeks passed over (never shown) before each measured one")
    p.add_argument("--rounds", type=int, default=1,
                   help="the seeks again on frames picked anew, the cache cleared between (more seeks measured on "
                        "short media: a 95th percentile of fewer than 20 is the slowest one)")
    p.add_argument("--colour", choices=("gpu", "cpu"), default="gpu",
                   help="the viewer's colour path: gpu (the shader's, no CPU colour) or cpu (baked view on the CPU)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_scrub)
    p = bench.add_parser("colour", help="CPU colour step per 2K frame vs OCIO's exact processor and the EXR decode")
    p.add_argument("--view", help="the view of the default display (default: its default view)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_colour)
    p = bench.add_parser("ingest", help="ingest files/s and hashing MB/s against hashlib")
    p.add_argument("path", nargs="?", help="a media tree (default: a generated tree of 10,000 small files)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_ingest)
    p = bench.add_parser("playback", help="headless playback through the viewer's code path")
    p.add_argument("media", help="a movie, a sequence (shot.%%04d.exr / shot.####.exr) or a media id")
    p.add_argument("--seconds", type=float, default=None,
                   help="seconds to play (default 5; with --audio, 300 seconds of media time)")
    p.add_argument("--cold", action="store_true",
                   help="press play the moment the first frame shows (no read-ahead before playing)")
    p.add_argument("--audio", action="store_true", help="A/V sync of a movie with sound: worst av_offset_ms, "
                   "against a null audio output on a virtual clock (faster than real time)")
    p.add_argument("--realtime", action="store_true", help="with --audio: play against the wall clock")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_bench_playback)
    p = bench.add_parser("playlist", help="import of an N-clip OTIO file vs OpenTimelineIO's own read")
    p.add_argument("--clips", type=int, default=2000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_playlist)
    p = bench.add_parser("export", help="notes report of a 50-shot playlist (200 notes, 100 drawn frames) "
                         "to PDF and HTML vs decoding the frames alone")
    p.add_argument("--shots", type=int, default=50)
    p.add_argument("--image-width", type=int, default=960)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_export)
    p = bench.add_parser("notes", help="notes panel first paint with N notes; scene draw of a frame of M strokes")
    p.add_argument("--notes", type=int, default=2000)
    p.add_argument("--strokes", type=int, default=500)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_notes)
    from horus_desktop.cli.sync_verbs import register_bench
    from horus_desktop.cli.verb_bench import register_bench as register_verbs_bench

    register_bench(bench)
    register_verbs_bench(bench)
