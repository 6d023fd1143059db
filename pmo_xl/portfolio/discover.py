"""Which files a consolidation reads: project workbooks found under the paths given.

Found: ``*.xlsx`` and ``*.xlsm`` files, recursively under each directory, and files named
directly. Skipped: Excel's ``~$`` lock files, pmo_xl's temporary files (``.~pmo_xl_*``, a write
in progress), the backup folder ``.pmo_xl_backups`` and pmo_xl's own portfolio workbooks. A
portfolio workbook is recognised by its marker, a hidden workbook-scoped defined name
``pmo_xl.portfolio`` written by ``portfolio.workbook``, never by its file name.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from pmo_xl.io.package import BACKUP_DIR

PORTFOLIO_MARKER = "pmo_xl.portfolio"
SUFFIXES = (".xlsx", ".xlsm")
SKIPPED_PREFIXES = ("~$", ".~pmo_xl_")
_MAX_WORKBOOK_XML = 16 << 20  # a workbook.xml part is a few KiB; do not inflate a crafted one
_MARKER_RE = re.compile(rb'<definedName\b[^>]*\bname="' + re.escape(PORTFOLIO_MARKER.encode()))


def find_workbooks(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """(workbooks to consolidate, portfolio workbooks skipped), each sorted, without duplicates.

    A path that does not exist is kept in the first list: reading it reports the problem on the
    Errors sheet like any other unreadable file.
    """
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(p for p in path.rglob("*") if _candidate(p, path))
        else:
            found.add(path)
    workbooks: list[Path] = []
    portfolios: list[Path] = []
    for path in sorted(found):
        (portfolios if is_portfolio_workbook(path) else workbooks).append(path)
    return workbooks, portfolios


def _candidate(path: Path, root: Path) -> bool:
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(SKIPPED_PREFIXES):
        return False
    return BACKUP_DIR not in path.relative_to(root).parts and path.is_file()


def is_portfolio_workbook(path: str | Path) -> bool:
    """True when ``path`` is a workbook carrying the portfolio marker (False if unreadable)."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("xl/workbook.xml")
            if info.file_size > _MAX_WORKBOOK_XML:
                return False
            return _MARKER_RE.search(package.read(info)) is not None
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, RuntimeError):
        return False
