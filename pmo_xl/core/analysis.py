"""One project's full analysis: the pure composition of every core module.

``analyse(project)`` is what ``pmo-xl analyse``, the refresh, the ribbon and the portfolio all
call; ``Analysis.as_json()`` is the stable machine-readable contract (README, "JSON contract").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.dcma import DcmaCheck, dcma_checks
from pmo_xl.core.evm import EvmResult, earned_value
from pmo_xl.core.montecarlo import MonteCarloResult, empty_json, simulate
from pmo_xl.core.quality import QualitySummary, quality_summary
from pmo_xl.core.resources import (
    overallocations,
    overload_records,
    planned_task_dates,
    weekly_load,
    with_project,
)
from pmo_xl.core.risk import RiskResult, analyse_risks
from pmo_xl.core.schedule import ScheduleResult, compute_schedule
from pmo_xl.core.validate import validate
from pmo_xl.core.watchdog import Alert, watchdog
from pmo_xl.core.weather import Weather, project_weather
from pmo_xl.errors import PmoError
from pmo_xl.model import Finding, ProjectData

JSON_VERSION = 1


@dataclass
class Analysis:
    """Everything computed for one project at its status date."""

    project: ProjectData
    calendar: WorkCalendar
    findings: list[Finding]
    schedule: ScheduleResult | None = None
    evm: EvmResult | None = None
    dcma: list[DcmaCheck] = field(default_factory=list)
    risks: RiskResult | None = None
    quality: QualitySummary | None = None
    loads: pd.DataFrame | None = None  # weekly load [project, resource_id, week, hours]
    overload: pd.DataFrame | None = None  # over-allocations (resources.overallocations)
    alerts: list[Alert] = field(default_factory=list)  # watchdog, most severe first
    montecarlo: MonteCarloResult | None = None
    weather: Weather | None = None
    problems: list[str] = field(default_factory=list)  # why a part could not be computed

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def headline(self) -> dict[str, Any]:
        """The first keys of ``as_json``: the card's, earned value's and the schedule's (cheap:
        the portfolio's row needs these, not the per-item lists)."""
        card = self.project.project
        out: dict[str, Any] = {
            "json_version": JSON_VERSION,
            "file": self.project.source,
            "project_code": card.get("project_code"),
            "project_name": card.get("project_name"),
            "language": self.project.language,
            "status_date": iso(card.get("status_date")),
            "planned_finish": iso(card.get("planned_finish")),
        }
        out.update(_evm_json(self.evm))
        out.update(_schedule_json(self.schedule))
        return out

    def as_json(self) -> dict[str, Any]:
        out = self.headline()
        out["dcma"] = [c.as_json() for c in self.dcma]
        if self.risks is not None:
            out.update(self.risks.as_json())
        if self.quality is not None:
            out.update(self.quality.as_json())
        out.update(self.montecarlo.as_json() if self.montecarlo is not None else empty_json())
        if self.weather is not None:
            out.update(self.weather.as_json())
        out["resource_overload"] = (
            overload_records(self.overload) if self.overload is not None else []
        )
        out["watchdog"] = [a.as_json() for a in self.alerts]
        out["checks"] = [f.as_json() for f in self.findings]
        out["problems"] = list(self.problems)
        return out


EVM_KEYS = (
    "bac",
    "pv",
    "ev",
    "ac",
    "sv",
    "cv",
    "spi",
    "cpi",
    "eac_cpi",
    "eac_atypical",
    "eac_cpi_spi",
    "etc",
    "vac",
    "tcpi_bac",
    "tcpi_eac",
    "es",
    "at",
    "pd",
    "sv_t",
    "spi_t",
    "tspi_t",
    "ieac_t",
)


def _evm_json(evm: EvmResult | None) -> dict[str, Any]:
    out: dict[str, Any] = {key: number(getattr(evm, key, None)) for key in EVM_KEYS}
    out["forecast_finish_es"] = iso(getattr(evm, "forecast_finish", None))
    return out


def _schedule_json(schedule: ScheduleResult | None) -> dict[str, Any]:
    if schedule is None:
        return {
            "forecast_finish": None,
            "baseline_finish": None,
            "slip_days": None,
            "critical_path": [],
        }
    return {
        "forecast_finish": iso(schedule.finish),
        "baseline_finish": iso(schedule.baseline_finish),
        "slip_days": number(schedule.slip_days),
        "critical_path": list(schedule.critical_path),
    }


def analyse(project: ProjectData, *, full: bool = True) -> Analysis:
    """Validate, schedule, earned value, DCMA, risks, quality, resources, watchdog, weather.

    ``full=False`` computes what a portfolio row needs and skips the rest: the Monte Carlo
    simulation, the DCMA checks and the project's own over-allocation list (the portfolio
    computes over-allocation across projects from ``loads``).
    """
    problems: list[str] = []
    try:
        calendar = WorkCalendar.from_settings(project.settings)
    except ValueError as exc:  # a Settings cell validation reports; the analysis goes on
        problems.append(f"calendar: {exc}; the French calendar is used")
        calendar = WorkCalendar()
    result = Analysis(project, calendar, validate(project), problems=problems)
    start = project.project.get("start_date")
    status = project.status_date
    if not isinstance(start, dt.date):
        result.problems.append("schedule: the project has no start date")
    else:
        try:
            result.schedule = compute_schedule(
                project.tasks, calendar, start, status, lang=project.language
            )
        except PmoError as exc:
            result.problems.append(f"schedule: {exc.message}")
    if status is None:
        result.problems.append("earned value: the project has no status date")
    else:
        forecast = result.schedule.tasks if result.schedule is not None else None
        result.evm = earned_value(project, calendar, forecast)
        try:
            result.risks = analyse_risks(project.risks, project.settings, status, project.budget)
        except ValueError as exc:  # EMV probabilities that validation reports
            result.problems.append(f"risks: {exc}")
        result.quality = quality_summary(project.quality, project.changes, project.training, status)
        task_dates = forecast if forecast is not None else planned_task_dates(project.tasks)
        code = str(project.project.get("project_code") or "")
        result.loads = weekly_load(project.assignments, task_dates, calendar, code)
        if full:
            result.overload = overallocations(
                result.loads, with_project(project.resources, code), calendar
            )
        result.alerts = watchdog(project, task_dates, calendar, status)
        planned = project.project.get("planned_finish")
        planned = planned if isinstance(planned, dt.date) else None
        if full and result.schedule is not None:
            try:
                result.montecarlo = simulate(
                    result.schedule,
                    project.tasks,
                    project.settings,
                    calendar,
                    planned_finish=planned,
                )
            except ValueError as exc:  # unknown distribution, iterations < 1
                result.problems.append(f"monte carlo: {exc}")
        result.weather = project_weather(
            project.settings,
            schedule=result.schedule,
            tasks=project.tasks,
            planned_finish=planned,
            evm=result.evm,
            risks=result.risks,
            quality=result.quality,
            deliverables=project.quality,
            lang=project.language,
        )
        if full and result.schedule is not None:
            result.dcma = dcma_checks(
                project.tasks,
                result.schedule,
                calendar,
                status,
                project.settings,
                assignments=project.assignments,
            )
    return result


def iso(value: Any) -> str | None:
    """A date as ISO 8601 (YYYY-MM-DD), None for missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def number(value: Any) -> float | int | None:
    """A plain JSON number: None for missing, NaN or infinite; numpy scalars unwrapped."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return None
