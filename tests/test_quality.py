"""Quality, changes and training summaries on hand-built tables: exact counts, rates and lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from pmo_xl.core.quality import QualitySummary, quality_summary
from pmo_xl.core.risk import Flag
from pmo_xl.model import make_project_data

SD = dt.date(2026, 3, 16)


def day(offset: int) -> dt.date:
    return SD + dt.timedelta(days=offset)


def summary(
    quality: list[dict[str, Any]] | None = None,
    changes: list[dict[str, Any]] | None = None,
    training: list[dict[str, Any]] | None = None,
) -> QualitySummary:
    data = make_project_data(
        tables={
            "quality": pd.DataFrame(quality or []),
            "changes": pd.DataFrame(changes or []),
            "training": pd.DataFrame(training or []),
        }
    )
    return quality_summary(data.quality, data.changes, data.training, SD)


def item(iid: str, status: str | None, due: dt.date | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "item_id": iid,
        "deliverable": f"deliverable {iid}",
        "status": status,
        "due_date": due,
        **extra,
    }


# --- deliverables -------------------------------------------------------------------------------


def test_deliverable_counts_every_status() -> None:
    d = summary(
        [
            item("Q1", "accepted"),
            item("Q2", "accepted"),
            item("Q3", "in_progress"),
            item("Q4", None),
        ]
    ).deliverables
    assert d.by_status == {
        "not_started": 0,
        "in_progress": 1,
        "submitted": 0,
        "accepted": 2,
        "rejected": 0,
    }
    assert (d.total, d.no_status) == (4, 1)


def test_acceptance_rates() -> None:
    d = summary(
        [
            item("Q1", "accepted", day(-5)),  # due, accepted
            item("Q2", "in_progress", day(0)),  # due today: due, not overdue
            item("Q3", "rejected", day(-1)),  # due, overdue (must come back)
            item("Q4", "accepted", day(10)),  # accepted early: not due yet
            item("Q5", "submitted", day(-3)),  # due, with the client: not overdue
            item("Q6", "not_started", day(-10)),  # due, overdue
            item("Q7", "in_progress", day(1)),
            item("Q8", "accepted"),  # no due date: never due
        ]
    ).deliverables
    assert d.acceptance_rate == 0.75  # 3 accepted / (3 accepted + 1 rejected)
    assert d.due_count == 5
    assert d.due_acceptance_rate == 0.2  # Q1 of Q1, Q2, Q3, Q5, Q6
    assert d.overdue == [Flag("Q3", 4, day(-1), 1), Flag("Q6", 7, day(-10), 10)]
    assert d.rejected == ["Q3"]


def test_acceptance_rates_none_when_nothing_decided_or_due() -> None:
    d = summary([item("Q1", "submitted", day(3)), item("Q2", "in_progress")]).deliverables
    assert (d.acceptance_rate, d.due_count, d.due_acceptance_rate) == (None, 0, None)
    assert d.overdue == []


def test_non_conformities() -> None:
    rows = [item(f"Q{n}", "submitted") for n in range(1, 5)]
    for row, nc in zip(rows, [0, 2, None, 3], strict=True):
        row["non_conformities"] = nc
    d = summary(rows).deliverables
    assert d.non_conformities == 5
    assert d.with_non_conformities == ["Q2", "Q4"]


# --- changes ------------------------------------------------------------------------------------


def change(cid: str, status: str | None, **extra: Any) -> dict[str, Any]:
    return {"change_id": cid, "title": f"change {cid}", "status": status, **extra}


def test_change_totals_and_pending_decisions() -> None:
    c = summary(
        changes=[
            change("CR1", "approved", cost_impact=1_000, schedule_impact_days=5),
            change("CR2", "approved", cost_impact=-200),  # a saving; no schedule figure
            change("CR3", "approved"),
            change("CR4", "rejected", cost_impact=50_000, schedule_impact_days=20),
            change("CR5", "proposed", requested_on=day(-30), cost_impact=700),
            change("CR6", "proposed", schedule_impact_days=3),  # no request date: age unknown
            change("CR7", "proposed", requested_on=day(0)),
            change("CR8", None),
        ]
    ).changes
    assert c.by_status == {"proposed": 3, "approved": 3, "rejected": 1}
    assert (c.total, c.no_status) == (8, 1)
    assert (c.approved_cost, c.approved_schedule_days) == (800, 5)
    assert c.pending == [
        Flag("CR5", 6, day(-30), 30),
        Flag("CR6", 7, None, None),
        Flag("CR7", 8, SD, 0),
    ]
    assert (c.pending_cost, c.pending_schedule_days) == (700, 3)


# --- training -----------------------------------------------------------------------------------


def action(aid: str, status: str | None, **extra: Any) -> dict[str, Any]:
    return {"action_id": aid, "action": f"session {aid}", "status": status, **extra}


def test_training_completion_attendance_and_overdue() -> None:
    t = summary(
        training=[
            action("F1", "planned", planned_date=day(-1)),  # overdue by a day
            action("F2", "planned", planned_date=day(0)),  # today: not overdue
            action("F3", "done", planned_attendees=10, attendees=8),
            action("F4", "done", planned_attendees=5, attendees=5),
            action("F5", "done", attendees=4),  # no planned figure: out of attendance
            action("F6", "cancelled", planned_date=day(-40), planned_attendees=12),
            action("F7", None, done_date=day(-2), planned_attendees=5, attendees=2),  # done
            action("F8", "planned", planned_date=day(-5), done_date=day(-5)),  # done date: done
            action("F9", None, planned_date=day(-3)),  # blank: planned, overdue
        ]
    ).training
    assert t.by_status == {"planned": 3, "done": 5, "cancelled": 1}
    assert t.completion == 5 / 8
    assert (t.planned_attendees, t.attendees) == (20, 15)
    assert t.attendance_rate == 0.75
    assert t.overdue == [Flag("F1", 2, day(-1), 1), Flag("F9", 10, day(-3), 3)]


def test_training_rates_none_without_actions() -> None:
    t = summary(training=[action("F1", "cancelled")]).training
    assert (t.completion, t.attendance_rate, t.overdue) == (None, None, [])


# --- the whole summary --------------------------------------------------------------------------


def test_empty_tables() -> None:
    s = summary()
    assert s.deliverables.total == 0
    assert s.deliverables.by_status["accepted"] == 0
    assert s.deliverables.non_conformities == 0
    assert (s.changes.approved_cost, s.changes.pending) == (0, [])
    assert s.training.completion is None


def test_as_json_plain_values() -> None:
    s = summary(
        [item("Q1", "rejected", day(-2))],
        [change("CR1", "proposed", requested_on=day(-4), cost_impact=1_500.5)],
        [action("F1", "done", planned_attendees=4, attendees=3)],
    )
    out = json.loads(json.dumps(s.as_json(), allow_nan=False))
    assert out == {
        "quality": {
            "total": 1,
            "by_status": {
                "not_started": 0,
                "in_progress": 0,
                "submitted": 0,
                "accepted": 0,
                "rejected": 1,
            },
            "no_status": 0,
            "acceptance_rate": 0,
            "due": 1,
            "due_acceptance_rate": 0,
            "overdue": [{"id": "Q1", "row": 2, "since": "2026-03-14", "days": 2}],
            "rejected": ["Q1"],
            "non_conformities": 0,
            "with_non_conformities": [],
        },
        "changes": {
            "total": 1,
            "by_status": {"proposed": 1, "approved": 0, "rejected": 0},
            "no_status": 0,
            "approved_cost_impact": 0,
            "approved_schedule_impact_days": 0,
            "pending": [{"id": "CR1", "row": 2, "since": "2026-03-12", "days": 4}],
            "pending_cost_impact": 1500.5,
            "pending_schedule_impact_days": 0,
        },
        "training": {
            "total": 1,
            "by_status": {"planned": 0, "done": 1, "cancelled": 0},
            "completion": 1,
            "planned_attendees": 4,
            "attendees": 3,
            "attendance_rate": 0.75,
            "overdue": [],
        },
    }
