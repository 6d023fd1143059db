"""The fast reader (io.read) and the shared conversion (convert): exact outcomes, real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_xl import convert
from pmo_xl.errors import WorkbookError
from pmo_xl.io.read import read_project
from pmo_xl.model import ProjectData, make_project_data
from pmo_xl.schema import (
    FORM_FIRST_ROW,
    PROJECT,
    SETTINGS,
    TABLE_SHEETS,
    TASKS,
    ColType,
    Lang,
    Sheet,
    settings_defaults,
    sheet,
)

Rows = list[list[Any]]

CARD = {
    "project_code": "P-001",
    "project_name": "Remplacement GV",
    "project_manager": "A. Martin",
    "start_date": dt.date(2026, 1, 5),
    "planned_finish": dt.date(2026, 12, 18),
    "bac": 125000.0,
    "status_date": dt.date(2026, 6, 26),
}


# --- a small workbook writer following the schema's layout contract ------------------------------


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """Each sheet's rows from A1; datetimes get a date format, strings starting '=' are formulas."""
    with xlsxwriter.Workbook(path) as wb:
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, dt.datetime | dt.date):
                        ws.write_datetime(r, c, value, date_fmt)
                    elif isinstance(value, str) and value.startswith("="):
                        ws.write_formula(r, c, value, None, "#DIV/0!")
                    elif isinstance(value, str):
                        ws.write_string(r, c, value)
                    else:
                        ws.write(r, c, value)
    return path


def form_rows(sheet: Sheet, values: dict[str, Any], lang: Lang) -> Rows:
    rows: Rows = [[sheet.name(lang)], ["Field", "Value"]]
    for col in sheet.columns:
        rows.append([col.header(lang), values.get(col.key)])
    assert len(rows) == FORM_FIRST_ROW - 1 + len(sheet.columns)
    return rows


def workbook(
    lang: Lang = "en",
    tables: dict[str, Rows] | None = None,
    card: dict[str, Any] | None = None,
    extra: dict[str, Rows] | None = None,
    drop: tuple[str, ...] = (),
) -> dict[str, Rows]:
    """Every input sheet with its headers in ``lang``; ``tables`` replaces a sheet's rows."""
    sheets: dict[str, Rows] = {
        PROJECT.name(lang): form_rows(PROJECT, {**CARD, "language": lang, **(card or {})}, lang)
    }
    for s in TABLE_SHEETS:
        sheets[s.name(lang)] = [[c.header(lang) for c in s.columns]]
    for key, rows in (tables or {}).items():
        sheets[sheet(key).name(lang)] = rows
    sheets.update(extra or {})
    for key in drop:
        del sheets[sheet(key).name(lang)]
    return sheets


def task_rows(headers: list[str], *records: list[Any]) -> Rows:
    return [headers, *[list(r) for r in records]]


EN_TASK_HEADERS: list[Any] = ["Task ID", "Task name", "Duration (working days)", "Planned start"]
FR_TASK_HEADERS: list[Any] = ["ID tâche", "Nom de la tâche", "Durée (jours ouvrés)", "Début prévu"]
TASK_RECORDS: Rows = [
    ["T010", "Études", 5, dt.datetime(2026, 1, 5)],
    ["T020", "Travaux", 10, dt.datetime(2026, 1, 12)],
]


def read(tmp_path: Path, sheets: dict[str, Rows], name: str = "book.xlsx") -> ProjectData:
    return read_project(write_xlsx(tmp_path / name, sheets))


# --- headers, sheets, rows ------------------------------------------------------------------------


def test_english_and_french_headers_give_the_same_tasks(tmp_path: Path) -> None:
    en = read(tmp_path, workbook("en", {"tasks": [EN_TASK_HEADERS, *TASK_RECORDS]}), "en.xlsx")
    fr = read(tmp_path, workbook("fr", {"tasks": [FR_TASK_HEADERS, *TASK_RECORDS]}), "fr.xlsx")
    assert en.tasks.equals(fr.tasks)
    assert list(en.tasks.index) == [2, 3]
    assert list(en.tasks["task_id"]) == ["T010", "T020"]
    assert list(en.tasks["name"]) == ["Études", "Travaux"]
    assert list(en.tasks["duration"]) == [5.0, 10.0]
    assert list(en.tasks["planned_start"]) == [pd.Timestamp(2026, 1, 5), pd.Timestamp(2026, 1, 12)]
    assert en.layout["tasks"].name == "Tasks" and fr.layout["tasks"].name == "Tâches"
    assert en.layout["tasks"].columns == {
        "task_id": "A",
        "name": "B",
        "duration": "C",
        "planned_start": "D",
    }


def test_mixed_and_loosely_typed_headers_are_accepted(tmp_path: Path) -> None:
    headers = ["id TACHE", "Task name", "durée (jours ouvrés)", " Planned  start "]
    data = read(tmp_path, workbook("fr", {"tasks": [headers, *TASK_RECORDS]}))
    assert list(data.tasks["task_id"]) == ["T010", "T020"]
    assert list(data.tasks["duration"]) == [5.0, 10.0]
    assert data.layout["tasks"].columns["planned_start"] == "D"


def test_user_columns_and_sheets_are_ignored(tmp_path: Path) -> None:
    headers = ["Comment", "Task ID", "My column", "Task name", "Duration (working days)"]
    rows: Rows = [headers, ["x", "T010", 42, "Studies", 5], ["y", "T020", 43, "Works", 10]]
    extra: dict[str, Rows] = {"Notes": [["Anything", 1]], "Pivot": [["a", "b"], [1, 2]]}
    data = read(tmp_path, workbook("en", {"tasks": rows}, extra=extra))
    assert list(data.tasks.columns) == [c.key for c in TASKS.columns]
    assert data.layout["tasks"].columns == {"task_id": "B", "name": "D", "duration": "E"}
    assert set(data.layout) == {s.key for s in (PROJECT, *TABLE_SHEETS)}
    assert data.cell("tasks", "duration", 3) == "E3"
    assert data.cell("tasks", "budget", 3) == "3:3"  # a column the sheet lacks


def test_a_duplicated_header_uses_the_first_column(tmp_path: Path) -> None:
    headers = ["Task ID", "Task name", "Duration (working days)", "ID tâche"]
    rows: Rows = [headers, ["T010", "A", 1, "X"]]
    data = read(tmp_path, workbook("en", {"tasks": rows}))
    assert list(data.tasks["task_id"]) == ["T010"]
    assert data.layout["tasks"].columns["task_id"] == "A"


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    headers = [*EN_TASK_HEADERS, "Comment"]
    rows: Rows = [
        headers,
        ["T010", "A", 1, None, None],
        [None, None, None, None, "only a user note"],  # row 3: blank in every schema column
        ["T030", "C", 3, None, None],
        [None, "   ", None, None, None],  # row 5: whitespace only
        [None, None, None, None, "note"],
        [None, None, None, None, None],
    ]
    data = read(tmp_path, workbook("en", {"tasks": rows}))
    assert list(data.tasks.index) == [2, 4]
    assert data.tasks.index.dtype == np.int64 and data.tasks.index.name == "row"
    assert list(data.tasks["task_id"]) == ["T010", "T030"]


def test_empty_tables_have_the_contract_dtypes(tmp_path: Path) -> None:
    data = read(tmp_path, workbook("en"))
    for s in TABLE_SHEETS:
        expected = make_project_data().tables[s.key]
        assert data.tables[s.key].equals(expected), s.key
        assert list(data.tables[s.key].dtypes) == list(expected.dtypes), s.key


# --- types ----------------------------------------------------------------------------------------

TYPED_HEADERS: list[Any] = [
    "Task ID",
    "Task name",
    "Duration (working days)",
    "Planned start",
    "Constraint",
    "% complete",
    "Owner (Resource ID)",
]


def test_values_are_typed(tmp_path: Path) -> None:
    rows: Rows = [
        TYPED_HEADERS,
        [10, "A", 5, dt.datetime(2026, 5, 4, 13, 30), "Must start on", 0.5, "R01"],
        ["T20", "B", "2,5", 46146, "doit COMMENCER le", "50 %", 7],
        [30.5, "C", "1 234,5", "2026-05-04", "snet", "12,5%", None],
        ["T40", "D", "7", "04/05/2026", "later", 1, " R02 "],
    ]
    data = read(tmp_path, workbook("en", {"tasks": rows}))
    tasks = data.tasks
    assert data.findings == []
    assert list(tasks["task_id"]) == ["10", "T20", "30.5", "T40"]
    assert list(tasks["duration"]) == [5.0, 2.5, 1234.5, 7.0]
    assert list(tasks["planned_start"]) == [pd.Timestamp(2026, 5, 4)] * 4
    # enumeration labels (either language, any case) become keys; an unknown one stays as typed
    assert list(tasks["constraint"]) == ["mso", "mso", "snet", "later"]
    assert list(tasks["percent_complete"]) == [0.5, 0.5, 0.125, 1.0]
    assert list(tasks["owner"]) == ["R01", "7", None, "R02"]
    assert tasks["planned_start"].dtype == "datetime64[ns]"
    assert tasks["duration"].dtype == "float64"
    assert tasks["task_id"].dtype == object


def test_a_clean_large_column_and_a_mixed_one(tmp_path: Path) -> None:
    n = 3000
    day = dt.datetime(2026, 1, 5)
    rows: Rows = [["Date", "Category", "Hours", "Task ID"]]
    for i in range(n):
        rows.append([day + dt.timedelta(days=i % 200), ["Labour", "Achats"][i % 2], i % 8, i])
    rows[2500][0] = "31/12/2026"  # one text date deep in a date column: the column is mixed
    rows[2600][2] = "n/a"
    data = read(tmp_path, workbook("en", {"actuals": rows}))
    actuals = data.actuals
    assert len(actuals) == n
    assert actuals.loc[2501, "date"] == pd.Timestamp(2026, 12, 31)
    assert actuals.loc[2502, "date"] == pd.Timestamp(day + dt.timedelta(days=2500 % 200))
    assert list(actuals["category"].iloc[:2]) == ["labour", "purchase"]
    assert actuals.loc[2601, "hours"] != actuals.loc[2601, "hours"]  # NaN
    assert actuals.loc[2602, "hours"] == 2600 % 8
    assert actuals.loc[3001, "task_id"] == "2999"
    assert [(f.cell, f.message) for f in data.findings] == [
        ("C2601", "Actuals!C2601: 'n/a' is not a number")
    ]


def test_type_findings_name_the_cell_in_the_workbook_language(tmp_path: Path) -> None:
    rows: Rows = [
        [*FR_TASK_HEADERS, "% avancement"],
        ["T010", "A", 5, "abc", 0.5],
        ["T020", "B", "cinq", dt.datetime(2026, 1, 12), "beaucoup"],
        ["T030", "C", 1, "31/02/2026", None],
    ]
    data = read(tmp_path, workbook("fr", {"tasks": rows}))
    assert [(f.sheet, f.cell, f.column, f.rule, f.severity, f.value) for f in data.findings] == [
        ("Tâches", "D2", "planned_start", "type", "error", "abc"),
        ("Tâches", "C3", "duration", "type", "error", "cinq"),
        ("Tâches", "E3", "percent_complete", "type", "error", "beaucoup"),
        ("Tâches", "D4", "planned_start", "type", "error", "31/02/2026"),
    ]
    assert [f.message for f in data.findings] == [
        "Tâches!D2 : « abc » n'est pas une date",
        "Tâches!C3 : « cinq » n'est pas un nombre",
        "Tâches!E3 : « beaucoup » n'est pas un pourcentage",
        "Tâches!D4 : « 31/02/2026 » n'est pas une date",
    ]
    # the typed cell is blank, the rest of the row is kept
    assert data.tasks.loc[2, "planned_start"] is pd.NaT
    assert data.tasks.loc[3, "duration"] != data.tasks.loc[3, "duration"]
    assert data.tasks.loc[3, "planned_start"] == pd.Timestamp(2026, 1, 12)


def test_type_findings_in_english_and_on_the_project_card(tmp_path: Path) -> None:
    rows: Rows = [EN_TASK_HEADERS, ["T010", "A", 5, "abc"]]
    card = {"status_date": "soon", "bac": "lots"}
    data = read(tmp_path, workbook("en", {"tasks": rows}, card=card))
    assert [f.message for f in data.findings] == [
        "Project!B12: 'lots' is not a number",
        "Project!B14: 'soon' is not a date",
        "Tasks!D2: 'abc' is not a date",
    ]
    assert data.project["status_date"] is None and data.project["bac"] is None


def test_an_excel_error_value_is_a_type_finding(tmp_path: Path) -> None:
    rows: Rows = [
        EN_TASK_HEADERS,
        ["T010", "A", "=1/0", dt.datetime(2026, 1, 5)],
        ["T020", "=1/0", 1, None],
    ]
    data = read(tmp_path, workbook("en", {"tasks": rows}, card={"bac": "=1/0"}))
    assert [f.message for f in data.findings] == [
        "Project!B12: '#DIV/0!' is not a number",
        "Tasks!C2: '#DIV/0!' is not a number",
        "Tasks!B3: '#DIV/0!' is not a text",
    ]
    assert [f.value for f in data.findings] == ["#DIV/0!"] * 3
    assert list(data.tasks.index) == [2, 3]
    assert data.tasks.loc[3, "name"] is None


def test_project_card_and_settings(tmp_path: Path) -> None:
    settings = form_rows(
        SETTINGS, {"spi_red": 0.8, "mc_iterations": "2000", "spi_amber": None}, "en"
    )
    data = read(tmp_path, workbook("en", extra={"Settings": settings}, card={"project_code": 7}))
    assert data.project == {
        **{c.key: None for c in PROJECT.columns},
        **CARD,
        "project_code": "7",
        "language": "en",
    }
    assert data.settings == {**settings_defaults(), "spi_red": 0.8, "mc_iterations": 2000}
    assert isinstance(data.settings["mc_iterations"], int)
    assert data.layout["settings"].rows["spi_red"] == FORM_FIRST_ROW + 1
    assert data.cell("project", "status_date") == "B14"


def test_without_settings_sheet_the_defaults_apply(tmp_path: Path) -> None:
    data = read(tmp_path, workbook("fr"))
    assert data.settings == settings_defaults()
    assert data.language == "fr"


def test_form_fields_are_found_by_label_wherever_they_are(tmp_path: Path) -> None:
    rows: Rows = [["Fiche"], [], ["Note", "free text"], ["Date d'état", dt.datetime(2026, 6, 26)]]
    rows += [["Code projet", "P-9"], ["Langue", "Anglais"]]
    data = read(tmp_path, workbook("fr", extra={"Projet": rows}))
    assert data.project["status_date"] == dt.date(2026, 6, 26)
    assert data.project["project_code"] == "P-9"
    assert data.project["language"] == "en"
    assert data.layout["project"].rows == {"status_date": 4, "project_code": 5, "language": 6}


# --- structure errors -----------------------------------------------------------------------------


def test_missing_required_column(tmp_path: Path) -> None:
    rows: Rows = [["Task name", "Duration (working days)"], ["A", 1]]
    path = write_xlsx(tmp_path / "sample.xlsx", workbook("en", {"tasks": rows}))
    with pytest.raises(WorkbookError) as err:
        read_project(path)
    assert str(err.value) == f"{path}: sheet 'Tasks' (Tâches) has no column 'Task ID' (ID tâche)"


def test_missing_required_columns_are_all_named(tmp_path: Path) -> None:
    rows: Rows = [["Nom de la tâche"], ["A"]]
    path = write_xlsx(tmp_path / "sample.xlsx", workbook("fr", {"tasks": rows}))
    with pytest.raises(WorkbookError) as err:
        read_project(path)
    assert err.value.message == (
        "sheet 'Tasks' (Tâches) has no columns 'Task ID' (ID tâche), "
        "'Duration (working days)' (Durée (jours ouvrés))"
    )


def test_header_must_be_on_row_1(tmp_path: Path) -> None:
    rows: Rows = [[], EN_TASK_HEADERS, TASK_RECORDS[0]]
    path = write_xlsx(tmp_path / "sample.xlsx", workbook("en", {"tasks": rows}))
    with pytest.raises(WorkbookError, match="sheet 'Tasks' \\(Tâches\\) has no columns 'Task ID'"):
        read_project(path)


def test_missing_required_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sample.xlsx", workbook("en", drop=("tasks",)))
    with pytest.raises(WorkbookError) as err:
        read_project(path)
    assert str(err.value) == f"{path}: no sheet 'Tasks' (Tâches)"
    path = write_xlsx(tmp_path / "two.xlsx", workbook("fr", drop=("tasks", "risks")))
    with pytest.raises(WorkbookError) as err:
        read_project(path)
    assert err.value.message == "no sheets 'Tasks' (Tâches), 'Risks' (Risques)"


# --- convert without files (the live Excel reader's input) ---------------------------------------


def test_table_from_rows_like_xlwings() -> None:
    rows: Rows = [
        ["Task ID", "Task name", "Duration (working days)", "Planned start", "Notes"],
        [10.0, "A", 5.0, dt.datetime(2026, 5, 4, 8, 0), "x"],
        ["T2", "B", "abc", "2026-05-05", None],
        [None, None, None, None, "only notes"],
    ]
    result = convert.table_from_rows(TASKS, "Tasks", rows, first_row=3, first_column=1)
    assert list(result.frame.index) == [4, 5]
    assert list(result.frame["task_id"]) == ["10", "T2"]
    assert list(result.frame["planned_start"]) == [
        pd.Timestamp(2026, 5, 4),
        pd.Timestamp(2026, 5, 5),
    ]
    assert result.layout.columns == {
        "task_id": "B",
        "name": "C",
        "duration": "D",
        "planned_start": "E",
    }
    assert [(p.cell, p.value) for p in result.problems] == [("D5", "abc")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("  ", None),
        (dt.datetime(2026, 5, 4, 23, 59), pd.Timestamp(2026, 5, 4)),
        (dt.date(2026, 5, 4), pd.Timestamp(2026, 5, 4)),
        (46146, pd.Timestamp(2026, 5, 4)),
        (46146.75, pd.Timestamp(2026, 5, 4)),
        ("2026-05-04", pd.Timestamp(2026, 5, 4)),
        ("2026-05-04 13:30:00", pd.Timestamp(2026, 5, 4)),
        ("04/05/2026", pd.Timestamp(2026, 5, 4)),
        ("4.5.2026", pd.Timestamp(2026, 5, 4)),
        ("04/05/26", pd.Timestamp(2026, 5, 4)),
        ("abc", convert.BAD),
        ("31/02/2026", convert.BAD),
        (True, convert.BAD),
        (-1, convert.BAD),
        (3_000_000, convert.BAD),
        ("9999-12-31", convert.BAD),  # beyond datetime64[ns]
    ],
)
def test_cell_date(value: Any, expected: Any) -> None:
    assert convert.cell_date(value) == expected if expected is not convert.BAD else True
    assert (convert.cell_date(value) is convert.BAD) == (expected is convert.BAD)


@pytest.mark.parametrize(
    ("value", "percent", "expected"),
    [
        (None, False, None),
        (3, False, 3.0),
        ("2,5", False, 2.5),
        ("1 234,50", False, 1234.5),
        ("1\u202f234,50", False, 1234.5),
        ("1,234.50", False, 1234.5),
        ("-7", False, -7.0),
        ("50 %", True, 0.5),
        ("33%", True, 0.33),
        ("50 %", False, convert.BAD),
        ("abc", False, convert.BAD),
        (True, False, convert.BAD),
        (float("inf"), False, convert.BAD),
        (dt.datetime(2026, 1, 1), False, convert.BAD),
    ],
)
def test_cell_number(value: Any, percent: bool, expected: Any) -> None:
    assert convert.cell_number(value, percent) == expected or (
        expected is convert.BAD and convert.cell_number(value, percent) is convert.BAD
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10.0, "10"),
        (10, "10"),
        (10.5, "10.5"),
        ("  T1 ", "  T1 "),
        ("", None),
        (dt.datetime(2026, 5, 4), "2026-05-04"),
        (True, "TRUE"),
    ],
)
def test_cell_text(value: Any, expected: str | None) -> None:
    assert convert.cell_text(value) == expected


# --- round trip: write_workbook then read_project -----------------------------------------------

template = pytest.importorskip("pmo_xl.io.template")

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=12,
).map(lambda s: "x" + s if s.startswith(("=", "+", "-", "@")) else s)  # text, not formulas
_ids = st.from_regex(r"[A-Z]{1,2}[0-9]{2,4}", fullmatch=True)
_days = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
_money = st.floats(0, 1e9, allow_nan=False).map(lambda x: round(x, 2))
# Excel keeps 15 significant digits and XlsxWriter writes 16 ("%.16g"): the last bits of a
# random double do not survive any writer, so fractions are drawn with 12 decimals
_fractions = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 12))


def _present(col_type: ColType, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if col_type == ColType.DATE:
        return _days.map(pd.Timestamp)
    if col_type == ColType.PERCENT:
        return _fractions
    if col_type == ColType.INTEGER:
        return st.integers(0, 10_000).map(float)
    if col_type in (ColType.NUMBER, ColType.MONEY):
        return _money
    if col_type == ColType.ENUM:
        return st.sampled_from(choices)
    if col_type in (ColType.ID, ColType.ID_REF):
        return _ids
    return _text


def _value(col_type: ColType, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.none() | _present(col_type, choices)


@st.composite
def tables(draw: st.DrawFn, key: str) -> pd.DataFrame:
    s = sheet(key)
    n = draw(st.integers(0, 4))
    data: dict[str, list[Any]] = {}
    for col in s.columns:
        choices = tuple(c.key for c in col.choices)
        data[col.key] = [draw(_value(col.type, choices)) for _ in range(n)]
    if s.id_column:  # a record always has its id (a fully blank record is not a record)
        data[s.id_column] = [f"{key[:2].upper()}{i:03d}" for i in range(n)]
    else:  # Actuals, Assignments: a required first column, always filled
        first = s.columns[0]
        filled = _present(first.type, ())
        data[first.key] = [draw(filled) for _ in range(n)]
    return pd.DataFrame(data)


@st.composite
def projects(draw: st.DrawFn) -> ProjectData:
    lang = draw(st.sampled_from(("fr", "en")))
    card = {**CARD, "language": lang, "client": draw(st.none() | _text)}
    card["bac"] = draw(_money)
    conf = {"spi_red": draw(_fractions), "mc_iterations": draw(st.integers(100, 200_000))}
    frames = {s.key: draw(tables(s.key)) for s in TABLE_SHEETS}
    return make_project_data(card, conf, frames)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(project=projects())
def test_write_then_read_gives_the_same_project(tmp_path: Path, project: ProjectData) -> None:
    path = tmp_path / "round.xlsx"
    template.write_workbook(path, project=project)
    back = read_project(path)
    assert back.findings == []
    assert back.equals(project), differences(project, back)


def differences(a: ProjectData, b: ProjectData) -> list[str]:
    out = [
        f"card {k}: {v!r} != {b.project.get(k)!r}"
        for k, v in a.project.items()
        if v != b.project.get(k)
    ]
    out += [
        f"setting {k}: {v!r} != {b.settings.get(k)!r}"
        for k, v in a.settings.items()
        if v != b.settings.get(k)
    ]
    for key, frame in a.tables.items():
        other = b.tables[key]
        if frame.equals(other):
            continue
        if frame.shape != other.shape or list(frame.index) != list(other.index):
            rows = f"{list(frame.index)} != {list(other.index)}"
            out.append(f"{key}: shape {frame.shape} != {other.shape}, rows {rows}")
            continue
        for col in frame.columns:
            if not frame[col].equals(other[col]):
                mine, theirs = frame[col], other[col]
                out.append(
                    f"{key}.{col}: {mine.tolist()!r} ({mine.dtype}) "
                    f"!= {theirs.tolist()!r} ({theirs.dtype})"
                )
    return out
