"""``horus bench all``: every bench in a child process; one that fails is a failed row and the others go on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from horus_desktop.cli import bench_all as bench_all_module
from horus_desktop.cli import build_parser, main
from horus_desktop.cli.bench_all import bench_all, bench_verbs
from horus_desktop.domain.bench_table import format_table


def test_the_benches_are_found_in_the_parser() -> None:
    verbs = bench_verbs(build_parser())
    assert {"store", "decode", "playlist", "notes", "startup"} <= set(verbs) and "all" not in verbs


def test_a_failing_bench_is_a_failed_row_and_the_next_one_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(bench_all_module.ALL_RUNS, "store", [("--records", "not-a-number")])
    monkeypatch.setitem(bench_all_module.ALL_RUNS, "notes", [("--notes", "50", "--strokes", "20")])
    result = bench_all(build_parser(), only=["store", "notes"], timeout=300)
    store_rows = [r for r in result["rows"] if r["bench"] == "store"]
    notes_rows = [r for r in result["rows"] if r["bench"] == "notes"]
    assert len(store_rows) == 1 and store_rows[0]["failed"] and "FAILED: exit 2" in store_rows[0]["note"]
    assert notes_rows and all(not r.get("failed") for r in notes_rows)
    assert any(r["horus"] is not None for r in notes_rows)
    assert [run["ok"] for run in result["runs"]] == [False, True]
    table = format_table(result["rows"])
    assert "FAILED" in table and "notes: panel first paint, 50 notes" in table


def test_a_bench_with_its_own_rows_is_shown_as_it_says() -> None:
    row = {"figure": "thing", "horus": 2.0, "baseline": 1.0, "unit": "s", "ratio": 2.0, "goal": "<= 3x"}
    (shown,) = bench_all_module.rows_of("colour", {"rows": [row], "other": 1}, ())
    assert shown["figure"] == "colour: thing" and shown["ratio"] == 2.0 and shown["goal"] == "<= 3x"


def test_an_unknown_bench_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "all", "--only", "no-such-bench"]) == 2
    assert "no bench no-such-bench" in capsys.readouterr().err


def test_json_holds_the_rows_only_on_stdout() -> None:
    # A fresh process (its stdout is the one tested), with the store bench made small.
    code = ("import sys; from horus_desktop.cli import bench_all, main; "
            "bench_all.ALL_RUNS['store'] = [('--records', '300', '--runs', '5')]; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "bench", "all", "--only", "store", "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    figures = [r["figure"] for r in result["rows"]]
    assert figures == ["store: media search p50 (300 records)", "store: media search p95 (300 records)"]
    assert all(r["ratio"] is not None for r in result["rows"])
    assert "bench store" in done.stderr  # progress goes to stderr
