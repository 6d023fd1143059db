"""The layering of DESIGN.md, checked on the source: core is pure, xlwings only in excel/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "pmo_xl"
FORBIDDEN_IN_CORE = {
    "openpyxl",
    "xlwings",
    "matplotlib",
    "fastexcel",
    "xlsxwriter",
    "os",
    "pathlib",
    "shutil",
    "zipfile",
    "io",
    "pmo_xl.io",
    "pmo_xl.excel",
    "pmo_xl.report",
    "pmo_xl.cli",
    "pmo_xl.services",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _hits(names: set[str], banned: set[str]) -> set[str]:
    return {n for n in names for b in banned if n == b or n.startswith(b + ".")}


@pytest.mark.parametrize("path", sorted((PKG / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_io_excel_or_plotting(path: Path) -> None:
    assert _hits(imported_modules(path), FORBIDDEN_IN_CORE) == set()


def test_only_excel_package_imports_xlwings() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if "excel" not in p.relative_to(PKG).parts and _hits(imported_modules(p), {"xlwings"})
    ]
    assert offenders == []


def test_matplotlib_only_in_report_charts() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if _hits(imported_modules(p), {"matplotlib"})
        and p.relative_to(PKG).as_posix()
        not in {"report/charts.py", "excel/live.py", "portfolio/charts.py"}
    ]
    assert offenders == []


def test_workbook_libraries_only_in_io() -> None:
    libs = {"openpyxl", "fastexcel", "xlsxwriter", "zipfile"}
    allowed = {"io", "addin", "portfolio"}
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if _hits(imported_modules(p), libs) and p.relative_to(PKG).parts[0] not in allowed
    ]
    assert offenders == []
