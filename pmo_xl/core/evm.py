"""Earned value management (PMI) and earned schedule (Lipke), on scalars and on a project.

Scalar functions
    ``sv cv spi cpi eac etc vac tcpi_bac tcpi_eac`` and ``earned_schedule sv_t spi_t tspi_t
    ieac_t`` take plain numbers (what the Excel cell functions PMO_SPI, PMO_CPI, PMO_EAC,
    PMO_TCPI and PMO_ES pass) and return ``float`` or ``None``.

Null policy (one rule, everywhere)
    A result is ``None`` when an input is missing (``None`` or NaN) or when the formula divides
    by zero: no PV yet (SPI), no AC yet or no EV yet (CPI, EAC by CPI), AT = 0 (SPI(t)). The
    "to complete" indices TCPI and TSPI are also ``None`` when what remains to spend
    (BAC − AC, EAC − AC) or the time remaining (PD − AT) is zero **or negative**: the budget or
    the time is already used up, so no efficiency can meet the target and a negative ratio would
    read as "easy". Nothing here raises on a division, returns NaN or returns an infinity. In
    DataFrames the same nulls are NaN (pandas' missing value); the JSON layer writes ``null``.

On a project (``earned_value``)
    * BAC is the sum of task budgets (blank budget = 0).
    * PV: each task's budget is spread evenly over the working days of its baseline dates, both
      inclusive (its planned dates when it has no complete baseline, the schedule's forecast
      dates when it has neither). A milestone (duration 0), or a task whose dates hold no working
      day, puts its whole budget on its date; a date that is not a working day counts from the
      next working day. PV at a date counts that date as elapsed.
    * EV = sum of budget × % complete (blank % complete = 0, or 100 % when the task has an actual
      finish).
    * AC = sum of the Actuals lines dated on or before the status date (undated lines are
      ignored); a blank Cost is Hours × the resource's daily rate / its hours per day (7 when
      blank); a line with neither cost nor a costed resource counts 0.
    * Earned schedule works on the daily cumulative PV curve over working days: working day 1 is
      the first baseline start, PD the number of working days to the last baseline finish, AT the
      working days from the first baseline start to the status date, both inclusive. ES, SV(t),
      IEAC(t) are in working days; ``forecast_finish`` is working day ceil(IEAC(t)) − 1 counted
      from the baseline start (day 0), i.e. the date at which IEAC(t) working days are spent;
      null when IEAC(t) is null or beyond ``MAX_FORECAST_DAYS`` (SPI(t) near zero).

EV time series (S-curves)
    A workbook only holds today's % complete, not its history. The EV curve is reconstructed:
    each task's earned value (budget × % complete at the status date) is spread evenly over the
    working days from its actual start (its baseline/planned start when blank, the status date
    when that is later) to its actual finish, or to the status date while it is in progress. The
    curve therefore ends exactly at EV on the status date and rises when work was really done,
    which is what a PMO reads on an S-curve; plotting EV only at the status date would leave a
    single point, and a straight line from the project start would ignore the actual dates. The
    real EV of each past status date is what the History sheet records at each refresh. EV and AC
    are given up to the status date and left blank (NaN) after it; PV covers the whole baseline.

The PV spreading is vectorised: each task adds its daily rate at its first day and removes it
after its last day of a difference array; two cumulative sums give the cumulative curve.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas import DataFrame  # the field "pd" of EvmResult shadows the module there

from pmo_xl.core.calendar import WorkCalendar, to_day
from pmo_xl.errors import PmoError
from pmo_xl.model import ProjectData

Number = float | int | None
EacMethod = Literal["cpi", "atypical", "cpi_spi"]
EAC_METHODS: tuple[EacMethod, ...] = ("cpi", "atypical", "cpi_spi")
DEFAULT_HOURS_PER_DAY = 7.0
# IEAC(t) beyond ~100 years of working days gives no forecast date (null): SPI(t) near zero.
MAX_FORECAST_DAYS = 25_000
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]
DayArray = npt.NDArray[np.datetime64]
NAT = np.datetime64("NaT", "D")


# --------------------------------------------------------------------------------------------
# Scalars


def _num(value: Number) -> float | None:
    """``value`` as a finite float, None when missing (None, NaN) or infinite."""
    if value is None:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _ratio(num: Number, den: Number, *, positive: bool = False) -> float | None:
    """num / den, None when either is missing, den is 0 (or den <= 0 with ``positive``)."""
    a, b = _num(num), _num(den)
    if a is None or b is None or b == 0 or (positive and b < 0):
        return None
    return _num(a / b)


def sv(ev: Number, pv: Number) -> float | None:
    """Schedule variance EV − PV."""
    a, b = _num(ev), _num(pv)
    return None if a is None or b is None else a - b


def cv(ev: Number, ac: Number) -> float | None:
    """Cost variance EV − AC."""
    a, b = _num(ev), _num(ac)
    return None if a is None or b is None else a - b


def spi(ev: Number, pv: Number) -> float | None:
    """Schedule performance index EV / PV; None before any PV."""
    return _ratio(ev, pv)


def cpi(ev: Number, ac: Number) -> float | None:
    """Cost performance index EV / AC; None before any AC."""
    return _ratio(ev, ac)


def eac_cpi(bac: Number, ev: Number, ac: Number) -> float | None:
    """EAC = BAC / CPI (current cost efficiency continues); None when CPI is None or 0."""
    return _ratio(bac, cpi(ev, ac))


def eac_atypical(bac: Number, ev: Number, ac: Number) -> float | None:
    """EAC = AC + (BAC − EV) (the variance so far was a one-off)."""
    b, e, a = _num(bac), _num(ev), _num(ac)
    return None if b is None or e is None or a is None else a + (b - e)


def eac_cpi_spi(bac: Number, ev: Number, ac: Number, pv: Number) -> float | None:
    """EAC = AC + (BAC − EV) / (CPI × SPI) (both cost and schedule weigh on what remains)."""
    c, s = cpi(ev, ac), spi(ev, pv)
    factor = None if c is None or s is None else c * s
    rest = _ratio(sv(bac, ev), factor)  # (BAC − EV) / (CPI × SPI)
    a = _num(ac)
    return None if rest is None or a is None else a + rest


def eac(
    bac: Number, ev: Number, ac: Number, method: str = "cpi", pv: Number = None
) -> float | None:
    """EAC by ``method``: "cpi" BAC/CPI, "atypical" AC + BAC − EV, "cpi_spi" (needs ``pv``).

    Raises ValueError for an unknown method (a wrong argument, not a null result).
    """
    if method == "cpi":
        return eac_cpi(bac, ev, ac)
    if method == "atypical":
        return eac_atypical(bac, ev, ac)
    if method == "cpi_spi":
        return eac_cpi_spi(bac, ev, ac, pv)
    raise ValueError(f"unknown EAC method {method!r}; expected one of {', '.join(EAC_METHODS)}")


def etc(bac: Number, ev: Number, ac: Number) -> float | None:
    """Estimate to complete EAC(BAC/CPI) − AC."""
    return sv(eac_cpi(bac, ev, ac), ac)


def vac(bac: Number, ev: Number, ac: Number) -> float | None:
    """Variance at completion BAC − EAC(BAC/CPI)."""
    return sv(bac, eac_cpi(bac, ev, ac))


def tcpi_bac(bac: Number, ev: Number, ac: Number) -> float | None:
    """Efficiency needed on the remaining work to finish at BAC: (BAC − EV) / (BAC − AC)."""
    return _ratio(sv(bac, ev), sv(bac, ac), positive=True)


def tcpi_eac(bac: Number, ev: Number, ac: Number, eac: Number) -> float | None:
    """Efficiency needed to finish at ``eac``: (BAC − EV) / (EAC − AC)."""
    return _ratio(sv(bac, ev), sv(eac, ac), positive=True)


def earned_schedule(pv_series: Sequence[Number] | npt.ArrayLike, ev: Number) -> float | None:
    """Lipke's earned schedule ES = C + I on cumulative PV per period (period 1 first).

    C is the last period whose cumulative PV is <= EV (PV before period 1 is 0) and
    I = (EV − PV_C) / (PV_{C+1} − PV_C). EV at or above the last PV (BAC) gives ES = PD, the
    number of periods. Trailing blanks of the series are ignored (an Excel range longer than the
    plan); a blank inside it, an empty series or a missing or negative EV give None.
    """
    e = _num(ev)
    values = [np.nan if v is None else float(v) for v in np.ravel(np.asarray(pv_series, object))]
    while values and not math.isfinite(values[-1]):
        values.pop()
    pv = np.asarray(values, dtype="float64")
    if e is None or e < 0 or pv.size == 0 or not np.isfinite(pv).all():
        return None
    return _es_on_curve(pv, e)


def _es_on_curve(pv: FloatArray, ev: float) -> float:
    """ES on a finite cumulative curve (non-decreasing), EV >= 0."""
    n = pv.size
    below = np.flatnonzero(pv <= ev)
    c = int(below[-1]) + 1 if below.size else 0
    if c >= n:
        return float(n)
    low = float(pv[c - 1]) if c > 0 else 0.0
    high = float(pv[c])
    return c + (ev - low) / (high - low) if high > low else float(c)


def sv_t(es: Number, at: Number) -> float | None:
    """Schedule variance in time ES − AT."""
    return sv(es, at)


def spi_t(es: Number, at: Number) -> float | None:
    """Schedule performance index in time ES / AT; None when AT = 0."""
    return _ratio(es, at)


def tspi_t(pd_: Number, es: Number, at: Number) -> float | None:
    """To-complete schedule performance index (PD − ES) / (PD − AT); None once AT >= PD."""
    return _ratio(sv(pd_, es), sv(pd_, at), positive=True)


def ieac_t(pd_: Number, es: Number, at: Number) -> float | None:
    """Independent estimate at completion in time PD / SPI(t)."""
    return _ratio(pd_, spi_t(es, at))


# --------------------------------------------------------------------------------------------
# Vectorised indicators (same formulas and null policy, NaN for null)


def _div(num: Any, den: Any, *, positive: bool = False) -> FloatArray:
    a = np.asarray(num, dtype="float64")
    b = np.asarray(den, dtype="float64")
    with np.errstate(all="ignore"):  # a zero, missing or overflowing division is null below
        out = np.divide(a, b)
    # a finite quotient of a finite denominator has a finite numerator and a non-zero denominator
    ok = np.isfinite(out) & np.isfinite(b)
    if positive:
        ok &= b > 0
    return np.where(ok, out, np.nan)


INDICATOR_COLUMNS = (
    "bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac_cpi", "eac_atypical", "eac_cpi_spi",
    "etc", "vac", "tcpi_bac", "tcpi_eac",
)  # fmt: skip


def indicators(bac: Any, pv: Any, ev: Any, ac: Any) -> dict[str, FloatArray]:
    """Every cost indicator for arrays of BAC, PV, EV, AC (NaN where the scalar gives None)."""
    b, p, e, a = (np.asarray(x, dtype="float64") for x in (bac, pv, ev, ac))
    c, s = _div(e, a), _div(e, p)
    with np.errstate(over="ignore", under="ignore"):
        cs = c * s
    eac1 = _div(b, c)
    return {
        "bac": b,
        "pv": p,
        "ev": e,
        "ac": a,
        "sv": e - p,
        "cv": e - a,
        "spi": s,
        "cpi": c,
        "eac_cpi": eac1,
        "eac_atypical": a + (b - e),
        "eac_cpi_spi": a + _div(b - e, cs),
        "etc": eac1 - a,
        "vac": b - eac1,
        "tcpi_bac": _div(b - e, b - a, positive=True),
        "tcpi_eac": _div(b - e, eac1 - a, positive=True),
    }


# --------------------------------------------------------------------------------------------
# Project


@dataclass
class EvmResult:
    """Earned value and earned schedule of one project at its status date.

    Scalars are ``None`` under the null policy (module docstring). ``es``, ``at``, ``pd``,
    ``sv_t`` and ``ieac_t`` are in working days of the project calendar; ``spi_t``, ``tspi_t``
    are ratios. DataFrames: ``by_task`` (indexed by task_id) and ``by_phase`` (indexed by phase,
    "" for tasks without one, plus Actuals lines charged to no known task) hold the columns of
    ``INDICATOR_COLUMNS``; ``daily`` (working days, plus the status date), ``weekly`` (weeks
    ending Sunday) and ``monthly`` (month ends) hold the cumulative ``pv``, ``ev``, ``ac`` at the
    end of each ``date`` (the status date always being one row), with ``spi`` and ``cpi``.
    """

    status_date: dt.date
    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac_cpi: float | None
    eac_atypical: float
    eac_cpi_spi: float | None
    etc: float | None
    vac: float | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    es: float | None
    at: int | None
    pd: int | None
    sv_t: float | None
    spi_t: float | None
    tspi_t: float | None
    ieac_t: float | None
    forecast_finish: dt.date | None
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    by_phase: DataFrame = field(repr=False)
    by_task: DataFrame = field(repr=False)
    daily: DataFrame = field(repr=False)
    weekly: DataFrame = field(repr=False)
    monthly: DataFrame = field(repr=False)


def actual_costs(project: ProjectData) -> pd.DataFrame:
    """The Actuals lines dated on or before the status date with their ``amount``.

    ``amount`` is Cost, or Hours × daily rate / hours per day when Cost is blank (0 when neither
    can be known). Columns: date, task_id, resource_id, category, amount.
    """
    costs = _costs(project, _status_date(project))
    lines = project.actuals[costs.rows]
    return pd.DataFrame(
        {
            "date": lines["date"],
            "task_id": lines["task_id"],
            "resource_id": lines["resource_id"],
            "category": lines["category"].fillna("other"),
            "amount": pd.Series(costs.amount, index=lines.index),
        }
    )


@dataclass(frozen=True)
class _Costs:
    """The Actuals lines that count (``actual_costs``) as arrays, for ``earned_value``."""

    rows: BoolArray  # which lines of the Actuals table: dated on or before the status date
    date: DayArray  # datetime64[ns]
    task_id: ObjectArray
    amount: FloatArray


def _costs(project: ProjectData, status: dt.date) -> _Costs:
    """The amount rule of ``actual_costs`` on numpy arrays (no Series per step)."""
    lines = project.actuals
    date = _datetimes(lines["date"])
    rows = ~np.isnat(date) & (date <= np.datetime64(status, "ns"))
    keep = slice(None) if rows.all() else rows  # every line counts (the usual): no copies
    res = project.resources
    keys = res["resource_id"].to_numpy()
    ids = lines["resource_id"].to_numpy()[keep]
    rate = res["daily_rate"].to_numpy(dtype="float64")
    per_day = res["hours_per_day"].to_numpy(dtype="float64")
    where = _positions(keys, ids)
    if where is None:  # blank or repeated resource ids: an id's first row gives its rate
        first = ~res["resource_id"].duplicated().to_numpy()
        where = pd.Index(keys[first], dtype=object).get_indexer(ids)
        rate, per_day = rate[first], per_day[first]
    rate, per_day = _take(rate, where, np.nan), _take(per_day, where, np.nan)
    per_day = np.where(per_day > 0, per_day, DEFAULT_HOURS_PER_DAY)
    hours = lines["hours"].to_numpy(dtype="float64")[keep]
    with np.errstate(all="ignore"):  # as pandas' arithmetic: no warning for inf × 0, overflow
        labour = hours * rate / per_day
    cost = lines["cost"].to_numpy(dtype="float64")[keep]
    amount = np.where(np.isnan(cost), labour, cost)
    amount[np.isnan(amount)] = 0.0
    return _Costs(rows, date[keep], lines["task_id"].to_numpy()[keep], amount)


def _positions(keys: npt.NDArray[Any], ids: ObjectArray) -> IntArray | None:
    """Position of each id among ``keys``, −1 when absent or blank; None when a key is blank
    or repeated (the caller then lets pandas match, with its own rules for those).

    This is ``pd.Index(keys).get_indexer(ids)``, how ``Series.map`` matches ids, which first
    turns ``ids`` into a string Index at a far higher cost than the lookup. One factorisation
    of both arrays does it: codes follow first appearance, so distinct non-blank keys get codes
    0 .. k − 1, and an id matches a key exactly when its code is below k.
    """
    k = len(keys)
    # pandas hashes an array of strings as text, but all of it as Python objects, about twice
    # dearer, once one value is None: the None ids (lines of no resource) are left out of the
    # factorisation, as they match no key anyway
    try:
        named = np.not_equal(ids, np.array(None))
    except (TypeError, ValueError):  # an id that compares to None as no bool (an array)
        named = np.ones(len(ids), dtype=bool)
    every = bool(named.all())
    codes, _ = pd.factorize(
        np.concatenate([keys.astype(object, copy=False), ids if every else ids[named]])
    )
    if not np.array_equal(codes[:k], np.arange(k)):
        return None
    found = np.where(codes[k:] < k, codes[k:], -1)
    if every:
        return found
    out = np.full(len(ids), -1, dtype=np.intp)
    out[named] = found
    return out


def _take(values: npt.NDArray[Any], where: IntArray, missing: Any) -> npt.NDArray[Any]:
    """``values[where]``, ``missing`` where ``where`` is −1 (not found)."""
    out = np.full(where.shape, missing, dtype=values.dtype)
    found = where >= 0
    out[found] = values[where[found]]
    return out


def _group_sums(codes: IntArray, values: FloatArray, groups: int) -> FloatArray:
    """Column sums of ``values`` (rows × columns) per group code 0 .. groups − 1 (−1: none).

    The sums are pandas' groupby sums, whose rounding depends on the codes: a Kahan-compensated
    sum in row order, or a pairwise ``np.add.reduceat`` when the codes never decrease (rows
    sorted by group). ``codes`` must therefore rank the groups as the table's own groupby
    would (sorted keys, or first appearance with sort=False) for the numbers to be the same.
    """
    ordered = codes.size < 2 or not (codes[1:] < codes[:-1]).any()
    if ordered and not np.isnan(values).any():  # pandas' own reduceat rule (no NaN to skip)
        return _run_sums(codes, values, groups)
    # categorical keys: no factorisation, every group in code order, code −1 left out
    keys = pd.Categorical.from_codes(codes, categories=pd.RangeIndex(groups), validate=False)
    sums = pd.DataFrame(values).groupby(keys, observed=False).sum()
    return sums.to_numpy(dtype="float64", copy=True)


def _run_sums(codes: IntArray, values: FloatArray, groups: int) -> FloatArray:
    """``_group_sums`` when the codes never decrease: each group is one run of rows (the rows of
    no group, −1, come first), summed by ``np.add.reduceat`` over the runs as pandas does, which
    costs a fraction of a groupby. No row in a group: every sum is 0, as pandas gives."""
    skip = int(np.searchsorted(codes, 0))
    run = codes[skip:]
    sums = np.zeros((groups, values.shape[1]))
    if run.size:
        change = np.ones(run.size, dtype=bool)
        np.not_equal(run[1:], run[:-1], out=change[1:])
        starts = np.flatnonzero(change)
        sums[run[starts]] = np.add.reduceat(values[skip:], starts, axis=0)
    return sums


def _status_date(project: ProjectData) -> dt.date:
    status = project.status_date
    if status is None:
        where = project.cell("project", "status_date")
        raise PmoError(f"{project.sheet_name('project')}!{where}: the status date is required")
    return status


@dataclass(frozen=True)
class _Plan:
    """Tasks on the working-day grid: day 0 is the first working day of the earliest start."""

    origin: dt.date | None  # first working day on or after the first start
    first: FloatArray  # index of each task's first working day (NaN: no dates)
    days: FloatArray  # working days of each task (0: lump on ``first``)
    length: int  # PD: working days from origin to the last finish (or last lump)
    start: DayArray
    finish: DayArray


def _datetimes(column: pd.Series) -> DayArray:
    """``column.to_numpy(dtype="datetime64[ns]")``, for reading only: a datetime64[ns] column
    (as the typing contract has it) gives its own array, without the read-only view and the
    memory check that ``to_numpy`` pays on every call for a datetime column."""
    if column.dtype == "datetime64[ns]":
        return np.asarray(column.array)
    return column.to_numpy(dtype="datetime64[ns]")


def _days(frame: pd.DataFrame, key: str) -> DayArray:
    """``to_day(frame[key])`` (which reads the column by ``to_numpy``)."""
    return to_day(_datetimes(frame[key]))


def _plan_dates(
    tasks: pd.DataFrame, task_ids: ObjectArray, forecast: pd.DataFrame | None
) -> tuple[DayArray, DayArray]:
    """Baseline dates, else planned, else forecast; a single date stands for both ends."""
    b_start, b_finish = _days(tasks, "baseline_start"), _days(tasks, "baseline_finish")
    p_start, p_finish = _days(tasks, "planned_start"), _days(tasks, "planned_finish")
    has_base = ~np.isnat(b_start) & ~np.isnat(b_finish)
    has_plan = ~np.isnat(p_start) & ~np.isnat(p_finish)
    start = np.where(has_base, b_start, np.where(has_plan, p_start, NAT))
    finish = np.where(has_base, b_finish, np.where(has_plan, p_finish, NAT))
    if forecast is not None and len(forecast):
        none = np.isnat(start) & np.isnat(finish)
        f_start, f_finish = _forecast_dates(tasks, task_ids, forecast, bool(none.any()))
        start = np.where(none, f_start, start)
        finish = np.where(none, f_finish, finish)
    start = _fill(_fill(start, b_start), p_start)
    finish = _fill(_fill(finish, b_finish), p_finish)
    start = _fill(start, finish)
    return start, _fill(finish, start)


def _fill(dates: DayArray, other: DayArray) -> DayArray:
    """``dates``, ``other`` where a date is missing."""
    return np.where(np.isnat(dates), other, dates)


def _forecast_dates(
    tasks: pd.DataFrame, ids: ObjectArray, forecast: pd.DataFrame, wanted: bool
) -> tuple[DayArray, DayArray]:
    """The forecast start and finish of each task id (``ids``, the tasks' task_id column; NaT
    for ids the forecast does not hold).

    When no task ``wanted`` them (tasks all have baseline or planned dates, the usual case),
    datetime64 forecast dates are not looked up: only a repeated forecast id still raises,
    as pandas' lookup does.
    """
    where: IntArray | None = None
    out = []
    for column in ("start", "finish"):
        dates = forecast[column]
        if not (isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M"):
            # not plain datetime64 (text, tz-aware): pandas parses what each task gets
            out.append(to_day(pd.to_datetime(tasks["task_id"].map(dates), errors="coerce")))
        elif not wanted and forecast.index.is_unique:
            out.append(np.full(len(ids), NAT))
        else:
            if where is None:
                where = _positions(forecast.index.to_numpy(), ids)
            if where is None:  # blank or repeated ids in the forecast: pandas decides (raises)
                where = forecast.index.get_indexer(ids)
            out.append(_take(to_day(_datetimes(dates)), where, NAT))
    return out[0], out[1]


def _plan(
    tasks: pd.DataFrame,
    task_ids: ObjectArray,
    calendar: WorkCalendar,
    forecast: pd.DataFrame | None,
) -> _Plan:
    start, finish = _plan_dates(tasks, task_ids, forecast)
    dated = ~np.isnat(start)
    nan = np.full(start.shape, np.nan)
    if not dated.any():
        return _Plan(None, nan, nan.copy(), 0, start, finish)
    origin = _date(calendar.roll_forward(start[dated].min()))
    # working days before the task's start; a start on a non-working day before the origin
    # (a Saturday before the first Monday) counts from the origin, as if rolled forward
    first = np.maximum(calendar.count(origin, start), 0.0)
    days = calendar.count_inclusive(start, finish)
    milestone = tasks["duration"].to_numpy(dtype="float64") == 0
    days = np.where(milestone, 0.0, days)
    last = calendar.count_inclusive(origin, finish[dated].max()).item()
    lump_end = np.where(days == 0, first + 1, 0.0)
    length = int(max(last, np.nanmax(lump_end)))
    return _Plan(origin, first, days, length, start, finish)


def _elapsed_share(first: FloatArray, days: FloatArray, at: float) -> FloatArray:
    """Share of each task's span elapsed after ``at`` working days (0 where undated)."""
    span = np.clip(at - first, 0.0, np.where(days > 0, days, 1.0))
    share = np.where(days > 0, span / np.where(days > 0, days, 1.0), span)
    return np.where(np.isnan(first), 0.0, share)


def _spread(first: FloatArray, days: FloatArray, amounts: FloatArray, length: int) -> FloatArray:
    """Cumulative curve of ``amounts`` spread evenly over days [first, first + days) (lumps when
    days is 0), at the end of each working day 0 .. length − 1."""
    ok = ~np.isnan(first) & (amounts != 0) & (first < length)
    f, d, a = first[ok].astype("int64"), days[ok], amounts[ok]
    flat = d > 0
    rate = a[flat] / d[flat]
    end = np.minimum(f[flat] + d[flat].astype("int64"), length)
    diff = np.bincount(f[flat], rate, minlength=length + 1)
    diff -= np.bincount(end, rate, minlength=length + 1)
    daily = np.cumsum(diff)[:length] + np.bincount(f[~flat], a[~flat], minlength=length)[:length]
    return np.cumsum(daily)


def _percent(percent: FloatArray, finished: BoolArray) -> FloatArray:
    pct = np.where(np.isnan(percent), np.where(finished, 1.0, 0.0), percent)
    return np.clip(pct, 0.0, 1.0)


def _fsum(values: FloatArray) -> float:
    # a memoryview yields Python floats one at a time, far faster to iterate than numpy's
    # scalars, and without the list of them all that tolist builds first
    return math.fsum(values.data)


def earned_value(
    project: ProjectData,
    calendar: WorkCalendar,
    forecast: pd.DataFrame | None = None,
) -> EvmResult:
    """Earned value and earned schedule of ``project`` at its status date.

    ``forecast`` (optional: ``ScheduleResult.tasks``, indexed by task_id with ``start`` and
    ``finish`` dates) supplies PV dates for tasks with neither baseline nor planned dates.
    Raises PmoError when the project has no status date.
    """
    status = _status_date(project)
    tasks = project.tasks
    task_ids = tasks["task_id"].to_numpy()
    budget = tasks["budget"].to_numpy(dtype="float64")
    budget = np.where(np.isnan(budget), 0.0, budget)
    began, ended = _days(tasks, "actual_start"), _days(tasks, "actual_finish")
    pct = _percent(tasks["percent_complete"].to_numpy(dtype="float64"), ~np.isnat(ended))
    plan = _plan(tasks, task_ids, calendar, forecast)

    at: int | None = None
    pv_task = np.zeros(len(tasks))
    pv_curve: FloatArray | None = None
    curve = np.zeros(0)
    if plan.origin is not None:
        at = int(calendar.count_inclusive(plan.origin, status).item())
        pv_task = budget * _elapsed_share(plan.first, plan.days, at)
        # spread once: the S-curve's PV runs to the baseline finish (PD working days) or to a
        # later status date, and the plan's own curve is its first PD days
        pv_curve = _spread(plan.first, plan.days, budget, max(plan.length, at))
        curve = pv_curve[: plan.length]
    ev_task = budget * pct

    costs = _costs(project, status)
    ac_task, stray = _task_costs(task_ids, costs)

    bac_total, pv_total = _fsum(budget), _fsum(pv_task)
    ev_total, ac_total = _fsum(ev_task), _fsum(costs.amount)
    eac1 = eac_cpi(bac_total, ev_total, ac_total)

    pd_days = plan.length if plan.origin is not None else None
    es: float | None = None
    if curve.size:  # EV at BAC is the whole plan, whatever the rounding of the curve
        es = float(curve.size) if ev_total >= bac_total else _es_on_curve(curve, ev_total)
    ieac = ieac_t(pd_days, es, at)
    finish = None
    if ieac is not None and plan.origin is not None and ieac <= MAX_FORECAST_DAYS:
        day = math.ceil(round(ieac, 9)) - 1
        finish = _date(calendar.add(plan.origin, day))
    baseline_finish = None
    if plan.origin is not None:
        baseline_finish = _date(calendar.add(plan.origin, plan.length - 1))

    phase = tasks["phase"].to_numpy(dtype=object)
    blank = pd.isna(phase)
    if blank.any():  # fillna(""), on the array
        phase = np.where(blank, "", phase)
    by_task = _by_task(tasks, task_ids, phase, plan, budget, pct, pv_task, ev_task, ac_task)
    series = _Series(
        calendar, plan, at, pv_curve, baseline_finish, budget, pct, began, ended, costs, status
    )
    daily, weekly, monthly = series.at(
        series.working_days(), series.period_ends("week"), series.period_ends("month")
    )
    return EvmResult(
        status_date=status,
        bac=bac_total,
        pv=pv_total,
        ev=ev_total,
        ac=ac_total,
        sv=ev_total - pv_total,
        cv=ev_total - ac_total,
        spi=spi(ev_total, pv_total),
        cpi=cpi(ev_total, ac_total),
        eac_cpi=eac1,
        eac_atypical=ac_total + bac_total - ev_total,
        eac_cpi_spi=eac_cpi_spi(bac_total, ev_total, ac_total, pv_total),
        etc=etc(bac_total, ev_total, ac_total),
        vac=vac(bac_total, ev_total, ac_total),
        tcpi_bac=tcpi_bac(bac_total, ev_total, ac_total),
        tcpi_eac=tcpi_eac(bac_total, ev_total, ac_total, eac1),
        es=es,
        at=at,
        pd=pd_days,
        sv_t=sv_t(es, at),
        spi_t=spi_t(es, at),
        tspi_t=tspi_t(pd_days, es, at),
        ieac_t=ieac,
        forecast_finish=finish,
        baseline_start=plan.origin,
        baseline_finish=baseline_finish,
        by_phase=_by_phase(phase, budget, pv_task, ev_task, ac_task, stray),
        by_task=by_task,
        daily=daily,
        weekly=weekly,
        monthly=monthly,
    )


def _task_costs(task_ids: ObjectArray, costs: _Costs) -> tuple[FloatArray, float]:
    """AC of each task (the sum of its id's Actuals lines) and of the lines of no task.

    One factorisation numbers the ids of tasks and lines (−1: a blank id, in no group and no
    task). The sums must be those of groupby("task_id"), which numbers the ids in sorted order
    and sums differently when the lines come in that order (see ``_group_sums``). The lines can
    only be in order if each id's lines are together: only then are the ids sorted (dearer
    than numbering them), since any numbering gives the same sums otherwise.
    """
    n = task_ids.size
    ids = np.concatenate([task_ids, costs.task_id])
    codes, uniques = pd.factorize(ids)
    if _together(codes[n:]):
        codes, uniques = pd.factorize(ids, sort=True)
    task_code, line_code = codes[:n], codes[n:]
    sums = _group_sums(line_code, costs.amount[:, np.newaxis], len(uniques))[:, 0]
    known = np.zeros(len(uniques) + 1, dtype=bool)  # the extra last slot is code −1
    known[task_code] = True
    known[-1] = False
    return _take(sums, task_code, 0.0), _fsum(costs.amount[~known[line_code]])


def _together(codes: IntArray) -> bool:
    """Whether the equal codes are next to each other (each code in a single run)."""
    runs = np.count_nonzero(codes[1:] != codes[:-1]) + 1 if codes.size else 0
    return runs == np.count_nonzero(np.bincount(codes + 1))


def _date(value: Any) -> dt.date:
    day = np.asarray(value, dtype="datetime64[D]").reshape(())
    date = day.item()  # a date, unless NaT or out of the date range: then the text raises
    return date if isinstance(date, dt.date) else dt.date.fromisoformat(str(day))


def _by_task(
    tasks: pd.DataFrame,
    task_ids: ObjectArray,
    phase: ObjectArray,
    plan: _Plan,
    budget: FloatArray,
    pct: FloatArray,
    pv: FloatArray,
    ev: FloatArray,
    ac: FloatArray,
) -> pd.DataFrame:
    columns: dict[str, Any] = {
        "name": tasks["name"].to_numpy(),
        "phase": phase,
        "pv_start": plan.start.astype("datetime64[ns]"),
        "pv_finish": plan.finish.astype("datetime64[ns]"),
        "pv_days": plan.days,
        "percent_complete": pct,
    }
    columns.update(indicators(budget, pv, ev, ac))
    return pd.DataFrame(columns, index=pd.Index(task_ids, name="task_id"))


def _by_phase(
    phase: ObjectArray,
    bac: FloatArray,
    pv: FloatArray,
    ev: FloatArray,
    ac: FloatArray,
    stray: float,
) -> pd.DataFrame:
    """Indicators per phase (in order of first appearance) of the tasks' BAC, PV, EV, AC.

    ``phase`` is the tasks' phase ("" when blank): its first-appearance codes are those of
    ``by_task.groupby("phase", sort=False)`` (see ``_group_sums``).
    """
    codes, phases = pd.factorize(phase)
    sums = _group_sums(codes, np.column_stack([bac, pv, ev, ac]), len(phases))
    index = pd.Index(phases, name="phase")
    # Actuals charged to no task of the plan still cost money: they go to the "" phase.
    if stray:
        if "" not in index:
            index = index.append(pd.Index([""])).rename("phase")
            sums = np.vstack([sums, np.zeros((1, 4))])
        sums[index.get_loc(""), 3] += stray
    table = indicators(*sums.T)
    # one 2-D block: pandas builds it much faster than a dict of columns, with the same frame
    return pd.DataFrame(np.column_stack(list(table.values())), index=index, columns=list(table))


def _lookup(curve: FloatArray, n: npt.NDArray[np.int64]) -> FloatArray:
    """Cumulative ``curve`` after ``n`` working days (0 before day 1, flat after the end)."""
    if curve.size == 0:
        return np.zeros(n.shape)
    return np.where(n > 0, curve[np.minimum(np.maximum(n - 1, 0), curve.size - 1)], 0.0)


SUNDAY = 6  # weekday number, Monday being 0


def _weekday(day: np.datetime64) -> int:
    return (int(day.astype("int64")) + 3) % 7  # 1970-01-01, day 0, was a Thursday


def _month_end(month: Any) -> Any:
    """Last day of each ``datetime64[M]`` month."""
    return (month + 1).astype("datetime64[D]") - np.timedelta64(1, "D")


class _Series:
    """Cumulative PV, EV, AC at any calendar dates (end of day), for the S-curves."""

    def __init__(
        self,
        calendar: WorkCalendar,
        plan: _Plan,
        at: int | None,
        pv: FloatArray | None,
        baseline_finish: dt.date | None,
        budget: FloatArray,
        pct: FloatArray,
        began: DayArray,
        ended: DayArray,
        costs: _Costs,
        status: dt.date,
    ) -> None:
        """``at`` (working days from the baseline start to the status date) and ``pv`` (the
        cumulative PV to the baseline finish or the status date, whichever is later) are None
        without a baseline; ``began`` and ``ended`` are the tasks' actual start and finish."""
        self.calendar = calendar
        self.status = np.datetime64(status, "D")
        origin = status if plan.origin is None else plan.origin
        self.origin = np.datetime64(origin, "D")
        if at is None:
            at = int(calendar.count_inclusive(origin, status).item())
        end = origin if baseline_finish is None else baseline_finish
        self.last = np.datetime64(max(end, status), "D")
        self.first_day = np.datetime64(min(origin, status), "D")
        # without a baseline nothing is planned: a curve of zeros over the status date alone
        self.pv = _spread(plan.first, plan.days, budget, at) if pv is None else pv
        # EV ramps from the actual start (else the planned one; never before the first baseline
        # start nor after the status date) to the actual finish, or to the status date.
        began = np.where(np.isnat(began), plan.start, began)
        began = np.where(np.isnat(began) | (began > self.status), self.status, began)
        began = np.maximum(began, self.origin)
        ended = np.where(np.isnat(ended) | (ended > self.status), self.status, ended)
        ended = np.maximum(ended, began)
        first = np.minimum(calendar.count(self.origin, began), max(at - 1, 0))
        days = np.minimum(calendar.count_inclusive(began, ended), at - first)
        self.ev = _spread(first, days, budget * pct, at)
        # the order of DataFrame.sort_values("date") (quicksort), so that the sums round alike
        order = np.argsort(costs.date, kind="quicksort")
        self.ac_dates = costs.date[order].astype("datetime64[D]")
        self.ac_cum = np.concatenate([[0.0], np.cumsum(costs.amount[order])])

    def working_days(self) -> DayArray:
        days = self.calendar.working_days(self.first_day, self.last)
        return self._with_status(days)

    def period_ends(self, period: Literal["week", "month"]) -> DayArray:
        """Ends of the weeks (Sundays) or months that hold a day of the plan, and the status."""
        # candidates up to the end of the month after the last day (the last day's month when
        # it is not the month's last day), as pandas' date_range to last + MonthEnd(1) gives
        month = self.last.astype("datetime64[M]")
        horizon = _month_end(month)
        if horizon == self.last:
            horizon = _month_end(month + 1)
        if period == "week":
            sunday = self.first_day + (SUNDAY - _weekday(self.first_day)) % 7
            ends = np.arange(sunday, horizon + 1, np.timedelta64(7, "D"))
        else:
            months = np.arange(self.first_day.astype("datetime64[M]"), month + 2)
            ends = _month_end(months)
            ends = ends[(ends >= self.first_day) & (ends <= horizon)]
        reached = ends >= self.last
        last_needed = np.argmax(reached) if reached.any() else ends.size - 1
        return self._with_status(ends[: last_needed + 1])

    def _with_status(self, days: DayArray) -> DayArray:
        """``np.union1d(days, [status])`` of increasing ``days``: the status date put in place."""
        where = int(np.searchsorted(days, self.status))
        if where < days.size and days[where] == self.status:
            return days
        return np.concatenate((days[:where], [self.status], days[where:]))

    def at(self, *dates: DayArray) -> list[pd.DataFrame]:
        """A table of each array of dates (computed at once: every column is per date)."""
        every = np.concatenate(dates)
        n = self.calendar.count_inclusive(self.origin, every).astype("int64")
        pv, ev = _lookup(self.pv, n), _lookup(self.ev, n)
        ac = self.ac_cum[np.searchsorted(self.ac_dates, every, side="right")]
        future = every > self.status
        ev = np.where(future, np.nan, ev)
        ac = np.where(future, np.nan, ac)
        table = pd.DataFrame({"date": every.astype("datetime64[ns]"), "pv": pv, "ev": ev,
                              "ac": ac, "spi": _div(ev, pv), "cpi": _div(ev, ac)})  # fmt: skip
        # one frame cut into rows: cheaper than a frame per array (pandas' cost is per column)
        out = []
        for part, end in zip(dates, np.cumsum([d.size for d in dates]), strict=True):
            rows = table.iloc[end - part.size : end]
            rows.index = pd.RangeIndex(part.size)
            out.append(rows)
        return out


# --------------------------------------------------------------------------------------------
# Budget follow-up


BUDGET_FOLLOWUP_COLUMNS = ("budget", "committed", "actual", "remaining", "forecast", "variance")


def budget_followup(project: ProjectData) -> pd.DataFrame:
    """Budget lines against actual costs, per category (budget categories in schema order).

    budget and committed sum the Budget sheet; actual sums the Actuals lines dated on or before
    the status date (``actual_costs``); remaining = budget − actual. Forecast rule: a category
    is forecast to cost max(budget, committed, actual): budget not yet spent is expected to be
    spent as planned, orders placed (committed) will be invoiced in full, and what is spent
    stays spent. variance = budget − forecast (negative: overrun). Categories with neither a
    budget line nor an actual cost are left out; blank categories count as "other".
    """
    from pmo_xl.schema import BUDGET_CATEGORIES

    lines = project.budget
    category = lines["category"].fillna("other")
    budget = lines["amount"].fillna(0.0).groupby(category).sum()
    committed = lines["committed"].fillna(0.0).groupby(category).sum()
    costs = actual_costs(project)
    actual = costs.groupby("category")["amount"].sum()
    order = [c.key for c in BUDGET_CATEGORIES]
    present = set(budget.index) | set(actual.index)
    index = pd.Index(
        [k for k in order if k in present] + sorted(present - set(order)), name="category"
    )
    table = pd.DataFrame(
        {
            "budget": budget.reindex(index, fill_value=0.0),
            "committed": committed.reindex(index, fill_value=0.0),
            "actual": actual.reindex(index, fill_value=0.0),
        },
        index=index,
        dtype="float64",
    )
    table["remaining"] = table["budget"] - table["actual"]
    table["forecast"] = table[["budget", "committed", "actual"]].max(axis=1)
    table["variance"] = table["budget"] - table["forecast"]
    return table
