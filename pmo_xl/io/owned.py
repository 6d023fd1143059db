"""Place a StatusReport in a workbook of its own (XlsxWriter), ready to be spliced.

Layout: a title row, then blocks flowing down the sheet; consecutive figures sit side by side
(``SheetReport.columns`` per row). Every sheet prints on A4 landscape, one page wide.
Text is always written as text: a value starting with ``=`` never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.template import DATE_FORMAT, LOCALE_PREFIX
from pmo_xl.report.model import FigureBlock, SheetReport, StatusReport, TableBlock, TextBlock
from pmo_xl.schema import LANGS, Lang

DPI = 110
SHOWN = 96 / DPI  # Excel shows a PNG at its own dpi: 110-dpi pixels take 96/110 screen pixels
ROW_HEIGHT_PX = 20  # default row height in pixels
COL_WIDTH_PX = 64 * 1.5  # our default column width (13.5 characters) in pixels
HEADER_CHARS = 12  # characters a header line holds in a 13.5-character column
FILLS = {  # Excel's own Good / Neutral / Bad styles, readable in print
    "green": ("#C6EFCE", "#006100"),
    "amber": ("#FFEB9C", "#9C5700"),
    "red": ("#FFC7CE", "#9C0006"),
    "grey": ("#EDEDED", "#404040"),
    "blue": ("#DDEBF7", "#1F4E78"),
}
Writer = Callable[..., Any]  # an XlsxWriter write method: (row, col, value, format)
_Picture = tuple[Worksheet, int, int, FigureBlock]  # a figure to insert at (row, col)


def number_formats(lang: Lang) -> dict[str, str]:
    """Excel number format per CellKind; the locale prefix makes LibreOffice and Excel show
    French separators in a French report whatever the machine's locale (as the template does)."""
    p = LOCALE_PREFIX[lang]
    money = f'{p}#,##0\\ "€"' if lang == "fr" else f'{p}"€"#,##0'
    return {
        "text": "@",
        "date": DATE_FORMAT[lang],
        "money": money,
        "number": f"{p}#,##0.0",
        "int": f"{p}0",
        "percent": f"{p}0.0%",
        "ratio": f"{p}0.00",
    }


NUMBER_FORMATS: dict[str, dict[str, str]] = {lang: number_formats(lang) for lang in LANGS}


class _Formats:
    """XlsxWriter formats by (kind, colour, bold), created once per workbook."""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self.wb = wb
        self.cache: dict[tuple[str, str | None, bool], Any] = {}
        self.num = NUMBER_FORMATS["en" if lang == "en" else "fr"]
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
        self.block = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1F4E78",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#BFBFBF",
            }
        )
        self.link = wb.add_format(
            {"font_color": "#0563C1", "underline": 1, "border": 1, "border_color": "#BFBFBF"}
        )

    def cell(self, kind: str, colour: str | None = None, bold: bool = False) -> Any:
        key = (kind, colour, bold)
        if key not in self.cache:
            spec: dict[str, Any] = {
                "num_format": self.num.get(kind, "@"),
                "border": 1,
                "border_color": "#BFBFBF",
                "valign": "top",
            }
            if colour in FILLS:
                spec["bg_color"], spec["font_color"] = FILLS[colour]
            if bold:
                spec["bold"] = True
            self.cache[key] = self.wb.add_format(spec)
        return self.cache[key]


def build_workbook(report: StatusReport, created: dt.datetime | None = None) -> bytes:
    """The owned sheets of ``report`` as a standalone .xlsx (bytes), deterministic."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    wb.set_properties(
        {
            "title": f"pmo_xl {report.project_code}",
            "author": "pmo_xl",
            "created": created or dt.datetime(2026, 1, 1),
        }
    )
    formats = _Formats(wb, report.language)
    # the figures are drawn (by forked workers) while the cells are written, and the pictures
    # inserted afterwards, each sheet's in the same order: XlsxWriter numbers them on close
    pictures: list[_Picture] = []
    with _Drawing(report) as drawing:
        for sheet in report.sheets:
            _write_sheet(wb.add_worksheet(sheet.name), sheet, formats, report, pictures)
        renders = drawing.result()
    for ws, row, col, block in pictures:
        png, _, _ = renders[id(block.figure)]
        ws.insert_image(
            row,
            col,
            f"{block.name}.png",
            {"image_data": io.BytesIO(png), "object_position": 3, "description": block.title},
        )
    wb.close()
    return buf.getvalue()


def _write_sheet(
    ws: Worksheet,
    sheet: SheetReport,
    f: _Formats,
    report: StatusReport,
    pictures: list[_Picture],
) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer(f"&L{report.project_code}&C{sheet.title}&R{report.status_date} — &P/&N")
    ws.hide_gridlines(2)
    ws.set_column(0, 30, 13.5)
    ws.write_string(0, 0, sheet.title, f.title)
    row = 2
    pending: list[FigureBlock] = []
    for block in sheet.blocks:
        if isinstance(block, FigureBlock):
            pending.append(block)
            if len(pending) == sheet.columns:
                row = _place_figures(ws, row, pending, f, pictures)
                pending = []
            continue
        if pending:
            row = _place_figures(ws, row, pending, f, pictures)
            pending = []
        if isinstance(block, TableBlock):
            row = _place_table(ws, row, block, f)
        else:
            row = _place_text(ws, row, block, f)
    if pending:
        _place_figures(ws, row, pending, f, pictures)


def _place_text(ws: Worksheet, row: int, block: TextBlock, f: _Formats) -> int:
    if block.title:
        ws.write_string(row, 0, block.title, f.block)
        row += 1
    fmt = f.cell("text", block.colour, bold=True) if block.colour else None
    for line in block.lines:
        ws.write_string(row, 0, line, fmt)
        row += 1
    return row + 1


def _place_table(ws: Worksheet, row: int, block: TableBlock, f: _Formats) -> int:
    ws.write_string(row, 0, block.title, f.block)
    row += 1
    if block.note:
        ws.write_string(row, 0, block.note, f.note)
        row += 1
    frame = block.frame
    for j, col in enumerate(frame.columns):
        ws.write_string(row, j, str(col), f.header)
    # neither Excel nor LibreOffice grows a generated row for wrapped text: size it here
    lines = max((math.ceil(len(str(c)) / HEADER_CHARS) for c in frame.columns), default=1)
    if lines > 1:
        ws.set_row(row, 15 * lines)
    # one pandas access and one type dispatch per column, then cells in row order (XlsxWriter
    # numbers shared strings in the order they are written: the bytes stay those of a
    # row-by-row write)
    n = len(frame)
    colours = block.colours
    cells = _Cells(ws)
    linked = {col for _, col in block.links}
    writers: list[list[Writer]] = []
    values: list[list[Any]] = []
    formats: list[list[Any]] = []
    for j, col in enumerate(frame.columns):
        name = str(col)
        raw = frame.iloc[:, j].tolist()
        column_writers, column_values = cells.column(raw)
        paint = colours[col].tolist() if colours is not None and col in colours.columns else None
        column_formats = _formats(f, block.kinds.get(name, "text"), paint, n)
        if name in linked:
            targets = [block.links.get((i, name)) for i in range(n)]
            _link_cells(ws, f, targets, raw, column_writers, column_values, column_formats)
        writers.append(column_writers)
        values.append(column_values)
        formats.append(column_formats)
    for i in range(n):
        r = row + 1 + i
        for j in range(len(writers)):
            writers[j][i](r, j, values[j][i], formats[j][i])
    return row + n + 3


class _Cells:
    """The write methods of one worksheet, bound once, and the one that writes each value."""

    def __init__(self, ws: Worksheet) -> None:
        self.blank: Writer = ws.write_blank
        self.number: Writer = ws.write_number
        self.string: Writer = ws.write_string
        self.datetime: Writer = ws.write_datetime

    def column(self, values: list[Any]) -> tuple[list[Writer], list[Any]]:
        """The method and argument writing each of ``values``, as ``of`` gives them (the usual
        cells, text, numbers and timestamps, take a shortcut to the same answer)."""
        writers: list[Writer] = []
        args: list[Any] = []
        for value in values:
            kind = type(value)
            if kind is str:
                writer, arg = self.string, value
            elif kind is float and not math.isnan(value):
                writer, arg = self.number, value
            elif kind is pd.Timestamp:
                writer, arg = self.datetime, value.to_pydatetime()
            else:
                writer, arg = self.of(value)
            writers.append(writer)
            args.append(arg)
        return writers, args

    def of(self, value: Any) -> tuple[Writer, Any]:
        """The method and argument writing ``value``: text is always written as text."""
        if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return self.blank, None
        if isinstance(value, np.datetime64 | pd.Timestamp | dt.date):
            ts = pd.Timestamp(value)
            return (self.blank, None) if pd.isna(ts) else (self.datetime, ts.to_pydatetime())
        if isinstance(value, bool | np.bool_):
            return self.string, "✔" if value else ""
        if isinstance(value, int | float | np.integer | np.floating):
            return self.number, float(value)
        return self.string, _text(value)


def _formats(f: _Formats, kind: str, colours: list[Any] | None, n: int) -> list[Any]:
    """The format of each of the ``n`` cells of a column (``colours``: None when unpainted)."""
    if colours is None:
        return [f.cell(kind)] * n if n else []
    by_colour = {c: f.cell(kind, c if isinstance(c, str) else None) for c in dict.fromkeys(colours)}
    return [by_colour[c] for c in colours]


def _link_cells(
    ws: Worksheet,
    f: _Formats,
    targets: list[str | None],
    raw: list[Any],
    writers: list[Writer],
    values: list[Any],
    formats: list[Any],
) -> None:
    """Make the cells of a column that have a target hyperlinks showing their ``raw`` value as
    text (``writers``, ``values`` and ``formats`` are those of the column, changed in place)."""
    for i, target in enumerate(targets):
        if target:
            # "external:<path>" links a file (the portfolio's links to project workbooks)
            url = target if target.startswith("external:") else "internal:" + target
            writers[i] = functools.partial(ws.write_url, string=_text(raw[i]))
            values[i] = url
            formats[i] = f.link


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _place_figures(
    ws: Worksheet,
    row: int,
    figures: list[FigureBlock],
    f: _Formats,
    pictures: list[_Picture],
) -> int:
    """Titles of ``figures`` side by side from ``row``; their pictures go in ``pictures``."""
    col = 0
    tallest = 0
    for block in figures:
        ws.write_string(row, col, block.title, f.block)
        pictures.append((ws, row + 1, col, block))
        cols, rows = figure_cells(*_size_px(block.figure))
        col += cols + 1
        tallest = max(tallest, rows)
    return row + tallest + 3


_FIGURES: list[Any] = []  # the figures a forked renderer inherits (see _Drawing)


def render_all(
    report: StatusReport, workers: int | None = None
) -> dict[int, tuple[bytes, int, int]]:
    """PNG of every distinct figure of ``report``, by ``id(figure)`` (a figure shown twice is
    drawn once); see ``_Drawing``."""
    with _Drawing(report, workers) as drawing:
        return drawing.result()


class _Drawing:
    """The PNGs of the distinct figures of a report, drawn from ``with`` on by forked workers.

    Drawing is most of a refresh's time (text layout in Agg), so on Linux the figures are drawn
    by forked processes, one per core, while the caller writes the cells: a fork inherits the
    figures without pickling them, and the bytes are the same as drawn here. Elsewhere, or for
    a few figures, they are drawn here when ``result`` is asked for.
    """

    def __init__(self, report: StatusReport, workers: int | None = None) -> None:
        self.figures = list({id(b.figure): b.figure for s in report.sheets for b in s.blocks
                             if isinstance(b, FigureBlock)}.values())  # fmt: skip
        self.workers = min(workers or os.cpu_count() or 1, len(self.figures))
        self.pool: ProcessPoolExecutor | None = None
        self.pngs: Iterator[tuple[bytes, int, int]] = iter(())

    def __enter__(self) -> _Drawing:
        if self.workers > 1 and len(self.figures) >= 4 and sys.platform == "linux":
            # largest first: drawing time grows with the picture's area, and a large figure
            # handed out last keeps one worker drawing while the others wait
            self.figures.sort(key=_area, reverse=True)
            _FIGURES[:] = self.figures  # the workers are forked on the first submit
            ctx = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
            try:
                self.pngs = self.pool.map(_render_nth, range(len(self.figures)))
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        _FIGURES.clear()

    def result(self) -> dict[int, tuple[bytes, int, int]]:
        """The PNG and its size in pixels of each figure, by ``id(figure)``."""
        if self.pool is None:
            pngs = [render_png(fig) for fig in self.figures]
        else:
            pngs = list(self.pngs)
        return {id(fig): png for fig, png in zip(self.figures, pngs, strict=True)}


def _render_nth(n: int) -> tuple[bytes, int, int]:
    return render_png(_FIGURES[n])


def _area(figure: Any) -> float:
    w, h = figure.get_size_inches()
    return float(w * h)


def figure_cells(w_px: int, h_px: int) -> tuple[int, int]:
    """Columns and rows a picture of ``w_px`` × ``h_px`` pixels (rendered at DPI) covers."""
    return math.ceil(w_px * SHOWN / COL_WIDTH_PX), math.ceil(h_px * SHOWN / ROW_HEIGHT_PX)


def render_png(figure: Any) -> tuple[bytes, int, int]:
    """PNG bytes of a matplotlib Figure and its size in pixels (metadata stripped)."""
    buf = io.BytesIO()
    figure.savefig(
        buf, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return (buf.getvalue(), *_size_px(figure))


def _size_px(figure: Any) -> tuple[int, int]:
    """The size in pixels of a matplotlib Figure drawn at DPI (known before it is drawn)."""
    w, h = figure.get_size_inches()
    return round(w * DPI), round(h * DPI)


def read_owned_rows(path: Path, kind: str) -> list[list[Any]] | None:
    """The cell values of the owned sheet ``kind`` of the workbook at ``path`` (None if absent).

    The sheet is found by pmo_xl's marker, never by its name (see ``io.package``).
    """
    import fastexcel

    from pmo_xl.io.package import read_owned_sheets

    name = read_owned_sheets(path).get(kind)
    if name is None:
        return None
    sheet = fastexcel.read_excel(path).load_sheet(name, header_row=None, dtypes="string")
    table = sheet.to_arrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []
