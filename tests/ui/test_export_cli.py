"""``horus export notes`` and ``horus export frames`` on a store of real files: the files a user gets, and the
one-line refusals for bad input."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from PIL import Image

from horus_desktop.cli import main
from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.store import Store

from .viewer_fixtures import ingest_one


@pytest.fixture
def db(qapp, tmp_path: Path) -> tuple[str, str]:  # noqa: ANN001
    """A store with one sequence carrying a held drawing on frame 1 and a note on frame 2; (url, media id)."""
    folder = tmp_path / "sh010"
    folder.mkdir()
    for frame in (1, 2, 3):
        Image.fromarray(np.full((36, 64, 3), 40 * frame, np.uint8)).save(folder / f"sh010.{frame:04d}.png")
    path = tmp_path / "horus.sqlite"
    store = Store.open(path)
    record = ingest_one(store, folder)
    store.media.update(record.id, shot="sh010", frame_rate=Decimal("24"))
    notes_service.add_note(store, record.id, "Grade too warm ☀", Author("ana", "Ana"), frame=2)
    store.annotations.add(media_id=record.id, frame_number=1, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.2, "y": 0.2, "w": 0.5, "h": 0.5}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#ff0000", "hold": 2})
    store.close()
    return str(path), str(record.id)


def test_export_notes_writes_a_csv_with_the_frame_images_beside_it(db: tuple[str, str], tmp_path: Path) -> None:
    url, media_id = db
    out = tmp_path / "notes.csv"
    assert main(["export", "notes", "--db", url, "--media", media_id, "--format", "csv", "--out", str(out),
                 "--image-width", "128"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["note"] == "Grade too warm ☀" and row["annotated"] == "yes"
    with Image.open(out.parent / row["image"]) as image:
        assert image.width == 128


def test_export_frames_writes_every_drawn_or_noted_frame_as_exr(db: tuple[str, str], tmp_path: Path) -> None:
    url, media_id = db
    folder = tmp_path / "frames"
    folder.mkdir()
    assert main(["export", "frames", "--db", url, "--media", media_id, "--format", "exr", "--slate",
                 "--out", str(folder)]) == 0
    files = sorted(folder.glob("*.exr"))
    assert [f.name.split("_")[2] for f in files] == ["000001", "000002"]
    channels = OpenEXR.File(str(files[1])).parts[0].channels
    red = channels["RGB"].pixels if "RGB" in channels else channels["R"].pixels
    assert red.shape[1] == 64 and red.shape[0] > 36, "the slate line is under the frame"


def test_export_frames_makes_the_out_folder_as_the_readme_example_does(db: tuple[str, str], tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """README: ``horus export frames ... --out frames/``, a folder that does not exist yet."""
    url, media_id = db
    folder = tmp_path / "frames"
    assert main(["export", "frames", "--db", url, "--media", media_id, "--out", f"{folder}/"]) == 0
    assert len(list(folder.glob("*.png"))) == 2
    assert main(["export", "frames", "--db", url, "--media", media_id,
                 "--out", str(tmp_path / "missing" / "frames")]) == 2
    assert "missing" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_bad_input_is_one_line_and_exit_2(db: tuple[str, str], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url, media_id = db
    assert main(["export", "notes", "--db", url, "--playlist", "no such", "--format", "pdf",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert "playlist" in capsys.readouterr().err
    assert main(["export", "notes", "--db", url, "--media", media_id, "--format", "pdf",
                 "--out", str(tmp_path / "missing" / "x.pdf")]) == 2
    assert "missing" in capsys.readouterr().err
    assert main(["export", "frames", "--db", url, "--format", "png", "--out", str(tmp_path)]) == 2
    assert "exactly one of" in capsys.readouterr().err
