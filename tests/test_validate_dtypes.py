"""Validation of tables off the typing contract (a column replaced by hand, another dtype): the
same findings (cells, rules, messages) as from the typed columns the readers produce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from pmo_xl.core.validate import validate
from pmo_xl.model import Finding, ProjectData
from tests.test_validate import D, clean


def shown(findings: list[Finding]) -> list[tuple[str, str, str, str, str]]:
    """What a finding says (its raw value keeps the column's dtype: 1.2 in float32...)."""
    return [(f.sheet, f.cell, f.rule, f.severity, f.message) for f in findings]


def broken(table: str, row: int, column: str, value: Any) -> ProjectData:
    p = clean()
    p.tables[table].loc[row, column] = value
    return p


# (broken cell, column whose dtype is changed afterwards)
CASES: list[tuple[str, Callable[[], ProjectData], tuple[str, str]]] = [
    ("range", lambda: broken("risks", 3, "probability", 7), ("risks", "probability")),
    ("integer", lambda: broken("risks", 2, "probability", 2.5), ("risks", "probability")),
    ("percent", lambda: broken("tasks", 3, "percent_complete", 1.2), ("tasks", "percent_complete")),
    (
        "progress_start",
        lambda: broken("tasks", 4, "percent_complete", 0.25),
        ("tasks", "percent_complete"),
    ),
    (
        "date_order",
        lambda: broken("tasks", 4, "planned_finish", D("2026-02-10")),
        ("tasks", "planned_finish"),
    ),
    (
        "future_actual",
        lambda: broken("tasks", 3, "actual_start", D("2026-04-02")),
        ("tasks", "actual_start"),
    ),
    (
        "future_actuals_line",
        lambda: broken("actuals", 3, "date", D("2026-04-03")),
        ("actuals", "date"),
    ),
    ("budget", lambda: broken("tasks", 2, "budget", 90000), ("tasks", "budget")),
    ("enum", lambda: broken("risks", 2, "status", "Bientôt"), ("risks", "status")),
    ("owner", lambda: broken("tasks", 5, "owner", "R09"), ("tasks", "owner")),
    ("unique", lambda: broken("changes", 3, "change_id", "CR01"), ("changes", "change_id")),
    ("required", lambda: broken("tasks", 3, "name", None), ("tasks", "name")),
    (
        "constraint_date",
        lambda: broken("tasks", 4, "constraint_date", pd.NaT),
        ("tasks", "constraint"),
    ),
]

CONVERSIONS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "object": lambda s: s.astype(object),
    "float32": lambda s: s.astype("float32") if s.dtype.kind == "f" else s,
    "seconds": lambda s: s.astype("datetime64[s]") if s.dtype.kind == "M" else s,
    "str": lambda s: s.astype("str") if s.dtype == object else s,
    "string": lambda s: s.astype("string") if s.dtype == object else s,
}


@pytest.mark.parametrize("conversion", list(CONVERSIONS))
@pytest.mark.parametrize(("make", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_findings_do_not_depend_on_the_column_dtype(
    make: Callable[[], ProjectData], where: tuple[str, str], conversion: str
) -> None:
    expected = shown(validate(make()))
    assert expected  # each case is a broken cell
    p = make()
    table, column = where
    p.tables[table][column] = CONVERSIONS[conversion](p.tables[table][column])
    assert shown(validate(p)) == expected
