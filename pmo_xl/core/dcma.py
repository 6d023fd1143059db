"""The DCMA 14-point schedule assessment, on a computed schedule.

Populations (where DCMA leaves a choice, the choice made here):

* "incomplete tasks" are tasks without an actual finish (a milestone with an actual start counts
  as finished, as in the schedule); milestones are included;
* "relationships" are the links between known tasks with at least one incomplete end; a link's
  offending task is its successor (the row whose Predecessors cell holds it);
* percentages are 0-100 (``unit == "%"``); CPLI and BEI are ratios; the critical path test
  reports how many working days the finish moved.

A check whose population is empty (no relationships, nothing due yet, no status date...) has
``value`` None and passes: there is nothing to fault. The critical path test fails when there is
no incomplete critical task to delay.

Thresholds are DCMA's defaults (``DEFAULT_THRESHOLDS``); ``thresholds=`` overrides any of them.
The day limits of checks 6 and 8 come from the settings ``dcma_high_float_days`` and
``dcma_high_duration_days`` (44 by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.schedule import FINISHED, ScheduleResult, task_frame
from pmo_xl.schema import Lang

Comparison = Literal["<=", ">=", "=="]
Mask = npt.NDArray[np.bool_]

CPT_DELAY_DAYS = 600.0
"""Working days the critical path test adds to the first incomplete critical task."""

HIGH_DAYS_DEFAULT = 44.0
HARD_CONSTRAINTS = frozenset({"mso", "fnlt"})

DEFAULT_THRESHOLDS: Mapping[str, float] = {
    "missing_logic": 5.0,
    "leads": 0.0,
    "lags": 5.0,
    "relationship_types": 90.0,
    "hard_constraints": 5.0,
    "high_float": 5.0,
    "negative_float": 0.0,
    "high_duration": 5.0,
    "invalid_dates": 0.0,
    "resources": 0.0,
    "missed_tasks": 5.0,
    "critical_path_test": CPT_DELAY_DAYS,
    "cpli": 0.95,
    "bei": 0.95,
}

NAMES: Mapping[str, tuple[int, str, str]] = {
    "missing_logic": (1, "Missing logic", "Logique manquante"),
    "leads": (2, "Leads", "Avances (décalages négatifs)"),
    "lags": (3, "Lags", "Décalages"),
    "relationship_types": (4, "Relationship types (FS)", "Types de liens (fin-début)"),
    "hard_constraints": (5, "Hard constraints", "Contraintes impératives"),
    "high_float": (6, "High float", "Marge élevée"),
    "negative_float": (7, "Negative float", "Marge négative"),
    "high_duration": (8, "High duration", "Durée élevée"),
    "invalid_dates": (9, "Invalid dates", "Dates invalides"),
    "resources": (10, "Resources", "Ressources"),
    "missed_tasks": (11, "Missed tasks", "Tâches manquées"),
    "critical_path_test": (12, "Critical path test", "Test du chemin critique"),
    "cpli": (13, "Critical path length index (CPLI)", "Indice de longueur du chemin critique"),
    "bei": (14, "Baseline execution index (BEI)", "Indice d'exécution de la référence"),
}
_EPS = 1e-9


@dataclass(frozen=True)
class DcmaCheck:
    """One of the 14 checks: its metric, threshold, verdict and offending tasks."""

    code: str  # stable key, e.g. "missing_logic"
    number: int  # 1..14
    value: float | None
    threshold: float
    comparison: Comparison  # value <= threshold, >= threshold or == threshold to pass
    unit: Literal["%", "ratio", "days"]
    passed: bool
    tasks: tuple[str, ...]  # offending task ids, in task order
    count: int  # offending items (tasks or links)
    population: int  # what the value is measured on

    @property
    def check(self) -> str:
        return self.code

    def name(self, lang: Lang = "en") -> str:
        _, en, fr = NAMES[self.code]
        return fr if lang == "fr" else en

    def as_json(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "check": self.code,
            "number": self.number,
            "name": self.name(lang),
            "value": self.value,
            "threshold": self.threshold,
            "unit": self.unit,
            "pass": self.passed,
            "tasks": list(self.tasks),
        }


def dcma_checks(
    tasks: pd.DataFrame,
    schedule: ScheduleResult,
    calendar: WorkCalendar,
    status_date: dt.date | None,
    settings: Mapping[str, Any],
    assignments: pd.DataFrame | None = None,
    *,
    thresholds: Mapping[str, float] | None = None,
) -> list[DcmaCheck]:
    """The 14 checks, in DCMA order, for ``tasks`` and their computed ``schedule``."""
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    facts = _Facts.of(tasks, schedule, calendar, status_date)
    high_float = _setting(settings, "dcma_high_float_days")
    high_duration = _setting(settings, "dcma_high_duration_days")
    open_ = facts.incomplete
    sched = schedule.tasks
    total_float = sched["total_float"].to_numpy(dtype=np.float64)
    constraint = _texts(facts.frame, "constraint")
    return [
        _missing_logic(facts, limits),
        *_link_checks(facts, limits),
        _share(
            "hard_constraints", facts, open_, np.isin(constraint, list(HARD_CONSTRAINTS)), limits
        ),
        _share("high_float", facts, open_, total_float > high_float + _EPS, limits),
        _share("negative_float", facts, open_, total_float < -_EPS, limits),
        _share(
            "high_duration",
            facts,
            open_,
            sched["remaining"].to_numpy(dtype=np.float64) > high_duration + _EPS,
            limits,
        ),
        _invalid_dates(facts, limits),
        _resources(facts, assignments, limits),
        _missed_tasks(facts, limits),
        _critical_path_test(schedule, limits),
        _cpli(facts, schedule, calendar, limits),
        _bei(facts, limits),
    ]


@dataclass(frozen=True)
class _Facts:
    ids: list[str]
    frame: pd.DataFrame  # the input tasks, indexed like the schedule
    incomplete: Mask
    actual_start: npt.NDArray[np.datetime64]
    actual_finish: npt.NDArray[np.datetime64]
    baseline_finish: npt.NDArray[np.datetime64]
    status: np.datetime64 | None
    schedule: ScheduleResult

    @classmethod
    def of(
        cls,
        tasks: pd.DataFrame,
        schedule: ScheduleResult,
        calendar: WorkCalendar,
        status_date: dt.date | None,
    ) -> _Facts:
        frame = task_frame(tasks).reindex(schedule.tasks.index)
        actual_finish = _dates(frame, "actual_finish")
        finished = ~np.isnat(actual_finish) | (schedule.tasks["state"] == FINISHED).to_numpy()
        status = None if status_date is None else np.datetime64(status_date, "D")
        return cls(
            list(schedule.tasks.index),
            frame,
            ~finished,
            _dates(frame, "actual_start"),
            actual_finish,
            _dates(frame, "baseline_finish"),
            status,
            schedule,
        )

    def ids_where(self, mask: Mask) -> tuple[str, ...]:
        return tuple(t for t, hit in zip(self.ids, mask.tolist(), strict=True) if hit)

    def ids_in(self, ids: Iterable[str]) -> tuple[str, ...]:
        wanted = set(ids)
        return tuple(t for t in self.ids if t in wanted)


def _setting(settings: Mapping[str, Any], key: str) -> float:
    value = settings.get(key)
    return HIGH_DAYS_DEFAULT if value is None else float(value)


def _dates(frame: pd.DataFrame, key: str) -> npt.NDArray[np.datetime64]:
    if key not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    values = pd.to_datetime(frame[key], errors="coerce").to_numpy(dtype="datetime64[ns]")
    return np.asarray(values, dtype="datetime64[D]")


def _texts(frame: pd.DataFrame, key: str) -> npt.NDArray[Any]:
    if key not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return np.array([v.strip().lower() if isinstance(v, str) else "" for v in frame[key]])


def _make(
    code: str,
    value: float | None,
    limits: Mapping[str, float],
    tasks: tuple[str, ...],
    count: int,
    population: int,
) -> DcmaCheck:
    threshold = float(limits[code])
    comparison: Comparison = ">=" if code in ("relationship_types", "cpli", "bei") else "<="
    unit: Literal["%", "ratio", "days"] = "%"
    if code in ("cpli", "bei"):
        unit = "ratio"
    elif code == "critical_path_test":
        comparison, unit = "==", "days"
    if value is None:
        passed = code != "critical_path_test"
    elif comparison == "<=":
        passed = value <= threshold + _EPS
    elif comparison == ">=":
        passed = value >= threshold - _EPS
    else:
        passed = abs(value - threshold) <= _EPS
    return DcmaCheck(
        code, NAMES[code][0], value, threshold, comparison, unit, passed, tasks, count, population
    )


def _percent(count: int, population: int) -> float | None:
    return 100.0 * count / population if population else None


def _share(
    code: str, facts: _Facts, population: Mask, hits: Mask, limits: Mapping[str, float]
) -> DcmaCheck:
    """Share of ``population`` tasks that are ``hits``, in percent."""
    bad = population & hits
    count, size = int(bad.sum()), int(population.sum())
    return _make(code, _percent(count, size), limits, facts.ids_where(bad), count, size)


def _missing_logic(facts: _Facts, limits: Mapping[str, float]) -> DcmaCheck:
    sched = facts.schedule.tasks
    links = facts.schedule.links
    has_pred = sched.index.isin([k.succ for k in links])
    has_succ = sched.index.isin([k.pred for k in links])
    milestone = sched["duration"].to_numpy() == 0
    es, ef = sched["es"].to_numpy(), sched["ef"].to_numpy()
    first = es == np.min(es, initial=np.inf)
    last = ef == facts.schedule.finish_index
    exempt_pred = milestone & first  # the project's start milestone
    exempt_succ = milestone & last  # the project's finish milestone
    hits = (~has_pred & ~exempt_pred) | (~has_succ & ~exempt_succ)
    return _share("missing_logic", facts, facts.incomplete, hits, limits)


def _link_checks(facts: _Facts, limits: Mapping[str, float]) -> list[DcmaCheck]:
    open_ids = set(facts.ids_where(facts.incomplete))
    links = [k for k in facts.schedule.links if k.pred in open_ids or k.succ in open_ids]
    size = len(links)
    leads = [k for k in links if k.lag < 0]
    lags = [k for k in links if k.lag > 0]
    other = [k for k in links if k.type != "FS"]
    fs_share = None if not size else 100.0 * (size - len(other)) / size
    return [
        _make(
            "leads",
            _percent(len(leads), size),
            limits,
            facts.ids_in(k.succ for k in leads),
            len(leads),
            size,
        ),
        _make(
            "lags",
            _percent(len(lags), size),
            limits,
            facts.ids_in(k.succ for k in lags),
            len(lags),
            size,
        ),
        _make(
            "relationship_types",
            fs_share,
            limits,
            facts.ids_in(k.succ for k in other),
            len(other),
            size,
        ),
    ]


def _invalid_dates(facts: _Facts, limits: Mapping[str, float]) -> DcmaCheck:
    """Forecast dates before the status date on unfinished work, actual dates after it."""
    everyone = np.ones(len(facts.ids), dtype=bool)
    if facts.status is None:
        return _make("invalid_dates", None, limits, (), 0, 0)
    sched = facts.schedule.tasks
    start = np.asarray(sched["start"].to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")
    finish = np.asarray(sched["finish"].to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")
    unstarted = facts.incomplete & np.isnat(facts.actual_start)
    forecast = (unstarted & (start < facts.status)) | (facts.incomplete & (finish < facts.status))
    with np.errstate(invalid="ignore"):
        actual = (facts.actual_start > facts.status) | (facts.actual_finish > facts.status)
    return _share("invalid_dates", facts, everyone, forecast | actual, limits)


def _resources(
    facts: _Facts, assignments: pd.DataFrame | None, limits: Mapping[str, float]
) -> DcmaCheck:
    frame = facts.frame
    owner = _texts(frame, "owner") != ""
    funded = np.zeros(len(frame), dtype=bool)
    if "budget" in frame.columns:
        funded = (pd.to_numeric(frame["budget"], errors="coerce") > 0).to_numpy(dtype=bool)
    assigned = np.zeros(len(frame), dtype=bool)
    if assignments is not None and "task_id" in assignments.columns:
        assigned = frame.index.isin([str(t).strip() for t in assignments["task_id"].dropna()])
    working = facts.incomplete & (facts.schedule.tasks["duration"].to_numpy() > 0)
    return _share("resources", facts, working, ~(owner | funded | assigned), limits)


def _due(facts: _Facts) -> Mask:
    if facts.status is None:
        return np.zeros(len(facts.ids), dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~np.isnat(facts.baseline_finish) & (facts.baseline_finish <= facts.status)


def _missed_tasks(facts: _Facts, limits: Mapping[str, float]) -> DcmaCheck:
    """Tasks due by the status date per the baseline that did not finish on time."""
    due = _due(facts)
    on_time = ~np.isnat(facts.actual_finish) & (facts.actual_finish <= facts.baseline_finish)
    return _share("missed_tasks", facts, due, ~on_time, limits)


def _critical_path_test(schedule: ScheduleResult, limits: Mapping[str, float]) -> DcmaCheck:
    """Delay the first incomplete critical task: the finish must move by as much."""
    delay = float(limits["critical_path_test"])
    if not schedule.critical_path:
        return _make("critical_path_test", None, limits, (), 0, 0)
    first = schedule.critical_path[0]
    moved = schedule.delay(first, delay).finish_index - schedule.finish_index
    failed = abs(moved - delay) > _EPS
    return _make("critical_path_test", moved, limits, (first,) if failed else (), int(failed), 1)


def _cpli(
    facts: _Facts, schedule: ScheduleResult, calendar: WorkCalendar, limits: Mapping[str, float]
) -> DcmaCheck:
    """(CPL + finish float) / CPL, CPL from the data date to the forecast finish.

    The finish float is the baseline finish minus the forecast finish (minus the slip) when the
    plan has a baseline, else the smallest total float of the critical path (0, or negative when
    a finish-no-later-than date is missed).
    """
    data_day = 0.0
    if facts.status is not None:
        day = facts.status + np.timedelta64(1, "D")
        data_day = max(0.0, float(calendar.index_of(schedule.origin, day)))
    length = schedule.finish_index - data_day
    if length <= 0:
        return _make("cpli", None, limits, (), 0, 0)
    if schedule.slip_days is not None:
        slack = -schedule.slip_days
    elif schedule.critical_path:
        slack = float(schedule.tasks.loc[schedule.critical_path, "total_float"].min())
    else:
        slack = 0.0
    return _make("cpli", (length + slack) / length, limits, (), 0, 1)


def _bei(facts: _Facts, limits: Mapping[str, float]) -> DcmaCheck:
    """Tasks finished by the status date / tasks due by it per the baseline."""
    due = _due(facts)
    if facts.status is None or not due.any():
        return _make("bei", None, limits, (), 0, int(due.sum()))
    done = ~np.isnat(facts.actual_finish) & (facts.actual_finish <= facts.status)
    late = due & ~done
    return _make(
        "bei",
        float(done.sum()) / float(due.sum()),
        limits,
        facts.ids_where(late),
        int(late.sum()),
        int(due.sum()),
    )
