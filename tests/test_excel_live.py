"""The live reader gives the file reader's ProjectData; the live writer lays a report out as the
file writer does. No Excel here: the 2-D lists xlwings would return are read from the same file
with openpyxl (dates datetime, numbers float, blanks None, error cells as their text)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from matplotlib.figure import Figure

from pmo_xl.errors import WorkbookError
from pmo_xl.excel import live
from pmo_xl.io.owned import _Formats, build_workbook
from pmo_xl.io.read import read_project
from pmo_xl.model import Finding, ProjectData
from pmo_xl.report.model import FigureBlock, SheetReport, StatusReport, TableBlock, TextBlock
from pmo_xl.schema import Sheet

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "sample_project.xlsx"


def xlwings_value(value: Any) -> Any:
    """A cell value as xlwings returns it (numbers as float)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def openpyxl_fetch(path: Path) -> tuple[list[str], live.Fetch]:
    wb = openpyxl.load_workbook(path, data_only=True)

    def fetch(schema: Sheet, name: str) -> live.SheetValues:
        ws = wb[name]
        if schema.kind == "form":
            cells = ws.iter_rows(min_row=1, max_row=max(ws.max_row, 1), min_col=1, max_col=2)
            first_row, first_col = 1, 0
        elif schema.table in ws.tables:  # the ListObject, as live.sheet_values prefers
            cells = ws[ws.tables[schema.table].ref]
            first = cells[0][0]
            first_row, first_col = first.row, first.column - 1
        else:
            cells = ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=1, max_col=ws.max_column)
            first_row, first_col = 1, 0
        rows = [[xlwings_value(c.value) for c in row] for row in cells]
        return live.SheetValues(rows, first_row, first_col)

    return wb.sheetnames, fetch


def assert_same(a: ProjectData, b: ProjectData) -> None:
    assert a.equals(b)
    for key in a.tables:
        pd.testing.assert_frame_equal(a.tables[key], b.tables[key])
    assert a.findings == b.findings
    assert a.layout == b.layout
    assert a.project == b.project and a.settings == b.settings


def test_live_reader_gives_the_file_readers_project() -> None:
    names, fetch = openpyxl_fetch(SAMPLE)
    project = live.project_from_values(names, fetch, str(SAMPLE))
    assert_same(project, read_project(SAMPLE))
    assert len(project.tasks) > 10


def test_live_reader_same_type_findings_and_error_cells(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    tasks = next(wb[n] for n in wb.sheetnames if n in ("Tâches", "Tasks"))
    headers = {c.value: c.column for c in tasks[1]}
    duration = headers.get("Durée (jours ouvrés)") or headers["Duration (working days)"]
    start = headers.get("Début prévu") or headers["Planned start"]
    name = headers.get("Nom de la tâche") or headers["Task name"]
    tasks.cell(3, duration).value = "abc"
    tasks.cell(4, start).value = "bientôt"
    tasks.cell(5, duration).value = "#N/A"  # openpyxl stores an error cell
    tasks.cell(6, name).value = "#DIV/0!"
    tasks.cell(7, duration).value = "12,5"
    wb.save(path)
    names, fetch = openpyxl_fetch(path)
    project = live.project_from_values(names, fetch, str(path))
    file_project = read_project(path)
    assert_same(project, file_project)
    assert {f.cell for f in project.findings} >= {f"{c}{r}" for c, r in (("D", 3), ("E", 4))}
    assert len(project.findings) == 4


def test_missing_sheets_give_the_file_readers_message() -> None:
    def fetch(schema: Sheet, name: str) -> live.SheetValues:
        raise AssertionError("nothing to fetch")

    with pytest.raises(WorkbookError, match="not a project workbook"):
        live.project_from_values(["Feuil1"], fetch)


# --- writing ---------------------------------------------------------------------------------


def test_number_formats_are_the_file_writers() -> None:
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for lang in ("fr", "en"):
        assert live.NUMBER_FORMATS[lang] is _Formats(wb, lang).num
    assert live.NUMBER_FORMATS["fr"]["money"] == '[$-40C]#,##0\\ "€"'
    wb.close()


def small_report() -> StatusReport:
    fig = Figure(figsize=(4, 3))
    fig.add_subplot().plot([1, 2, 3])
    frame = pd.DataFrame({"Tâche": ["T010", "=SUM(A1)"], "SPI": [0.8, None]})
    colours = pd.DataFrame({"Tâche": [None, None], "SPI": ["red", None]})
    sheet = SheetReport(
        "dashboard",
        "Tableau de bord",
        "Tableau de bord — P1",
        [
            TextBlock("Météo", ["Orange : retard"], "amber"),
            TableBlock(
                "Indicateurs", frame, {"SPI": "ratio"}, colours, {(0, "Tâche"): "Tâches!A2"}
            ),
            FigureBlock("Courbe en S", fig, "dashboard_s_curve"),
            FigureBlock("Tendance", fig, "dashboard_trend"),
            TextBlock("Fin", ["."]),
        ],
    )
    return StatusReport("fr", "P1", "04/05/2026", [sheet])


def test_plan_places_blocks_where_the_file_writer_does() -> None:
    report = small_report()
    plan = live.plan_sheet(report.sheets[0], "fr")
    written = {
        (op.row + i, op.col + j): v
        for op in plan.ops
        if isinstance(op, live.Cells)
        for i, row in enumerate(op.values)
        for j, v in enumerate(row)
        if v is not None
    }
    ws = openpyxl.load_workbook(io.BytesIO(build_workbook(report)))["Tableau de bord"]
    in_file = {
        (c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
    }
    assert {k: str(v).lstrip("'") for k, v in written.items()} == {
        k: "" if v is True else str(v) for k, v in in_file.items()
    }
    assert [op.block.name for op in plan.ops if isinstance(op, live.Picture)] == plan.pictures
    assert plan.pictures == ["dashboard_s_curve", "dashboard_trend"]
    pictures = [(op.row, op.col) for op in plan.ops if isinstance(op, live.Picture)]
    assert pictures[0][0] == pictures[1][0] and pictures[1][1] > pictures[0][1]  # side by side
    assert live.Link(8, 1, "Tâches!A2", "T010") in plan.ops
    assert live.Style(8, 2, 2, 1, number_format="[$-40C]0.00") in plan.ops
    assert live.Style(8, 2, fill="#FFC7CE", font_colour="#9C0006") in plan.ops


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (float("nan"), None),
        (pd.NaT, None),
        (pd.Timestamp("2026-05-04"), dt.datetime(2026, 5, 4)),
        (dt.date(2026, 5, 4), dt.datetime(2026, 5, 4)),
        (1.5, 1.5),
        (3, 3),
        (True, "✔"),
        ("T010", "T010"),
        ("", ""),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("-5", "'-5"),
        ("04/05/2026", "'04/05/2026"),
    ],
)
def test_cell_value(value: Any, expected: Any) -> None:
    assert live.cell_value(value) == expected


def finding(sheet: str, cell: str, severity: str = "error") -> Finding:
    return Finding(sheet, cell, "x", "rule", severity, None, "message")  # type: ignore[arg-type]


def test_highlight_plan() -> None:
    plan = live.highlight_plan(
        [
            finding("Tâches", "F12"),
            finding("Tâches", "F12", "warning"),  # the error wins
            finding("Tâches", "G3", "warning"),
            finding("Projet", "B5"),
            finding("Tâches", ""),  # no cell: nothing to colour
            finding("Tâches", "12:12"),
        ]
    )
    assert plan == {
        "Tâches": {"#FFC7CE": ["F12"], "#FFEB9C": ["G3"]},
        "Projet": {"#FFC7CE": ["B5"]},
    }
    many = live.highlight_plan([finding("Tâches", f"A{i}") for i in range(2, 500)])
    chunks = many["Tâches"]["#FFC7CE"]
    assert all(len(c) <= live.NAME_TEXT_MAX for c in chunks)
    assert ",".join(chunks).split(",") == [f"A{i}" for i in range(2, 500)]


def test_marker_kind() -> None:
    assert live.marker_kind('="dashboard"') == "dashboard"
    assert live.marker_kind('= "risks" ') == "risks"
