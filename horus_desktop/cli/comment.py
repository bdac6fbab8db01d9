"""``horus comment add|list``: write and read notes."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from types import SimpleNamespace
from typing import Any

from horus_desktop.cli.common import (
    add_store_options,
    frame_argument,
    open_horus,
    quick_answer,
    quick_write,
    text_argument,
)
from horus_desktop.cli_output import print_json


def cmd_comment_add(args: argparse.Namespace) -> int:
    """Write a note or a reply."""
    def quick(writer: Any, user: str) -> tuple[Any, list[str]]:
        note = writer.add_comment(user, args.media_id, args.text, frame=args.frame, reply_to=args.reply_to)
        # Without --json only the id is printed: the record (its dataclasses' import) is left unread.
        return (writer.comment(note) if args.json else SimpleNamespace(id=note)), writer.unknown_mentions(args.text)

    written = quick_write(args, quick)
    if written is None:
        with open_horus(args) as horus:
            written = (horus.add_comment(args.media_id, args.text, frame=args.frame, reply_to=args.reply_to),
                       horus.unknown_mentions(args.text))
    comment, unknown = written
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
    threads = quick_answer(args, lambda reader: reader.comment_threads(args.media_id))
    if threads is None:
        with open_horus(args) as horus:
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


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``comment`` verb and its actions."""
    comment = sub.add_parser("comment", help="write and list notes").add_subparsers(
        dest="comment_verb", metavar="ACTION", required=True)
    p = comment.add_parser("add", help="write a note (or a reply)")
    p.add_argument("media_id")
    p.add_argument("--text", required=True, type=text_argument)
    p.add_argument("--frame", type=frame_argument)
    p.add_argument("--reply-to", metavar="COMMENT_ID")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_comment_add)
    p = comment.add_parser("list", help="print a media's note threads")
    p.add_argument("media_id")
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_comment_list)
