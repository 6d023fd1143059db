"""Monte Carlo schedule risk analysis on the CPM network.

Every iteration reschedules the project with sampled durations through the very passes of
``core.schedule`` (``SchedulePlan.early_start`` / ``late_start``), so links, lags, constraints,
actual dates and progress behave exactly as in the deterministic CPM. The iterations are one
numpy array per chunk (``chunk_rows`` × tasks), never a Python loop over iterations or tasks.

Three-point durations (working days)
    * most likely = the task's *Most likely duration*, else its planned *Duration*;
    * optimistic  = the *Optimistic duration*, else most likely × (1 − ``mc_optimistic_pct``);
    * pessimistic = the *Pessimistic duration*, else most likely × (1 + ``mc_pessimistic_pct``).
    Each column falls back on its own. Negative values count as 0; the three values are sorted,
    so a swapped pair samples the same range instead of failing (validation reports the cells).
    * A task in progress samples its *remaining* work: the three values are scaled by
      remaining / planned duration (``remaining`` as the CPM computes it from % complete).
    * Finished tasks keep their actual dates; milestones (planned duration 0) stay milestones.

Distributions (``mc_distribution``)
    * ``triangular`` (min a, mode m, max b), sampled by inverting its CDF: one uniform per task
      and iteration;
    * ``pert``: Beta-PERT with λ = 4, a + (b − a) · Beta(1 + 4(m − a)/(b − a),
      1 + 4(b − m)/(b − a)), mean (a + 4m + b) / 6.
    A task whose three values are equal is not sampled (its duration is that value).

Whole working days
    The CPM counts whole working days and rounds a fractional duration *up*; the samples are
    rounded the same way (``ceil``), so an iteration is a schedule the CPM could have produced.
    The rounding moves the mean up by about half a day per task on a chain: E[ceil X] =
    Σ_{k ≥ 0} P(X > k), not E[X]. ``whole_days=False`` keeps the samples fractional (a
    continuous-time analysis, used by the tests to check the analytic means).

Outputs
    * the finish of an iteration is the CPM's: ``finish_index`` = max EF (working days from the
      origin, the sum of the durations on a chain from day 0), and its finish *date* is the latest
      task finish date (working day EF − 1, or ES for a task of zero duration), as the CPM's
      ``ScheduleResult.finish``;
    * P10/P50/P80/P90: the smallest sampled finish date that at least 10/50/80/90 % of the
      iterations finish on or before (the empirical quantile, ``inverted_cdf``); they are dates
      that occurred in the simulation, ordered by construction;
    * mean finish: the date of the mean finish day, rounded to the nearest working day (half up);
    * probability of meeting a date: the share of iterations whose finish date is on or before it
      (``probability_by``); on time = by the planned finish of the project card;
    * criticality index of a task: the share of iterations in which it is critical under the CPM's
      own definition — not finished and total float <= the smallest total float of the unfinished
      tasks of that iteration (zero without constraints). The backward pass doubles the cost of an
      iteration but keeps constraints (finish-no-later-than, must-start-on) and negative float
      consistent with the CPM; 5,000 × 500 tasks stays well inside the budget (benchmark).
    * ``histogram()``: iterations per finish date with the cumulative share (the S-curve).

Reproducibility: ``numpy.random.default_rng(seed)`` draws the iterations in order, chunk after
chunk, row by row; the same seed, settings and plan give the same result whatever the chunk size.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.schedule import ScheduleResult, task_frame

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Distribution = Literal["triangular", "pert"]
DISTRIBUTIONS: tuple[Distribution, ...] = ("triangular", "pert")

DEFAULT_ITERATIONS = 5_000
DEFAULT_DISTRIBUTION: Distribution = "triangular"
DEFAULT_OPTIMISTIC_PCT = 0.10
DEFAULT_PESSIMISTIC_PCT = 0.30
DEFAULT_SEED = 20260501
PERCENTILES = (10, 50, 80, 90)
CHUNK_CELLS = 1_000_000  # iterations × tasks per chunk: ~8 MB per float array
TOP_CRITICAL = 10  # tasks listed in the JSON, most critical first
PERT_LAMBDA = 4.0
_EPS = 1e-9


@dataclass(frozen=True)
class ThreePoint:
    """Per task (schedule order): the range sampled for its remaining work, in working days.

    ``uncertain`` marks the tasks actually sampled (not finished, not a milestone, b > a);
    the others keep ``most_likely`` (finished tasks: their actual duration, see ``SchedulePlan``).
    """

    task_ids: tuple[str, ...]
    optimistic: FloatArray
    most_likely: FloatArray
    pessimistic: FloatArray
    uncertain: BoolArray

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "optimistic": self.optimistic,
                "most_likely": self.most_likely,
                "pessimistic": self.pessimistic,
                "uncertain": self.uncertain,
            },
            index=pd.Index(list(self.task_ids), name="task_id", dtype=object),
        )


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """A seeded simulation of the schedule; see the module doc for every figure."""

    iterations: int
    distribution: Distribution
    seed: int
    whole_days: bool
    origin: dt.date
    calendar: WorkCalendar = field(repr=False)
    finish_index: FloatArray = field(repr=False)  # max EF per iteration
    finish_day: IntArray = field(repr=False)  # working-day index of the finish date
    criticality: pd.Series = field(repr=False)  # share of iterations critical, by task id
    three_point: ThreePoint = field(repr=False)
    planned_finish: dt.date | None = None
    deterministic_finish: dt.date | None = None  # the CPM's forecast finish

    def percentile(self, p: float) -> dt.date | None:
        """The smallest sampled finish date reached by at least ``p`` % of the iterations."""
        if not len(self.finish_day):
            return None
        day = np.quantile(self.finish_day, p / 100.0, method="inverted_cdf")
        return self._date(float(day))

    @property
    def p10(self) -> dt.date | None:
        return self.percentile(10)

    @property
    def p50(self) -> dt.date | None:
        return self.percentile(50)

    @property
    def p80(self) -> dt.date | None:
        return self.percentile(80)

    @property
    def p90(self) -> dt.date | None:
        return self.percentile(90)

    @property
    def mean_finish_index(self) -> float | None:
        """Mean of max EF over the iterations (working days from the origin)."""
        return float(self.finish_index.mean()) if len(self.finish_index) else None

    @property
    def mean_finish(self) -> dt.date | None:
        if not len(self.finish_day):
            return None
        return self._date(math.floor(float(self.finish_day.mean()) + 0.5))

    def finish_dates(self) -> npt.NDArray[np.datetime64]:
        """The finish date of every iteration."""
        return self.calendar.date_of(self.origin, self.finish_day)

    def probability_by(self, date: dt.date | None) -> float | None:
        """Share of iterations finishing on or before ``date`` (None without a date)."""
        if date is None or not len(self.finish_day):
            return None
        return float(np.mean(self.finish_dates() <= np.datetime64(date, "D")))

    @property
    def probability_on_time(self) -> float | None:
        return self.probability_by(self.planned_finish)

    def histogram(self) -> pd.DataFrame:
        """One row per sampled finish date: ``finish``, ``count``, ``cumulative`` (share)."""
        days, counts = np.unique(self.finish_day, return_counts=True)
        return pd.DataFrame(
            {
                "finish": self.calendar.date_of(self.origin, days).astype("datetime64[ns]"),
                "count": counts.astype(np.int64),
                "cumulative": np.cumsum(counts) / max(self.iterations, 1),
            }
        )

    def top_critical(self, limit: int = TOP_CRITICAL) -> list[tuple[str, float]]:
        """Tasks critical in at least one iteration, most critical first (then schedule order)."""
        values = self.criticality.to_numpy(dtype=np.float64)
        order = np.lexsort((np.arange(len(values)), -values))
        ids = self.criticality.index
        return [(str(ids[i]), float(values[i])) for i in order[:limit] if values[i] > 0]

    def as_json(self) -> dict[str, Any]:
        """Top-level keys of ``pmo-xl analyse --json`` (ISO dates, plain numbers, None)."""
        return {
            "mc_iterations": self.iterations,
            "mc_distribution": self.distribution,
            "mc_seed": self.seed,
            "mc_p10": _iso(self.p10),
            "mc_p50": _iso(self.p50),
            "mc_p80": _iso(self.p80),
            "mc_p90": _iso(self.p90),
            "mc_mean_finish": _iso(self.mean_finish),
            "mc_probability_on_time": _share(self.probability_on_time),
            "mc_probability_cpm_finish": _share(self.probability_by(self.deterministic_finish)),
            "mc_criticality": [
                {"task_id": task, "index": round(value, 6)} for task, value in self.top_critical()
            ],
        }

    def _date(self, day: float) -> dt.date:
        value = self.calendar.date_of(self.origin, day).reshape(())
        return dt.date.fromisoformat(str(value))


def empty_json() -> dict[str, Any]:
    """The keys of ``MonteCarloResult.as_json`` when no simulation ran (no schedule): nulls."""
    return {
        "mc_iterations": 0,
        "mc_distribution": None,
        "mc_seed": None,
        **dict.fromkeys(("mc_p10", "mc_p50", "mc_p80", "mc_p90", "mc_mean_finish")),
        "mc_probability_on_time": None,
        "mc_probability_cpm_finish": None,
        "mc_criticality": [],
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _setting(settings: Mapping[str, Any], key: str, default: float) -> float:
    value = settings.get(key)
    if value is None or isinstance(value, bool):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def distribution_of(settings: Mapping[str, Any]) -> Distribution:
    """``mc_distribution`` of ``settings`` (triangular when blank); ValueError when unknown."""
    value = settings.get("mc_distribution") or DEFAULT_DISTRIBUTION
    text = str(value).strip().lower()
    for known in DISTRIBUTIONS:
        if text == known:
            return known
    raise ValueError(f"mc_distribution: expected triangular or pert, got {value!r}")


def _column(frame: pd.DataFrame, key: str) -> FloatArray:
    if key not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[key], errors="coerce")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def three_point(
    schedule: ScheduleResult, tasks: pd.DataFrame, settings: Mapping[str, Any]
) -> ThreePoint:
    """The sampled range of each task's remaining work (module doc, "Three-point durations")."""
    plan = schedule.plan
    ids = plan.network.ids
    frame = task_frame(tasks).reindex(list(ids))
    low_pct = _setting(settings, "mc_optimistic_pct", DEFAULT_OPTIMISTIC_PCT)
    high_pct = _setting(settings, "mc_pessimistic_pct", DEFAULT_PESSIMISTIC_PCT)

    planned = plan.planned
    likely = _column(frame, "most_likely")
    likely = np.where(np.isnan(likely), planned, likely)
    low = _column(frame, "optimistic")
    low = np.where(np.isnan(low), likely * (1.0 - low_pct), low)
    high = _column(frame, "pessimistic")
    high = np.where(np.isnan(high), likely * (1.0 + high_pct), high)
    a, m, b = np.sort(np.maximum(np.stack([low, likely, high]), 0.0), axis=0)

    # in progress: the remaining share of the work, same spread; not started: remaining = planned
    scale = np.divide(plan.remaining, planned, out=np.zeros_like(planned), where=planned > 0)
    fixed = plan.finished | (planned <= 0)
    a, m, b = (np.where(fixed, 0.0, x * scale) for x in (a, m, b))
    uncertain = ~fixed & (b - a > _EPS)
    return ThreePoint(tuple(ids), a, m, b, uncertain)


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------


def sample_triangular(
    rng: np.random.Generator, a: FloatArray, m: FloatArray, b: FloatArray, rows: int
) -> FloatArray:
    """``rows`` draws of each triangular (a, m, b) with a < b, by the inverse CDF: (rows, k)."""
    u = rng.random((rows, len(a)))
    width = b - a
    cut = (m - a) / width
    left = a + np.sqrt(u * width * (m - a))
    right = b - np.sqrt((1.0 - u) * width * (b - m))
    return np.where(u < cut, left, right)


def sample_pert(
    rng: np.random.Generator, a: FloatArray, m: FloatArray, b: FloatArray, rows: int
) -> FloatArray:
    """``rows`` draws of each Beta-PERT (a, m, b), λ = 4, with a < b: (rows, k)."""
    width = b - a
    alpha = 1.0 + PERT_LAMBDA * (m - a) / width
    beta = 1.0 + PERT_LAMBDA * (b - m) / width
    return a + width * rng.beta(alpha, beta, size=(rows, len(a)))


def _whole_days(values: FloatArray) -> FloatArray:
    """Round up to whole working days as the CPM does (``schedule._ceil_days``)."""
    return np.maximum(np.ceil(np.round(values, 9)), 0.0)


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


def _sample(
    rng: np.random.Generator, points: ThreePoint, law: Distribution, rows: int
) -> FloatArray:
    """(rows, tasks) remaining durations: sampled where uncertain, the most likely elsewhere."""
    out = np.repeat(points.most_likely[None, :], rows, axis=0)
    cols = np.flatnonzero(points.uncertain)
    if len(cols):
        sampler = sample_pert if law == "pert" else sample_triangular
        a, m, b = (x[cols] for x in (points.optimistic, points.most_likely, points.pessimistic))
        out[:, cols] = sampler(rng, a, m, b, rows)
    return out


def _run(schedule: ScheduleResult, remaining: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """One chunk through the CPM passes: max EF and finish day per iteration, critical counts."""
    plan = schedule.plan
    d = plan.durations_for(remaining)
    es = plan.early_start(d)
    ef = es + d
    end = np.max(ef, axis=1)
    # the CPM's finish date: day ES for zero duration, else the day of EF - 1 (end of that day)
    last = np.max(np.where(d == 0, es, np.ceil(ef - _EPS) - 1.0), axis=1)
    total_float = plan.late_start(d, end) - es
    is_open = ~plan.finished
    least = np.min(np.where(is_open, total_float, np.inf), axis=1, keepdims=True)
    critical = np.sum(is_open & (total_float <= least + _EPS), axis=0)
    return end, np.floor(last).astype(np.int64), critical.astype(np.int64)


def simulate(
    schedule: ScheduleResult,
    tasks: pd.DataFrame,
    settings: Mapping[str, Any],
    calendar: WorkCalendar | None = None,
    *,
    iterations: int | None = None,
    seed: int | None = None,
    planned_finish: dt.date | None = None,
    distribution: Distribution | None = None,
    whole_days: bool = True,
    chunk_rows: int | None = None,
) -> MonteCarloResult:
    """Simulate ``schedule`` (computed from ``tasks``) with three-point durations.

    ``iterations``, ``seed`` and ``distribution`` override ``mc_iterations``, ``mc_seed`` and
    ``mc_distribution`` of ``settings``; ``calendar`` defaults to the schedule's (it must be the
    one the schedule was computed with). ``planned_finish`` (the project card's) is the date of
    ``probability_on_time``. ``chunk_rows`` bounds memory (iterations per chunk; default
    ``CHUNK_CELLS`` / tasks) without changing the result.
    """
    n_iter = int(
        iterations
        if iterations is not None
        else _setting(settings, "mc_iterations", DEFAULT_ITERATIONS)
    )
    if n_iter < 1:
        raise ValueError(f"mc_iterations: expected at least 1, got {n_iter}")
    chosen_seed = int(seed if seed is not None else _setting(settings, "mc_seed", DEFAULT_SEED))
    law = distribution or distribution_of(settings)
    points = three_point(schedule, tasks, settings)
    n = len(points.task_ids)
    rows = chunk_rows or max(1, CHUNK_CELLS // max(n, 1))
    rng = np.random.default_rng(chosen_seed)
    finish_index = np.zeros(n_iter if n else 0)
    finish_day = np.zeros(n_iter if n else 0, dtype=np.int64)
    critical = np.zeros(n, dtype=np.int64)
    for first in range(0, len(finish_day), rows):
        size = min(rows, n_iter - first)
        remaining = _sample(rng, points, law, size)
        chunk = _run(schedule, _whole_days(remaining) if whole_days else remaining)
        finish_index[first : first + size], finish_day[first : first + size] = chunk[:2]
        critical += chunk[2]

    origin = schedule.origin
    return MonteCarloResult(
        iterations=n_iter,
        distribution=law,
        seed=chosen_seed,
        whole_days=whole_days,
        origin=origin,
        calendar=calendar or schedule.calendar,
        finish_index=finish_index,
        finish_day=finish_day,
        criticality=pd.Series(
            critical / n_iter,
            index=pd.Index(list(points.task_ids), name="task_id", dtype=object),
            name="criticality",
        ),
        three_point=points,
        planned_finish=planned_finish,
        deterministic_finish=schedule.finish,
    )
