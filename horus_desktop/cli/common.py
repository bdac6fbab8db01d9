"""What every verb module shares: the one-line error, the store/user options, opening the store.

Kept free of heavy imports: ``horus --help`` builds every verb's parser, and must not load SQLAlchemy or Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from horus_desktop.cli_output import print_json

if TYPE_CHECKING:
    from horus_desktop.store.quick_read import QuickReader
    from horus_desktop.store.quick_write import QuickWriter

T = TypeVar("T")


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def text_argument(value: str) -> str:
    """An argparse type: text the store can hold. A byte that is not UTF-8 (a Latin-1 terminal, a file name
    pasted from elsewhere) reaches Python as a lone surrogate, which SQLite cannot encode: refused here, naming
    the argument, before the store is opened (it raised a traceback after the sign-in was written)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise argparse.ArgumentTypeError(f"not UTF-8 text (a byte 0x{ord(value[exc.start]) & 0xFF:02x} at "
                                         f"character {exc.start + 1})") from None
    return value


def _int64(value: str, noun: str, bounds: str) -> int:
    """``value`` as a whole number SQLite can be given (64 bits), else an argparse error naming ``noun`` and
    ``bounds``."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a {noun}: {value!r}") from None
    if not -2 ** 63 <= number < 2 ** 63:
        raise argparse.ArgumentTypeError(f"{value[:30]}{'...' if len(value) > 30 else ''}: out of range ({bounds})")
    return number


def int64_argument(value: str) -> int:
    """An argparse type: a whole number SQLite can be given (64 bits; the range a negative one is checked
    in is the verb's)."""
    return _int64(value, "whole number", f"at most {2 ** 63 - 1}")


def frame_argument(value: str) -> int:
    """An argparse type: a frame number the store can hold (SQLite's 64-bit integer)."""
    return _int64(value, "whole frame number", f"a frame is from {-2 ** 63} to {2 ** 63 - 1}")


def add_store_options(parser: argparse.ArgumentParser, *, reads: bool = False) -> None:
    """``--db`` and ``--user``, which every verb that opens the store takes (before the verb too).

    ``reads``: the verb only reads the store (lists, info, reports), so a ``--db`` file that does not exist is
    refused (see :func:`check_store_folder`) rather than made a new empty store."""
    reads_store(parser, reads)
    parser.add_argument("--db", metavar="URL", help="store: a SQLite path or a postgresql:// URL "
                        "(default $HORUS_DB, else the local store)")
    parser.add_argument("--user", metavar="NAME", type=text_argument, help="who is acting (default $HORUS_USER, else the OS account)")


def reads_store(parser: argparse.ArgumentParser, reads: bool = True) -> None:
    """Mark a verb as one that only reads the store: a ``--db`` file that does not exist is then refused."""
    parser.set_defaults(store_must_exist=reads)


def check_store_folder(args: argparse.Namespace) -> None:
    """Refuse a SQLite store named (``--db``, else ``$HORUS_DB``) in a folder that does not exist, before anything
    opens it: the store would make the folder and a new empty store, so a typo in a path gave an empty store
    without a word. A missing file in an existing folder is a new store, as always; the default store's folder
    is made on first use.

    A verb that only reads the store (``store_must_exist``: db info, media list, comment list, playlist
    list/notes/export, export, paths where, offline take, sync status/conflicts) refuses a named SQLite file that
    does not exist too: a new empty store is what a typo gives, never what a read asks for. Verbs that add
    (ingest, demo, comment add, playlist import/create, sync, db upgrade, the window) still make one."""
    if not hasattr(args, "db"):
        return  # a verb that uses no store
    if args.db is not None:
        given, named = args.db, "--db "
    elif os.environ.get("HORUS_DB"):
        given, named = os.environ["HORUS_DB"], "HORUS_DB="
    else:
        return  # the default store
    from horus_desktop.store.quick_read import sqlite_path

    path = sqlite_path(given) if given else None
    if path is None:
        return
    if path.parent.is_dir():
        if getattr(args, "store_must_exist", False) and not path.exists():
            raise CliError(f"{named}{given}: no store there (the file does not exist; nothing was created); check "
                           "the path, or make a store with a verb that adds to it: horus ingest, horus demo, "
                           "horus playlist import")
        return
    if path.parent.exists():
        raise CliError(f"{named}{given}: {path.parent} is not a folder (nothing was created)")
    raise CliError(f"{named}{given}: the folder {path.parent} does not exist (nothing was created); to make a new "
                   f"store there, create the folder first: mkdir -p {path.parent}")


@contextmanager
def open_horus(args: argparse.Namespace) -> Iterator[Any]:
    """The store of ``--db`` opened as ``--user`` (a ``horus_desktop.api.Horus``), closed when the block ends;
    a read-only store is announced on stderr.

    The sign-in (the user's last login, or the user made, and its sync op) is written with the command's first
    change, in its transaction, or alone when the block ends without an error: a command that fails (a media
    not found, input refused) leaves the store as it was, as the quick paths do."""
    from horus_desktop.api import Horus

    horus = Horus.open(args.db, user=args.user, defer_sign_in=True)
    try:
        if horus.store.read_only:
            print(f"horus: note: {horus.store.describe()}: browsing only, nothing can be changed", file=sys.stderr)
        yield horus
        horus.store.uow.settle()
    finally:
        horus.close()


def quick_answer(args: argparse.Namespace, ask: Callable[[QuickReader], T]) -> T | None:
    """``ask`` answered from a current SQLite store without SQLAlchemy (see :mod:`horus_desktop.store.quick_read`),
    or None when the verb must take the full path (:func:`open_horus`): the answers are the same."""
    from horus_desktop.store.quick_read import NotHere, QuickReader

    reader = QuickReader.open(args.db)
    if reader is None:
        return None
    try:
        return ask(reader)
    except NotHere:
        return None
    finally:
        reader.close()


def quick_write(args: argparse.Namespace, write: Callable[[QuickWriter, str], T]) -> T | None:
    """``write(writer, user)`` done on a current SQLite store without SQLAlchemy (see
    :mod:`horus_desktop.store.quick_write`: the same rows, ops and sign-in), or None when the verb must take
    the full path (:func:`open_horus`), which then does it (or says what is wrong) as before."""
    import sqlite3

    from horus_desktop.store.quick_read import NotHere, default_user_id
    from horus_desktop.store.quick_write import QuickWriter, StoreBusy

    writer = QuickWriter.open(args.db)
    if writer is None:
        return None
    try:
        return write(writer, args.user or default_user_id())
    except StoreBusy as exc:  # the full path's words (StoreUnavailableError), after one wait for the lock
        raise CliError(f"cannot use the store: {exc}") from exc
    except (NotHere, sqlite3.Error):  # a write's own errors are NotHere already; a read's: full path
        return None
    finally:
        writer.close()


@contextmanager
def store_with_progress(args: argparse.Namespace, label: str) -> Iterator[tuple[Any, Callable[..., None]]]:
    """The store opened as the user, and a terminal progress callback ``(done, total, label)``.

    Both are closed when the block ends. No bar is drawn when stderr is not a terminal (logs, pipes). On a
    terminal the bar shows before the store and its libraries load: the verb's first output, within moments.
    """
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="item", disable=not sys.stderr.isatty())

    def update(done: int, total: int, what: str = "") -> None:
        bar.total, bar.n = total, done
        if what:
            bar.set_postfix_str(what[-40:], refresh=False)
        bar.refresh()

    with ExitStack() as stack:
        stack.callback(bar.close)
        yield stack.enter_context(open_horus(args)), update


def announce(what: str) -> None:
    """A long-running verb's first line, on stderr before its libraries load: what it is about to do (a script's
    log and a terminal both see it at once; standard output keeps the result, or the JSON, alone)."""
    print(f"horus: {what} ...", file=sys.stderr, flush=True)


def files_folder(db: str | None) -> str:
    """Where the store of ``--db`` keeps its files (beside a SQLite file), as the store will say, for a verb's
    first line; without loading the store."""
    from horus_desktop.store.quick_read import sqlite_path

    path = sqlite_path(db)
    return str(path.parent / f"{path.stem}-files") if path is not None else "the store's files folder"


def print_report(args: argparse.Namespace, report: Any, text: str) -> None:
    """A report as JSON with ``--json``, else its text."""
    if args.json:
        print_json(report.to_dict())
    else:
        print(text)
