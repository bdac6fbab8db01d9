"""``horus offline take PLAYLIST | --project ... --shot ...``: copy media to this machine before leaving the studio.

The copy goes to the mapped local roots (``horus paths map``), is resumable (run it again after an interruption)
and is verified against the SHA-256 the store holds; see :mod:`horus_desktop.services.offline`.
Exit 0 when everything is here and verified, 1 when some media could not be taken (each named), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys

from horus_desktop.cli.common import CliError, add_store_options, announce, open_horus
from horus_desktop.cli.media import add_filter_options, filter_values
from horus_desktop.cli_output import print_json

#: A --filter run copies at most this many media unless --limit says otherwise (a typo must not copy a show).
FILTER_LIMIT = 500


def _records(horus, args: argparse.Namespace) -> list:  # noqa: ANN001 - Horus, list[MediaRecord]
    from horus_desktop.services.offline import playlist_media

    filters = filter_values(args)
    if args.playlist:
        if any(v for v in filters.values()):
            raise CliError("offline take: give a PLAYLIST or filters, not both")
        return playlist_media(horus.store, args.playlist)
    if not any(v for v in filters.values()):
        raise CliError("offline take: give a PLAYLIST (id or name) or filters such as --project and --shot")
    page = horus.search_media(**filters, offset=0, limit=args.limit)
    if page.total is not None and page.total > args.limit:
        raise CliError(f"offline take: the filters match {page.total} media, more than --limit {args.limit}")
    return list(page.items)


def cmd_offline_take(args: argparse.Namespace) -> int:
    """Copy the media of a playlist (or of a search) to this machine, with a progress bar."""
    filters = any(v for v in filter_values(args).values())
    if bool(args.playlist) != filters:  # one of them: else the verb says what to give
        announce("offline: copying " + (f"the media of playlist {args.playlist!r}" if args.playlist else
                                        "the media the filters find") + " to this machine's mapped local roots")
    from tqdm import tqdm

    # On a terminal the bar is the first output, before the store and the copier load.
    bar = tqdm(desc="offline", unit="B", unit_scale=True, unit_divisor=1024, disable=not sys.stderr.isatty())
    try:
        from horus_desktop.services.offline import take_offline

        with open_horus(args) as horus:
            records = _records(horus, args)
    except BaseException:
        bar.close()
        raise

    def progress(done: int, total: int, what: str) -> None:
        bar.total, bar.n = total, done
        bar.set_postfix_str(what[-40:], refresh=False)
        bar.refresh()

    try:
        report = take_offline(records, progress=progress)
    finally:
        bar.close()
    if args.json:
        print_json(report.to_dict())
    else:
        for r in report.results:
            if r.state in ("mismatch", "failed"):
                print(f"horus: {r.file_name} ({r.media_id}): {r.state}: {r.detail}", file=sys.stderr)
        print(f"{len(report.results)} media: {report.summary()}")
    return 0 if report.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``offline`` verb."""
    offline = sub.add_parser("offline", help="copy media to this machine for review without the studio").add_subparsers(
        dest="offline_verb", metavar="ACTION", required=True)
    p = offline.add_parser("take", help="copy a playlist's media (or a search's) to the mapped local roots")
    p.add_argument("playlist", nargs="?", metavar="PLAYLIST", help="playlist id or name (or use the filters)")
    add_filter_options(p)
    p.add_argument("--limit", type=int, default=FILTER_LIMIT,
                   help=f"most media a filter may select (default {FILTER_LIMIT})")
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_offline_take)
