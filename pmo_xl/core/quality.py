"""Quality, changes and training at the status date: counts, rates and the lists to chase.

Rules (the Guide sheet and the ``analyse --json`` documentation restate them):

Deliverables (Quality sheet)
* counts by status: every schema status key, 0 when none; a blank status is counted apart
  (``no_status``) and in ``total``.
* ``acceptance_rate`` = accepted / (accepted + rejected): the verdict of the client on what it
  has judged; None while nothing is decided.
* ``due_acceptance_rate`` = accepted / deliverables due on or before the status date, counting
  those of them in status accepted (whenever accepted): how much of what was due is accepted.
  None when nothing is due yet.
* overdue: due date before the status date (due on the status date is not late) and status
  neither submitted nor accepted (a rejected deliverable past due is overdue: it must come back).
* non-conformities: the total, and the deliverables with at least one.

Changes
* counts by status (proposed, approved, rejected); approved totals of cost and schedule impact
  (blank impacts add 0); pending decisions = proposed requests, with their age in calendar days
  at the status date (None when the request date is blank) and their cost and schedule totals.

Training
* status as counted: cancelled stays cancelled; otherwise an action with a done date is done
  (whatever its status says: a status left at planned once the session is held is the usual
  slip), and one without is as given, a blank status reading as planned (the column is optional).
* ``completion`` = done / (planned + done), cancelled actions excluded; None when there is none.
* ``attendance_rate`` = Σ attendees / Σ planned attendees over the done actions that give both
  figures; None when that planned sum is 0.
* overdue: planned date before the status date and neither done nor cancelled.

Every list names the record (id, or ``#row`` when blank), its worksheet row, the date it dates
from and the days since (``Flag``), in worksheet order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pmo_xl.core.risk import Flag, flag_list, json_number, record_ids
from pmo_xl.schema import CHANGES, QUALITY, TRAINING

QUALITY_STATUSES = tuple(c.key for c in QUALITY.column("status").choices)
CHANGE_STATUSES = tuple(c.key for c in CHANGES.column("status").choices)
TRAINING_STATUSES = tuple(c.key for c in TRAINING.column("status").choices)
_DELIVERED = ("submitted", "accepted")


@dataclass(frozen=True)
class DeliverableSummary:
    total: int
    by_status: dict[str, int]
    no_status: int
    acceptance_rate: float | None
    due_count: int
    due_acceptance_rate: float | None
    overdue: list[Flag]  # since = due date
    rejected: list[str]
    non_conformities: float
    with_non_conformities: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": dict(self.by_status),
            "no_status": self.no_status,
            "acceptance_rate": json_number(self.acceptance_rate),
            "due": self.due_count,
            "due_acceptance_rate": json_number(self.due_acceptance_rate),
            "overdue": [f.as_json() for f in self.overdue],
            "rejected": list(self.rejected),
            "non_conformities": json_number(self.non_conformities),
            "with_non_conformities": list(self.with_non_conformities),
        }


@dataclass(frozen=True)
class ChangeSummary:
    total: int
    by_status: dict[str, int]
    no_status: int
    approved_cost: float
    approved_schedule_days: float
    pending: list[Flag]  # since = requested on, days = age at the status date
    pending_cost: float
    pending_schedule_days: float

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": dict(self.by_status),
            "no_status": self.no_status,
            "approved_cost_impact": json_number(self.approved_cost),
            "approved_schedule_impact_days": json_number(self.approved_schedule_days),
            "pending": [f.as_json() for f in self.pending],
            "pending_cost_impact": json_number(self.pending_cost),
            "pending_schedule_impact_days": json_number(self.pending_schedule_days),
        }


@dataclass(frozen=True)
class TrainingSummary:
    total: int
    by_status: dict[str, int]  # effective status (blank read from the done date)
    completion: float | None
    planned_attendees: float
    attendees: float
    attendance_rate: float | None
    overdue: list[Flag]  # since = planned date

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": dict(self.by_status),
            "completion": json_number(self.completion),
            "planned_attendees": json_number(self.planned_attendees),
            "attendees": json_number(self.attendees),
            "attendance_rate": json_number(self.attendance_rate),
            "overdue": [f.as_json() for f in self.overdue],
        }


@dataclass(frozen=True)
class QualitySummary:
    status_date: dt.date
    deliverables: DeliverableSummary
    changes: ChangeSummary
    training: TrainingSummary

    def as_json(self) -> dict[str, Any]:
        """Top-level keys ``quality``, ``changes``, ``training`` of ``analyse --json``."""
        return {
            "quality": self.deliverables.as_json(),
            "changes": self.changes.as_json(),
            "training": self.training.as_json(),
        }


def quality_summary(
    quality: pd.DataFrame,
    changes: pd.DataFrame,
    training: pd.DataFrame,
    status_date: dt.date,
) -> QualitySummary:
    """Deliverables, change requests and training actions (model contract) at ``status_date``."""
    now = pd.Timestamp(dt.date(status_date.year, status_date.month, status_date.day))
    return QualitySummary(
        status_date=now.date(),
        deliverables=deliverable_summary(quality, now),
        changes=change_summary(changes, now),
        training=training_summary(training, now),
    )


def deliverable_summary(quality: pd.DataFrame, now: pd.Timestamp) -> DeliverableSummary:
    status = quality["status"]
    counts = _counts(status, QUALITY_STATUSES)
    decided = counts["accepted"] + counts["rejected"]
    due = quality["due_date"] <= now
    due_count = int(due.sum())
    late = (quality["due_date"] < now) & ~status.isin(_DELIVERED)
    nc = quality["non_conformities"]
    ids = record_ids(quality, "item_id")
    return DeliverableSummary(
        total=len(quality),
        by_status=counts,
        no_status=int(status.isna().sum()),
        acceptance_rate=counts["accepted"] / decided if decided else None,
        due_count=due_count,
        due_acceptance_rate=(
            int((due & (status == "accepted")).sum()) / due_count if due_count else None
        ),
        overdue=flag_list(late, quality["due_date"], now, ids),
        rejected=[ids[r] for r in quality.index[status == "rejected"]],
        non_conformities=float(nc.sum()),
        with_non_conformities=[ids[r] for r in quality.index[nc > 0]],
    )


def change_summary(changes: pd.DataFrame, now: pd.Timestamp) -> ChangeSummary:
    status = changes["status"]
    approved = status == "approved"
    pending = status == "proposed"
    return ChangeSummary(
        total=len(changes),
        by_status=_counts(status, CHANGE_STATUSES),
        no_status=int(status.isna().sum()),
        approved_cost=float(changes.loc[approved, "cost_impact"].sum()),
        approved_schedule_days=float(changes.loc[approved, "schedule_impact_days"].sum()),
        pending=flag_list(pending, changes["requested_on"], now, record_ids(changes, "change_id")),
        pending_cost=float(changes.loc[pending, "cost_impact"].sum()),
        pending_schedule_days=float(changes.loc[pending, "schedule_impact_days"].sum()),
    )


def training_summary(training: pd.DataFrame, now: pd.Timestamp) -> TrainingSummary:
    status = training_status(training)
    counts = _counts(status, TRAINING_STATUSES)
    active = counts["planned"] + counts["done"]
    done = training[status == "done"]
    both = done["planned_attendees"].notna() & done["attendees"].notna()
    planned_sum = float(done.loc[both, "planned_attendees"].sum())
    attended = float(done.loc[both, "attendees"].sum())
    late = (training["planned_date"] < now) & (status == "planned")
    return TrainingSummary(
        total=len(training),
        by_status=counts,
        completion=counts["done"] / active if active else None,
        planned_attendees=planned_sum,
        attendees=attended,
        attendance_rate=attended / planned_sum if planned_sum else None,
        overdue=flag_list(late, training["planned_date"], now, record_ids(training, "action_id")),
    )


def training_status(training: pd.DataFrame) -> pd.Series:
    """Each action's status as counted: cancelled stays cancelled; a done date makes it done
    (a status left at planned once the session is held is the usual slip); else as given,
    blank reading as planned."""
    status = training["status"].where(training["status"].notna(), "planned")
    done = training["done_date"].notna() & (status != "cancelled")
    return status.where(~done, "done").astype("object")


def _counts(status: pd.Series, keys: tuple[str, ...]) -> dict[str, int]:
    return {k: int((status == k).sum()) for k in keys}
