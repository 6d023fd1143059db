"""The canonical workbook writer against the schema, against itself and against LibreOffice.

openpyxl reads our own output here (it never touches a user's workbook); LibreOffice is the
application that must open, recalculate and print what we write.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import zipfile
from pathlib import Path

import fastexcel
import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from soffice import convert, needs_soffice, pdf_pages, pdf_text, to_pdf

from pmo_xl.errors import WriteError
from pmo_xl.io.template import (
    GROWTH_MIN_LAST_ROW,
    GROWTH_ROWS,
    column_note,
    growth_last_row,
    id_list_name,
    number_format,
    write_workbook,
)
from pmo_xl.model import ProjectData, make_project_data
from pmo_xl.schema import (
    FORM_FIRST_ROW,
    FORM_SHEETS,
    GUIDE_SHEET,
    LANGS,
    SETTINGS,
    SHEETS,
    SHEETS_BY_KEY,
    TABLE_SHEETS,
    ColType,
    Lang,
    column_letter,
    settings_defaults,
)

LAST = GROWTH_MIN_LAST_ROW  # last row of validations in a template or a small project


def sample_project(lang: Lang = "fr") -> ProjectData:
    """A small project: a few records, some blanks, enumerations by key, a gap in Actuals."""
    tasks = pd.DataFrame(
        {
            "task_id": ["T010", "T020", "T030"],
            "name": ["Étude", "Travaux", "Réception"],
            "duration": [5.0, 10.0, 0.0],
            "planned_start": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-23"]),
            "constraint": ["asap", None, "snet"],
            "percent_complete": [0.5, 0.0, None],
            "budget": [1234.5, 20000.0, None],
            "owner": ["R01", "R02", None],
            "predecessors": [None, "T010FS+2", "T020"],
        }
    )
    resources = pd.DataFrame(
        {
            "resource_id": ["R01", "R02"],
            "name": ["Claire Martin", "Paul Durand"],
            "daily_rate": [650.0, 540.0],
            "hours_per_day": [7.0, 7.5],
            "project_share": [0.5, 0.25],
        }
    )
    actuals = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-03", "2026-03-04", "2026-03-10"]),
            "resource_id": ["R01", "R01", "R02"],
            "task_id": ["T010", "T010", "T020"],
            "hours": [7.0, 3.5, 7.5],
            "cost": [None, None, 120.0],
            "category": ["labour", "labour", "travel"],
        },
        index=pd.Index([2, 3, 5]),  # row 4 was left blank by the user
    )
    risks = pd.DataFrame(
        {
            "risk_id": ["RK01"],
            "title": ["Accès site retardé"],
            "probability": [3.0],
            "impact": [4.0],
            "strategy": ["mitigate"],
            "status": ["open"],
        }
    )
    card = {
        "project_code": "P-001",
        "project_name": "Remplacement échangeur",
        "project_manager": "A. Lefèvre",
        "start_date": dt.date(2026, 3, 2),
        "planned_finish": dt.date(2026, 6, 30),
        "bac": 21234.5,
        "currency": "EUR",
        "status_date": dt.date(2026, 3, 31),
        "progress_method": "physical",
        "language": lang,
    }
    tables = {"tasks": tasks, "resources": resources, "actuals": actuals, "risks": risks}
    return make_project_data(card, {"risk_amber_from": 6}, tables)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, Path]:
    folder = tmp_path_factory.mktemp("templates")
    paths: dict[Lang, Path] = {}
    for lang in LANGS:
        paths[lang] = folder / f"template_{lang}.xlsx"
        write_workbook(paths[lang], lang=lang)
    return paths


@pytest.fixture(scope="module")
def project_books(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, Path]:
    folder = tmp_path_factory.mktemp("projects")
    paths: dict[Lang, Path] = {}
    for lang in LANGS:
        paths[lang] = folder / f"project_{lang}.xlsx"
        write_workbook(paths[lang], project=sample_project(lang))
    return paths


def validations(ws: Worksheet) -> dict[str, tuple[str, str | None, str | None]]:
    """sqref -> (type, formula1, errorStyle) of the sheet's data validations."""
    return {
        str(dv.sqref): (dv.type, dv.formula1, dv.errorStyle)
        for dv in ws.data_validations.dataValidation
    }


# ----------------------------------------------------------------------------- schema agreement


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_in_schema_order_then_guide(templates: dict[Lang, Path], lang: Lang) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    assert wb.sheetnames == [s.name(lang) for s in SHEETS] + [GUIDE_SHEET[lang]]
    assert wb.active.title == SHEETS[0].name(lang)


def test_french_and_english_sheet_names(templates: dict[Lang, Path]) -> None:
    assert openpyxl.load_workbook(templates["fr"]).sheetnames == [
        "Projet",
        "Tâches",
        "Ressources",
        "Affectations",
        "Réalisé",
        "Budget",
        "Risques",
        "Qualité",
        "Changements",
        "Formation",
        "Paramètres",
        "Guide",
    ]
    assert openpyxl.load_workbook(templates["en"]).sheetnames[:3] == [
        "Project",
        "Tasks",
        "Resources",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_tables_headers_and_ranges(templates: dict[Lang, Path], lang: Lang) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    for sheet in TABLE_SHEETS:
        ws = wb[sheet.name(lang)]
        headers = [c.header(lang) for c in sheet.columns]
        last = column_letter(len(sheet.columns) - 1)
        assert list(ws.tables) == [sheet.table]
        table = ws.tables[sheet.table]
        # an empty table keeps one empty data row: Excel needs one
        assert table.ref == f"A1:{last}2"
        assert [c.name for c in table.tableColumns] == headers
        assert [c.value for c in ws[1]] == headers
        assert all(c.value is None for c in ws[2])
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows == "$1:$1"


def test_some_headers_verbatim(templates: dict[Lang, Path]) -> None:
    fr, en = (openpyxl.load_workbook(templates[lang]) for lang in LANGS)
    assert [c.value for c in fr["Affectations"][1]] == [
        "ID tâche",
        "ID ressource",
        "Heures prévues",
    ]
    assert [c.value for c in en["Assignments"][1]] == ["Task ID", "Resource ID", "Planned hours"]
    assert fr["Tâches"]["N1"].value == "% avancement"
    assert en["Tasks"]["P1"].value == "Owner (Resource ID)"


@pytest.mark.parametrize("lang", LANGS)
def test_column_widths_from_schema(templates: dict[Lang, Path], lang: Lang) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    for sheet in TABLE_SHEETS:
        ws = wb[sheet.name(lang)]
        widths = {
            i: dim.width
            for dim in ws.column_dimensions.values()
            for i in range(dim.min, dim.max + 1)
        }
        for i, col in enumerate(sheet.columns, start=1):
            # Excel's width: characters plus the cell padding (< 1)
            assert math.floor(widths[i]) == col.width, (sheet.key, col.key, widths[i])


@pytest.mark.parametrize("lang", LANGS)
def test_header_notes_on_every_table_column(templates: dict[Lang, Path], lang: Lang) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    for sheet in TABLE_SHEETS:
        ws = wb[sheet.name(lang)]
        for i, col in enumerate(sheet.columns):
            comment = ws.cell(1, i + 1).comment
            assert comment is not None, (sheet.key, col.key)
            assert comment.text == column_note(col, lang)
            assert comment.text.startswith(col.help(lang))
            assert comment.author == "pmo_xl"


def test_header_note_verbatim(templates: dict[Lang, Path]) -> None:
    fr = openpyxl.load_workbook(templates["fr"])
    assert fr["Risques"]["N1"].comment.text == (
        "Ouvert ou fermé.\nObligatoire.\nValeurs : Ouvert ; Fermé."
    )
    en = openpyxl.load_workbook(templates["en"])
    assert en["Tasks"]["A1"].comment.text == "Unique task identifier, e.g. T010.\nRequired."


@pytest.mark.parametrize("lang", LANGS)
def test_dropdowns_on_every_enumeration_and_reference(
    templates: dict[Lang, Path], lang: Lang
) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    checked = 0
    for sheet in TABLE_SHEETS:
        dvs = validations(wb[sheet.name(lang)])
        for i, col in enumerate(sheet.columns):
            letter = column_letter(i)
            where = f"{letter}2:{letter}{LAST}"
            if col.choices:
                labels = ",".join(c.label(lang) for c in col.choices)
                assert dvs[where] == ("list", f'"{labels}"', None), (sheet.key, col.key)
                checked += 1
            elif col.ref:
                assert dvs[where] == ("list", id_list_name(col.ref), "warning")
                checked += 1
    # Tasks: constraint, owner; Assignments: 2 refs; Actuals: 2 refs + category; Budget:
    # category + task; Risks: strategy, status; Quality, Changes, Training: status
    assert checked == 14


@pytest.mark.parametrize("lang", LANGS)
def test_numeric_and_date_validations(templates: dict[Lang, Path], lang: Lang) -> None:
    risks = validations(openpyxl.load_workbook(templates[lang])[SHEETS_BY_KEY["risks"].name(lang)])
    assert risks[f"G2:G{LAST}"] == ("whole", "1", None)  # probability 1-5
    assert risks[f"I2:I{LAST}"] == ("decimal", "0", None)  # cost impact >= 0
    assert risks[f"F2:F{LAST}"] == ("date", "1", "warning")  # raised on


def test_dropdown_labels_verbatim(templates: dict[Lang, Path]) -> None:
    dvs = validations(openpyxl.load_workbook(templates["fr"])["Réalisé"])
    assert dvs[f"F2:F{LAST}"][1] == '"Main-d\'œuvre,Sous-traitance,Achats,Déplacements,Autre"'
    assert dvs[f"B2:B{LAST}"][1] == "ids_resources"
    assert dvs[f"C2:C{LAST}"][1] == "ids_tasks"


@pytest.mark.parametrize("lang", LANGS)
def test_defined_names_list_ids_of_referenced_sheets(
    templates: dict[Lang, Path], lang: Lang
) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    assert set(names) == {"ids_tasks", "ids_resources"}
    for key in ("tasks", "resources"):
        sheet = SHEETS_BY_KEY[key]
        span = f"'{sheet.name(lang)}'!$A$2:$A${LAST}"
        assert names[id_list_name(key)] == (
            f"'{sheet.name(lang)}'!$A$2:INDEX({span},MAX(1,COUNTA({span})))"
        )


def test_defined_name_verbatim(templates: dict[Lang, Path]) -> None:
    wb = openpyxl.load_workbook(templates["fr"])
    assert wb.defined_names["ids_tasks"].attr_text == (
        "'Tâches'!$A$2:INDEX('Tâches'!$A$2:$A$5000,MAX(1,COUNTA('Tâches'!$A$2:$A$5000)))"
    )


def test_growth_area() -> None:
    assert growth_last_row(2) == GROWTH_MIN_LAST_ROW
    assert growth_last_row(20_001) == 20_001 + GROWTH_ROWS
    assert growth_last_row(1_048_000) == 1_048_576


@pytest.mark.parametrize("lang", LANGS)
def test_form_sheets_layout(templates: dict[Lang, Path], lang: Lang) -> None:
    wb = openpyxl.load_workbook(templates[lang])
    for sheet in FORM_SHEETS:
        ws = wb[sheet.name(lang)]
        assert ws["A1"].value == sheet.name(lang)
        assert ws.freeze_panes == f"A{FORM_FIRST_ROW}"
        for i, col in enumerate(sheet.columns):
            row = FORM_FIRST_ROW + i
            assert ws[f"A{row}"].value == col.header(lang)
            assert ws[f"C{row}"].value == col.help(lang)
            if col.choices:
                labels = ",".join(c.label(lang) for c in col.choices)
                assert validations(ws)[f"B{row}"] == ("list", f'"{labels}"', None)
        assert ws.max_row == FORM_FIRST_ROW + len(sheet.columns) - 1


def test_form_labels_verbatim(templates: dict[Lang, Path]) -> None:
    fr, en = (openpyxl.load_workbook(templates[lang]) for lang in LANGS)
    assert [c.value for c in fr["Projet"][2]] == ["Champ", "Valeur", "Aide"]
    assert [c.value for c in en["Settings"][2]] == ["Field", "Value", "Help"]


@pytest.mark.parametrize("lang", LANGS)
def test_template_settings_are_the_defaults(templates: dict[Lang, Path], lang: Lang) -> None:
    ws = openpyxl.load_workbook(templates[lang])[SETTINGS.name(lang)]
    defaults = settings_defaults()
    for i, col in enumerate(SETTINGS.columns):
        cell = ws[f"B{FORM_FIRST_ROW + i}"]
        default = defaults[col.key]
        if col.choices:
            choice = col.choice_for(str(default))
            assert choice is not None
            assert cell.value == choice.label(lang)
        elif default == "":
            assert cell.value is None
        else:
            assert cell.value == default, col.key
        if col.type == ColType.PERCENT:
            assert cell.number_format == "0%"


def test_template_project_card(templates: dict[Lang, Path]) -> None:
    fr = openpyxl.load_workbook(templates["fr"])["Projet"]
    values = {fr[f"A{r}"].value: fr[f"B{r}"].value for r in range(FORM_FIRST_ROW, fr.max_row + 1)}
    assert values["Devise"] == "EUR"
    assert values["Méthode d'avancement"] == "Physique"
    assert values["Langue"] == "Français"
    assert values["Code projet"] is None
    assert values["Date d'état"] is None
    en = openpyxl.load_workbook(templates["en"])["Project"]
    assert en["B16"].value == "English" and en["A16"].value == "Language"


@pytest.mark.parametrize("lang", LANGS)
def test_guide_describes_every_column(templates: dict[Lang, Path], lang: Lang) -> None:
    ws = openpyxl.load_workbook(templates[lang])[GUIDE_SHEET[lang]]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    described = {(r[0], r[1]) for r in rows}
    for sheet in SHEETS:
        for col in sheet.columns:
            assert (sheet.name(lang), col.header(lang)) in described
        assert any(r[0] == sheet.name(lang) and r[1] == sheet.help(lang) for r in rows)


def test_guide_verbatim(templates: dict[Lang, Path]) -> None:
    rows = list(openpyxl.load_workbook(templates["fr"])["Guide"].iter_rows(values_only=True))
    assert (
        "Risques",
        "Statut",
        "Liste de valeurs",
        "Oui",
        "Ouvert ; Fermé",
        "Ouvert ou fermé.",
    ) in rows
    assert (
        "Réalisé",
        "ID tâche",
        "Référence",
        "Non",
        "Un ID tâche de la feuille Tâches.",
        "Tâche imputée.",
    ) in rows
    assert rows[rows.index(("Couleur", "Scores", *[None] * 4)) + 1][:2] == ("Vert", "1–4")
    bands = [r[:2] for r in rows if r[0] in ("Vert", "Orange", "Rouge")]
    assert bands == [("Vert", "1–4"), ("Orange", "5–9"), ("Rouge", "10–25")]


def test_guide_bands_follow_the_settings(project_books: dict[Lang, Path]) -> None:
    rows = list(openpyxl.load_workbook(project_books["en"])["Guide"].iter_rows(values_only=True))
    bands = [r[:2] for r in rows if r[0] in ("Green", "Amber", "Red")]
    assert bands == [("Green", "1–5"), ("Amber", "6–9"), ("Red", "10–25")]


@pytest.mark.parametrize("lang", LANGS)
def test_every_sheet_prints_landscape_fit_to_width(templates: dict[Lang, Path], lang: Lang) -> None:
    for ws in openpyxl.load_workbook(templates[lang]).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        # fitToWidth is omitted when 1, its default in the file format
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title


# ----------------------------------------------------------------------------- data


def test_project_cells_french(project_books: dict[Lang, Path]) -> None:
    wb = openpyxl.load_workbook(project_books["fr"])
    tasks = wb["Tâches"]
    assert tasks.tables["tblTasks"].ref == "A1:T4"
    assert tasks["E1"].value == "Début prévu"
    assert tasks["E2"].value == dt.datetime(2026, 3, 2)
    assert tasks["E2"].number_format == "dd/mm/yyyy"
    assert tasks["N1"].value == "% avancement"
    assert tasks["N2"].value == 0.5 and tasks["N2"].number_format == "0%"
    assert tasks["N3"].value == 0 and tasks["N4"].value is None
    assert tasks["J2"].value == "Dès que possible" and tasks["J3"].value is None
    assert tasks["J4"].value == "Début au plus tôt le"
    assert tasks["O2"].value == 1234.5
    assert tasks["O2"].number_format == '[$-40C]#,##0.00\\ "€"'
    assert tasks["I3"].value == "T010FS+2"
    assert tasks["P2"].value == "R01"
    assert [c.value for c in tasks[5]] == [None] * 20
    actuals = wb["Réalisé"]
    assert actuals.tables["tblActuals"].ref == "A1:G5"
    assert [c.value for c in actuals[4]] == [None] * 7  # the blank row stays blank
    assert actuals["A5"].value == dt.datetime(2026, 3, 10)
    assert actuals["F5"].value == "Déplacements"
    assert actuals["E2"].value is None and actuals["E5"].value == 120
    risks = wb["Risques"]
    assert [risks[c].value for c in ("A2", "G2", "H2", "K2", "N2")] == [
        "RK01",
        3,
        4,
        "Réduire",
        "Ouvert",
    ]
    card = wb["Projet"]
    assert card["B3"].value == "P-001"
    assert card["B14"].value == dt.datetime(2026, 3, 31)
    assert card["B14"].number_format == "dd/mm/yyyy"
    assert card["B12"].value == 21234.5
    assert card["B15"].value == "Physique"
    assert card["B4"].value == "Remplacement échangeur"
    assert card["B5"].value is None  # client
    assert wb["Paramètres"]["B10"].value == 6  # risk amber from


def test_project_cells_english(project_books: dict[Lang, Path]) -> None:
    wb = openpyxl.load_workbook(project_books["en"])
    tasks = wb["Tasks"]
    assert tasks["E2"].value == dt.datetime(2026, 3, 2)
    assert tasks["E2"].number_format == "yyyy-mm-dd"
    assert tasks["J2"].value == "As soon as possible"
    assert tasks["O2"].number_format == '[$-809]"€"#,##0.00'
    assert wb["Actuals"]["F2"].value == "Labour"
    assert wb["Project"]["B16"].value == "English"


def test_tables_grow_with_records(project_books: dict[Lang, Path]) -> None:
    wb = openpyxl.load_workbook(project_books["fr"])
    for sheet, ref in (("Ressources", "A1:G3"), ("Risques", "A1:Q2"), ("Budget", "A1:F2")):
        assert wb[sheet].tables[next(iter(wb[sheet].tables))].ref == ref


def test_language_comes_from_the_project(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_workbook(path, project=sample_project("en"))
    assert openpyxl.load_workbook(path).sheetnames[0] == "Project"
    write_workbook(path, lang="fr", project=sample_project("en"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Projet"
    assert wb["Projet"]["B16"].value == "Français"  # the field states the workbook's language


def test_fastexcel_reads_types(project_books: dict[Lang, Path]) -> None:
    """The file reader's engine sees dates as dates and amounts as numbers."""
    sheet = fastexcel.read_excel(project_books["fr"]).load_sheet("Tâches")
    df = sheet.to_pandas()
    assert df["Début prévu"].tolist()[:2] == [
        pd.Timestamp("2026-03-02"),
        pd.Timestamp("2026-03-09"),
    ]
    assert df["Budget"].tolist()[:2] == [1234.5, 20000.0]
    assert df["% avancement"].tolist()[:2] == [0.5, 0.0]


def test_many_rows_are_placed_by_index(tmp_path: Path) -> None:
    n = 3000
    rng = np.random.default_rng(7)
    actuals = pd.DataFrame(
        {
            "date": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            "hours": rng.integers(1, 8, n).astype(float),
            "category": ["labour"] * n,
        }
    )
    actuals.loc[10, "hours"] = np.nan
    project = make_project_data({"language": "en"}, None, {"actuals": actuals})
    path = tmp_path / "many.xlsx"
    write_workbook(path, project=project)
    ws = openpyxl.load_workbook(path)["Actuals"]
    assert ws.tables["tblActuals"].ref == f"A1:G{n + 1}"
    assert ws[f"D{n + 1}"].value == actuals["hours"].iloc[-1]
    assert ws["D12"].value is None and ws["D13"].value == actuals["hours"].iloc[11]
    assert ws[f"A{n + 1}"].value == actuals["date"].iloc[-1].to_pydatetime()
    dv = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert dv[f"F2:F{n + 1 + GROWTH_ROWS}"] == '"Labour,Subcontracting,Purchase,Travel,Other"'


def test_number_formats() -> None:
    assert number_format(ColType.MONEY, "fr") == '[$-40C]#,##0.00\\ "€"'
    assert number_format(ColType.MONEY, "en", "GBP") == '[$-809]"£"#,##0.00'
    assert number_format(ColType.MONEY, "en", "CHF") == '[$-809]"CHF "#,##0.00'
    assert number_format(ColType.MONEY, "fr", "chf") == '[$-40C]#,##0.00\\ "CHF"'
    assert number_format(ColType.DATE, "fr") == "dd/mm/yyyy"
    assert number_format(ColType.DATE, "en") == "yyyy-mm-dd"
    assert number_format(ColType.PERCENT, "fr") == "0%"
    assert number_format(ColType.INTEGER, "en") == "0"
    assert number_format(ColType.NUMBER, "fr") == "[$-40C]General"
    assert number_format(ColType.TEXT, "fr") is None


# ----------------------------------------------------------------------------- bytes and files


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    for lang in LANGS:
        write_workbook(tmp_path / "a.xlsx", lang=lang)
        write_workbook(tmp_path / "b.xlsx", lang=lang)
        assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    write_workbook(tmp_path / "c.xlsx", project=sample_project())
    write_workbook(tmp_path / "d.xlsx", project=sample_project())
    assert (tmp_path / "c.xlsx").read_bytes() == (tmp_path / "d.xlsx").read_bytes()


def core_properties(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("docProps/core.xml").decode()


def test_document_date_is_the_status_date(
    templates: dict[Lang, Path], project_books: dict[Lang, Path]
) -> None:
    core = core_properties(project_books["fr"])
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-31T00:00:00Z<' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-31T00:00:00Z<' in core
    assert "<dc:creator></dc:creator>" in core
    assert "<cp:lastModifiedBy></cp:lastModifiedBy>" in core
    assert "2026-01-01T00:00:00Z" in core_properties(templates["en"])


def test_unwritable_folder_raises_write_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "p.xlsx"
    with pytest.raises(WriteError) as info:
        write_workbook(target)
    assert str(info.value) == f"{target}: cannot write the workbook: No such file or directory"
    assert info.value.path == str(target)


def test_failure_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "p.xlsx"
    write_workbook(target, lang="en")
    before = target.read_bytes()
    project = sample_project()
    project.tables["risks"] = pd.concat([project.risks, project.risks])  # two records on row 2
    with pytest.raises(WriteError) as info:
        write_workbook(target, project=project)
    assert str(info.value) == f"{target}: Risques: two records have the same row number"
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]  # no temporary file left


def test_written_file_has_usual_permissions(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.touch()
    write_workbook(tmp_path / "p.xlsx")
    assert (tmp_path / "p.xlsx").stat().st_mode & 0o777 == probe.stat().st_mode & 0o777


# ----------------------------------------------------------------------------- LibreOffice


@needs_soffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_prints_the_template(
    templates: dict[Lang, Path], tmp_path: Path, lang: Lang
) -> None:
    pdf = to_pdf(templates[lang], tmp_path)
    pages = pdf_pages(pdf)
    text = pdf_text(pdf)
    # one page per empty input sheet (footer: sheet name, page n / N), then the Guide
    for i, sheet in enumerate(SHEETS, start=1):
        assert re.search(rf"{re.escape(sheet.name(lang))}\s+Page {i} / {pages}\n", text), i
    assert len(SHEETS) + 1 <= pages <= len(SHEETS) + 4
    assert SHEETS_BY_KEY["tasks"].columns[0].header(lang) in text


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_renders_french_and_english_formats(
    project_books: dict[Lang, Path], tmp_path: Path
) -> None:
    fr = pdf_text(to_pdf(project_books["fr"], tmp_path / "fr"))
    for expected in ("1 234,50 €", "20 000,00 €", "02/03/2026", "50%", "Dès que possible", "7,5"):
        assert expected in fr, expected
    en = pdf_text(to_pdf(project_books["en"], tmp_path / "en"))
    for expected in ("€1,234.50", "€20,000.00", "2026-03-02", "50%", "As soon as possible"):
        assert expected in en, expected


def ods_validations(ods: Path) -> dict[str, set[str]]:
    """Sheet name -> conditions of the validations LibreOffice applies to its cells."""
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
    conditions = dict(
        re.findall(
            r'<table:content-validation table:name="(\w+)" table:condition="([^"]*)"', content
        )
    )
    result = {}
    for name, body in re.findall(
        r'<table:table table:name="([^"]+)"(.*?)</table:table>', content, re.S
    ):
        used = set(re.findall(r'table:content-validation-name="(\w+)"', body))
        result[name] = {html.unescape(conditions[u]) for u in used}
    return result


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_keeps_dropdowns(project_books: dict[Lang, Path], tmp_path: Path) -> None:
    found = ods_validations(convert(project_books["fr"], tmp_path, "ods"))
    assert "of:cell-content-is-in-list(ids_tasks)" in found["Réalisé"]
    assert "of:cell-content-is-in-list(ids_resources)" in found["Réalisé"]
    assert (
        'of:cell-content-is-in-list("Main-d\'œuvre";"Sous-traitance";"Achats";"Déplacements";'
        '"Autre")'
    ) in found["Réalisé"]
    assert "of:cell-content-is-in-list(ids_resources)" in found["Tâches"]
    assert 'of:cell-content-is-in-list("Ouvert";"Fermé")' in found["Risques"]
    assert 'of:cell-content-is-in-list("Physique";"Durée";"Unités")' in found["Projet"]


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_evaluates_id_lists_with_added_rows(
    project_books: dict[Lang, Path], tmp_path: Path
) -> None:
    """The names grow with rows users add: a copy gets one task more and a probe sheet."""
    wb = openpyxl.load_workbook(project_books["fr"])
    wb["Tâches"]["A5"] = "T040"  # typed right under the table, as a user adds a task
    probe = wb.create_sheet("Probe", 0)
    probe["A1"] = "=ROWS(ids_tasks)"
    probe["B1"] = "=INDEX(ids_tasks,4)"
    probe["C1"] = "=ROWS(ids_resources)"
    probe["D1"] = '=COUNTIF(ids_resources,"R02")'
    copy = tmp_path / "probe.xlsx"
    wb.save(copy)
    csv = convert(copy, tmp_path, "csv").read_text(encoding="utf-8").strip()
    assert csv == "4,T040,2,1"
