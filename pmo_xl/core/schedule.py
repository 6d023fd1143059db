"""Critical path method: forward and backward passes, floats, critical path, progress.

Convention (the day-index model)
--------------------------------
* Day 0 is the project start date, moved to the next working day when it is not one (``origin``).
  Day ``k`` is the k-th working day after it (``WorkCalendar.date_of``); indices may be negative
  (actual dates before the project start).
* Durations and lags are whole working days: fractional values are rounded up (``ceil``).
* ES is the first working day of a task, EF = ES + duration. The start date is working day ES and
  the finish date working day EF - 1 (end of that day); a milestone (duration 0) has ES = EF and
  both its dates are day ES. Late dates (LS, LF) follow the same rule.
* Links, with lags in working days (negative lags, i.e. leads, allowed):
  FS: ES_succ >= EF_pred + lag;   SS: ES_succ >= ES_pred + lag;
  FF: EF_succ >= EF_pred + lag;   SF: EF_succ >= ES_pred + lag.
  Every link is stored as ``ES_succ >= ES_pred + offset`` with
  ``offset = lag + duration_pred * [FS or FF] - duration_succ * [FF or SF]``; the backward pass
  applies the mirror ``LS_pred <= LS_succ - offset``.
* No task starts before day 0. The project finish index is max EF; the backward pass starts every
  task from it (LF <= project finish).
* Total float = LS - ES. Free float = the smallest slack ``ES_succ - (ES_pred + offset)`` over a
  task's links to its successors (project finish - EF for a task without successor); it is
  negative only where an actual date or a must-start-on date breaks a link.
* Critical = not finished and total float <= the smallest total float of unfinished tasks (zero,
  or the most negative one when constraints make float negative). ``critical_path`` lists the
  critical tasks by ES, then EF, then input order.

Constraints (``constraint`` / ``constraint_date``; ignored without a date): ``snet`` raises the
early start; ``mso`` fixes the early start on its date and caps the late start (so a conflict with
the successors shows as negative float instead of being hidden); ``fnlt`` caps the late finish
(finish date <= constraint date), which can make float negative.

Progress (``progress=True`` and a status date given; the status date is the data date and D is
the first working day after it):

* finished (an actual finish): ES/EF come from the actual dates (actual start, or the actual
  finish minus the duration when the start is blank); early and late dates are equal, the task is
  never critical, remaining 0. A milestone with an actual start is finished on that day.
* in progress (an actual start, no actual finish): ES is the actual start; the remaining duration
  ``ceil(duration * (1 - % complete))`` is scheduled from D (or from the actual start if that is
  later), so EF = max(D, actual start) + remaining. The actual start is a fact: links do not move
  it ("progress override").
* not started: ES >= D, unless a must-start-on date says otherwise.

Start and finish dates of finished and in-progress tasks are their actual dates where given.

Performance and Monte Carlo
---------------------------
``Network`` is compiled once: the topological order, the links as int/float arrays and, per
topological level, the links grouped by target task. A pass is a loop over levels (not tasks or
links) of numpy gathers and ``reduceat`` reductions; every array may carry a leading iteration
axis, so ``SchedulePlan.early_start`` accepts durations of shape (n,) or (iterations, n) and a
Monte Carlo run of 5,000 iterations is one pass over the levels. No step is O(n^2).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.links import Link, LinkSyntaxError, find_cycle, parse_predecessors
from pmo_xl.errors import ScheduleError
from pmo_xl.schema import Lang

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_KIND = {"FS": 0, "SS": 1, "FF": 2, "SF": 3}
_FROM_PRED_FINISH = np.array([True, False, True, False])  # FS, FF measure from the pred's finish
_TO_SUCC_FINISH = np.array([False, False, True, True])  # FF, SF constrain the succ's finish
_EPS = 1e-9

NOT_STARTED, IN_PROGRESS, FINISHED = "not_started", "in_progress", "finished"

_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "cycle": {
        "en": "{sheet}: cycle in the predecessors: {path}",
        "fr": "{sheet} : boucle dans les prédécesseurs : {path}",
    },
    "duplicate": {
        "en": "{sheet}: task ID {task} appears more than once",
        "fr": "{sheet} : l'ID tâche {task} apparaît plusieurs fois",
    },
}
_SHEET = {"en": "Tasks", "fr": "Tâches"}


def _message(key: str, lang: Lang, **values: str) -> str:
    return _MESSAGES[key][lang].format(sheet=_SHEET[lang], **values)


# --------------------------------------------------------------------------------------------
# The network: compiled once, reused by every pass
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelGroup:
    """The links into (forward pass) or out of (backward pass) the tasks of one level.

    Links are sorted by their target task (the successor going forward, the predecessor going
    backward); ``tasks`` are the distinct targets, ``starts`` the position of each target's first
    link (for ``reduceat``). Per link: ``other`` is the other end, ``target`` the target task, and
    the bound a link puts on its target is
    ``x[other] + const + other_d * d[other] + target_d * d[target]`` (x = ES or LS).
    """

    tasks: IntArray
    starts: IntArray
    other: IntArray
    target: IntArray
    const: FloatArray
    other_d: FloatArray
    target_d: FloatArray

    def bounds(self, x: FloatArray, d: FloatArray) -> FloatArray:
        """Each link's bound on its target; x and d task-major, (n,) or (n, iterations)."""
        k = (slice(None), None) if x.ndim == 2 else (slice(None),)
        out = x[self.other] + self.const[k]
        out += self.other_d[k] * d[self.other]
        out += self.target_d[k] * d[self.target]
        return out


@dataclass(frozen=True)
class Network:
    """Task ids, links as arrays and the level groups of both passes."""

    ids: tuple[str, ...]
    links: tuple[Link, ...]
    pred: IntArray
    succ: IntArray
    kind: IntArray  # 0 FS, 1 SS, 2 FF, 3 SF
    lag: FloatArray
    order: IntArray  # a topological order of the tasks
    level: IntArray  # longest number of links from a task without predecessor
    forward: tuple[LevelGroup, ...]  # levels 1.. ascending, links grouped by successor
    backward: tuple[LevelGroup, ...]  # levels descending, links grouped by predecessor

    @property
    def size(self) -> int:
        return len(self.ids)

    def offsets(self, durations: FloatArray) -> FloatArray:
        """Per link ``offset`` of ``ES_succ >= ES_pred + offset`` (see module doc)."""
        d = np.asarray(durations, dtype=np.float64)
        off = self.lag + np.where(_FROM_PRED_FINISH[self.kind], d[..., self.pred], 0.0)
        return off - np.where(_TO_SUCC_FINISH[self.kind], d[..., self.succ], 0.0)


def compile_network(ids: Sequence[str], links: Sequence[Link], *, lang: Lang = "en") -> Network:
    """The network of ``ids`` and ``links`` (links to unknown ids dropped).

    Raises ScheduleError naming the tasks of a cycle.
    """
    position = {task: i for i, task in enumerate(ids)}
    known = [k for k in links if k.pred in position and k.succ in position]
    n, m = len(ids), len(known)
    pred = np.fromiter((position[k.pred] for k in known), dtype=np.int64, count=m)
    succ = np.fromiter((position[k.succ] for k in known), dtype=np.int64, count=m)
    kind = np.fromiter((_KIND[k.type] for k in known), dtype=np.int64, count=m)
    lag = np.fromiter((math.ceil(k.lag - _EPS) for k in known), dtype=np.float64, count=m)
    head = _FROM_PRED_FINISH[kind].astype(np.float64)
    tail = _TO_SUCC_FINISH[kind].astype(np.float64)
    order, level = _levels(n, pred, succ)
    if len(order) < n:
        raise ScheduleError(_cycle_message(ids, known, order, lang))
    return Network(
        tuple(ids),
        tuple(known),
        pred,
        succ,
        kind,
        lag,
        order,
        level,
        _groups(level, target=succ, other=pred, coefficients=(lag, head, -tail), descending=False),
        _groups(level, target=pred, other=succ, coefficients=(-lag, tail, -head), descending=True),
    )


def _levels(n: int, pred: IntArray, succ: IntArray) -> tuple[IntArray, IntArray]:
    """Kahn's algorithm: topological order (shorter than n on a cycle) and levels."""
    outgoing: list[list[int]] = [[] for _ in range(n)]
    for p, s in zip(pred.tolist(), succ.tolist(), strict=True):
        outgoing[p].append(s)
    indegree = np.bincount(succ, minlength=n).tolist()
    level = [0] * n
    order = [i for i in range(n) if indegree[i] == 0]
    for u in order:  # the list grows while we walk it
        next_level = level[u] + 1
        for v in outgoing[u]:
            if level[v] < next_level:
                level[v] = next_level
            indegree[v] -= 1
            if indegree[v] == 0:
                order.append(v)
    return np.array(order, dtype=np.int64), np.array(level, dtype=np.int64)


def _cycle_message(ids: Sequence[str], links: Sequence[Link], order: IntArray, lang: Lang) -> str:
    done = set(order.tolist())
    successors: dict[str, list[str]] = {}
    for k in links:
        successors.setdefault(k.pred, []).append(k.succ)
    rest = [task for i, task in enumerate(ids) if i not in done]
    cycle = find_cycle(successors, rest) or rest
    return _message("cycle", lang, path=" -> ".join(cycle))


def _groups(
    level: IntArray,
    *,
    target: IntArray,
    other: IntArray,
    coefficients: tuple[FloatArray, FloatArray, FloatArray],
    descending: bool,
) -> tuple[LevelGroup, ...]:
    if len(target) == 0:
        return ()
    const, other_d, target_d = coefficients
    ranked = -level[target] if descending else level[target]
    links = np.lexsort((target, ranked)).astype(np.int64)
    cuts = np.flatnonzero(np.diff(ranked[links])) + 1
    groups = []
    for block in np.split(links, cuts):
        t = target[block]
        starts = np.concatenate(([0], np.flatnonzero(np.diff(t)) + 1)).astype(np.int64)
        groups.append(
            LevelGroup(
                t[starts], starts, other[block], t, const[block], other_d[block], target_d[block]
            )
        )
    return tuple(groups)


# --------------------------------------------------------------------------------------------
# The passes
# --------------------------------------------------------------------------------------------


def _task_major(values: FloatArray) -> FloatArray:
    """(iterations, n) -> contiguous (n, iterations): gathering tasks then copies whole rows."""
    a = np.asarray(values, dtype=np.float64)
    return np.ascontiguousarray(a.T) if a.ndim == 2 else a


def _column(values: FloatArray, ndim: int) -> FloatArray:
    """Per-task bounds shaped to broadcast against task-major arrays."""
    return values[:, None] if ndim == 2 else values


def forward_pass(
    network: Network, durations: FloatArray, floor: FloatArray, cap: FloatArray
) -> FloatArray:
    """Early starts ES = min(max(floor, links), cap); durations (n,) or (iterations, n)."""
    d = _task_major(durations)
    lo, hi = _column(floor, d.ndim), _column(cap, d.ndim)
    es = np.array(np.broadcast_to(lo, d.shape), dtype=np.float64)
    for g in network.forward:
        driven = np.maximum.reduceat(g.bounds(es, d), g.starts, axis=0)
        es[g.tasks] = np.minimum(np.maximum(es[g.tasks], driven), hi[g.tasks])
    return es.T if es.ndim == 2 else es


def backward_pass(
    network: Network,
    durations: FloatArray,
    finish: FloatArray | float,
    cap: FloatArray,
    floor: FloatArray,
    finish_cap: FloatArray | None = None,
) -> FloatArray:
    """Late starts LS = max(min(LF - d, cap, links), floor), LF = min(finish, finish_cap).

    ``finish`` is the project finish index, a scalar or one per iteration (shape (iterations,));
    ``cap``/``floor`` bound LS and ``finish_cap`` bounds LF, per task (n,).
    """
    d = _task_major(durations)
    end = np.asarray(finish, dtype=np.float64)
    if finish_cap is not None:
        end = np.minimum(end, _column(finish_cap, d.ndim))
    lo = _column(floor, d.ndim)
    ls = np.maximum(np.minimum(end - d, _column(cap, d.ndim)), lo)
    for g in network.backward:
        driven = np.minimum.reduceat(g.bounds(ls, d), g.starts, axis=0)
        ls[g.tasks] = np.maximum(np.minimum(ls[g.tasks], driven), lo[g.tasks])
    return ls.T if ls.ndim == 2 else ls


def free_float(network: Network, durations: FloatArray, es: FloatArray) -> FloatArray:
    """Free float of each task (1-D): smallest slack on its outgoing links, see module doc."""
    ef = es + durations
    ff = np.max(ef, initial=0.0) - ef
    if len(network.pred):
        has_successor = np.zeros(network.size, dtype=bool)
        slack = es[network.succ] - es[network.pred] - network.offsets(durations)
        has_successor[network.pred] = True
        ff[has_successor] = np.inf
        np.minimum.at(ff, network.pred, slack)
    return ff


@dataclass(frozen=True)
class SchedulePlan:
    """The network plus each task's duration and date bounds: what the passes need.

    All bounds are day indices: ``es_floor``/``es_cap`` bound ES, ``ls_cap``/``ls_floor`` bound
    LS, ``lf_cap`` bounds LF (finish no later than). ``elapsed`` is, for a task in progress, the
    working days from its actual start to the start of its remaining work; ``finished`` marks
    tasks whose dates are actual.
    """

    network: Network
    planned: FloatArray  # planned durations, whole working days
    durations: FloatArray  # effective: actual for finished, elapsed + remaining in progress
    remaining: FloatArray
    elapsed: FloatArray
    finished: npt.NDArray[np.bool_]
    es_floor: FloatArray
    es_cap: FloatArray
    ls_cap: FloatArray
    ls_floor: FloatArray
    lf_cap: FloatArray

    def durations_for(self, remaining: FloatArray) -> FloatArray:
        """Effective durations from remaining durations ((n,) or (iterations, n)).

        For Monte Carlo: sample the remaining work, keep finished tasks as they were.
        """
        r = np.asarray(remaining, dtype=np.float64)
        return np.where(self.finished, self.durations, self.elapsed + r)

    def early_start(self, durations: FloatArray) -> FloatArray:
        return forward_pass(self.network, durations, self.es_floor, self.es_cap)

    def late_start(self, durations: FloatArray, finish: FloatArray | float) -> FloatArray:
        return backward_pass(
            self.network, durations, finish, self.ls_cap, self.ls_floor, self.lf_cap
        )

    def finish_index(self, durations: FloatArray) -> FloatArray:
        """Project finish index (max EF): a scalar array, or one per iteration."""
        d = np.asarray(durations, dtype=np.float64)
        ef = self.early_start(d) + d
        return np.max(ef, axis=-1, initial=0.0) if ef.shape[-1] else np.zeros(ef.shape[:-1])

    def total_float(self, durations: FloatArray) -> FloatArray:
        """Total float per task for (n,) or (iterations, n) durations (criticality index)."""
        d = np.asarray(durations, dtype=np.float64)
        es = self.early_start(d)
        finish = np.max(es + d, axis=-1, initial=0.0)
        return self.late_start(d, finish) - es


# --------------------------------------------------------------------------------------------
# compute_schedule
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleResult:
    """The computed schedule; see the module doc for the convention."""

    tasks: pd.DataFrame
    origin: dt.date
    finish: dt.date | None
    finish_index: float
    critical_path: list[str]
    baseline_finish: dt.date | None
    slip_days: float | None
    plan: SchedulePlan = field(repr=False)
    calendar: WorkCalendar = field(repr=False)
    status_date: dt.date | None = None
    _frame: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @property
    def links(self) -> tuple[Link, ...]:
        """The links between known tasks, as parsed."""
        return self.plan.network.links

    @property
    def network(self) -> Network:
        return self.plan.network

    def with_durations(self, durations: FloatArray) -> ScheduleResult:
        """The same schedule recomputed with other effective durations (shape (n,))."""
        d = np.asarray(durations, dtype=np.float64)
        return _assemble(
            replace(self.plan, durations=d),
            self._frame,
            self.origin,
            self.calendar,
            self.status_date,
        )

    def delay(self, task_id: str, days: float) -> ScheduleResult:
        """What if ``task_id`` took ``days`` more working days."""
        i = self.plan.network.ids.index(task_id)
        d = self.plan.durations.copy()
        d[i] += days
        return self.with_durations(d)


def compute_schedule(
    tasks: pd.DataFrame,
    calendar: WorkCalendar,
    project_start: dt.date,
    status_date: dt.date | None = None,
    *,
    progress: bool = True,
    lang: Lang = "en",
) -> ScheduleResult:
    """CPM schedule of ``tasks`` (the Tasks table, schema columns) from ``project_start``.

    Progress is applied when ``progress`` is true and a status date is given. Rows without a task
    id are skipped; predecessor pieces that do not parse or name unknown tasks are ignored (the
    validation reports them). Raises ScheduleError on a cycle or a duplicated task id.
    """
    frame = task_frame(tasks, lang=lang)
    origin = _as_date(calendar.roll_forward(project_start))
    ids = list(frame.index)
    network = compile_network(ids, _links(frame, ids), lang=lang)
    apply_progress = progress and status_date is not None
    plan = _plan(network, frame, calendar, origin, status_date if apply_progress else None)
    return _assemble(plan, frame, origin, calendar, status_date if apply_progress else None)


def task_frame(tasks: pd.DataFrame, *, lang: Lang = "en") -> pd.DataFrame:
    """``tasks`` indexed by task id (input order), rows without id dropped.

    Raises ScheduleError on a duplicated id.
    """
    ids = tasks["task_id"] if "task_id" in tasks.columns else pd.Series([], dtype=object)
    keep = ids.map(lambda v: isinstance(v, str) and bool(v.strip())).to_numpy(dtype=bool)
    frame = tasks.loc[keep].copy()
    frame.index = pd.Index([str(v).strip() for v in ids[keep]], name="task_id")
    dup = frame.index[frame.index.duplicated()]
    if len(dup):
        raise ScheduleError(_message("duplicate", lang, task=str(dup[0])))
    return frame


def _links(frame: pd.DataFrame, ids: list[str]) -> list[Link]:
    if "predecessors" not in frame.columns:
        return []
    known = set(ids)
    links: list[Link] = []
    for succ, text in zip(ids, frame["predecessors"].tolist(), strict=True):
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            links.extend(parse_predecessors(text, succ, known))
        except LinkSyntaxError:  # keep the pieces that parse; validation reports the others
            for piece in text.replace(",", ";").split(";"):
                try:
                    links.extend(parse_predecessors(piece, succ, known))
                except LinkSyntaxError:
                    continue
    return links


def _as_date(value: Any) -> dt.date:
    day = np.asarray(value, dtype="datetime64[D]").reshape(())
    return dt.date.fromisoformat(str(day))


def _numbers(frame: pd.DataFrame, key: str, default: float = np.nan) -> FloatArray:
    if key not in frame.columns:
        return np.full(len(frame), default)
    values = pd.to_numeric(frame[key], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(values), default, values)


def _dates(frame: pd.DataFrame, key: str) -> npt.NDArray[np.datetime64]:
    if key not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    return np.asarray(
        pd.to_datetime(frame[key], errors="coerce").to_numpy(dtype="datetime64[ns]"),
        dtype="datetime64[D]",
    )


def _texts(frame: pd.DataFrame, key: str) -> npt.NDArray[np.str_]:
    if key not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return np.array([v.strip().lower() if isinstance(v, str) else "" for v in frame[key]])


def _ceil_days(values: FloatArray) -> FloatArray:
    return np.maximum(np.ceil(np.round(values, 9)), 0.0)


def _plan(
    network: Network,
    frame: pd.DataFrame,
    calendar: WorkCalendar,
    origin: dt.date,
    status_date: dt.date | None,
) -> SchedulePlan:
    n = len(frame)
    duration = _ceil_days(_numbers(frame, "duration", 0.0))
    es_floor = np.zeros(n)
    es_cap = np.full(n, np.inf)
    ls_cap = np.full(n, np.inf)
    ls_floor = np.full(n, -np.inf)
    lf_cap = np.full(n, np.inf)
    effective = duration.copy()
    remaining = duration.copy()
    elapsed = np.zeros(n)
    finished = np.zeros(n, dtype=bool)

    constraint = _texts(frame, "constraint")
    c_index = calendar.index_of(origin, _dates(frame, "constraint_date"))
    has_date = ~np.isnan(c_index)
    snet = has_date & (constraint == "snet")
    mso = has_date & (constraint == "mso")
    fnlt = has_date & (constraint == "fnlt")
    es_floor[snet] = c_index[snet]

    if status_date is not None:
        data_day = float(calendar.index_of(origin, status_date + dt.timedelta(days=1)))
        actual_start = calendar.index_of(origin, _dates(frame, "actual_start"))
        actual_finish = calendar.index_of(origin, _dates(frame, "actual_finish"))
        started = ~np.isnan(actual_start)
        finished = ~np.isnan(actual_finish) | (started & (duration == 0))
        running = started & ~finished
        done_finish = np.where(np.isnan(actual_finish), actual_start, actual_finish)
        milestone = duration == 0
        done_start = np.where(
            started, actual_start, done_finish - np.where(milestone, 0.0, duration - 1)
        )
        done_end = np.where(milestone, done_start, np.maximum(done_finish + 1, done_start))
        pct = np.clip(_numbers(frame, "percent_complete", 0.0), 0.0, 1.0)
        left = _ceil_days(duration * (1.0 - pct))
        resume = np.maximum(data_day, actual_start)

        es_floor = np.maximum(es_floor, data_day)
        begun = started | finished
        fixed = np.where(finished, done_start, actual_start)
        es_floor[begun] = fixed[begun]
        es_cap[begun] = fixed[begun]
        ls_floor[finished] = done_start[finished]
        ls_cap[finished] = done_start[finished]
        effective[finished] = (done_end - done_start)[finished]
        elapsed[running] = (resume - actual_start)[running]
        remaining[running] = left[running]
        effective[running] = elapsed[running] + left[running]
        remaining[finished] = 0.0
        mso &= ~begun
        fnlt &= ~finished

    es_floor[mso] = c_index[mso]
    es_cap[mso] = c_index[mso]
    ls_cap[mso] = c_index[mso]
    lf_cap[fnlt] = (c_index + np.where(duration > 0, 1.0, 0.0))[fnlt]
    return SchedulePlan(
        network,
        duration,
        effective,
        remaining,
        elapsed,
        finished,
        es_floor,
        es_cap,
        ls_cap,
        ls_floor,
        lf_cap,
    )


def _assemble(
    plan: SchedulePlan,
    frame: pd.DataFrame,
    origin: dt.date,
    calendar: WorkCalendar,
    status_date: dt.date | None,
) -> ScheduleResult:
    d = plan.durations
    es = plan.early_start(d)
    ef = es + d
    finish_index = float(np.max(ef, initial=0.0)) if len(ef) else 0.0
    ls = plan.late_start(d, finish_index)
    lf = ls + d
    total = ls - es
    free = free_float(plan.network, d, es)
    open_ = ~plan.finished
    critical = np.zeros(len(d), dtype=bool)
    if open_.any():
        critical = open_ & (total <= np.min(total[open_]) + _EPS)

    milestone = d == 0
    start = calendar.date_of(origin, es)
    finish = calendar.date_of(origin, np.where(milestone, es, ef - 1))
    late_start = calendar.date_of(origin, ls)
    late_finish = calendar.date_of(origin, np.where(milestone, ls, lf - 1))
    state = np.full(len(d), NOT_STARTED, dtype=object)
    if status_date is not None:
        actual_start, actual_finish = _dates(frame, "actual_start"), _dates(frame, "actual_finish")
        start = np.where(np.isnat(actual_start), start, actual_start)
        finish = np.where(plan.finished & ~np.isnat(actual_finish), actual_finish, finish)
        state[~np.isnat(actual_start)] = IN_PROGRESS
        state[plan.finished] = FINISHED

    out = pd.DataFrame(
        {
            "es": es,
            "ef": ef,
            "ls": ls,
            "lf": lf,
            "start": start.astype("datetime64[ns]"),
            "finish": finish.astype("datetime64[ns]"),
            "late_start": late_start.astype("datetime64[ns]"),
            "late_finish": late_finish.astype("datetime64[ns]"),
            "total_float": total,
            "free_float": free,
            "critical": critical,
            "remaining": plan.remaining,
            "duration": plan.planned,
            "state": state,
        },
        index=pd.Index(list(plan.network.ids), name="task_id", dtype=object),
    )
    order = np.lexsort((np.arange(len(d)), ef, es))
    path = [plan.network.ids[i] for i in order if critical[i]]
    project_finish = _as_date(finish.max()) if len(d) else None
    baseline = _dates(frame, "baseline_finish")
    baseline = baseline[~np.isnat(baseline)]
    baseline_finish = _as_date(baseline.max()) if len(baseline) else None
    slip = None
    if baseline_finish is not None and project_finish is not None:
        slip = float(calendar.index_of(baseline_finish, project_finish))
    return ScheduleResult(
        out,
        origin,
        project_finish,
        finish_index,
        path,
        baseline_finish,
        slip,
        plan,
        calendar,
        status_date,
        frame,
    )
