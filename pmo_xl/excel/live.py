"""A live Excel Book (xlwings) <-> ProjectData and StatusReport.

Split so that almost nothing needs Excel:

* **reading**: ``read_book`` asks xlwings for one 2-D list per input sheet (``sheet_values``, the
  only xlwings code on that path) and hands them to ``project_from_values``, which converts them
  with the file reader's code (``pmo_xl.convert``: ``convert_table``, ``convert_form``,
  ``project_data``) and finds sheets with the file reader's ``find_input_sheets``. Tests feed
  ``project_from_values`` the same lists read from a file and compare with ``io.read``.
* **writing**: ``plan_sheet`` turns a ``SheetReport`` into a list of plain operations (values,
  styles, links, pictures) laid out as ``io.owned`` lays out a file; ``apply`` performs them
  through xlwings, a handful of calls per block. ``highlight_plan`` does the same for findings.

Owned sheets are recognised as in files (``io.package``): a hidden sheet-scoped name
``pmo_xl.owned`` whose value is the sheet kind (``="dashboard"``), never by the sheet's name.

``XLWINGS_CONTRACT`` lists every class, method, property and keyword of xlwings this package uses
(here and in ``macros``/``lite``); ``tests/test_excel_contract.py`` checks each one against the
installed, pinned xlwings, so an upgrade that breaks us fails CI rather than a user's ribbon.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.convert import (
    ExcelError,
    FormResult,
    TableResult,
    convert_form,
    convert_table,
    map_headers,
    project_data,
    workbook_language,
)
from pmo_xl.errors import WriteError
from pmo_xl.excel.udfs import EXCEL_ERRORS
from pmo_xl.io.owned import DPI, FILLS, NUMBER_FORMATS, figure_cells
from pmo_xl.io.package import MARKER
from pmo_xl.io.read import check_input_sheets, find_input_sheets
from pmo_xl.model import Finding, ProjectData
from pmo_xl.report.model import FigureBlock, SheetReport, StatusReport, TableBlock, TextBlock
from pmo_xl.schema import Lang, Sheet

HIGHLIGHTS = "pmo_xl.highlights"  # sheet-scoped names recording the cells we coloured
NAME_TEXT_MAX = 250  # a string constant in an Excel formula holds at most 255 characters
TITLE_COLOUR = "#1F4E78"
HEADER_FONT = "#FFFFFF"
NOTE_COLOUR = "#595959"
COLUMN_WIDTH = 13.5  # characters, as io.owned
SEVERITY_FILL = {"error": FILLS["red"][0], "warning": FILLS["amber"][0]}


# --- the xlwings contract ---------------------------------------------------------------------


@dataclass(frozen=True)
class XlwingsUse:
    """One thing we use from xlwings: ``owner`` (a dotted path) has ``member`` of ``kind``.

    ``kind``: "function", "method", "classmethod", "property" (readable), "setter" (assignable
    property), "option" (a ``Range.options`` keyword: the conversion stage ``owner`` reads
    ``options[member]``); ``keywords`` must be parameters of the callable.
    """

    owner: str
    member: str
    kind: str
    keywords: tuple[str, ...] = ()
    why: str = ""


XLWINGS_CONTRACT: tuple[XlwingsUse, ...] = (
    # macros.py / lite.py
    XlwingsUse("xlwings.main.Book", "caller", "classmethod", why="macros: the calling book"),
    XlwingsUse("xlwings.main.Book", "set_mock_caller", "method", why="run macros from Python"),
    XlwingsUse("xlwings.main.Book", "fullname", "property", why="ProjectData.source"),
    XlwingsUse("xlwings.main.Book", "sheets", "property"),
    XlwingsUse("xlwings.main.Book", "app", "property"),
    XlwingsUse("xlwings.main.App", "screen_updating", "setter", why="write faster"),
    XlwingsUse("xlwings.main.App", "alert", "method", ("prompt", "title", "buttons", "mode")),
    XlwingsUse("xlwings.main.Book", "names", "property", why="the PMO_FOLDER name"),
    XlwingsUse("xlwings.main.Names", "__contains__", "method"),
    XlwingsUse("xlwings.main.Names", "__getitem__", "method"),
    XlwingsUse("xlwings.main.Names", "__iter__", "method"),
    XlwingsUse("xlwings.main.Name", "refers_to_range", "property"),
    XlwingsUse("xlwings.main.Sheets", "__getitem__", "method"),
    XlwingsUse("xlwings.main.Sheet", "activate", "method"),
    XlwingsUse("xlwings", "script", "function", why="xlwings Lite entry points"),
    XlwingsUse("xlwings", "func", "function", why="UDF decorator"),
    XlwingsUse("xlwings", "arg", "function", why="UDF argument options"),
    # reading
    XlwingsUse("xlwings.main.Sheets", "__iter__", "method"),
    XlwingsUse("xlwings.main.Sheets", "add", "method", ("name", "after")),
    XlwingsUse("xlwings.main.Sheet", "name", "setter", why="rename an owned sheet"),
    XlwingsUse("xlwings.main.Sheet", "tables", "property"),
    XlwingsUse("xlwings.main.Sheet", "used_range", "property"),
    XlwingsUse("xlwings.main.Sheet", "range", "method", ("cell1", "cell2")),
    XlwingsUse("xlwings.main.Table", "name", "property"),
    XlwingsUse("xlwings.main.Table", "range", "property"),
    XlwingsUse("xlwings.main.Range", "last_cell", "property"),
    XlwingsUse("xlwings.main.Range", "row", "property"),
    XlwingsUse("xlwings.main.Range", "column", "property"),
    XlwingsUse("xlwings.main.Range", "options", "method", ("convert",)),
    XlwingsUse("xlwings.conversion.standard.AdjustDimensionsStage", "ndim", "option"),
    XlwingsUse("xlwings.conversion.standard.CleanDataFromReadStage", "err_to_str", "option"),
    XlwingsUse("xlwings.main.Range", "value", "setter"),
    # writing
    XlwingsUse("xlwings.main.Sheet", "clear", "method"),
    XlwingsUse("xlwings.main.Sheet", "names", "property"),
    XlwingsUse("xlwings.main.Sheet", "pictures", "property"),
    XlwingsUse("xlwings.main.Names", "add", "method", ("name", "refers_to")),
    XlwingsUse("xlwings.main.Name", "name", "property"),
    XlwingsUse("xlwings.main.Name", "refers_to", "property"),
    XlwingsUse("xlwings.main.Name", "delete", "method"),
    XlwingsUse("xlwings.main.Name", "api", "property", why="hide the marker (Visible)"),
    XlwingsUse("xlwings.main.Range", "number_format", "setter"),
    XlwingsUse("xlwings.main.Range", "color", "setter"),
    XlwingsUse("xlwings.main.Range", "column_width", "setter"),
    XlwingsUse("xlwings.main.Range", "font", "property"),
    XlwingsUse("xlwings.main.Range", "add_hyperlink", "method", ("address", "text_to_display")),
    XlwingsUse("xlwings.main.Range", "left", "property"),
    XlwingsUse("xlwings.main.Range", "top", "property"),
    XlwingsUse("xlwings.main.Font", "bold", "setter"),
    XlwingsUse("xlwings.main.Font", "italic", "setter"),
    XlwingsUse("xlwings.main.Font", "size", "setter"),
    XlwingsUse("xlwings.main.Font", "color", "setter"),
    XlwingsUse(
        "xlwings.main.Pictures",
        "add",
        "method",
        ("image", "name", "update", "anchor", "export_options"),
        why="matplotlib figures, updated in place by name",
    ),
    XlwingsUse("xlwings.main.Pictures", "__iter__", "method"),
    XlwingsUse("xlwings.main.Picture", "name", "property"),
    XlwingsUse("xlwings.main.Picture", "delete", "method"),
    XlwingsUse("xlwings.main.Picture", "left", "setter"),
    XlwingsUse("xlwings.main.Picture", "top", "setter"),
)


# --- reading ----------------------------------------------------------------------------------


@dataclass
class SheetValues:
    """A block of cells as xlwings gives them: ``rows`` (2-D list; dates as datetime, numbers as
    float, blanks None, error cells as their text "#N/A"), its top-left cell at worksheet row
    ``first_row`` (1-based) and column ``first_column`` (0-based, A = 0)."""

    rows: list[list[Any]]
    first_row: int = 1
    first_column: int = 0


Fetch = Callable[[Sheet, str], SheetValues]


def read_book(book: Any) -> ProjectData:
    """The live book's input sheets as ProjectData (same result as ``io.read`` on its file)."""
    sheets = {s.name: s for s in book.sheets}
    return project_from_values(
        list(sheets), lambda schema, name: sheet_values(sheets[name], schema), book.fullname
    )


def sheet_values(sheet: Any, schema: Sheet) -> SheetValues:
    """The cells of one input sheet, in one COM call: the only xlwings code on the read path.

    A form sheet: columns A:B from row 1. A table sheet: its ListObject (``schema.table``) when
    it has one, header row included; else everything from A1 to the end of the used range, the
    file reader's view.
    """
    last = sheet.used_range.last_cell
    if schema.kind == "form":
        block = sheet.range((1, 1), (max(last.row, 1), 2))
    else:
        table = next((t for t in sheet.tables if t.name == schema.table), None)
        block = table.range if table is not None else sheet.range((1, 1), last)
    rows = block.options(ndim=2, err_to_str=True).value or []
    return SheetValues(rows, block.row, block.column - 1)


def project_from_values(names: Sequence[str], fetch: Fetch, source: str = "") -> ProjectData:
    """ProjectData from a book's sheet ``names`` (in order) and ``fetch(schema, name)``.

    Raises WorkbookError, with the file reader's messages, when input sheets are missing.
    """
    found = find_input_sheets(list(names))
    check_input_sheets(found)
    forms: dict[str, FormResult] = {}
    tables: dict[str, TableResult] = {}
    for key, (schema, name) in found.items():
        values = fetch(schema, name)
        if schema.kind == "form":
            forms[key] = form_result(schema, name, values)
        else:
            tables[key] = table_result(schema, name, values)
    return project_data(forms.get("project"), forms.get("settings"), tables, source=source)


def form_result(schema: Sheet, name: str, values: SheetValues) -> FormResult:
    rows = [[excel_error(v) for v in row[values.first_column : values.first_column + 2]] for row
            in values.rows]  # fmt: skip
    return convert_form(schema, name, rows, first_row=values.first_row)


def table_result(schema: Sheet, name: str, values: SheetValues) -> TableResult:
    """A table block (header first) through ``convert_table``, error cells as ``cell_errors``.

    Like ``convert.table_from_rows``, plus what fastexcel reports for the file reader: a cell
    holding an Excel error is no value of its column but a type finding.
    """
    header_row = values.first_row
    if not values.rows:
        map_headers(schema, [])  # the file reader's "no column ..." error
        return convert_table(schema, name, [], [], first_row=header_row + 1)
    headers = list(values.rows[0])
    width = len(headers)
    columns: list[list[Any]] = [[] for _ in range(width)]
    errors: dict[tuple[int, int], Any] = {}
    for offset, row in enumerate(values.rows[1:]):
        for j in range(width):
            value = row[j] if j < len(row) else None
            if isinstance(value, str) and value in EXCEL_ERRORS:
                errors[(j, offset)] = ExcelError(value)
                value = None
            columns[j].append(value)
    positions = [values.first_column + j for j in range(width)]
    return convert_table(
        schema,
        name,
        headers,
        columns,
        positions=positions,
        first_row=header_row + 1,
        cell_errors=errors,
    )


def excel_error(value: Any) -> Any:
    return ExcelError(value) if isinstance(value, str) and value in EXCEL_ERRORS else value


# --- writing: the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """Values written from (row, col) (1-based), one list per row."""

    row: int
    col: int
    values: list[list[Any]]


@dataclass(frozen=True)
class Style:
    """Formats of the block of ``rows`` x ``cols`` cells at (row, col)."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1
    number_format: str | None = None
    fill: str | None = None
    font_colour: str | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None


@dataclass(frozen=True)
class Link:
    row: int
    col: int
    target: str  # "Sheet!A1"
    text: str


@dataclass(frozen=True)
class Picture:
    row: int
    col: int
    block: FigureBlock


Op = Cells | Style | Link | Picture


@dataclass
class SheetPlan:
    ops: list[Op] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)  # names, in order


def plan_sheet(sheet: SheetReport, lang: str) -> SheetPlan:
    """What to write on one owned sheet, laid out as ``io.owned`` lays out the file."""
    plan = SheetPlan()
    formats = NUMBER_FORMATS["en" if lang == "en" else "fr"]
    plan.ops.append(Cells(1, 1, [[sheet.title]]))
    plan.ops.append(Style(1, 1, font_colour=TITLE_COLOUR, bold=True, size=16))
    row = 3  # io.owned: title on row 1, blocks from row 3
    pending: list[FigureBlock] = []
    for block in sheet.blocks:
        if isinstance(block, FigureBlock):
            pending.append(block)
            if len(pending) == sheet.columns:
                row = _plan_figures(plan, row, pending)
                pending = []
            continue
        if pending:
            row = _plan_figures(plan, row, pending)
            pending = []
        if isinstance(block, TableBlock):
            row = _plan_table(plan, row, block, formats)
        else:
            row = _plan_text(plan, row, block)
    if pending:
        _plan_figures(plan, row, pending)
    return plan


def _plan_text(plan: SheetPlan, row: int, block: TextBlock) -> int:
    if block.title:
        plan.ops.append(Cells(row, 1, [[block.title]]))
        plan.ops.append(Style(row, 1, font_colour=TITLE_COLOUR, bold=True, size=12))
        row += 1
    if block.lines:
        plan.ops.append(Cells(row, 1, [[cell_value(line)] for line in block.lines]))
        if block.colour in FILLS:
            fill, font = FILLS[block.colour]
            lines = len(block.lines)
            plan.ops.append(Style(row, 1, lines, 1, fill=fill, font_colour=font, bold=True))
        row += len(block.lines)
    return row + 1


def _plan_table(plan: SheetPlan, row: int, block: TableBlock, formats: Mapping[str, str]) -> int:
    plan.ops.append(Cells(row, 1, [[block.title]]))
    plan.ops.append(Style(row, 1, font_colour=TITLE_COLOUR, bold=True, size=12))
    row += 1
    if block.note:
        plan.ops.append(Cells(row, 1, [[block.note]]))
        plan.ops.append(Style(row, 1, font_colour=NOTE_COLOUR, italic=True))
        row += 1
    frame = block.frame
    n, width = len(frame), len(frame.columns)
    values = [[str(c) for c in frame.columns]]
    values += [[cell_value(frame.iat[i, j]) for j in range(width)] for i in range(n)]
    plan.ops.append(Cells(row, 1, values))
    plan.ops.append(Style(row, 1, 1, width, fill=TITLE_COLOUR, font_colour=HEADER_FONT, bold=True))
    if n:
        for j, col in enumerate(frame.columns):
            kind = block.kinds.get(str(col), "text")
            plan.ops.append(Style(row + 1, j + 1, n, 1, number_format=formats.get(kind, "@")))
        if block.colours is not None:
            for j, col in enumerate(frame.columns):
                if col not in block.colours.columns:
                    continue
                shades = block.colours[col].tolist()
                for i, colour in enumerate(shades[:n]):
                    if isinstance(colour, str) and colour in FILLS:
                        fill, font = FILLS[colour]
                        plan.ops.append(Style(row + 1 + i, j + 1, fill=fill, font_colour=font))
    for (i, col), target in sorted(block.links.items()):
        if col in frame.columns and 0 <= i < n:
            j = frame.columns.get_loc(col)
            plan.ops.append(Link(row + 1 + i, int(j) + 1, target, str(values[i + 1][j] or "")))
    return row + n + 3


def _plan_figures(plan: SheetPlan, row: int, figures: list[FigureBlock]) -> int:
    col, tallest = 1, 0
    for block in figures:
        plan.ops.append(Cells(row, col, [[block.title]]))
        plan.ops.append(Style(row, col, font_colour=TITLE_COLOUR, bold=True, size=12))
        plan.ops.append(Picture(row + 1, col, block))
        plan.pictures.append(block.name)
        w, h = block.figure.get_size_inches()
        cols, rows = figure_cells(round(w * DPI), round(h * DPI))
        col += cols + 1
        tallest = max(tallest, rows)
    return row + tallest + 3


def cell_value(value: Any) -> Any:
    """A report value as xlwings writes it; text that Excel would parse is kept as text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
        value = value.item()
    if isinstance(value, bool):
        return "✔" if value else ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    text = str(value)
    # a leading apostrophe stores text: "=x" is no formula, "-5" or "1/2" no number or date
    if text and (text[0] in "=+-@" or _LOOKS_PARSED.fullmatch(text)):
        return "'" + text
    return text


_LOOKS_PARSED = re.compile(r"[\d\s.,/:%€$-]+")


# --- writing: through xlwings -----------------------------------------------------------------


def write_report(book: Any, report: StatusReport) -> None:
    """Write every sheet of ``report`` into ``book``: owned sheets are replaced, others created.

    Raises WriteError, before writing anything, when a sheet of the report has the name of a
    sheet that pmo_xl does not own (the user's sheet is never overwritten).
    """
    owned = owned_sheets(book)
    names = {s.name: s for s in book.sheets}
    for sheet in report.sheets:
        target = names.get(sheet.name)
        mine = owned.get(sheet.kind)
        if target is not None and (mine is None or mine.name != target.name):
            raise WriteError(
                f"sheet '{sheet.name}' is not a pmo_xl sheet: rename or move it, then refresh"
            )
    app = book.app
    app.screen_updating = False
    try:
        for sheet in report.sheets:
            ws = owned.get(sheet.kind)
            if ws is None:
                ws = book.sheets.add(sheet.name, after=list(book.sheets)[-1])
                mark_owned(ws, sheet.kind)
            else:
                if ws.name != sheet.name:
                    ws.name = sheet.name
                ws.clear()
            apply(ws, plan_sheet(sheet, report.language))
    finally:
        app.screen_updating = True


def owned_rows(book: Any, kind: str) -> list[list[Any]] | None:
    """The values of owned sheet ``kind`` from A1 (None when absent): ``io.owned.read_owned_rows``
    on a live book, with typed values (dates as datetime, numbers as float)."""
    ws = owned_sheets(book).get(kind)
    if ws is None:
        return None
    rows = ws.range((1, 1), ws.used_range.last_cell).options(ndim=2, err_to_str=True).value
    return list(rows or [])


def project_language(sheet_names: Sequence[str]) -> Lang:
    """The language the sheet names are in (French unless mostly English), as the reader says."""
    return workbook_language({}, sheet_names)


def owned_sheets(book: Any) -> dict[str, Any]:
    """Owned sheet kind -> xlwings Sheet, from the ``pmo_xl.owned`` markers."""
    out: dict[str, Any] = {}
    for ws in book.sheets:
        for name in ws.names:
            if name.name.rsplit("!", 1)[-1] == MARKER:
                out.setdefault(marker_kind(name.refers_to), ws)
    return out


def marker_kind(refers_to: str) -> str:
    """``="dashboard"`` -> ``dashboard``."""
    return refers_to.lstrip("=").strip().strip('"')


def mark_owned(ws: Any, kind: str) -> None:
    hide(ws.names.add(MARKER, f'="{kind}"'))


def hide(name: Any) -> None:
    """Hide a defined name where the platform allows it (Windows COM; macOS keeps it visible)."""
    # appscript (macOS) objects have no Visible: the name stays visible, which is only cosmetic
    with contextlib.suppress(Exception):
        name.api.Visible = False


def apply(ws: Any, plan: SheetPlan) -> None:
    """Perform ``plan`` on the (cleared) sheet ``ws``: a few xlwings calls per block."""
    ws.range("A:AE").column_width = COLUMN_WIDTH
    for pic in list(ws.pictures):
        if pic.name not in plan.pictures:
            pic.delete()
    for op in plan.ops:
        if isinstance(op, Cells):
            ws.range((op.row, op.col)).value = op.values
        elif isinstance(op, Style):
            _style(ws.range((op.row, op.col), (op.row + op.rows - 1, op.col + op.cols - 1)), op)
        elif isinstance(op, Link):
            ws.range((op.row, op.col)).add_hyperlink("#" + op.target, op.text)
        else:
            anchor = ws.range((op.row, op.col))
            pic = ws.pictures.add(
                op.block.figure,
                name=op.block.name,
                update=True,
                anchor=anchor,
                export_options={"dpi": DPI},
            )
            pic.left, pic.top = anchor.left, anchor.top  # an updated picture keeps its old place


def _style(rng: Any, op: Style) -> None:
    if op.number_format is not None:
        rng.number_format = op.number_format
    if op.fill is not None:
        rng.color = op.fill
    font = rng.font
    if op.font_colour is not None:
        font.color = op.font_colour
    if op.bold:
        font.bold = True
    if op.italic:
        font.italic = True
    if op.size is not None:
        font.size = op.size


# --- highlighting findings ----------------------------------------------------------------------

_A1 = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]{1,7}")


def highlight_plan(findings: Iterable[Finding]) -> dict[str, dict[str, list[str]]]:
    """Sheet -> fill colour -> multi-area addresses ("F12,G3,...", each under 255 characters).

    An error wins over a warning on the same cell; findings without a cell are left out.
    """
    worst: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.cell and _A1.fullmatch(f.cell):
            key = (f.sheet, f.cell)
            if worst.get(key) != "error":
                worst[key] = f.severity
    out: dict[str, dict[str, list[str]]] = {}
    for (sheet, cell), severity in worst.items():
        chunks = out.setdefault(sheet, {}).setdefault(SEVERITY_FILL[severity], [])
        if chunks and len(chunks[-1]) + 1 + len(cell) <= NAME_TEXT_MAX:
            chunks[-1] += "," + cell
        else:
            chunks.append(cell)
    return out


def highlight_findings(book: Any, findings: Iterable[Finding]) -> None:
    """Colour the cells of ``findings`` (errors red, warnings amber) on the input sheets.

    The cells coloured by the previous call are cleared first: they are recorded in hidden
    sheet-scoped names ``pmo_xl.highlights.N`` (their fill is reset to none: a user fill on a
    flagged cell is not restored).
    """
    plan = highlight_plan(findings)
    sheets = {s.name: s for s in book.sheets}
    for ws in sheets.values():
        _clear_highlights(ws)
    for sheet_name, colours in plan.items():
        ws = sheets.get(sheet_name)
        if ws is None:
            continue
        n = 0
        for colour, chunks in colours.items():
            for addresses in chunks:
                ws.range(addresses).color = colour
                n += 1
                hide(ws.names.add(f"{HIGHLIGHTS}.{n}", f'="{addresses}"'))


def _clear_highlights(ws: Any) -> None:
    for name in list(ws.names):
        if name.name.rsplit("!", 1)[-1].startswith(HIGHLIGHTS + "."):
            ws.range(marker_kind(name.refers_to)).color = None
            name.delete()
