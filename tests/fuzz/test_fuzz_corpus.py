"""Every file of the damaged-media corpus, through probe, thumbnail, decode and ingest in a child process:
each step ends in success or a typed media error naming the file; a raw exception, a native crash or a
hang fails the test with the file and step named."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.sequences import scan_media

from .harness import Outcome

# The first test builds and runs the whole corpus (its session fixture): --fuzz-long takes minutes.
pytestmark = pytest.mark.timeout(1800)

FORMATS = ("exr-scanline", "exr-tiled", "exr-multipart", "dpx", "tiff", "png", "jpeg", "mov", "mp4")


@pytest.mark.parametrize("fmt", FORMATS)
def test_damaged_files_end_in_success_or_a_typed_error(
    fuzz_run: tuple[dict[str, list[Path]], list[Outcome]], fmt: str
) -> None:
    corpus, outcomes = fuzz_run
    assert len(corpus[fmt]) > 30, "the corpus lost its mutations"
    mine = [o for o in outcomes if o.fmt == fmt]
    assert len(mine) == 4 * len(corpus[fmt]) or any(o.kind in ("crash", "hang") for o in mine)
    failures = [o.describe() for o in mine if o.failed]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])


def test_the_originals_read_cleanly(fuzz_run: tuple[dict[str, list[Path]], list[Outcome]]) -> None:
    """The mutations start from good files: every original passes every step."""
    _, outcomes = fuzz_run
    originals = [o for o in outcomes if "__" not in Path(o.path).name]
    assert originals and all(o.kind == "ok" for o in originals), [o.describe() for o in originals if o.kind != "ok"]


def test_one_ingest_of_the_whole_corpus_reports_every_damaged_file(
    fuzz_run: tuple[dict[str, list[Path]], list[Outcome]], sqlite_store
) -> None:
    """The app's own path (probe workers): whatever a file does to a decoder, the ingest of the corpus
    finishes and every file is either recorded or named in a problem."""
    corpus, _ = fuzz_run
    for folder in sorted({p.parent for paths in corpus.values() for p in paths}):
        report = ingest_tree(sqlite_store, folder)
        named = {p.path for p in report.problems}
        recorded = sqlite_store.media.get_by_paths(item.path for item in scan_media(folder))
        unaccounted = [item.path for item in scan_media(folder) if item.path not in recorded and item.path not in named]
        assert report.found == len(corpus_files(corpus, folder)) and not unaccounted, unaccounted[:10]


def corpus_files(corpus: dict[str, list[Path]], folder: Path) -> list[Path]:
    """The corpus files in one folder."""
    return [p for paths in corpus.values() for p in paths if p.parent == folder]
