"""One row of a benchmark table: a figure of Horus, its baseline measured in the same run, their ratio, the goal.

``horus bench all`` prints every bench's rows as one table (``horus bench startup`` its own). A bench whose
JSON carries ``"rows": [bench_row(...), ...]`` is shown as it says; others are read by the adapters of
``horus_desktop.cli.bench_all``. Plain data and text only: every layer may build rows.
"""

from __future__ import annotations

from typing import Any

COLUMNS = ("figure", "Horus", "baseline (same run)", "ratio", "goal")
NOTE_WIDTH = 70


def bench_row(figure: str, horus: float | None, baseline: float | None, *, unit: str = "s",
              baseline_label: str = "", goal: str = "", note: str = "") -> dict[str, Any]:
    """A row: ``ratio`` is horus / baseline (a time: lower is better; a rate: higher is better; the goal says)."""
    ratio = round(horus / baseline, 2) if horus is not None and baseline else None
    return {"figure": figure, "horus": horus, "baseline": baseline, "unit": unit, "baseline_label": baseline_label,
            "ratio": ratio, "goal": goal, "note": note}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s" and value < 1:
        return f"{value * 1000:.0f} ms"
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def row_cells(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """The five cells of a row as text."""
    unit = str(row.get("unit") or "")
    baseline = _number(row.get("baseline"), unit)
    if row.get("baseline_label") and row.get("baseline") is not None:
        baseline += f" ({row['baseline_label']})"
    elif row.get("baseline_label"):
        baseline = str(row["baseline_label"])
    note = str(row.get("note") or "")
    if len(note) > NOTE_WIDTH:  # a failure's whole reason is in the JSON
        note = note[:NOTE_WIDTH - 1] + "…"
    horus = note if row.get("horus") is None and note else _number(row.get("horus"), unit)
    ratio = "-" if row.get("ratio") is None else f"{row['ratio']:g}"
    return str(row.get("figure", "")), horus, baseline, ratio, str(row.get("goal") or "-")


def format_table(rows: list[dict[str, Any]], *, markdown: bool = False) -> str:
    """The rows as an aligned text table (or a Markdown one, for the README)."""
    cells = [COLUMNS] + [row_cells(r) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
        return "\n".join(lines + ["| " + " | ".join(c.replace("|", "/") for c in line) + " |" for line in cells[1:]])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    text = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in cells]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)
