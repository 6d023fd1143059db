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


@dataclass(frozen=True)
class _Context:
    project: ProjectData
    task_dates: pd.DataFrame | None
    calendar: WorkCalendar
    status: pd.Timestamp
    window: int
    ratio: float
    lang: Lang

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

    def days_before(self, dates: pd.Series) -> pd.Series:
        """Calendar days from each date to the status date (NaN for blank dates)."""
        return (self.status - dates).dt.days.astype("float64")


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
    ctx = _Context(
        project,
        task_dates,
        calendar,
        pd.Timestamp(_date(status)),
        int(window) if window is not None else DEFAULT_WINDOW_DAYS,
        float(ratio) if ratio is not None else DEFAULT_HOURS_RATIO,
        project.language,
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


def _complete(tasks: pd.DataFrame) -> pd.Series:
    return tasks["actual_finish"].notna() | (tasks["percent_complete"] >= 1.0)


def _in_progress(tasks: pd.DataFrame) -> pd.Series:
    return tasks["actual_start"].notna() & ~_complete(tasks)


def _stale_tasks(ctx: _Context) -> list[Alert]:
    t = ctx.project.tasks
    age = ctx.days_before(t["last_update"])
    hit = t.loc[_in_progress(t) & ~(age <= ctx.window)]
    out = []
    for row, task in hit.iterrows():
        days = age[row]
        blank = math.isnan(days)
        out.append(
            ctx.alert(
                "stale_task",
                task["task_id"],
                task["last_update"],
                None if blank else days,
                "stale_task_blank" if blank else "stale_task",
                ("tasks", "last_update", int(row)),
                float(ctx.window),
                days=None if blank else int(days),
            )
        )
    return out


def _reference_start(ctx: _Context, tasks: pd.DataFrame) -> pd.Series:
    """Planned start, or the forecast start when blank (a forecast moves unstarted work to the
    status date, so it would hide every late start)."""
    start = tasks["planned_start"]
    if ctx.task_dates is not None and "start" in ctx.task_dates:
        forecast = _by_task(ctx.task_dates["start"], tasks["task_id"])
        start = start.fillna(forecast)
    return start


def _by_task(values: pd.Series, task_ids: pd.Series) -> pd.Series:
    unique = values.loc[~values.index.duplicated(keep="first")]
    out = unique.reindex(task_ids.to_numpy())
    return pd.Series(out.to_numpy(), index=task_ids.index, dtype="datetime64[ns]")


def _not_started(ctx: _Context) -> list[Alert]:
    t = ctx.project.tasks
    start = _reference_start(ctx, t)
    late = ctx.days_before(start)
    hit = t.loc[t["actual_start"].isna() & ~_complete(t) & (late > 0)]
    return [
        ctx.alert(
            "not_started",
            task["task_id"],
            start[row],
            late[row],
            "not_started",
            ("tasks", "planned_start", int(row)),
            0.0,
            days=int(late[row]),
        )
        for row, task in hit.iterrows()
    ]


def _overdue_tasks(ctx: _Context) -> list[Alert]:
    t = ctx.project.tasks
    late = ctx.days_before(t["planned_finish"])
    hit = t.loc[~_complete(t) & (late > 0)]
    return [
        ctx.alert(
            "overdue_task",
            task["task_id"],
            task["planned_finish"],
            late[row],
            "overdue_task",
            ("tasks", "planned_finish", int(row)),
            0.0,
            days=int(late[row]),
            pct=_percent(task["percent_complete"], ctx.lang),
        )
        for row, task in hit.iterrows()
    ]


def _percent(fraction: Any, lang: Lang) -> str:
    value = 0.0 if pd.isna(fraction) else float(fraction)
    return f"{fmt_number(100 * value, lang, 0)} %"


def _owners(ctx: _Context) -> list[Alert]:
    t = ctx.project.tasks
    known = {str(r).strip() for r in ctx.project.resources["resource_id"].dropna()}
    out = []
    for row, task in t.loc[_in_progress(t) & t["owner"].isna()].iterrows():
        out.append(
            ctx.alert(
                "no_owner", task["task_id"], None, None, "no_owner", ("tasks", "owner", int(row))
            )
        )
    owned = t.loc[t["owner"].notna()]
    for row, task in owned.loc[~owned["owner"].str.strip().isin(known)].iterrows():
        out.append(
            ctx.alert(
                "unknown_owner",
                task["task_id"],
                None,
                None,
                "unknown_owner",
                ("tasks", "owner", int(row)),
                owner=task["owner"],
            )
        )
    return out


# --- people ------------------------------------------------------------------------------------


def _silent_resources(ctx: _Context) -> list[Alert]:
    cal = ctx.calendar
    first_day = ctx.status - pd.Timedelta(days=ctx.window - 1)
    window_days = float(cal.count_inclusive(first_day, ctx.status))
    t = ctx.project.tasks
    running = t.loc[_in_progress(t) & t["task_id"].notna()]
    a = ctx.project.assignments
    a = a.loc[a["resource_id"].notna() & a["task_id"].isin(running["task_id"])]
    if a.empty or window_days == 0:
        return []
    span = running.drop_duplicates("task_id").set_index("task_id")
    start = span["actual_start"].fillna(span["planned_start"])
    finish = span["planned_finish"]
    if ctx.task_dates is not None:
        ids = pd.Series(span.index, index=span.index)
        start = _by_task(ctx.task_dates["start"], ids).fillna(start)
        finish = _by_task(ctx.task_dates["finish"], ids).fillna(finish)
    first, n = working_span(start, finish, cal)
    lo = np.maximum(first, np.datetime64(first_day.date(), "D"))
    end = to_day(finish)
    hi = np.where(np.isnat(end), lo, np.minimum(end, np.datetime64(ctx.status.date(), "D")))
    overlap = np.nan_to_num(cal.count_inclusive(lo, hi))
    rate = pd.Series(overlap / n, index=span.index).fillna(0.0)  # share of hours in the window
    planned = (a["planned_hours"].fillna(0.0) * a["task_id"].map(rate).to_numpy()).groupby(
        a["resource_id"].str.strip()
    )
    expected = planned.sum()
    tasks_of = a.groupby(a["resource_id"].str.strip())["task_id"].agg(
        lambda s: ", ".join(sorted(set(s)))
    )

    act = ctx.project.actuals
    act = act.loc[act["resource_id"].notna() & (act["hours"] > 0) & (act["date"] <= ctx.status)]
    who = act["resource_id"].str.strip()
    in_window = act["date"] >= first_day
    logged = act.loc[in_window, "hours"].groupby(who[in_window]).sum()
    last = act["date"].groupby(who).max()

    res = ctx.project.resources
    res = res.loc[res["resource_id"].notna()]
    res_rows = {
        str(r).strip(): (int(i), nm)
        for i, r, nm in zip(res.index, res.resource_id, res.name, strict=True)
    }
    out = []
    for person, exp in expected.items():
        got = float(logged.get(person, 0.0))
        bar = ctx.ratio * float(exp)
        if got > 0 and got >= bar:
            continue
        row, name = res_rows.get(str(person), (None, None))
        last_day = _date(last.get(person))
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
                tasks=tasks_of[person],
                logged=fmt_number(got, ctx.lang, 1),
                planned=fmt_number(float(exp), ctx.lang, 1),
                last=last_text,
            )
        )
    return out


# --- risks, deliverables, training --------------------------------------------------------------


def _open_risks(ctx: _Context) -> pd.DataFrame:
    r = ctx.project.risks
    return r.loc[r["status"] != "closed"]


def _risk_actions(ctx: _Context) -> list[Alert]:
    r = _open_risks(ctx)
    late = ctx.days_before(r["action_due"])
    return [
        ctx.alert(
            "risk_action_overdue",
            risk["risk_id"],
            risk["action_due"],
            late[row],
            "risk_action_overdue",
            ("risks", "action_due", int(row)),
            0.0,
            days=int(late[row]),
            action=risk["action"] or "",
        )
        for row, risk in r.loc[late > 0].iterrows()
    ]


def _risk_reviews(ctx: _Context) -> list[Alert]:
    r = _open_risks(ctx)
    reviewed = r["last_review"].fillna(r["raised_on"])
    age = ctx.days_before(reviewed)
    out = []
    for row, risk in r.loc[~(age <= ctx.window)].iterrows():
        blank = math.isnan(age[row])
        out.append(
            ctx.alert(
                "risk_not_reviewed",
                risk["risk_id"],
                reviewed[row],
                None if blank else age[row],
                "risk_not_reviewed_blank" if blank else "risk_not_reviewed",
                ("risks", "last_review", int(row)),
                float(ctx.window),
                days=None if blank else int(age[row]),
            )
        )
    return out


def _deliverables(ctx: _Context) -> list[Alert]:
    q = ctx.project.quality
    late = ctx.days_before(q["due_date"])
    hit = q.loc[~q["status"].isin(["submitted", "accepted"]) & (late > 0)]
    return [
        ctx.alert(
            "deliverable_overdue",
            item["item_id"],
            item["due_date"],
            late[row],
            "deliverable_overdue",
            ("quality", "due_date", int(row)),
            0.0,
            days=int(late[row]),
            name=item["deliverable"] or item["requirement"] or "",
        )
        for row, item in hit.iterrows()
    ]


def _training(ctx: _Context) -> list[Alert]:
    f = ctx.project.training
    late = ctx.days_before(f["planned_date"])
    hit = f.loc[f["done_date"].isna() & ~f["status"].isin(["done", "cancelled"]) & (late > 0)]
    return [
        ctx.alert(
            "training_overdue",
            action["action_id"],
            action["planned_date"],
            late[row],
            "training_overdue",
            ("training", "planned_date", int(row)),
            0.0,
            days=int(late[row]),
            name=action["action"] or "",
        )
        for row, action in hit.iterrows()
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
