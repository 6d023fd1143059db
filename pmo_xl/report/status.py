"""The status report: one project's analysis as sheets of tables and charts, in its language.

``build_report(analysis, history)`` returns a ``StatusReport`` (``report.model``) that the writers
(``io.owned`` for files, ``excel.live`` for a live book) only place. Pure: no file I/O, no clock.

Sheets (``kind``: French name / English name), in this order:

* ``dashboard`` (Tableau de bord / Dashboard): project weather and its reasons (when the analysis
  has one), the headline KPIs coloured by the Settings thresholds, S-curve with the EAC
  projection, SPI/CPI trend, residual risk heat map, resource load, top 5 risks, top alerts.
* ``schedule`` (Planning / Schedule): Gantt chart and the CPM table.
* ``earned_value`` (Valeur acquise / Earned value): cost and time indicators, S-curve, earned
  schedule chart, table per phase, budget follow-up by category, table per task.
* ``risks`` (Matrice des risques / Risk matrix): inherent and residual heat maps, summary,
  register in register order (open first, then residual score).
* ``resources`` (Charge des ressources / Resource load): heat map person × week, the hours
  behind it around the status date, the over-allocations.
* ``watchdog`` (Vigie / Watchdog): the alerts, most severe first, each linked to its cell.
* ``quality`` (Qualité et changements / Quality & change): deliverables, changes, training.
* ``checks`` (Contrôles / Checks): validation findings linked to their cells, DCMA checks.
* ``history`` (Historique / History): one row per status date (``history_row``/``merge_history``).

Colour rules (``Colour`` names of ``report.model``):

* SPI and SPI(t): red below ``spi_red``, amber below ``spi_amber``, else green; CPI the same with
  ``cpi_red``/``cpi_amber`` ("below": a value equal to a threshold is not below it).
* EAC (and VAC): BAC / EAC read as an index under the CPI thresholds: an estimate at or under
  budget is green, an overrun turns amber then red where a CPI would.
* Forecast finish and slip: green when on or before the baseline finish, red beyond
  ``slip_red_days`` working days, amber in between.

Parts the analysis could not compute (no status date, a cycle...) give a line saying why, and
parts it skipped (``analyse(full=False)``: Monte Carlo, DCMA, over-allocation) are left out.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmo_xl.i18n import tr
from pmo_xl.report import charts
from pmo_xl.report.model import (
    Block,
    CellKind,
    Colour,
    FigureBlock,
    SheetReport,
    StatusReport,
    TableBlock,
    TextBlock,
)
from pmo_xl.schema import BUDGET_CATEGORIES, CHANGES, QUALITY, RISKS, TRAINING, Lang, fold

if TYPE_CHECKING:
    from pmo_xl.core.analysis import Analysis
    from pmo_xl.core.weather import Weather

# --- names and labels -----------------------------------------------------------------------

SHEET_NAMES: dict[str, tuple[str, str]] = {  # kind -> (French, English)
    "dashboard": ("Tableau de bord", "Dashboard"),
    "schedule": ("Planning", "Schedule"),
    "earned_value": ("Valeur acquise", "Earned value"),
    "risks": ("Matrice des risques", "Risk matrix"),
    "resources": ("Charge des ressources", "Resource load"),
    "watchdog": ("Vigie", "Watchdog"),
    "quality": ("Qualité et changements", "Quality & change"),
    "checks": ("Contrôles", "Checks"),
    "history": ("Historique", "History"),
}
SHEET_KINDS = tuple(SHEET_NAMES)

# key -> (French, English); column labels and block titles of every table
LABELS: dict[str, tuple[str, str]] = {
    # dashboard
    "weather": ("Météo du projet", "Project weather"),
    "weather_project": ("Projet", "Project"),
    "weather_axis": ("Axe", "Axis"),
    "weather_reason": ("Raison", "Reason"),
    "weather_reasons": ("Pourquoi", "Why"),
    "kpis": ("Indicateurs clés", "Key indicators"),
    "kpi_note": (
        "EAC = BAC/CPI ; VAC = BAC − EAC ; retard = fin prévue (CPM) − fin de référence, en "
        "jours ouvrés. Seuils (Paramètres) : SPI et SPI(t) orange sous {spi_amber}, rouge sous "
        "{spi_red} ; CPI et BAC/EAC orange sous {cpi_amber}, rouge sous {cpi_red} ; retard "
        "rouge au-delà de {slip} j.",
        "EAC = BAC/CPI; VAC = BAC − EAC; slip = forecast end (CPM) − baseline end, in working "
        "days. Thresholds (Settings): SPI and SPI(t) amber below {spi_amber}, red below "
        "{spi_red}; CPI and BAC/EAC amber below {cpi_amber}, red below {cpi_red}; slip red "
        "beyond {slip} days.",
    ),
    "top_risks": ("5 risques majeurs", "Top 5 risks"),
    "top_alerts": ("Principales alertes de la vigie", "Top watchdog alerts"),
    "s_curve": (
        "Courbe en S : PV, EV, AC et projection EAC",
        "S-curve: PV, EV, AC, EAC projection",
    ),
    "trend": ("Tendance SPI / CPI", "SPI / CPI trend"),
    "risk_map": ("Risques ouverts (probabilité × impact)", "Open risks (probability × impact)"),
    "load_map": ("Charge des ressources (semaine)", "Resource load (week)"),
    "not_available": ("Non disponible : {why}", "Not available: {why}"),
    "no_alerts": ("Aucune alerte.", "No alerts."),
    "no_findings": ("Aucune anomalie.", "No findings."),
    "no_risks": ("Aucun risque ouvert.", "No open risk."),
    "no_load": ("Charge non calculée.", "Load not computed."),
    "project_line": ("{code} – {name}", "{code} – {name}"),
    "status_line": (
        "Date d'état : {status} · Chef de projet : {pm} · Phase : {phase}",
        "Status date: {status} · Project manager: {pm} · Phase: {phase}",
    ),
    # KPI columns
    "spi": ("SPI", "SPI"),
    "cpi": ("CPI", "CPI"),
    "spi_t": ("SPI(t)", "SPI(t)"),
    "complete": ("% achevé", "% complete"),
    "bac": ("BAC", "BAC"),
    "eac": ("EAC", "EAC"),
    "vac": ("VAC", "VAC"),
    "baseline_finish": ("Fin réf.", "Baseline end"),
    "forecast_finish": ("Fin prévue", "Forecast end"),
    "slip": ("Retard (j)", "Slip (days)"),
    # schedule
    "gantt": ("Diagramme de Gantt", "Gantt chart"),
    "cpm": ("Chemin critique (CPM)", "Critical path (CPM)"),
    "cpm_note": (
        "Marges en jours ouvrés ; critique = marge totale minimale des tâches non terminées.",
        "Floats in working days; critical = smallest total float of unfinished tasks.",
    ),
    "task_id": ("ID", "ID"),
    "task": ("Tâche", "Task"),
    "phase": ("Phase", "Phase"),
    "start": ("Début", "Start"),
    "finish": ("Fin", "Finish"),
    "late_start": ("Début au plus tard", "Late start"),
    "late_finish": ("Fin au plus tard", "Late finish"),
    "duration": ("Durée (j)", "Duration (d)"),
    "remaining": ("Reste (j)", "Remaining (d)"),
    "total_float": ("Marge totale", "Total float"),
    "free_float": ("Marge libre", "Free float"),
    "critical": ("Critique", "Critical"),
    "state": ("État", "State"),
    "percent": ("% achevé", "% complete"),
    "not_started": ("Non commencée", "Not started"),
    "in_progress": ("En cours", "In progress"),
    "finished": ("Terminée", "Finished"),
    # earned value
    "cost_indicators": ("Indicateurs de coût", "Cost indicators"),
    "time_indicators": ("Indicateurs de délai (earned schedule)", "Schedule indicators (ES)"),
    "es_chart": ("Earned schedule : où en serait le planning", "Earned schedule"),
    "by_phase": ("Valeur acquise par phase", "Earned value by phase"),
    "by_task": ("Valeur acquise par tâche", "Earned value by task"),
    "budget_followup": ("Suivi budgétaire par catégorie", "Budget follow-up by category"),
    "budget_note": (
        "Prévision = max(budget, engagé, réalisé) ; écart = budget − prévision (négatif : "
        "dépassement).",
        "Forecast = max(budget, committed, actual); variance = budget − forecast (negative: "
        "overrun).",
    ),
    "budget_chart": ("Budget, engagé, réalisé", "Budget, committed, actual"),
    "pv": ("PV", "PV"),
    "ev": ("EV", "EV"),
    "ac": ("AC", "AC"),
    "sv": ("SV", "SV"),
    "cv": ("CV", "CV"),
    "etc": ("ETC", "ETC"),
    "tcpi": ("TCPI (BAC)", "TCPI (BAC)"),
    "es": ("ES (j)", "ES (d)"),
    "at": ("AT (j)", "AT (d)"),
    "pd": ("PD (j)", "PD (d)"),
    "sv_t": ("SV(t) (j)", "SV(t) (d)"),
    "tspi": ("TSPI", "TSPI"),
    "ieac_t": ("IEAC(t) (j)", "IEAC(t) (d)"),
    "es_finish": ("Fin estimée (ES)", "Estimated finish (ES)"),
    "total": ("Total", "Total"),
    "no_task": ("(hors tâches)", "(no task)"),
    "category": ("Catégorie", "Category"),
    "budget": ("Budget", "Budget"),
    "committed": ("Engagé", "Committed"),
    "actual": ("Réalisé", "Actual"),
    "rest": ("Reste", "Remaining"),
    "forecast": ("Prévision", "Forecast"),
    "variance": ("Écart", "Variance"),
    # risks
    "inherent": ("Avant traitement", "Inherent"),
    "residual": ("Résiduel", "Residual"),
    "risk_summary": ("Synthèse", "Summary"),
    "register": ("Registre des risques (par score résiduel)", "Risk register (by residual score)"),
    "open": ("Ouverts", "Open"),
    "closed": ("Fermés", "Closed"),
    "red": ("Rouges", "Red"),
    "amber": ("Orange", "Amber"),
    "green": ("Verts", "Green"),
    "emv": ("EMV", "EMV"),
    "residual_emv": ("EMV résiduelle", "Residual EMV"),
    "contingency": ("Provision", "Contingency"),
    "coverage": ("Couverture", "Coverage"),
    "gap": ("Écart provision", "Contingency gap"),
    "risk_id": ("ID", "ID"),
    "score": ("Score", "Score"),
    "residual_score": ("Score résiduel", "Residual score"),
    "p": ("P", "P"),
    "i": ("I", "I"),
    "rp": ("P rés.", "Res. P"),
    "ri": ("I rés.", "Res. I"),
    "status": ("Statut", "Status"),
    "owner": ("Responsable", "Owner"),
    "action_due": ("Échéance action", "Action due"),
    "title": ("Titre", "Title"),
    "action": ("Action", "Action"),
    # resources
    "load_table": (
        "Heures planifiées autour de la date d'état",
        "Planned hours around the status date",
    ),
    "load_note": (
        "Heures par personne et semaine ({first} – {last}) ; rouge : au-delà de la capacité "
        "(heures/jour × jours ouvrés × part projet).",
        "Hours per person and week ({first} – {last}); red: above capacity (hours/day × working "
        "days × project share).",
    ),
    "overloads": ("Surcharges", "Over-allocations"),
    "resource": ("Ressource", "Resource"),
    "name": ("Nom", "Name"),
    "week": ("Semaine", "Week"),
    "load": ("Charge (h)", "Load (h)"),
    "capacity": ("Capacité (h)", "Capacity (h)"),
    "ratio": ("Charge / capacité", "Load / capacity"),
    "share_over": ("Part projet totale > 100 %", "Total project share > 100 %"),
    "week_over": ("Semaine en surcharge", "Over-allocated week"),
    "kind": ("Type", "Kind"),
    # watchdog
    "alerts": ("Alertes", "Alerts"),
    "alerts_note": (
        "Les plus graves d'abord, puis les plus anciennes.",
        "Most severe first, then the oldest.",
    ),
    "severity": ("Gravité", "Severity"),
    "rule": ("Règle", "Rule"),
    "subject": ("Objet", "Subject"),
    "since": ("Depuis", "Since"),
    "value": ("Valeur", "Value"),
    "threshold": ("Seuil", "Threshold"),
    "cell": ("Cellule", "Cell"),
    "message": ("Message", "Message"),
    "high": ("haute", "high"),
    "medium": ("moyenne", "medium"),
    "low": ("basse", "low"),
    # quality
    "by_status": ("Avancement par statut", "Progress by status"),
    "deliverables": ("Livrables", "Deliverables"),
    "deliverables_summary": ("Livrables : synthèse", "Deliverables: summary"),
    "deliverables_watch": (
        "Livrables à suivre (en retard, refusés, avec non-conformités)",
        "Deliverables to chase (overdue, rejected, with non-conformities)",
    ),
    "changes": ("Demandes de modification", "Change requests"),
    "changes_short": ("Modifications", "Changes"),
    "training_short": ("Formation", "Training"),
    "changes_summary": ("Modifications : synthèse", "Changes: summary"),
    "training": ("Formation et conduite du changement", "Training and change management"),
    "training_summary": ("Formation : synthèse", "Training: summary"),
    "total_count": ("Total", "Total"),
    "accepted": ("Acceptés", "Accepted"),
    "rejected": ("Refusés", "Rejected"),
    "overdue": ("En retard", "Overdue"),
    "days_late": ("Jours de retard", "Days late"),
    "nc": ("Non-conformités", "Non-conformities"),
    "acceptance_rate": ("Taux d'acceptation", "Acceptance rate"),
    "approved": ("Approuvées", "Approved"),
    "pending": ("En attente", "Pending"),
    "approved_cost": ("Impact coût approuvé", "Approved cost impact"),
    "approved_days": ("Impact délai approuvé (j)", "Approved schedule impact (d)"),
    "pending_cost": ("Impact coût en attente", "Pending cost impact"),
    "completion": ("Réalisation", "Completion"),
    "attendance": ("Taux de présence", "Attendance rate"),
    "done": ("Réalisées", "Done"),
    "planned": ("Prévues", "Planned"),
    "quality_chart": ("Statuts : livrables, modifications, formation", "Status counts"),
    # checks
    "findings": ("Anomalies de saisie", "Data-entry findings"),
    "findings_note": (
        "Cliquer sur la cellule pour aller à la saisie à corriger.",
        "Click the cell to go to the entry to fix.",
    ),
    "sheet": ("Feuille", "Sheet"),
    "column": ("Colonne", "Column"),
    "error": ("erreur", "error"),
    "warning": ("avertissement", "warning"),
    "dcma": ("Contrôles DCMA du planning", "DCMA schedule checks"),
    "check": ("Contrôle", "Check"),
    "number": ("N°", "No."),
    "passed": ("Conforme", "Passed"),
    "count": ("Nombre", "Count"),
    "population": ("Sur", "Out of"),
    "unit": ("Unité", "Unit"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    # history
    "history": ("Historique des actualisations", "Refresh history"),
    "history_note": (
        "Une ligne par date d'état ; une nouvelle actualisation à la même date remplace la ligne.",
        "One row per status date; refreshing again on the same date replaces the row.",
    ),
}

WEATHER = {  # overall / axis status -> (French, English, colour)
    "sun": ("Soleil", "Sunny", "green"),
    "cloud": ("Nuageux", "Cloudy", "amber"),
    "storm": ("Orage", "Stormy", "red"),
}
SEVERITY_COLOUR: dict[str, Colour] = {"high": "red", "medium": "amber", "low": "grey"}
RULE_LABELS: dict[str, tuple[str, str]] = {
    "stale_task": ("Tâche non mise à jour", "Stale task"),
    "silent_resource": ("Ressource silencieuse", "Silent resource"),
    "overdue_task": ("Tâche en retard", "Overdue task"),
    "not_started": ("Tâche non démarrée", "Not started"),
    "no_owner": ("Tâche sans responsable", "No owner"),
    "unknown_owner": ("Responsable inconnu", "Unknown owner"),
    "risk_action_overdue": ("Action de risque en retard", "Risk action overdue"),
    "deliverable_overdue": ("Livrable en retard", "Deliverable overdue"),
    "risk_not_reviewed": ("Risque non revu", "Risk not reviewed"),
    "training_overdue": ("Formation en retard", "Training overdue"),
}
UNITS = {"days": ("jours", "days"), "ratio": ("ratio", "ratio"), "%": ("%", "%")}
TOP_RISKS = 5
TOP_ALERTS = 8
LOAD_WEEKS_BEFORE = 4
LOAD_WEEKS_AFTER = 12


def t(key: str, lang: Lang, **values: Any) -> str:
    """The label ``key`` in ``lang``."""
    fr, en = LABELS[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


def sheet_name(kind: str, lang: Lang) -> str:
    return _pick(SHEET_NAMES[kind], lang)


# --- thresholds and colours -----------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    spi_amber: float = 0.95
    spi_red: float = 0.90
    cpi_amber: float = 0.95
    cpi_red: float = 0.90
    slip_red_days: float = 10

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Thresholds:
        def get(key: str, default: float) -> float:
            value = settings.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value) if math.isfinite(value) else default
            return default

        return cls(
            get("spi_amber", 0.95),
            get("spi_red", 0.90),
            get("cpi_amber", 0.95),
            get("cpi_red", 0.90),
            get("slip_red_days", 10),
        )


def index_colour(value: float | None, amber: float, red: float) -> Colour | None:
    """Red below ``red``, amber below ``amber``, green otherwise; None for a missing value."""
    if value is None or not math.isfinite(value):
        return None
    if value < red:
        return "red"
    if value < amber:
        return "amber"
    return "green"


def eac_colour(eac: float | None, bac: float | None, th: Thresholds) -> Colour | None:
    """BAC / EAC under the CPI thresholds (an estimate at or under budget is green)."""
    if eac is None or bac is None or not math.isfinite(eac) or eac <= 0:
        return None
    return index_colour(bac / eac, th.cpi_amber, th.cpi_red)


def slip_colour(slip: float | None, th: Thresholds) -> Colour | None:
    """Green on time or early, red beyond ``slip_red_days``, amber in between."""
    if slip is None or not math.isfinite(slip):
        return None
    if slip > th.slip_red_days:
        return "red"
    if slip > 0:
        return "amber"
    return "green"


# --- small helpers --------------------------------------------------------------------------


def _f(value: Any) -> float | None:
    """A finite float or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _ts(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return None if pd.isna(ts) else ts


def _fmt(value: float | None, lang: Lang, decimals: int = 2) -> str:
    return charts.fmt_number(value, lang, decimals)


@dataclass
class _Col:
    """One table column: source key, label key (or literal label), cell kind."""

    key: str
    label: str
    kind: CellKind = "text"


def _table(
    title: str,
    data: pd.DataFrame,
    cols: Sequence[_Col],
    lang: Lang,
    *,
    colours: Mapping[str, Sequence[Colour | None]] | None = None,
    links: Mapping[str, Sequence[str | None]] | None = None,
    note: str = "",
) -> TableBlock:
    """A TableBlock from ``data`` (columns by key): labels in ``lang``, kinds, colours, links."""
    labels = [t(c.label, lang) if c.label in LABELS else c.label for c in cols]
    frame = pd.DataFrame(
        {lab: data[c.key].to_list() for lab, c in zip(labels, cols, strict=True)},
        columns=labels,
    )
    kinds: dict[str, CellKind] = {
        lab: c.kind for lab, c in zip(labels, cols, strict=True) if c.kind != "text"
    }
    paint = None
    if colours:
        by_label = {lab: c.key for lab, c in zip(labels, cols, strict=True)}
        paint = pd.DataFrame(
            {lab: list(colours[key]) for lab, key in by_label.items() if key in colours},
            dtype=object,
        )
        paint = paint.reindex(columns=labels) if len(paint.columns) else None
        if paint is not None:
            paint = paint.astype(object).where(paint.notna(), None)
    cell_links: dict[tuple[int, str], str] = {}
    for c, lab in zip(cols, labels, strict=True):
        for i, target in enumerate((links or {}).get(c.key, ())):
            if target:
                cell_links[(i, lab)] = target
    return TableBlock(title, frame, kinds, paint, cell_links, note)


def _text(title: str, lines: Iterable[str], colour: Colour | None = None) -> TextBlock:
    return TextBlock(title, list(lines), colour)


def _unavailable(analysis: Analysis, part: str, lang: Lang) -> TextBlock:
    why = [p for p in analysis.problems if p.startswith(part)] or analysis.problems
    reason = "; ".join(why) if why else part
    return _text("", [t("not_available", lang, why=reason)], "grey")


def _cell_ref(sheet: str, cell: str) -> str:
    """An internal hyperlink target: 'Sheet'!A1 ("12:12" row ranges go to column A)."""
    if not sheet:
        return ""
    if ":" in cell:
        cell = "A" + cell.split(":")[0]
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!{cell or 'A1'}"


def _choice_label(sheet: Any, column: str, value: Any, lang: Lang) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    choice = sheet.column(column).choice_for(str(value))
    return choice.label(lang) if choice is not None else str(value)


# --- KPIs -----------------------------------------------------------------------------------

KPI_COLUMNS: tuple[tuple[str, CellKind], ...] = (
    ("spi", "ratio"),
    ("cpi", "ratio"),
    ("spi_t", "ratio"),
    ("complete", "percent"),
    ("bac", "money"),
    ("eac", "money"),
    ("vac", "money"),
    ("baseline_finish", "date"),
    ("forecast_finish", "date"),
    ("slip", "int"),
)


def kpis(analysis: Analysis) -> dict[str, tuple[Any, Colour | None]]:
    """The headline KPIs: key -> (value, colour). Values are the analysis' own numbers."""
    th = Thresholds.from_settings(analysis.project.settings)
    evm, sched = analysis.evm, analysis.schedule
    spi = _f(getattr(evm, "spi", None))
    cpi = _f(getattr(evm, "cpi", None))
    spi_t = _f(getattr(evm, "spi_t", None))
    bac = _f(getattr(evm, "bac", None))
    eac = _f(getattr(evm, "eac_cpi", None))
    ev = _f(getattr(evm, "ev", None))
    vac = _f(getattr(evm, "vac", None))
    slip = _f(getattr(sched, "slip_days", None))
    base = getattr(sched, "baseline_finish", None) or analysis.project.project.get("planned_finish")
    return {
        "spi": (spi, index_colour(spi, th.spi_amber, th.spi_red)),
        "cpi": (cpi, index_colour(cpi, th.cpi_amber, th.cpi_red)),
        "spi_t": (spi_t, index_colour(spi_t, th.spi_amber, th.spi_red)),
        "complete": (ev / bac if ev is not None and bac else None, None),
        "bac": (bac, None),
        "eac": (eac, eac_colour(eac, bac, th)),
        "vac": (vac, eac_colour(eac, bac, th)),
        "baseline_finish": (_ts(base), None),
        "forecast_finish": (_ts(getattr(sched, "finish", None)), slip_colour(slip, th)),
        "slip": (slip, slip_colour(slip, th)),
    }


def _kpi_block(analysis: Analysis, lang: Lang) -> TableBlock:
    values = kpis(analysis)
    th = Thresholds.from_settings(analysis.project.settings)
    data = pd.DataFrame({k: [values[k][0]] for k, _ in KPI_COLUMNS})
    note = t(
        "kpi_note",
        lang,
        spi_amber=_fmt(th.spi_amber, lang),
        spi_red=_fmt(th.spi_red, lang),
        cpi_amber=_fmt(th.cpi_amber, lang),
        cpi_red=_fmt(th.cpi_red, lang),
        slip=_fmt(th.slip_red_days, lang, 0),
    )
    return _table(
        t("kpis", lang),
        data,
        [_Col(k, k, kind) for k, kind in KPI_COLUMNS],
        lang,
        colours={k: [values[k][1]] for k, _ in KPI_COLUMNS},
        note=note,
    )


# --- weather --------------------------------------------------------------------------------


def _weather_blocks(weather: Weather | None, lang: Lang) -> list[Block]:
    """The project weather: one status per axis (coloured), then the reasons that fired."""
    if weather is None:
        return []
    from pmo_xl.core.weather import LABELS as AXIS_LABELS

    def status_cell(status: str | None) -> str:
        return _pick(WEATHER[status][:2], lang) if status in WEATHER else "–"

    axes = [("project", weather.status), *weather.axes.items()]
    names = [
        t("weather_project", lang) if k == "project" else tr(AXIS_LABELS, k, lang).capitalize()
        for k, _ in axes
    ]
    head = (t("weather_axis", lang), t("weather", lang))
    frame = pd.DataFrame({head[0]: names, head[1]: [status_cell(v) for _, v in axes]})
    colours = pd.DataFrame({head[1]: [WEATHER[v][2] if v in WEATHER else None for _, v in axes]})
    blocks: list[Block] = [TableBlock(t("weather", lang), frame, colours=colours)]
    if weather.reasons:
        why = pd.DataFrame(
            {
                head[0]: [tr(AXIS_LABELS, r.axis, lang).capitalize() for r in weather.reasons],
                head[1]: [status_cell(r.status) for r in weather.reasons],
                t("weather_reason", lang): [r.message for r in weather.reasons],
            }
        )
        tint = pd.DataFrame({head[1]: [WEATHER[r.status][2] for r in weather.reasons]})
        blocks.append(TableBlock(t("weather_reasons", lang), why, colours=tint))
    return blocks


# --- dashboard ------------------------------------------------------------------------------


class _Figures:
    """Charts shown on two sheets are drawn once and shared (same Figure object)."""

    def __init__(self, a: Analysis, lang: Lang, currency: str) -> None:
        self.a, self.lang, self.currency = a, lang, currency
        self.cache: dict[str, Any] = {}

    def _get(self, key: str, make: Any) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def s_curve(self) -> Any:
        return self._get("s_curve", lambda: _s_curve(self.a, self.lang, self.currency))

    def risks(self) -> Any:
        r, lang = self.a.risks, self.lang
        assert r is not None
        return self._get(
            "risks",
            lambda: charts.risk_heatmaps(
                [(t("inherent", lang), r.matrix), (t("residual", lang), r.residual_matrix)],
                lang,
                amber_from=r.amber_from,
                red_from=r.red_from,
                size=charts.WIDE,
            ),
        )

    def load(self) -> Any:
        def make() -> Any:
            data = _load_data(self.a)
            if data is None:
                return None
            hours, ratio, over = data
            return charts.load_heatmap(
                hours, self.lang, ratio=ratio, over=over, status_date=self.a.project.status_date
            )

        return self._get("load", make)


def _dashboard(
    a: Analysis, history: pd.DataFrame | None, lang: Lang, figs: _Figures
) -> SheetReport:
    card = a.project.project
    blocks: list[Block] = [
        _text(
            t(
                "project_line",
                lang,
                code=card.get("project_code") or "",
                name=card.get("project_name") or "",
            ),
            [
                t(
                    "status_line",
                    lang,
                    status=charts.fmt_date(a.project.status_date, lang),
                    pm=card.get("project_manager") or "–",
                    phase=card.get("current_phase") or "–",
                )
            ],
        )
    ]
    blocks.extend(_weather_blocks(a.weather, lang))
    blocks.append(_kpi_block(a, lang))
    if a.evm is not None:
        blocks.append(FigureBlock(t("s_curve", lang), figs.s_curve(), "dashboard_s_curve"))
        blocks.append(FigureBlock(t("trend", lang), _trend(a, history, lang), "dashboard_trend"))
    if a.risks is not None:
        blocks.append(FigureBlock(t("risk_map", lang), figs.risks(), "dashboard_risks"))
    if figs.load() is not None:
        blocks.append(FigureBlock(t("load_map", lang), figs.load(), "dashboard_load"))
    blocks.append(_top_risks(a, lang))
    blocks.append(_alerts_table(a, lang, limit=TOP_ALERTS, title=t("top_alerts", lang)))
    return SheetReport(
        "dashboard", sheet_name("dashboard", lang), _sheet_title(a, "dashboard", lang), blocks
    )


def _sheet_title(a: Analysis, kind: str, lang: Lang) -> str:
    code = a.project.project.get("project_code") or ""
    return f"{sheet_name(kind, lang)} – {code}" if code else sheet_name(kind, lang)


def _s_curve(a: Analysis, lang: Lang, cur: str) -> Any:
    evm = a.evm
    assert evm is not None
    finish = getattr(a.schedule, "finish", None) or evm.forecast_finish
    return charts.s_curve(
        evm.daily,
        evm.status_date,
        lang,
        bac=evm.bac,
        eac=_f(evm.eac_cpi),
        ac=evm.ac,
        forecast_finish=finish,
        currency=cur,
    )


def trend_frame(analysis: Analysis, history: pd.DataFrame | None) -> tuple[pd.DataFrame, bool]:
    """(date, spi, cpi[, spi_t]) for the trend chart, and whether it comes from History.

    History gives one point per refresh; before it holds two, the weekly indices rebuilt from
    the actual dates stand in (from the week where PV reaches 10 % of BAC, to skip the noise of
    the first days).
    """
    if history is not None and len(history) >= 2 and "status_date" in history.columns:
        cols = [c for c in ("spi", "cpi", "spi_t") if c in history.columns]
        frame = history[["status_date", *cols]].rename(columns={"status_date": "date"})
        frame = frame.assign(date=pd.to_datetime(frame["date"]))
        for c in cols:
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
        return frame.reset_index(drop=True), True
    evm = analysis.evm
    if evm is None:
        return pd.DataFrame(columns=["date", "spi", "cpi"]), False
    weekly = evm.weekly
    keep = (weekly["date"] <= pd.Timestamp(evm.status_date)) & (weekly["pv"] >= 0.10 * evm.bac)
    return weekly.loc[keep, ["date", "spi", "cpi"]].reset_index(drop=True), False


def _trend(a: Analysis, history: pd.DataFrame | None, lang: Lang) -> Any:
    th = Thresholds.from_settings(a.project.settings)
    frame, from_history = trend_frame(a, history)
    return charts.index_trend(
        frame,
        lang,
        amber=th.spi_amber,
        red=th.spi_red,
        status_date=a.project.status_date,
        note="" if from_history else charts.label("reconstructed", lang),
    )


def _top_risks(a: Analysis, lang: Lang) -> Block:
    if a.risks is None:
        return _unavailable(a, "risk", lang)
    reg = a.risks.register
    open_ = reg[(reg["status"] != "closed") & reg["score"].notna()].head(TOP_RISKS)
    if open_.empty:
        return _text(t("top_risks", lang), [t("no_risks", lang)])
    return _risk_table(t("top_risks", lang), open_, lang, short=True)


def _risk_table(title: str, reg: pd.DataFrame, lang: Lang, *, short: bool = False) -> TableBlock:
    data = reg.assign(
        status=[_choice_label(RISKS, "status", v, lang) for v in reg["status"]],
    )
    cols = [
        _Col("risk_id", "risk_id"),
        _Col("residual_score", "residual_score", "int"),
        _Col("score", "score", "int"),
    ]
    if not short:
        cols += [
            _Col("probability", "p", "int"),
            _Col("impact", "i", "int"),
            _Col("residual_probability", "rp", "int"),
            _Col("residual_impact", "ri", "int"),
            _Col("emv", "emv", "money"),
            _Col("residual_emv", "residual_emv", "money"),
            _Col("status", "status"),
        ]
    cols += [
        _Col("owner", "owner"),
        _Col("action_due", "action_due", "date"),
        _Col("title", "title"),
    ]
    overdue = reg["action_overdue"].to_numpy(dtype=bool)
    return _table(
        title,
        data,
        cols,
        lang,
        colours={
            "residual_score": list(reg["residual_band"]),
            "score": list(reg["band"]),
            "action_due": ["red" if o else None for o in overdue],
        },
    )


# --- schedule -------------------------------------------------------------------------------


def gantt_frame(a: Analysis) -> pd.DataFrame:
    """The Gantt rows (``charts.GANTT_COLUMNS``) in task order: forecast dates of the CPM,
    baseline dates of the Tasks sheet."""
    sched = a.schedule
    assert sched is not None
    tasks = a.project.tasks
    ids = tasks["task_id"].astype(object)
    known = tasks.loc[ids.isin(sched.tasks.index)].drop_duplicates("task_id")
    st = sched.tasks.reindex(known["task_id"])
    return pd.DataFrame(
        {
            "label": [
                f"{i} {n or ''}".strip()
                for i, n in zip(known["task_id"], known["name"], strict=True)
            ],
            "phase": known["phase"].fillna("").to_numpy(),
            "start": st["start"].to_numpy(),
            "finish": st["finish"].to_numpy(),
            "baseline_start": known["baseline_start"].to_numpy(),
            "baseline_finish": known["baseline_finish"].to_numpy(),
            "critical": st["critical"].to_numpy(dtype=bool),
            "milestone": (st["duration"] == 0).to_numpy(),
            "percent": np.where(
                st["state"].to_numpy() == "finished",
                1.0,
                known["percent_complete"].fillna(0.0).to_numpy(dtype=float),
            ),
        }
    )


def _schedule(a: Analysis, lang: Lang) -> SheetReport:
    sheet = SheetReport(
        "schedule", sheet_name("schedule", lang), _sheet_title(a, "schedule", lang), columns=1
    )
    if a.schedule is None:
        sheet.blocks.append(_unavailable(a, "schedule", lang))
        return sheet
    frame = gantt_frame(a)
    fig = charts.gantt(frame, a.project.status_date, lang)
    sheet.blocks.append(FigureBlock(t("gantt", lang), fig, "schedule_gantt", width_cm=38.0))
    sheet.blocks.append(_cpm_table(a, lang))
    return sheet


def _cpm_table(a: Analysis, lang: Lang) -> TableBlock:
    sched = a.schedule
    assert sched is not None
    st = sched.tasks
    tasks = a.project.tasks.drop_duplicates("task_id").set_index("task_id")
    data = st.assign(
        task_id=st.index,
        name=tasks["name"].reindex(st.index).to_numpy(),
        phase=tasks["phase"].reindex(st.index).to_numpy(),
        percent=tasks["percent_complete"].reindex(st.index).to_numpy(),
        state=[t(s, lang) if s in LABELS else s for s in st["state"]],
    )
    critical = st["critical"].to_numpy(dtype=bool)
    neg = st["total_float"].to_numpy(dtype=float) < 0
    float_colour: list[Colour | None] = [
        "red" if c or n else None for c, n in zip(critical, neg, strict=True)
    ]
    return _table(
        t("cpm", lang),
        data,
        [
            _Col("task_id", "task_id"),
            _Col("start", "start", "date"),
            _Col("finish", "finish", "date"),
            _Col("late_start", "late_start", "date"),
            _Col("late_finish", "late_finish", "date"),
            _Col("duration", "duration", "int"),
            _Col("remaining", "remaining", "int"),
            _Col("total_float", "total_float", "int"),
            _Col("free_float", "free_float", "int"),
            _Col("critical", "critical"),
            _Col("percent", "percent", "percent"),
            _Col("state", "state"),
            _Col("name", "task"),
        ],
        lang,
        colours={
            "critical": ["red" if c else None for c in critical],
            "total_float": float_colour,
            "task_id": ["red" if c else None for c in critical],
        },
        note=t("cpm_note", lang),
    )


# --- earned value ---------------------------------------------------------------------------

_EV_COLS = ("bac", "pv", "ev", "ac", "sv", "cv")


def _ev_sheet(a: Analysis, lang: Lang, cur: str, figs: _Figures) -> SheetReport:
    sheet = SheetReport(
        "earned_value", sheet_name("earned_value", lang), _sheet_title(a, "earned_value", lang)
    )
    evm = a.evm
    if evm is None:
        sheet.blocks.append(_unavailable(a, "earned value", lang))
        return sheet
    th = Thresholds.from_settings(a.project.settings)
    sheet.blocks.append(_cost_indicators(a, lang, th))
    sheet.blocks.append(_time_indicators(a, lang, th))
    sheet.blocks.append(FigureBlock(t("s_curve", lang), figs.s_curve(), "ev_s_curve"))
    es_fig = charts.earned_schedule(
        evm.daily,
        evm.status_date,
        lang,
        ev=evm.ev,
        es=evm.es,
        at=evm.at,
        spi_t=evm.spi_t,
        forecast_finish=evm.forecast_finish,
        baseline_finish=evm.baseline_finish,
        currency=cur,
    )
    sheet.blocks.append(FigureBlock(t("es_chart", lang), es_fig, "ev_earned_schedule"))
    sheet.blocks.append(_phase_table(a, lang, th))
    follow = _budget_followup(a, lang)
    if follow is not None:
        table, chart_frame = follow
        sheet.blocks.append(table)
        fig = charts.budget_bars(chart_frame, lang, currency=cur)
        sheet.blocks.append(FigureBlock(t("budget_chart", lang), fig, "ev_budget"))
    sheet.blocks.append(_task_ev_table(a, lang, th))
    return sheet


def _cost_indicators(a: Analysis, lang: Lang, th: Thresholds) -> TableBlock:
    evm = a.evm
    assert evm is not None
    keys = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi")
    src = {"eac": "eac_cpi", "tcpi": "tcpi_bac"}
    data = pd.DataFrame({k: [_f(getattr(evm, src.get(k, k)))] for k in keys})
    kinds: dict[str, CellKind] = {"spi": "ratio", "cpi": "ratio", "tcpi": "ratio"}
    eac = _f(evm.eac_cpi)
    return _table(
        t("cost_indicators", lang),
        data,
        [_Col(k, k, kinds.get(k, "money")) for k in keys],
        lang,
        colours={
            "spi": [index_colour(_f(evm.spi), th.spi_amber, th.spi_red)],
            "cpi": [index_colour(_f(evm.cpi), th.cpi_amber, th.cpi_red)],
            "eac": [eac_colour(eac, evm.bac, th)],
            "vac": [eac_colour(eac, evm.bac, th)],
            "sv": ["red" if evm.sv < 0 else None],
            "cv": ["red" if evm.cv < 0 else None],
        },
    )


def _time_indicators(a: Analysis, lang: Lang, th: Thresholds) -> TableBlock:
    evm = a.evm
    assert evm is not None
    data = pd.DataFrame(
        {
            "es": [_f(evm.es)],
            "at": [_f(evm.at)],
            "pd": [_f(evm.pd)],
            "sv_t": [_f(evm.sv_t)],
            "spi_t": [_f(evm.spi_t)],
            "tspi": [_f(evm.tspi_t)],
            "ieac_t": [_f(evm.ieac_t)],
            "baseline_finish": [_ts(evm.baseline_finish)],
            "es_finish": [_ts(evm.forecast_finish)],
        }
    )
    return _table(
        t("time_indicators", lang),
        data,
        [
            _Col("es", "es", "number"),
            _Col("at", "at", "int"),
            _Col("pd", "pd", "int"),
            _Col("sv_t", "sv_t", "number"),
            _Col("spi_t", "spi_t", "ratio"),
            _Col("tspi", "tspi", "ratio"),
            _Col("ieac_t", "ieac_t", "number"),
            _Col("baseline_finish", "baseline_finish", "date"),
            _Col("es_finish", "es_finish", "date"),
        ],
        lang,
        colours={"spi_t": [index_colour(_f(evm.spi_t), th.spi_amber, th.spi_red)]},
    )


def _indicator_colours(frame: pd.DataFrame, th: Thresholds) -> dict[str, list[Colour | None]]:
    return {
        "spi": [index_colour(_f(v), th.spi_amber, th.spi_red) for v in frame["spi"]],
        "cpi": [index_colour(_f(v), th.cpi_amber, th.cpi_red) for v in frame["cpi"]],
        "sv": ["red" if (_f(v) or 0) < 0 else None for v in frame["sv"]],
        "cv": ["red" if (_f(v) or 0) < 0 else None for v in frame["cv"]],
    }


def _phase_table(a: Analysis, lang: Lang, th: Thresholds) -> TableBlock:
    evm = a.evm
    assert evm is not None
    ph = evm.by_phase.copy()
    total = {k: float(ph[k].sum()) for k in ("bac", "pv", "ev", "ac")}
    from pmo_xl.core.evm import indicators

    tot = {k: float(v) for k, v in indicators(**total).items()}
    ph.loc["\0total"] = pd.Series(tot)
    names = [t("total", lang) if p == "\0total" else (p or t("no_task", lang)) for p in ph.index]
    data = ph.assign(phase=names)
    cols = [*[_Col(k, k, "money") for k in _EV_COLS], _Col("spi", "spi", "ratio")]
    cols += [_Col("cpi", "cpi", "ratio"), _Col("eac_cpi", "eac", "money"), _Col("phase", "phase")]
    return _table(t("by_phase", lang), data, cols, lang, colours=_indicator_colours(data, th))


def _task_ev_table(a: Analysis, lang: Lang, th: Thresholds) -> TableBlock:
    evm = a.evm
    assert evm is not None
    data = evm.by_task.assign(task_id=evm.by_task.index)
    cols = [
        _Col("task_id", "task_id"),
        _Col("percent_complete", "percent", "percent"),
        *[_Col(k, k, "money") for k in _EV_COLS],
        _Col("spi", "spi", "ratio"),
        _Col("cpi", "cpi", "ratio"),
        _Col("phase", "phase"),
        _Col("name", "task"),
    ]
    return _table(t("by_task", lang), data, cols, lang, colours=_indicator_colours(data, th))


def _budget_followup(a: Analysis, lang: Lang) -> tuple[TableBlock, pd.DataFrame] | None:
    from pmo_xl.core.evm import budget_followup

    if a.project.status_date is None:
        return None
    table = budget_followup(a.project)
    if table.empty:
        return None
    names = {c.key: c.label(lang) for c in BUDGET_CATEGORIES}
    labels = [names.get(k, str(k)) for k in table.index]
    chart_frame = table.set_axis(labels, axis=0)
    total = table.sum(numeric_only=True)
    full = pd.concat([table, total.to_frame("\0total").T])
    data = full.assign(category=[*labels, t("total", lang)])
    block = _table(
        t("budget_followup", lang),
        data,
        [
            _Col("budget", "budget", "money"),
            _Col("committed", "committed", "money"),
            _Col("actual", "actual", "money"),
            _Col("remaining", "rest", "money"),
            _Col("forecast", "forecast", "money"),
            _Col("variance", "variance", "money"),
            _Col("category", "category"),
        ],
        lang,
        colours={
            "variance": ["red" if v < -0.5 else None for v in data["variance"]],
            "remaining": ["red" if v < -0.5 else None for v in data["remaining"]],
        },
        note=t("budget_note", lang),
    )
    return block, chart_frame


# --- risks ----------------------------------------------------------------------------------


def _risk_sheet(a: Analysis, lang: Lang, figs: _Figures) -> SheetReport:
    sheet = SheetReport("risks", sheet_name("risks", lang), _sheet_title(a, "risks", lang))
    r = a.risks
    if r is None:
        sheet.blocks.append(_unavailable(a, "risk", lang))
        return sheet
    sheet.blocks.append(FigureBlock(t("risk_map", lang), figs.risks(), "risks_matrices"))
    summary = pd.DataFrame(
        {
            "open": [r.open_count],
            "closed": [r.closed_count],
            "red": [r.open_by_band.get("red", 0)],
            "amber": [r.open_by_band.get("amber", 0)],
            "green": [r.open_by_band.get("green", 0)],
            "emv": [r.total_emv],
            "residual_emv": [r.total_residual_emv],
            "contingency": [r.contingency],
            "coverage": [r.contingency_coverage],
            "gap": [r.contingency_gap],
        }
    )
    gap = r.contingency_gap
    sheet.blocks.append(
        _table(
            t("risk_summary", lang),
            summary,
            [
                _Col("open", "open", "int"),
                _Col("closed", "closed", "int"),
                _Col("red", "red", "int"),
                _Col("amber", "amber", "int"),
                _Col("green", "green", "int"),
                _Col("emv", "emv", "money"),
                _Col("residual_emv", "residual_emv", "money"),
                _Col("contingency", "contingency", "money"),
                _Col("coverage", "coverage", "percent"),
                _Col("gap", "gap", "money"),
            ],
            lang,
            colours={
                "red": ["red" if r.open_by_band.get("red") else None],
                "amber": ["amber" if r.open_by_band.get("amber") else None],
                "green": ["green" if r.open_by_band.get("green") else None],
                "gap": [None if gap is None else ("red" if gap < 0 else "green")],
            },
        )
    )
    sheet.blocks.append(_risk_table(t("register", lang), r.register, lang))
    return sheet


# --- resources ------------------------------------------------------------------------------


def _load_data(a: Analysis) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(hours, load/capacity, over-allocated) person × week, rows labelled "R01 Name"."""
    loads = a.loads
    if loads is None or len(loads) == 0:
        return None
    from pmo_xl.core.resources import capacity, load_matrix

    hours = load_matrix(loads)
    res = a.project.resources.dropna(subset=["resource_id"]).drop_duplicates("resource_id")
    known = res[res["resource_id"].isin(hours.index)]
    caps = capacity(known, hours.columns, a.calendar)
    cap = caps.pivot_table(index="resource_id", columns="week", values="capacity", aggfunc="sum")
    cap = cap.reindex(index=hours.index, columns=hours.columns).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = pd.DataFrame(
            np.where(cap.to_numpy() > 0, hours.to_numpy() / cap.to_numpy(), np.inf),
            index=hours.index,
            columns=hours.columns,
        )
    over = pd.DataFrame(False, index=hours.index, columns=hours.columns)
    overload = a.overload
    if overload is not None and len(overload):
        rows = overload[overload["kind"] == "load"]
        for rid, week in zip(rows["resource_id"], pd.to_datetime(rows["week"]), strict=True):
            if rid in over.index and week in over.columns:
                over.loc[rid, week] = True
    else:
        over = pd.DataFrame(
            hours.to_numpy() > cap.to_numpy() + 0.01, index=hours.index, columns=hours.columns
        )
    names = res.set_index("resource_id")["name"]
    labels = [f"{rid} {names.get(rid) or ''}".strip() for rid in hours.index]
    for frame in (hours, ratio, over):
        frame.index = pd.Index(labels)
    return hours, ratio, over


def _week_label(week: pd.Timestamp, lang: Lang) -> str:
    iso = week.isocalendar().week
    return f"S{iso:02d} {week:%d/%m}" if lang == "fr" else f"W{iso:02d} {week:%m-%d}"


def _resource_sheet(a: Analysis, lang: Lang, figs: _Figures) -> SheetReport:
    sheet = SheetReport(
        "resources", sheet_name("resources", lang), _sheet_title(a, "resources", lang), columns=1
    )
    load = _load_data(a)
    if load is None:
        sheet.blocks.append(_text("", [t("no_load", lang)], "grey"))
        return sheet
    hours, _, over = load
    status = a.project.status_date
    sheet.blocks.append(FigureBlock(t("load_map", lang), figs.load(), "resources_load"))
    weeks = hours.columns
    if status is not None:
        monday = pd.Timestamp(status) - pd.Timedelta(days=pd.Timestamp(status).weekday())
        lo = monday - pd.Timedelta(weeks=LOAD_WEEKS_BEFORE)
        hi = monday + pd.Timedelta(weeks=LOAD_WEEKS_AFTER - 1)
        weeks = weeks[(weeks >= lo) & (weeks <= hi)]
    if len(weeks) == 0:
        weeks = hours.columns[: LOAD_WEEKS_BEFORE + LOAD_WEEKS_AFTER]
    labels = [_week_label(w, lang) for w in weeks]
    data = pd.DataFrame({"resource": list(hours.index)})
    colours: dict[str, list[Colour | None]] = {}
    for w, lab in zip(weeks, labels, strict=True):
        data[lab] = [round(v, 1) if v > 0.05 else None for v in hours[w]]
        colours[lab] = ["red" if o else None for o in over[w]]
    cols = [_Col("resource", "resource"), *[_Col(lab, lab, "number") for lab in labels]]
    note = t(
        "load_note",
        lang,
        first=charts.fmt_date(weeks[0], lang),
        last=charts.fmt_date(weeks[-1] + pd.Timedelta(days=6), lang),
    )
    sheet.blocks.append(_table(t("load_table", lang), data, cols, lang, colours=colours, note=note))
    overload = a.overload
    if overload is not None and len(overload):
        ov = overload.assign(
            kind=[t("share_over" if k == "share" else "week_over", lang) for k in overload["kind"]],
        )
        sheet.blocks.append(
            _table(
                t("overloads", lang),
                ov,
                [
                    _Col("resource_id", "resource"),
                    _Col("name", "name"),
                    _Col("week", "week", "date"),
                    _Col("load", "load", "number"),
                    _Col("capacity", "capacity", "number"),
                    _Col("ratio", "ratio", "percent"),
                    _Col("kind", "kind"),
                ],
                lang,
                colours={"ratio": ["red"] * len(ov)},
            )
        )
    return sheet


# --- watchdog -------------------------------------------------------------------------------


def _alerts_table(a: Analysis, lang: Lang, *, limit: int | None = None, title: str = "") -> Block:
    alerts = a.alerts
    title = title or t("alerts", lang)
    if alerts is None:
        return _text(title, [t("not_available", lang, why="watchdog")], "grey")
    if not alerts:
        return _text(title, [t("no_alerts", lang)], "green")
    shown = list(alerts)[:limit] if limit else list(alerts)
    data = pd.DataFrame(
        {
            "severity": [t(x.severity, lang) for x in shown],
            "rule": [_pick(RULE_LABELS.get(x.rule, (x.rule, x.rule)), lang) for x in shown],
            "subject": [x.subject_id for x in shown],
            "since": [_ts(x.since) for x in shown],
            "value": [_f(x.value) for x in shown],
            "threshold": [_f(x.threshold) for x in shown],
            "cell": [x.where for x in shown],
            "message": [x.message for x in shown],
        }
    )
    cols = [_Col("severity", "severity")]
    if not limit:
        cols += [_Col("rule", "rule")]
    cols += [_Col("subject", "subject"), _Col("since", "since", "date")]
    if not limit:
        cols += [_Col("value", "value", "number"), _Col("threshold", "threshold", "number")]
        cols += [_Col("cell", "cell")]
    cols += [_Col("message", "message")]
    note = t("alerts_note", lang) if not limit else f"{len(shown)} / {len(alerts)}"
    return _table(
        title,
        data,
        cols,
        lang,
        colours={"severity": [SEVERITY_COLOUR.get(x.severity) for x in shown]},
        links={"cell": [_cell_ref(x.sheet, x.cell) if x.cell else None for x in shown]},
        note=note,
    )


def _watchdog_sheet(a: Analysis, lang: Lang) -> SheetReport:
    sheet = SheetReport("watchdog", sheet_name("watchdog", lang), _sheet_title(a, "watchdog", lang))
    sheet.blocks.append(_alerts_table(a, lang))
    return sheet


# --- quality & change -----------------------------------------------------------------------

_QUALITY_COLOURS = {
    "not_started": "grey", "in_progress": "blue", "submitted": "navy", "accepted": "green",
    "rejected": "red", "proposed": "amber", "approved": "green", "planned": "blue",
    "done": "green", "cancelled": "grey",
}  # fmt: skip


def _quality_sheet(a: Analysis, lang: Lang) -> SheetReport:
    sheet = SheetReport("quality", sheet_name("quality", lang), _sheet_title(a, "quality", lang))
    q = a.quality
    if q is None:
        sheet.blocks.append(_unavailable(a, "quality", lang))
        return sheet
    d, c, tr_ = q.deliverables, q.changes, q.training
    groups = [
        (t("deliverables", lang), _status_counts(QUALITY, d.by_status, lang)),
        (t("changes_short", lang), _status_counts(CHANGES, c.by_status, lang)),
        (t("training_short", lang), _status_counts(TRAINING, tr_.by_status, lang)),
    ]
    fig = charts.status_bars(groups, lang)
    sheet.blocks.append(
        _table(
            t("deliverables_summary", lang),
            pd.DataFrame(
                {
                    "total_count": [d.total],
                    "accepted": [d.by_status.get("accepted", 0)],
                    "rejected": [len(d.rejected)],
                    "overdue": [len(d.overdue)],
                    "nc": [d.non_conformities],
                    "acceptance_rate": [d.acceptance_rate],
                }
            ),
            [
                _Col("total_count", "total_count", "int"),
                _Col("accepted", "accepted", "int"),
                _Col("rejected", "rejected", "int"),
                _Col("overdue", "overdue", "int"),
                _Col("nc", "nc", "int"),
                _Col("acceptance_rate", "acceptance_rate", "percent"),
            ],
            lang,
            colours={
                "rejected": ["red" if d.rejected else "green"],
                "overdue": ["red" if d.overdue else "green"],
                "nc": ["amber" if d.non_conformities else "green"],
            },
        )
    )
    sheet.blocks.append(FigureBlock(t("quality_chart", lang), fig, "quality_status"))
    sheet.blocks.append(_deliverables_watch(a, lang))
    sheet.blocks.append(_changes_blocks(a, lang))
    sheet.blocks.append(_changes_table(a, lang))
    sheet.blocks.append(_training_summary(a, lang))
    sheet.blocks.append(_training_table(a, lang))
    return sheet


def _status_counts(sheet: Any, counts: Mapping[str, int], lang: Lang) -> dict[str, tuple[int, str]]:
    return {
        _choice_label(sheet, "status", k, lang): (int(n), _QUALITY_COLOURS.get(k, "grey"))
        for k, n in counts.items()
    }


def _deliverables_watch(a: Analysis, lang: Lang) -> Block:
    q = a.quality
    assert q is not None
    items = a.project.quality
    late = {f.row: f.days for f in q.deliverables.overdue}
    nc = items["non_conformities"].fillna(0.0)
    keep = items.index.isin(list(late)) | (items["status"] == "rejected") | (nc > 0)
    rows = items[keep]
    if rows.empty:
        return _text(t("deliverables_watch", lang), [t("no_findings", lang)], "green")
    data = rows.assign(
        status=[_choice_label(QUALITY, "status", v, lang) for v in rows["status"]],
        days=[late.get(int(r)) for r in rows.index],
    )
    return _table(
        t("deliverables_watch", lang),
        data,
        [
            _Col("item_id", "task_id"),
            _Col("status", "status"),
            _Col("due_date", QUALITY.column("due_date").header(lang), "date"),
            _Col("days", "days_late", "int"),
            _Col("non_conformities", "nc", "int"),
            _Col("reviewer", QUALITY.column("reviewer").header(lang)),
            _Col("requirement", QUALITY.column("requirement").header(lang)),
            _Col("deliverable", QUALITY.column("deliverable").header(lang)),
        ],
        lang,
        colours={
            "status": ["red" if s == "rejected" else None for s in rows["status"]],
            "days": ["red" if late.get(int(r)) is not None else None for r in rows.index],
            "non_conformities": ["amber" if v > 0 else None for v in nc[keep]],
        },
    )


def _changes_blocks(a: Analysis, lang: Lang) -> TableBlock:
    q = a.quality
    assert q is not None
    c = q.changes
    data = pd.DataFrame(
        {
            "total_count": [c.total],
            "approved": [c.by_status.get("approved", 0)],
            "rejected": [c.by_status.get("rejected", 0)],
            "pending": [len(c.pending)],
            "approved_cost": [c.approved_cost],
            "approved_days": [c.approved_schedule_days],
            "pending_cost": [c.pending_cost],
        }
    )
    return _table(
        t("changes_summary", lang),
        data,
        [
            _Col("total_count", "total_count", "int"),
            _Col("approved", "approved", "int"),
            _Col("rejected", "rejected", "int"),
            _Col("pending", "pending", "int"),
            _Col("approved_cost", "approved_cost", "money"),
            _Col("approved_days", "approved_days", "int"),
            _Col("pending_cost", "pending_cost", "money"),
        ],
        lang,
        colours={"pending": ["amber" if c.pending else None]},
    )


def _changes_table(a: Analysis, lang: Lang) -> Block:
    rows = a.project.changes
    if rows.empty:
        return _text(t("changes", lang), ["–"])
    data = rows.assign(status=[_choice_label(CHANGES, "status", v, lang) for v in rows["status"]])
    h = CHANGES.column
    return _table(
        t("changes", lang),
        data,
        [
            _Col("change_id", "task_id"),
            _Col("status", "status"),
            _Col("requested_on", h("requested_on").header(lang), "date"),
            _Col("decided_on", h("decided_on").header(lang), "date"),
            _Col("cost_impact", h("cost_impact").header(lang), "money"),
            _Col("schedule_impact_days", h("schedule_impact_days").header(lang), "int"),
            _Col("requested_by", h("requested_by").header(lang)),
            _Col("title", h("title").header(lang)),
        ],
        lang,
        colours={"status": ["amber" if s == "proposed" else None for s in rows["status"]]},
    )


def _training_summary(a: Analysis, lang: Lang) -> TableBlock:
    q = a.quality
    assert q is not None
    tr_ = q.training
    data = pd.DataFrame(
        {
            "total_count": [tr_.total],
            "done": [tr_.by_status.get("done", 0)],
            "planned": [tr_.by_status.get("planned", 0)],
            "overdue": [len(tr_.overdue)],
            "completion": [tr_.completion],
            "attendance": [tr_.attendance_rate],
        }
    )
    return _table(
        t("training_summary", lang),
        data,
        [
            _Col("total_count", "total_count", "int"),
            _Col("done", "done", "int"),
            _Col("planned", "planned", "int"),
            _Col("overdue", "overdue", "int"),
            _Col("completion", "completion", "percent"),
            _Col("attendance", "attendance", "percent"),
        ],
        lang,
        colours={"overdue": ["red" if tr_.overdue else "green"]},
    )


def _training_table(a: Analysis, lang: Lang) -> Block:
    from pmo_xl.core.quality import training_status

    rows = a.project.training
    if rows.empty:
        return _text(t("training", lang), ["–"])
    q = a.quality
    assert q is not None
    late = {f.row for f in q.training.overdue}
    status = training_status(rows)
    data = rows.assign(status=[_choice_label(TRAINING, "status", v, lang) for v in status])
    h = TRAINING.column
    return _table(
        t("training", lang),
        data,
        [
            _Col("action_id", "task_id"),
            _Col("status", "status"),
            _Col("planned_date", h("planned_date").header(lang), "date"),
            _Col("done_date", h("done_date").header(lang), "date"),
            _Col("planned_attendees", h("planned_attendees").header(lang), "int"),
            _Col("attendees", h("attendees").header(lang), "int"),
            _Col("trainer", h("trainer").header(lang)),
            _Col("action", h("action").header(lang)),
        ],
        lang,
        colours={"planned_date": ["red" if int(r) in late else None for r in rows.index]},
    )


# --- checks ---------------------------------------------------------------------------------


def _checks_sheet(a: Analysis, lang: Lang) -> SheetReport:
    sheet = SheetReport(
        "checks", sheet_name("checks", lang), _sheet_title(a, "checks", lang), columns=1
    )
    sheet.blocks.append(findings_table(a, lang))
    if a.dcma:
        sheet.blocks.append(_dcma_table(a, lang))
    return sheet


def findings_table(a: Analysis, lang: Lang) -> Block:
    """The validation findings, errors first, each ``Cell`` linked to the offending cell."""
    found = sorted(a.findings, key=lambda f: f.severity != "error")
    if not found:
        return _text(t("findings", lang), [t("no_findings", lang)], "green")
    data = pd.DataFrame(
        {
            "severity": [t(f.severity, lang) for f in found],
            "sheet": [f.sheet for f in found],
            "cell": [f.cell for f in found],
            "column": [f.column for f in found],
            "rule": [f.rule for f in found],
            "value": [_display_value(f.value, lang) for f in found],
            "message": [f.message for f in found],
        }
    )
    return _table(
        t("findings", lang),
        data,
        [
            _Col("severity", "severity"),
            _Col("sheet", "sheet"),
            _Col("cell", "cell"),
            _Col("column", "column"),
            _Col("rule", "rule"),
            _Col("value", "value"),
            _Col("message", "message"),
        ],
        lang,
        colours={"severity": ["red" if f.severity == "error" else "amber" for f in found]},
        links={"cell": [_cell_ref(f.sheet, f.cell) for f in found]},
        note=t("findings_note", lang),
    )


def _display_value(value: Any, lang: Lang) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.date | pd.Timestamp):
        return charts.fmt_date(value, lang)
    return str(value)


def _dcma_table(a: Analysis, lang: Lang) -> TableBlock:
    checks = a.dcma
    data = pd.DataFrame(
        {
            "number": [c.number for c in checks],
            "check": [c.name(lang) for c in checks],
            "value": [_f(c.value) for c in checks],
            "threshold": [_f(c.threshold) for c in checks],
            "unit": [_pick(UNITS.get(c.unit, (c.unit, c.unit)), lang) for c in checks],
            "passed": [t("yes" if c.passed else "no", lang) for c in checks],
            "count": [c.count for c in checks],
            "population": [c.population for c in checks],
        }
    )
    return _table(
        t("dcma", lang),
        data,
        [
            _Col("number", "number", "int"),
            _Col("passed", "passed"),
            _Col("value", "value", "number"),
            _Col("threshold", "threshold", "number"),
            _Col("unit", "unit"),
            _Col("count", "count", "int"),
            _Col("population", "population", "int"),
            _Col("check", "check"),
        ],
        lang,
        colours={"passed": ["green" if c.passed else "red" for c in checks]},
    )


# --- history --------------------------------------------------------------------------------

# key -> (French, English, kind): the History table's columns, in order
HISTORY_COLUMNS: dict[str, tuple[str, str, CellKind]] = {
    "status_date": ("Date d'état", "Status date", "date"),
    "spi": ("SPI", "SPI", "ratio"),
    "cpi": ("CPI", "CPI", "ratio"),
    "spi_t": ("SPI(t)", "SPI(t)", "ratio"),
    "eac": ("EAC", "EAC", "money"),
    "forecast_finish": ("Fin prévisionnelle", "Forecast finish", "date"),
    "open_red_risks": ("Risques rouges ouverts", "Open red risks", "int"),
    "open_risks": ("Risques ouverts", "Open risks", "int"),
    "alerts": ("Alertes", "Alerts", "int"),
    "bac": ("BAC", "BAC", "money"),
    "pv": ("PV", "PV", "money"),
    "ev": ("EV", "EV", "money"),
    "ac": ("AC", "AC", "money"),
    "risk_snapshot": ("Instantané des risques (JSON)", "Risk snapshot (JSON)", "text"),
}


def history_row(analysis: Analysis) -> dict[str, Any]:
    """This refresh's History row (keys of ``HISTORY_COLUMNS``; dates as Timestamps, numbers
    as floats or None, the risk snapshot as compact JSON text)."""
    from pmo_xl.core.risk import snapshot

    evm, sched, risks = analysis.evm, analysis.schedule, analysis.risks
    alerts = analysis.alerts
    finish = getattr(sched, "finish", None) or getattr(evm, "forecast_finish", None)
    return {
        "status_date": _ts(analysis.project.status_date),
        "spi": _f(getattr(evm, "spi", None)),
        "cpi": _f(getattr(evm, "cpi", None)),
        "spi_t": _f(getattr(evm, "spi_t", None)),
        "eac": _f(getattr(evm, "eac_cpi", None)),
        "forecast_finish": _ts(finish),
        "open_red_risks": risks.open_by_band.get("red", 0) if risks is not None else None,
        "open_risks": risks.open_count if risks is not None else None,
        "alerts": len(alerts) if alerts is not None else None,
        "bac": _f(getattr(evm, "bac", None)),
        "pv": _f(getattr(evm, "pv", None)),
        "ev": _f(getattr(evm, "ev", None)),
        "ac": _f(getattr(evm, "ac", None)),
        "risk_snapshot": (
            json.dumps(snapshot(risks), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            if risks is not None
            else None
        ),
    }


def history_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """A History table read back from a sheet, its French or English headers renamed to keys
    (unknown columns kept as they are)."""
    names = {}
    for key, (fr, en, _) in HISTORY_COLUMNS.items():
        names[fr] = key
        names[en] = key
    return frame.rename(columns=lambda c: names.get(str(c).strip(), c))


def history_from_rows(rows: Sequence[Sequence[Any]] | None) -> pd.DataFrame | None:
    """The History table read back from the cell values of an owned History sheet.

    The header row is the first row holding the status-date label (French or English); records
    follow until a blank row. Values may be typed (live Excel) or text (file reader); types are
    restored by ``merge_history``. None when there is no History sheet or no header.
    """
    if not rows:
        return None
    labels = {fold(label) for label in HISTORY_COLUMNS["status_date"][:2]}
    for i, row in enumerate(rows):
        cells = ["" if v is None else str(v) for v in row]
        if any(fold(c) in labels for c in cells):
            width = max(j for j, c in enumerate(cells) if c.strip()) + 1
            records = []
            for rec in rows[i + 1 :]:
                values = list(rec[:width]) + [None] * (width - len(rec[:width]))
                if all(v is None or str(v).strip() == "" for v in values):
                    break
                records.append(values)
            frame = pd.DataFrame(records, columns=[c.strip() for c in cells[:width]])
            return history_keys(frame)
    return None


def merge_history(previous: pd.DataFrame | None, row: Mapping[str, Any]) -> pd.DataFrame:
    """``previous`` (keyed columns) with ``row`` appended, or replacing the row of the same
    status date; sorted by status date. Columns: ``HISTORY_COLUMNS`` first, then any other
    column ``previous`` had (kept, blank on the new row)."""
    if row.get("status_date") is None:  # no status date, no status: History is left as it was
        row = {}
    new = pd.DataFrame([dict(row)]) if row else pd.DataFrame(columns=list(HISTORY_COLUMNS))
    if previous is None or previous.empty:
        out = new
    else:
        old = history_keys(previous).copy()
        old["status_date"] = pd.to_datetime(old["status_date"], errors="coerce")
        date = pd.Timestamp(row["status_date"]) if row.get("status_date") is not None else None
        if date is not None:
            old = old[old["status_date"].dt.normalize() != date.normalize()]
        frames = [f.dropna(axis=1, how="all") for f in (old, new)]
        out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    extra = [c for c in out.columns if c not in HISTORY_COLUMNS]
    out = out.reindex(columns=[*HISTORY_COLUMNS, *extra])
    out["status_date"] = pd.to_datetime(out["status_date"], errors="coerce")
    out["forecast_finish"] = pd.to_datetime(out["forecast_finish"], errors="coerce")
    for key, (_, _, kind) in HISTORY_COLUMNS.items():
        if kind in ("ratio", "money", "int", "number", "percent"):
            out[key] = pd.to_numeric(out[key], errors="coerce").astype("float64")
    out["risk_snapshot"] = (
        out["risk_snapshot"].astype(object).where(out["risk_snapshot"].notna(), None)
    )
    return out.sort_values("status_date", kind="stable", na_position="first").reset_index(drop=True)


def _history_sheet(a: Analysis, history: pd.DataFrame, lang: Lang) -> SheetReport:
    sheet = SheetReport(
        "history", sheet_name("history", lang), _sheet_title(a, "history", lang), columns=1
    )
    th = Thresholds.from_settings(a.project.settings)
    cols = [
        _Col(k, fr if lang == "fr" else en, kind)
        for k, (fr, en, kind) in HISTORY_COLUMNS.items()
        if k in history.columns
    ]
    extra = [_Col(str(c), str(c)) for c in history.columns if c not in HISTORY_COLUMNS]
    colours: dict[str, list[Colour | None]] = {}
    if "spi" in history.columns:
        colours["spi"] = [index_colour(_f(v), th.spi_amber, th.spi_red) for v in history["spi"]]
    if "spi_t" in history.columns:
        colours["spi_t"] = [index_colour(_f(v), th.spi_amber, th.spi_red) for v in history["spi_t"]]
    if "cpi" in history.columns:
        colours["cpi"] = [index_colour(_f(v), th.cpi_amber, th.cpi_red) for v in history["cpi"]]
    sheet.blocks.append(
        _table(
            t("history", lang),
            history,
            [*cols, *extra],
            lang,
            colours=colours,
            note=t("history_note", lang),
        )
    )
    return sheet


# --- the report -----------------------------------------------------------------------------


def build_report(analysis: Analysis, history: pd.DataFrame | None = None) -> StatusReport:
    """The status report of ``analysis`` in the project's language.

    ``history``: the History table after this refresh (keys of ``HISTORY_COLUMNS``, e.g. from
    ``merge_history``); None gives a one-row history of this refresh. It feeds the SPI/CPI trend
    (from two rows on) and the History sheet.
    """
    lang = analysis.project.language
    card = analysis.project.project
    cur = charts.currency_symbol(card.get("currency"))
    if history is None or history.empty:
        history = merge_history(history, history_row(analysis))
    figs = _Figures(analysis, lang, cur)
    sheets = [
        _dashboard(analysis, history, lang, figs),
        _schedule(analysis, lang),
        _ev_sheet(analysis, lang, cur, figs),
        _risk_sheet(analysis, lang, figs),
        _resource_sheet(analysis, lang, figs),
        _watchdog_sheet(analysis, lang),
        _quality_sheet(analysis, lang),
        _checks_sheet(analysis, lang),
        _history_sheet(analysis, history, lang),
    ]
    return StatusReport(
        language=lang,
        project_code=str(card.get("project_code") or ""),
        status_date=charts.fmt_date(analysis.project.status_date, lang),
        sheets=sheets,
        history=history,
    )
