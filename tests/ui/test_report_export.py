"""Notes reports written to PDF, HTML and CSV (ui/reports/export.py) and read back: every note, every frame
image, unicode, a missing media and a damaged frame said on the page."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media.colour import default_colour_config
from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.services.notes_report import NotesReport, build_report
from horus_desktop.store import Store
from horus_desktop.ui.reports.export import export_report
from horus_desktop.ui.resources import load_fonts

from .viewer_fixtures import ingest_one, viewer_store  # noqa: F401 - fixtures

NOTES = ["Edge flickers on the left 🔥", "שלום — the grade is too warm", "Reply: fixed in v003 ✓",
         "Overall timing is good", "Pop at frame 2 😬", "Matte line around the hair"]


def _sequence(folder: Path, name: str, size: tuple[int, int] = (64, 36)) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(len(name))
    for frame in (1, 2, 3):
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(
            folder / f"{name}.{frame:04d}.png")
    return folder


def _report(store: Store, tmp_path: Path) -> NotesReport:
    good = ingest_one(store, _sequence(tmp_path / "sh010", "sh010"))
    gone = ingest_one(store, _sequence(tmp_path / "sh020", "sh020"))
    damaged = ingest_one(store, _sequence(tmp_path / "sh030", "sh030"))
    shutil.rmtree(tmp_path / "sh020")
    (tmp_path / "sh030" / "sh030.0002.png").write_bytes(b"\x89PNG\r\n\x1a\n not a png")
    for record, shot in ((good, "sh010"), (gone, "sh020"), (damaged, "sh030")):
        store.media.update(record.id, shot=shot, artist_name="Zoë Ábaco", frame_rate=Decimal("24"))
    ana, bo = Author("ana", "Ana"), Author("bo", "بو")
    first = notes_service.add_note(store, good.id, NOTES[0], ana, frame=2).comment
    notes_service.add_note(store, good.id, NOTES[1], bo, frame=2)
    notes_service.reply(store, first.id, NOTES[2], bo)
    notes_service.add_note(store, good.id, NOTES[3], ana)
    notes_service.add_note(store, gone.id, NOTES[4], ana, frame=2)
    notes_service.add_note(store, damaged.id, NOTES[5], ana, frame=2)
    store.annotations.add(media_id=good.id, frame_number=1, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.5, "h": 0.5}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#00ff00", "hold": 2})
    store.annotations.add(media_id=gone.id, frame_number=2, annotation_type="ellipse",
                          coordinates={"v": 1, "x": 0.2, "y": 0.2, "w": 0.5, "h": 0.5}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#ff0000"})
    media = store.media.get_many([good.id, gone.id, damaged.id])
    return build_report(store, media, title="Dailies ✦ 30 Nov", scope="Playlist test", reviewer="Sue")


@pytest.fixture
def report(qapp, viewer_store: Store, tmp_path: Path) -> NotesReport:  # noqa: ANN001, F811
    load_fonts()
    return _report(viewer_store, tmp_path / "media")


_BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"), " ")


#: Emoji are drawn with the bundled Symbola font, but Qt's PDF writer maps characters beyond the BMP to no text,
#: so pdftotext cannot read them back; the test checks the glyphs' font is in the file instead.
EMOJI = {"🔥", "😬"}


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_BIDI_MARKS).replace("\ufeff", " ").split())


def _words(text: str) -> list[str]:
    return _normal(text).split()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (./dev installs it)")
def test_the_pdf_holds_every_note_as_text_and_every_frame_as_an_image(report: NotesReport, tmp_path: Path) -> None:
    out = tmp_path / "dailies.pdf"
    result = export_report(report, "pdf", out, default_colour_config(), image_width=960)  # wider than the column

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = _normal(text)
    words = set(_words(text))
    for note in NOTES:  # right-to-left runs come out of pdftotext in visual order: compare the words
        assert set(_words(note)) - EMOJI <= words, note
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts, "the emoji are drawn (with the bundled symbol font), not left as empty boxes"
    assert "Edge flickers on the left" in flat, "no ligature glyphs in the text"
    assert "Dailies" in flat and "Reviewer: Sue" in flat
    assert "no such file" in flat.lower() or "not readable" in flat.lower(), "the missing media is said"
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2, "a title page, then the notes"
    assert text.count("\f") == pages
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == result.frames == 4  # sh010: 1 (drawn) and 2 (noted); sh020: 2; sh030: 2 (damaged)
    # Each frame fits the text column (A4 less the writer's 15 mm and the layout's 2 cm margins each side).
    column_inches = (210 - 2 * 15 - 2 * 20) / 25.4
    for line in images:
        fields = line.split()
        assert int(fields[3]) / int(fields[12]) <= column_inches + 0.05, f"a frame runs past the margin: {line}"
    assert not out.with_name("dailies.pdf.partial").exists()


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")


def test_the_html_is_one_file_with_every_note_and_decodable_images(report: NotesReport, tmp_path: Path) -> None:
    out = tmp_path / "dailies.html"
    result = export_report(report, "html", out, default_colour_config(), image_width=320)

    page = _Collect()
    page.feed(out.read_text(encoding="utf-8"))
    text = _normal(" ".join(page.text))
    for note in NOTES:
        assert _normal(note) in text, note
    assert "بو" in text and "Zoë Ábaco" in text
    html = out.read_text(encoding="utf-8")
    assert f'<p dir="rtl">{NOTES[1]}</p>' in html, "a Hebrew note reads (and aligns) right to left"
    assert f'<p dir="ltr">{NOTES[0]}</p>' in html
    assert len(page.images) == result.frames == 4
    for src in page.images:
        assert src.startswith("data:image/jpeg;base64,"), "embedded, nothing beside the file"
        image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        image.load()
        assert image.width == 320
    assert len(result.problems) == 2, "the missing media's frame and the damaged frame"
    assert any("sh030.0002" in p for p in result.problems.values())


def test_the_csv_has_one_row_per_note_with_its_frame_image_beside_it(report: NotesReport, tmp_path: Path) -> None:
    out = tmp_path / "dailies.csv"
    export_report(report, "csv", out, default_colour_config(), image_width=320)

    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["note"] for r in rows) == sorted(NOTES)
    reply = next(r for r in rows if r["note"] == NOTES[2])
    first = next(r for r in rows if r["note"] == NOTES[0])
    assert reply["reply_to"] and reply["frame"] == first["frame"] == "2"
    assert first["annotated"] == "yes" and first["status"] == "open" and first["timecode"] == "00:00:00:02"
    assert next(r for r in rows if r["note"] == NOTES[3])["image"] == ""
    for row in rows:
        if row["image"]:
            with Image.open(out.parent / row["image"]) as image:
                assert image.width == 320
    assert {r["shot"] for r in rows} == {"sh010", "sh020", "sh030"}


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv"])
def test_an_empty_selection_gives_a_report_that_says_so(qapp, viewer_store: Store, tmp_path: Path,  # noqa: ANN001, F811
                                                          fmt: str) -> None:
    empty = build_report(viewer_store, [], title="Nothing", scope="Browser filter")
    out = tmp_path / f"empty.{fmt}"
    result = export_report(empty, fmt, out, default_colour_config())
    assert result.frames == 0 and result.notes == 0 and out.exists()
    if fmt == "html":
        assert "No media in this selection." in out.read_text(encoding="utf-8")
    elif fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            assert list(csv.DictReader(handle)) == []
    elif shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "No media in this selection." in _normal(text)


def _pdf_pages(out: Path) -> int:
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils (./dev installs it)")
def test_every_frame_heading_is_on_the_page_of_its_picture(qapp, viewer_store: Store,  # noqa: ANN001, F811
                                                           tmp_path: Path) -> None:
    load_fonts()
    folder = tmp_path / "media" / "sh040"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    count = 14
    for frame in range(1, count + 1):
        Image.fromarray(rng.integers(0, 256, (36, 64, 3), dtype=np.uint8)).save(folder / f"sh040.{frame:04d}.png")
    record = ingest_one(viewer_store, folder)
    for frame in range(1, count + 1):  # notes of different lengths: the headings fall anywhere on the pages
        for n in range(frame % 4 + 1):
            notes_service.add_note(viewer_store, record.id, f"Note {n} on frame {frame}: " + "fix the edge " * (n * 9),
                                   Author("ana", "Ana"), frame=frame)
    report = build_report(viewer_store, viewer_store.media.get_many([record.id]), title="Many frames", scope="t")
    out = tmp_path / "many.pdf"
    export_report(report, "pdf", out, default_colour_config(), image_width=320)

    heading_page: dict[int, int] = {}
    for page in range(1, _pdf_pages(out) + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        for match in re.finditer(r"^Frame (\d+)\b", text, re.MULTILINE):
            heading_page[int(match.group(1))] = page
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    image_pages = [int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert sorted(heading_page) == list(range(1, count + 1)) and len(image_pages) == count
    assert len(set(image_pages)) > 2, "the report spans several pages"
    parted = {f: (heading_page[f], image_pages[f - 1]) for f in heading_page if heading_page[f] != image_pages[f - 1]}
    assert not parted, f"frame: (heading page, picture page) {parted}"
