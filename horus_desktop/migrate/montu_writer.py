"""Writing mapped Montu records: one transaction per file, batched inserts, one bad record set aside alone.

A file's rows are written in chunks, each under a savepoint, inside the file's transaction: an interrupted
import (Ctrl+C, a kill, a crash) leaves no file half-imported, and a re-run writes what is missing. When a
chunk is refused (a value the database will not keep), it is written again record by record, each under its
own savepoint, so only the bad records are reported and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from horus_desktop.migrate.montu_fields import FieldError
from horus_desktop.migrate.montu_report import ImportProblem, ReportBuilder
from horus_desktop.store import InvalidFieldError, NotFoundError, Store
from horus_desktop.store.repositories.imports import ImportRepository, StoreWriteError

T = TypeVar("T")
CHUNK = 1000
#: What writing one record may raise when its values cannot be stored; anything else is a bug.
WRITE_ERRORS = (StoreWriteError, InvalidFieldError, NotFoundError, FieldError)


def reason(exc: BaseException) -> str:
    """A one-line reason for a report."""
    if isinstance(exc, StoreWriteError):
        return f"database refused it: {exc}"
    if isinstance(exc, NotFoundError):
        return f"{exc.what} {exc.row_id} not found (not imported, or deleted in Horus)"
    return str(exc) or type(exc).__name__


@dataclass
class FileTally:
    """What one file's transaction did; merged into the report only once the transaction is committed."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    unknown: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    clips_missing_media: int = 0
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def created(self, kind: str, n: int = 1) -> None:
        """Count rows written."""
        self.counts.setdefault(kind, [0, 0, 0])[0] += n

    def present(self, kind: str, n: int = 1) -> None:
        """Count rows found already in the store."""
        self.counts.setdefault(kind, [0, 0, 0])[1] += n

    def skipped(self, kind: str, file: str, label: str | None, why: str, *, quiet: bool = False) -> None:
        """Count a record not imported (``quiet``: its reason was already given, e.g. a note's shape)."""
        self.counts.setdefault(kind, [0, 0, 0])[2] += 1
        if not quiet:
            self.problems.append(ImportProblem(file, label, why))


class FileWriter:
    """Runs each file's writes in one transaction and keeps the progress count."""

    def __init__(self, store: Store, imports: ImportRepository, report: ReportBuilder,
                 progress: Callable[[int, int, str], None] | None, total: int) -> None:
        self.store = store
        self.imports = imports
        self.report = report
        self.progress = progress
        self.total = total
        self.done = 0

    def tick(self, label: str, n: int = 1) -> None:
        """Count ``n`` records as handled."""
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total, label)

    @contextmanager
    def file(self, name: str, records: int) -> Iterator[FileTally]:
        """The transaction of one file: committed whole, or (on a database failure) nothing of it."""
        tally = FileTally()
        start = self.done
        try:
            with self.store.transaction():
                yield tally
        except WRITE_ERRORS as exc:
            self.report.problem(name, None, f"file not imported (nothing written): {reason(exc)}")
            return
        finally:
            self.done = start + records
            if self.progress is not None:
                self.progress(self.done, self.total, name)
        for kind, (created, present, skipped) in tally.counts.items():
            self.report.created(kind, created)
            self.report.present(kind, present)
            self.report.counts.setdefault(kind, [0, 0, 0])[2] += skipped
        self.report.problems.extend(tally.problems)
        self.report.clips_missing_media += tally.clips_missing_media
        for file, label, name_, word, used in tally.unknown:
            self.report.unknown_word(file, label, name_, word, used)
        for action in tally.after_commit:
            action()

    def batched(self, items: Sequence[T], write: Callable[[Sequence[T]], None],
                failed: Callable[[T, str], None], label: str) -> list[T]:
        """Write ``items`` in savepointed chunks; a refused chunk is retried item by item. Returns those written."""
        written: list[T] = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            try:
                with self.imports.savepoint():
                    write(chunk)
                written.extend(chunk)
            except WRITE_ERRORS:
                for item in chunk:
                    try:
                        with self.imports.savepoint():
                            write([item])
                        written.append(item)
                    except WRITE_ERRORS as exc:
                        failed(item, reason(exc))
            self.tick(label, len(chunk))
        return written


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
