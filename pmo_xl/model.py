"""ProjectData: one project's typed tables, project card and settings.

Both readers (the file reader in ``io.read`` and the live Excel reader in ``excel.live``) and the
sample generator produce this; ``core`` computes on it.

Typing contract for table DataFrames (see ``normalise_table``):

* columns are the schema keys of the sheet, in schema order, all present (blank when the
  workbook lacks an optional column); user-added columns are not kept;
* the index is the worksheet row number of each record (header on row 1, first record on row 2),
  so that findings can name the cell;
* date columns are ``datetime64[ns]`` at midnight (NaT when blank); numeric columns are
  ``float64`` (NaN when blank); text, id, enumeration and id-list columns are ``object`` holding
  ``str`` or ``None``; enumerations hold the canonical choice key.

Form sheets (Project, Settings) become dicts of scalars: ``datetime.date``, ``float``/``int``,
``str`` or ``None``. Settings are completed with the schema defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from pmo_xl.schema import (
    FORM_SHEETS,
    NUMERIC_TYPES,
    PROJECT,
    SHEETS_BY_KEY,
    TABLE_SHEETS,
    ColType,
    Lang,
    Sheet,
    settings_defaults,
)

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One validation finding; ``cell`` is an A1 address on ``sheet`` (a worksheet name)."""

    sheet: str
    cell: str
    column: str
    rule: str
    severity: Severity
    value: Any
    message: str

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def as_json(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
            value = value.isoformat()[:10]
        elif isinstance(value, float) and not np.isfinite(value):
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "value": value,
            "message": self.message,
        }


@dataclass
class SheetLayout:
    """Where a sheet's data sit in the workbook, to address findings and write back."""

    name: str  # worksheet name as found in the workbook
    columns: dict[str, str] = field(default_factory=dict)  # column key -> letter (tables)
    rows: dict[str, int] = field(default_factory=dict)  # field key -> row number (forms)
    value_column: str = "B"  # forms: the column holding values

    def cell(self, key: str, row: int | None = None) -> str:
        """A1 address of column ``key`` at ``row`` (tables) or of field ``key`` (forms)."""
        if row is None:
            return f"{self.value_column}{self.rows[key]}" if key in self.rows else ""
        letter = self.columns.get(key)
        return f"{letter}{row}" if letter else f"{row}:{row}"


def default_layout(sheet: Sheet, lang: Lang) -> SheetLayout:
    """The layout of the canonical template (the writer's and the generator's)."""
    from pmo_xl.schema import FORM_FIRST_ROW, column_letter

    if sheet.kind == "form":
        rows = {c.key: FORM_FIRST_ROW + i for i, c in enumerate(sheet.columns)}
        return SheetLayout(sheet.name(lang), rows=rows)
    cols = {c.key: column_letter(i) for i, c in enumerate(sheet.columns)}
    return SheetLayout(sheet.name(lang), columns=cols)


def column_dtype(kind: ColType) -> str:
    if kind == ColType.DATE:
        return "datetime64[ns]"
    if kind in NUMERIC_TYPES:
        return "float64"
    return "object"


def normalise_table(df: pd.DataFrame | None, sheet: Sheet) -> pd.DataFrame:
    """``df`` restricted to the schema's columns with the contract's dtypes (see module doc)."""
    df = pd.DataFrame() if df is None else df
    out: dict[str, pd.Series] = {}
    for col in sheet.columns:
        dtype = column_dtype(col.type)
        if col.key in df.columns:
            s = df[col.key]
        else:
            s = pd.Series([None] * len(df), index=df.index, dtype="object")
        if dtype == "datetime64[ns]":
            s = pd.to_datetime(s, errors="coerce").astype("datetime64[ns]").dt.normalize()
        elif dtype == "float64":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        else:
            s = _text_column(s)
        out[col.key] = s
    result = pd.DataFrame(out, index=df.index)
    result.index = result.index.astype("int64")
    result.index.name = "row"
    return result


def _text_column(s: pd.Series) -> pd.Series:
    """Text as ``object`` holding ``str`` or None; blank or whitespace-only cells become None."""
    values = s.astype("object")
    present = values.notna().to_numpy()
    out = np.full(len(values), None, dtype=object)
    if present.any():
        text = values[present].map(str)
        keep = text.str.strip().ne("").to_numpy()
        idx = np.flatnonzero(present)[keep]
        out[idx] = text.to_numpy(dtype=object)[keep]
    return pd.Series(out, index=s.index, dtype="object")


@dataclass
class ProjectData:
    """One project, typed. ``tables`` maps each table sheet key to its DataFrame."""

    project: dict[str, Any]
    settings: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    layout: dict[str, SheetLayout] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # conversion problems (types)
    source: str = ""

    @property
    def language(self) -> Lang:
        return "en" if self.project.get("language") == "en" else "fr"

    @property
    def status_date(self) -> dt.date | None:
        value = self.project.get("status_date")
        return value if isinstance(value, dt.date) else None

    def table(self, key: str) -> pd.DataFrame:
        return self.tables[key]

    @property
    def tasks(self) -> pd.DataFrame:
        return self.tables["tasks"]

    @property
    def resources(self) -> pd.DataFrame:
        return self.tables["resources"]

    @property
    def assignments(self) -> pd.DataFrame:
        return self.tables["assignments"]

    @property
    def actuals(self) -> pd.DataFrame:
        return self.tables["actuals"]

    @property
    def budget(self) -> pd.DataFrame:
        return self.tables["budget"]

    @property
    def risks(self) -> pd.DataFrame:
        return self.tables["risks"]

    @property
    def quality(self) -> pd.DataFrame:
        return self.tables["quality"]

    @property
    def changes(self) -> pd.DataFrame:
        return self.tables["changes"]

    @property
    def training(self) -> pd.DataFrame:
        return self.tables["training"]

    def sheet_name(self, key: str) -> str:
        """The worksheet name of input sheet ``key`` in this workbook."""
        if key in self.layout:
            return self.layout[key].name
        return SHEETS_BY_KEY[key].name(self.language)

    def cell(self, sheet_key: str, column_key: str, row: int | None = None) -> str:
        layout = self.layout.get(sheet_key) or default_layout(
            SHEETS_BY_KEY[sheet_key], self.language
        )
        return layout.cell(column_key, row)

    def equals(self, other: ProjectData) -> bool:
        """Same card, settings and tables (layout, findings and source are not compared)."""
        if self.project != other.project or self.settings != other.settings:
            return False
        return all(self.tables[s.key].equals(other.tables[s.key]) for s in TABLE_SHEETS)


def make_project_data(
    project: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    tables: dict[str, pd.DataFrame | None] | None = None,
    *,
    layout: dict[str, SheetLayout] | None = None,
    source: str = "",
) -> ProjectData:
    """A normalised ProjectData: every field and table present, settings defaults applied."""
    card = {c.key: None for c in PROJECT.columns}
    card.update({k: v for k, v in (project or {}).items() if k in card})
    conf = settings_defaults()
    conf.update({k: v for k, v in (settings or {}).items() if v is not None and k in conf})
    given = tables or {}
    typed = {}
    for s in TABLE_SHEETS:
        df = given.get(s.key)
        if df is not None and (len(df) == 0 or df.index.dtype.kind != "i" or df.index.min() < 2):
            # records not read from a sheet: number them as the template would place them
            df = df.reset_index(drop=True)
            df.index = df.index + 2
        typed[s.key] = normalise_table(df, s)
    lang: Lang = "en" if card.get("language") == "en" else "fr"
    lay = layout or {s.key: default_layout(s, lang) for s in (*FORM_SHEETS, *TABLE_SHEETS)}
    return ProjectData(card, conf, typed, lay, [], source)
