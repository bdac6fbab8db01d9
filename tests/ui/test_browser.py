"""The media browser: model contract, paging, filters and search, hierarchy, batch status."""

from __future__ import annotations

from PySide6.QtCore import Qt

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.ui.browser.model import MediaModel
from horus_desktop.ui.browser.thumbnails import ThumbnailLoader
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents

from .helpers import wait_rows


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, demo_store) -> None:
    db = DbWorker()
    loader = ThumbnailLoader(demo_store, db)
    model = MediaModel(demo_store, db, loader, StoreEvents(demo_store.subscribe))
    try:
        model.set_query(MediaQuery())
        qtbot.waitUntil(lambda: model.rowCount() == 11, timeout=15000)
        qtmodeltester.check(model, force_py=True)
        assert model.data(model.index(0, 0)) == model.record(0).file_name
    finally:
        model.close()
        loader.shutdown()
        db.shutdown()


def test_model_fetches_pages_on_demand(qtbot, sqlite_store) -> None:
    sqlite_store.media.create_many([
        dict(file_path=f"/show/seq/sh{i:04d}/comp/v001/sh{i:04d}.%04d.exr", project_id="big", version="v001",
             shot=f"sh{i:04d}", department="comp")
        for i in range(450)
    ])
    db = DbWorker()
    loader = ThumbnailLoader(sqlite_store, db)
    model = MediaModel(sqlite_store, db, loader, StoreEvents(sqlite_store.subscribe))
    try:
        model.set_query(MediaQuery(sort_by="shot", descending=False))
        qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=15000)
        assert model.total == 450
        assert model.canFetchMore()
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=15000)
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == 450, timeout=15000)
        assert not model.canFetchMore()
        shots = [model.record(r).shot for r in range(450)]
        assert shots == sorted(shots)
        model.sort(2, Qt.SortOrder.DescendingOrder)
        qtbot.waitUntil(lambda: model.rowCount() == 200 and model.record(0).shot == "sh0449", timeout=15000)
    finally:
        model.close()
        loader.shutdown()
        db.shutdown()


def test_search_is_debounced_and_filters(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    filters = window.browser.filters
    changes: list[dict] = []
    filters.sig_changed.connect(changes.append)
    for typed in ("s", "sh", "sh0", "sh02", "sh020"):  # typed faster than the debounce: one search, not five
        filters.search.setText(typed)
    assert changes == [] and window.browser.model.rowCount() == 11  # not yet: the search waits for more typing
    wait_rows(qtbot, window, 3)
    assert len(changes) == 1
    assert {window.browser.model.record(r).shot for r in range(3)} == {"sh020"}
    filters.search.clear()
    wait_rows(qtbot, window, 11)


def test_department_status_latest_filters(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    filters = window.browser.filters
    qtbot.waitUntil(lambda: len(filters.departments.menu().actions()) >= 4, timeout=15000)
    filters.departments.set_chosen(("comp",))
    wait_rows(qtbot, window, 4)
    filters.statuses.set_chosen(("rejected",))
    wait_rows(qtbot, window, 1)
    assert window.browser.model.record(0).version == "v001"
    filters.statuses.set_chosen(())
    filters.latest_only.setChecked(True)
    wait_rows(qtbot, window, 2)
    assert {window.browser.model.record(r).version for r in range(2)} == {"v003", "v001"}
    filters.departments.set_chosen(())
    filters.latest_only.setChecked(False)
    filters.file_types.set_chosen(("movie",))
    wait_rows(qtbot, window, 1)
    assert window.browser.model.record(0).file_name.endswith(".mov")


def test_breadcrumbs_narrow_the_hierarchy(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    crumbs = window.browser.breadcrumbs
    found: list[list[str]] = []
    crumbs.set_level(0, "horus_demo")
    crumbs.fetch_values(2, found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=15000)
    assert found[0] == ["sq010", "sq020"]
    crumbs.set_level(2, "sq020")
    wait_rows(qtbot, window, 3)
    assert crumbs.buttons[2].text() == "sq020"
    assert crumbs.buttons[3].isVisibleTo(crumbs)
    crumbs.set_level(3, "sh030")
    wait_rows(qtbot, window, 3)
    crumbs.set_level(0, None)
    wait_rows(qtbot, window, 11)


def test_batch_approve_updates_rows(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    browser = window.browser
    browser.select_row(0)
    record = browser.model.record(0)
    window.actions_by_name["approve"].trigger()
    qtbot.waitUntil(lambda: browser.model.record(0).approval_status == "approved", timeout=15000)
    assert demo_store.media.get(record.id).approval_status == "approved"


def test_grid_and_list_share_selection_and_thumbnails_load(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    browser = window.browser
    browser.select_row(3)
    window.actions_by_name["view_list"].trigger()
    assert browser.view_mode() == "list"
    assert browser.table.selectionModel().isRowSelected(3)
    model = browser.model
    media_id = model.record(0).id
    model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(lambda: browser.thumbnails.image(media_id, "medium") is not None, timeout=15000)
    browser.size_slider.setValue(2)
    assert browser.delegate.size_name == "large"
