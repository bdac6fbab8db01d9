"""``horus export notes`` and ``horus export frames``: dailies reports (PDF, HTML, CSV) and burned-in frames.

The report covers a playlist (``--playlist ID|NAME``), one media (``--media ID``) or the media the search
filters find. Frames are drawn with the viewer's own code on Qt's off-screen platform (no display needed).
Exit 0 when written, 2 on bad input (one line naming the field or file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from horus_desktop.cli.common import CliError, add_store_options, announce, open_horus
from horus_desktop.cli.media import add_filter_options, filter_values
from horus_desktop.cli_output import print_json
from horus_desktop.domain.wording import counted

FILTER_LIMIT = 500


def _report(horus, args: argparse.Namespace):  # noqa: ANN001, ANN202 - Horus -> NotesReport
    from horus_desktop.services.notes_report import build_report, media_report, playlist_report

    options = {"reviewer": args.reviewer or horus.user.display_name, "grouping": args.group_by,
               "open_only": args.open_only}
    filters = filter_values(args)
    given = [bool(args.playlist), bool(args.media), any(v for v in filters.values())]
    if sum(given) != 1:
        raise CliError("export: give exactly one of --playlist, --media or search filters (--project, --shot, ...)")
    if args.playlist:
        return playlist_report(horus.store, args.playlist, **options)
    if args.media:
        return media_report(horus.store, args.media, **options)
    page = horus.search_media(**filters, offset=0, limit=args.limit)
    if page.total is not None and page.total > args.limit:
        raise CliError(f"export: the filters match {page.total} media, more than --limit {args.limit}")
    return build_report(horus.store, list(page.items), title="Notes", scope="Media matching the filters", **options)


def _scope_words(args: argparse.Namespace) -> str | None:
    """What the report covers, in words, for the verb's first line (None when the scope is not one of the three:
    the verb then says what is wrong)."""
    filters = {k: v for k, v in filter_values(args).items() if v}
    given = [bool(args.playlist), bool(args.media), bool(filters)]
    if sum(given) != 1:
        return None
    if args.playlist:
        return f"playlist {args.playlist!r}"
    if args.media:
        return f"media {args.media}"
    return "the media the filters find"


def _progress(label: str):  # noqa: ANN202 - a (done, total, what) callback and the bar
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="frame", disable=not sys.stderr.isatty())

    def progress(done: int, total: int, what: str) -> None:
        bar.total, bar.n = total, done
        bar.set_postfix_str(what[-40:], refresh=False)
        bar.refresh()

    return progress, bar


def cmd_export_notes(args: argparse.Namespace) -> int:
    """Write the notes report."""
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: the folder {out.parent} does not exist")
    if args.image_width < 64 or args.image_width > 8192:
        raise CliError(f"--image-width {args.image_width}: between 64 and 8192")
    scope = _scope_words(args)
    if scope:
        announce(f"export: the {args.format.upper()} notes report of {scope} to {out}")
    with open_horus(args) as horus:
        report = _report(horus, args)
    from horus_desktop.media.colour import default_colour_config
    from horus_desktop.services.media_paths import media_paths
    from horus_desktop.ui.reports.export import export_report
    from horus_desktop.ui.reports.headless import headless_app

    headless_app()
    progress, bar = _progress("export")
    try:
        result = export_report(report, args.format, out, default_colour_config(), image_width=args.image_width,
                               paths=media_paths(), progress=progress)
    finally:
        bar.close()
    if args.json:
        print_json({"path": str(result.path), "frames": result.frames, "notes": result.notes,
                    "problems": [f"{m}@{f}: {p}" for (m, f), p in result.problems.items()]})
    else:
        for problem in result.problems.values():
            print(f"horus: note: {problem}", file=sys.stderr)
        print(f"{result.path}: {counted(result.notes, 'note')}, {counted(result.frames, 'frame')}")
    return 0


def cmd_export_frames(args: argparse.Namespace) -> int:
    """Write every noted or drawn frame, burned in."""
    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"--out {folder}: not a folder")
    if not folder.exists() and not folder.parent.is_dir():  # the folder itself is made; its parent must be there
        raise CliError(f"--out {folder}: no such folder: {folder.parent}")
    scope = _scope_words(args)
    if scope:
        announce(f"export: the noted and drawn frames of {scope}, burned in, as {args.format.upper()} to {folder}")
    with open_horus(args) as horus:
        report = _report(horus, args)
    from horus_desktop.media.colour import default_colour_config
    from horus_desktop.services.media_paths import media_paths
    from horus_desktop.ui.reports.frame_export import export_report_frames
    from horus_desktop.ui.reports.headless import headless_app

    headless_app()
    folder.mkdir(exist_ok=True)
    progress, bar = _progress("frames")
    try:
        written = export_report_frames(report, folder, default_colour_config(), fmt=args.format, slate=args.slate,
                                       paths=media_paths(), progress=progress)
    finally:
        bar.close()
    if args.json:
        print_json([str(p) for p in written])
    else:
        print(f"{counted(len(written), 'frame')} written to {folder}")
    return 0


def _scope(p: argparse.ArgumentParser) -> None:
    p.add_argument("--playlist", metavar="ID|NAME", help="a playlist's media, in clip order")
    p.add_argument("--media", metavar="ID", help="one media")
    add_filter_options(p)
    p.add_argument("--limit", type=int, default=FILTER_LIMIT, help=f"most media filters may select ({FILTER_LIMIT})")
    p.add_argument("--group-by", choices=("none", "artist", "department"), default="none")
    p.add_argument("--open-only", action="store_true", help="only notes not resolved")
    p.add_argument("--reviewer", help="the name on the title page (default: --user)")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` verb."""
    export = sub.add_parser("export", help="notes reports (PDF, HTML, CSV) and burned-in frames").add_subparsers(
        dest="export_verb", metavar="ACTION", required=True)
    p = export.add_parser("notes", help="a notes report with the annotated frames")
    p.add_argument("--format", choices=("pdf", "html", "csv"), required=True)
    p.add_argument("--image-width", type=int, default=960, help="width of the frame images in pixels (960)")
    _scope(p)
    p.set_defaults(func=cmd_export_notes)
    p = export.add_parser("frames", help="every noted or drawn frame with its drawings burned in")
    p.add_argument("--format", choices=("png", "jpg", "exr"), default="png")
    p.add_argument("--slate", action="store_true", help="a line under each frame: shot, version, frame, timecode")
    _scope(p)
    p.set_defaults(func=cmd_export_frames)
