"""The canonical project workbook, written with XlsxWriter from ``pmo_xl.schema``.

``write_workbook`` writes an empty template or one project's data. Everything (sheets, headers,
tables, formats, dropdowns, notes, the Guide) is derived from the schema; the layout is the
reader's contract (see the schema docstring):

* table sheets: header on row 1, one Excel Table named ``sheet.table`` with the schema's columns
  in order, each record on the worksheet row given by its DataFrame index (2 = first data row);
* form sheets (Project, Settings): title on row 1, Field / Value / Help labels on row 2, fields
  from ``FORM_FIRST_ROW`` in schema order with label in A, value in B and help in C;
* the Guide sheet comes last (see ``_write_guide``).

Choices made here, for Excel and LibreOffice alike:

* Number formats carry a locale prefix (``[$-40C]`` French, ``[$-809]`` English) so that
  LibreOffice shows ``1 234,50 €`` in a French workbook whatever its own locale; Excel takes the
  separators from the system, as its users expect. Dates use plain ``dd/mm/yyyy`` (French) and
  ``yyyy-mm-dd`` (English) codes that every reader recognises as dates.
* Dropdowns of references (a Task ID, a Resource ID) use the defined names of ``id_list_name``:
  ``Sheet!$A$2:INDEX(Sheet!$A$2:$A$N,MAX(1,COUNTA(Sheet!$A$2:$A$N)))``. The list grows with the
  rows users add, is not volatile, and LibreOffice evaluates it exactly as Excel does (a
  structured reference ``tblTasks[Task ID]`` is frozen to the table's size when LibreOffice loads
  the file). It assumes the ids are typed without blank rows in between, as a register is.
* Validations, column formats and the id lists cover the table's growth area: at least up to
  row ``GROWTH_MIN_LAST_ROW`` and ``GROWTH_ROWS`` rows past the last record.
* Same inputs, same bytes: the document date is the project's status date (else
  ``DEFAULT_CREATED``), no user name is written, and XlsxWriter fixes the zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.errors import WriteError
from pmo_xl.i18n import Catalog, tr
from pmo_xl.model import ProjectData
from pmo_xl.schema import (
    FORM_FIRST_ROW,
    GUIDE_SHEET,
    NUMERIC_TYPES,
    PROJECT,
    SETTINGS,
    SHEETS,
    SHEETS_BY_KEY,
    TABLE_HEADER_ROW,
    TABLE_SHEETS,
    ColType,
    Column,
    Lang,
    Sheet,
    column_letter,
    settings_defaults,
)

GROWTH_MIN_LAST_ROW = 5000  # validations and id lists reach at least this row (1-based)
GROWTH_ROWS = 2000  # ... and this many rows past the last record
DEFAULT_CREATED = dt.datetime(2026, 1, 1)
COMMENT_AUTHOR = "pmo_xl"
TABLE_STYLE = "Table Style Medium 2"
EXCEL_MAX_ROW = 1_048_576
FORM_WIDTHS = (40, 24, 80)  # label, value, help
GUIDE_WIDTHS = (16, 30, 16, 12, 40, 70)  # sheet, column, type, required, allowed, help
LINE_POINTS = 15

LOCALE_PREFIX: dict[Lang, str] = {"fr": "[$-40C]", "en": "[$-809]"}
DATE_FORMAT: dict[Lang, str] = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_FIRST_TRUE_SERIAL = 61  # 1900-03-01: from here on, days since 1899-12-30 is Excel's serial

TEXTS: Catalog = {
    "field": {"fr": "Champ", "en": "Field"},
    "value": {"fr": "Valeur", "en": "Value"},
    "help": {"fr": "Aide", "en": "Help"},
    "yes": {"fr": "Oui", "en": "Yes"},
    "no": {"fr": "Non", "en": "No"},
    "required": {"fr": "Obligatoire.", "en": "Required."},
    "values": {"fr": "Valeurs : {values}.", "en": "Values: {values}."},
    "unique": {"fr": "Unique dans la feuille.", "en": "Unique in the sheet."},
    "ref": {"fr": "Un {column} de la feuille {sheet}.", "en": "A {column} of the {sheet} sheet."},
    "between": {"fr": "De {low} à {high}.", "en": "From {low} to {high}."},
    "at_least": {"fr": "Au moins {low}.", "en": "At least {low}."},
    "at_most": {"fr": "Au plus {high}.", "en": "At most {high}."},
    "date_as": {"fr": "Date au format {fmt}.", "en": "Date as {fmt}."},
    "date_hint": {"fr": "jj/mm/aaaa", "en": "yyyy-mm-dd"},
    "dv_title": {"fr": "Valeur non valide", "en": "Invalid value"},
    "dv_list": {
        "fr": "Choisir une valeur de la liste.",
        "en": "Choose a value from the list.",
    },
    "dv_ref": {
        "fr": "Cet identifiant n'est pas (encore) dans la feuille {sheet}.",
        "en": "This id is not (yet) in the {sheet} sheet.",
    },
    "dv_date": {"fr": "Saisir une date (jj/mm/aaaa).", "en": "Enter a date (yyyy-mm-dd)."},
    "guide_title": {"fr": "Guide du classeur projet", "en": "Project workbook guide"},
    "guide_intro": {
        "fr": "Une feuille par sujet ; chaque feuille de saisie contient un tableau Excel : "
        "ajoutez les lignes juste sous le tableau pour qu'elles en fassent partie. Les en-têtes "
        "foncés sont obligatoires ; les listes déroulantes proposent les valeurs permises. "
        "La date d'état de la feuille {project} est le seul « aujourd'hui » de l'analyse.",
        "en": "One sheet per subject; each input sheet holds an Excel table: add rows right "
        "below the table so that they become part of it. Dark headers are required; dropdowns "
        "offer the allowed values. The status date of the {project} sheet is the only 'today' "
        "the analysis knows.",
    },
    "guide_sheets": {"fr": "Feuilles", "en": "Sheets"},
    "guide_sheet": {"fr": "Feuille", "en": "Sheet"},
    "guide_description": {"fr": "Description", "en": "Description"},
    "guide_bands": {
        "fr": "Couleurs des risques (score = probabilité × impact, seuils de la feuille "
        "{settings})",
        "en": "Risk colours (score = probability × impact, thresholds from the {settings} sheet)",
    },
    "guide_band": {"fr": "Couleur", "en": "Colour"},
    "guide_scores": {"fr": "Scores", "en": "Scores"},
    "green": {"fr": "Vert", "en": "Green"},
    "amber": {"fr": "Orange", "en": "Amber"},
    "red": {"fr": "Rouge", "en": "Red"},
    "guide_columns": {"fr": "Colonnes et champs", "en": "Columns and fields"},
    "guide_column": {"fr": "Colonne", "en": "Column"},
    "guide_type": {"fr": "Type", "en": "Type"},
    "guide_required": {"fr": "Obligatoire", "en": "Required"},
    "guide_allowed": {"fr": "Valeurs permises", "en": "Allowed values"},
    "guide_help": {"fr": "Aide", "en": "Help"},
    "page": {"fr": "Page", "en": "Page"},
}

TYPE_LABELS: Catalog = {
    ColType.TEXT: {"fr": "Texte", "en": "Text"},
    ColType.INTEGER: {"fr": "Nombre entier", "en": "Whole number"},
    ColType.NUMBER: {"fr": "Nombre", "en": "Number"},
    ColType.MONEY: {"fr": "Montant", "en": "Amount"},
    ColType.PERCENT: {"fr": "Pourcentage", "en": "Percentage"},
    ColType.DATE: {"fr": "Date", "en": "Date"},
    ColType.ENUM: {"fr": "Liste de valeurs", "en": "List of values"},
    ColType.ID: {"fr": "Identifiant", "en": "Identifier"},
    ColType.ID_REF: {"fr": "Référence", "en": "Reference"},
    ColType.ID_LIST: {"fr": "Liste de liens", "en": "List of links"},
}


# --------------------------------------------------------------------------- public helpers


def number_format(kind: ColType, lang: Lang, currency: str | None = "EUR") -> str | None:
    """The Excel number format code of a ``kind`` cell in a ``lang`` workbook (None: General)."""
    prefix = LOCALE_PREFIX[lang]
    if kind == ColType.DATE:
        return DATE_FORMAT[lang]
    if kind == ColType.MONEY:
        symbol = currency_symbol(currency)
        if lang == "fr":
            return f'{prefix}#,##0.00\\ "{symbol}"'
        gap = "" if len(symbol) == 1 else " "
        return f'{prefix}"{symbol}{gap}"#,##0.00'
    if kind == ColType.PERCENT:
        return "0%"
    if kind == ColType.INTEGER:
        return "0"
    if kind == ColType.NUMBER:
        return f"{prefix}General"
    return None


def currency_symbol(code: str | None) -> str:
    """€ for EUR and the like; any other code as it is (without quotes)."""
    text = (code or "EUR").strip().upper() or "EUR"
    return CURRENCY_SYMBOLS.get(text, text.replace('"', ""))


def id_list_name(sheet_key: str) -> str:
    """Defined name listing the ids of sheet ``sheet_key`` (``ids_tasks``, ``ids_resources``)."""
    return f"ids_{sheet_key}"


def id_list_formula(sheet: Sheet, lang: Lang, last_row: int) -> str:
    """Formula of ``id_list_name(sheet.key)``: the ids from row 2 down to the last one typed."""
    assert sheet.id_column is not None, sheet.key
    letter = column_letter([c.key for c in sheet.columns].index(sheet.id_column))
    name = "'" + sheet.name(lang).replace("'", "''") + "'"
    first = f"{name}!${letter}${TABLE_HEADER_ROW + 1}"
    span = f"{first}:${letter}${last_row}"
    return f"={first}:INDEX({span},MAX(1,COUNTA({span})))"


def referenced_sheets() -> tuple[str, ...]:
    """Keys of the sheets whose ids other columns reference, in schema order."""
    wanted = {c.ref for s in SHEETS for c in s.columns if c.ref}
    return tuple(s.key for s in SHEETS if s.key in wanted)


def growth_last_row(last_record_row: int) -> int:
    """Last worksheet row (1-based) covered by validations and id lists."""
    return min(EXCEL_MAX_ROW, max(GROWTH_MIN_LAST_ROW, last_record_row + GROWTH_ROWS))


def column_note(col: Column, lang: Lang) -> str:
    """The note of a table header cell: help, whether required, the allowed values."""
    parts = [col.help(lang)]
    if col.required:
        parts.append(tr(TEXTS, "required", lang))
    if col.choices:
        values = " ; ".join(c.label(lang) for c in col.choices)
        parts.append(tr(TEXTS, "values", lang, values=values))
    return "\n".join(parts)


def allowed_values(col: Column, lang: Lang) -> str:
    """What a column accepts, as the Guide states it."""
    if col.choices:
        return " ; ".join(c.label(lang) for c in col.choices)
    if col.ref:
        target = SHEETS_BY_KEY[col.ref]
        id_col = target.column(target.id_column or "")
        return tr(TEXTS, "ref", lang, column=id_col.header(lang), sheet=target.name(lang))
    if col.type == ColType.ID:
        return tr(TEXTS, "unique", lang)
    if col.type == ColType.DATE:
        return tr(TEXTS, "date_as", lang, fmt=tr(TEXTS, "date_hint", lang))
    low, high = _bound_text(col.min, col, lang), _bound_text(col.max, col, lang)
    if low is not None and high is not None:
        return tr(TEXTS, "between", lang, low=low, high=high)
    if low is not None:
        return tr(TEXTS, "at_least", lang, low=low)
    if high is not None:
        return tr(TEXTS, "at_most", lang, high=high)
    return ""


def _bound_text(bound: float | None, col: Column, lang: Lang) -> str | None:
    if bound is None:
        return None
    if col.type == ColType.PERCENT:
        return f"{bound * 100:g} %"
    text = f"{bound:g}"
    return text.replace(".", ",") if lang == "fr" else text


# --------------------------------------------------------------------------- entry point


def write_workbook(
    path: str | Path, *, lang: Lang | None = None, project: ProjectData | None = None
) -> None:
    """Write the canonical workbook at ``path``: an empty template, or ``project``'s data.

    ``lang`` defaults to the project's language (French without a project). The file is written
    to a temporary file in the same folder, then moved into place: a failure never leaves a
    half-written workbook. Raises ``WriteError`` naming the file when it cannot be written.
    """
    target = Path(path)
    language: Lang = lang or (project.language if project is not None else "fr")
    card = _project_card(project, language, explicit_lang=lang is not None)
    settings = dict(project.settings) if project is not None else settings_defaults()
    tables = project.tables if project is not None else {}
    tmp = target.with_name(f".~{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        _create_empty(tmp)
        try:
            _build(tmp, language, card, settings, tables)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
    except _DataError as exc:
        raise WriteError(str(exc), path=str(target)) from None
    except (OSError, XlsxWriterException) as exc:
        raise WriteError(f"cannot write the workbook: {_reason(exc)}", path=str(target)) from exc


class _DataError(ValueError):
    """The data cannot be laid out as a workbook (message names the sheet)."""


def _create_empty(tmp: Path) -> None:
    # O_EXCL with mode 0o666 so that the final file gets the user's usual permissions (umask),
    # not the 0o600 of tempfile.mkstemp.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, XlsxWriterException) and isinstance(cause, OSError):
        exc = cause
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _project_card(
    project: ProjectData | None, lang: Lang, *, explicit_lang: bool
) -> dict[str, Any]:
    if project is None:
        card: dict[str, Any] = {c.key: c.default for c in PROJECT.columns}
        card["language"] = lang
        return card
    card = dict(project.project)
    if explicit_lang and lang != project.language:
        card["language"] = lang  # the field states the workbook's language
    return card


def _created(card: Mapping[str, Any]) -> dt.datetime:
    """The document's date: the status date (the only "now" pmo_xl knows), else a constant."""
    value = card.get("status_date")
    if isinstance(value, dt.date) and value is not pd.NaT:  # datetime and Timestamp too
        return dt.datetime(value.year, value.month, value.day)
    return DEFAULT_CREATED


def _build(
    path: Path,
    lang: Lang,
    card: Mapping[str, Any],
    settings: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
) -> None:
    rows = {s.key: _record_rows(s, tables.get(s.key), lang) for s in TABLE_SHEETS}
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        wb.set_properties(
            {
                "title": str(card.get("project_name") or tr(TEXTS, "guide_title", lang)),
                "subject": str(card.get("project_code") or ""),
                "author": "",
                "company": "",
                "created": _created(card),
                "comments": "pmo_xl",
            }
        )
        book = _Book(wb, lang, currency=card.get("currency"))
        worksheets = {s.key: wb.add_worksheet(s.name(lang)) for s in SHEETS}
        guide = wb.add_worksheet(GUIDE_SHEET[lang])
        last_rows = {key: growth_last_row(_last_record_row(r)) for key, r in rows.items()}
        for key in referenced_sheets():
            target = SHEETS_BY_KEY[key]
            wb.define_name(id_list_name(key), id_list_formula(target, lang, last_rows[key]))
        for s in SHEETS:
            ws = worksheets[s.key]
            if s.kind == "form":
                book.write_form(ws, s, card if s.key == PROJECT.key else settings)
            else:
                book.write_table(ws, s, tables.get(s.key), rows[s.key], last_rows[s.key])
        book.write_guide(guide, settings)
        worksheets[PROJECT.key].activate()
    finally:
        wb.close()


def _last_record_row(rows: np.ndarray) -> int:
    """The last row of the table's data range: an Excel table needs one, even empty."""
    return int(rows.max()) if len(rows) else TABLE_HEADER_ROW + 1


def _record_rows(sheet: Sheet, df: pd.DataFrame | None, lang: Lang) -> np.ndarray:
    """Worksheet rows (1-based) of the records: the index, numbered as ``make_project_data``
    numbers records that were not read from a sheet when it is not a row number."""
    if df is None or len(df) == 0:
        return np.empty(0, dtype="int64")
    index = df.index
    if index.dtype.kind not in "iu" or index.min() <= TABLE_HEADER_ROW:
        return np.arange(TABLE_HEADER_ROW + 1, TABLE_HEADER_ROW + 1 + len(df), dtype="int64")
    rows: np.ndarray = np.asarray(index, dtype="int64")
    if not index.is_unique:
        raise _DataError(f"{sheet.name(lang)}: two records have the same row number")
    if rows.max() > EXCEL_MAX_ROW:
        raise _DataError(f"{sheet.name(lang)}: row {rows.max()} is beyond Excel's last row")
    return rows


# --------------------------------------------------------------------------- the writer


@dataclass
class _Formats:
    title: Format
    subtitle: Format
    head: Format  # optional column headers
    head_required: Format
    label: Format
    label_required: Format
    wrap: Format
    values: dict[ColType, Format]


class _Book:
    """Formats and writers of one workbook, in one language."""

    def __init__(self, wb: Workbook, lang: Lang, currency: Any) -> None:
        self.wb = wb
        self.lang = lang
        currency_code = currency if isinstance(currency, str) else None
        values: dict[ColType, Format] = {}
        for kind in ColType:
            code = number_format(kind, lang, currency_code)
            values[kind] = wb.add_format({"valign": "top", "num_format": code or 0})
        header = {"bold": True, "text_wrap": True, "valign": "top", "font_color": "#FFFFFF"}
        self.fmt = _Formats(
            title=wb.add_format({"bold": True, "font_size": 14}),
            subtitle=wb.add_format({"bold": True, "font_size": 11, "bottom": 1}),
            head=wb.add_format({**header, "bg_color": "#5B7FA6"}),
            head_required=wb.add_format({**header, "bg_color": "#1F3A5F"}),
            label=wb.add_format({"valign": "top"}),
            label_required=wb.add_format({"bold": True, "valign": "top"}),
            wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
            values=values,
        )

    # ------------------------------------------------------------------ tables

    def write_table(
        self,
        ws: Worksheet,
        sheet: Sheet,
        df: pd.DataFrame | None,
        rows: np.ndarray,
        last_row: int,
    ) -> None:
        lang = self.lang
        header_row = TABLE_HEADER_ROW - 1  # 0-based
        columns = []
        for i, col in enumerate(sheet.columns):
            fmt = self.fmt.values[col.type]
            ws.set_column(i, i, col.width, fmt)
            head = self.fmt.head_required if col.required else self.fmt.head
            columns.append({"header": col.header(lang), "header_format": head, "format": fmt})
        ws.add_table(
            header_row,
            0,
            _last_record_row(rows) - 1,
            len(sheet.columns) - 1,
            {"name": sheet.table, "style": TABLE_STYLE, "columns": columns},
        )
        ws.set_row(header_row, 32)
        if df is not None and len(rows):
            for i, col in enumerate(sheet.columns):
                self._write_column(ws, rows, i, df[col.key], col)
        for i, col in enumerate(sheet.columns):
            note = column_note(col, lang)
            ws.write_comment(header_row, i, note, _note_box(note))
            self._validate(ws, header_row + 1, i, last_row - 1, col)
        ws.freeze_panes(TABLE_HEADER_ROW, 0)
        self._print_setup(ws, repeat_header=True)

    def _write_column(
        self, ws: Worksheet, rows: np.ndarray, col_index: int, series: pd.Series, col: Column
    ) -> None:
        """Write one column of records, blanks left empty; ``write_column`` per run of
        consecutive rows keeps the Python work per cell to XlsxWriter's minimum."""
        fmt: Format | None = self.fmt.values[col.type]
        values: list[Any]
        if col.type == ColType.DATE:
            serials, texts = _date_serials(series)
            for pos, text in texts.items():
                ws.write_string(int(rows[pos]) - 1, col_index, text)
            values, valid = serials.tolist(), np.isfinite(serials)
        elif col.type in NUMERIC_TYPES:
            numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
            values, valid = numbers.tolist(), np.isfinite(numbers)
        else:
            labels = _enum_labels(col, self.lang) if col.type == ColType.ENUM else {}
            values = [_text(v, labels) for v in series.tolist()]
            valid = np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))
            fmt = None  # text cells take the default style; the column keeps its format
        for start, stop in _runs(rows, valid):
            ws.write_column(int(rows[start]) - 1, col_index, values[start:stop], fmt)

    # ------------------------------------------------------------------ forms

    def write_form(self, ws: Worksheet, sheet: Sheet, values: Mapping[str, Any]) -> None:
        lang, fmt = self.lang, self.fmt
        ws.write_string(0, 0, sheet.name(lang), fmt.title)
        ws.write_string(0, 2, sheet.help(lang), fmt.wrap)
        for i, key in enumerate(("field", "value", "help")):
            ws.write_string(1, i, tr(TEXTS, key, lang), fmt.head_required)
        for i, width in enumerate(FORM_WIDTHS):
            ws.set_column(i, i, width, fmt.wrap if i == 2 else None)
        for i, col in enumerate(sheet.columns):
            row = FORM_FIRST_ROW - 1 + i
            label_fmt = fmt.label_required if col.required else fmt.label
            ws.write_string(row, 0, col.header(lang), label_fmt)
            self._write_value(ws, row, 1, col, values.get(col.key))
            ws.write_string(row, 2, col.help(lang), fmt.wrap)
            ws.set_row(row, _row_height((col.help(lang), FORM_WIDTHS[2])))
            self._validate(ws, row, 1, row, col)
        ws.freeze_panes(FORM_FIRST_ROW - 1, 0)
        self._print_setup(ws, repeat_header=False)

    def _write_value(
        self, ws: Worksheet, row: int, col_index: int, col: Column, value: Any
    ) -> None:
        fmt = self.fmt.values[col.type]
        if value is None or value is pd.NaT or value is pd.NA:
            ws.write_blank(row, col_index, None, fmt)
        elif col.type == ColType.DATE and isinstance(value, dt.date):
            serial = _date_serial(value)
            if serial is None:
                ws.write_string(row, col_index, value.isoformat()[:10])
            else:
                ws.write_number(row, col_index, serial, fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col_index, str(value))
        elif isinstance(value, int | float | np.integer | np.floating):
            number = float(value)
            if math.isfinite(number):
                ws.write_number(row, col_index, number, fmt)
            else:
                ws.write_blank(row, col_index, None, fmt)
        else:
            text = str(value)
            if col.type == ColType.ENUM:
                choice = col.choice_for(text)
                text = choice.label(self.lang) if choice else text
            if text:
                ws.write_string(row, col_index, text, fmt)
            else:
                ws.write_blank(row, col_index, None, fmt)

    # ------------------------------------------------------------------ validations

    def _validate(self, ws: Worksheet, first: int, col_index: int, last: int, col: Column) -> None:
        options = self._validation(col)
        if options is not None:
            ws.data_validation(first, col_index, last, col_index, options)

    def _validation(self, col: Column) -> dict[str, Any] | None:
        lang = self.lang
        title = tr(TEXTS, "dv_title", lang)
        if col.choices:
            return {
                "validate": "list",
                "source": [c.label(lang) for c in col.choices],
                "error_title": title,
                "error_message": tr(TEXTS, "dv_list", lang),
            }
        if col.ref:
            target = SHEETS_BY_KEY[col.ref]
            return {
                "validate": "list",
                "source": f"={id_list_name(col.ref)}",
                "error_type": "warning",  # an id may be typed before its row exists
                "error_title": title,
                "error_message": tr(TEXTS, "dv_ref", lang, sheet=target.name(lang)),
            }
        if col.type == ColType.DATE:
            return {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2199, 12, 31),
                "error_type": "warning",
                "error_title": title,
                "error_message": tr(TEXTS, "dv_date", lang),
            }
        if col.type in (ColType.INTEGER, ColType.NUMBER, ColType.MONEY, ColType.PERCENT):
            if col.min is None and col.max is None:
                return None
            options: dict[str, Any] = {
                "validate": "integer" if col.type == ColType.INTEGER else "decimal",
                "error_title": title,
                "error_message": allowed_values(col, lang),
            }
            if col.min is not None and col.max is not None:
                options.update(criteria="between", minimum=col.min, maximum=col.max)
            elif col.min is not None:
                options.update(criteria=">=", value=col.min)
            else:
                options.update(criteria="<=", value=col.max)
            return options
        return None

    # ------------------------------------------------------------------ guide

    def write_guide(self, ws: Worksheet, settings: Mapping[str, Any]) -> None:
        """The Guide, last: the workbook opens on the Project card, inputs keep schema order."""
        lang, fmt = self.lang, self.fmt
        heads = ("guide_sheet", "guide_column", "guide_type", "guide_required", "guide_allowed")
        widths = GUIDE_WIDTHS
        for i, width in enumerate(widths):
            ws.set_column(i, i, width, fmt.wrap)
        ws.write_string(0, 0, tr(TEXTS, "guide_title", lang), fmt.title)
        intro = tr(TEXTS, "guide_intro", lang, project=PROJECT.name(lang))
        ws.merge_range(1, 0, 1, 5, intro, fmt.wrap)
        ws.set_row(1, _row_height((intro, sum(widths))))
        row = 3
        ws.write_string(row, 0, tr(TEXTS, "guide_sheets", lang), fmt.subtitle)
        row += 1
        ws.write_string(row, 0, tr(TEXTS, "guide_sheet", lang), fmt.head_required)
        ws.write_string(row, 1, tr(TEXTS, "guide_description", lang), fmt.head_required)
        for s in SHEETS:
            row += 1
            ws.write_string(row, 0, s.name(lang), fmt.label_required)
            ws.merge_range(row, 1, row, 5, s.help(lang), fmt.wrap)
            ws.set_row(row, _row_height((s.help(lang), sum(widths[1:]))))
        row += 2
        row = self._write_bands(ws, row, settings)
        row += 1
        ws.write_string(row, 0, tr(TEXTS, "guide_columns", lang), fmt.subtitle)
        row += 1
        for i, key in enumerate((*heads, "guide_help")):
            ws.write_string(row, i, tr(TEXTS, key, lang), fmt.head_required)
        first = row
        for s in SHEETS:
            for col in s.columns:
                row += 1
                ws.write_string(row, 0, s.name(lang))
                ws.write_string(row, 1, col.header(lang), _bold_if(col.required, fmt))
                ws.write_string(row, 2, tr(TYPE_LABELS, col.type, lang))
                ws.write_string(row, 3, tr(TEXTS, "yes" if col.required else "no", lang))
                allowed = allowed_values(col, lang)
                ws.write_string(row, 4, allowed)
                ws.write_string(row, 5, col.help(lang))
                cells = (
                    (col.header(lang), widths[1]),
                    (allowed, widths[4]),
                    (col.help(lang), widths[5]),
                )
                ws.set_row(row, _row_height(*cells))
        ws.autofilter(first, 0, row, 5)
        ws.freeze_panes(1, 0)
        self._print_setup(ws, repeat_header=False)

    def _write_bands(self, ws: Worksheet, row: int, settings: Mapping[str, Any]) -> int:
        lang, fmt = self.lang, self.fmt
        amber = _int_setting(settings, "risk_amber_from")
        red = _int_setting(settings, "risk_red_from")
        ws.write_string(
            row, 0, tr(TEXTS, "guide_bands", lang, settings=SETTINGS.name(lang)), fmt.subtitle
        )
        row += 1
        ws.write_string(row, 0, tr(TEXTS, "guide_band", lang), fmt.head_required)
        ws.write_string(row, 1, tr(TEXTS, "guide_scores", lang), fmt.head_required)
        bands = (
            ("green", "#C6EFCE", 1, amber - 1),
            ("amber", "#FFE699", amber, red - 1),
            ("red", "#FFC7CE", red, 25),
        )
        for key, colour, low, high in bands:
            row += 1
            band = self.wb.add_format({"bg_color": colour, "bold": True})
            ws.write_string(row, 0, tr(TEXTS, key, lang), band)
            ws.write_string(row, 1, f"{low}–{high}" if low <= high else "—", band)
        return row + 1

    # ------------------------------------------------------------------ page setup

    def _print_setup(self, ws: Worksheet, *, repeat_header: bool) -> None:
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer(f"&L&A&R{tr(TEXTS, 'page', self.lang)} &P / &N")
        if repeat_header:
            ws.repeat_rows(TABLE_HEADER_ROW - 1)


def _bold_if(required: bool, fmt: _Formats) -> Format:
    return fmt.label_required if required else fmt.label


def _int_setting(settings: Mapping[str, Any], key: str) -> int:
    """A whole-number setting, its schema default when blank or not a number."""
    for value in (settings.get(key), SETTINGS.column(key).default):
        if isinstance(value, int | float) and math.isfinite(value):
            return int(value)
    raise ValueError(f"no value for setting {key}")


def _row_height(*cells: tuple[str, float]) -> float:
    """Points a row needs to show its wrapped ``(text, column width)`` cells: neither Excel nor
    LibreOffice fits rows of a generated file on load."""
    lines = 1
    for text, width in cells:
        per_line = max(1, int(width * 1.25) - 2)
        lines = max(lines, sum(max(1, math.ceil(len(p) / per_line)) for p in text.split("\n")))
    return LINE_POINTS * lines + 2


def _note_box(text: str) -> dict[str, Any]:
    lines = sum(1 + len(line) // 48 for line in text.split("\n"))
    return {"author": COMMENT_AUTHOR, "width": 320, "height": 14 * lines + 16}


def _runs(rows: np.ndarray, valid: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` positions of the runs of valid values on consecutive rows."""
    positions = np.flatnonzero(valid)
    if len(positions) == 0:
        return []
    cut = (np.diff(positions) != 1) | (np.diff(rows[positions]) != 1)
    breaks = np.flatnonzero(cut) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [len(positions)]))
    return [
        (int(positions[a]), int(positions[b - 1]) + 1)
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]


def _text(value: Any, labels: Mapping[str, str]) -> str:
    """A text cell's content ('' when blank), an enumeration key shown as its label."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return labels.get(text, text)


def _enum_labels(col: Column, lang: Lang) -> dict[str, str]:
    """Canonical key (and any label) -> label in ``lang``."""
    labels: dict[str, str] = {}
    for c in col.choices:
        for name in (c.key, c.en, c.fr):
            labels.setdefault(name, c.label(lang))
    return labels


def _date_serial(value: dt.date) -> float | None:
    """Excel's serial day number of ``value`` (None before 1900, which Excel cannot show)."""
    if isinstance(value, dt.datetime):
        stamp = value.replace(tzinfo=None)
    else:
        stamp = dt.datetime(value.year, value.month, value.day)
    serial = (stamp - _EXCEL_EPOCH).total_seconds() / 86400
    if serial < _FIRST_TRUE_SERIAL:
        serial -= 1  # Excel counts a 29 February 1900 that never was
    return serial if serial >= 1 else None


def _date_serials(series: pd.Series) -> tuple[np.ndarray, dict[int, str]]:
    """Serials (NaN when blank) and, by position, values to keep as text (before 1900)."""
    stamps = pd.to_datetime(series, errors="coerce")
    serial = ((stamps - pd.Timestamp(_EXCEL_EPOCH)) / pd.Timedelta(days=1)).to_numpy(
        dtype="float64", na_value=np.nan
    )
    early = serial < _FIRST_TRUE_SERIAL
    texts: dict[int, str] = {}
    if early.any():
        serial = np.where(early, serial - 1, serial)
        for pos in np.flatnonzero(serial < 1).tolist():
            texts[pos] = stamps.iloc[pos].date().isoformat()
            serial[pos] = np.nan
    return serial, texts
