"""Validation of what was typed: every finding in one pass, each naming its cell.

``validate(project)`` returns the reader's conversion findings (rule ``type``) and the findings of
the rules below, sorted by sheet (schema order), row, then column. Each finding names the
worksheet, the A1 cell, the column header and carries a message in the workbook's language
(``Tâches!F12 : la fin 01/03/2026 est antérieure au début 05/03/2026``).

Severity policy: an **error** is a value the analysis cannot use or that contradicts another one
(the engine would have to guess); a **warning** is a gap the engine fills by a documented
assumption, or a value that is possible but implausible. Settings are warnings except where the
engine cannot apply the value at all (an unknown enumeration, an unreadable list).

Checks are vectorised per column on numpy arrays (a pandas operation costs far more in call
overhead than in work on a few hundred rows); Python loops only run over the rows that have a
finding (and, in the batch parser of ``core.links``, over the Predecessors cells that are not a
bare task id). Findings themselves are built from the pandas objects, so their values are exactly
what pandas yields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from enum import StrEnum
from itertools import compress, repeat
from operator import eq, not_
from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.core.calendar import parse_date_list
from pmo_xl.core.links import LinkSyntaxError, find_cycle, parse_cells, parse_predecessors
from pmo_xl.core.risk import parse_emv_probabilities
from pmo_xl.i18n import Catalog, fmt_number, tr
from pmo_xl.model import Finding, ProjectData, Severity
from pmo_xl.schema import (
    NUMERIC_TYPES,
    PROJECT,
    SETTINGS,
    SHEETS,
    SHEETS_BY_KEY,
    TABLE_SHEETS,
    TASKS,
    ColType,
    Column,
    Lang,
    sheet_for_name,
)


class Rule(StrEnum):
    """Stable rule codes of validation findings (the ``rule`` of a Finding, in JSON output)."""

    REQUIRED = "required"  # a required cell or field is empty
    MISSING_COLUMN = "missing_column"  # a required column is absent from a sheet with records
    TYPE = "type"  # the reader could not convert the cell (date, number...)
    ENUM = "enum"  # not one of the allowed values of the column
    INTEGER = "integer"  # a whole number is expected (probability, attendees...)
    UNIQUE = "unique"  # an id already used higher up the same column
    RANGE = "range"  # outside the schema's min / max (probability 1-5, share 0-100 %...)
    PERCENT_RANGE = "percent_range"  # % complete outside 0-100 %
    DATE_ORDER = "date_order"  # a task finish before its start (planned, baseline, actual)
    PROGRESS_START = "progress_start"  # % complete > 0 without an actual start
    PROGRESS_FINISH = "progress_finish"  # 100 % without an actual finish
    FINISH_PROGRESS = "finish_progress"  # an actual finish with % complete below 100 %
    FUTURE_ACTUAL = "future_actual"  # actual start / finish after the status date
    FUTURE_ACTUALS_LINE = "future_actuals_line"  # Actuals line dated after the status date
    PREDECESSOR_SYNTAX = "predecessor_syntax"  # a piece that is not ID[type][+/-lag]
    PREDECESSOR_UNKNOWN = "predecessor_unknown"  # a predecessor that is not a task
    PREDECESSOR_SELF = "predecessor_self"  # a task that is its own predecessor
    CYCLE = "cycle"  # predecessors that loop (reported once per cycle)
    OWNER_UNKNOWN = "owner_unknown"  # task owner not on the Resources sheet
    RESOURCE_UNKNOWN = "resource_unknown"  # resource id not on the Resources sheet
    TASK_UNKNOWN = "task_unknown"  # task id not on the Tasks sheet
    CONSTRAINT_DATE = "constraint_date"  # a constraint type without its date
    CONSTRAINT_TYPE = "constraint_type"  # a constraint date without a type (ignored)
    BUDGET_MISMATCH = "budget_mismatch"  # task budgets differ from BAC by more than 1 %
    START_AFTER_FINISH = "start_after_finish"  # project start after its planned finish
    STATUS_BEFORE_START = "status_before_start"  # status date before the project start
    THRESHOLD_ORDER = "threshold_order"  # red threshold not beyond the amber one
    FORMAT = "format"  # a settings list that cannot be read (dates, EMV probabilities)


SEVERITY: dict[Rule, Severity] = {
    Rule.REQUIRED: "error",
    Rule.MISSING_COLUMN: "error",
    Rule.TYPE: "error",
    Rule.ENUM: "error",
    Rule.INTEGER: "error",
    Rule.UNIQUE: "error",
    Rule.RANGE: "error",
    Rule.PERCENT_RANGE: "error",
    Rule.DATE_ORDER: "error",
    Rule.PROGRESS_START: "warning",
    Rule.PROGRESS_FINISH: "warning",
    Rule.FINISH_PROGRESS: "error",
    Rule.FUTURE_ACTUAL: "error",
    Rule.FUTURE_ACTUALS_LINE: "warning",
    Rule.PREDECESSOR_SYNTAX: "error",
    Rule.PREDECESSOR_UNKNOWN: "error",
    Rule.PREDECESSOR_SELF: "error",
    Rule.CYCLE: "error",
    Rule.OWNER_UNKNOWN: "error",
    Rule.RESOURCE_UNKNOWN: "error",
    Rule.TASK_UNKNOWN: "error",
    Rule.CONSTRAINT_DATE: "error",
    Rule.CONSTRAINT_TYPE: "warning",
    Rule.BUDGET_MISMATCH: "warning",
    Rule.START_AFTER_FINISH: "error",
    Rule.STATUS_BEFORE_START: "warning",
    Rule.THRESHOLD_ORDER: "warning",
    Rule.FORMAT: "error",
}
"""Default severity of each rule. Exceptions: ``range`` is a warning for plausibility bounds
(``PLAUSIBLE``) and on Settings; ``integer`` is a warning on Settings."""

PLAUSIBLE = frozenset({("resources", "hours_per_day")})
"""Columns whose min / max say what is plausible rather than what is possible."""

BUDGET_TOLERANCE = 0.01
"""Task budgets may differ from the budget at completion by this share before a warning."""

MESSAGES: Catalog = {
    "required": {
        "fr": "« {column} » est obligatoire",
        "en": "'{column}' is required",
    },
    "missing_column": {
        "fr": "la colonne obligatoire « {column} » est absente de la feuille",
        "en": "required column '{column}' is missing from the sheet",
    },
    "enum": {
        "fr": "« {value} » n'est pas une valeur autorisée de « {column} » ({allowed})",
        "en": "'{value}' is not an allowed value of '{column}' ({allowed})",
    },
    "integer": {
        "fr": "« {column} » vaut {value} : un nombre entier est attendu",
        "en": "'{column}' is {value}: a whole number is expected",
    },
    "unique": {
        "fr": "l'identifiant {value} est déjà utilisé en {first}",
        "en": "id {value} is already used in {first}",
    },
    "range_between": {
        "fr": "« {column} » vaut {value} : attendu entre {min} et {max}",
        "en": "'{column}' is {value}: expected between {min} and {max}",
    },
    "range_min": {
        "fr": "« {column} » vaut {value} : attendu au moins {min}",
        "en": "'{column}' is {value}: expected at least {min}",
    },
    "range_max": {
        "fr": "« {column} » vaut {value} : attendu au plus {max}",
        "en": "'{column}' is {value}: expected at most {max}",
    },
    "percent_range": {
        "fr": "l'avancement {value} n'est pas compris entre 0 % et 100 %",
        "en": "% complete {value} is not between 0% and 100%",
    },
    "date_order": {
        "fr": "la fin {finish} est antérieure au début {start}",
        "en": "finish {finish} is before start {start}",
    },
    "progress_start": {
        "fr": "l'avancement est de {value} mais le début réel est vide",
        "en": "% complete is {value} but the actual start is empty",
    },
    "progress_finish": {
        "fr": "l'avancement est de 100 % mais la fin réelle est vide",
        "en": "% complete is 100% but the actual finish is empty",
    },
    "finish_progress": {
        "fr": "la fin réelle {date} demande un avancement de 100 % (ici {value})",
        "en": "actual finish {date} needs 100% complete (here {value})",
    },
    "future_actual": {
        "fr": "la date {date} de « {column} » est postérieure à la date d'état {status}",
        "en": "'{column}' {date} is after the status date {status}",
    },
    "future_actuals_line": {
        "fr": "la ligne est datée du {value}, après la date d'état {status}",
        "en": "line dated {value}, after the status date {status}",
    },
    "predecessor_syntax": {
        "fr": "« {value} » n'est pas un lien valide (ID tâche, type FS, SS, FF ou SF, "
        "décalage ; par ex. T020FS+2)",
        "en": "'{value}' is not a valid link (task ID, type FS, SS, FF or SF, lag; e.g. T020FS+2)",
    },
    "predecessor_unknown": {
        "fr": "le prédécesseur {value} n'existe pas dans {sheet}",
        "en": "predecessor {value} is not in {sheet}",
    },
    "predecessor_self": {
        "fr": "la tâche {value} est son propre prédécesseur",
        "en": "task {value} is its own predecessor",
    },
    "cycle": {
        "fr": "les prédécesseurs forment une boucle : {value}",
        "en": "the predecessors form a cycle: {value}",
    },
    "owner_unknown": {
        "fr": "le responsable {value} n'existe pas dans {sheet}",
        "en": "owner {value} is not in {sheet}",
    },
    "resource_unknown": {
        "fr": "la ressource {value} n'existe pas dans {sheet}",
        "en": "resource {value} is not in {sheet}",
    },
    "task_unknown": {
        "fr": "la tâche {value} n'existe pas dans {sheet}",
        "en": "task {value} is not in {sheet}",
    },
    "constraint_date": {
        "fr": "la contrainte « {value} » demande une date contrainte",
        "en": "constraint '{value}' needs a constraint date",
    },
    "constraint_type": {
        "fr": "la date contrainte {value} n'a pas de type de contrainte : elle est ignorée",
        "en": "constraint date {value} has no constraint type: it is ignored",
    },
    "budget_mismatch": {
        "fr": "la somme des budgets des tâches ({total}) diffère de plus de 1 % du budget à "
        "terminaison ({value})",
        "en": "the task budgets add up to {total}, more than 1% away from the budget at "
        "completion ({value})",
    },
    "start_after_finish": {
        "fr": "la date de début {value} est postérieure à la fin prévue {finish}",
        "en": "start date {value} is after the planned finish {finish}",
    },
    "status_before_start": {
        "fr": "la date d'état {value} est antérieure au début du projet {start}",
        "en": "status date {value} is before the project start {start}",
    },
    "threshold_order": {
        "fr": "« {column} » ({value}) ne devrait pas dépasser « {other} » ({other_value})",
        "en": "'{column}' ({value}) should not exceed '{other}' ({other_value})",
    },
    "format_dates": {
        "fr": "« {value} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)",
        "en": "'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    },
    "format_emv": {
        "fr": "« {value} » : attendu cinq pourcentages de 0 à 100 séparés par « ; », "
        "par ex. 10;30;50;70;90",
        "en": "'{value}': expected five percentages from 0 to 100 separated by ';', "
        "e.g. 10;30;50;70;90",
    },
    "blank": {"fr": "vide", "en": "empty"},
}

# The ordered (start, finish) pairs of a task.
TASK_DATE_PAIRS = (
    ("planned_start", "planned_finish"),
    ("baseline_start", "baseline_finish"),
    ("actual_start", "actual_finish"),
)
# Settings pairs (low, high): low must not exceed high.
THRESHOLD_PAIRS = (
    ("spi_red", "spi_amber"),
    ("cpi_red", "cpi_amber"),
    ("risk_amber_from", "risk_red_from"),
)
DATE_LIST_SETTINGS = ("extra_non_working_days", "worked_holidays")
_REF_RULES = {"resources": Rule.RESOURCE_UNKNOWN, "tasks": Rule.TASK_UNKNOWN}
_MAX_CYCLES = 100  # enough to show the problem; a plan with more loops needs rework anyway
_CELL_RE = re.compile(r"([A-Z]*)(\d*)")
_Links = tuple[list[str], list[str]]  # links between tasks as two lists: predecessors, successors


def validate(project: ProjectData) -> list[Finding]:
    """Every finding of ``project`` (the reader's ``type`` findings included), sorted."""
    v = _Validator(project)
    v.check_card()
    for sheet in TABLE_SHEETS:
        v.check_table_columns(sheet.key)
    v.check_tasks()
    v.check_predecessors()
    v.check_actuals()
    v.check_budget_total()
    v.check_settings()
    return v.result()


def format_date(value: Any, lang: Lang) -> str:
    """A date as the user reads it: 05/03/2026 in French, 2026-03-05 in English."""
    day = _as_date(value)
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def format_number(value: float, lang: Lang) -> str:
    """A number without useless decimals: 7, 7,5 (fr) or 7.5 (en), 95 000 (fr)."""
    value = round(float(value), 2)
    if value == int(value):
        return fmt_number(value, lang, 0)
    text = fmt_number(value, lang, 2)
    return text.rstrip("0")


def format_percent(fraction: float, lang: Lang) -> str:
    """A fraction as a percentage: 1.2 -> 120 % (fr) or 120% (en)."""
    text = format_number(float(fraction) * 100, lang)
    return f"{text} %" if lang == "fr" else f"{text}%"


class _Validator:
    """Collects findings for one project; each ``check_*`` adds those of one group of rules."""

    def __init__(self, project: ProjectData) -> None:
        self.p = project
        self.lang: Lang = project.language
        self.found: list[Finding] = []
        status = _as_date(project.project.get("status_date"))
        self.status: pd.Timestamp | None = pd.Timestamp(status) if status else None
        self.arrays: dict[tuple[str, str], np.ndarray] = {}
        self.extension: set[tuple[str, str]] = set()  # columns of a pandas extension dtype
        self.na_masks: dict[tuple[str, str], np.ndarray] = {}
        self.value_sets: dict[tuple[str, str], set[Any]] = {}
        self.task_ids = self.ids("tasks", "task_id")
        self.resource_ids = self.ids("resources", "resource_id")

    def values(self, sheet_key: str, column_key: str) -> np.ndarray:
        """The column as a numpy array, extracted once (pandas builds a Series on every access)."""
        key = (sheet_key, column_key)
        if key not in self.arrays:
            s = self.p.tables[sheet_key][column_key]
            self.arrays[key] = s.to_numpy()
            if not isinstance(s.dtype, np.dtype):
                self.extension.add(key)
        return self.arrays[key]

    def missing(self, sheet_key: str, column_key: str) -> np.ndarray:
        """``isna`` of the column, computed once."""
        key = (sheet_key, column_key)
        if key not in self.na_masks:
            values = self.values(sheet_key, column_key)
            column = SHEETS_BY_KEY[sheet_key].column(column_key)
            if values.dtype == object and key not in self.extension and _keyed(column):
                # The distinct values of an id, enumeration or reference column are wanted
                # anyway; when none is blank, neither is any row (one isna per distinct value).
                distinct = self.distinct(sheet_key, column_key)
                if not _missing(np.fromiter(distinct, dtype=object, count=len(distinct))).any():
                    self.na_masks[key] = np.zeros(len(values), dtype=bool)
                    return self.na_masks[key]
            self.na_masks[key] = _missing(values)
        return self.na_masks[key]

    def distinct(self, sheet_key: str, column_key: str) -> set[Any]:
        """The distinct values of the column (as a Series yields them), computed once."""
        key = (sheet_key, column_key)
        if key not in self.value_sets:
            values = self.values(sheet_key, column_key)
            # iterating an object array yields its objects, as ``tolist`` does, without the list
            self.value_sets[key] = set(values) if values.dtype == object else set(_cells(values))
        return self.value_sets[key]

    def ids(self, sheet_key: str, column_key: str) -> frozenset[str]:
        """The ids of the column as text."""
        values = self.values(sheet_key, column_key)
        return frozenset(map(str, _cells(values[~self.missing(sheet_key, column_key)])))

    def outside(self, sheet_key: str, column_key: str, allowed: Collection[str]) -> np.ndarray:
        """``notna & ~isin(allowed)``: the rows holding a value that is not one of ``allowed``."""
        values = self.values(sheet_key, column_key)
        # Usually every value is allowed: one set difference over the distinct values says so
        # without testing the rows one by one.
        extra = self.distinct(sheet_key, column_key).difference(allowed)
        if all(_is_na(v) for v in extra):
            return np.zeros(len(values), dtype=bool)
        keep = frozenset(allowed)
        known = np.fromiter((v in keep for v in _cells(values)), dtype=bool, count=len(values))
        return ~self.missing(sheet_key, column_key) & ~known

    def operands(self, sheet_key: str, *column_keys: str) -> list[np.ndarray] | list[pd.Series]:
        """Number or date columns to compute on: numpy arrays when they have numpy float and
        datetime dtypes, as the typing contract says (``model.normalise_table``); else (a column
        replaced by hand) the Series themselves, so that pandas' own rules still apply."""
        arrays = [self.values(sheet_key, key) for key in column_keys]
        plain = [(sheet_key, key) not in self.extension for key in column_keys]
        if all(plain) and all(a.dtype.kind in "fM" for a in arrays):
            return arrays
        return [self.p.tables[sheet_key][key] for key in column_keys]

    # -- building findings ---------------------------------------------------------------

    def add(
        self,
        sheet_key: str,
        column_key: str,
        row: int | None,
        rule: Rule,
        value: Any,
        *,
        message: str | None = None,
        severity: Severity | None = None,
        shown: str | None = None,
        **fields: Any,
    ) -> None:
        """One finding; ``shown`` is the value as the message shows it (default: ``show``)."""
        column = SHEETS_BY_KEY[sheet_key].column(column_key)
        header = column.header(self.lang)
        sheet_name = self.p.sheet_name(sheet_key)
        cell = self.p.cell(sheet_key, column_key, None if row is None else int(row))
        where = f"{sheet_name}!{cell}" if cell else sheet_name
        fields["value"] = self.show(value, column) if shown is None else shown
        text = tr(MESSAGES, message or rule.value, self.lang, column=header, **fields)
        sep = " : " if self.lang == "fr" else ": "
        self.found.append(
            Finding(
                sheet=sheet_name,
                cell=cell,
                column=header,
                rule=rule.value,
                severity=severity or SEVERITY[rule],
                value=_plain(value),
                message=f"{where}{sep}{text}",
            )
        )

    def add_rows(
        self,
        sheet_key: str,
        column_key: str,
        mask: np.ndarray | pd.Series,
        rule: Rule,
        *,
        value_key: str | None = None,
        per_row: Callable[[int], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """One finding per True row of ``mask`` (the value is the column's, or that of column
        ``value_key``); ``per_row(row)`` gives the message fields that change from row to row."""
        if not mask.any():
            return
        source = self.p.tables[sheet_key][value_key or column_key]
        for row, value in source[mask].items():
            extra = per_row(int(row)) if per_row else {}
            self.add(sheet_key, column_key, int(row), rule, value, **kwargs, **extra)

    def show(self, value: Any, column: Column) -> str:
        """``value`` as the user reads it in the column's type."""
        if _blank(value):
            return self.blank()
        if column.type == ColType.DATE and _as_date(value) is not None:
            return format_date(value, self.lang)
        if _is_number(value):
            if column.type == ColType.PERCENT:
                return format_percent(value, self.lang)
            return format_number(value, self.lang)
        if column.type == ColType.ENUM:
            choice = column.choice_for(str(value))
            if choice is not None:
                return choice.label(self.lang)
        return str(value)

    def result(self) -> list[Finding]:
        # A cell the reader could not convert is blank in the data: any finding of ours on it
        # (required, progress...) only restates the type finding.
        typed = {(f.sheet, f.cell) for f in self.p.findings if f.rule == Rule.TYPE and f.cell}
        mine = [f for f in self.found if (f.sheet, f.cell) not in typed]
        rank = {self.p.sheet_name(s.key): i for i, s in enumerate(SHEETS)}
        return sorted([*self.p.findings, *mine], key=lambda f: _sort_key(f, rank))

    # -- the project card ------------------------------------------------------------------

    def check_card(self) -> None:
        card = self.p.project
        for column in PROJECT.columns:
            value = card.get(column.key)
            if _blank(value):
                if column.required:
                    self.add("project", column.key, None, Rule.REQUIRED, None)
                continue
            self.check_scalar("project", column, value)
        start, finish = _as_date(card.get("start_date")), _as_date(card.get("planned_finish"))
        if start and finish and start > finish:
            self.add(
                "project",
                "start_date",
                None,
                Rule.START_AFTER_FINISH,
                start,
                finish=format_date(finish, self.lang),
            )
        status = _as_date(card.get("status_date"))
        if start and status and status < start:
            self.add(
                "project",
                "status_date",
                None,
                Rule.STATUS_BEFORE_START,
                status,
                start=format_date(start, self.lang),
            )

    def check_scalar(
        self, sheet_key: str, column: Column, value: Any, soft: Severity | None = None
    ) -> None:
        """Enumeration, whole number and range of one form field; ``soft`` lowers severities."""
        if column.type == ColType.ENUM and column.choices:
            if str(value) not in {c.key for c in column.choices}:
                self.add(
                    sheet_key, column.key, None, Rule.ENUM, value, allowed=self.allowed(column)
                )
            return
        if column.type not in NUMERIC_TYPES or not _is_number(value):
            return
        number = float(value)
        if column.type == ColType.INTEGER and number != np.floor(number):
            self.add(sheet_key, column.key, None, Rule.INTEGER, value, severity=soft)
        low = column.min is not None and number < column.min
        high = column.max is not None and number > column.max
        if low or high:
            self.add(
                sheet_key,
                column.key,
                None,
                Rule.RANGE,
                value,
                message=_range_message(column),
                severity=soft,
                **self.bounds(column),
            )

    # -- generic column rules of every table ----------------------------------------------

    def check_table_columns(self, sheet_key: str) -> None:
        sheet = SHEETS_BY_KEY[sheet_key]
        df = self.p.tables[sheet_key]
        if df.empty:
            return
        layout = self.p.layout.get(sheet_key)
        live: np.ndarray | None = None  # rows that are records; only needed once a cell is blank
        for column in sheet.columns:
            if column.required and layout is not None and column.key not in layout.columns:
                live = _live_rows(df) if live is None else live
                if live.any():  # one finding for the column, not one per record
                    self.add(sheet_key, column.key, None, Rule.MISSING_COLUMN, None)
            elif column.required:
                blank = self.missing(sheet_key, column.key)
                if blank.any():
                    live = _live_rows(df) if live is None else live
                    self.add_rows(sheet_key, column.key, blank & live, Rule.REQUIRED)
            if column.type == ColType.ENUM and column.choices:
                keys = [c.key for c in column.choices]
                bad = self.outside(sheet_key, column.key, keys)
                if bad.any():  # the message lists the allowed labels: only for findings
                    self.add_rows(
                        sheet_key, column.key, bad, Rule.ENUM, allowed=self.allowed(column)
                    )
            if column.type in NUMERIC_TYPES:
                self.check_numbers(sheet_key, column)
            if column.type == ColType.ID:
                self.check_unique(sheet_key, column.key)
            if column.ref is not None:
                self.check_reference(sheet_key, column)

    def check_numbers(self, sheet_key: str, column: Column) -> None:
        if column.type != ColType.INTEGER and column.min is None and column.max is None:
            return
        (s,) = self.operands(sheet_key, column.key)
        if column.type == ColType.INTEGER:
            fraction = ~_missing(s) & (s != np.floor(s))
            self.add_rows(sheet_key, column.key, fraction, Rule.INTEGER)
        if column.min is None and column.max is None:
            return
        out: np.ndarray | pd.Series = np.zeros(len(s), dtype=bool)
        if column.min is not None:
            out = out | (s < column.min)
        if column.max is not None:
            out = out | (s > column.max)
        if not out.any():  # the message shows the bounds: only for findings
            return
        if (sheet_key, column.key) == ("tasks", "percent_complete"):
            self.add_rows(sheet_key, column.key, out, Rule.PERCENT_RANGE)
            return
        soft: Severity | None = "warning" if (sheet_key, column.key) in PLAUSIBLE else None
        self.add_rows(
            sheet_key,
            column.key,
            out,
            Rule.RANGE,
            message=_range_message(column),
            severity=soft,
            **self.bounds(column),
        )

    def check_unique(self, sheet_key: str, column_key: str) -> None:
        blank = self.missing(sheet_key, column_key)
        if not blank.any() and len(self.distinct(sheet_key, column_key)) == len(blank):
            return  # the usual case: no blank, no repeated id
        ids = self.values(sheet_key, column_key)
        present = _cells(ids[~blank])
        if len(set(present)) == len(present):  # no repeated id among the others
            return
        s = self.p.tables[sheet_key][column_key].dropna()
        repeated = s.duplicated(keep="first")
        first_rows = s[~repeated]
        first = dict(zip(first_rows.to_numpy(), first_rows.index, strict=True))
        for row, value in s[repeated].items():
            self.add(
                sheet_key,
                column_key,
                int(row),
                Rule.UNIQUE,
                value,
                first=self.p.cell(sheet_key, column_key, int(first[value])),
            )

    def check_reference(self, sheet_key: str, column: Column) -> None:
        assert column.ref is not None
        known = self.task_ids if column.ref == "tasks" else self.resource_ids
        rule = _REF_RULES[column.ref]
        if (sheet_key, column.key) == ("tasks", "owner"):
            rule = Rule.OWNER_UNKNOWN
        self.add_rows(
            sheet_key,
            column.key,
            self.outside(sheet_key, column.key, known),
            rule,
            sheet=self.p.sheet_name(column.ref),
        )

    # -- tasks: dates, progress, constraints ----------------------------------------------

    def check_tasks(self) -> None:
        t = self.p.tables["tasks"]
        if t.empty:
            return
        for start, finish in TASK_DATE_PAIRS:
            first, last = self.operands("tasks", start, finish)
            self.add_rows(
                "tasks",
                finish,
                last < first,
                Rule.DATE_ORDER,
                per_row=self.dates_of(t, start=start, finish=finish),
            )
        (pc,) = self.operands("tasks", "percent_complete")
        started = ~_missing(self.values("tasks", "actual_start"))
        finished = ~_missing(self.values("tasks", "actual_finish"))
        done = np.abs(pc - 1) < 1e-9
        self.add_rows(
            "tasks",
            "actual_start",
            (pc > 0) & ~started,
            Rule.PROGRESS_START,
            value_key="percent_complete",
            per_row=lambda row: {"shown": self.percent(t.at[row, "percent_complete"])},
        )
        self.add_rows(
            "tasks",
            "actual_finish",
            done & ~finished,
            Rule.PROGRESS_FINISH,
            value_key="percent_complete",
        )
        self.add_rows(
            "tasks",
            "percent_complete",
            finished & ~done & ~(pc > 1),
            Rule.FINISH_PROGRESS,
            per_row=self.dates_of(t, date="actual_finish"),
        )
        if self.status is not None:
            status = self.day(self.status)
            for key in ("actual_start", "actual_finish"):
                (actual,) = self.operands("tasks", key)
                self.add_rows(
                    "tasks",
                    key,
                    actual > self.status,
                    Rule.FUTURE_ACTUAL,
                    status=status,
                    per_row=self.dates_of(t, date=key),
                )
        self.check_constraints(t)

    def check_constraints(self, t: pd.DataFrame) -> None:
        kind, blank = self.values("tasks", "constraint"), self.missing("tasks", "constraint")
        dated = ~_missing(self.values("tasks", "constraint_date"))
        column = TASKS.column("constraint")
        asap = _equals(kind, blank, "asap")
        undated = ~dated & ~asap
        if undated.any():  # only a valid constraint type (``isin`` its keys) needs its date
            keys = [c.key for c in column.choices]
            undated &= ~blank & ~self.outside("tasks", "constraint", keys)
        self.add_rows(
            "tasks",
            "constraint_date",
            undated,
            Rule.CONSTRAINT_DATE,
            value_key="constraint",
            per_row=lambda row: {"shown": self.show(t.at[row, "constraint"], column)},
        )
        self.add_rows(
            "tasks",
            "constraint",
            dated & (blank | asap),
            Rule.CONSTRAINT_TYPE,
            value_key="constraint_date",
            per_row=lambda row: {"shown": self.day(t.at[row, "constraint_date"])},
        )

    # -- predecessors and cycles -----------------------------------------------------------

    def check_predecessors(self) -> None:
        t = self.p.tables["tasks"]
        texts, ids = self.values("tasks", "predecessors"), self.values("tasks", "task_id")
        linked = ~self.missing("tasks", "predecessors")
        cells = _cells(texts[linked])
        tasks = [tid if isinstance(tid, str) else "" for tid in _cells(ids[linked])]
        links = self.plain_links(cells, tasks)
        if links is not None and _down_the_sheet(*links, _cells(ids)):
            return  # the usual plan: no finding, and no loop as every link goes down the sheet
        # Some cell has a finding or the links may loop: each cell in turn, its links in order.
        links = self.check_links(t.index.to_numpy()[linked].tolist(), cells, tasks)
        if links[0] and not _down_the_sheet(*links, _cells(ids)):
            self.check_cycles(t, _successors(*links))

    def plain_links(self, cells: list[Any], tasks: list[str]) -> _Links | None:
        """The links of all the cells (their tasks as successors, in no particular order) when
        every piece of every cell is a link to another task, as in most plans; None when some
        cell may have a finding."""
        if not all(isinstance(text, str) for text in cells):
            return None
        known = self.task_ids
        # Most cells are a bare task id ("T020"): one link to that task, as the parser reads it,
        # provided no such id holds a separator or blanks around it. The others are parsed.
        bare = list(map(known.__contains__, cells))
        bare_ids = list(compress(cells, bare))
        if not _read_as_is(bare_ids):
            bare, bare_ids = [False] * len(cells), []
        rest = list(compress(zip(tasks, cells, strict=True), map(not_, bare)))
        links = parse_cells(rest, known)
        text = ";".join([cell for _, cell in rest])  # their separators, plus one per cell
        if rest and len(links.pred) < text.count(";") + text.count(",") + 1:
            return None  # a blank piece or one that does not parse (the batch leaves it out)
        preds, succs = [*bare_ids, *links.pred], [*compress(tasks, bare), *links.succ]
        if not known.issuperset(links.pred) or any(map(eq, preds, succs)):
            return None  # an unknown task or a self-link
        return preds, succs

    def check_links(self, rows: list[int], cells: list[Any], tasks: list[str]) -> _Links:
        """The findings of each Predecessors cell; the links of the valid ones between tasks."""
        preds: list[str] = []
        succs: list[str] = []
        tasks_sheet = self.p.sheet_name("tasks")
        # One batch parse of every cell (what ``parse_predecessors`` would redo for each cell is
        # done once); the successor of each link is the cell's position, to give links back.
        parsed = parse_cells(((str(i), text) for i, text in enumerate(cells)), self.task_ids)
        preds_of: dict[str, list[str]] = {}
        for pred, at in zip(parsed.pred, parsed.succ, strict=True):
            preds_of.setdefault(at, []).append(pred)
        for i, (row, text, task) in enumerate(zip(rows, cells, tasks, strict=True)):
            cell_preds = preds_of.get(str(i), [])
            if not isinstance(text, str) or len(cell_preds) < _most_pieces(text):
                # A piece that does not parse (the batch leaves it out), a blank piece or a cell
                # that is not text: the per-cell reading says which piece is bad, if any.
                try:
                    links = parse_predecessors(text, task, self.task_ids)
                except LinkSyntaxError as exc:
                    self.add("tasks", "predecessors", row, Rule.PREDECESSOR_SYNTAX, exc.piece)
                    continue
                cell_preds = [link.pred for link in links]
            for pred in cell_preds:
                if pred not in self.task_ids:
                    self.add(
                        "tasks",
                        "predecessors",
                        row,
                        Rule.PREDECESSOR_UNKNOWN,
                        pred,
                        sheet=tasks_sheet,
                    )
                elif pred == task:
                    self.add("tasks", "predecessors", row, Rule.PREDECESSOR_SELF, task)
                elif task:
                    preds.append(pred)
                    succs.append(task)
        return preds, succs

    def check_cycles(self, t: pd.DataFrame, successors: dict[str, list[str]]) -> None:
        """Each loop once, at the Predecessors cell of its task that comes first on the sheet."""
        ids = self.values("tasks", "task_id")
        present = ~self.missing("tasks", "task_id")
        rows = t.index.to_numpy()[present].tolist()
        first_row: dict[str, int] = {}
        for row, tid in zip(rows, _cells(ids[present]), strict=True):
            first_row.setdefault(tid, row)
        order = list(first_row)
        for _ in range(_MAX_CYCLES):
            cycle = find_cycle(successors, order)
            if cycle is None:
                return
            nodes = cycle[:-1]
            start = min(range(len(nodes)), key=lambda i: first_row[nodes[i]])
            nodes = nodes[start:] + nodes[:start]
            path = " → ".join([*nodes, nodes[0]])
            self.add("tasks", "predecessors", first_row[nodes[0]], Rule.CYCLE, path)
            # Look for further loops among the remaining tasks.
            gone = set(nodes)
            order = [tid for tid in order if tid not in gone]

    # -- actuals ---------------------------------------------------------------------------

    def check_actuals(self) -> None:
        a = self.p.tables["actuals"]
        if a.empty or self.status is None:
            return
        (dates,) = self.operands("actuals", "date")
        late = dates > self.status
        self.add_rows(
            "actuals",
            "date",
            late,
            Rule.FUTURE_ACTUALS_LINE,
            status=self.day(self.status),
        )

    # -- budget ----------------------------------------------------------------------------

    def check_budget_total(self) -> None:
        bac = _number(self.p.project.get("bac"))
        if bac is None or bac < 0:  # a negative BAC is already a range error
            return
        (budget,) = self.operands("tasks", "budget")
        # np.nansum adds exactly as Series.sum() does (NaN as 0, then a pairwise sum)
        total = float(np.nansum(budget) if isinstance(budget, np.ndarray) else budget.sum())
        if abs(total - bac) > BUDGET_TOLERANCE * abs(bac):
            self.add(
                "project",
                "bac",
                None,
                Rule.BUDGET_MISMATCH,
                bac,
                total=format_number(total, self.lang),
            )

    # -- settings --------------------------------------------------------------------------

    def check_settings(self) -> None:
        conf = self.p.settings
        for column in SETTINGS.columns:
            value = conf.get(column.key)
            if not _blank(value):
                self.check_scalar("settings", column, value, soft="warning")
        for low_key, high_key in THRESHOLD_PAIRS:
            low, high = _number(conf.get(low_key)), _number(conf.get(high_key))
            if low is not None and high is not None and low > high:
                other = SETTINGS.column(high_key)
                self.add(
                    "settings",
                    low_key,
                    None,
                    Rule.THRESHOLD_ORDER,
                    low,
                    other=other.header(self.lang),
                    other_value=self.show(high, other),
                )
        for key in DATE_LIST_SETTINGS:
            bad = _bad_date_piece(conf.get(key))
            if bad is not None:
                self.add("settings", key, None, Rule.FORMAT, bad, message="format_dates")
        emv = conf.get("emv_probabilities")
        if not _blank(emv) and not _emv_ok(str(emv)):
            self.add("settings", "emv_probabilities", None, Rule.FORMAT, emv, message="format_emv")

    # -- helpers ---------------------------------------------------------------------------

    def dates_of(self, t: pd.DataFrame, **columns: str) -> Callable[[int], dict[str, Any]]:
        """Per-row message fields: each named field is the row's date in the given column."""

        def fields(row: int) -> dict[str, Any]:
            return {name: self.day(t.at[row, key]) for name, key in columns.items()}

        return fields

    def day(self, value: Any) -> str:
        return format_date(value, self.lang)

    def percent(self, value: Any) -> str:
        return format_percent(value, self.lang) if _is_number(value) else self.blank()

    def blank(self) -> str:
        return tr(MESSAGES, "blank", self.lang)

    def allowed(self, column: Column) -> str:
        return ", ".join(c.label(self.lang) for c in column.choices)

    def bounds(self, column: Column) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if column.min is not None:
            out["min"] = self.show(column.min, column)
        if column.max is not None:
            out["max"] = self.show(column.max, column)
        return out


def _range_message(column: Column) -> str:
    if column.min is not None and column.max is not None:
        return "range_between"
    return "range_min" if column.min is not None else "range_max"


def _keyed(column: Column) -> bool:
    """Whether the column holds keys (an id, an enumeration, a reference): few distinct values
    compared with sets of allowed ones, or all distinct."""
    enum = column.type == ColType.ENUM and bool(column.choices)
    return column.type == ColType.ID or enum or column.ref is not None


def _cells(values: np.ndarray) -> list[Any]:
    """The values as a Series yields them: Python numbers and objects, dates as Timestamps."""
    return list(pd.Series(values)) if values.dtype.kind in "mM" else values.tolist()


def _missing(values: np.ndarray | pd.Series) -> np.ndarray:
    """``isna`` of a column (NaN, NaT, None) as a numpy array."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "M":
        return np.isnat(values)
    return np.asarray(pd.isna(values), dtype=bool)


def _equals(values: np.ndarray, blank: np.ndarray, text: str) -> np.ndarray:
    """``values == text`` with pandas' rule for object columns: a blank equals nothing."""
    if not blank.any():
        return np.asarray(values == text, dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    out[~blank] = values[~blank] == text
    return out


def _is_na(value: Any) -> bool:
    """``pd.isna`` of one cell value."""
    return bool(pd.isna(value))


def _live_rows(df: pd.DataFrame) -> np.ndarray:
    """The rows that are records: a fully blank row is not one."""
    return np.asarray(~df.isna().all(axis=1), dtype=bool)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # Timestamp included; NaT was handled above
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    return isinstance(value, int | float | np.integer | np.floating) and bool(np.isfinite(value))


def _number(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar: dates as ``datetime.date``, numpy scalars as Python ones."""
    if _blank(value):
        return None
    day = _as_date(value)
    if day is not None:
        return day
    if isinstance(value, np.generic):
        return value.item()
    return value


def _most_pieces(text: str) -> int:
    """How many pieces a Predecessors cell has at most: one more than its separators."""
    return text.count(";") + text.count(",") + 1


def _read_as_is(ids: list[str]) -> bool:
    """Whether each of these ids, alone in a Predecessors cell, is one piece: itself."""
    text = "".join(ids)
    return ";" not in text and "," not in text and all(ids) and list(map(str.strip, ids)) == ids


def _successors(preds: list[str], succs: list[str]) -> dict[str, list[str]]:
    """The successors of each task, in the order of the links; links without a task left out."""
    successors: dict[str, list[str]] = {}
    for pred, succ in zip(preds, succs, strict=True):
        if succ:
            successors.setdefault(pred, []).append(succ)
    return successors


def _down_the_sheet(preds: list[str], succs: list[str], ids: list[Any]) -> bool:
    """Whether every link between two tasks goes down the sheet (from the first row of an id):
    then the links make no loop, which ``find_cycle`` would take far longer to find out."""
    # the position of the first row of each id (a later row of an id is overwritten by it)
    first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
    first.pop("", None)  # the successor of a link in the cell of a task without a text id
    # -1 for an id that is not a task's (as ``find_cycle`` skips those links)
    top = np.fromiter(map(first.get, preds, repeat(-1)), dtype=np.intp, count=len(preds))
    below = np.fromiter(map(first.get, succs, repeat(-1)), dtype=np.intp, count=len(succs))
    return not np.any((top >= 0) & (below >= 0) & (below <= top))


def _bad_date_piece(text: Any) -> str | None:
    if _blank(text):
        return None
    for piece in re.split(r"[;,\n]", str(text)):
        try:
            parse_date_list(piece)
        except ValueError:
            return piece.strip()
    return None


def _emv_ok(text: str) -> bool:
    try:
        parse_emv_probabilities(text)  # the risk engine's own reading of the setting
    except ValueError:
        return False
    return True


def _sort_key(finding: Finding, rank: dict[str, int]) -> tuple[int, int, int]:
    sheet_rank = rank.get(finding.sheet)
    if sheet_rank is None:
        known = sheet_for_name(finding.sheet)
        sheet_rank = SHEETS.index(known) if known else len(SHEETS)
    m = _CELL_RE.match(finding.cell)
    letters, digits = (m.group(1), m.group(2)) if m else ("", "")
    return sheet_rank, int(digits) if digits else 0, _column_index(letters)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1
