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

import numpy as np
import pandas as pd

from pmo_xl.core.risk import Flag, as_datetime64, flag_rows, json_number, record_ids
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


# The tables are a few dozen rows: the cost is pandas' per-call overhead, not the data, so the
# rules below work on the numpy arrays of the columns.


def deliverable_summary(quality: pd.DataFrame, now: pd.Timestamp) -> DeliverableSummary:
    today = as_datetime64(now)
    status = quality["status"].to_numpy()
    counts = _counts(status, QUALITY_STATUSES)
    decided = counts["accepted"] + counts["rejected"]
    due_date = quality["due_date"].to_numpy(dtype="datetime64[ns]")
    due = due_date <= today
    due_count = int(np.count_nonzero(due))
    late = (due_date < today) & ~_is_any(status, _DELIVERED)
    nc = quality["non_conformities"].to_numpy(dtype="float64")
    rows = quality.index.to_numpy()
    ids = record_ids(quality, "item_id")
    return DeliverableSummary(
        total=len(quality),
        by_status=counts,
        no_status=int(np.count_nonzero(pd.isna(status))),
        acceptance_rate=counts["accepted"] / decided if decided else None,
        due_count=due_count,
        due_acceptance_rate=(
            int(np.count_nonzero(due & (status == "accepted"))) / due_count if due_count else None
        ),
        overdue=flag_rows(rows[late], due_date[late], now, ids),
        rejected=[ids[r] for r in rows[status == "rejected"].tolist()],
        non_conformities=_total(nc),
        with_non_conformities=[ids[r] for r in rows[nc > 0].tolist()],
    )


def change_summary(changes: pd.DataFrame, now: pd.Timestamp) -> ChangeSummary:
    status = changes["status"].to_numpy()
    approved = status == "approved"
    pending = status == "proposed"
    cost = changes["cost_impact"].to_numpy(dtype="float64")
    days = changes["schedule_impact_days"].to_numpy(dtype="float64")
    requested = changes["requested_on"].to_numpy(dtype="datetime64[ns]")
    rows = changes.index.to_numpy()
    return ChangeSummary(
        total=len(changes),
        by_status=_counts(status, CHANGE_STATUSES),
        no_status=int(np.count_nonzero(pd.isna(status))),
        approved_cost=_total(cost[approved]),
        approved_schedule_days=_total(days[approved]),
        pending=flag_rows(rows[pending], requested[pending], now, record_ids(changes, "change_id")),
        pending_cost=_total(cost[pending]),
        pending_schedule_days=_total(days[pending]),
    )


def training_summary(training: pd.DataFrame, now: pd.Timestamp) -> TrainingSummary:
    today = as_datetime64(now)
    status = _training_status(training)
    counts = _counts(status, TRAINING_STATUSES)
    active = counts["planned"] + counts["done"]
    planned_attendees = training["planned_attendees"].to_numpy(dtype="float64")
    attendees = training["attendees"].to_numpy(dtype="float64")
    both = (status == "done") & ~np.isnan(planned_attendees) & ~np.isnan(attendees)
    planned_sum = _total(planned_attendees[both])
    attended = _total(attendees[both])
    planned_date = training["planned_date"].to_numpy(dtype="datetime64[ns]")
    late = (planned_date < today) & (status == "planned")
    rows = training.index.to_numpy()
    return TrainingSummary(
        total=len(training),
        by_status=counts,
        completion=counts["done"] / active if active else None,
        planned_attendees=planned_sum,
        attendees=attended,
        attendance_rate=attended / planned_sum if planned_sum else None,
        overdue=flag_rows(rows[late], planned_date[late], now, record_ids(training, "action_id")),
    )


def training_status(training: pd.DataFrame) -> pd.Series:
    """Each action's status as counted: cancelled stays cancelled; a done date makes it done
    (a status left at planned once the session is held is the usual slip); else as given,
    blank reading as planned."""
    return pd.Series(
        _training_status(training), index=training.index, name="status", dtype="object"
    )


def _training_status(training: pd.DataFrame) -> np.ndarray:
    """``training_status`` as an object array."""
    given = training["status"].to_numpy()
    status = np.array(given, dtype=object)  # a copy: the table is not ours to change
    status[pd.isna(given)] = "planned"
    status[pd.notna(training["done_date"].to_numpy()) & (status != "cancelled")] = "done"
    return status


def _counts(status: np.ndarray, keys: tuple[str, ...]) -> dict[str, int]:
    values = status.tolist()
    return {k: values.count(k) for k in keys}


def _is_any(values: np.ndarray, keys: tuple[str, ...]) -> np.ndarray:
    """Whether each value is one of ``keys``."""
    return np.array([v in keys for v in values.tolist()], dtype=bool)


def _total(values: np.ndarray) -> float:
    """The sum of ``values``, blanks adding 0, as ``Series.sum`` computes it."""
    return float(np.nansum(values))
