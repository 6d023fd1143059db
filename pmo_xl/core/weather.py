"""Project weather ("météo projet"): sun / cloud / storm, overall and per axis, with reasons.

Four axes — schedule, cost, risks, quality — each get the worst status of the rules that fire on
them (sun when none fires); the project's weather is the worst axis. Every rule that fires is
listed as a ``Reason`` (axis, rule code, status, message in the workbook's language, the value and
the threshold it crossed), in the order of the table below. An axis is unknown (None) when none of
its inputs was computed (no schedule and no earned value, ...); the overall weather is the worst
known axis, None when every axis is unknown. A rule whose figure is missing (SPI before any PV,
no planned finish, ...) does not fire.

Thresholds come from Settings (``spi_amber`` 0.95, ``spi_red`` 0.90, ``cpi_amber`` 0.95,
``cpi_red`` 0.90, ``slip_red_days`` 10) and the constants below when Settings has no key for them
(``weather_overdue_red_days``, read when present). "Below" is strict: an SPI equal to the
threshold does not fire; "beyond" is strict too: a slip of exactly ``slip_red_days`` is cloud.

======== ===================== ====================================== ===========================
axis     rule                  storm when                             cloud when
======== ===================== ====================================== ===========================
schedule finish_slip           forecast finish later than the planned forecast finish later than
                               finish by more than slip_red_days      the planned finish
                               working days
schedule spi                   SPI < spi_red                          SPI < spi_amber
schedule spi_t                 SPI(t) < spi_red                       SPI(t) < spi_amber
schedule milestone_late        —                                      an unfinished milestone
                                                                      forecast after its
                                                                      baseline finish
cost     cpi                   CPI < cpi_red                          CPI < cpi_amber
cost     contingency_short     —                                      residual EMV of the open
                                                                      risks above the contingency
risks    red_without_action    an open red risk with neither action   —
                               nor strategy
risks    red_open              —                                      an open risk in the red
                                                                      residual band
risks    actions_overdue       —                                      an open risk's action due
                                                                      date has passed
quality  deliverable_rejected  a deliverable whose status is rejected —
quality  deliverable_overdue   a deliverable overdue by more than     a deliverable overdue
                               weather_overdue_red_days (30) days
quality  nonconformity_open    —                                      non-conformities on a
                                                                      deliverable not accepted
======== ===================== ====================================== ===========================

Definitions
    * planned finish: the project card's *Planned finish*, else the latest baseline finish of the
      tasks; slip = working days from it to the CPM forecast finish (``ScheduleResult.finish``),
      counted on the project calendar as ``ScheduleResult.slip_days`` is.
    * milestone: a task of planned duration 0; its due date is its *Baseline finish*, else its
      *Planned finish*; late when not finished and its forecast date (CPM) is later than the due
      date (``MILESTONE_TOLERANCE_DAYS`` working days of tolerance, 0). An overdue milestone
      (due before the status date, not finished) is always forecast after its due date, so this
      rule covers it. No milestone slip alone makes a storm: "cloud when a major milestone is late
      but the forecast finish holds"; the finish slip and the indices decide the storm.
    * EAC is not a separate rule: EAC by CPI is BAC / CPI, so an EAC threshold would restate the
      CPI one.
    * overdue deliverable: as ``core.quality`` (due before the status date, neither submitted nor
      accepted); its days late are calendar days.
    * red risk, action overdue, red without action: as ``core.risk``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import to_day
from pmo_xl.core.evm import EvmResult
from pmo_xl.core.quality import QualitySummary
from pmo_xl.core.risk import Flag, RiskResult
from pmo_xl.core.schedule import FINISHED, ScheduleResult, task_frame, task_ids
from pmo_xl.core.watchdog import format_date
from pmo_xl.i18n import Catalog, fmt_number, tr
from pmo_xl.schema import Lang

Status = Literal["sun", "cloud", "storm"]
Axis = Literal["schedule", "cost", "risks", "quality"]
STATUSES: tuple[Status, ...] = ("sun", "cloud", "storm")
AXES: tuple[Axis, ...] = ("schedule", "cost", "risks", "quality")
RANK: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}

DEFAULT_SPI_AMBER = 0.95
DEFAULT_SPI_RED = 0.90
DEFAULT_CPI_AMBER = 0.95
DEFAULT_CPI_RED = 0.90
DEFAULT_SLIP_RED_DAYS = 10
DEFAULT_OVERDUE_RED_DAYS = 30  # calendar days; Settings key ``weather_overdue_red_days``
MILESTONE_TOLERANCE_DAYS = 0  # working days a milestone may slip before it is late
LISTED = 5  # ids named in a message before "…"

LABELS: Catalog = {
    "sun": {"fr": "soleil", "en": "sun"},
    "cloud": {"fr": "nuageux", "en": "cloud"},
    "storm": {"fr": "orage", "en": "storm"},
    "schedule": {"fr": "délais", "en": "schedule"},
    "cost": {"fr": "coûts", "en": "cost"},
    "risks": {"fr": "risques", "en": "risks"},
    "quality": {"fr": "qualité", "en": "quality"},
}

MESSAGES: Catalog = {
    "finish_slip.storm": {
        "fr": "Fin prévisionnelle le {forecast}, {days} jours ouvrés après la fin prévue du "
        "{planned} (orage au-delà de {threshold})",
        "en": "Forecast finish {forecast}, {days} working days after the planned finish "
        "{planned} (storm beyond {threshold})",
    },
    "finish_slip.cloud": {
        "fr": "Fin prévisionnelle le {forecast}, {days} jours ouvrés après la fin prévue du "
        "{planned} (orage au-delà de {red})",
        "en": "Forecast finish {forecast}, {days} working days after the planned finish "
        "{planned} (storm beyond {red})",
    },
    "spi": {
        "fr": "SPI {value} sous le seuil {level} de {threshold}",
        "en": "SPI {value} below the {level} threshold {threshold}",
    },
    "spi_t": {
        "fr": "SPI(t) {value} sous le seuil {level} de {threshold}",
        "en": "SPI(t) {value} below the {level} threshold {threshold}",
    },
    "cpi": {
        "fr": "CPI {value} sous le seuil {level} de {threshold}",
        "en": "CPI {value} below the {level} threshold {threshold}",
    },
    "milestone_late": {
        "fr": "{count} jalon(s) prévu(s) après leur date de référence : {items}",
        "en": "{count} milestone(s) forecast after their baseline date: {items}",
    },
    "milestone_item": {
        "fr": "{id} le {forecast} au lieu du {due} (+{days} j ouvrés)",
        "en": "{id} on {forecast} instead of {due} (+{days} working days)",
    },
    "contingency_short": {
        "fr": "Exposition résiduelle des risques (VME {emv}) supérieure à la provision pour "
        "aléas ({contingency}) de {gap}",
        "en": "Residual risk exposure (EMV {emv}) exceeds the contingency ({contingency}) by {gap}",
    },
    "red_without_action": {
        "fr": "{count} risque(s) rouge(s) ouvert(s) sans action ni stratégie : {items}",
        "en": "{count} open red risk(s) with neither action nor strategy: {items}",
    },
    "red_open": {
        "fr": "{count} risque(s) ouvert(s) en zone rouge résiduelle : {items}",
        "en": "{count} open risk(s) in the red residual band: {items}",
    },
    "actions_overdue": {
        "fr": "{count} action(s) de risque en retard : {items}",
        "en": "{count} risk action(s) overdue: {items}",
    },
    "deliverable_rejected": {
        "fr": "{count} livrable(s) refusé(s) : {items}",
        "en": "{count} deliverable(s) rejected: {items}",
    },
    "deliverable_overdue.storm": {
        "fr": "{count} livrable(s) en retard de plus de {threshold} jours : {items}",
        "en": "{count} deliverable(s) more than {threshold} days overdue: {items}",
    },
    "deliverable_overdue.cloud": {
        "fr": "{count} livrable(s) en retard : {items}",
        "en": "{count} deliverable(s) overdue: {items}",
    },
    "flag_item": {"fr": "{id} ({days} j)", "en": "{id} ({days} d)"},
    "nonconformity_open": {
        "fr": "{count} non-conformité(s) sur des livrables non acceptés : {items}",
        "en": "{count} non-conformities on deliverables not accepted: {items}",
    },
    "level.storm": {"fr": "rouge", "en": "red"},
    "level.cloud": {"fr": "orange", "en": "amber"},
}


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its axis, code, the status it gives, and why."""

    axis: Axis
    rule: str
    status: Status
    message: str
    value: float | None = None
    threshold: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "axis": self.axis,
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "value": _number(self.value),
            "threshold": _number(self.threshold),
        }


@dataclass(frozen=True)
class Weather:
    status: Status | None
    axes: dict[str, Status | None]
    reasons: list[Reason]
    lang: Lang = "en"

    def label(self, lang: Lang | None = None) -> str | None:
        """The overall status in ``lang`` (the workbook's by default): orage, storm..."""
        return status_label(self.status, lang or self.lang)

    def as_json(self) -> dict[str, Any]:
        """Top-level keys of ``pmo-xl analyse --json``."""
        return {
            "weather": self.status,
            "weather_label": self.label(),
            "weather_axes": dict(self.axes),
            "weather_reasons": [r.as_json() for r in self.reasons],
        }


def status_label(status: Status | None, lang: Lang) -> str | None:
    return None if status is None else tr(LABELS, status, lang)


def worst(statuses: Sequence[Status | None]) -> Status | None:
    """The worst known status (storm > cloud > sun), None when none is known."""
    result: Status | None = None
    for status in statuses:
        if status is not None and (result is None or RANK[status] > RANK[result]):
            result = status
    return result


# --------------------------------------------------------------------------------------------
# The weather
# --------------------------------------------------------------------------------------------


def project_weather(
    settings: Mapping[str, Any],
    *,
    schedule: ScheduleResult | None = None,
    tasks: pd.DataFrame | None = None,
    planned_finish: dt.date | None = None,
    evm: EvmResult | None = None,
    risks: RiskResult | None = None,
    quality: QualitySummary | None = None,
    deliverables: pd.DataFrame | None = None,
    lang: Lang = "en",
) -> Weather:
    """The weather of a project from its computed parts (see the module rules).

    ``tasks`` (the Tasks table) gives the milestones' baseline dates, ``deliverables`` (the
    Quality table) the non-conformities by status; ``planned_finish`` is the project card's.
    """
    ctx = _Rules(settings, lang)
    found: dict[Axis, list[Reason] | None] = {
        "schedule": (
            ctx.schedule(schedule, tasks, planned_finish, evm)
            if schedule is not None or evm is not None
            else None
        ),
        "cost": ctx.cost(evm, risks) if evm is not None or risks is not None else None,
        "risks": ctx.risks(risks) if risks is not None else None,
        "quality": ctx.quality(quality, deliverables) if quality is not None else None,
    }
    axes: dict[str, Status | None] = {
        axis: None if reasons is None else worst(["sun", *(r.status for r in reasons)])
        for axis, reasons in found.items()
    }
    reasons = [r for axis in AXES for r in found[axis] or []]
    return Weather(worst(list(axes.values())), axes, reasons, lang)


@dataclass(frozen=True)
class _Rules:
    settings: Mapping[str, Any]
    lang: Lang

    def number(self, key: str, default: float) -> float:
        value = self.settings.get(key)
        if value is None or isinstance(value, bool):
            return default
        try:
            x = float(value)
        except (TypeError, ValueError):
            return default
        return x if math.isfinite(x) else default

    def text(self, key: str, **values: Any) -> str:
        return tr(MESSAGES, key, self.lang, **values)

    def num(self, value: float, decimals: int = 2) -> str:
        return fmt_number(value, self.lang, decimals)

    def distinct(self, value: float, threshold: float) -> tuple[str, str]:
        """Value and threshold with 2 decimals, the value with up to 4 when 2 would show it equal
        to the threshold (0.9499 below 0.95), the threshold with the decimals it has."""
        places = next((d for d in (2, 3) if round(threshold, d) == threshold), 4)
        limit = self.num(threshold, places)
        shown = self.num(value, 2)
        for decimals in (3, 4):
            if round(value, decimals - 1) != threshold:
                break
            shown = self.num(value, decimals)
        return shown, limit

    def days(self, value: float) -> str:
        return self.num(value, 0)

    def date(self, value: dt.date) -> str:
        return format_date(value, self.lang)

    # -- schedule ---------------------------------------------------------------------------

    def schedule(
        self,
        schedule: ScheduleResult | None,
        tasks: pd.DataFrame | None,
        planned_finish: dt.date | None,
        evm: EvmResult | None,
    ) -> list[Reason]:
        out: list[Reason] = []
        if schedule is not None:
            out += self.finish_slip(schedule, planned_finish)
        if evm is not None:
            spi_amber = self.number("spi_amber", DEFAULT_SPI_AMBER)
            spi_red = self.number("spi_red", DEFAULT_SPI_RED)
            out += self.index("schedule", "spi", evm.spi, spi_amber, spi_red)
            out += self.index("schedule", "spi_t", evm.spi_t, spi_amber, spi_red)
        if schedule is not None and tasks is not None:
            out += self.milestones(schedule, tasks)
        return out

    def finish_slip(self, schedule: ScheduleResult, planned: dt.date | None) -> list[Reason]:
        planned = planned or schedule.baseline_finish
        if planned is None or schedule.finish is None:
            return []
        slip = float(schedule.calendar.index_of(planned, schedule.finish))
        red = self.number("slip_red_days", DEFAULT_SLIP_RED_DAYS)
        if slip <= 0:
            return []
        status: Status = "storm" if slip > red else "cloud"
        values = {
            "forecast": self.date(schedule.finish),
            "planned": self.date(planned),
            "days": self.days(slip),
        }
        if status == "storm":
            message = self.text("finish_slip.storm", threshold=self.days(red), **values)
            return [Reason("schedule", "finish_slip", status, message, slip, red)]
        message = self.text("finish_slip.cloud", red=self.days(red), **values)
        return [Reason("schedule", "finish_slip", status, message, slip, 0.0)]

    def index(
        self, axis: Axis, rule: str, value: float | None, amber: float, red: float
    ) -> list[Reason]:
        if value is None or not math.isfinite(value):
            return []
        status: Status | None = "storm" if value < red else "cloud" if value < amber else None
        if status is None:
            return []
        threshold = red if status == "storm" else amber
        shown, limit = self.distinct(value, threshold)
        message = self.text(rule, value=shown, level=self.text(f"level.{status}"), threshold=limit)
        return [Reason(axis, rule, status, message, value, threshold)]

    def milestones(self, schedule: ScheduleResult, tasks: pd.DataFrame) -> list[Reason]:
        frame = schedule.tasks
        milestone = (frame["duration"].to_numpy() == 0) & (frame["state"].to_numpy() != FINISHED)
        due = _due_dates(tasks, frame.index, milestone)
        if not milestone.any():
            return []
        forecast = frame["finish"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        check = milestone & ~np.isnat(due) & ~np.isnat(forecast)
        late = np.full(len(frame), np.nan)
        late[check] = schedule.calendar.index_of(due[check], forecast[check])
        hit = np.flatnonzero(check & (late > MILESTONE_TOLERANCE_DAYS))
        if not len(hit):
            return []
        items = [
            self.text(
                "milestone_item",
                id=str(frame.index[i]),
                forecast=self.date(_day(forecast[i])),
                due=self.date(_day(due[i])),
                days=self.days(late[i]),
            )
            for i in hit[: LISTED + 1]  # what _listing shows: the first ones, and whether more
        ]
        message = self.text("milestone_late", count=len(hit), items=_listing(items))
        value = float(np.max(late[hit]))
        return [
            Reason("schedule", "milestone_late", "cloud", message, value, MILESTONE_TOLERANCE_DAYS)
        ]

    # -- cost -------------------------------------------------------------------------------

    def cost(self, evm: EvmResult | None, risks: RiskResult | None) -> list[Reason]:
        out: list[Reason] = []
        if evm is not None:
            amber = self.number("cpi_amber", DEFAULT_CPI_AMBER)
            red = self.number("cpi_red", DEFAULT_CPI_RED)
            out += self.index("cost", "cpi", evm.cpi, amber, red)
        if risks is not None and risks.contingency is not None:
            gap = risks.contingency_gap
            if gap is not None and gap < 0:
                message = self.text(
                    "contingency_short",
                    emv=self.num(risks.total_residual_emv, 0),
                    contingency=self.num(risks.contingency, 0),
                    gap=self.num(-gap, 0),
                )
                out.append(
                    Reason(
                        "cost",
                        "contingency_short",
                        "cloud",
                        message,
                        risks.total_residual_emv,
                        risks.contingency,
                    )
                )
        return out

    # -- risks ------------------------------------------------------------------------------

    def risks(self, risks: RiskResult) -> list[Reason]:
        out: list[Reason] = []
        if risks.red_without_action:
            ids = [f.id for f in risks.red_without_action]
            out.append(self.count_reason("risks", "red_without_action", "storm", ids))
        ids = _red_open(risks.register)
        if ids:
            out.append(self.count_reason("risks", "red_open", "cloud", ids))
        if risks.overdue_actions:
            items = self.flags(risks.overdue_actions)
            out.append(self.count_reason("risks", "actions_overdue", "cloud", items))
        return out

    def count_reason(self, axis: Axis, rule: str, status: Status, items: list[str]) -> Reason:
        message = self.text(rule, count=len(items), items=_listing(items))
        return Reason(axis, rule, status, message, float(len(items)), 0.0)

    def flags(self, flags: Sequence[Flag]) -> list[str]:
        return [
            self.text("flag_item", id=f.id, days=f.days) if f.days is not None else f.id
            for f in flags
        ]

    # -- quality ----------------------------------------------------------------------------

    def quality(self, quality: QualitySummary, deliverables: pd.DataFrame | None) -> list[Reason]:
        out: list[Reason] = []
        summary = quality.deliverables
        if summary.rejected:
            out.append(
                self.count_reason("quality", "deliverable_rejected", "storm", summary.rejected)
            )
        if summary.overdue:
            out.append(self.overdue(summary.overdue))
        if deliverables is not None:
            out += self.nonconformities(deliverables)
        return out

    def overdue(self, flags: Sequence[Flag]) -> Reason:
        red = self.number("weather_overdue_red_days", DEFAULT_OVERDUE_RED_DAYS)
        beyond = [f for f in flags if f.days is not None and f.days > red]
        if beyond:
            message = self.text(
                "deliverable_overdue.storm",
                count=len(beyond),
                threshold=self.days(red),
                items=_listing(self.flags(beyond)),
            )
            longest = float(max(f.days or 0 for f in beyond))
            return Reason("quality", "deliverable_overdue", "storm", message, longest, red)
        message = self.text(
            "deliverable_overdue.cloud", count=len(flags), items=_listing(self.flags(flags))
        )
        longest = float(max((f.days or 0 for f in flags), default=0))
        return Reason("quality", "deliverable_overdue", "cloud", message, longest, 0.0)

    def nonconformities(self, deliverables: pd.DataFrame) -> list[Reason]:
        if not {"status", "non_conformities"} <= set(deliverables.columns):
            return []
        column = deliverables["non_conformities"]
        if column.dtype != np.float64 or not deliverables.index.is_unique:
            return self.nonconformities_as_series(deliverables)
        # float counts (the schema's) on a unique index: the same, on arrays
        count = column.to_numpy()
        count = np.where(np.isnan(count), 0.0, count)
        hit = np.flatnonzero((count > 0) & (deliverables["status"].to_numpy() != "accepted"))
        if not len(hit):
            return []
        labels = deliverables.index[hit]
        if "item_id" in deliverables.columns:
            ids = deliverables["item_id"].to_numpy()[hit].tolist()
            pairs = zip(labels, ids, strict=True)
            names = [str(v) if isinstance(v, str) else f"#{r}" for r, v in pairs]
        else:
            names = [f"#{r}" for r in labels]
        counts = count[hit]
        shown = zip(names[: LISTED + 1], counts[: LISTED + 1].tolist(), strict=True)
        items = [f"{name} ({self.days(n)})" for name, n in shown]  # what _listing shows
        total = float(counts.sum())
        message = self.text("nonconformity_open", count=self.days(total), items=_listing(items))
        return [Reason("quality", "nonconformity_open", "cloud", message, total, 0.0)]

    def nonconformities_as_series(self, deliverables: pd.DataFrame) -> list[Reason]:
        """``nonconformities`` for counts of other types or a repeated index label."""
        count = pd.to_numeric(deliverables["non_conformities"], errors="coerce").fillna(0.0)
        open_ = (count > 0) & (deliverables["status"] != "accepted")
        if not open_.any():
            return []
        ids = deliverables["item_id"] if "item_id" in deliverables.columns else None
        names = [
            str(ids[r]) if ids is not None and isinstance(ids[r], str) else f"#{r}"
            for r in deliverables.index[open_]
        ]
        items = [f"{name} ({self.days(n)})" for name, n in zip(names, count[open_], strict=True)]
        total = float(count[open_].sum())
        message = self.text("nonconformity_open", count=self.days(total), items=_listing(items))
        return [Reason("quality", "nonconformity_open", "cloud", message, total, 0.0)]


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (", …" if len(items) > LISTED else "")


def _due_dates(
    tasks: pd.DataFrame, ids: pd.Index, wanted: npt.NDArray[np.bool_]
) -> npt.NDArray[np.datetime64]:
    """The due date (baseline finish, else planned finish) of each task of ``ids`` from its row
    of ``tasks`` (NaT for an id not there), where ``wanted``; raises as ``task_frame`` does.

    Date columns are picked from their rows directly; other types go through ``task_frame``
    and ``to_datetime`` on the reindexed columns, as they always did.
    """
    found = [tasks[key] for key in ("baseline_finish", "planned_finish") if key in tasks.columns]
    if "task_id" not in tasks.columns or not all(_is_datetime(column) for column in found):
        table = task_frame(tasks).reindex(ids)
        due = _dates(table, "baseline_finish")
        return np.where(np.isnat(due), _dates(table, "planned_finish"), due)
    kept, names = task_ids(tasks)
    due = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[D]")
    rows = np.flatnonzero(wanted)
    if not len(rows):
        return due
    position = dict(zip(names, np.flatnonzero(kept).tolist(), strict=True))
    where = np.array([position.get(t, -1) for t in ids[rows].tolist()], dtype=np.intp)
    picked = due[rows]
    for column in found:  # the baseline finish, else the planned finish
        fill = (where >= 0) & np.isnat(picked)
        picked[fill] = to_day(column)[where[fill]]
    due[rows] = picked
    return due


def _is_datetime(column: pd.Series) -> bool:
    return isinstance(column.dtype, np.dtype) and column.dtype.kind == "M"


def _red_open(register: pd.DataFrame) -> list[str]:
    """Ids of the open risks in the red residual band (``#row`` for a risk without an id)."""
    status, band = register["status"], register["residual_band"]
    if status.dtype != object or band.dtype != object:
        red = register[(status != "closed") & (band == "red")]
        return [str(v) if isinstance(v, str) else f"#{r}" for r, v in red["risk_id"].items()]
    hit = np.flatnonzero((status.to_numpy() != "closed") & (band.to_numpy() == "red"))
    ids = register["risk_id"].to_numpy()[hit].tolist()
    labels = register.index[hit]
    return [str(v) if isinstance(v, str) else f"#{r}" for r, v in zip(labels, ids, strict=True)]


def _dates(frame: pd.DataFrame, key: str) -> np.ndarray:
    if key not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    values = pd.to_datetime(frame[key], errors="coerce").to_numpy(dtype="datetime64[ns]")
    return np.asarray(values, dtype="datetime64[D]")


def _day(value: Any) -> dt.date:
    day = np.asarray(value, dtype="datetime64[D]")
    date = day.item()  # a date (None for NaT, an int beyond the years 1-9999: parsed, and fails)
    return date if isinstance(date, dt.date) else dt.date.fromisoformat(str(day))


def _number(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)
