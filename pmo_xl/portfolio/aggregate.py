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
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.resources import (
    DEFAULT_HOURS_PER_DAY,
    TOLERANCE_HOURS,
    monday_of,
    overallocations,
    people,
    week_working_days,
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
    # the labels typed as pandas types them, once each, then repeated: typing hundreds of
    # thousands of repeated texts is most of the cost of the stack
    typed = pd.Series(np.array([lab for _, lab in kept], dtype=object)).array
    stacked.insert(
        0, "project", typed.take(np.repeat(np.arange(len(kept)), [len(f) for f, _ in kept]))
    )
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
    first = g[["resource_id", "name", "department", "hours_per_day"]].first()
    persons = pd.DataFrame(
        {
            "resource_id": first["resource_id"],
            "name": first["name"],
            "department": first["department"],
            "projects": _projects_per_person(rows, first.index),
            "n_projects": g["project"].nunique().astype("int64"),
            "total_share": g["project_share"].sum(),
            "hours_per_day": first["hours_per_day"].astype("float64"),
        }
    ).reset_index()
    persons["capped_share"] = persons["total_share"].clip(upper=1.0)
    full_week = persons["hours_per_day"].fillna(7.0) * 5 * persons["capped_share"]
    persons["weekly_capacity"] = full_week
    # the few thousand distinct (project, Resource ID) of the loads stand for their rows
    pair, sample = _pairs(loads)
    pair_person = _pair_people(sample, rows)
    summed, group = _person_week_load(loads, pair, pair_person)
    summed["projects"] = _projects_per_week(group, len(summed), pair, sample["project"])
    weekly = summed.assign(capacity=_week_capacity(persons, summed))
    with np.errstate(divide="ignore", invalid="ignore"):
        weekly["ratio"] = weekly["load"] / weekly["capacity"]
    weekly = weekly[WEEKLY_COLUMNS]
    # the figures per person, without the long lists of projects (taking rows copies them)
    figures = weekly.drop(columns="projects")
    per = figures.groupby("person", sort=False)
    peak = figures.loc[per["load"].idxmax()].set_index("person") if len(weekly) else figures
    over = figures.loc[figures["load"] > figures["capacity"] + TOLERANCE_HOURS].groupby("person")
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


def _projects_per_person(rows: pd.DataFrame, persons: pd.Index) -> pd.Series:
    """The projects of each of ``persons``, sorted and joined by ``;``, without a Python call
    per person into pandas."""
    projects: dict[str, set[str]] = {}
    for person, project in zip(rows["person"].tolist(), rows["project"].tolist(), strict=True):
        projects.setdefault(person, set()).add(str(project))
    return pd.Series([";".join(sorted(projects[p])) for p in persons], index=persons, dtype="str")


def _week_capacity(persons: pd.DataFrame, summed: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The capacity of each (person, week) of ``summed``: ``capacity`` of the person in
    ``persons`` for a week given by its Monday, 0 for anyone else or any other day.

    Worked out on the rows directly instead of listing every person x week and merging.
    """
    at = pd.Index(persons["person"]).get_indexer(summed["person"])
    weeks = summed["week"].to_numpy()
    mondays = monday_of(weeks)
    listed = (at >= 0) & (mondays.astype("datetime64[ns]") == weeks)
    hpd = persons["hours_per_day"].astype("float64").fillna(DEFAULT_HOURS_PER_DAY).to_numpy()
    share = persons["capped_share"].astype("float64").fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore"):  # NaN where not listed, not used
        cap = hpd[at] * week_working_days(mondays) * share[at]
    return np.where(listed & ~np.isnan(cap), cap, 0.0)


def _pairs(loads: pd.DataFrame) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """(code of the (project, Resource ID) of each row, ``[project, resource_id]`` of the first
    row of each code).

    A portfolio has a few hundred thousand load rows but a few thousand distinct pairs: what
    depends only on the pair is worked out on those, the same way as it was on every row.
    Missing values are one value, as in an index.
    """
    project, _ = pd.factorize(loads["project"])
    resource, resources = pd.factorize(loads["resource_id"])
    pair, _ = pd.factorize((project + 1) * (len(resources) + 1) + (resource + 1))
    # codes count up in order of first row: a row is a pair's first when its code is new
    top = np.maximum.accumulate(pair)
    first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1]))[: len(pair)])
    return pair, loads[["project", "resource_id"]].iloc[first]


def _pair_people(pairs: pd.DataFrame, rows: pd.DataFrame) -> npt.NDArray[np.object_]:
    """The person of each (project, Resource ID): that of the first of ``rows`` with both, else
    ``project/Resource ID`` (missing when either is)."""
    key = rows.drop_duplicates(["project", "resource_id"]).set_index(["project", "resource_id"])
    idx = pd.MultiIndex.from_frame(pairs.astype(object))
    person: npt.NDArray[np.object_] = key["person"].reindex(idx).to_numpy(dtype=object)
    unknown = pd.isna(person)
    fallback = pairs["project"] + "/" + pairs["resource_id"]
    person[unknown] = fallback.to_numpy(dtype=object)[unknown]
    return person


def _person_week_load(
    loads: pd.DataFrame, pair: npt.NDArray[np.intp], pair_person: npt.NDArray[np.object_]
) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """(``[person, week, load]``: hours summed per person and week, sorted; the group of each
    load row for ``_projects_per_week``).

    Grouped on integer codes of (person, week) rather than on the labels; the sums are pandas'
    own, added in the same order, so they are the same to the last bit. A row's group is its row
    of the result, -1 without a week; a row with a week but no person is in no row of the result
    (groupby leaves it out) but has a group after all of them, in week order.
    """
    person_code, labels = pd.factorize(pair_person, sort=True)
    person_code = person_code[pair]
    week_code, weeks = pd.factorize(loads["week"], sort=True)
    n_weeks = max(len(weeks), 1)
    kept = (person_code >= 0) & (week_code >= 0)
    hours = loads["hours"] if kept.all() else loads["hours"][kept]
    grouped = hours.groupby((person_code * n_weeks + week_code)[kept], sort=True)
    sums = grouped.sum()
    group = np.full(len(kept), -1, dtype=np.intp)
    group[kept] = grouped.ngroup().to_numpy()
    orphan = (person_code < 0) & (week_code >= 0)
    group[orphan] = len(sums) + week_code[orphan]
    at = sums.index.to_numpy()
    summed = pd.DataFrame(
        {"person": labels[at // n_weeks], "week": weeks.take(at % n_weeks), "load": sums.array}
    )
    return summed, group


def _projects_per_week(
    group: npt.NDArray[np.intp], n_groups: int, pair: npt.NDArray[np.intp], pair_project: pd.Series
) -> list[str]:
    """The projects of each (person, week) group, sorted and joined by ``;``, in group order.

    Equivalent to a groupby with ``";".join(sorted(set(projects)))`` per group, without a Python
    call per group into pandas (a portfolio has tens of thousands of person-weeks): the
    (group, project) codes, sorted, give the groups and their projects in order. Groups from
    ``n_groups`` on (rows without a person) give one entry per project, as the sort by person
    that this replaces gave them.
    """
    code, projects = pd.factorize(pair_project, sort=True)
    n = len(projects) + 1
    code = np.where(code < 0, n - 1, code)[pair]  # a missing project sorts last (and fails)
    kept = group >= 0
    pairs = np.sort(group[kept] * n + code[kept])
    # distinct: np.unique hashes, which is many times slower than a sort on this many codes
    if not len(pairs):  # no dated load in any project: no person-week
        return []
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    names = np.asarray([*projects, np.nan], dtype=object)[pairs % n].tolist()
    starts = np.flatnonzero((np.diff(pairs // n, prepend=-1) != 0) | (pairs // n >= n_groups))
    ends = [*starts[1:].tolist(), len(pairs)]
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
