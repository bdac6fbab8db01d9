"""``horus bench montu`` imports a generated export whole and its re-run writes nothing."""

from __future__ import annotations

import json

import pytest

from horus_desktop.cli import main


def test_bench_montu_reports_records_per_second(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "montu", "--media", "60", "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["problems"] == 0 and result["rerun_created"] == 0 and result["records"] > 60
    assert result["records_per_second"] > 0 and "records/s" in captured.err
