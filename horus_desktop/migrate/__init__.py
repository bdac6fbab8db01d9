"""Importers from other review tools' databases (Montu)."""

from __future__ import annotations

from horus_desktop.migrate.montu import import_montu
from horus_desktop.migrate.montu_report import ImportProblem, KindCounts, MontuImportReport, format_report

__all__ = ["ImportProblem", "KindCounts", "MontuImportReport", "format_report", "import_montu"]
