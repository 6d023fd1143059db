"""The watchdog: alerts when work silently stops ("someone stopped rowing").

Every rule has a stable code, a severity and a subject (task, resource, risk, deliverable,
training). The status date is the only "now"; thresholds come from Settings:
``watchdog_window_days`` (W, calendar days, default 14) and ``watchdog_hours_ratio`` (default
25 %). "Older than the window" means strictly more than W days before the status date: a date
exactly W days old does not fire. "Passed" means strictly before the status date.

==================== ======== =========== ===================================================
rule                 severity subject     fires when
==================== ======== =========== ===================================================
stale_task           high     task        in progress and Last update older than W (or blank)
silent_resource      high     resource    assigned to a task in progress and logged no hours
                                          in the window, or less than ratio × the hours
                                          planned for their tasks in progress over the window
overdue_task         high     task        planned finish passed and not complete
not_started          medium   task        start passed (planned start; the forecast start
                                          when the planned one is blank) and no actual start
no_owner             medium   task        in progress with no owner
unknown_owner        medium   task        owner is not a Resource ID of the Resources sheet
risk_action_overdue  medium   risk        open risk whose action due date has passed
deliverable_overdue  medium   deliverable due date passed, not submitted nor accepted
risk_not_reviewed    low      risk        open risk whose last review (raised on when never
                                          reviewed) is older than W, or both blank
training_overdue     low      training    planned date passed, not done, not cancelled
==================== ======== =========== ===================================================

Definitions: a task is *complete* when it has an actual finish or 100 % complete; *in progress*
when it has an actual start and is not complete. The silence window of ``silent_resource`` is
the W calendar days ending on and including the status date; a person's logged hours are their
Actuals hours dated in it, on any task of the project (a person busy on another task of the
project is not silent); the hours planned for them over it are, for each of their assignments on
a task in progress, the planned hours spread evenly over the task's working days (forecast dates
from ``task_dates`` when given, else actual or planned start to planned finish), counted on the
working days of the window. A window holding no working day raises no silence alert.

Alerts are sorted by severity (high first), then ``since`` (oldest first; a blank ``since``,
i.e. never updated, counts as the oldest), then rule and subject.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar, to_day
from pmo_xl.core.resources import working_span
from pmo_xl.i18n import Catalog, fmt_number, tr
from pmo_xl.model import ProjectData
from pmo_xl.schema import Lang

AlertSeverity = Literal["high", "medium", "low"]
SubjectType = Literal["task", "resource", "risk", "deliverable", "training"]
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
DEFAULT_WINDOW_DAYS = 14
DEFAULT_HOURS_RATIO = 0.25


@dataclass(frozen=True)
class Rule:
    code: str
    severity: AlertSeverity
    subject_type: SubjectType


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("stale_task", "high", "task"),
        Rule("silent_resource", "high", "resource"),
        Rule("overdue_task", "high", "task"),
        Rule("not_started", "medium", "task"),
        Rule("no_owner", "medium", "task"),
        Rule("unknown_owner", "medium", "task"),
        Rule("risk_action_overdue", "medium", "risk"),
        Rule("deliverable_overdue", "medium", "deliverable"),
        Rule("risk_not_reviewed", "low", "risk"),
        Rule("training_overdue", "low", "training"),
    )
}
RULE_ORDER = {code: i for i, code in enumerate(RULES)}


@dataclass(frozen=True)
class Alert:
    """One watchdog alert.

    ``value`` is the measure that fired (days of silence or lateness, hours logged in the window)
    and ``threshold`` what it was compared with (window days, hours expected); ``sheet``/``cell``
    locate the date or value that triggered it in the workbook ("" when unknown).
    """

    rule: str
    severity: AlertSeverity
    subject_type: SubjectType
    subject_id: str
    since: dt.date | None
    value: float | None
    message: str
    sheet: str = ""
    cell: str = ""
    threshold: float | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "since": self.since.isoformat() if self.since else None,
            "value": _json_number(self.value),
            "threshold": _json_number(self.threshold),
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


def _json_number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


MESSAGES: Catalog = {
    "stale_task": {
        "fr": "{id} : aucune mise à jour depuis le {since} ({days} jours)",
        "en": "{id}: no update since {since} ({days} days)",
    },
    "stale_task_blank": {
        "fr": "{id} : tâche en cours sans date de dernière mise à jour",
        "en": "{id}: task in progress with no last update date",
    },
    "not_started": {
        "fr": "{id} : début prévu le {since} dépassé de {days} jours, pas de début réel",
        "en": "{id}: start planned on {since} passed by {days} days, not started",
    },
    "overdue_task": {
        "fr": "{id} : fin prévue le {since} dépassée de {days} jours, non terminée ({pct})",
        "en": "{id}: finish planned on {since} passed by {days} days, not complete ({pct})",
    },
    "silent_resource_none": {
        "fr": "{who} : aucune heure saisie sur les {window} derniers jours (en cours : {tasks}) ; "
        "{last}",
        "en": "{who}: no hours logged in the last {window} days (in progress: {tasks}); {last}",
    },
    "silent_resource_low": {
        "fr": "{who} : {logged} h saisies sur les {window} derniers jours pour {planned} h "
        "prévues (en cours : {tasks}) ; {last}",
        "en": "{who}: {logged} h logged in the last {window} days against {planned} h planned "
        "(in progress: {tasks}); {last}",
    },
    "last_logged": {"fr": "dernière saisie le {since}", "en": "last logged on {since}"},
    "never_logged": {"fr": "aucune saisie", "en": "nothing logged yet"},
    "no_owner": {
        "fr": "{id} : tâche en cours sans responsable",
        "en": "{id}: task in progress with no owner",
    },
    "unknown_owner": {
        "fr": "{id} : le responsable « {owner} » n'est pas une ressource connue",
        "en": "{id}: owner '{owner}' is not a known resource",
    },
    "risk_action_overdue": {
        "fr": "{id} : action « {action} » attendue le {since}, en retard de {days} jours",
        "en": "{id}: action '{action}' due on {since}, {days} days late",
    },
    "risk_not_reviewed": {
        "fr": "{id} : risque ouvert non revu depuis le {since} ({days} jours)",
        "en": "{id}: open risk not reviewed since {since} ({days} days)",
    },
    "risk_not_reviewed_blank": {
        "fr": "{id} : risque ouvert sans date de revue ni date d'identification",
        "en": "{id}: open risk with no review nor raised-on date",
    },
    "deliverable_overdue": {
        "fr": "{id} : livrable « {name} » attendu le {since}, en retard de {days} jours",
        "en": "{id}: deliverable '{name}' due on {since}, {days} days late",
    },
    "training_overdue": {
        "fr": "{id} : action « {name} » prévue le {since}, non réalisée ({days} jours de retard)",
        "en": "{id}: action '{name}' planned on {since}, not done ({days} days late)",
    },
}


def format_date(day: dt.date, lang: Lang) -> str:
    """30/10/2026 in French, 2026-10-30 in English."""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


# The rules work on numpy arrays of the columns they read: per-call pandas overhead (Series,
# masks, iterrows), not the data, dominated their time. Few rows fire, so the rows that do are
# found with a mask and only they are turned into alerts.
DateArray = npt.NDArray[np.datetime64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]
_DAY_NS = 86_400_000_000_000


def _dates(df: pd.DataFrame, key: str) -> DateArray:
    """Column ``key`` as ``datetime64[ns]`` (NaT when blank); read-only, never write to it."""
    # ``values`` is the column's own array: much cheaper than ``to_numpy`` for dates
    return np.asarray(df[key].values, dtype="datetime64[ns]")


def _numbers(df: pd.DataFrame, key: str) -> FloatArray:
    """Column ``key`` as ``float64`` (NaN when blank)."""
    return df[key].to_numpy(dtype="float64")


def _objects(df: pd.DataFrame, key: str) -> ObjectArray:
    """Column ``key`` as an ``object`` array (text or None)."""
    return df[key].to_numpy(dtype=object)


def _cell(df: pd.DataFrame, i: int, key: str, value: Any) -> Any:
    """Cell ``key`` (``value``) of the ``i``-th row of ``df`` as ``DataFrame.iterrows`` reads it.

    iterrows infers one dtype per row: a blank text cell reads as NaT in a row holding nothing but
    dates, or as NaN in one holding nothing but text, and the messages have always shown that.
    Text reads as itself in any row, so only for a blank is the row built the iterrows way.
    """
    if isinstance(value, str):
        return value
    return next(df.iloc[i : i + 1].iterrows())[1][key]


def _fill(values: DateArray, default: DateArray) -> DateArray:
    """``values``, or ``default`` where blank (``Series.fillna`` on aligned arrays)."""
    return np.where(np.isnat(values), default, values)


@dataclass(frozen=True)
class _Tasks:
    """The Tasks columns the rules read, as arrays, and the masks several rules share."""

    rows: npt.NDArray[np.int64]  # worksheet row of each task
    task_id: ObjectArray
    owner: ObjectArray
    percent_complete: FloatArray
    planned_start: DateArray
    planned_finish: DateArray
    actual_start: DateArray
    last_update: DateArray
    complete: BoolArray  # an actual finish or 100 %
    in_progress: BoolArray  # an actual start and not complete

    @classmethod
    def of(cls, tasks: pd.DataFrame) -> _Tasks:
        pct = _numbers(tasks, "percent_complete")
        actual_start = _dates(tasks, "actual_start")
        complete = ~np.isnat(_dates(tasks, "actual_finish")) | (pct >= 1.0)
        return cls(
            tasks.index.to_numpy(),
            _objects(tasks, "task_id"),
            _objects(tasks, "owner"),
            pct,
            _dates(tasks, "planned_start"),
            _dates(tasks, "planned_finish"),
            actual_start,
            _dates(tasks, "last_update"),
            complete,
            ~np.isnat(actual_start) & ~complete,
        )


@dataclass(frozen=True)
class _Context:
    project: ProjectData
    task_dates: pd.DataFrame | None
    calendar: WorkCalendar
    status: pd.Timestamp
    window: int
    ratio: float
    lang: Lang
    tasks: _Tasks
    status_day: int  # the status date in days since 1970-01-01

    def alert(
        self,
        rule: str,
        subject_id: Any,
        since: Any,
        value: float | None,
        message_key: str,
        where: tuple[str, str, int] | None = None,
        threshold: float | None = None,
        **values: Any,
    ) -> Alert:
        info = RULES[rule]
        day = _date(since)
        sid = "" if subject_id is None else str(subject_id)
        if day is not None:
            values.setdefault("since", format_date(day, self.lang))
        text = tr(MESSAGES, message_key, self.lang, id=sid, **values)
        sheet = cell = ""
        if where is not None:
            sheet = self.project.sheet_name(where[0])
            cell = self.project.cell(*where)
        return Alert(
            rule,
            info.severity,
            info.subject_type,
            sid,
            day,
            None if value is None else float(value),
            text,
            sheet,
            cell,
            None if threshold is None else float(threshold),
        )

    def days_before(self, dates: DateArray) -> FloatArray:
        """Calendar days from each date to the status date (NaN for blank dates).

        Whole days rounded down, as ``Timedelta.days``: the status date being a midnight, that
        is the status day less each date rounded up to a day (which cannot overflow int64).
        """
        ns = dates.astype("datetime64[ns]", copy=False).view(np.int64)
        days = (self.status_day + np.floor_divide(-ns, _DAY_NS)).astype(np.float64)
        days[np.isnat(dates)] = np.nan
        return days


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        ts = pd.Timestamp(value)
        return None if pd.isna(ts) else ts.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def watchdog(
    project: ProjectData,
    task_dates: pd.DataFrame | None,
    calendar: WorkCalendar,
    status_date: dt.date | None = None,
) -> list[Alert]:
    """All alerts of ``project`` at ``status_date`` (the project's status date by default).

    ``task_dates``: forecast ``start``/``finish`` per task id (``ScheduleResult.tasks``), or None
    to use the Tasks sheet's dates. Raises ValueError when there is no status date.
    """
    status = status_date or project.status_date
    if status is None:
        raise ValueError("the watchdog needs a status date")
    settings = project.settings
    window = settings.get("watchdog_window_days")
    ratio = settings.get("watchdog_hours_ratio")
    day = _date(status)
    ctx = _Context(
        project,
        task_dates,
        calendar,
        pd.Timestamp(day),
        int(window) if window is not None else DEFAULT_WINDOW_DAYS,
        float(ratio) if ratio is not None else DEFAULT_HOURS_RATIO,
        project.language,
        _Tasks.of(project.tasks),
        int(np.datetime64(day, "D").astype(np.int64)),
    )
    alerts = [a for check in CHECKS for a in check(ctx)]
    return sort_alerts(alerts)


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    """Most severe first, then oldest ``since`` (blank first), then rule and subject."""
    return sorted(
        alerts,
        key=lambda a: (
            SEVERITY_RANK[a.severity],
            a.since is not None,
            a.since or dt.date.min,
            RULE_ORDER.get(a.rule, len(RULE_ORDER)),
            a.subject_id,
        ),
    )


# --- tasks -------------------------------------------------------------------------------------


def _stale_tasks(ctx: _Context) -> list[Alert]:
    t = ctx.tasks
    age = ctx.days_before(t.last_update)
    out = []
    for i in np.flatnonzero(t.in_progress & ~(age <= ctx.window)).tolist():
        days = age[i]
        blank = math.isnan(days)
        out.append(
            ctx.alert(
                "stale_task",
                _cell(ctx.project.tasks, i, "task_id", t.task_id[i]),
                t.last_update[i],
                None if blank else days,
                "stale_task_blank" if blank else "stale_task",
                ("tasks", "last_update", int(t.rows[i])),
                float(ctx.window),
                days=None if blank else int(days),
            )
        )
    return out


def _task_rows(index: pd.Index, task_ids: list[Any]) -> npt.NDArray[np.intp]:
    """The row of each of ``task_ids`` in ``index`` (the first of a repeated id), -1 where
    absent: the rows ``reindex`` picks.

    The ids are few (tasks in progress, unstarted tasks with no planned start): a hash lookup
    each is much cheaper than building an indexer. ``index`` is the frame's own, so that its hash
    table is built once.
    """
    rows = np.arange(len(index))
    if not index.is_unique:
        first = ~index.duplicated(keep="first")
        index, rows = index[first], rows[first]
    out = np.full(len(task_ids), -1, dtype=np.intp)
    for k, task_id in enumerate(task_ids):
        try:
            out[k] = rows[index.get_loc(task_id)]
        except KeyError:
            continue
    return out


def _by_task(task_dates: pd.DataFrame, key: str, rows: npt.NDArray[np.intp]) -> DateArray:
    """Column ``key`` of ``task_dates`` at ``rows`` (from ``_task_rows``), NaT where -1."""
    dates = _dates(task_dates, key)
    out = np.full(len(rows), np.datetime64("NaT", "ns"))
    found = rows >= 0
    out[found] = dates[rows[found]]
    return out


def _not_started(ctx: _Context) -> list[Alert]:
    t = ctx.tasks
    waiting = np.isnat(t.actual_start) & ~t.complete
    # planned start, or the forecast start when blank (a forecast moves unstarted work to the
    # status date, so it would hide every late start)
    start = t.planned_start
    if ctx.task_dates is not None and "start" in ctx.task_dates:
        blank = np.flatnonzero(waiting & np.isnat(start))
        if blank.size:
            start = start.copy()
            rows = _task_rows(ctx.task_dates.index, t.task_id[blank].tolist())
            start[blank] = _by_task(ctx.task_dates, "start", rows)
    late = ctx.days_before(start)
    return [
        ctx.alert(
            "not_started",
            _cell(ctx.project.tasks, i, "task_id", t.task_id[i]),
            start[i],
            late[i],
            "not_started",
            ("tasks", "planned_start", int(t.rows[i])),
            0.0,
            days=int(late[i]),
        )
        for i in np.flatnonzero(waiting & (late > 0)).tolist()
    ]


def _overdue_tasks(ctx: _Context) -> list[Alert]:
    t = ctx.tasks
    late = ctx.days_before(t.planned_finish)
    return [
        ctx.alert(
            "overdue_task",
            _cell(ctx.project.tasks, i, "task_id", t.task_id[i]),
            t.planned_finish[i],
            late[i],
            "overdue_task",
            ("tasks", "planned_finish", int(t.rows[i])),
            0.0,
            days=int(late[i]),
            pct=_percent(t.percent_complete[i], ctx.lang),
        )
        for i in np.flatnonzero(~t.complete & (late > 0)).tolist()
    ]


def _percent(fraction: Any, lang: Lang) -> str:
    value = 0.0 if pd.isna(fraction) else float(fraction)
    return f"{fmt_number(100 * value, lang, 0)} %"


def _strip(value: Any) -> str | None:
    """A resource id as the rules compare it: stripped text (None when not text)."""
    return value.strip() if isinstance(value, str) else None


def _owners(ctx: _Context) -> list[Alert]:
    t = ctx.tasks
    out = [
        ctx.alert(
            "no_owner",
            _cell(ctx.project.tasks, i, "task_id", t.task_id[i]),
            None,
            None,
            "no_owner",
            ("tasks", "owner", int(t.rows[i])),
        )
        for i in np.flatnonzero(t.in_progress).tolist()
        if pd.isna(t.owner[i])
    ]
    resource_ids = _objects(ctx.project.resources, "resource_id")
    known = {str(r).strip() for r in resource_ids[pd.notna(resource_ids)]}
    owners = t.owner.tolist()
    # each distinct owner is checked once
    unknown = {o for o in set(owners) if not pd.isna(o) and _strip(o) not in known}
    if unknown:
        out.extend(
            ctx.alert(
                "unknown_owner",
                _cell(ctx.project.tasks, i, "task_id", t.task_id[i]),
                None,
                None,
                "unknown_owner",
                ("tasks", "owner", int(t.rows[i])),
                owner=t.owner[i],
            )
            for i, owner in enumerate(owners)
            if owner in unknown
        )
    return out


# --- people ------------------------------------------------------------------------------------


def _sums_by_person(ids: ObjectArray, values: FloatArray) -> dict[str, float]:
    """``pd.Series(values).groupby(ids.str.strip()).sum()`` as a dict (NaN values skipped).

    How pandas adds (compensated, or numpy's pairwise sum, depending on the data) can change the
    last bit of a sum, and the alerts compare and show these sums. When that cannot matter (see
    ``_order_free``) the sums are made here, else by pandas.
    """
    people: dict[str, int] = {}  # stripped id -> its code
    codes = np.array(
        [
            people.setdefault(i.strip(), len(people)) if isinstance(i, str) else -1
            for i in ids.tolist()
        ],
        dtype=np.intp,
    )
    terms = (codes >= 0) & ~np.isnan(values)
    counts = np.bincount(codes[terms], minlength=len(people))
    if _order_free(values, int(counts.max(initial=0))):
        sums = np.bincount(codes[terms], weights=values[terms], minlength=len(people))
        return dict(zip(people, sums.tolist(), strict=True))
    keys = np.array([_strip(i) for i in ids.tolist()], dtype=object)
    by_pandas = pd.Series(values).groupby(keys).sum()
    return dict(zip(by_pandas.index.tolist(), by_pandas.tolist(), strict=True))


def _order_free(values: FloatArray, most_terms: int) -> bool:
    """Whether every way of adding up groups of ``values`` (NaN left out) gives the same sums:
    groups of two terms at most (a single rounding, 0.0 + a + b being a + b), or terms that are
    all multiples of 1/1024 (hours as people log them) small enough for every partial sum to be
    exact."""
    v = values[~np.isnan(values)]
    if not np.isfinite(v).all() or (np.signbit(v) & (v == 0)).any():
        return False  # inf - inf, 0.0 + -0.0: the way of adding shows
    if most_terms <= 2:
        return True
    scaled = v * 1024.0
    return bool((scaled == np.floor(scaled)).all() and np.abs(scaled).sum() < 2.0**52)


def _silent_resources(ctx: _Context) -> list[Alert]:
    cal = ctx.calendar
    # the window's first and last days, as days (cheaper for the calendar than Timestamps)
    window_first = np.datetime64((ctx.status - pd.Timedelta(days=ctx.window - 1)).date(), "D")
    window_last = np.datetime64(ctx.status.date(), "D")
    t = ctx.tasks
    span: dict[Any, int] = {}  # each task in progress -> its first row
    for i in np.flatnonzero(t.in_progress).tolist():
        if not pd.isna(t.task_id[i]):
            span.setdefault(t.task_id[i], i)
    a = ctx.project.assignments
    a_resource = _objects(a, "resource_id")
    a_task = _objects(a, "task_id")
    position = {task_id: k for k, task_id in enumerate(span)}
    on = np.array([position.get(task_id, -1) for task_id in a_task.tolist()], dtype=np.intp)
    assigned = np.flatnonzero(on >= 0)  # assignments on a task in progress, with a resource
    assigned = assigned[pd.notna(a_resource[assigned])]
    if assigned.size == 0 or cal.count_inclusive(window_first, window_last) == 0:
        return []  # nobody on a task in progress, or no working day in the window
    rows = np.fromiter(span.values(), dtype=np.intp, count=len(span))
    start = _fill(t.actual_start[rows], t.planned_start[rows])
    finish = t.planned_finish[rows]
    if ctx.task_dates is not None:
        forecast = _task_rows(ctx.task_dates.index, list(span))
        start = _fill(_by_task(ctx.task_dates, "start", forecast), start)
        finish = _fill(_by_task(ctx.task_dates, "finish", forecast), finish)
    first, n = working_span(start, finish, cal)
    lo = np.maximum(first, window_first)
    end = to_day(finish)
    hi = np.where(np.isnat(end), lo, np.minimum(end, window_last))
    overlap = np.nan_to_num(cal.count_inclusive(lo, hi))
    rate = overlap / n  # share of each task's hours in the window
    rate[np.isnan(rate)] = 0.0
    hours = _numbers(a, "planned_hours")[assigned]
    planned = np.where(np.isnan(hours), 0.0, hours) * rate[on[assigned]]
    expected = _sums_by_person(a_resource[assigned], planned)

    act = ctx.project.actuals
    day = _dates(act, "date")
    logged_hours = _numbers(act, "hours")
    who = _objects(act, "resource_id")
    recent = (logged_hours > 0) & (day <= window_last)
    in_window = np.flatnonzero(recent & (day >= window_first))
    in_window = in_window[pd.notna(who[in_window])]
    logged = _sums_by_person(who[in_window], logged_hours[in_window])

    silent = []
    for person in sorted(expected):  # the order of a groupby
        got = float(logged.get(person, 0.0))
        bar = ctx.ratio * float(expected[person])
        if not (got > 0 and got >= bar):
            silent.append((person, got, bar))
    if not silent:
        return []
    res = ctx.project.resources
    res_ids = _objects(res, "resource_id")
    named = np.flatnonzero(pd.notna(res_ids))
    res_rows = {
        str(r).strip(): (int(i), nm)
        for i, r, nm in zip(
            res.index.to_numpy()[named], res_ids[named], _objects(res, "name")[named], strict=True
        )
    }
    tasks_of: dict[str, set[Any]] = {}
    for resource_id, task_id in zip(a_resource[assigned], a_task[assigned], strict=True):
        key = _strip(resource_id)
        if key is not None:
            tasks_of.setdefault(key, set()).add(task_id)
    logged_rows = np.flatnonzero(recent)
    logged_by = who[logged_rows]
    logged_ids = set(logged_by.tolist())  # each distinct id is stripped once
    out = []
    for person, got, bar in silent:
        row, name = res_rows.get(person, (None, None))
        theirs = np.zeros(len(logged_rows), dtype=bool)
        for raw_id in logged_ids:
            if _strip(raw_id) == person:
                theirs |= logged_by == raw_id
        days = day[logged_rows[theirs]]
        last_day = _date(days.max()) if days.size else None
        last_text = (
            tr(MESSAGES, "last_logged", ctx.lang, since=format_date(last_day, ctx.lang))
            if last_day
            else tr(MESSAGES, "never_logged", ctx.lang)
        )
        out.append(
            ctx.alert(
                "silent_resource",
                person,
                last_day,
                got,
                "silent_resource_none" if got == 0 else "silent_resource_low",
                ("resources", "resource_id", row) if row is not None else None,
                bar,
                who=f"{person} ({name})" if name else person,
                window=ctx.window,
                tasks=", ".join(sorted(tasks_of[person])),
                logged=fmt_number(got, ctx.lang, 1),
                planned=fmt_number(expected[person], ctx.lang, 1),
                last=last_text,
            )
        )
    return out


# --- risks, deliverables, training --------------------------------------------------------------


def _open_risks(risks: pd.DataFrame, rows: list[int]) -> list[int]:
    """The ``rows`` (positions) of ``risks`` that are not closed."""
    if not rows:
        return rows
    status = _objects(risks, "status")
    return [i for i in rows if status[i] != "closed"]


def _risk_actions(ctx: _Context) -> list[Alert]:
    r = ctx.project.risks
    due = _dates(r, "action_due")
    late = ctx.days_before(due)
    hit = _open_risks(r, np.flatnonzero(late > 0).tolist())
    if not hit:
        return []
    rows, ids, action = r.index.to_numpy(), _objects(r, "risk_id"), _objects(r, "action")
    return [
        ctx.alert(
            "risk_action_overdue",
            _cell(r, i, "risk_id", ids[i]),
            due[i],
            late[i],
            "risk_action_overdue",
            ("risks", "action_due", int(rows[i])),
            0.0,
            days=int(late[i]),
            action=_cell(r, i, "action", action[i]) or "",
        )
        for i in hit
    ]


def _risk_reviews(ctx: _Context) -> list[Alert]:
    r = ctx.project.risks
    reviewed = _fill(_dates(r, "last_review"), _dates(r, "raised_on"))
    age = ctx.days_before(reviewed)
    hit = _open_risks(r, np.flatnonzero(~(age <= ctx.window)).tolist())
    if not hit:
        return []
    rows, ids = r.index.to_numpy(), _objects(r, "risk_id")
    out = []
    for i in hit:
        blank = math.isnan(age[i])
        out.append(
            ctx.alert(
                "risk_not_reviewed",
                _cell(r, i, "risk_id", ids[i]),
                reviewed[i],
                None if blank else age[i],
                "risk_not_reviewed_blank" if blank else "risk_not_reviewed",
                ("risks", "last_review", int(rows[i])),
                float(ctx.window),
                days=None if blank else int(age[i]),
            )
        )
    return out


def _deliverables(ctx: _Context) -> list[Alert]:
    q = ctx.project.quality
    due = _dates(q, "due_date")
    late = ctx.days_before(due)
    hit = np.flatnonzero(late > 0).tolist()
    if hit:
        status = _objects(q, "status")
        hit = [i for i in hit if status[i] not in ("submitted", "accepted")]
    if not hit:
        return []
    rows, ids = q.index.to_numpy(), _objects(q, "item_id")
    deliverable, requirement = _objects(q, "deliverable"), _objects(q, "requirement")
    return [
        ctx.alert(
            "deliverable_overdue",
            _cell(q, i, "item_id", ids[i]),
            due[i],
            late[i],
            "deliverable_overdue",
            ("quality", "due_date", int(rows[i])),
            0.0,
            days=int(late[i]),
            name=_cell(q, i, "deliverable", deliverable[i])
            or _cell(q, i, "requirement", requirement[i])
            or "",
        )
        for i in hit
    ]


def _training(ctx: _Context) -> list[Alert]:
    f = ctx.project.training
    planned = _dates(f, "planned_date")
    late = ctx.days_before(planned)
    hit = np.flatnonzero(late > 0).tolist()
    if hit:
        done, status = _dates(f, "done_date"), _objects(f, "status")
        hit = [i for i in hit if np.isnat(done[i]) and status[i] not in ("done", "cancelled")]
    if not hit:
        return []
    rows, ids, action = f.index.to_numpy(), _objects(f, "action_id"), _objects(f, "action")
    return [
        ctx.alert(
            "training_overdue",
            _cell(f, i, "action_id", ids[i]),
            planned[i],
            late[i],
            "training_overdue",
            ("training", "planned_date", int(rows[i])),
            0.0,
            days=int(late[i]),
            name=_cell(f, i, "action", action[i]) or "",
        )
        for i in hit
    ]


CHECKS: tuple[Callable[[_Context], list[Alert]], ...] = (
    _stale_tasks,
    _silent_resources,
    _overdue_tasks,
    _not_started,
    _owners,
    _risk_actions,
    _deliverables,
    _risk_reviews,
    _training,
)
