"""What a Montu import did: counts per kind of row, and the records it could not import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from horus_desktop.domain.wording import counted

#: The kinds a report counts, in the order the terminal lists them.
KINDS = ("projects", "media", "tags", "comments", "annotations", "timelines", "clips")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A record (or a whole file) that was not imported, and why."""

    file: str
    record_id: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.record_id}]" if self.record_id else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class KindCounts:
    """How many rows of one kind were created, found already present, or skipped."""

    created: int = 0
    already_present: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        """Every record of this kind seen."""
        return self.created + self.already_present + self.skipped


@dataclass(frozen=True, slots=True)
class MontuImportReport:
    """The outcome of :func:`horus_desktop.migrate.montu.import_montu`."""

    directory: str
    counts: dict[str, KindCounts]
    problems: tuple[ImportProblem, ...] = ()
    files: tuple[str, ...] = ()
    tasks_read: int = 0
    clips_missing_media: int = 0
    warnings: tuple[ImportProblem, ...] = ()
    unreadable: tuple[ImportProblem, ...] = ()
    ignored: tuple[str, ...] = ()

    def count(self, kind: str) -> KindCounts:
        """The counts of one kind (``media``, ``comments``, ...); zeros for a kind never seen."""
        return self.counts.get(kind, KindCounts())

    @property
    def created_total(self) -> int:
        """Rows written by this run."""
        return sum(c.created for c in self.counts.values())

    @property
    def ok(self) -> bool:
        """True when every record was imported (or already there)."""
        return not self.problems and not self.unreadable

    @property
    def exit_code(self) -> int:
        """0 when all imported; 1 when records failed; 2 when a file (or the whole folder) could not be read."""
        return 2 if self.unreadable else 1 if self.problems else 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (``horus import-montu --json``)."""
        return {
            "directory": self.directory,
            "files": list(self.files),
            "counts": {
                kind: {"created": c.created, "already_present": c.already_present, "skipped": c.skipped}
                for kind, c in ((k, self.count(k)) for k in _ordered_kinds(self.counts))
            },
            "tasks_read": self.tasks_read,
            "clips_missing_media": self.clips_missing_media,
            "problems": [_problem(p) for p in (*self.unreadable, *self.problems)],
            "warnings": [_problem(p) for p in self.warnings],
            "ignored_files": list(self.ignored),
            "exit_code": self.exit_code,
        }


def _problem(p: ImportProblem) -> dict[str, Any]:
    return {"file": p.file, "record_id": p.record_id, "reason": p.reason}


def _ordered_kinds(counts: dict[str, KindCounts]) -> list[str]:
    return [k for k in KINDS] + sorted(k for k in counts if k not in KINDS)


def format_report(report: MontuImportReport) -> str:
    """A short table and the problems, for the terminal."""
    lines = [f"Montu import from {report.directory}"]
    if report.files:
        lines.append("Files: " + ", ".join(report.files))
    width = max(len(k) for k in _ordered_kinds(report.counts))
    lines.append(f"  {'':<{width}}  {'created':>8}  {'present':>8}  {'skipped':>8}")
    for kind in _ordered_kinds(report.counts):
        c = report.count(kind)
        lines.append(f"  {kind:<{width}}  {c.created:>8}  {c.already_present:>8}  {c.skipped:>8}")
    lines.append(f"Tasks read: {report.tasks_read}")
    if report.clips_missing_media:
        lines.append(f"Clips whose media is not in Horus (kept, marked missing): {report.clips_missing_media}")
    if report.ignored:
        lines.append("Not Montu files (ignored): " + ", ".join(report.ignored))
    if report.warnings:
        lines.append(f"{counted(len(report.warnings), 'warning')} (imported):")
        lines.extend(f"  - {p}" for p in report.warnings)
    if report.unreadable:
        lines.append(f"{counted(len(report.unreadable), 'file')} not readable, nothing imported from them:")
        lines.extend(f"  - {p}" for p in report.unreadable)
    if report.problems:
        lines.append(f"{counted(len(report.problems), 'record')} not imported:")
        lines.extend(f"  - {p}" for p in report.problems)
    elif not report.unreadable:
        lines.append("No problems.")
    return "\n".join(lines)


@dataclass
class ReportBuilder:
    """Mutable tally used while importing; :meth:`build` freezes it."""

    directory: str
    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in KINDS})
    problems: list[ImportProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    tasks_read: int = 0
    clips_missing_media: int = 0
    warnings: list[ImportProblem] = field(default_factory=list)
    unreadable: list[ImportProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unknown_words: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)

    def created(self, kind: str, n: int = 1) -> None:
        """Count rows written."""
        self.counts.setdefault(kind, [0, 0, 0])[0] += n

    def present(self, kind: str, n: int = 1) -> None:
        """Count rows found already in the store."""
        self.counts.setdefault(kind, [0, 0, 0])[1] += n

    def skipped(self, kind: str, file: str, record_id: str | None, reason: str) -> None:
        """Count a record not imported, and say why."""
        self.counts.setdefault(kind, [0, 0, 0])[2] += 1
        self.problem(file, record_id, reason)

    def skipped_quietly(self, kind: str) -> None:
        """Count a row not written because its record was already reported (a note's shape)."""
        self.counts.setdefault(kind, [0, 0, 0])[2] += 1

    def problem(self, file: str, record_id: str | None, reason: str) -> None:
        """Note a problem without counting a skipped row (a whole file, an unusable task)."""
        self.problems.append(ImportProblem(file, record_id, reason))

    def warning(self, file: str, record_id: str | None, reason: str) -> None:
        """Note something changed on the way in (the record was imported)."""
        self.warnings.append(ImportProblem(file, record_id, reason))

    def unknown_word(self, file: str, record_id: str, field_name: str, word: str, used: str) -> None:
        """A Montu word with no Horus equivalent: reported once per file, field and word, with a count."""
        self.unknown_words.setdefault((file, field_name, word, used), []).append(record_id)

    def build(self) -> MontuImportReport:
        """The frozen report."""
        words = [ImportProblem(file, ids[0] if len(ids) == 1 else None,
                               f"{name} {word!r} is not a Horus word: {counted(len(ids), 'record')} imported as "
                               f"{used!r}, the original kept in {'its' if len(ids) == 1 else 'their'} Montu metadata" + (
                                   f" (first: {', '.join(ids[:3])})" if len(ids) > 1 else ""))
                 for (file, name, word, used), ids in self.unknown_words.items()]
        return MontuImportReport(
            directory=self.directory,
            counts={k: KindCounts(*v) for k, v in self.counts.items()},
            problems=tuple(self.problems),
            files=tuple(self.files),
            tasks_read=self.tasks_read,
            clips_missing_media=self.clips_missing_media,
            warnings=tuple(words + self.warnings),
            unreadable=tuple(self.unreadable),
            ignored=tuple(self.ignored),
        )
