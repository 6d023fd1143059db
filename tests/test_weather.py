"""Project weather: every rule firing and not firing at its threshold, and the sample's weather."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import cache
from typing import Any

import pandas as pd
import pytest

from pmo_xl.core.analysis import analyse
from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.evm import EvmResult
from pmo_xl.core.quality import QualitySummary, quality_summary
from pmo_xl.core.risk import RiskResult, analyse_risks
from pmo_xl.core.schedule import ScheduleResult, compute_schedule
from pmo_xl.core.weather import Weather, project_weather, status_label, worst
from pmo_xl.model import make_project_data
from pmo_xl.sample import generate
from pmo_xl.schema import settings_defaults

MONDAY = dt.date(2026, 5, 4)
NONE = WorkCalendar("none")
SD = dt.date(2026, 5, 20)
DEFAULTS = settings_defaults()


def fired(weather: Weather, rule: str) -> tuple[str, float | None] | None:
    """(status, value) of ``rule`` when it fired, else None."""
    hits = [r for r in weather.reasons if r.rule == rule]
    assert len(hits) <= 1
    return (hits[0].status, hits[0].value) if hits else None


@cache
def sample_evm() -> EvmResult:
    evm = analyse(generate()).evm
    assert evm is not None
    return evm


def evm(**figures: float | None) -> EvmResult:
    """An earned value result with the given indices (the others neutral)."""
    neutral: dict[str, float | None] = {"spi": 1.0, "spi_t": 1.0, "cpi": 1.0}
    return dataclasses.replace(sample_evm(), **{**neutral, **figures})


def tasks_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return make_project_data(tables={"tasks": pd.DataFrame(rows)}).tasks


def plan(milestone: dict[str, Any] | None = None) -> tuple[ScheduleResult, pd.DataFrame]:
    """A (10 days, Mon 4 to Fri 15 May) then milestone M (Mon 18 May), no holidays."""
    m = {"task_id": "M", "name": "M", "duration": 0, "predecessors": "A", **(milestone or {})}
    tasks = tasks_table([{"task_id": "A", "name": "A", "duration": 10}, m])
    status = SD if "actual_finish" in m else None
    return compute_schedule(tasks, NONE, MONDAY, status), tasks


def risks(*rows: dict[str, Any], contingency: float | None = None) -> RiskResult:
    base = {"status": "open", "raised_on": SD, "last_review": SD}
    budget = [{"line_id": "B1", "category": "contingency", "amount": contingency}]
    data = make_project_data(
        tables={
            "risks": pd.DataFrame([{**base, **r} for r in rows]),
            "budget": pd.DataFrame(budget if contingency is not None else []),
        }
    )
    return analyse_risks(data.risks, data.settings, SD, data.budget)


def quality(*rows: dict[str, Any]) -> tuple[QualitySummary, pd.DataFrame]:
    data = make_project_data(tables={"quality": pd.DataFrame(list(rows))})
    return quality_summary(data.quality, data.changes, data.training, SD), data.quality


def item(iid: str, status: str, due_offset: int = 10, nc: int = 0) -> dict[str, Any]:
    due = SD + dt.timedelta(days=due_offset)
    return {"item_id": iid, "status": status, "due_date": due, "non_conformities": nc}


# -- statuses ------------------------------------------------------------------------------------


def test_worst_and_labels() -> None:
    assert worst(["sun", None, "cloud"]) == "cloud"
    assert worst(["cloud", "storm", "sun"]) == "storm"
    assert worst([None, None]) is None
    assert [status_label(s, "fr") for s in ("sun", "cloud", "storm")] == [
        "soleil",
        "nuageux",
        "orage",
    ]
    assert status_label(None, "en") is None


def test_nothing_computed_is_no_weather_and_nothing_wrong_is_sun() -> None:
    unknown = project_weather(DEFAULTS)
    assert unknown.status is None
    assert unknown.axes == {"schedule": None, "cost": None, "risks": None, "quality": None}
    schedule, tasks = plan({"baseline_finish": "2026-05-18"})
    summary, table = quality(item("Q1", "accepted", -5, nc=2))
    sunny = project_weather(
        DEFAULTS,
        schedule=schedule,
        tasks=tasks,
        evm=evm(),
        risks=risks({"risk_id": "R1", "probability": 1, "impact": 1}),
        quality=summary,
        deliverables=table,
    )
    assert sunny.status == "sun"
    assert set(sunny.axes.values()) == {"sun"}
    assert sunny.reasons == []
    assert sunny.as_json() == {
        "weather": "sun",
        "weather_label": "sun",
        "weather_axes": {"schedule": "sun", "cost": "sun", "risks": "sun", "quality": "sun"},
        "weather_reasons": [],
    }


# -- schedule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "expected"),
    [
        (dt.date(2026, 5, 19), None),  # one day early
        (dt.date(2026, 5, 18), None),  # on the day
        (dt.date(2026, 5, 15), ("cloud", 1)),
        (dt.date(2026, 5, 4), ("cloud", 10)),  # exactly slip_red_days: not beyond
        (dt.date(2026, 5, 1), ("storm", 11)),
    ],
)
def test_finish_slip(planned: dt.date, expected: tuple[str, float] | None) -> None:
    schedule, _ = plan()
    assert schedule.finish == dt.date(2026, 5, 18)
    weather = project_weather(DEFAULTS, schedule=schedule, planned_finish=planned)
    assert fired(weather, "finish_slip") == expected
    assert weather.axes["schedule"] == (expected[0] if expected else "sun")


def test_finish_slip_threshold_from_settings_and_baseline_when_no_planned_finish() -> None:
    schedule, _ = plan({"baseline_finish": "2026-05-13"})  # 3 working days before 18 May
    settings = {**DEFAULTS, "slip_red_days": 2}
    assert fired(project_weather(settings, schedule=schedule), "finish_slip") == ("storm", 3)
    assert fired(project_weather(DEFAULTS, schedule=schedule), "finish_slip") == ("cloud", 3)
    no_reference, _ = plan()
    assert fired(project_weather(DEFAULTS, schedule=no_reference), "finish_slip") is None


@pytest.mark.parametrize("rule", ["spi", "spi_t"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.2, None),
        (0.95, None),  # equal to the amber threshold: not below
        (0.9499, "cloud"),
        (0.90, "cloud"),
        (0.8999, "storm"),
        (None, None),  # no PV yet
    ],
)
def test_schedule_indices(rule: str, value: float | None, expected: str | None) -> None:
    weather = project_weather(DEFAULTS, evm=evm(**{rule: value}))
    assert fired(weather, rule) == (None if expected is None else (expected, value))
    assert weather.axes == {
        "schedule": expected or "sun",
        "cost": "sun",
        "risks": None,
        "quality": None,
    }


def test_index_messages_show_the_threshold_crossed_in_both_languages() -> None:
    storm = project_weather(DEFAULTS, evm=evm(spi=0.8858), lang="fr").reasons[0]
    assert storm.message == "SPI 0,89 sous le seuil rouge de 0,90"
    assert storm.threshold == 0.90
    cloud = project_weather(DEFAULTS, evm=evm(spi_t=0.94993)).reasons[0]
    assert cloud.message == "SPI(t) 0.9499 below the amber threshold 0.95"  # 0.95 would mislead
    settings = {**DEFAULTS, "spi_amber": 1.0, "spi_red": 0.98}
    assert fired(project_weather(settings, evm=evm(spi=0.99)), "spi") == ("cloud", 0.99)


@pytest.mark.parametrize(
    ("milestone", "expected"),
    [
        ({"baseline_finish": "2026-05-18"}, None),  # forecast on its baseline
        ({"baseline_finish": "2026-05-15"}, ("cloud", 1)),
        ({"baseline_finish": "2026-05-11"}, ("cloud", 5)),
        ({"planned_finish": "2026-05-14"}, ("cloud", 2)),  # no baseline: the planned finish
        ({}, None),  # no date to compare with
        (  # finished late: history, not a late milestone
            {"baseline_finish": "2026-05-11", "actual_finish": "2026-05-18"},
            None,
        ),
    ],
)
def test_milestone_late(milestone: dict[str, Any], expected: tuple[str, float] | None) -> None:
    schedule, tasks = plan(milestone)
    weather = project_weather(
        DEFAULTS, schedule=schedule, tasks=tasks, planned_finish=dt.date(2026, 6, 30)
    )
    assert fired(weather, "milestone_late") == expected
    assert weather.status == (expected[0] if expected else "sun")


def test_milestone_message_names_each_late_milestone() -> None:
    schedule, tasks = plan({"baseline_finish": "2026-05-15"})
    weather = project_weather(DEFAULTS, schedule=schedule, tasks=tasks, lang="fr")
    reason = next(r for r in weather.reasons if r.rule == "milestone_late")
    assert reason.message == (
        "1 jalon(s) prévu(s) après leur date de référence : M le 18/05/2026 au lieu du "
        "15/05/2026 (+1 j ouvrés)"
    )


# -- cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.95, None), (0.9499, "cloud"), (0.90, "cloud"), (0.8999, "storm"), (None, None)],
)
def test_cpi(value: float | None, expected: str | None) -> None:
    weather = project_weather(DEFAULTS, evm=evm(cpi=value))
    assert fired(weather, "cpi") == (None if expected is None else (expected, value))
    assert weather.axes["cost"] == (expected or "sun")
    assert weather.axes["schedule"] == "sun"


@pytest.mark.parametrize(
    ("contingency", "expected"),
    [(None, None), (5_000.0, None), (4_999.0, ("cloud", 5_000.0))],
)
def test_contingency_short(contingency: float | None, expected: tuple[str, float] | None) -> None:
    # probability 3 (50 %) x 10,000 = residual EMV 5,000
    result = risks(
        {"risk_id": "R1", "probability": 3, "impact": 1, "cost_impact": 10_000},
        contingency=contingency,
    )
    weather = project_weather(DEFAULTS, risks=result, lang="en")
    assert fired(weather, "contingency_short") == expected
    assert weather.axes["cost"] == (expected[0] if expected else "sun")
    if expected:
        assert weather.reasons[0].message == (
            "Residual risk exposure (EMV 5,000) exceeds the contingency (4,999) by 1"
        )


# -- risks ---------------------------------------------------------------------------------------


def test_red_risk_without_action_is_a_storm() -> None:
    weather = project_weather(
        DEFAULTS, risks=risks({"risk_id": "R1", "probability": 5, "impact": 2})
    )
    assert [(r.rule, r.status) for r in weather.reasons] == [
        ("red_without_action", "storm"),
        ("red_open", "cloud"),
    ]
    assert weather.status == "storm"


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        ({"probability": 3, "impact": 3, "strategy": "mitigate"}, None),  # 9: amber
        ({"probability": 5, "impact": 2, "strategy": "accept"}, ("cloud", 1)),  # 10: red
        (  # inherent red, residual amber, with an action: watched, not a cloud
            {"probability": 5, "impact": 4, "residual_probability": 2, "action": "plan B"},
            None,
        ),
        ({"probability": 5, "impact": 5, "status": "closed"}, None),
    ],
)
def test_open_red_risk_is_a_cloud(risk: dict[str, Any], expected: tuple[str, float] | None) -> None:
    weather = project_weather(DEFAULTS, risks=risks({"risk_id": "R1", **risk}))
    assert fired(weather, "red_open") == expected
    assert fired(weather, "red_without_action") is None


@pytest.mark.parametrize(("due_offset", "expected"), [(0, None), (-1, ("cloud", 1)), (5, None)])
def test_risk_action_overdue(due_offset: int, expected: tuple[str, float] | None) -> None:
    due = SD + dt.timedelta(days=due_offset)
    row = {"risk_id": "R1", "probability": 2, "impact": 2, "action": "x", "action_due": due}
    weather = project_weather(DEFAULTS, risks=risks(row), lang="fr")
    assert fired(weather, "actions_overdue") == expected
    if expected:
        assert weather.reasons[0].message == "1 action(s) de risque en retard : R1 (1 j)"


# -- quality -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "rejected", "overdue", "nc"),
    [
        ([item("Q1", "submitted", -40)], None, None, None),
        ([item("Q1", "rejected", 5)], ("storm", 1), None, None),
        ([item("Q1", "in_progress", 0)], None, None, None),  # due today: not late
        ([item("Q1", "in_progress", -1)], None, ("cloud", 1), None),
        ([item("Q1", "not_started", -30)], None, ("cloud", 30), None),  # not beyond 30
        ([item("Q1", "not_started", -31)], None, ("storm", 31), None),
        ([item("Q1", "accepted", -5, nc=3)], None, None, None),  # settled
        (
            [item("Q1", "submitted", 5, nc=2), item("Q2", "in_progress", 9, nc=1)],
            None,
            None,
            ("cloud", 3),
        ),
    ],
)
def test_quality_rules(
    rows: list[dict[str, Any]],
    rejected: tuple[str, float] | None,
    overdue: tuple[str, float] | None,
    nc: tuple[str, float] | None,
) -> None:
    summary, table = quality(*rows)
    weather = project_weather(DEFAULTS, quality=summary, deliverables=table)
    assert fired(weather, "deliverable_rejected") == rejected
    assert fired(weather, "deliverable_overdue") == overdue
    assert fired(weather, "nonconformity_open") == nc
    assert weather.axes["quality"] == worst(
        ["sun", *(f[0] for f in (rejected, overdue, nc) if f)]  # type: ignore[misc]
    )


def test_overdue_storm_threshold_from_settings_and_messages() -> None:
    summary, table = quality(item("Q1", "in_progress", -14), item("Q2", "in_progress", -3))
    settings = {**DEFAULTS, "weather_overdue_red_days": 10}
    weather = project_weather(settings, quality=summary, deliverables=table, lang="fr")
    assert fired(weather, "deliverable_overdue") == ("storm", 14)
    assert weather.reasons[0].message == "1 livrable(s) en retard de plus de 10 jours : Q1 (14 j)"
    calm = project_weather(DEFAULTS, quality=summary, deliverables=table, lang="en")
    assert calm.reasons[0].message == "2 deliverable(s) overdue: Q1 (14 d), Q2 (3 d)"
    summary_only = project_weather(DEFAULTS, quality=quality(item("Q1", "submitted", 1, nc=4))[0])
    assert fired(summary_only, "nonconformity_open") is None  # needs the Quality table


# -- the sample project --------------------------------------------------------------------------


def test_sample_project_weather() -> None:
    project = generate()
    a = analyse(project)
    weather = project_weather(
        project.settings,
        schedule=a.schedule,
        tasks=project.tasks,
        planned_finish=project.project["planned_finish"],
        evm=a.evm,
        risks=a.risks,
        quality=a.quality,
        deliverables=project.quality,
        lang=project.language,
    )
    assert weather.status == "storm"
    assert weather.label() == "orage"
    assert weather.axes == {
        "schedule": "storm",
        "cost": "cloud",
        "risks": "cloud",
        "quality": "storm",
    }
    assert [(r.axis, r.rule, r.status) for r in weather.reasons] == [
        ("schedule", "finish_slip", "cloud"),
        ("schedule", "spi", "storm"),
        ("schedule", "spi_t", "cloud"),
        ("schedule", "milestone_late", "cloud"),
        ("cost", "contingency_short", "cloud"),
        ("risks", "red_open", "cloud"),
        ("risks", "actions_overdue", "cloud"),
        ("quality", "deliverable_rejected", "storm"),
        ("quality", "deliverable_overdue", "cloud"),
        ("quality", "nonconformity_open", "cloud"),
    ]
    assert [r.message for r in weather.reasons] == [
        "Fin prévisionnelle le 04/11/2026, 6 jours ouvrés après la fin prévue du 27/10/2026 "
        "(orage au-delà de 10)",
        "SPI 0,89 sous le seuil rouge de 0,90",
        "SPI(t) 0,9499 sous le seuil orange de 0,95",
        "3 jalon(s) prévu(s) après leur date de référence : T450 le 28/07/2026 au lieu du "
        "20/07/2026 (+6 j ouvrés), T510 le 07/09/2026 au lieu du 28/08/2026 (+6 j ouvrés), "
        "T600 le 04/11/2026 au lieu du 27/10/2026 (+6 j ouvrés)",
        "Exposition résiduelle des risques (VME 316\u202f500) supérieure à la provision pour "
        "aléas (93\u202f000) de 223\u202f500",
        "1 risque(s) ouvert(s) en zone rouge résiduelle : RK09",
        "1 action(s) de risque en retard : RK10 (28 j)",
        "1 livrable(s) refusé(s) : Q04",
        "1 livrable(s) en retard : Q05 (14 j)",
        "2 non-conformité(s) sur des livrables non acceptés : Q04 (2)",
    ]
    out = weather.as_json()
    assert list(out) == ["weather", "weather_label", "weather_axes", "weather_reasons"]
    assert out["weather_reasons"][1] == {
        "axis": "schedule",
        "rule": "spi",
        "status": "storm",
        "message": "SPI 0,89 sous le seuil rouge de 0,90",
        "value": 0.885791,
        "threshold": 0.9,
    }
    json.dumps(out)
