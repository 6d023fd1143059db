"""The watchdog: every rule firing and not firing at its exact threshold, messages, order, JSON.

Status date: Friday 19 June 2026; window 14 days: "older than the window" is before 5 June, and
the silence window is 6-19 June (10 working days, no holiday).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from pmo_xl.core.calendar import FRENCH
from pmo_xl.core.watchdog import RULES, Alert, sort_alerts, watchdog
from pmo_xl.model import ProjectData, make_project_data

D = dt.date
STATUS = D(2026, 6, 19)
NaT = None


def project(
    tasks: list[dict[str, Any]] | None = None,
    resources: list[dict[str, Any]] | None = None,
    assignments: list[dict[str, Any]] | None = None,
    actuals: list[dict[str, Any]] | None = None,
    risks: list[dict[str, Any]] | None = None,
    quality: list[dict[str, Any]] | None = None,
    training: list[dict[str, Any]] | None = None,
    language: str = "fr",
    **settings: Any,
) -> ProjectData:
    tables = {
        "tasks": tasks,
        "resources": resources,
        "assignments": assignments,
        "actuals": actuals,
        "risks": risks,
        "quality": quality,
        "training": training,
    }
    return make_project_data(
        {"project_code": "P1", "status_date": STATUS, "language": language},
        settings,
        {k: pd.DataFrame(v) for k, v in tables.items() if v is not None},
    )


def task(task_id: str = "T1", **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "task_id": task_id,
        "name": f"Task {task_id}",
        "duration": 10,
        "planned_start": D(2026, 6, 8),
        "planned_finish": D(2026, 6, 30),
        "owner": "R1",
    }
    base.update(values)
    return base


def running(task_id: str = "T1", **values: Any) -> dict[str, Any]:
    """A task in progress, updated on the status date unless told otherwise."""
    return task(task_id, **({"actual_start": D(2026, 6, 8), "last_update": STATUS} | values))


RES = [{"resource_id": "R1", "name": "Ana Roux", "hours_per_day": 7, "project_share": 0.5}]


def fired(p: ProjectData, rule: str, task_dates: pd.DataFrame | None = None) -> list[Alert]:
    return [a for a in watchdog(p, task_dates, FRENCH) if a.rule == rule]


# --- stale_task -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_update", "fires"),
    [(D(2026, 6, 5), False), (D(2026, 6, 4), True), (STATUS, False), (None, True)],
)
def test_stale_task_threshold(last_update: dt.date | None, fires: bool) -> None:
    p = project([running(last_update=last_update)], RES)
    assert len(fired(p, "stale_task")) == int(fires)


def test_stale_task_alert_in_french_and_english() -> None:
    tasks = [running("T120", last_update=D(2026, 5, 22))]
    (fr,) = fired(project(tasks, RES), "stale_task")
    assert fr == Alert(
        rule="stale_task",
        severity="high",
        subject_type="task",
        subject_id="T120",
        since=D(2026, 5, 22),
        value=28.0,
        message="T120 : aucune mise à jour depuis le 22/05/2026 (28 jours)",
        sheet="Tâches",
        cell="Q2",
        threshold=14.0,
    )
    (en,) = fired(project(tasks, RES, language="en"), "stale_task")
    assert en.message == "T120: no update since 2026-05-22 (28 days)"
    assert en.where == "Tasks!Q2"


def test_stale_task_blank_update_and_window_from_settings() -> None:
    (blank,) = fired(project([running(last_update=None)], RES), "stale_task")
    assert (blank.since, blank.value, blank.message) == (
        None,
        None,
        "T1 : tâche en cours sans date de dernière mise à jour",
    )
    seven = [running(last_update=D(2026, 6, 12))]
    assert fired(project(seven, RES, watchdog_window_days=7), "stale_task") == []
    assert len(fired(project(seven, RES, watchdog_window_days=6), "stale_task")) == 1


def test_stale_task_ignores_tasks_not_in_progress() -> None:
    old = D(2026, 1, 5)
    tasks = [
        task("T1", last_update=old),  # not started
        running("T2", last_update=old, actual_finish=D(2026, 6, 10)),  # finished
        running("T3", last_update=old, percent_complete=1.0),  # 100 %
    ]
    assert fired(project(tasks, RES), "stale_task") == []


# --- not_started ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned_start", "actual_start", "fires"),
    [
        (STATUS, None, False),  # starts today: not passed yet
        (D(2026, 6, 18), None, True),
        (D(2026, 6, 18), D(2026, 6, 18), False),
    ],
)
def test_not_started_threshold(
    planned_start: dt.date, actual_start: dt.date | None, fires: bool
) -> None:
    p = project([task(planned_start=planned_start, actual_start=actual_start)], RES)
    assert len(fired(p, "not_started")) == int(fires)


def test_not_started_message_and_forecast_start_when_planned_is_blank() -> None:
    (a,) = fired(project([task(planned_start=D(2026, 6, 1))], RES), "not_started")
    assert (a.severity, a.since, a.value, a.cell) == ("medium", D(2026, 6, 1), 18.0, "E2")
    assert a.message == "T1 : début prévu le 01/06/2026 dépassé de 18 jours, pas de début réel"
    forecast = pd.DataFrame(
        {"start": pd.to_datetime(["2026-06-18"]), "finish": pd.to_datetime(["2026-06-30"])},
        index=pd.Index(["T1"], name="task_id"),
    )
    blank = project([task(planned_start=None)], RES)
    assert fired(blank, "not_started") == []
    assert [a.since for a in fired(blank, "not_started", forecast)] == [D(2026, 6, 18)]
    # a forecast pushed to the status date does not hide a planned start that passed
    late = project([task(planned_start=D(2026, 6, 1))], RES)
    moved = forecast.assign(start=pd.Timestamp(STATUS))
    assert [a.since for a in fired(late, "not_started", moved)] == [D(2026, 6, 1)]


# --- overdue_task ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finish", "values", "fires"),
    [
        (STATUS, {}, False),
        (D(2026, 6, 18), {}, True),
        (D(2026, 6, 18), {"actual_finish": D(2026, 6, 18)}, False),
        (D(2026, 6, 18), {"percent_complete": 1.0}, False),
        (D(2026, 6, 18), {"percent_complete": 0.99}, True),
    ],
)
def test_overdue_task_threshold(finish: dt.date, values: dict[str, Any], fires: bool) -> None:
    p = project([running(planned_finish=finish, **values)], RES)
    assert len(fired(p, "overdue_task")) == int(fires)


def test_overdue_task_message() -> None:
    tasks = [running("T7", planned_finish=D(2026, 6, 12), percent_complete=0.45)]
    (a,) = fired(project(tasks, RES), "overdue_task")
    assert (a.severity, a.since, a.value, a.cell) == ("high", D(2026, 6, 12), 7.0, "F2")
    assert a.message == "T7 : fin prévue le 12/06/2026 dépassée de 7 jours, non terminée (45 %)"
    (en,) = fired(project(tasks, RES, language="en"), "overdue_task")
    assert en.message == "T7: finish planned on 2026-06-12 passed by 7 days, not complete (45 %)"


# --- owners ---------------------------------------------------------------------------------------


def test_no_owner_only_on_tasks_in_progress() -> None:
    tasks = [running("T1", owner=None), task("T2", owner=None)]
    (a,) = fired(project(tasks, RES), "no_owner")
    assert (a.subject_id, a.severity, a.since, a.cell) == ("T1", "medium", None, "P2")
    assert a.message == "T1 : tâche en cours sans responsable"
    assert fired(project([running("T1", owner="R1")], RES), "no_owner") == []


def test_unknown_owner() -> None:
    tasks = [task("T1", owner="R1"), task("T2", owner="R9"), task("T3", owner=" R1 ")]
    (a,) = fired(project(tasks, RES), "unknown_owner")
    assert (a.subject_id, a.cell) == ("T2", "P3")
    assert a.message == "T2 : le responsable « R9 » n'est pas une ressource connue"
    (en,) = fired(project(tasks, RES, language="en"), "unknown_owner")
    assert en.message == "T2: owner 'R9' is not a known resource"


# --- silent_resource ------------------------------------------------------------------------------

# T1 runs 8-19 June: 10 working days, all inside the window; R1 has 40 h on it -> 40 h expected,
# 25 % of it is 10 h.
SILENT_TASK = running("T1", planned_start=D(2026, 6, 8), planned_finish=D(2026, 6, 19))
SILENT_ASSIGN = [{"task_id": "T1", "resource_id": "R1", "planned_hours": 40}]


def logged(*lines: tuple[dt.date, float]) -> list[dict[str, Any]]:
    return [{"date": d, "resource_id": "R1", "task_id": "T1", "hours": h} for d, h in lines]


@pytest.mark.parametrize(
    ("lines", "fires"),
    [
        ([(D(2026, 6, 6), 10.0)], False),  # exactly 25 %, on the window's first day
        ([(D(2026, 6, 6), 9.5)], True),
        ([(D(2026, 6, 5), 10.0)], True),  # the day before the window: nothing in it
        ([(D(2026, 6, 19), 4.0), (D(2026, 6, 10), 6.0)], False),
        ([(D(2026, 6, 22), 40.0)], True),  # after the status date: ignored
        ([], True),
    ],
)
def test_silent_resource_threshold(lines: list[tuple[dt.date, float]], fires: bool) -> None:
    p = project([SILENT_TASK], RES, SILENT_ASSIGN, logged(*lines))
    assert len(fired(p, "silent_resource")) == int(fires)


def test_silent_resource_ratio_from_settings() -> None:
    p = project([SILENT_TASK], RES, SILENT_ASSIGN, logged((D(2026, 6, 8), 9.5)))
    assert fired(p, "silent_resource") != []
    p.settings["watchdog_hours_ratio"] = 0.2
    assert fired(p, "silent_resource") == []


def test_silent_resource_messages() -> None:
    p = project([SILENT_TASK], RES, SILENT_ASSIGN, logged((D(2026, 5, 29), 7.0)))
    (a,) = fired(p, "silent_resource")
    assert a == Alert(
        rule="silent_resource",
        severity="high",
        subject_type="resource",
        subject_id="R1",
        since=D(2026, 5, 29),
        value=0.0,
        message="R1 (Ana Roux) : aucune heure saisie sur les 14 derniers jours (en cours : T1) ; "
        "dernière saisie le 29/05/2026",
        sheet="Ressources",
        cell="A2",
        threshold=10.0,
    )
    low = project([SILENT_TASK], RES, SILENT_ASSIGN, logged((D(2026, 6, 9), 2.5)), language="en")
    (b,) = fired(low, "silent_resource")
    assert b.message == (
        "R1 (Ana Roux): 2.5 h logged in the last 14 days against 40.0 h planned "
        "(in progress: T1); last logged on 2026-06-09"
    )
    never = project([SILENT_TASK], RES, SILENT_ASSIGN, [])
    (c,) = fired(never, "silent_resource")
    assert (c.since, c.message.endswith("; aucune saisie")) == (None, True)


def test_silent_resource_expected_hours_only_over_the_window() -> None:
    # T1 runs 25 May - 19 June: 19 working days (25 May is Whit Monday), 10 in the window;
    # 38 h -> 20 h expected in the window, 5 h is the bar
    long = running(
        "T1",
        planned_start=D(2026, 5, 25),
        actual_start=D(2026, 5, 25),
        planned_finish=D(2026, 6, 19),
    )
    assign = [{"task_id": "T1", "resource_id": "R1", "planned_hours": 38}]
    ok = project([long], RES, assign, logged((D(2026, 6, 15), 5.0)))
    assert fired(ok, "silent_resource") == []
    short = project([long], RES, assign, logged((D(2026, 6, 15), 4.9)))
    (a,) = fired(short, "silent_resource")
    assert a.threshold == pytest.approx(5.0)
    # the forecast finish of the schedule stretches the spread: 19 June -> 3 July, 29 days
    forecast = pd.DataFrame(
        {"start": pd.to_datetime(["2026-05-25"]), "finish": pd.to_datetime(["2026-07-03"])},
        index=pd.Index(["T1"], name="task_id"),
    )
    (b,) = fired(project([long], RES, assign, []), "silent_resource", forecast)
    assert b.threshold == pytest.approx(0.25 * 38 * 10 / 29)
    assert fired(short, "silent_resource", forecast) == []


def test_silent_resource_only_for_people_on_tasks_in_progress() -> None:
    tasks = [task("T1"), running("T2", actual_finish=D(2026, 6, 15))]
    assign = [
        {"task_id": "T1", "resource_id": "R1", "planned_hours": 40},
        {"task_id": "T2", "resource_id": "R1", "planned_hours": 40},
    ]
    assert fired(project(tasks, RES, assign, []), "silent_resource") == []


def test_silent_resource_counts_hours_on_any_task_and_unknown_people() -> None:
    assign = [*SILENT_ASSIGN, {"task_id": "T1", "resource_id": "R2", "planned_hours": 8}]
    lines = [{"date": D(2026, 6, 10), "resource_id": "R1", "task_id": "T9", "hours": 10.0}]
    (a,) = fired(project([SILENT_TASK], RES, assign, lines), "silent_resource")
    assert (a.subject_id, a.sheet, a.cell) == ("R2", "", "")
    assert a.message.startswith("R2 : aucune heure saisie")


# --- risks, deliverables, training --------------------------------------------------------------


def risk(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "risk_id": "RSK1",
        "title": "Crane late",
        "probability": 3,
        "impact": 3,
        "status": "open",
        "action": "Book a second crane",
        "raised_on": D(2026, 1, 5),
        "last_review": STATUS,
    }
    base.update(values)
    return base


@pytest.mark.parametrize(
    ("values", "fires"),
    [
        ({"action_due": STATUS}, False),
        ({"action_due": D(2026, 6, 18)}, True),
        ({"action_due": D(2026, 6, 18), "status": "closed"}, False),
        ({"action_due": None}, False),
    ],
)
def test_risk_action_overdue_threshold(values: dict[str, Any], fires: bool) -> None:
    assert len(fired(project(risks=[risk(**values)]), "risk_action_overdue")) == int(fires)


def test_risk_action_overdue_message() -> None:
    (a,) = fired(project(risks=[risk(action_due=D(2026, 6, 9))]), "risk_action_overdue")
    assert (a.severity, a.subject_type, a.value, a.cell) == ("medium", "risk", 10.0, "M2")
    assert a.message == (
        "RSK1 : action « Book a second crane » attendue le 09/06/2026, en retard de 10 jours"
    )


@pytest.mark.parametrize(
    ("values", "fires"),
    [
        ({"last_review": D(2026, 6, 5)}, False),
        ({"last_review": D(2026, 6, 4)}, True),
        ({"last_review": None, "raised_on": D(2026, 6, 5)}, False),
        ({"last_review": None, "raised_on": D(2026, 6, 4)}, True),
        ({"last_review": None, "raised_on": None}, True),
        ({"last_review": D(2026, 1, 4), "status": "closed"}, False),
    ],
)
def test_risk_not_reviewed_threshold(values: dict[str, Any], fires: bool) -> None:
    assert len(fired(project(risks=[risk(**values)]), "risk_not_reviewed")) == int(fires)


def test_risk_not_reviewed_message() -> None:
    (a,) = fired(project(risks=[risk(last_review=D(2026, 5, 1))]), "risk_not_reviewed")
    assert (a.severity, a.since, a.value, a.threshold) == ("low", D(2026, 5, 1), 49.0, 14.0)
    assert a.message == "RSK1 : risque ouvert non revu depuis le 01/05/2026 (49 jours)"


def deliverable(**values: Any) -> dict[str, Any]:
    base = {"item_id": "Q1", "deliverable": "Test report", "status": "in_progress"}
    return base | values


@pytest.mark.parametrize(
    ("values", "fires"),
    [
        ({"due_date": STATUS}, False),
        ({"due_date": D(2026, 6, 18)}, True),
        ({"due_date": D(2026, 6, 18), "status": "not_started"}, True),
        ({"due_date": D(2026, 6, 18), "status": "rejected"}, True),
        ({"due_date": D(2026, 6, 18), "status": "submitted"}, False),
        ({"due_date": D(2026, 6, 18), "status": "accepted"}, False),
    ],
)
def test_deliverable_overdue_threshold(values: dict[str, Any], fires: bool) -> None:
    p = project(quality=[deliverable(**values)])
    assert len(fired(p, "deliverable_overdue")) == int(fires)


def test_deliverable_overdue_message() -> None:
    p = project(quality=[deliverable(due_date=D(2026, 6, 15))], language="en")
    (a,) = fired(p, "deliverable_overdue")
    assert (a.subject_type, a.severity, a.sheet, a.cell) == (
        "deliverable",
        "medium",
        "Quality",
        "D2",
    )
    assert a.message == "Q1: deliverable 'Test report' due on 2026-06-15, 4 days late"


def action(**values: Any) -> dict[str, Any]:
    return {"action_id": "F1", "action": "Train the operators", "status": "planned"} | values


@pytest.mark.parametrize(
    ("values", "fires"),
    [
        ({"planned_date": STATUS}, False),
        ({"planned_date": D(2026, 6, 18)}, True),
        ({"planned_date": D(2026, 6, 18), "status": None}, True),
        ({"planned_date": D(2026, 6, 18), "status": "done"}, False),
        ({"planned_date": D(2026, 6, 18), "done_date": D(2026, 6, 18)}, False),
        ({"planned_date": D(2026, 6, 18), "status": "cancelled"}, False),
    ],
)
def test_training_overdue_threshold(values: dict[str, Any], fires: bool) -> None:
    assert len(fired(project(training=[action(**values)]), "training_overdue")) == int(fires)


def test_training_overdue_message() -> None:
    (a,) = fired(project(training=[action(planned_date=D(2026, 6, 1))]), "training_overdue")
    assert (a.subject_type, a.severity, a.cell) == ("training", "low", "E2")
    assert a.message == (
        "F1 : action « Train the operators » prévue le 01/06/2026, non réalisée "
        "(18 jours de retard)"
    )


# --- the whole list -----------------------------------------------------------------------------


def test_clean_project_raises_nothing() -> None:
    p = project(
        [
            running("T1", planned_start=D(2026, 6, 8), planned_finish=D(2026, 6, 19)),
            task("T2", planned_start=D(2026, 7, 1), planned_finish=D(2026, 7, 10)),
        ],
        RES,
        SILENT_ASSIGN,
        logged((D(2026, 6, 12), 30.0)),
        [risk(action_due=D(2026, 7, 1))],
        [deliverable(due_date=D(2026, 7, 1))],
        [action(planned_date=D(2026, 7, 1))],
    )
    assert watchdog(p, None, FRENCH) == []


def test_alerts_sorted_by_severity_then_oldest_first() -> None:
    p = project(
        [
            running("T1", last_update=D(2026, 6, 1)),
            running("T2", last_update=D(2026, 5, 1)),
            running("T3", last_update=None),
            task("T4", planned_start=D(2026, 6, 10)),
        ],
        RES,
        risks=[risk(last_review=D(2026, 1, 10))],
        training=[action(planned_date=D(2026, 6, 1))],
    )
    got = [(a.rule, a.subject_id, a.since) for a in watchdog(p, None, FRENCH)]
    assert got == [
        ("stale_task", "T3", None),
        ("stale_task", "T2", D(2026, 5, 1)),
        ("stale_task", "T1", D(2026, 6, 1)),
        ("not_started", "T4", D(2026, 6, 10)),
        ("risk_not_reviewed", "RSK1", D(2026, 1, 10)),
        ("training_overdue", "F1", D(2026, 6, 1)),
    ]
    assert sort_alerts(list(reversed(watchdog(p, None, FRENCH)))) == watchdog(p, None, FRENCH)


def test_status_date_argument_overrides_the_card_and_is_required() -> None:
    p = project([running(last_update=D(2026, 6, 10))], RES)
    assert fired(p, "stale_task") == []
    (a,) = [a for a in watchdog(p, None, FRENCH, D(2026, 6, 30)) if a.rule == "stale_task"]
    assert a.value == 20.0
    p.project["status_date"] = None
    with pytest.raises(ValueError, match="status date"):
        watchdog(p, None, FRENCH)


def test_as_json() -> None:
    (a,) = fired(project([running("T9", last_update=D(2026, 6, 1))], RES), "stale_task")
    assert a.as_json() == {
        "rule": "stale_task",
        "severity": "high",
        "subject_type": "task",
        "subject_id": "T9",
        "since": "2026-06-01",
        "value": 18.0,
        "threshold": 14.0,
        "sheet": "Tâches",
        "cell": "Q2",
        "message": "T9 : aucune mise à jour depuis le 01/06/2026 (18 jours)",
    }
    (b,) = fired(project([running("T9", owner=None)], RES), "no_owner")
    assert b.as_json()["since"] is None and b.as_json()["value"] is None


def test_rule_table_is_complete() -> None:
    assert {r.severity for r in RULES.values()} == {"high", "medium", "low"}
    assert set(RULES) == {
        "stale_task",
        "silent_resource",
        "overdue_task",
        "not_started",
        "no_owner",
        "unknown_owner",
        "risk_action_overdue",
        "deliverable_overdue",
        "risk_not_reviewed",
        "training_overdue",
    }


# --- the sample workbook's planted problems ------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("forecast", [True, False], ids=["forecast", "planned"])
def test_sample_planted_problems_are_caught(lang: str, forecast: bool) -> None:
    from pmo_xl.core.calendar import WorkCalendar
    from pmo_xl.core.schedule import compute_schedule
    from pmo_xl.sample import PLANTED, generate

    p = generate(lang=lang)  # type: ignore[arg-type]
    cal = WorkCalendar.from_settings(p.settings)
    dates = (
        compute_schedule(p.tasks, cal, p.project["start_date"], p.status_date).tasks
        if forecast
        else None
    )
    alerts = watchdog(p, dates, cal)
    stale, silent = PLANTED["stale_task"], PLANTED["silent_resource"]
    assert [(a.rule, a.subject_id, a.since) for a in alerts] == [
        ("stale_task", stale["task"], stale["last_update"]),
        ("silent_resource", silent["resource"], silent["last_actual"]),
        (
            "risk_action_overdue",
            PLANTED["overdue_risk_action"]["risk"],
            PLANTED["overdue_risk_action"]["action_due"],
        ),
        (
            "deliverable_overdue",
            PLANTED["past_due_deliverable"]["item"],
            PLANTED["past_due_deliverable"]["due_date"],
        ),
    ]
    assert all(t in alerts[1].message for t in silent["tasks_in_progress"])
