"""``horus ingest PATH``: add the media of a folder tree."""

from __future__ import annotations

import argparse
import threading

from horus_desktop.cli.common import add_store_options, announce, print_report, store_with_progress


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest a folder tree or files (Ctrl+C cancels cleanly: what was written stays consistent)."""
    import os  # the first line comes before the media engine loads

    if os.path.exists(args.path):  # a missing one: the error is the first line, as before
        announce(f"ingest: scanning {os.path.abspath(args.path)} for sequences, movies and stills")
    from horus_desktop.media.ingest import format_ingest_report

    cancel = threading.Event()
    with store_with_progress(args, "ingest") as (horus, update):
        try:
            report = horus.ingest(args.path, project=args.project, template=args.template,
                                  thumbnails=args.thumbnails, progress=update, cancel=cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
    print_report(args, report, format_ingest_report(report))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` verb."""
    p = sub.add_parser("ingest", help="add the media of a folder tree (sequences, movies, stills)")
    p.add_argument("path")
    p.add_argument("--project", help="project id (default: from the path template)")
    p.add_argument("--template", help="path template, e.g. '{project}/{sequence}/{shot}/{department}/{version}'")
    p.add_argument("--no-thumbnails", dest="thumbnails", action="store_false",
                   help="skip making the browser's thumbnails")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_ingest)
