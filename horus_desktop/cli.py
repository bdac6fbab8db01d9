"""The ``horus`` command: the app (default), and verbs for pipeline scripts.

Every verb takes ``--db URL`` (or ``$HORUS_DB``; default the local SQLite store) and ``--user NAME`` (or
``$HORUS_USER``; default the OS account). Verbs that list take ``--json``. These may come before the verb
too. With ``--json`` standard output holds the JSON only (see :mod:`horus_desktop.cli_output`).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from horus_desktop.cli_output import hoist_global_options, json_only_stdout, print_json
from horus_desktop.media.errors import MediaError
from horus_desktop.store import InvalidFieldError, NotFoundError, ReadOnlyStoreError
from horus_desktop.store.engine import StoreUrlError
from horus_desktop.timeline.errors import PlaylistError

VERBS = ("gui", "db", "media", "comment", "import-montu", "ingest", "bench", "demo", "playlist")


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="store: a SQLite path or a postgresql:// URL "
                        "(default $HORUS_DB, else the local store)")
    parser.add_argument("--user", metavar="NAME", help="who is acting (default $HORUS_USER, else the OS account)")


def _open(args: argparse.Namespace):  # noqa: ANN202 - returns horus_desktop.api.Horus
    from horus_desktop.api import Horus

    horus = Horus.open(args.db, user=args.user)
    if horus.store.read_only:
        print(f"horus: note: {horus.store.describe()}: browsing only, nothing can be changed", file=sys.stderr)
    return horus


# gui ----------------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window (after ingesting PATHs)."""
    from horus_desktop.domain.links import is_link, unsupported_message
    from horus_desktop.ui.app import run_gui

    # A clicked horus:// link arrives as an argument (desktop entry `Exec=horus %U`): not a path to ingest.
    notices = [unsupported_message(a) for a in args.paths if is_link(a)]
    for line in notices:
        print(f"horus: {line}", file=sys.stderr)
    paths = [a for a in args.paths if not is_link(a)]
    with _open(args) as horus:
        return run_gui(horus.store, paths=paths, user_id=horus.user.id, demo_if_empty=args.demo,
                       notice="; ".join(notices))


# db -----------------------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the schema."""
    from horus_desktop.store import schema
    from horus_desktop.store.engine import create_store_engine, resolve_store_url, sqlite_is_read_only

    url = resolve_store_url(args.db)
    if sqlite_is_read_only(url):
        raise CliError(f"{args.db or url}: the store (file or folder) cannot be written, so it cannot be upgraded "
                       "here: upgrade a writable copy")
    engine = create_store_engine(url)
    try:
        before = schema.current_revision(engine)
        copied = schema.upgrade(engine, backup=True)
        after = schema.current_revision(engine)
    finally:
        engine.dispose()
    if copied:
        print(f"copied the store aside to {copied}")
    print(f"schema at {after}" + (f" (was {before or 'empty'})" if before != after else " (already current)"))
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    """Where the store is and what it holds."""
    from horus_desktop.store import schema

    with _open(args) as horus:
        info = {"store": horus.store.describe(), "revision": schema.current_revision(horus.store.engine),
                "media": horus.store.media.count(), "user": horus.user.id,
                "files": str(horus.store.files_dir)}
    if args.json:
        print_json(info)
    else:
        for key, value in info.items():
            print(f"{key:9} {value}")
    return 0


# media --------------------------------------------------------------------------------------------


def cmd_media_list(args: argparse.Namespace) -> int:
    """Search media and print a page."""
    with _open(args) as horus:
        page = horus.search_media(
            project=args.project, episode=args.episode, sequence=args.sequence, shot=args.shot,
            department=args.department, task_type=args.task_type, status=args.status, artist=args.artist,
            file_type=args.file_type, created_from=args.since, created_to=args.until,
            latest_only=args.latest, text=args.search, sort_by=args.sort, descending=args.desc,
            offset=args.offset, limit=args.limit,
        )
    if args.json:
        print_json({"total": page.total, "offset": page.offset, "limit": page.limit, "items": page.items})
        return 0
    print(f"{page.total} media" + (f" (showing {page.offset + 1}-{page.offset + len(page.items)})"
                                   if page.items else ""))
    for m in page.items:
        frames = f"{m.start_frame}-{m.end_frame}" if m.start_frame is not None else "-"
        print(f"{m.id}  {m.project_id}/{m.sequence or '-'}/{m.shot or '-'}  {m.department or '-':8} "
              f"{m.version:6} {m.approval_status or '':9} {frames:11} {m.file_name}")
    return 0


def cmd_media_set_status(args: argparse.Namespace) -> int:
    """Set the approval status of media."""
    with _open(args) as horus:
        records = horus.set_status(args.media_ids, args.status)
    for m in records:
        print(f"{m.id}  {m.file_name}: {m.approval_status}")
    return 0


# comments -----------------------------------------------------------------------------------------


def cmd_comment_add(args: argparse.Namespace) -> int:
    """Write a note or a reply."""
    with _open(args) as horus:
        comment = horus.add_comment(args.media_id, args.text, frame=args.frame, reply_to=args.reply_to)
        unknown = horus.unknown_mentions(args.text)
    if unknown:  # the note is kept; the writer learns who was not told
        from horus_desktop.domain.mentions import unknown_mentions_message

        print(f"horus: note: {unknown_mentions_message(unknown)}", file=sys.stderr)
    if args.json:
        print_json(comment)
    else:
        print(comment.id)
    return 0


def _node_dict(node: Any) -> dict[str, Any]:
    return {**asdict(node.comment), "reactions": node.reaction_counts(),
            "attachments": [asdict(a) for a in node.attachments],
            "replies": [_node_dict(r) for r in node.replies]}


def cmd_comment_list(args: argparse.Namespace) -> int:
    """Print a media's note threads."""
    with _open(args) as horus:
        threads = horus.comments(args.media_id)
    if args.json:
        print_json([_node_dict(n) for n in threads])
        return 0
    for root in threads:
        for node in root.walk():
            c = node.comment
            at = f"[{c.frame_number}] " if c.frame_number is not None else ""
            done = " (resolved)" if c.is_resolved else ""
            print(f"{'    ' * (c.thread_depth or 0)}{c.user_name}: {at}{c.content}{done}  <{c.id}>")
    return 0


# import, ingest, demo -----------------------------------------------------------------------------


@contextmanager
def _store_with_progress(args: argparse.Namespace, label: str) -> Iterator[tuple[Any, Callable[..., None]]]:
    """The store opened as the user, and a terminal progress callback ``(done, total, label)``.

    Both are closed when the block ends. No bar is drawn when stderr is not a terminal (logs, pipes).
    """
    from tqdm import tqdm

    horus = _open(args)
    bar = tqdm(desc=label, unit="item", disable=not sys.stderr.isatty())

    def update(done: int, total: int, what: str = "") -> None:
        bar.total, bar.n = total, done
        if what:
            bar.set_postfix_str(what[-40:], refresh=False)
        bar.refresh()

    try:
        yield horus, update
    finally:
        bar.close()
        horus.close()


def _print_report(args: argparse.Namespace, report: Any, text: str) -> None:
    if args.json:
        print_json(report.to_dict())
    else:
        print(text)


def cmd_import_montu(args: argparse.Namespace) -> int:
    """Import a Montu JSON database folder."""
    from horus_desktop.migrate.montu import format_report, import_montu

    folder = Path(args.directory)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")
    try:
        with _store_with_progress(args, "montu import") as (horus, update):
            report = import_montu(horus.store, folder, user_id=horus.user.id, progress=update)
    except PermissionError as exc:
        raise CliError(f"{exc.filename or folder}: cannot read the folder ({exc.strerror})") from exc
    _print_report(args, report, format_report(report))
    # 0: all imported; 1: records failed (listed in the report); 2: a file or the folder could not be read.
    for problem in report.unreadable:
        print(f"horus: error: {problem}", file=sys.stderr)
    return report.exit_code


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest a folder tree or files (Ctrl+C cancels cleanly: what was written stays consistent)."""
    from horus_desktop.media.ingest import format_ingest_report

    cancel = threading.Event()
    with _store_with_progress(args, "ingest") as (horus, update):
        try:
            report = horus.ingest(args.path, project=args.project, template=args.template,
                                  thumbnails=args.thumbnails, progress=update, cancel=cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
    _print_report(args, report, format_ingest_report(report))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo project into the store."""
    from horus_desktop.demo import make_demo_project

    with _store_with_progress(args, "demo project") as (horus, update):
        root = Path(args.folder) if args.folder else horus.store.files_dir / "demo"
        report = make_demo_project(horus.store, root, progress=update)
    print(f"demo project: {len(report.media_ids)} media under {root}"
          + (f"; problems: {'; '.join(report.problems)}" if report.problems else ""))
    return 1 if report.problems else 0


def cmd_playlist_import(args: argparse.Namespace) -> int:
    """Import an .otio, .otioz or .edl file as a new playlist; print its id."""
    with _open(args) as horus:
        report = horus.import_playlist(args.file, name=args.name, project=args.project, rate=args.rate)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.timeline.id)
        if report.missing:
            print(f"{len(report.missing)} clip(s) without media: {', '.join(report.missing[:10])}", file=sys.stderr)
    return 0


def cmd_playlist_export(args: argparse.Namespace) -> int:
    """Write a playlist as .otio, .otioz or .edl (by extension)."""
    with _open(args) as horus:
        report = horus.export_playlist(args.playlist_id, args.file, record_start=args.record_start)
    print(report.path)
    for lost in report.lost:
        print(f"note: {lost}", file=sys.stderr)
    return 0


def cmd_playlist_list(args: argparse.Namespace) -> int:
    """List playlists with clip counts and durations."""
    with _open(args) as horus:
        rows = horus.playlists(project=args.project)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['id']}  {r['project']:10} {r['name'][:30]:30} {r['version'] or '':5} {r['status'] or '':9} "
              f"{r['clips']:5} clips  {r['duration_timecode'] or '-'}")
    return 0


def cmd_playlist_create(args: argparse.Namespace) -> int:
    """Create a playlist: empty, from media ids, or from a rule; print its id."""
    with _open(args) as horus:
        timeline = horus.create_playlist(args.name, project=args.project, media_ids=args.media or (),
                                         rule=args.rule, timeline_type=args.type)
    print(timeline.id)
    return 0


# bench --------------------------------------------------------------------------------------------


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

    result = bench_store(args.db, records=args.records, runs=args.runs)
    if args.json:
        print_json(result)
    return 0


def cmd_bench_decode(args: argparse.Namespace) -> int:
    """Frames per second of the decode pipeline against the bare library."""
    from horus_desktop.media.bench import bench_decode

    _bench_out(args, bench_decode(args.path, frames=args.frames))
    return 0


def cmd_bench_ingest(args: argparse.Namespace) -> int:
    """Files per second and hashing MB/s of ingest against hashlib."""
    from horus_desktop.media.bench import bench_ingest

    _bench_out(args, bench_ingest(args.path))
    return 0


def cmd_bench_playback(args: argparse.Namespace) -> int:
    """Play a media headless through the viewer's code path."""
    from horus_desktop.playback.bench import bench_playback

    options = {"seconds": args.seconds, "cold": args.cold}
    if Path(args.media).exists() or "%" in args.media or "#" in args.media:
        _bench_out(args, bench_playback(args.media, **options))
        return 0
    with _open(args) as horus:  # a media id: find its file through the store
        _bench_out(args, bench_playback(args.media, store=horus.store, **options))
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


# parser -------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The full ``horus`` argument parser."""
    parser = argparse.ArgumentParser(prog="horus", description="Horus: review media, draw and write notes.")
    parser.add_argument("--version", action="store_true",
                        help="print the versions of Horus, Qt, OCIO, OpenEXR, OTIO, FFmpeg and the schema")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window on a temporary store, run the demo through it, exit 0 if all worked")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")

    p = sub.add_parser("gui", help="open the main window (the default verb)")
    p.add_argument("paths", nargs="*", help="files or folders to ingest and open")
    p.add_argument("--demo", action="store_true", help="generate the demo project when the store is empty")
    _common(p)
    p.set_defaults(func=cmd_gui)

    db = sub.add_parser("db", help="the store's schema").add_subparsers(dest="db_verb", metavar="ACTION",
                                                                           required=True)
    p = db.add_parser("upgrade", help="create or migrate the schema (SQLite copied aside first)")
    _common(p)
    p.set_defaults(func=cmd_db_upgrade)
    p = db.add_parser("info", help="where the store is and what it holds")
    _common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_db_info)

    media = sub.add_parser("media", help="search media, set approval status").add_subparsers(
        dest="media_verb", metavar="ACTION", required=True)
    p = media.add_parser("list", help="search media")
    for flag in ("project", "episode", "sequence", "shot"):
        p.add_argument(f"--{flag}")
    p.add_argument("--department", action="append", help="repeatable")
    p.add_argument("--task-type", action="append", help="repeatable")
    p.add_argument("--status", action="append", help="repeatable: pending, approved, rejected, on_hold, ...")
    p.add_argument("--artist", action="append", help="repeatable")
    p.add_argument("--file-type", action="append", help="exr, jpg, mov, ... or movie/sequence/still; repeatable")
    p.add_argument("--since", type=_datetime_arg, help="created at or after (ISO date/time, UTC if no zone)")
    p.add_argument("--until", type=_datetime_arg, help="created at or before")
    p.add_argument("--latest", action="store_true", help="latest versions only")
    p.add_argument("--search", help="free text over names, paths, shots and tags")
    p.add_argument("--sort", default="created_at", help="column to sort on (default created_at)")
    p.add_argument("--asc", dest="desc", action="store_false", help="ascending (default descending)")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_media_list)
    p = media.add_parser("set-status", help="set approval status of one or more media")
    p.add_argument("media_ids", nargs="+", metavar="MEDIA_ID")
    p.add_argument("status", help="pending, approved, rejected or on_hold")
    _common(p)
    p.set_defaults(func=cmd_media_set_status)

    comment = sub.add_parser("comment", help="write and list notes").add_subparsers(
        dest="comment_verb", metavar="ACTION", required=True)
    p = comment.add_parser("add", help="write a note (or a reply)")
    p.add_argument("media_id")
    p.add_argument("--text", required=True)
    p.add_argument("--frame", type=int)
    p.add_argument("--reply-to", metavar="COMMENT_ID")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_comment_add)
    p = comment.add_parser("list", help="print a media's note threads")
    p.add_argument("media_id")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_comment_list)

    p = sub.add_parser("import-montu", help="import a Montu JSON database folder")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_import_montu)

    p = sub.add_parser("ingest", help="add the media of a folder tree (sequences, movies, stills)")
    p.add_argument("path")
    p.add_argument("--project", help="project id (default: from the path template)")
    p.add_argument("--template", help="path template, e.g. '{project}/{sequence}/{shot}/{department}/{version}'")
    p.add_argument("--no-thumbnails", dest="thumbnails", action="store_false",
                   help="skip making the browser's thumbnails")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("demo", help="generate the demo project into the store")
    p.add_argument("--folder", help="where to write its media (default: the store's files folder)")
    _common(p)
    p.set_defaults(func=cmd_demo)

    bench = sub.add_parser("bench", help="benchmarks (print figures)").add_subparsers(
        dest="bench_verb", metavar="WHAT", required=True)
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
    p = bench.add_parser("ingest", help="ingest files/s and hashing MB/s against hashlib")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_ingest)
    p = bench.add_parser("playback", help="headless playback through the viewer's code path")
    p.add_argument("media", help="a movie, a sequence (shot.%%04d.exr / shot.####.exr) or a media id")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--cold", action="store_true",
                   help="press play the moment the first frame shows (no read-ahead before playing)")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_bench_playback)
    p = bench.add_parser("playlist", help="import of an N-clip OTIO file vs OpenTimelineIO's own read")
    p.add_argument("--clips", type=int, default=2000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_playlist)
    p = bench.add_parser("notes", help="notes panel first paint with N notes; scene draw of a frame of M strokes")
    p.add_argument("--notes", type=int, default=2000)
    p.add_argument("--strokes", type=int, default=500)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_notes)

    playlist = sub.add_parser("playlist", help="playlists: import/export OTIO and EDL, list, create").add_subparsers(
        dest="playlist_verb", metavar="ACTION", required=True)
    p = playlist.add_parser("import", help="import an .otio, .otioz or .edl file (prints the new playlist id)")
    p.add_argument("file")
    p.add_argument("--name")
    p.add_argument("--project")
    p.add_argument("--rate", type=_rate_arg, help="frame rate of an EDL: 24, 25, 23.976, 29.97 or 30000/1001 (default: 29.97 for "
                   "a drop-frame EDL, else 24)")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_playlist_import)
    p = playlist.add_parser("export", help="write a playlist as .otio, .otioz or .edl (by extension)")
    p.add_argument("playlist_id")
    p.add_argument("file")
    p.add_argument("--record-start", metavar="TC", help="EDL: record timecode of the first frame "
                   "(default 01:00:00:00; 01:00:00;00 at 29.97)")
    _common(p)
    p.set_defaults(func=cmd_playlist_export)
    p = playlist.add_parser("list", help="playlists with clip counts and durations")
    p.add_argument("--project")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_playlist_list)
    p = playlist.add_parser("create", help="a new playlist: empty, from media ids, or from a rule")
    p.add_argument("--name", required=True)
    p.add_argument("--project", required=True)
    p.add_argument("--type", default="dailies", help="episode, sequence, department, dailies, client, custom")
    p.add_argument("--rule", help="'latest:sequence=sq010,department=comp' or 'submitted-today'")
    p.add_argument("--media", nargs="+", metavar="ID", help="media ids, in playlist order")
    _common(p)
    p.set_defaults(func=cmd_playlist_create)
    return parser


def _datetime_arg(text: str) -> datetime:
    from datetime import UTC

    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date/time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _rate_arg(text: str) -> Fraction:
    """A frame rate above 0 (``24``, ``29.97``, ``30000/1001``); 0, negative and NaN are refused."""
    from horus_desktop.timeline.edl import exact_rate

    try:
        return exact_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``horus`` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The installed app's own checks need no store, and answer before anything else is imported.
    if args_list[:1] == ["--version"]:
        from horus_desktop.ui.version_report import print_versions

        return print_versions()
    if args_list[:1] == ["--smoke-test"]:
        from horus_desktop.ui.smoke_test import run_smoke_test

        return run_smoke_test()
    args_list = hoist_global_options(args_list)
    # `horus` and `horus PATH...` open the window: the verb is optional.
    if not args_list or (args_list[0] not in VERBS and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "gui")
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        with json_only_stdout(bool(getattr(args, "json", False))):
            return int(args.func(args) or 0)
    except (CliError, NotFoundError, InvalidFieldError, StoreUrlError, PlaylistError, MediaError,
            ReadOnlyStoreError) as exc:
        print(f"horus: error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"horus: error: cannot use the store: {exc.orig or exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"horus: error: store refused the change: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("horus: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`horus media list --json | head`): not our error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
