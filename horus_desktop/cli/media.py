"""``horus media list|set-status``: search media, set approval status."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from horus_desktop.cli.common import (
    add_store_options,
    int64_argument,
    open_horus,
    quick_answer,
    quick_write,
    text_argument,
)
from horus_desktop.cli_output import print_json


def cmd_media_list(args: argparse.Namespace) -> int:
    """Search media and print a page."""
    from horus_desktop.domain.media_query import MediaQuery

    f = filter_values(args)
    # The query Horus.search_media makes of the same keywords (one value or a list: a tuple).
    query = MediaQuery(
        project_id=f["project"], episode=f["episode"], sequence=f["sequence"], shot=f["shot"],
        departments=_tuple(f["department"]), task_types=_tuple(f["task_type"]), statuses=_tuple(f["status"]),
        artists=_tuple(f["artist"]), file_types=_tuple(f["file_type"]), created_from=f["created_from"],
        created_to=f["created_to"], latest_only=f["latest_only"], text=f["text"], sort_by=args.sort,
        descending=args.desc, offset=args.offset, limit=args.limit, with_total=True)
    page = quick_answer(args, lambda reader: reader.search_media(query))
    if page is None:
        with open_horus(args) as horus:
            page = horus.search_media(**f, sort_by=args.sort, descending=args.desc, offset=args.offset,
                                      limit=args.limit)
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
    records = quick_write(args, lambda writer, user: writer.set_status(user, args.media_ids, args.status))
    if records is None:
        with open_horus(args) as horus:
            records = horus.set_status(args.media_ids, args.status)
    for m in records:
        print(f"{m.id}  {m.file_name}: {m.approval_status}")
    return 0


def _datetime_arg(text: str) -> datetime:
    from datetime import UTC

    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date/time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The media search filters (``media list``, ``offline take``): read them back with :func:`filter_values`."""
    for flag in ("project", "episode", "sequence", "shot"):
        p.add_argument(f"--{flag}", type=text_argument)
    p.add_argument("--department", action="append", type=text_argument, help="repeatable")
    p.add_argument("--task-type", action="append", type=text_argument, help="repeatable")
    p.add_argument("--status", action="append", type=text_argument, help="repeatable: pending, approved, rejected, on_hold, ...")
    p.add_argument("--artist", action="append", type=text_argument, help="repeatable")
    p.add_argument("--file-type", action="append", type=text_argument, help="exr, jpg, mov, ... or movie/sequence/still; repeatable")
    p.add_argument("--since", type=_datetime_arg, help="created at or after (ISO date/time, UTC if no zone)")
    p.add_argument("--until", type=_datetime_arg, help="created at or before")
    p.add_argument("--latest", action="store_true", help="latest versions only")
    p.add_argument("--search", type=text_argument, help="free text over names, paths, shots and tags")


def filter_values(args: argparse.Namespace) -> dict[str, Any]:
    """The filters of :func:`add_filter_options` as ``Horus.search_media`` keywords."""
    return {"project": args.project, "episode": args.episode, "sequence": args.sequence, "shot": args.shot,
            "department": args.department, "task_type": args.task_type, "status": args.status,
            "artist": args.artist, "file_type": args.file_type, "created_from": args.since,
            "created_to": args.until, "latest_only": args.latest, "text": args.search}


def _tuple(value: list[str] | None) -> tuple[str, ...]:
    return tuple(value) if value else ()


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``media`` verb and its actions."""
    media = sub.add_parser("media", help="search media, set approval status").add_subparsers(
        dest="media_verb", metavar="ACTION", required=True)
    p = media.add_parser("list", help="search media")
    add_filter_options(p)
    p.add_argument("--sort", default="created_at", type=text_argument, help="column to sort on (default created_at)")
    p.add_argument("--asc", dest="desc", action="store_false", help="ascending (default descending)")
    p.add_argument("--offset", type=int64_argument, default=0)
    p.add_argument("--limit", type=int64_argument, default=200)
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_media_list)
    p = media.add_parser("set-status", help="set approval status of one or more media")
    p.add_argument("media_ids", nargs="+", metavar="MEDIA_ID")
    p.add_argument("status", help="pending, approved, rejected or on_hold")
    add_store_options(p)
    p.set_defaults(func=cmd_media_set_status)
    from horus_desktop.cli.media_sound import register_sound

    register_sound(media)
