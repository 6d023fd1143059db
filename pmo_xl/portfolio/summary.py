"""The per-workbook step of a consolidation, run in worker processes (or on Dask workers).

``summarise(path)`` reads, validates and analyses one workbook through the same services as
``pmo-xl analyse`` and returns a small picklable ``ProjectSummary``: the project's Portfolio row,
its people and their weekly loads, its most severe watchdog alerts and its risk matrix. The
whole ``ProjectData`` never leaves the worker, so the parent's memory grows by a few kilobytes
per workbook, not by the workbook. It never raises: a failure becomes ``error`` and ``stage``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmo_xl.errors import PmoError

if TYPE_CHECKING:
    from pmo_xl.core.analysis import Analysis
    from pmo_xl.core.watchdog import Alert
    from pmo_xl.model import ProjectData

TOP_ALERTS = 10  # alerts of each project kept for the digest (most severe first)
RESOURCE_COLUMNS = ["resource_id", "name", "department", "hours_per_day", "project_share"]
LOAD_COLUMNS = ["resource_id", "week", "hours"]
THRESHOLDS = ("spi_amber", "spi_red", "cpi_amber", "cpi_red", "slip_red_days")


@dataclass
class ProjectSummary:
    """What the parent keeps of one workbook.

    ``row``: the Portfolio row (see ``ROW_KEYS``; plain Python values, dates as ``datetime.date``).
    ``resources``: the Resources table (``RESOURCE_COLUMNS``); ``loads``: planned hours per
    Resource ID and ISO week (``LOAD_COLUMNS``); ``alerts``: the ``TOP_ALERTS`` most severe
    watchdog alerts as dicts; ``risk_matrix``: open scored risks, ``[probability-1][impact-1]``.
    When the workbook could not be used, ``error`` says why and ``stage`` where (``read``,
    ``analyse``, ``worker``); the other fields are empty.
    """

    file: str
    row: dict[str, Any] = field(default_factory=dict)
    resources: pd.DataFrame | None = None
    loads: pd.DataFrame | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)
    risk_matrix: list[list[int]] | None = None
    error: str | None = None
    stage: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


ROW_KEYS = (
    "project_code",
    "project_name",
    "project_manager",
    "current_phase",
    "weather",
    "spi",
    "cpi",
    "spi_t",
    "bac",
    "eac",
    "vac",
    "forecast_finish",
    "planned_finish",
    "slip_days",
    "open_risks",
    "open_red_risks",
    "watchdog_alerts",
    "watchdog_high",
    "validation_errors",
    "validation_warnings",
    "status_date",
    "language",
    "problems",
    "file",
    *THRESHOLDS,
)


def summarise(path: str) -> ProjectSummary:
    """Read, validate and analyse the workbook at ``path``; never raises."""
    from pmo_xl import services

    try:
        project = services.read(path)
    except PmoError as exc:
        return ProjectSummary(path, error=exc.message, stage="read")
    except Exception as exc:  # a reader bug must not stop the batch
        return ProjectSummary(path, error=_describe(exc), stage="read")
    try:
        analysis = services.analyse_project(project, full=False)
        return _summary(path, project, analysis)
    except PmoError as exc:
        return ProjectSummary(path, error=exc.message, stage="analyse")
    except Exception as exc:
        return ProjectSummary(path, error=_describe(exc), stage="analyse")


def _summary(path: str, project: ProjectData, analysis: Analysis) -> ProjectSummary:
    from pmo_xl.core.resources import planned_task_dates, weekly_load

    data = analysis.headline()
    risks = analysis.risks
    alerts = analysis.alerts
    loads = analysis.loads
    if loads is None:  # no status date: the load of the planned (or scheduled) dates
        schedule = analysis.schedule
        task_dates = schedule.tasks if schedule is not None else planned_task_dates(project.tasks)
        loads = weekly_load(project.assignments, task_dates, analysis.calendar, project="")
    card = project.project
    band = risks.open_by_band if risks is not None else {}
    row: dict[str, Any] = {
        "project_code": _text(card.get("project_code")),
        "project_name": _text(card.get("project_name")),
        "project_manager": _text(card.get("project_manager")),
        "current_phase": _text(card.get("current_phase")),
        "weather": analysis.weather.status if analysis.weather is not None else None,
        "spi": data.get("spi"),
        "cpi": data.get("cpi"),
        "spi_t": data.get("spi_t"),
        "bac": data.get("bac"),
        "eac": data.get("eac_cpi"),
        "vac": data.get("vac"),
        "forecast_finish": _date(data.get("forecast_finish")),
        "planned_finish": _date(data.get("planned_finish")),
        "slip_days": data.get("slip_days"),
        "open_risks": risks.open_count if risks is not None else None,
        "open_red_risks": band.get("red"),
        "watchdog_alerts": len(alerts),
        "watchdog_high": sum(a.severity == "high" for a in alerts),
        "validation_errors": sum(f.severity == "error" for f in analysis.findings),
        "validation_warnings": sum(f.severity == "warning" for f in analysis.findings),
        "status_date": _date(data.get("status_date")),
        "language": project.language,
        "problems": "; ".join(analysis.problems),
        "file": path,
    }
    row.update({key: _number(project.settings.get(key)) for key in THRESHOLDS})
    return ProjectSummary(
        path,
        row=row,
        resources=project.resources[RESOURCE_COLUMNS].reset_index(drop=True),
        loads=loads[LOAD_COLUMNS].reset_index(drop=True),
        alerts=[_alert_record(a) for a in alerts[:TOP_ALERTS]],
        risk_matrix=risks.matrix if risks is not None else None,
    )


def _alert_record(alert: Alert) -> dict[str, Any]:
    return {
        "severity": alert.severity,
        "rule": alert.rule,
        "subject": alert.subject_id,
        "since": alert.since,
        "where": alert.where,
        "message": alert.message,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
