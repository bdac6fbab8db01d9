"""Keep each frame's heading on the page of its picture (and the first line of its notes) in a PDF report.

``QTextDocument.print_`` paginates a copy of the document for the printer; Qt's rich text has no
"keep with next", so a heading can end a page with its picture on the next. We lay out a copy exactly as
``print_`` will (same paint device, page size and 2 cm margins), find every frame heading whose picture or
first note line falls on a later page, and give that heading (or the version title just above it, when the
frame is the version's first) a page break before it. ``print_`` then lays out the same pages with the breaks.
"""

from __future__ import annotations

from PySide6.QtCore import QSizeF
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)

#: The margin ``QTextDocument.print_`` gives an unpaginated document, in inches (2 cm).
_PRINT_MARGIN_INCHES = 2 / 2.54


def _source_dpi() -> tuple[float, float]:
    """The resolution ``print_`` lays the document out for (Qt's qt_defaultDpiX/Y)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 100.0, 100.0
    return float(round(screen.logicalDotsPerInchX())), float(round(screen.logicalDotsPerInchY()))


def text_column_width(device: QPagedPaintDevice) -> int:
    """How wide, in the units ``print_`` lays the document out in, the text column is on ``device``'s page:
    an image wider than this runs past the right margin."""
    dpi_x, _ = _source_dpi()
    page_inches = device.width() / device.logicalDpiX()
    return int(page_inches * dpi_x) - 2 * int(_PRINT_MARGIN_INCHES * dpi_x)


def _laid_out_like_print(doc: QTextDocument, device: QPagedPaintDevice) -> QTextDocument:
    """A copy of ``doc`` paginated as ``print_`` paginates it on ``device``."""
    probe = doc.clone()
    probe.documentLayout().setPaintDevice(device)
    dpi_x, dpi_y = _source_dpi()
    frame_format = probe.rootFrame().frameFormat()
    horizontal, vertical = int(_PRINT_MARGIN_INCHES * dpi_x), int(_PRINT_MARGIN_INCHES * dpi_y)
    frame_format.setLeftMargin(horizontal)
    frame_format.setRightMargin(horizontal)
    frame_format.setTopMargin(vertical)
    frame_format.setBottomMargin(vertical)
    probe.rootFrame().setFrameFormat(frame_format)
    probe.setPageSize(QSizeF(device.width(), device.height()))
    return probe


def _top(block: QTextBlock) -> float:
    """Where the block's first line starts (a line pushed to the next page moves, its block's origin not)."""
    layout = block.layout()
    first = layout.lineAt(0) if layout.lineCount() else None
    return layout.position().y() + (first.y() if first is not None else 0.0)


def _has_image(block: QTextBlock) -> bool:
    it = block.begin()
    while not it.atEnd():
        if it.fragment().charFormat().isImageFormat():
            return True
        it += 1
    return False


def _break_before(block: QTextBlock) -> None:
    fmt = QTextBlockFormat()
    fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(block).mergeBlockFormat(fmt)


def _start_of_frame(heading: QTextBlock) -> QTextBlock:
    """The heading, or the version title above it when this frame comes right after that title."""
    block = heading.previous()
    for _ in range(2):  # the version's title and its one meta paragraph
        if not block.isValid() or block.blockFormat().headingLevel() == 4:
            break
        if block.blockFormat().headingLevel() == 3:
            return block
        block = block.previous()
    return heading


def _first_parted(probe: QTextDocument) -> QTextBlock | None:
    """The first block that must start a new page so that its frame's heading, picture and first note line
    print together (None when every frame is whole)."""
    page = probe.pageSize().height()
    probe.pageCount()  # lays the whole document out (the layout is otherwise lazy and positions stale)
    block = probe.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 4 and block.text().startswith("Frame "):
            picture = block.next()
            while picture.isValid() and picture.blockFormat().headingLevel() == 0 and not _has_image(picture):
                picture = picture.next()  # past a "could not read" line
            if picture.isValid() and _has_image(picture):
                after = picture.next()
                last = after if after.isValid() and after.blockFormat().headingLevel() == 0 else picture
                start = _start_of_frame(block)
                first_page = int(_top(start) // page)
                heads_page = not start.previous().isValid() or int(_top(start.previous()) // page) != first_page
                if int(_top(last) // page) != first_page and not heads_page:
                    return start
        block = block.next()
    return None


def keep_frames_with_pictures(doc: QTextDocument, device: QPagedPaintDevice) -> int:
    """Give ``doc`` page breaks so that no frame heading is parted from its picture when printed on
    ``device``; returns how many breaks were added."""
    probe = _laid_out_like_print(doc, device)
    added = 0
    while (start := _first_parted(probe)) is not None and added <= probe.blockCount():
        _break_before(start)
        _break_before(doc.findBlockByNumber(start.blockNumber()))
        added += 1
    return added
