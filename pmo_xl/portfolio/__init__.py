"""Headless consolidation of many project workbooks: local processes or Dask.

``consolidate(paths, output, workers=..., dask=..., export_dir=..., lang=...)`` finds the
workbooks (``discover``), summarises each in a worker (``summary.summarise`` through
``runner.run``), aggregates the summaries as they arrive (``aggregate``) and writes the
portfolio workbook and the exported tables (``workbook``).
"""

from __future__ import annotations

from pmo_xl.portfolio.aggregate import PortfolioTables
from pmo_xl.portfolio.consolidate import Consolidation, consolidate
from pmo_xl.portfolio.discover import PORTFOLIO_MARKER, find_workbooks, is_portfolio_workbook
from pmo_xl.portfolio.summary import ProjectSummary, summarise

__all__ = [
    "PORTFOLIO_MARKER",
    "Consolidation",
    "PortfolioTables",
    "ProjectSummary",
    "consolidate",
    "find_workbooks",
    "is_portfolio_workbook",
    "summarise",
]
