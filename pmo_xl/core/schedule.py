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
topological level, the links grouped by target task. A pass over many iterations is a loop over
levels (not tasks or links) of numpy gathers and ``reduceat`` reductions; every array may carry
a leading iteration axis, so ``SchedulePlan.early_start`` accepts durations of shape (n,) or
(iterations, n) and a Monte Carlo run of 5,000 iterations is one pass over the levels. A single
pass (shape (n,), the schedule itself) is a plain Python loop over the links in topological
order (``Sweep``): the same sums in the same order and the same max/min, so the same floats,
without a dozen numpy calls per level. Both groupings are built on first use. No step is O(n^2).

A schedule is computed for every workbook of a portfolio, so ``compute_schedule`` avoids fixed
pandas costs: it reads the Tasks columns it needs without copying the table, parses each
predecessor tail once (``links.parse_cells``) and makes no ``Link`` object unless asked for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import compress
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.links import LINK_TYPES, Link, LinkColumns, find_cycle, parse_cells
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
class Sweep:
    """The links of one pass in the order a one-dimensional pass visits them.

    Per link, as in ``LevelGroup``: the ``target`` task it bounds and the ``other`` end, sorted
    so that the targets come in a topological order going forward (successors), in the reverse
    order going backward (predecessors), each target's links together. Plain lists: a Python
    loop over a few thousand links costs less than the numpy calls of one level after another.
    """

    target: list[int]
    other: list[int]
    const: list[float]
    other_d: list[float]
    target_d: list[float]


@dataclass(frozen=True)
class Network:
    """Task ids, links as arrays and, built when first used, the links grouped for the passes."""

    ids: tuple[str, ...]
    pred: IntArray
    succ: IntArray
    kind: IntArray  # 0 FS, 1 SS, 2 FF, 3 SF
    lag: FloatArray  # whole working days (rounded up)
    order: IntArray  # a topological order of the tasks
    level: IntArray  # longest number of links from a task without predecessor
    written_lag: FloatArray  # the lag as parsed

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def links(self) -> tuple[Link, ...]:
        """The links between known tasks, as parsed (made on demand: few callers need them)."""
        ids, kinds = self.ids, [LINK_TYPES[k] for k in self.kind.tolist()]
        rows = zip(
            self.pred.tolist(), self.succ.tolist(), kinds, self.written_lag.tolist(), strict=True
        )
        return tuple(Link(ids[p], ids[s], t, lag) for p, s, t, lag in rows)

    @cached_property
    def forward(self) -> tuple[LevelGroup, ...]:
        """Levels 1.. ascending, links grouped by successor (passes over many iterations)."""
        head, tail = self._finish_flags()
        return _groups(
            self.level,
            target=self.succ,
            other=self.pred,
            coefficients=(self.lag, head, -tail),
            descending=False,
        )

    @cached_property
    def backward(self) -> tuple[LevelGroup, ...]:
        """Levels descending, links grouped by predecessor (passes over many iterations)."""
        head, tail = self._finish_flags()
        return _groups(
            self.level,
            target=self.pred,
            other=self.succ,
            coefficients=(-self.lag, tail, -head),
            descending=True,
        )

    @cached_property
    def forward_sweep(self) -> Sweep:
        """The forward links for a one-dimensional pass: by successor, topologically."""
        head, tail = self._finish_flags()
        return _sweep(
            self._rank[self.succ],
            target=self.succ,
            other=self.pred,
            coefficients=(self.lag, head, -tail),
        )

    @cached_property
    def backward_sweep(self) -> Sweep:
        """The backward links for a one-dimensional pass: by predecessor, last task first."""
        head, tail = self._finish_flags()
        return _sweep(
            -self._rank[self.pred],
            target=self.pred,
            other=self.succ,
            coefficients=(-self.lag, tail, -head),
        )

    @cached_property
    def _rank(self) -> IntArray:
        """Each task's position in ``order``."""
        rank = np.empty(self.size, dtype=np.int64)
        rank[self.order] = np.arange(len(self.order))
        return rank

    def _finish_flags(self) -> tuple[FloatArray, FloatArray]:
        """Per link 1.0 where it measures from the predecessor's finish (FS, FF), and where it
        constrains the successor's finish (FF, SF), else 0.0."""
        return (
            _FROM_PRED_FINISH[self.kind].astype(np.float64),
            _TO_SUCC_FINISH[self.kind].astype(np.float64),
        )

    def offsets(self, durations: FloatArray) -> FloatArray:
        """Per link ``offset`` of ``ES_succ >= ES_pred + offset`` (see module doc)."""
        d = np.asarray(durations, dtype=np.float64)
        off = self.lag + np.where(_FROM_PRED_FINISH[self.kind], d[..., self.pred], 0.0)
        return off - np.where(_TO_SUCC_FINISH[self.kind], d[..., self.succ], 0.0)


def compile_network(ids: Sequence[str], links: Sequence[Link], *, lang: Lang = "en") -> Network:
    """The network of ``ids`` and ``links`` (links to unknown ids dropped).

    Raises ScheduleError naming the tasks of a cycle.
    """
    columns = LinkColumns([], [], [], [])
    for k in links:
        columns.pred.append(k.pred)
        columns.succ.append(k.succ)
        columns.type.append(k.type)
        columns.lag.append(k.lag)
    network = _network(ids, columns, lang)
    known = set(ids)
    # keep the Link objects given (the cached property would make equal ones)
    network.__dict__["links"] = tuple(k for k in links if k.pred in known and k.succ in known)
    return network


def _network(ids: Sequence[str], links: LinkColumns, lang: Lang) -> Network:
    """``compile_network`` from the links' columns."""
    position = {task: i for i, task in enumerate(ids)}
    known = [p in position and s in position for p, s in zip(links.pred, links.succ, strict=True)]
    if not all(known):
        links = LinkColumns(
            list(compress(links.pred, known)),
            list(compress(links.succ, known)),
            list(compress(links.type, known)),
            list(compress(links.lag, known)),
        )
    preds, succs, types, lags = links
    n, m = len(ids), len(preds)
    pred = np.fromiter(map(position.__getitem__, preds), dtype=np.int64, count=m)
    succ = np.fromiter(map(position.__getitem__, succs), dtype=np.int64, count=m)
    kind = np.fromiter(map(_KIND.__getitem__, types), dtype=np.int64, count=m)
    written = np.fromiter(lags, dtype=np.float64, count=m)
    if np.isfinite(written).all():  # whole days, rounded up; + 0.0 turns ceil's -0.0 into 0.0
        lag = np.ceil(written - _EPS) + 0.0
    else:  # math.ceil raises on an infinite lag, as it always did
        lag = np.array([math.ceil(x - _EPS) for x in lags], dtype=np.float64)
    order, level = _levels(n, pred, succ)
    if len(order) < n:
        raise ScheduleError(_cycle_message(ids, preds, succs, order, lang))
    return Network(tuple(ids), pred, succ, kind, lag, order, level, written)


def _levels(n: int, pred: IntArray, succ: IntArray) -> tuple[IntArray, IntArray]:
    """Kahn's algorithm: topological order (shorter than n on a cycle) and levels."""
    # the successors of task u, in link order, are outgoing[first[u]:first[u + 1]]
    by_pred = np.argsort(pred, kind="stable")
    outgoing = succ[by_pred].tolist()
    first = np.concatenate(([0], np.cumsum(np.bincount(pred, minlength=n)))).tolist()
    indegree = np.bincount(succ, minlength=n).tolist()
    level = [0] * n
    order = [i for i in range(n) if indegree[i] == 0]
    for u in order:  # the list grows while we walk it
        next_level = level[u] + 1
        for k in range(first[u], first[u + 1]):
            v = outgoing[k]
            if level[v] < next_level:
                level[v] = next_level
            indegree[v] -= 1
            if indegree[v] == 0:
                order.append(v)
    return np.array(order, dtype=np.int64), np.array(level, dtype=np.int64)


def _cycle_message(
    ids: Sequence[str], preds: Sequence[str], succs: Sequence[str], order: IntArray, lang: Lang
) -> str:
    done = set(order.tolist())
    successors: dict[str, list[str]] = {}
    for pred, succ in zip(preds, succs, strict=True):
        successors.setdefault(pred, []).append(succ)
    rest = [task for i, task in enumerate(ids) if i not in done]
    cycle = find_cycle(successors, rest) or rest
    return _message("cycle", lang, path=" -> ".join(cycle))


def _sweep(
    rank: IntArray,
    *,
    target: IntArray,
    other: IntArray,
    coefficients: tuple[FloatArray, FloatArray, FloatArray],
) -> Sweep:
    """The links sorted by ``rank`` (of their target), as a ``Sweep``."""
    const, other_d, target_d = coefficients
    links = np.argsort(rank, kind="stable")
    return Sweep(
        target[links].tolist(),
        other[links].tolist(),
        const[links].tolist(),
        other_d[links].tolist(),
        target_d[links].tolist(),
    )


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
    links = np.lexsort((target, ranked))
    ranked, target = ranked[links], target[links]
    other, const, other_d, target_d = other[links], const[links], other_d[links], target_d[links]
    # blocks of one level; inside a block the targets are sorted, so a target's run of links
    # starts where the target changes or a block starts
    new_level = np.concatenate(([True], ranked[1:] != ranked[:-1]))
    new_target = new_level | np.concatenate(([True], target[1:] != target[:-1]))
    blocks = np.flatnonzero(new_level)
    runs = np.flatnonzero(new_target).astype(np.int64)
    cuts = [*np.searchsorted(runs, blocks).tolist(), len(runs)]  # each block's first run
    ends = [*blocks[1:].tolist(), len(links)]
    groups = []
    for a, b, lo, hi in zip(blocks.tolist(), ends, cuts[:-1], cuts[1:], strict=True):
        first = runs[lo:hi]
        groups.append(
            LevelGroup(
                target[first],
                first - a,
                other[a:b],
                target[a:b],
                const[a:b],
                other_d[a:b],
                target_d[a:b],
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
    if d.ndim == 1 and _scalar_safe(d, es, hi):
        return _sweep_forward(network.forward_sweep, es, d, hi)
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
    if d.ndim == 1 and _scalar_safe(d, ls, lo):
        return _sweep_backward(network.backward_sweep, ls, d, lo)
    for g in network.backward:
        driven = np.minimum.reduceat(g.bounds(ls, d), g.starts, axis=0)
        ls[g.tasks] = np.maximum(np.minimum(ls[g.tasks], driven), lo[g.tasks])
    return ls.T if ls.ndim == 2 else ls


def _scalar_safe(durations: FloatArray, *bounds: FloatArray | float) -> bool:
    """Whether a Python loop computes exactly what numpy does: finite durations, and no NaN or
    -0.0 among the bounds (where ``max``/``min`` and ``np.maximum``/``np.minimum`` could pick
    differently). Sums of such values are never NaN or -0.0 either."""
    if not np.isfinite(durations).all():
        return False
    for values in bounds:
        b = np.asarray(values)
        if np.isnan(b).any() or ((b == 0) & np.signbit(b)).any():
            return False
    return True


def _sweep_forward(sweep: Sweep, es: FloatArray, d: FloatArray, cap: FloatArray) -> FloatArray:
    """``forward_pass`` for one set of durations ``d``, ``es`` holding the floors.

    The same sums in the same order as ``LevelGroup.bounds``, the same max and min.
    """
    x, dur = es.tolist(), d.tolist()
    hi = np.broadcast_to(cap, es.shape).tolist()
    links = zip(sweep.target, sweep.other, sweep.const, sweep.other_d, sweep.target_d, strict=True)
    task, best, d_task = -1, 0.0, 0.0
    for t, o, const, other_d, target_d in links:
        if t != task:  # the previous target's links are done
            if task >= 0:
                x[task] = best if best < hi[task] else hi[task]
            task, best, d_task = t, x[t], dur[t]
        bound = x[o] + const + other_d * dur[o] + target_d * d_task
        if bound > best:
            best = bound
    if task >= 0:
        x[task] = best if best < hi[task] else hi[task]
    return np.array(x, dtype=np.float64)


def _sweep_backward(sweep: Sweep, ls: FloatArray, d: FloatArray, floor: FloatArray) -> FloatArray:
    """``backward_pass`` for one set of durations ``d``, ``ls`` holding the capped starts."""
    x, dur = ls.tolist(), d.tolist()
    lo = np.broadcast_to(floor, ls.shape).tolist()
    links = zip(sweep.target, sweep.other, sweep.const, sweep.other_d, sweep.target_d, strict=True)
    task, best, d_task = -1, 0.0, 0.0
    for t, o, const, other_d, target_d in links:
        if t != task:
            if task >= 0:
                x[task] = best if best > lo[task] else lo[task]
            task, best, d_task = t, x[t], dur[t]
        bound = x[o] + const + other_d * dur[o] + target_d * d_task
        if bound < best:
            best = bound
    if task >= 0:
        x[task] = best if best > lo[task] else lo[task]
    return np.array(x, dtype=np.float64)


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
    _columns: _TaskColumns = field(repr=False, default_factory=lambda: _TaskColumns.empty())

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
            self._columns,
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
    kept, ids = task_ids(tasks, lang=lang)
    if len(kept) != len(tasks):  # no task id column: task_frame raises (its row selection)
        task_frame(tasks, lang=lang)
    columns = _TaskColumns(tasks, kept)
    origin = _as_date(calendar.roll_forward(project_start))
    network = _network(ids, _links(columns, ids), lang)
    status = status_date if progress and status_date is not None else None
    plan = _plan(network, columns, calendar, origin, status)
    return _assemble(plan, columns, origin, calendar, status)


def task_frame(tasks: pd.DataFrame, *, lang: Lang = "en") -> pd.DataFrame:
    """``tasks`` indexed by task id (input order), rows without id dropped.

    Raises ScheduleError on a duplicated id.
    """
    return _task_frame(tasks, lang)[0]


def _task_frame(tasks: pd.DataFrame, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    """``task_frame`` and its index as a list."""
    kept, names = task_ids(tasks, lang=lang)
    # every row has an id (the usual): a plain copy, not a boolean selection
    frame = tasks.copy() if len(kept) == len(tasks) and kept.all() else tasks.loc[kept].copy()
    frame.index = pd.Index(names, name="task_id")
    return frame, names


class _TaskColumns:
    """The columns of ``task_frame(tasks)`` without the frame: the rows with a task id, each
    column read and parsed once (a schedule reads its Tasks columns, it needs no copy).

    The dates ``_assemble`` reads are parsed by the schedule's first ``_assemble``: a later
    ``ScheduleResult.with_durations`` uses them as they were, whatever became of the table.
    """

    def __init__(self, tasks: pd.DataFrame, kept: npt.NDArray[np.bool_]) -> None:
        self.tasks = tasks
        self.kept = None if kept.all() else kept  # None: every row
        self.size = int(np.count_nonzero(kept))
        self.parsed: dict[str, npt.NDArray[Any]] = {}

    @classmethod
    def empty(cls) -> _TaskColumns:
        return cls(pd.DataFrame(), np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return self.size

    def column(self, key: str) -> pd.Series | None:
        """The column (the rows with an id), None when the table has no such column."""
        if key not in self.tasks.columns:
            return None
        column = self.tasks[key]
        return column if self.kept is None else column[self.kept]

    def dates(self, key: str) -> npt.NDArray[np.datetime64]:
        """The column as ``datetime64[D]`` (NaT where blank or not a date)."""
        if key not in self.parsed:
            self.parsed[key] = _dates(self.column(key), self.size)
        return self.parsed[key]

    def numbers(self, key: str, default: float) -> FloatArray:
        """The column as floats, ``default`` where blank or not a number."""
        return _numbers(self.column(key), self.size, default)

    def texts(self, key: str) -> npt.NDArray[np.str_]:
        """The column stripped and lower-cased, "" where blank or not text."""
        column = self.column(key)
        if column is None:
            return np.full(self.size, "", dtype=object)
        return np.array([v.strip().lower() if isinstance(v, str) else "" for v in column.tolist()])


def task_ids(tasks: pd.DataFrame, *, lang: Lang = "en") -> tuple[npt.NDArray[np.bool_], list[str]]:
    """The rows of ``tasks`` that have a task id, and their ids, as ``task_frame`` keeps them.

    Raises ScheduleError on a duplicated id.
    """
    ids = tasks["task_id"].tolist() if "task_id" in tasks.columns else []
    stripped = [v.strip() if isinstance(v, str) else "" for v in ids]
    names = list(map(str, filter(None, stripped)))  # the non-blank ones
    if len(set(names)) < len(names):
        index = pd.Index(names, name="task_id")
        dup = index[index.duplicated()]
        raise ScheduleError(_message("duplicate", lang, task=str(dup[0])))
    return np.fromiter(map(bool, stripped), dtype=bool, count=len(stripped)), names


def _links(columns: _TaskColumns, ids: list[str]) -> LinkColumns:
    """The links of the Predecessors cells; pieces that do not parse are left out (validation
    reports them)."""
    cells = columns.column("predecessors")
    if cells is None:
        return LinkColumns([], [], [], [])
    return parse_cells(zip(ids, cells.tolist(), strict=True), set(ids))


# the columns of ScheduleResult.tasks
_TASK_COLUMNS = pd.Index(
    [
        "es",
        "ef",
        "ls",
        "lf",
        "start",
        "finish",
        "late_start",
        "late_finish",
        "total_float",
        "free_float",
        "critical",
        "remaining",
        "duration",
        "state",
    ]
)


def _frame(columns: pd.Index, values: Sequence[Any], index: pd.Index | None = None) -> pd.DataFrame:
    """``pd.DataFrame(dict(zip(columns, values)), index=index)``, the columns given as an Index
    made once: from a dict's keys pandas would make (and type) that Index anew every time."""
    frame = pd.DataFrame(dict(enumerate(values)), index=index)
    # a view: its own name, the lookup table of the labels shared (built once, not per frame)
    frame.columns = columns.view()
    return frame


def _as_date(value: Any) -> dt.date:
    day = np.asarray(value, dtype="datetime64[D]").reshape(())
    date = day.item()  # a date (None for NaT, an int beyond the years 1-9999: parsed, and fails)
    return date if isinstance(date, dt.date) else dt.date.fromisoformat(str(day))


def _numbers(column: pd.Series | None, size: int, default: float) -> FloatArray:
    if column is None:
        return np.full(size, default)
    if _is_numpy_kind(column, "fiu"):  # numbers already, their missing values NaN
        values = column.to_numpy(dtype=np.float64)
    else:
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(values), default, values)


def _dates(column: pd.Series | None, size: int) -> npt.NDArray[np.datetime64]:
    if column is None:
        return np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    if not _is_numpy_kind(column, "M"):  # a (naive) datetime column needs no parsing
        column = pd.to_datetime(column, errors="coerce")
    return np.asarray(column.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")


def _is_numpy_kind(column: pd.Series, kinds: str) -> bool:
    return isinstance(column.dtype, np.dtype) and column.dtype.kind in kinds


def _day_indices(
    calendar: WorkCalendar, origin: dt.date, *columns: npt.NDArray[np.datetime64]
) -> list[FloatArray]:
    """``calendar.index_of(origin, column)`` of each column, in one vectorised call on the
    dates that are not NaT (their index is NaN)."""
    days = np.concatenate(columns)
    known = ~np.isnat(days)
    values = np.full(len(days), np.nan)
    values[known] = calendar.index_of(origin, days[known])
    return np.split(values, np.cumsum([len(c) for c in columns[:-1]]))


def _day_dates(
    calendar: WorkCalendar, origin: dt.date, *indices: FloatArray
) -> list[npt.NDArray[np.datetime64]]:
    """``calendar.date_of(origin, index)`` of each index array, in one vectorised call."""
    values = calendar.date_of(origin, np.concatenate(indices))
    return np.split(values, np.cumsum([len(i) for i in indices[:-1]]))


def _ceil_days(values: FloatArray) -> FloatArray:
    return np.maximum(np.ceil(np.round(values, 9)), 0.0)


def _plan(
    network: Network,
    columns: _TaskColumns,
    calendar: WorkCalendar,
    origin: dt.date,
    status_date: dt.date | None,
) -> SchedulePlan:
    n = len(columns)
    dates = columns.dates
    duration = _ceil_days(columns.numbers("duration", 0.0))
    es_floor = np.zeros(n)
    es_cap = np.full(n, np.inf)
    ls_cap = np.full(n, np.inf)
    ls_floor = np.full(n, -np.inf)
    lf_cap = np.full(n, np.inf)
    effective = duration.copy()
    remaining = duration.copy()
    elapsed = np.zeros(n)
    finished = np.zeros(n, dtype=bool)

    if status_date is None:
        (c_index,) = _day_indices(calendar, origin, dates("constraint_date"))
    else:
        data_date = np.array([status_date + dt.timedelta(days=1)], dtype="datetime64[D]")
        c_index, actual_start, actual_finish, data_index = _day_indices(
            calendar,
            origin,
            dates("constraint_date"),
            dates("actual_start"),
            dates("actual_finish"),
            data_date,
        )
    has_date = ~np.isnan(c_index)
    # a constraint without a date is ignored: the column is read only when a date is given
    constraint = columns.texts("constraint") if has_date.any() else np.full(n, "")
    snet = has_date & (constraint == "snet")
    mso = has_date & (constraint == "mso")
    fnlt = has_date & (constraint == "fnlt")
    es_floor[snet] = c_index[snet]

    if status_date is not None:
        data_day = float(data_index[0])
        started = ~np.isnan(actual_start)
        finished = ~np.isnan(actual_finish) | (started & (duration == 0))
        running = started & ~finished
        done_finish = np.where(np.isnan(actual_finish), actual_start, actual_finish)
        milestone = duration == 0
        done_start = np.where(
            started, actual_start, done_finish - np.where(milestone, 0.0, duration - 1)
        )
        done_end = np.where(milestone, done_start, np.maximum(done_finish + 1, done_start))
        pct = np.clip(columns.numbers("percent_complete", 0.0), 0.0, 1.0)
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
    columns: _TaskColumns,
    origin: dt.date,
    calendar: WorkCalendar,
    status_date: dt.date | None,
) -> ScheduleResult:
    dates = columns.dates
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
    start, finish, late_start, late_finish = _day_dates(
        calendar,
        origin,
        es,
        np.where(milestone, es, ef - 1),
        ls,
        np.where(milestone, ls, lf - 1),
    )
    state = np.full(len(d), NOT_STARTED, dtype=object)
    if status_date is not None:
        actual_start, actual_finish = dates("actual_start"), dates("actual_finish")
        start = np.where(np.isnat(actual_start), start, actual_start)
        finish = np.where(plan.finished & ~np.isnat(actual_finish), actual_finish, finish)
        state[~np.isnat(actual_start)] = IN_PROGRESS
        state[plan.finished] = FINISHED

    out = _frame(
        _TASK_COLUMNS,
        [
            es,
            ef,
            ls,
            lf,
            start.astype("datetime64[ns]"),
            finish.astype("datetime64[ns]"),
            late_start.astype("datetime64[ns]"),
            late_finish.astype("datetime64[ns]"),
            total,
            free,
            critical,
            plan.remaining,
            plan.planned,
            state,
        ],
        index=pd.Index(list(plan.network.ids), name="task_id", dtype=object),
    )
    order = np.lexsort((np.arange(len(d)), ef, es))
    ids = plan.network.ids
    path = [ids[i] for i in order[critical[order]].tolist()]
    project_finish = _as_date(finish.max()) if len(d) else None
    baseline = dates("baseline_finish")
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
        columns,
    )
