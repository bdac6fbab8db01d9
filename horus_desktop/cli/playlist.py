"""``horus playlist import|export|list|create|notes``: playlists, OTIO/EDL files, and a playlist's dailies notes."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from horus_desktop.cli.common import (
    add_store_options,
    announce,
    open_horus,
    quick_answer,
    quick_write,
    text_argument,
)
from horus_desktop.cli_output import print_json
from horus_desktop.domain.wording import counted

if TYPE_CHECKING:  # fractions loads with a rate given (the list, create and export verbs need none)
    from fractions import Fraction


def cmd_playlist_import(args: argparse.Namespace) -> int:
    """Import an .otio, .otioz or .edl file as a new playlist; print its id."""
    import os  # the first line comes before the store and OTIO load; a missing file: its error comes first

    if os.path.isfile(args.file):
        announce(f"playlist: importing {os.path.abspath(args.file)} as a new playlist")
    with open_horus(args) as horus:
        report = horus.import_playlist(args.file, name=args.name, project=args.project, rate=args.rate)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.timeline.id)
        if report.missing:
            print(f"{counted(len(report.missing), 'clip')} without media: {', '.join(report.missing[:10])}",
                  file=sys.stderr)
    for kept in report.kept:  # unknown annotation schemas: on stderr with --json too (stdout stays JSON)
        print(f"note: {kept}", file=sys.stderr)
    return 0


def cmd_playlist_export(args: argparse.Namespace) -> int:
    """Write a playlist as .otio, .otioz or .edl (by extension)."""
    import os  # the first line comes before the store and OTIO load; a format it cannot write: the error first

    if os.path.splitext(args.file)[1].lower() in (".otio", ".otioz", ".edl"):
        announce(f"playlist: writing playlist {args.playlist} to {args.file}")
    from horus_desktop.services.playlist_names import find_playlist

    with open_horus(args) as horus:
        playlist_id = find_playlist(horus.store, args.playlist)
        report = horus.export_playlist(playlist_id, args.file, record_start=args.record_start)
    print(report.path)
    for lost in report.lost:
        print(f"note: {lost}", file=sys.stderr)
    return 0


def cmd_playlist_list(args: argparse.Namespace) -> int:
    """List playlists with clip counts and durations."""
    rows = quick_answer(args, lambda reader: reader.playlists(args.project))
    if rows is None:
        with open_horus(args) as horus:
            rows = horus.playlists(project=args.project)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        clips = f"{r['clips']:5} " + ("clip " if r["clips"] == 1 else "clips")  # padded: the timecodes line up
        print(f"{r['id']}  {r['project']:10} {r['name'][:30]:30} {r['version'] or '':5} {r['status'] or '':9} "
              f"{clips}  {r['duration_timecode'] or '-'}")
    return 0


def cmd_playlist_create(args: argparse.Namespace) -> int:
    """Create a playlist: empty, from media ids, or from a rule; print its id."""
    created = None
    if not args.rule:  # empty or of media ids: written with sqlite3 on a current SQLite store (quick_playlist)
        from horus_desktop.store.quick_playlist import create_playlist

        created = quick_write(args, lambda writer, user: create_playlist(
            writer, user, args.name, args.project, args.media or (), args.type))
    if created is None:
        with open_horus(args) as horus:
            created = horus.create_playlist(args.name, project=args.project, media_ids=args.media or (),
                                            rule=args.rule, timeline_type=args.type).id
    print(created)
    return 0


def cmd_playlist_notes(args: argparse.Namespace) -> int:
    """Every note made in a playlist, grouped by shot then version (the dailies notes list)."""
    from horus_desktop.services.dailies import dailies_notes, format_notes

    listing = quick_answer(args, lambda reader: _quick_notes(reader, args.playlist))
    if listing is None:
        with open_horus(args) as horus:
            listing = dailies_notes(horus.store, args.playlist)
    if args.json:
        print_json(listing.to_dict())
    else:
        print(format_notes(listing))
    return 0


def _quick_notes(reader: Any, playlist: str) -> Any:
    """The dailies notes list read without SQLAlchemy (store/quick_store.py: the same reads, the same layout);
    a name no playlist or several have goes to the full path, which says so (with the clip counts)."""
    import uuid

    from horus_desktop.services.dailies import dailies_notes
    from horus_desktop.services.playlist_names import playlists_named
    from horus_desktop.store.quick_read import NotHere
    from horus_desktop.store.quick_store import QuickStore

    store = QuickStore(reader)
    try:
        playlist_id = uuid.UUID(playlist)
    except ValueError:
        named = playlists_named((t for t, _ in store.timelines.list()), playlist)  # as find_playlist
        if len(named) != 1:
            raise NotHere("no playlist, or several, of that name: the full path says which") from None
        playlist_id = named[0].id
    return dailies_notes(store, playlist_id)


def _rate_arg(text: str) -> Fraction:
    """A frame rate above 0 (``24``, ``29.97``, ``30000/1001``); 0, negative and NaN are refused."""
    from horus_desktop.timeline.edl import exact_rate

    try:
        return exact_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``playlist`` verb and its actions."""
    playlist = sub.add_parser("playlist", help="playlists: import/export OTIO and EDL, list, create, notes").add_subparsers(
        dest="playlist_verb", metavar="ACTION", required=True)
    p = playlist.add_parser("import", help="import an .otio, .otioz or .edl file (prints the new playlist id)")
    p.add_argument("file")
    p.add_argument("--name")
    p.add_argument("--project")
    p.add_argument("--rate", type=_rate_arg, help="frame rate of an EDL: 24, 25, 23.976, 29.97 or 30000/1001 (default: 29.97 for "
                   "a drop-frame EDL, else 24)")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_playlist_import)
    p = playlist.add_parser("export", help="write a playlist as .otio, .otioz or .edl (by extension)")
    p.add_argument("playlist", metavar="PLAYLIST", help="playlist id or name (exact, else ignoring case; a name "
                   "several playlists have is refused, listing their ids)")
    p.add_argument("file", metavar="FILE", help="the file to write: .otio, .otioz or .edl")
    p.add_argument("--record-start", metavar="TC", help="EDL: record timecode of the first frame "
                   "(default 01:00:00:00; 01:00:00;00 at 29.97)")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_playlist_export)
    p = playlist.add_parser("list", help="playlists with clip counts and durations")
    p.add_argument("--project")
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_playlist_list)
    p = playlist.add_parser("create", help="a new playlist: empty, from media ids, or from a rule")
    p.add_argument("--name", required=True, type=text_argument)
    p.add_argument("--project", required=True, type=text_argument)
    p.add_argument("--type", default="dailies", help="episode, sequence, department, dailies, client, custom")
    p.add_argument("--rule", help="'latest:sequence=sq010,department=comp' or 'submitted-today'")
    p.add_argument("--media", nargs="+", metavar="ID", help="media ids, in playlist order")
    add_store_options(p)
    p.set_defaults(func=cmd_playlist_create)
    p = playlist.add_parser("notes", help="every note made in a playlist, grouped by shot then version")
    p.add_argument("playlist", metavar="PLAYLIST", help="playlist id or name (exact, else ignoring case; a name "
                   "several playlists have is refused, listing their ids)")
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_playlist_notes)
