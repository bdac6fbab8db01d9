"""Every colour of the UI lives in ui/theme.py (and the stylesheets it sits beside): a widget that writes a
colour of its own drifts from the theme (DESIGN: one theme module)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import horus_desktop.ui as ui_package

UI = Path(ui_package.__file__).parent
ALLOWED = {UI / "theme.py", UI / "resources.py"}
# QColor(12, ...) / QColor("#...") / QColor.fromRgb(1, ...); a hex colour or rgb()/rgba() in a string.
CODE = re.compile(r"QColor(\.fromRgbF?|\.fromHsvF?)?\(\s*(\d|['\"])|Qt\.GlobalColor\.")
STRING = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?\b|\brgba?\s*\(")


def colour_literals(source: str) -> list[str]:
    """``line: text`` of each colour written as a literal in Python source (comments are not code)."""
    found: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            continue
        text = token.line if token.type != tokenize.STRING else token.string
        hit = STRING.search(token.string) if token.type == tokenize.STRING else None
        if hit is None and token.type == tokenize.NAME and token.string == "QColor":
            hit = CODE.match(token.line[token.start[1]:])
        if hit is not None:
            found.setdefault(token.start[0], f"{token.start[0]}: {text.strip()}")
    return list(found.values())


def test_the_scanner_finds_colours_written_in_code_and_in_strings() -> None:
    source = 'a = QColor(40, 40, 44)\nb = "color: #ff6050;"\nc = QColor("#fff")  # fine: #123456\nd = QColor(x)\n'
    assert [line.split(":")[0] for line in colour_literals(source)] == ["1", "2", "3"]


def test_no_widget_module_writes_a_colour_of_its_own() -> None:
    offenders = {
        str(path.relative_to(UI)): hits
        for path in sorted(UI.rglob("*.py")) if path not in ALLOWED
        for hits in [colour_literals(path.read_text(encoding="utf-8"))] if hits
    }
    assert offenders == {}, "colours belong in horus_desktop/ui/theme.py"
