"""The damaged-media corpus, generated once per test session, and its summary at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .corpus import build_corpus
from .harness import Outcome, run_corpus, summary

# Mutations kept per format: a seeded sample of a few hundred by default (CI, about 25 s on 2 cores), all
# of them (about 8,000 files) and 4x the random bit flips with --fuzz-long.
DEFAULT_PER_FORMAT, DEFAULT_FLIPS = 400, 24
LONG_FLIPS = 100

_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def fuzz_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[dict[str, list[Path]], list[Outcome]]]:
    """The corpus (files by format) and how every file fared in every step."""
    long = request.config.getoption("--fuzz-long")
    folder = tmp_path_factory.mktemp("damaged-media")
    corpus = build_corpus(folder, per_format=None if long else DEFAULT_PER_FORMAT,
                          flips=LONG_FLIPS if long else DEFAULT_FLIPS)
    work = folder / "work"
    work.mkdir()
    outcomes = run_corpus(corpus, work)
    _SUMMARY[:] = ["damaged-media corpus" + (" (--fuzz-long)" if long else ""), *summary(corpus, outcomes)]
    yield corpus, outcomes


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the corpus counts (files per format, ok, clean errors, raw exceptions, crashes, hangs)."""
    if _SUMMARY:
        terminalreporter.section("damaged media")
        for line in _SUMMARY:
            terminalreporter.write_line(line)
