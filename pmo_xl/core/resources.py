"""Resource load against project share, for one project or several at once.

Load
    The planned hours of each assignment are spread evenly over the working days of its task's
    forecast span (``task_dates.start`` to ``task_dates.finish``, both included, on the
    ``WorkCalendar`` given: French holidays by default). A task whose span holds no working day
    (a milestone, a finish before the start) gets all its hours on the first working day on or
    after its start. Assignments whose task has no dates, or with no or zero planned hours, carry
    no load. Days are grouped into ISO weeks named by their Monday.

Capacity
    ``hours per day × working days of the week × share``: a week with a public holiday has less
    capacity. A blank Hours per day counts as 7 h (the schema default); a blank share counts as
    0 %, so any load on that person shows as an overload.

Several projects
    ``weekly_load`` tags its rows with a project code, so loads of several projects concatenate.
    ``overallocations`` sums a person's load over all projects and compares it with the capacity
    of their TOTAL share (the sum of their shares on those projects, capped at 100 %: the rest of
    their time is operational work). A total share above 100 % is itself reported as an
    over-commitment (``kind == "share"``), whatever the weekly loads.

Matching people across projects (``match``)
    * ``"id"`` (default): two Resources rows are the same person when they have the same
      Resource ID, or, failing that, the same name and department (compared ignoring case,
      accents and spacing). Use it when Resource IDs are organisation-wide (employee numbers).
    * ``"name"``: only the name and department count; use it when every workbook numbers its own
      resources (``R01`` of one project is not ``R01`` of another). A row without a name falls
      back to its Resource ID.
    Hours of a (project, Resource ID) absent from ``resources_by_project`` count against a
    capacity of 0 (in ``"id"`` mode they join a known person with the same Resource ID).

Over-allocation
    A person-week is over-allocated when ``load > capacity + TOLERANCE_HOURS`` (0.01 h: only the
    rounding of evenly spread hours is forgiven). ``ratio = load / capacity`` (infinite when the
    capacity is 0).

Everything is vectorised: assignments are expanded over their working days with ``numpy.repeat``
and summed with ``numpy.bincount``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from itertools import repeat
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import infer_dtype

from pmo_xl.core.calendar import FRENCH, DateLike, WorkCalendar, to_day
from pmo_xl.schema import fold

DEFAULT_HOURS_PER_DAY = 7.0
TOLERANCE_HOURS = 0.01
SHARE_TOLERANCE = 1e-9
LOAD_COLUMNS = ["project", "resource_id", "week", "hours"]
_LOAD_INDEX = pd.Index(LOAD_COLUMNS)
OVERALLOCATION_COLUMNS = [
    "kind",
    "person",
    "resource_id",
    "name",
    "department",
    "projects",
    "week",
    "load",
    "capacity",
    "ratio",
    "total_share",
]

Match = Literal["id", "name"]
_Texts = tuple[str, str, str]  # a Resources row's (id, name, department), stripped


def monday_of(dates: DateLike) -> npt.NDArray[np.datetime64]:
    """The Monday of the ISO week of each date (``datetime64[D]``, NaT kept)."""
    d = to_day(dates)
    days = d.astype("int64")
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    return np.where(np.isnat(d), d, d - weekday.astype("timedelta64[D]"))


def week_working_days(weeks: DateLike, calendar: WorkCalendar = FRENCH) -> npt.NDArray[np.float64]:
    """Working days in the ISO week of each date (5 less that week's holidays)."""
    mondays = monday_of(weeks)
    return calendar.count(mondays, mondays + np.timedelta64(7, "D"))


def working_span(
    start: DateLike, finish: DateLike, calendar: WorkCalendar = FRENCH
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64]]:
    """First working day and number of working days of each span, as the load spreads it.

    The first day is the start rolled forward to a working day; the count includes start and
    finish and is at least 1 (a span with no working day is put on its first working day).
    NaT in: NaT first day and NaN count.
    """
    first = calendar.roll_forward(start)
    n = calendar.count_inclusive(first, finish)
    return first, np.where(np.isnan(n), np.nan, np.maximum(n, 1.0))


def weekly_load(
    assignments: pd.DataFrame,
    task_dates: pd.DataFrame,
    calendar: WorkCalendar = FRENCH,
    project: str = "P1",
) -> pd.DataFrame:
    """Planned hours per resource and ISO week, long format ``[project, resource_id, week, hours]``.

    ``assignments`` has ``task_id``, ``resource_id``, ``planned_hours``; ``task_dates`` is indexed
    by task id with forecast ``start`` and ``finish`` (e.g. ``ScheduleResult.tasks``, or
    ``planned_task_dates(tasks)``). Rows are sorted by resource and week; only non-zero weeks.
    """
    task_ids = assignments["task_id"].to_numpy()
    resources = assignments["resource_id"].to_numpy()
    planned = assignments["planned_hours"]
    hours = (planned if planned.dtype == np.float64 else planned.astype("float64")).to_numpy()
    keep = ~_missing(task_ids) & ~_missing(resources) & (hours > 0)
    task_ids, resources, hours = task_ids[keep], resources[keep], hours[keep]
    start, finish = _task_span(task_dates, task_ids)
    first, n_days = working_span(start, finish, calendar)
    placed = ~np.isnat(first)
    if not placed.any():
        return _empty_load()
    first = first[placed]
    n = n_days[placed].astype("int64")
    hours = hours[placed]
    resource_codes, resource_ids = pd.factorize(resources[placed])

    origin = first.min()
    first_index = calendar.count(origin, first).astype("int64")
    last = (first_index + n).max()
    days = calendar.add(origin, np.arange(last))  # working day k after origin, k = 0..last-1
    # expand each assignment over its working days: row r covers day indices first[r]..+n[r]-1
    rows = np.repeat(np.arange(len(n)), n)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    day_index = first_index[rows] + offset

    # the days ascend, so their Mondays come in order: a new week wherever the Monday changes
    day_weeks = monday_of(days)
    new_week = np.concatenate(([True], day_weeks[1:] != day_weeks[:-1]))
    week_codes = np.cumsum(new_week) - 1
    week_values = day_weeks[new_week]
    n_weeks = len(week_values)
    key = resource_codes[rows] * n_weeks + week_codes[day_index]
    totals = np.bincount(key, weights=(hours / n)[rows], minlength=len(resource_ids) * n_weeks)
    grid = totals.reshape(len(resource_ids), n_weeks)
    ids = np.asarray(resource_ids, dtype=object)
    # text ids (the usual): sort the resources here rather than the rows of the frame
    in_order = all(isinstance(v, str) for v in ids)
    if in_order:
        by_id = sorted(range(len(ids)), key=ids.__getitem__)
        grid, ids = grid[by_id], ids[by_id]
    resource, week = np.nonzero(grid)  # by resource, then week
    out = pd.DataFrame(
        {
            0: project,
            1: ids[resource],
            2: week_values[week].astype("datetime64[ns]"),
            3: grid[resource, week],
        }
    )
    # the labels as an Index made once: from names pandas would make and type it every time
    out.columns = _LOAD_INDEX.view()  # its own name, the labels' lookup table shared
    return out if in_order else out.sort_values(["resource_id", "week"], ignore_index=True)


def _task_span(
    task_dates: pd.DataFrame, task_ids: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """Start and finish (``datetime64[D]``, NaT when unknown) of each of ``task_ids``, from the
    first row of ``task_dates`` with that id."""
    where = _first_rows(task_dates.index, task_ids)
    found = where >= 0
    spans = []
    for key in ("start", "finish"):
        column = task_dates[key]
        if not (isinstance(column.dtype, np.dtype) and column.dtype.kind == "M"):
            # other types convert as the reindexed column would, missing ids giving NaT
            values = column.reset_index(drop=True).reindex(where)
            spans.append(to_day(values))
            continue
        days = np.full(len(where), np.datetime64("NaT"), dtype="datetime64[D]")
        days[found] = to_day(column)[where[found]]
        spans.append(days)
    return spans[0], spans[1]


def _missing(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """``pd.isna(values)``, known all False at once for text only (ids, the usual case)."""
    if infer_dtype(values, skipna=False) == "string":
        return np.zeros(len(values), dtype=bool)
    return np.asarray(pd.isna(values), dtype=bool)


def _first_rows(index: pd.Index, labels: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """The position in ``index`` of the first row labelled with each of ``labels``, -1 when none.

    Text labels (task ids) go through a dict, which matches them as the index would without
    making an Index of the labels; others through the index's own lookup.
    """
    if index.inferred_type == "string" and infer_dtype(labels, skipna=False) == "string":
        names = index.tolist()
        # built from the last row up, so that each id keeps the position of its first row
        first = dict(zip(reversed(names), range(len(names) - 1, -1, -1), strict=True))
        return np.fromiter(map(first.get, labels, repeat(-1)), dtype=np.intp, count=len(labels))
    if index.is_unique:
        return index.get_indexer(labels)
    rows = np.flatnonzero(~index.duplicated(keep="first"))
    where = index[rows].get_indexer(labels)
    return np.where(where >= 0, rows[where], -1)


def _empty_load() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project": pd.Series(dtype=object),
            "resource_id": pd.Series(dtype=object),
            "week": pd.Series(dtype="datetime64[ns]"),
            "hours": pd.Series(dtype="float64"),
        }
    )


def planned_task_dates(tasks: pd.DataFrame) -> pd.DataFrame:
    """``start``/``finish`` per task id from a Tasks table (actual start first, else planned).

    A stand-in for the forecast dates of the schedule when it is not available.
    """
    t = tasks.loc[tasks["task_id"].notna()]
    start = t["actual_start"].fillna(t["planned_start"])
    finish = t["actual_finish"].fillna(t["planned_finish"])
    out = pd.DataFrame(
        {"start": start.to_numpy(), "finish": finish.to_numpy()},
        index=pd.Index(t["task_id"].to_numpy(), name="task_id"),
    )
    return out.astype("datetime64[ns]")


def capacity(
    resources: pd.DataFrame,
    weeks: DateLike,
    calendar: WorkCalendar = FRENCH,
    *,
    id_column: str = "resource_id",
    share_column: str = "project_share",
    default_hours_per_day: float = DEFAULT_HOURS_PER_DAY,
) -> pd.DataFrame:
    """Capacity of each resource in each week (any date of a week stands for its Monday).

    Long format ``[<id_column>, week, working_days, hours_per_day, share, capacity]`` with
    ``capacity = hours_per_day × working_days × share``, resources in their order, weeks sorted.
    """
    week_days = np.unique(monday_of(to_day(weeks).ravel()))
    week_days = week_days[~np.isnat(week_days)]
    working = week_working_days(week_days, calendar)
    hpd = resources["hours_per_day"].astype("float64").fillna(default_hours_per_day).to_numpy()
    share = resources[share_column].astype("float64").fillna(0.0).to_numpy()
    n_res, n_weeks = len(resources), len(week_days)
    hpd_rep, share_rep = np.repeat(hpd, n_weeks), np.repeat(share, n_weeks)
    working_rep = np.tile(working, n_res)
    return pd.DataFrame(
        {
            id_column: np.repeat(resources[id_column].to_numpy(dtype=object), n_weeks),
            "week": np.tile(week_days, n_res).astype("datetime64[ns]"),
            "working_days": working_rep,
            "hours_per_day": hpd_rep,
            "share": share_rep,
            "capacity": hpd_rep * working_rep * share_rep,
        }
    )


def with_project(resources: pd.DataFrame, project: str) -> pd.DataFrame:
    """One project's Resources table with a ``project`` column, for ``overallocations``."""
    out = resources.copy()
    out.insert(0, "project", project)
    return out


def people(resources_by_project: pd.DataFrame, match: Match = "id") -> pd.DataFrame:
    """``resources_by_project`` with a ``person`` column naming who each row is (see module doc).

    The person's label is the Resource ID of their first row (``"id"``) or ``Name (Department)``
    of their first row (``"name"``); rows keep their order.
    """
    if match not in ("id", "name"):
        raise ValueError(f"match must be 'id' or 'name', not {match!r}")
    r = resources_by_project
    ids = _text_list(r["resource_id"])
    names = _text_list(r["name"])
    depts = _text_list(r["department"]) if "department" in r else [""] * len(r)
    texts = list(zip(ids, names, depts, strict=True))
    # the same people come back on every project: each distinct (id, name, department) is
    # worked out once, from its first row (built from the last row up to keep the first)
    first = dict(zip(reversed(texts), range(len(texts) - 1, -1, -1), strict=True))
    label = _person_labels(first, match)
    out = resources_by_project.copy()
    out["person"] = [label[t] for t in texts]
    return out


def _person_labels(first: dict[_Texts, int], match: Match) -> dict[_Texts, str]:
    """The label of the person of each distinct (id, name, department), given its first row.

    Two rows are the same person when they have the same folded Resource ID or name and
    department (``"id"``), or name and department, else Resource ID (``"name"``), directly or
    through other rows; a person is labelled from their first row. The rows are joined by a
    union-find over their keys, each group knowing its first row.
    """
    folded = functools.cache(fold)  # the same texts come back in many rows
    parent: dict[tuple[int, str], tuple[int, str]] = {}
    earliest: dict[tuple[int, str], tuple[int, _Texts]] = {}  # of a group's root

    def root(node: tuple[int, str]) -> tuple[int, str]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    node_of: dict[_Texts, tuple[int, str]] = {}
    for texts, row in first.items():
        rid, name, dept = texts
        name_key = f"{folded(name)}|{folded(dept)}" if name else ""
        id_key = folded(rid)
        keys = (
            (id_key, name_key)
            if match == "id"
            else (name_key or (f"id|{id_key}" if id_key else ""),)
        )
        nodes = [(place, key) for place, key in enumerate(keys) if key]
        if not nodes:
            continue  # nothing to match on: a person of their own
        top = root(parent.setdefault(nodes[0], nodes[0]))
        earliest[top] = min(earliest.get(top, (row, texts)), (row, texts))
        for node in nodes[1:]:
            other = root(parent.setdefault(node, node))
            if other != top:
                parent[other] = top
                earliest[top] = min(earliest[top], earliest.get(other, earliest[top]))
        node_of[texts] = nodes[0]

    def label(texts: _Texts) -> str:
        rid, name, dept = texts
        if match == "id" or not name:
            return rid or name
        return f"{name} ({dept})" if dept else name

    return {
        texts: label(earliest[root(node_of[texts])][1] if texts in node_of else texts)
        for texts in first
    }


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _text_list(values: pd.Series) -> list[str]:
    """``_text`` of each value; text, the usual case, is only stripped."""
    return [v.strip() if type(v) is str else _text(v) for v in values.tolist()]


def _texts(values: pd.Series) -> pd.Series:
    return values.astype(object).fillna("").astype(str).str.strip()


def _person_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per person: identity, projects, total share, hours per day (first given)."""
    shares = rows["project_share"].astype("float64").fillna(0.0)
    g = rows.assign(project_share=shares).groupby("person", sort=False)
    first = g[["resource_id", "name", "department", "hours_per_day"]].first()
    # each person's distinct projects, sorted and joined, without a Python call per person
    projects: dict[str, set[str]] = {}
    for person, project in zip(rows["person"].tolist(), rows["project"].tolist(), strict=True):
        projects.setdefault(person, set()).add(project)
    table = first.assign(
        projects=pd.Series(
            [";".join(sorted(projects[p])) for p in first.index], index=first.index, dtype="str"
        ),
        total_share=g["project_share"].sum(),
    )
    table["capped_share"] = table["total_share"].clip(upper=1.0)
    table.index.name = "person"
    return table.reset_index()


def _text_codes(values: pd.Series) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """``_texts(values)`` as (code of each value, distinct texts).

    Text columns (the usual case) are coded first and each distinct value made text once: a
    portfolio has a few hundred thousand load rows but a few hundred projects and resources.
    """
    if infer_dtype(values, skipna=True) != "string":  # numbers, dates, mixtures: value by value
        codes, distinct = pd.factorize(_texts(values))
        return codes, np.asarray(distinct, dtype=object)
    codes, uniques = pd.factorize(values)
    # missing values have code -1: the last text, ""
    texts = [*_texts(pd.Series(uniques, dtype=object)).tolist(), ""]
    text_codes, distinct = pd.factorize(np.asarray(texts, dtype=object))
    return text_codes[codes], np.asarray(distinct, dtype=object)


def _load_people(
    loads: pd.DataFrame, rows: pd.DataFrame, match: Match
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_], pd.DataFrame | None]:
    """(code of the (project, Resource ID) of each load row, person of each code, the people
    that only loads name or None when every row of ``loads`` is in ``rows``).

    A load row is the person of the first of ``rows`` (texts, with ``person``) with its project
    and Resource ID; otherwise the Resource ID (``"id"``) or ``project/Resource ID``
    (``"name"``). The added people are ``[person, resource_id, project]`` of their first row,
    those already in ``rows`` left out. Rows are matched through their distinct pairs.
    """
    project_code, project_text = _text_codes(loads["project"])
    resource_code, resource_text = _text_codes(loads["resource_id"])
    n_resources = len(resource_text)
    row_pair, pairs = pd.factorize(project_code * n_resources + resource_code)
    pair_project = project_text[pairs // n_resources].tolist()
    pair_resource = resource_text[pairs % n_resources].tolist()
    keys = list(zip(rows["project"].tolist(), rows["resource_id"].tolist(), strict=True))
    # built from the last row up, so that each pair keeps the person of its first row
    known = dict(zip(reversed(keys), reversed(rows["person"].tolist()), strict=True))
    pair_person = [known.get(k) for k in zip(pair_project, pair_resource, strict=True)]
    added = None
    if None in pair_person:
        taken = set(rows["person"].tolist())
        first: dict[str, tuple[str, str]] = {}  # pairs come in the order of their first row
        for i, label in enumerate(pair_person):
            if label is None:
                fallback = (
                    pair_resource[i] if match == "id" else f"{pair_project[i]}/{pair_resource[i]}"
                )
                pair_person[i] = fallback
                if fallback not in taken:
                    first.setdefault(fallback, (pair_resource[i], pair_project[i]))
        added = pd.DataFrame(
            {
                "person": pd.Series(list(first), dtype="str"),
                "resource_id": pd.Series([r for r, _ in first.values()], dtype="str"),
                "project": pd.Series([p for _, p in first.values()], dtype="str"),
            }
        )
    return row_pair, np.asarray(pair_person, dtype=object), added


def _person_week_hours(
    loads: pd.DataFrame, row_pair: npt.NDArray[np.intp], pair_person: npt.NDArray[np.object_]
) -> pd.DataFrame:
    """``[person, week, hours]``: hours summed per person and week, in order of first row.

    Grouped on integer codes of the people rather than on their labels; the sums are pandas'
    own, added in the same order, so they are the same to the last bit. Rows without a week are
    left out, as groupby leaves them out.
    """
    pair_code, labels = pd.factorize(pair_person)
    sums = loads["hours"].groupby([pair_code[row_pair], loads["week"]], sort=False).sum()
    return pd.DataFrame(
        {
            "person": np.asarray(labels, dtype=object)[sums.index.get_level_values(0)],
            "week": sums.index.get_level_values(1),
            "hours": sums.array,
        }
    )


def _capacity_at(
    persons: pd.DataFrame, summed: pd.DataFrame, calendar: WorkCalendar
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """(rows of ``summed`` that ``capacity`` of ``persons`` lists, the capacity of those rows).

    ``capacity`` lists every person of ``persons`` on the Monday of every week of ``summed``: a
    row is listed when its person is there and its week is one of those Mondays. Worked out on
    the rows instead of listing every person x week and merging; the weeks are still matched to
    the Mondays by a merge, on the distinct weeks, so that they match (or are refused) as before.
    """
    mondays = np.unique(monday_of(to_day(summed["week"]).ravel()))
    mondays = mondays[~np.isnat(mondays)]
    weeks = summed["week"].drop_duplicates()
    slots = pd.DataFrame({"week": mondays.astype("datetime64[ns]"), "slot": range(len(mondays))})
    slot = weeks.to_frame("week").merge(slots, on="week", how="left")["slot"]
    row_slot = slot.fillna(-1).to_numpy(dtype=np.intp)[pd.Index(weeks).get_indexer(summed["week"])]
    at = pd.Index(persons["person"]).get_indexer(summed["person"])
    listed = (at >= 0) & (row_slot >= 0)
    hpd = persons["hours_per_day"].astype("float64").fillna(DEFAULT_HOURS_PER_DAY).to_numpy()
    share = persons["capped_share"].astype("float64").fillna(0.0).to_numpy()
    working = week_working_days(mondays, calendar)
    at, row_slot = at[listed], row_slot[listed]
    return listed, hpd[at] * working[row_slot] * share[at]


def overallocations(
    loads: pd.DataFrame,
    resources_by_project: pd.DataFrame,
    calendar: WorkCalendar = FRENCH,
    match: Match = "id",
    *,
    tolerance_hours: float = TOLERANCE_HOURS,
) -> pd.DataFrame:
    """People over-committed (total share > 100 %) and person-weeks over capacity.

    ``loads``: ``weekly_load`` rows of one or several projects, concatenated.
    ``resources_by_project``: ``[project, resource_id, name, department, hours_per_day,
    project_share]`` (see ``with_project``). Columns of the result: ``kind`` (``"share"``: total
    share above 100 %, one row per person, ``ratio`` = total share, no week/load/capacity;
    ``"load"``: a week where the load summed over projects exceeds the capacity of the capped
    total share), ``person, resource_id, name, department, projects, week, load, capacity, ratio,
    total_share``. Sorted by person (in first-seen order), share row first, then week.
    """
    rows = people(resources_by_project, match)
    rows = rows.assign(
        project=_texts(rows["project"]), resource_id=_texts(rows["resource_id"])
    ).loc[lambda d: d["resource_id"] != ""]
    persons = _person_table(rows)
    # hours of (project, resource) with no Resources row: their own person, capacity 0
    row_pair, pair_person, added = _load_people(loads, rows, match)
    if added is not None:
        persons = pd.concat(
            [
                persons,
                pd.DataFrame(
                    {
                        "person": added["person"],
                        "resource_id": added["resource_id"],
                        "name": None,
                        "department": None,
                        "projects": added["project"],
                        "total_share": 0.0,
                        "hours_per_day": np.nan,
                        "capped_share": 0.0,
                    }
                ),
            ],
            ignore_index=True,
        )
    summed = _person_week_hours(loads, row_pair, pair_person)
    # the labels stay Python objects, merge keys and the result's column alike
    summed["person"] = summed["person"].astype(object)
    persons["person"] = persons["person"].astype(object)
    listed, cap = _capacity_at(persons, summed, calendar)
    weekly = summed.loc[listed].assign(capacity=cap)
    weekly = weekly.loc[weekly["hours"] > weekly["capacity"] + tolerance_hours]
    with np.errstate(divide="ignore"):
        ratio = weekly["hours"].to_numpy() / weekly["capacity"].to_numpy()
    # the long lists of projects are copied once, into the rows in their final order
    columns = [c for c in OVERALLOCATION_COLUMNS if c != "projects"]
    load_rows = weekly.assign(kind="load", load=weekly["hours"], ratio=ratio).merge(
        persons.drop(columns=["hours_per_day", "capped_share", "projects"]), on="person"
    )
    over = persons.loc[persons["total_share"] > 1.0 + SHARE_TOLERANCE]
    share_rows = over.assign(
        kind="share",
        week=pd.NaT,
        load=np.nan,
        capacity=np.nan,
        ratio=over["total_share"],
    )
    out = pd.concat([share_rows[columns], load_rows[columns]], ignore_index=True)
    order = {p: i for i, p in enumerate(persons["person"])}
    out = out.assign(_order=out["person"].map(order)).sort_values(
        ["_order", "week"], na_position="first", kind="stable", ignore_index=True
    )
    projects = persons["projects"].array.take(out.pop("_order").to_numpy(dtype=np.intp))
    out.insert(OVERALLOCATION_COLUMNS.index("projects"), "projects", projects)
    out["week"] = out["week"].astype("datetime64[ns]")
    for col in ("load", "capacity", "ratio", "total_share"):
        out[col] = out[col].astype("float64")
    return out


def overload_records(overloads: pd.DataFrame) -> list[dict[str, Any]]:
    """``overallocations`` rows as JSON-ready dicts (ISO weeks; None for blank or infinite)."""
    records = []
    for rec in overloads.to_dict("records"):
        out: dict[str, Any] = {}
        for k, v in rec.items():
            if v is pd.NaT or v is None or (isinstance(v, float) and not math.isfinite(v)):
                out[str(k)] = None  # NaT first: it is an instance of datetime
            elif isinstance(v, pd.Timestamp | dt.date):
                out[str(k)] = v.isoformat()[:10]
            elif isinstance(v, np.generic):
                out[str(k)] = v.item()
            else:
                out[str(k)] = v
        records.append(out)
    return records


def load_matrix(loads: pd.DataFrame, *, by: str = "resource_id") -> pd.DataFrame:
    """Hours per ``by`` (rows, sorted) × week (columns: every Monday from first to last, 0 filled).

    Several projects' loads are summed per ``by``; this is the heat map of the Resource load tab.
    """
    if loads.empty:
        return pd.DataFrame(index=pd.Index([], name=by), columns=pd.DatetimeIndex([], name="week"))
    table = loads.pivot_table(index=by, columns="week", values="hours", aggfunc="sum")
    weeks = pd.date_range(loads["week"].min(), loads["week"].max(), freq="7D", name="week")
    table = table.reindex(columns=weeks, fill_value=0.0).fillna(0.0).astype("float64")
    return table.sort_index()
