"""What a status report is made of: sheets of tables and figures, independent of any writer.

``report.status`` fills these; ``io.owned`` places them in a workbook file and ``excel.live``
in a live Excel book. Nothing here knows about a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

CellKind = Literal["text", "date", "money", "number", "int", "percent", "ratio"]
Colour = Literal["green", "amber", "red", "grey", "blue"]


@dataclass
class TableBlock:
    """A titled table. ``colours`` (same shape as ``frame``, or None) paints cells."""

    title: str
    frame: pd.DataFrame  # column labels already in the report's language
    kinds: dict[str, CellKind] = field(default_factory=dict)  # default: text
    colours: pd.DataFrame | None = None  # values: Colour names or None
    links: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, column) -> "Sheet!A1"
    note: str = ""


@dataclass
class FigureBlock:
    """A chart: a matplotlib Figure (kept as an object so live Excel can place it natively)."""

    title: str
    figure: Any  # matplotlib.figure.Figure
    name: str  # stable picture name (live Excel updates pictures by name)
    width_cm: float = 16.0


@dataclass
class TextBlock:
    title: str
    lines: list[str]
    colour: Colour | None = None


Block = TableBlock | FigureBlock | TextBlock


@dataclass
class SheetReport:
    kind: str  # stable key: dashboard, schedule, earned_value, risks, resources, watchdog...
    name: str  # sheet name in the report's language
    title: str
    blocks: list[Block] = field(default_factory=list)
    columns: int = 2  # blocks flow in this many columns on the sheet (figures side by side)


@dataclass
class StatusReport:
    language: str
    project_code: str
    status_date: str
    sheets: list[SheetReport] = field(default_factory=list)
    history: pd.DataFrame | None = None  # the whole History table after this refresh

    def sheet(self, kind: str) -> SheetReport:
        return next(s for s in self.sheets if s.kind == kind)
