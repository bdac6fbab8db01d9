"""What the shortcut tests read: the keys the README documents and every key binding of a built window
(QActions, QShortcuts, menu-bar and button mnemonics) with the widgets where each is live."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QLabel, QMainWindow, QMenu, QWidget

README = Path(__file__).resolve().parents[2] / "README.md"
# Sections of the README that describe keys of the main window.
KEY_SECTIONS = ("The main window", "Reviewing: drawings and notes", "The timeline dock")
NAMED_KEYS = ("Space", "Return", "Enter", "Delete", "Home", "End", "Left", "Right", "Escape")
_MODS = r"(?:Ctrl|Shift|Alt)"
_COMBO = re.compile(rf"\b{_MODS}(?:\+{_MODS})*\+(?:F\d+|[A-Z][a-z]*\b|[0-9]|[^\sA-Za-z0-9/()|])")
_PAREN_KEY = re.compile(r"\(([A-Z])\)")
_SLASHED = re.compile(r"(?<![\w+])((?:[A-Z]|Home|End|Left|Right)(?:/(?:[A-Z]|Home|End|Left|Right))+)(?![\w+])")
_NAMED = re.compile(rf"(?<![\w+])({'|'.join(NAMED_KEYS)})(?![\w+])")
# Keys written as code come in runs ("`,` and `.` jump..."); a lone "`;`" is notation, not a key.
_BACKTICKED_RUN = re.compile(r"`[^`\s]`(?:\s*(?:and|/|,)\s*`[^`\s]`)+")
_BACKTICKED = re.compile(r"`([^`\s])`")


def portable(text: str) -> str:
    """One spelling for a key (``Del`` and ``Delete``, ``Enter`` and ``Return`` as Qt writes them)."""
    return QKeySequence(text).toString(QKeySequence.SequenceFormat.PortableText)


def _section_texts() -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            current = line.lstrip("#").strip()
            continue
        sections.setdefault(current, []).append(line)
    return {name: "\n".join(sections.get(name, [])) for name in KEY_SECTIONS}


def _table_keys(line: str) -> list[str]:
    cell = line.strip().strip("|").split("|")[0]
    if cell.strip() in ("key", "---"):
        return []
    keys = []
    for part in re.split(r" / |, ", cell):
        part = part.strip()
        if len(part) >= 3 and part[0] == part[-1] == "`":
            part = part[1:-1]
        part = re.sub(r"\s*\(.*\)$", "", part)
        if part and part.lower() not in ("wheel",):
            keys.append(part)
    return keys


def readme_keys() -> dict[str, str]:
    """Every key the README's window sections name, portable spelling -> the README line it came from."""
    found: dict[str, str] = {}
    for text in _section_texts().values():
        for line in text.splitlines():
            keys = _table_keys(line) if line.lstrip().startswith("|") else []
            if not keys:
                prose = line
                keys += _COMBO.findall(prose)
                prose = _COMBO.sub(" ", prose)
                keys += _PAREN_KEY.findall(prose)
                for run in _SLASHED.findall(prose):
                    keys += run.split("/")
                prose = _SLASHED.sub(" ", prose)
                keys += _NAMED.findall(prose)
                for run in _BACKTICKED_RUN.findall(prose):
                    keys += [k for k in _BACKTICKED.findall(run) if not k.isalnum()]
            for key in keys:
                if QKeySequence(key).count() == 1:
                    found.setdefault(portable(key), line.strip())
    return found


@dataclass(frozen=True)
class Binding:
    """One key binding and where it is live: the whole window, or focus inside ``scope``."""

    key: str
    owner: QObject
    label: str
    scope: QWidget | None  # None: anywhere in the window

    def overlaps(self, other: Binding) -> bool:
        """Both can be live at the same focus (Qt then reports an ambiguous shortcut and runs neither)."""
        if self.scope is None or other.scope is None:
            return True
        return self.scope is other.scope or self.scope.isAncestorOf(other.scope) \
            or other.scope.isAncestorOf(self.scope)


def _action_scopes(action: QAction) -> list[QWidget | None]:
    context = action.shortcutContext()
    widgets = [o for o in action.associatedObjects() if isinstance(o, QWidget) and not isinstance(o, QMenu)]
    if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
        return [None]
    return list(widgets)


def window_bindings(window: QMainWindow) -> list[Binding]:
    """Every key binding of the window (disabled actions too: they are enabled as the user works)."""
    out: list[Binding] = []
    actions = {id(a): a for a in (*window.findChildren(QAction), *window.actions())}
    for action in actions.values():
        label = action.objectName() or action.text().replace("&", "")
        for sequence in action.shortcuts():
            for scope in _action_scopes(action):
                out.append(Binding(sequence.toString(QKeySequence.SequenceFormat.PortableText), action, label,
                                   scope))
    for shortcut in window.findChildren(QShortcut):
        scope = None if shortcut.context() in (Qt.ShortcutContext.WindowShortcut,
                                                Qt.ShortcutContext.ApplicationShortcut) else shortcut.parentWidget()
        out.append(Binding(shortcut.key().toString(QKeySequence.SequenceFormat.PortableText), shortcut,
                           shortcut.objectName() or "QShortcut", scope))
    for action in window.menuBar().actions():
        mnemonic = QKeySequence.mnemonic(action.text())
        if not mnemonic.isEmpty():
            out.append(Binding(mnemonic.toString(QKeySequence.SequenceFormat.PortableText), action,
                               f"menu {action.text()}", None))
    widgets = [w for w in (*window.findChildren(QAbstractButton), *window.findChildren(QLabel))
               if not isinstance(w, QLabel) or w.buddy() is not None]
    for widget in widgets:
        mnemonic = QKeySequence.mnemonic(widget.text())
        if not mnemonic.isEmpty():
            out.append(Binding(mnemonic.toString(QKeySequence.SequenceFormat.PortableText), widget,
                               f"{type(widget).__name__} {widget.text()}", None))
    return out


def ambiguous(bindings: list[Binding]) -> list[str]:
    """Pairs of bindings with one key, live at the same time, owned by different objects."""
    clashes = []
    for i, first in enumerate(bindings):
        for second in bindings[i + 1:]:
            if first.key == second.key and first.owner is not second.owner and first.overlaps(second):
                clashes.append(f"{first.key}: {first.label} and {second.label}")
    return sorted(set(clashes))
