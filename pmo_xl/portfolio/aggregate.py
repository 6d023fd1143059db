"""Summaries in, portfolio tables out: streaming, then one pass at the end.

``Aggregator.add`` keeps each ``ProjectSummary`` (a few kilobytes: a row, people, weekly loads,
ten alerts); ``Aggregator.tables()`` sorts them by file, so the result does not depend on the
order in which workers finished, and builds:

* ``projects``: one row per project (``summary.ROW_KEYS`` plus ``project``, the unique label);
* ``staff``: one row per person across projects (people matched by Resource ID, falling back to
  name + department: ``core.resources.people``) with total share, weekly capacity, peak summed
  load and the weeks over capacity;
* ``staff_weekly``: load summed over projects against capacity, per person and week;
* ``overallocations``: ``core.resources.overallocations`` over every project at once;
* ``watchdog``: the most severe alerts of every project;
* ``errors``: the files that could not be used, with the stage and the reason;
* ``risk_matrix``: open scored risks of all projects, summed (5 x 5).

A project's label is its code, made unique by `` (2)``, `` (3)``... in file order when two
workbooks carry the same code, and the file name when the code is blank.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_xl.core.resources import (
    TOLERANCE_HOURS,
    capacity,
    overallocations,
    people,
)
from pmo_xl.portfolio.summary import LOAD_COLUMNS, RESOURCE_COLUMNS, ROW_KEYS, ProjectSummary

STAFF_COLUMNS = [
    "person",
    "resource_id",
    "name",
    "department",
    "projects",
    "n_projects",
    "total_share",
    "hours_per_day",
    "weekly_capacity",
    "peak_load",
    "peak_week",
    "peak_capacity",
    "max_ratio",
    "weeks_over",
    "first_week",
    "last_week",
]
WEEKLY_COLUMNS = ["person", "week", "load", "capacity", "ratio", "projects"]
WATCHDOG_COLUMNS = ["project", "severity", "rule", "subject", "since", "where", "message", "file"]
ERROR_COLUMNS = ["file", "stage", "reason"]


@dataclass
class PortfolioTables:
    projects: pd.DataFrame
    staff: pd.DataFrame
    staff_weekly: pd.DataFrame
    overallocations: pd.DataFrame
    watchdog: pd.DataFrame
    errors: pd.DataFrame
    risk_matrix: list[list[int]]
    skipped: list[str] = field(default_factory=list)  # portfolio workbooks found and not read

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables exported for BI tools, by file stem."""
        return {
            "projects": self.projects,
            "shared_staff": self.staff,
            "shared_staff_weekly": self.staff_weekly,
            "overallocations": self.overallocations,
            "watchdog": self.watchdog,
            "errors": self.errors,
            "risk_matrix": pd.DataFrame(
                [
                    {"probability": p + 1, "impact": i + 1, "risks": n}
                    for p, row in enumerate(self.risk_matrix)
                    for i, n in enumerate(row)
                ]
            ),
        }


class Aggregator:
    """Collects summaries as they arrive; ``tables()`` when all are in."""

    def __init__(self) -> None:
        self.summaries: list[ProjectSummary] = []

    def add(self, summary: ProjectSummary) -> None:
        self.summaries.append(summary)

    @property
    def ok(self) -> int:
        return sum(s.ok for s in self.summaries)

    @property
    def failed(self) -> int:
        return len(self.summaries) - self.ok

    def tables(self, skipped: list[str] | None = None) -> PortfolioTables:
        ordered = sorted(self.summaries, key=lambda s: s.file)
        good = [s for s in ordered if s.ok]
        labels = project_labels(good)
        projects = _projects(good, labels)
        resources = _concat([s.resources for s in good], labels, RESOURCE_COLUMNS)
        loads = _concat([s.loads for s in good], labels, LOAD_COLUMNS)
        loads["week"] = loads["week"].astype("datetime64[ns]")
        loads["hours"] = loads["hours"].astype("float64")
        staff, weekly = shared_staff(loads, resources)
        over = overallocations(loads, resources) if len(resources) else _no_overallocations()
        return PortfolioTables(
            projects=projects,
            staff=staff,
            staff_weekly=weekly,
            overallocations=over,
            watchdog=_watchdog(good, labels),
            errors=pd.DataFrame(
                [[s.file, s.stage, s.error] for s in ordered if not s.ok], columns=ERROR_COLUMNS
            ).astype(object),
            risk_matrix=_risk_matrix(good),
            skipped=list(skipped or []),
        )


def project_labels(summaries: list[ProjectSummary]) -> list[str]:
    """Unique project labels: the code, `` (n)`` for repeats, the file name when blank."""
    seen: Counter[str] = Counter()
    labels = []
    for s in summaries:
        base = (s.row.get("project_code") or "").strip() or Path(s.file).name
        seen[base] += 1
        labels.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return labels


def _projects(good: list[ProjectSummary], labels: list[str]) -> pd.DataFrame:
    rows = [
        {"project": lab, **{k: s.row.get(k) for k in ROW_KEYS}}
        for s, lab in zip(good, labels, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["project", *ROW_KEYS])
    for key in ("forecast_finish", "planned_finish", "status_date"):
        frame[key] = pd.to_datetime(frame[key]).astype("datetime64[ns]")
    numeric = ["spi", "cpi", "spi_t", "bac", "eac", "vac", "slip_days", "spi_amber", "spi_red",
               "cpi_amber", "cpi_red", "slip_red_days"]  # fmt: skip
    for key in numeric:
        frame[key] = pd.to_numeric(frame[key]).astype("float64")
    for key in ("open_risks", "open_red_risks", "watchdog_alerts", "watchdog_high",
                "validation_errors", "validation_warnings"):  # fmt: skip
        frame[key] = pd.to_numeric(frame[key]).astype("Int64")
    return frame


def _concat(
    frames: list[pd.DataFrame | None], labels: list[str], columns: list[str]
) -> pd.DataFrame:
    """The frames stacked, with the project label of each row first (one concat, no copies)."""
    kept = [(f, lab) for f, lab in zip(frames, labels, strict=True) if f is not None and len(f)]
    if not kept:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["project", *columns]})
    stacked = pd.concat([f for f, _ in kept], ignore_index=True)[columns]
    project = np.repeat(np.array([lab for _, lab in kept], dtype=object), [len(f) for f, _ in kept])
    stacked.insert(0, "project", project)
    return stacked


def shared_staff(loads: pd.DataFrame, resources: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per person, their summed load per week) across all projects.

    ``loads``: ``[project, resource_id, week, hours]``; ``resources``: ``[project, resource_id,
    name, department, hours_per_day, project_share]``. The capacity of a week is hours per day x
    working days (French calendar) x total share capped at 100 %; hours of a Resource ID absent
    from its project's Resources count against no capacity. Sorted most over-committed first.
    """
    rows = people(resources.reset_index(drop=True), "id") if len(resources) else None
    if rows is None:
        return (pd.DataFrame(columns=STAFF_COLUMNS), pd.DataFrame(columns=WEEKLY_COLUMNS))
    rows["project_share"] = rows["project_share"].astype("float64").fillna(0.0)
    g = rows.groupby("person", sort=False)
    persons = pd.DataFrame(
        {
            "resource_id": g["resource_id"].first(),
            "name": g["name"].first(),
            "department": g["department"].first(),
            "projects": g["project"].agg(lambda s: ";".join(sorted(set(map(str, s))))),
            "n_projects": g["project"].nunique().astype("int64"),
            "total_share": g["project_share"].sum(),
            "hours_per_day": g["hours_per_day"].first().astype("float64"),
        }
    ).reset_index()
    persons["capped_share"] = persons["total_share"].clip(upper=1.0)
    full_week = persons["hours_per_day"].fillna(7.0) * 5 * persons["capped_share"]
    persons["weekly_capacity"] = full_week
    key = rows.drop_duplicates(["project", "resource_id"]).set_index(["project", "resource_id"])
    idx = pd.MultiIndex.from_frame(loads[["project", "resource_id"]].astype(object))
    person = key["person"].reindex(idx).to_numpy(dtype=object)
    unknown = pd.isna(person)
    person[unknown] = (loads["project"] + "/" + loads["resource_id"]).to_numpy(dtype=object)[
        unknown
    ]
    summed = (
        loads.assign(person=person)
        .groupby(["person", "week"], sort=True)
        .agg(load=("hours", "sum"))
        .reset_index()
    )
    summed["projects"] = _projects_per_week(person, loads)
    caps = capacity(persons, summed["week"], id_column="person", share_column="capped_share")
    weekly = summed.merge(caps[["person", "week", "capacity"]], on=["person", "week"], how="left")
    weekly["capacity"] = weekly["capacity"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        weekly["ratio"] = weekly["load"] / weekly["capacity"]
    weekly = weekly[WEEKLY_COLUMNS]
    per = weekly.groupby("person", sort=False)
    peak = weekly.loc[per["load"].idxmax()].set_index("person") if len(weekly) else weekly
    over = weekly.loc[weekly["load"] > weekly["capacity"] + TOLERANCE_HOURS].groupby("person")
    staff = persons.set_index("person")
    staff["peak_load"] = peak["load"] if len(weekly) else np.nan
    staff["peak_week"] = peak["week"] if len(weekly) else pd.NaT
    staff["peak_capacity"] = peak["capacity"] if len(weekly) else np.nan
    staff["max_ratio"] = per["ratio"].max() if len(weekly) else np.nan
    staff["weeks_over"] = over.size().reindex(staff.index, fill_value=0).astype("int64")
    staff["first_week"] = per["week"].min() if len(weekly) else pd.NaT
    staff["last_week"] = per["week"].max() if len(weekly) else pd.NaT
    staff = staff.reset_index()
    staff["peak_week"] = staff["peak_week"].astype("datetime64[ns]")
    staff["first_week"] = staff["first_week"].astype("datetime64[ns]")
    staff["last_week"] = staff["last_week"].astype("datetime64[ns]")
    ranked = staff.assign(
        _share=staff["total_share"] > 1.0 + 1e-9,
        _ratio=staff["max_ratio"].replace(np.inf, 1e12).fillna(0.0),
    ).sort_values(
        ["_share", "weeks_over", "_ratio", "person"], ascending=[False, False, False, True]
    )
    return ranked[STAFF_COLUMNS].reset_index(drop=True), weekly.reset_index(drop=True)


def _projects_per_week(person: np.ndarray, loads: pd.DataFrame) -> list[str]:
    """The projects of each (person, week), sorted and joined by ``;``, in (person, week) order.

    Equivalent to a groupby with ``";".join(sorted(set(projects)))`` per group, without a Python
    call per group into pandas (a portfolio has tens of thousands of person-weeks).
    """
    trio = pd.DataFrame(
        {
            "person": person,
            "week": loads["week"].to_numpy(),
            "project": loads["project"].to_numpy(dtype=object),
        }
    )
    trio = trio.dropna(subset=["week"]).drop_duplicates()  # groupby drops missing keys too
    trio = trio.sort_values(["person", "week", "project"], kind="stable", ignore_index=True)
    new = trio["person"].ne(trio["person"].shift()) | trio["week"].ne(trio["week"].shift())
    starts = np.flatnonzero(new.to_numpy())
    ends = [*starts[1:].tolist(), len(trio)]
    names = trio["project"].tolist()
    return [";".join(names[a:b]) for a, b in zip(starts.tolist(), ends, strict=True)]


def _no_overallocations() -> pd.DataFrame:
    from pmo_xl.core.resources import OVERALLOCATION_COLUMNS

    return pd.DataFrame(columns=OVERALLOCATION_COLUMNS)


def _watchdog(good: list[ProjectSummary], labels: list[str]) -> pd.DataFrame:
    rows = [
        {"project": lab, **{k: a.get(k) for k in WATCHDOG_COLUMNS[1:-1]}, "file": s.file}
        for s, lab in zip(good, labels, strict=True)
        for a in s.alerts
    ]
    frame = pd.DataFrame(rows, columns=WATCHDOG_COLUMNS)
    frame["since"] = pd.to_datetime(frame["since"]).astype("datetime64[ns]")
    rank = frame["severity"].map({"high": 0, "medium": 1, "low": 2})
    return (
        frame.assign(_rank=rank)
        .sort_values(["_rank", "project"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def _risk_matrix(good: list[ProjectSummary]) -> list[list[int]]:
    total = np.zeros((5, 5), dtype=np.int64)
    for s in good:
        if s.risk_matrix:
            total += np.asarray(s.risk_matrix, dtype=np.int64)
    return total.tolist()


__all__ = ["Aggregator", "PortfolioTables", "project_labels", "shared_staff"]
