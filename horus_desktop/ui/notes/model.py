"""The notes tree model: threads of the current media (and open notes carried from earlier versions) as a
QAbstractItemModel holding snapshots; filters, sort and search decide which threads are shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from horus_desktop.domain.records import Comment, CommentAttachment, CommentNode, CommentReaction, MediaRecord
from horus_desktop.domain.timecode import exact_rate, frame_to_timecode

NoteRole = Qt.ItemDataRole.UserRole + 1
FrameLabelRole = Qt.ItemDataRole.UserRole + 2  # the frame/timecode chip of a note ("f 1001 · 00:00:41:17")
FILTERS = ("all", "open", "resolved", "mine", "frame")
FILTER_LABELS = {"all": "All notes", "open": "Open", "resolved": "Resolved", "mine": "Mine", "frame": "This frame"}
SORTS = ("frame", "time")
REACTIONS = {"like": "★", "approve": "✔", "reject": "✖", "question": "?", "love": "♥"}  # glyphs every font has

Index = QModelIndex | QPersistentModelIndex


def relative_time(when: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago' or the date."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 86400 * 14:
        return f"{int(seconds // 86400)} d ago"
    return when.strftime("%Y-%m-%d")


def was_edited(c: Comment) -> bool:
    """The text changed after the note was written (updated_at dates the text; a resolve of an older store
    moved it too, so an update at the resolve time does not count)."""
    if not c.updated_at or not c.created_at or (c.updated_at - c.created_at).total_seconds() <= 1:
        return False
    return not (c.resolved_at and abs((c.updated_at - c.resolved_at).total_seconds()) <= 1)


def media_timecode(media: MediaRecord | None, frame: int) -> str | None:
    """A frame's timecode at the media's rate (None when the media or its rate is unknown)."""
    if media is None:
        return None
    try:
        return frame_to_timecode(frame, exact_rate(media.frame_rate, media.frame_rate_rational))
    except (ValueError, ZeroDivisionError, TypeError):
        return None


def frame_label(c: Comment, timecode_of: Callable[[int], str | None]) -> str | None:
    """Frame and timecode of a note; notes stored without a timecode get it from the media's rate."""
    if c.frame_number is None:
        return None
    timecode = c.timecode or timecode_of(c.frame_number)
    return f"f {c.frame_number}" + (f" · {timecode}" if timecode else "")


def initials(name: str) -> str:
    """Two letters for an avatar."""
    parts = [p for p in name.replace(".", " ").replace("_", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


@dataclass(eq=False)
class NoteItem:
    """One note as shown: the comment, its reactions and attachments, and where it comes from."""

    comment: Comment
    reactions: tuple[CommentReaction, ...] = ()
    attachments: tuple[CommentAttachment, ...] = ()
    version: str | None = None  # set for notes carried from an earlier version (read-only)
    parent: NoteItem | None = None
    children: list[NoteItem] = field(default_factory=list)
    row: int = 0

    @property
    def read_only(self) -> bool:
        """Carried-forward notes can be resolved, not edited or replied to."""
        return self.version is not None

    def reaction_counts(self) -> list[tuple[str, int, list[str]]]:
        """(type, count, who) per reaction type."""
        by_type: dict[str, list[str]] = {}
        for r in self.reactions:
            by_type.setdefault(r.reaction_type, []).append(r.user_id)
        return [(kind, len(who), who) for kind, who in by_type.items()]

    def walk(self) -> list[NoteItem]:
        """This note and its replies, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def items_from_nodes(nodes: list[CommentNode], version: str | None = None) -> list[NoteItem]:
    """Snapshots of thread trees."""

    def build(node: CommentNode, parent: NoteItem | None) -> NoteItem:
        item = NoteItem(node.comment, node.reactions, node.attachments, version, parent)
        item.children = [build(reply, item) for reply in node.replies]
        return item

    return [build(n, None) for n in nodes]


class NotesModel(QAbstractItemModel):
    """Thread roots at the top level, replies below; one column; ``NoteRole`` gives the NoteItem."""

    def __init__(self, user_id: str, timecode_of: Callable[[int], str | None] = lambda _frame: None) -> None:
        super().__init__()
        self.user_id = user_id
        self._threads: list[NoteItem] = []
        self._shown: list[NoteItem] = []
        self._ids: dict[int, NoteItem] = {}
        self.filter = "all"
        self.sort = "frame"
        self.frame: int | None = None
        self.matches: set[uuid.UUID] | None = None
        self.timecode_of = timecode_of  # the panel knows the media's rate

    # --- content ---------------------------------------------------------------------------------
    def set_threads(self, threads: list[NoteItem]) -> None:
        """All threads (current media first, then carried ones)."""
        self._threads = threads
        self._apply()

    def find(self, comment_id: uuid.UUID) -> NoteItem | None:
        """The held note (shown or not) with that id."""
        for root in self._threads:
            for item in root.walk():
                if item.comment.id == comment_id:
                    return item
        return None

    def add_note(self, comment: Comment) -> bool:
        """Insert one new note or reply where it belongs (rows inserted, no reset); False when its thread is
        not held (the caller reloads). A note already held is left as it is."""
        if self.find(comment.id) is not None:
            return True
        if comment.parent_id is not None:
            parent = self.find(comment.parent_id)
            if parent is None:
                return False
            item = NoteItem(comment, version=parent.version, parent=parent, row=len(parent.children))
            parent_index = self.index_of(parent.comment.id)
            if not parent_index.isValid():  # its thread is filtered out: held, shown when the filter allows
                parent.children.append(item)
                return True
            self.beginInsertRows(parent_index, item.row, item.row)
            parent.children.append(item)
            self._ids[id(item)] = item
            self.endInsertRows()
            return True
        item = NoteItem(comment)
        self._threads.insert(sum(1 for t in self._threads if t.version is None), item)  # current media first
        if not self._passes(item):
            return True
        key = self._sort_key
        row = sum(1 for t in self._shown if key(t) <= key(item))
        self.beginInsertRows(QModelIndex(), row, row)
        self._shown.insert(row, item)
        for i in range(row, len(self._shown)):
            self._shown[i].row = i
        self._ids[id(item)] = item
        self.endInsertRows()
        return True

    def replace_note(self, comment: Comment) -> bool:
        """A held note changed (edited, resolved): its row repaints, or the filter is applied again when the
        change moves it in or out of view. False when the note is not held."""
        item = self.find(comment.id)
        if item is None:
            return False
        root = item
        while root.parent is not None:
            root = root.parent
        was_shown = self._passes(root)
        item.comment = comment
        if self._passes(root) != was_shown or self.sort == "time":
            self._apply()
            return True
        index = self.index_of(comment.id)
        if index.isValid():
            self.dataChanged.emit(index, index)
        return True

    def texts(self) -> list[str]:
        """The text of every held note and reply (shown or not)."""
        return [item.comment.content for root in self._threads for item in root.walk()]

    def threads(self) -> list[NoteItem]:
        """Every thread held (shown or not)."""
        return list(self._threads)

    def shown_threads(self) -> list[NoteItem]:
        """Threads passing the filter, in display order."""
        return list(self._shown)

    def set_filter(self, name: str) -> None:
        """all, open, resolved, mine or frame."""
        self.filter = name
        self._apply()

    def set_sort(self, name: str) -> None:
        """frame or time (newest first)."""
        self.sort = name
        self._apply()

    def set_frame(self, frame: int | None) -> None:
        """The viewer's frame (for the 'this frame' filter)."""
        if frame != self.frame:
            self.frame = frame
            if self.filter == "frame":
                self._apply()

    def set_matches(self, ids: set[uuid.UUID] | None) -> None:
        """Search hits (None: no search)."""
        self.matches = ids
        self._apply()

    def _passes(self, root: NoteItem) -> bool:
        c = root.comment
        if self.filter == "open" and c.is_resolved:
            return False
        if self.filter == "resolved" and not c.is_resolved:
            return False
        if self.filter == "mine" and not any(i.comment.user_id == self.user_id for i in root.walk()):
            return False
        if self.filter == "frame" and (self.frame is None or c.frame_number is None
                                       or not c.frame_number == self.frame):
            return False
        if self.matches is not None and not any(i.comment.id in self.matches for i in root.walk()):
            return False
        return True

    def _apply(self) -> None:
        self.beginResetModel()
        shown = sorted((t for t in self._threads if self._passes(t)), key=self._sort_key)
        self._ids = {}
        for row, item in enumerate(shown):
            self._register(item, row)
        self._shown = shown
        self.endResetModel()

    def _sort_key(self, t: NoteItem) -> tuple[Any, ...]:
        if self.sort == "frame":
            return (t.version is not None, t.comment.frame_number is None, t.comment.frame_number or 0,
                    _timestamp(t.comment.created_at))
        return (t.version is not None, -_timestamp(t.comment.created_at))

    def _register(self, item: NoteItem, row: int) -> None:
        item.row = row
        self._ids[id(item)] = item
        for i, child in enumerate(item.children):
            self._register(child, i)

    # --- Qt model --------------------------------------------------------------------------------
    def _item(self, index: Index) -> NoteItem | None:
        if not index.isValid():
            return None
        return self._ids.get(index.internalId())

    def item(self, index: Index) -> NoteItem | None:
        """The note at an index."""
        return self._item(index)

    def index(self, row: int, column: int = 0, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = self._item(parent) if parent.isValid() else None
        siblings = self._shown if not parent.isValid() else (owner.children if owner is not None else [])
        if column != 0 or not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, id(siblings[row]))

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        item = self._item(index)
        if item is None or item.parent is None:
            return QModelIndex()
        return self.createIndex(item.parent.row, 0, id(item.parent))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        if not parent.isValid():
            return len(self._shown)
        item = self._item(parent)
        return len(item.children) if item is not None else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self._item(index)
        if item is None:
            return None
        if role == NoteRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.comment.content
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item)
        if role == FrameLabelRole:
            return frame_label(item.comment, self.timecode_of) if item.comment.parent_id is None else None
        return None

    def index_of(self, comment_id: uuid.UUID) -> QModelIndex:
        """The index of a shown note."""
        for root in self._shown:
            for item in root.walk():
                if item.comment.id == comment_id:
                    return self.createIndex(item.row, 0, id(item))
        return QModelIndex()


def _timestamp(when: datetime | None) -> float:
    """Seconds since the epoch (naive times are UTC, as the store writes them; none sorts first)."""
    if when is None:
        return float("-inf")
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


def tooltip(item: NoteItem) -> str:
    """Who reacted, who resolved, attachments."""
    c = item.comment
    lines = [f"{c.user_name} · {c.created_at:%Y-%m-%d %H:%M}" if c.created_at else c.user_name]
    if was_edited(c):
        lines.append(f"edited {relative_time(c.updated_at)}")
    if c.is_resolved:
        lines.append(f"resolved by {c.resolved_by or '?'} {relative_time(c.resolved_at)}")
    for kind, count, who in item.reaction_counts():
        lines.append(f"{REACTIONS.get(kind, kind)} {kind} ({count}): {', '.join(who)}")
    for a in item.attachments:
        lines.append(f"attachment: {a.file_name}")
    if item.version:
        lines.append(f"from {item.version} (read-only; resolve it when fixed)")
    return "\n".join(lines)
