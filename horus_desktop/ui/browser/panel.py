"""The media browser panel: breadcrumbs, filters, grid/list views over one model, batch review actions."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QSlider,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.records import MediaRecord
from horus_desktop.ui.browser.breadcrumbs import Breadcrumbs
from horus_desktop.ui.browser.delegate import THUMB_SIZES, ThumbnailDelegate
from horus_desktop.ui.browser.filters import FilterBar
from horus_desktop.ui.browser.model import COLUMNS, MediaModel
from horus_desktop.ui.browser.thumbnails import ThumbnailLoader
from horus_desktop.ui.current_media import CurrentMedia
from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.flow_layout import FlowLayout
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.theme import STATUS_LABELS

if TYPE_CHECKING:
    from horus_desktop.store import Store

SIZE_NAMES = ("small", "medium", "large")
STATUS_OF_ACTION = {"approve": "approved", "reject": "rejected", "hold": "on_hold"}


class MediaBrowser(QWidget):
    """Find media; double-click (or Return) opens it in the viewer."""

    sig_open = Signal(object)  # MediaRecord
    sig_compare = Signal(object, object)  # MediaRecord A, MediaRecord B
    sig_message = Signal(str)

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, actions: dict[str, QAction],
                 user: CurrentUser, *, current: CurrentMedia | None = None, parent: QWidget | None = None) -> None:
        """``current``: the media under a playlist's playhead, which the approve/reject/hold keys act on."""
        super().__init__(parent)
        self.setObjectName("mediaBrowser")
        self._store = store
        self._db = db
        self._user = user
        self._actions = actions
        self._current = current
        self.thumbnails = ThumbnailLoader(store, db, self)
        self.model = MediaModel(store, db, self.thumbnails, events, self)
        self.breadcrumbs = Breadcrumbs(store, db)
        self.filters = FilterBar(store, db)
        self.grid = QListView()
        self.grid.setObjectName("mediaGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setSpacing(4)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(100)
        self.delegate = ThumbnailDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)
        self.table = QTableView()
        self.table.setObjectName("mediaTable")
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.setIconSize(QSize(56, 32))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        for view in (self.grid, self.table):
            view.setModel(self.model)
            view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setDragEnabled(True)
            view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._context_menu(v, pos))
            view.doubleClicked.connect(self._on_double_clicked)
        self.table.setSelectionModel(self.grid.selectionModel())
        self.table.setColumnWidth(0, 260)
        self.table.horizontalHeader().setSortIndicator(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.table)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setObjectName("thumbnailSize")
        self.size_slider.setRange(0, len(SIZE_NAMES) - 1)
        self.size_slider.setPageStep(1)
        self.size_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.size_slider.setFixedWidth(90)
        self.size_slider.setToolTip("Thumbnail size: small, medium, large")
        self.size_slider.setValue(1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        top = FlowLayout(spacing=4)  # wraps in a narrow dock instead of widening the window
        top.setContentsMargins(4, 2, 4, 2)
        for name in ("view_grid", "view_list"):
            button = QToolButton()
            button.setDefaultAction(actions[name])
            button.setAutoRaise(True)
            top.addWidget(button)
        top.addWidget(self.size_slider)
        top.addStretch(1)
        top.addWidget(self.count_label)
        for name in ("approve", "reject", "hold"):
            button = QToolButton()
            button.setDefaultAction(actions[name])
            button.setAutoRaise(True)
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.breadcrumbs)
        layout.addWidget(self.filters)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.breadcrumbs.sig_changed.connect(lambda _v: self.apply_filters())
        self.filters.sig_changed.connect(lambda _v: self.apply_filters())
        self.size_slider.valueChanged.connect(self._on_size)
        self.model.sig_total_changed.connect(self._on_total)
        self.model.sig_loading.connect(self._on_loading)
        actions["view_grid"].triggered.connect(lambda: self.set_view_mode("grid"))
        actions["view_list"].triggered.connect(lambda: self.set_view_mode("list"))
        actions["open_selected"].triggered.connect(self.open_selected)
        actions["approve"].triggered.connect(lambda: self.status_key("approved"))
        actions["reject"].triggered.connect(lambda: self.status_key("rejected"))
        actions["hold"].triggered.connect(lambda: self.status_key("on_hold"))
        actions["tag"].triggered.connect(self.tag_selected)
        actions["compare_selected"].triggered.connect(self.compare_selected)
        actions["focus_search"].triggered.connect(self.filters.focus_search)
        self.set_view_mode("grid")
        self._on_size(1)
        self.apply_filters()

    # --- state -----------------------------------------------------------------------------------
    def apply_filters(self) -> None:
        """Run the query the breadcrumbs and filters describe."""
        values: dict[str, Any] = {**self.filters.values(), **self.breadcrumbs.values}
        query = replace(self.model.query, **values)
        self.model.set_query(query)

    def set_view_mode(self, mode: str) -> None:
        """grid or list."""
        self.stack.setCurrentWidget(self.grid if mode == "grid" else self.table)
        self._actions["view_grid"].setChecked(mode == "grid")
        self._actions["view_list"].setChecked(mode == "list")
        self.size_slider.setEnabled(mode == "grid")

    def view_mode(self) -> str:
        """grid or list."""
        return "grid" if self.stack.currentWidget() is self.grid else "list"

    def save_state(self, settings: QSettings) -> None:
        """Remember the view mode and the thumbnail size for the next run."""
        settings.setValue("browser/mode", self.view_mode())
        settings.setValue("browser/thumbnail_size", self.size_slider.value())

    def restore_state(self, settings: QSettings) -> None:
        """The view mode and thumbnail size of the last run."""
        self.set_view_mode(str(settings.value("browser/mode", "grid")))
        try:
            self.size_slider.setValue(int(settings.value("browser/thumbnail_size", 1)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass

    def _on_size(self, value: int) -> None:
        name = SIZE_NAMES[max(0, min(value, len(SIZE_NAMES) - 1))]
        self.delegate.size_name = name
        self.model.set_thumbnail_size("small" if name == "small" else name)
        width = THUMB_SIZES[name]
        self.grid.setGridSize(QSize(width + 14, int(width * 9 / 16) + 18 + 2 * self.fontMetrics().height()))
        self.grid.doItemsLayout()

    def _on_total(self, total: int) -> None:
        self.count_label.setText(f"{total:,} media")

    def _on_loading(self, loading: bool) -> None:
        if loading and not self.model.rowCount():
            self.count_label.setText("Loading...")

    def selected_records(self) -> list[MediaRecord]:
        """Selected media, in row order."""
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        return [r for r in (self.model.record(row) for row in rows) if r is not None]

    def select_row(self, row: int) -> None:
        """Select one row (tests, keyboard)."""
        index = self.model.index(row, 0)
        self.grid.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.grid.setCurrentIndex(index)

    # --- commands --------------------------------------------------------------------------------
    def _on_double_clicked(self, index: QModelIndex) -> None:
        record = self.model.record(index.row())
        if record is not None:
            self.sig_open.emit(record)

    def open_selected(self) -> None:
        """Return: open the first selected media."""
        records = self.selected_records()
        if records:
            self.sig_open.emit(records[0])

    def compare_selected(self) -> None:
        """Open two selected media as A and B."""
        records = self.selected_records()
        if len(records) < 2:
            self.sig_message.emit("Select two versions to compare (Ctrl+click).")
            return
        self.sig_compare.emit(records[0], records[1])

    def status_key(self, status: str) -> None:
        """The approve / reject / hold keys: while a playlist plays, the clip under the playhead; otherwise the
        selected media."""
        current = self._current
        if current is None or not current.in_playlist():
            self.set_status(status)
            return
        record = current.record()
        if record is None:
            self.sig_message.emit("No media under the playhead.")
            return
        name = " ".join(p for p in (record.shot, record.department, record.version) if p) or record.file_name
        self._db.submit(self._store.media.set_status, [record.id], status, by=self._user.id, by_name=self._user.name,
                        on_done=lambda _d: self.sig_message.emit(f"{name}: {STATUS_LABELS.get(status, status)}"),
                        on_error=lambda e: self.sig_message.emit(f"Status: {e}"))

    def highlight(self, record: MediaRecord) -> None:
        """Select and scroll to a media's row without opening it (the clip under a playlist's playhead); a media
        the browser's filters leave out, or not loaded yet, stays unselected."""
        row = self.model.row_of(record.id)
        if row is None:
            return
        self.select_row(row)
        view = self.stack.currentWidget()
        if isinstance(view, QAbstractItemView):
            view.scrollTo(self.model.index(row, 0))

    def set_status(self, status: str) -> None:
        """Batch approve / reject / on hold of the selected media."""
        records = self.selected_records()
        if not records:
            self.sig_message.emit("Select media first.")
            return
        ids = [r.id for r in records]
        self._db.submit(self._store.media.set_status, ids, status, by=self._user.id, by_name=self._user.name,
                        on_done=lambda done: self.sig_message.emit(f"{len(done)} media set to {status}."))

    def tag_selected(self) -> None:
        """Batch tag."""
        records = self.selected_records()
        if not records:
            self.sig_message.emit("Select media first.")
            return
        name, ok = QInputDialog.getText(self, "Tag media", f"Tag for {len(records)} media:")
        if ok and name.strip():
            self._db.submit(self._store.tags.add, [r.id for r in records], name.strip(), created_by=self._user.id,
                            on_done=lambda _t: self.sig_message.emit(f"Tagged {len(records)} media '{name}'."))

    def _context_menu(self, view: QAbstractItemView, pos: Any) -> None:
        if not self.selected_records():
            return
        menu = QMenu(view)
        for name in ("open_selected", "compare_selected", None, "approve", "reject", "hold", "tag"):
            if name is None:
                menu.addSeparator()
            elif name in STATUS_OF_ACTION:  # the selection's, even while the keys act on a playlist's clip
                menu.addAction(self._actions[name].icon(), self._actions[name].text(),
                               lambda s=STATUS_OF_ACTION[name]: self.set_status(s))
            else:
                menu.addAction(self._actions[name])
        menu.exec(view.viewport().mapToGlobal(pos))

    def shutdown(self) -> None:
        """Stop loading thumbnails and listening to the store."""
        self.model.close()
        self.thumbnails.shutdown()
