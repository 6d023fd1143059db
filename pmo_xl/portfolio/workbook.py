"""The portfolio workbook (French or English) and the exported tables.

The report is a ``report.model.StatusReport`` written by ``io.owned.build_workbook`` (the same
writer as the status tabs: text is always written as text, so a name such as ``=HYPERLINK(...)``
copied from a project workbook never becomes a live formula). Sheets:

* Portfolio: one row per project, SPI / CPI / SPI(t) / slip coloured with each project's own
  thresholds (its Settings sheet), a link to each file; then the charts: SPI x CPI bubbles
  sized by BAC, projects per weather (when the analysis gives one), EAC vs BAC, risk heat map;
* Shared staff: every person across projects, load summed over projects against the capacity
  of their total share, then the over-allocated person-weeks;
* Watchdog: the most severe alerts of every project;
* Errors: the files that could not be consolidated and why.

The workbook marks itself with a hidden defined name ``pmo_xl.portfolio`` (see ``discover``)
and is written to a temporary file in the target folder, then moved into place atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.errors import WriteError
from pmo_xl.i18n import Catalog, tr
from pmo_xl.portfolio import charts
from pmo_xl.portfolio.aggregate import PortfolioTables
from pmo_xl.portfolio.discover import PORTFOLIO_MARKER
from pmo_xl.report.model import (
    CellKind,
    FigureBlock,
    SheetReport,
    StatusReport,
    TableBlock,
    TextBlock,
)
from pmo_xl.schema import Lang

MAX_WEEK_ROWS = 2000  # over-allocated person-weeks listed on the sheet (all in the export)
DEFAULT_CREATED = dt.datetime(2026, 1, 1)

TEXTS: Catalog = {
    "portfolio": {"fr": "Portefeuille", "en": "Portfolio"},
    "portfolio_title": {"fr": "Portefeuille de projets", "en": "Project portfolio"},
    "projects": {"fr": "Projets ({n})", "en": "Projects ({n})"},
    "projects_note": {
        "fr": "Seuils SPI, CPI et glissement de chaque projet (sa feuille Paramètres).",
        "en": "SPI, CPI and slip thresholds of each project (its Settings sheet).",
    },
    "bubbles": {"fr": "SPI × CPI (taille : BAC)", "en": "SPI × CPI (size: BAC)"},
    "weather": {"fr": "Météo des projets", "en": "Project weather"},
    "eac_bac": {"fr": "EAC et BAC par projet", "en": "EAC and BAC per project"},
    "heat_map": {"fr": "Risques ouverts du portefeuille", "en": "Open risks of the portfolio"},
    "staff": {"fr": "Personnel partagé", "en": "Shared staff"},
    "staff_title": {
        "fr": "Personnel partagé entre projets : charge cumulée et capacité",
        "en": "Staff shared between projects: summed load and capacity",
    },
    "people": {"fr": "Personnes ({n})", "en": "People ({n})"},
    "people_note": {
        "fr": "Charge de toutes les affectations, tous projets confondus, contre la capacité de "
        "la part totale (plafonnée à 100 % ; le reste est l'activité opérationnelle).",
        "en": "Load of every assignment, all projects together, against the capacity of the "
        "total share (capped at 100 %; the rest is operational work).",
    },
    "weeks": {"fr": "Semaines en surcharge ({n})", "en": "Over-allocated weeks ({n})"},
    "weeks_note": {
        "fr": "Les {shown} premières sur {n} ; toutes dans l'export.",
        "en": "The first {shown} of {n}; all of them in the export.",
    },
    "watchdog": {"fr": "Veille", "en": "Watchdog"},
    "watchdog_title": {"fr": "Alertes de veille des projets", "en": "Watchdog digest"},
    "alerts": {"fr": "Alertes les plus graves ({n})", "en": "Most severe alerts ({n})"},
    "alerts_note": {
        "fr": "Au plus {k} alertes par projet, les plus graves d'abord.",
        "en": "At most {k} alerts per project, most severe first.",
    },
    "errors": {"fr": "Erreurs", "en": "Errors"},
    "errors_title": {"fr": "Classeurs non consolidés", "en": "Workbooks not consolidated"},
    "no_errors": {"fr": "Tous les classeurs ont été lus.", "en": "Every workbook was read."},
    "files": {"fr": "Fichiers ({n})", "en": "Files ({n})"},
    "nothing": {"fr": "Aucune ligne.", "en": "No rows."},
}

PROJECT_COLUMNS: dict[str, tuple[str, str, CellKind]] = {  # key: (fr, en, kind)
    "project": ("Code", "Code", "text"),
    "project_name": ("Projet", "Project", "text"),
    "project_manager": ("Chef de projet", "Manager", "text"),
    "current_phase": ("Phase", "Phase", "text"),
    "weather": ("Météo", "Weather", "text"),
    "spi": ("SPI", "SPI", "ratio"),
    "cpi": ("CPI", "CPI", "ratio"),
    "spi_t": ("SPI(t)", "SPI(t)", "ratio"),
    "bac": ("BAC", "BAC", "money"),
    "eac": ("EAC", "EAC", "money"),
    "vac": ("VAC", "VAC", "money"),
    "forecast_finish": ("Fin prévisionnelle", "Forecast finish", "date"),
    "slip_days": ("Glissement (j ouvrés)", "Slip (working days)", "number"),
    "open_red_risks": ("Risques rouges ouverts", "Open red risks", "int"),
    "watchdog_alerts": ("Alertes de veille", "Watchdog alerts", "int"),
    "validation_errors": ("Erreurs de saisie", "Validation errors", "int"),
    "status_date": ("Date d'état", "Status date", "date"),
    "file": ("Fichier", "File", "text"),
    "problems": ("Remarques", "Notes", "text"),
}
STAFF_LABELS: dict[str, tuple[str, str, CellKind]] = {
    "resource_id": ("ID ressource", "Resource ID", "text"),
    "name": ("Nom", "Name", "text"),
    "department": ("Service", "Department", "text"),
    "projects": ("Projets", "Projects", "text"),
    "n_projects": ("Nb projets", "Projects (n)", "int"),
    "total_share": ("Part totale", "Total share", "percent"),
    "weekly_capacity": ("Capacité hebdo (h)", "Weekly capacity (h)", "number"),
    "peak_load": ("Charge max (h/sem)", "Peak load (h/week)", "number"),
    "peak_week": ("Semaine du pic", "Peak week", "date"),
    "max_ratio": ("Charge / capacité max", "Max load / capacity", "percent"),
    "weeks_over": ("Semaines en surcharge", "Weeks over capacity", "int"),
}
WEEK_LABELS: dict[str, tuple[str, str, CellKind]] = {
    "resource_id": ("ID ressource", "Resource ID", "text"),
    "name": ("Nom", "Name", "text"),
    "projects": ("Projets", "Projects", "text"),
    "week": ("Semaine", "Week", "date"),
    "load": ("Charge (h)", "Load (h)", "number"),
    "capacity": ("Capacité (h)", "Capacity (h)", "number"),
    "ratio": ("Charge / capacité", "Load / capacity", "percent"),
}
ALERT_LABELS: dict[str, tuple[str, str, CellKind]] = {
    "project": ("Projet", "Project", "text"),
    "severity": ("Gravité", "Severity", "text"),
    "rule": ("Règle", "Rule", "text"),
    "subject": ("Sujet", "Subject", "text"),
    "since": ("Depuis", "Since", "date"),
    "where": ("Cellule", "Cell", "text"),
    "message": ("Message", "Message", "text"),
}
ERROR_LABELS: dict[str, tuple[str, str, CellKind]] = {
    "file": ("Fichier", "File", "text"),
    "stage": ("Étape", "Stage", "text"),
    "reason": ("Motif", "Reason", "text"),
}
SEVERITY_LABELS = {
    "high": ("haute", "high"),
    "medium": ("moyenne", "medium"),
    "low": ("basse", "low"),
}
STAGE_LABELS = {
    "read": ("lecture", "read"),
    "analyse": ("analyse", "analysis"),
    "worker": ("processus", "worker"),
}
SEVERITY_COLOURS = {"high": "red", "medium": "amber", "low": "grey"}
WEATHER_ORDER = ("sun", "cloud", "storm")  # core.weather's statuses
WEATHER_LABELS = {
    "sun": ("Soleil", "Sun"),
    "cloud": ("Nuages", "Cloud"),
    "storm": ("Orage", "Storm"),
}
WEATHER_COLOURS = {"sun": "green", "cloud": "amber", "storm": "red"}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _table(
    title: str,
    frame: pd.DataFrame,
    labels: dict[str, tuple[str, str, CellKind]],
    lang: Lang,
    *,
    colours: pd.DataFrame | None = None,
    note: str = "",
) -> TableBlock:
    keys = list(labels)
    shown = frame[keys].copy()
    names = [labels[k][0] if lang == "fr" else labels[k][1] for k in keys]
    shown.columns = names
    shown = shown.reset_index(drop=True).astype(object)
    kinds = {name: labels[k][2] for k, name in zip(keys, names, strict=True)}
    painted = None
    if colours is not None:
        painted = colours.reindex(columns=keys).reset_index(drop=True)
        painted.columns = names
    return TableBlock(title, shown, kinds, painted, note=note)


# --- colours -----------------------------------------------------------------------------------


def _below(values: pd.Series, amber: pd.Series, red: pd.Series) -> np.ndarray:
    """Per row: red below ``red``, amber below ``amber`` (defaults 0.90 and 0.95), else None;
    None when there is no value (NaN compares false). Float columns of one frame: positions are
    labels."""
    v = values.to_numpy(dtype=float)
    out = np.full(len(v), None, dtype=object)
    out[v < amber.fillna(0.95).to_numpy(dtype=float)] = "amber"
    out[v < red.fillna(0.90).to_numpy(dtype=float)] = "red"
    return out


def _paint(*rules: tuple[pd.Series, str]) -> np.ndarray:
    """A colour per row: the colour of the first rule whose condition holds, else None."""
    out = np.full(len(rules[0][0]), None, dtype=object)
    for condition, colour in reversed(rules):
        out[condition.fillna(False).astype(bool).to_numpy()] = colour
    return out


def project_colours(projects: pd.DataFrame) -> pd.DataFrame:
    """Colour of each Portfolio cell (``None``: plain), with each project's thresholds."""
    p = projects
    # one object column per cell kind, built as arrays: a frame is made once, at the end
    colours = {key: np.full(len(p), None, dtype=object) for key in PROJECT_COLUMNS}
    colours["spi"] = _below(p["spi"], p["spi_amber"], p["spi_red"])
    colours["spi_t"] = _below(p["spi_t"], p["spi_amber"], p["spi_red"])
    colours["cpi"] = _below(p["cpi"], p["cpi_amber"], p["cpi_red"])
    slip = p["slip_days"]
    colours["slip_days"] = _paint(
        (slip > p["slip_red_days"].fillna(10), "red"), (slip > 0, "amber")
    )
    colours["vac"] = _paint((p["vac"] < 0, "amber"))
    colours["open_red_risks"] = _paint((p["open_red_risks"].fillna(0) > 0, "red"))
    colours["watchdog_alerts"] = _paint(
        (p["watchdog_high"].fillna(0) > 0, "red"), (p["watchdog_alerts"].fillna(0) > 0, "amber")
    )
    colours["validation_errors"] = _paint((p["validation_errors"].fillna(0) > 0, "red"))
    weather = p["weather"].map(WEATHER_COLOURS).tolist()
    colours["weather"] = np.array([c if isinstance(c, str) else None for c in weather], object)
    return pd.DataFrame(colours, index=p.index, dtype=object)


def status_colour(projects: pd.DataFrame) -> pd.Series:
    """The worse of SPI and CPI colours, per project (green when both are fine)."""
    return _worst_colour(project_colours(projects))


def _worst_colour(c: pd.DataFrame) -> pd.Series:
    """``status_colour`` from the ``project_colours`` already computed."""
    worst = np.where(
        (c["spi"] == "red") | (c["cpi"] == "red"),
        "red",
        np.where((c["spi"] == "amber") | (c["cpi"] == "amber"), "amber", "green"),
    )
    return pd.Series(worst, index=c.index, dtype=object)


# --- the report --------------------------------------------------------------------------------


def build_report(
    tables: PortfolioTables, lang: Lang, output_dir: Path | None = None
) -> StatusReport:
    """The portfolio as a StatusReport in ``lang``; file links relative to ``output_dir``."""
    report = StatusReport(
        language=lang, project_code=tr(TEXTS, "portfolio", lang), status_date=_latest(tables)
    )
    report.sheets = [
        _portfolio_sheet(tables, lang, output_dir),
        _staff_sheet(tables, lang),
        _watchdog_sheet(tables, lang),
        _errors_sheet(tables, lang),
    ]
    return report


def _latest(tables: PortfolioTables) -> str:
    dates = tables.projects["status_date"].dropna()
    return "" if dates.empty else dates.max().date().isoformat()


def _portfolio_sheet(tables: PortfolioTables, lang: Lang, output_dir: Path | None) -> SheetReport:
    p = tables.projects
    shown = p.copy()
    shown["weather"] = [
        _pick(WEATHER_LABELS[w], lang) if w in WEATHER_LABELS else w for w in p["weather"]
    ]
    colours = project_colours(p)
    block = _table(
        tr(TEXTS, "projects", lang, n=len(p)),
        shown,
        PROJECT_COLUMNS,
        lang,
        colours=colours,
        note=tr(TEXTS, "projects_note", lang),
    )
    file_label = _pick(PROJECT_COLUMNS["file"][:2], lang)
    folder = None if output_dir is None else output_dir.resolve()  # once, not once per file
    block.links = {
        (i, file_label): "external:" + _link(path, folder) for i, path in enumerate(p["file"])
    }
    sheet = SheetReport(
        "portfolio", tr(TEXTS, "portfolio", lang), tr(TEXTS, "portfolio_title", lang)
    )
    sheet.blocks.append(block)
    figures = [
        FigureBlock(
            tr(TEXTS, "bubbles", lang),
            charts.spi_cpi_bubbles(p, _worst_colour(colours), lang),
            "portfolio_spi_cpi",
        ),
        FigureBlock(tr(TEXTS, "eac_bac", lang), charts.eac_vs_bac(p, lang), "portfolio_eac_bac"),
        FigureBlock(
            tr(TEXTS, "heat_map", lang),
            charts.risk_heat_map(tables.risk_matrix, *_risk_bands(p), lang),
            "portfolio_risks",
        ),
    ]
    weather = p["weather"].dropna()
    if len(weather):
        counts = weather.value_counts()
        keys = [w for w in WEATHER_ORDER if w in counts.index]
        keys += sorted(w for w in counts.index if w not in WEATHER_ORDER)
        names = {w: _pick(WEATHER_LABELS[w], lang) for w in keys if w in WEATHER_LABELS}
        figures.insert(
            1,
            FigureBlock(
                tr(TEXTS, "weather", lang),
                charts.weather_counts({k: int(counts[k]) for k in keys}, names, lang),
                "portfolio_weather",
            ),
        )
    sheet.blocks.extend(figures)
    return sheet


def _risk_bands(projects: pd.DataFrame) -> tuple[float, float]:
    # the heat map colours cells with the default bands: projects may each have their own
    from pmo_xl.core.risk import DEFAULT_AMBER_FROM, DEFAULT_RED_FROM

    return float(DEFAULT_AMBER_FROM), float(DEFAULT_RED_FROM)


def _link(path: str, folder: Path | None) -> str:
    """The file as the portfolio should link it: relative to the portfolio's ``folder`` (already
    resolved) if possible."""
    target = Path(path).resolve()
    if folder is not None:
        try:
            return os.path.relpath(target, folder)
        except ValueError:  # another drive (Windows)
            pass
    return str(target)


def _staff_sheet(tables: PortfolioTables, lang: Lang) -> SheetReport:
    staff = tables.staff
    colours = {key: np.full(len(staff), None, dtype=object) for key in STAFF_LABELS}
    colours["total_share"] = _paint((staff["total_share"] > 1.0 + 1e-9, "red"))
    ratio = staff["max_ratio"].astype("float64")
    colours["max_ratio"] = _paint((ratio > 1.0, "red"), (ratio > 0.9, "amber"))
    colours["weeks_over"] = _paint((staff["weeks_over"] > 0, "red"))
    colours["n_projects"] = _paint((staff["n_projects"] > 1, "blue"))
    sheet = SheetReport("shared_staff", tr(TEXTS, "staff", lang), tr(TEXTS, "staff_title", lang))
    sheet.blocks.append(
        _table(
            tr(TEXTS, "people", lang, n=len(staff)),
            staff,
            STAFF_LABELS,
            lang,
            colours=pd.DataFrame(colours, index=staff.index, dtype=object),
            note=tr(TEXTS, "people_note", lang),
        )
    )
    over = tables.overallocations
    weeks = over.loc[over["kind"] == "load"]
    note = ""
    if len(weeks) > MAX_WEEK_ROWS:
        note = tr(TEXTS, "weeks_note", lang, shown=MAX_WEEK_ROWS, n=len(weeks))
    shown = weeks.head(MAX_WEEK_ROWS)
    week_colours = pd.DataFrame({"ratio": ["red"] * len(shown)}, index=shown.index)
    sheet.blocks.append(
        _table(
            tr(TEXTS, "weeks", lang, n=len(weeks)),
            shown,
            WEEK_LABELS,
            lang,
            colours=week_colours,
            note=note,
        )
    )
    return sheet


def _watchdog_sheet(tables: PortfolioTables, lang: Lang) -> SheetReport:
    from pmo_xl.portfolio.summary import TOP_ALERTS

    alerts = tables.watchdog.copy()
    colours = pd.DataFrame(
        {"severity": alerts["severity"].map(SEVERITY_COLOURS)}, index=alerts.index
    ).astype(object)
    alerts["severity"] = [_pick(SEVERITY_LABELS.get(s, (s, s)), lang) for s in alerts["severity"]]
    sheet = SheetReport("watchdog", tr(TEXTS, "watchdog", lang), tr(TEXTS, "watchdog_title", lang))
    sheet.blocks.append(
        _table(
            tr(TEXTS, "alerts", lang, n=len(alerts)),
            alerts,
            ALERT_LABELS,
            lang,
            colours=colours.where(colours.notna(), None),
            note=tr(TEXTS, "alerts_note", lang, k=TOP_ALERTS),
        )
    )
    return sheet


def _errors_sheet(tables: PortfolioTables, lang: Lang) -> SheetReport:
    errors = tables.errors.copy()
    sheet = SheetReport("errors", tr(TEXTS, "errors", lang), tr(TEXTS, "errors_title", lang))
    if errors.empty:
        sheet.blocks.append(TextBlock("", [tr(TEXTS, "no_errors", lang)], "green"))
        return sheet
    errors["stage"] = [_pick(STAGE_LABELS.get(s, (s, s)), lang) for s in errors["stage"]]
    sheet.blocks.append(_table(tr(TEXTS, "files", lang, n=len(errors)), errors, ERROR_LABELS, lang))
    return sheet


# --- writing -----------------------------------------------------------------------------------


def workbook_bytes(tables: PortfolioTables, lang: Lang, output_dir: Path | None = None) -> bytes:
    """The portfolio workbook (.xlsx) as bytes, marked as a pmo_xl portfolio; deterministic."""
    from pmo_xl.io.owned import build_workbook

    report = build_report(tables, lang, output_dir)
    latest = tables.projects["status_date"].dropna()
    created = latest.max().to_pydatetime() if len(latest) else DEFAULT_CREATED
    return mark(build_workbook(report, created=created))


def mark(xlsx: bytes) -> bytes:
    """``xlsx`` with the hidden workbook-scoped name ``pmo_xl.portfolio`` (the marker)."""
    name = f'<definedName name="{PORTFOLIO_MARKER}" hidden="1">"1"</definedName>'
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = _add_defined_name(data.decode("utf-8"), name).encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _add_defined_name(xml: str, name: str) -> str:
    if "<definedNames>" in xml:
        return xml.replace("<definedNames>", "<definedNames>" + name, 1)
    block = f"<definedNames>{name}</definedNames>"
    match = re.search(r"<calcPr\b|</workbook>", xml)
    if match is None:
        raise WriteError("the portfolio workbook has no </workbook> end tag")
    return xml[: match.start()] + block + xml[match.start() :]


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~pmo_xl_", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(
            f"cannot write (open in Excel?): {exc.strerror or exc}", path=str(path)
        ) from None


def export(tables: PortfolioTables, folder: Path) -> list[Path]:
    """Every table as ``<name>.parquet`` and ``<name>.csv`` (UTF-8) in ``folder``."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stem, frame in tables.frames().items():
            plain = _exportable(frame)
            parquet, csv = folder / f"{stem}.parquet", folder / f"{stem}.csv"
            plain.to_parquet(parquet, index=False)
            plain.to_csv(csv, index=False, encoding="utf-8")
            written += [parquet, csv]
    except OSError as exc:
        raise WriteError(f"cannot export: {exc.strerror or exc}", path=str(folder)) from None
    return written


def _exportable(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns as text (or None) so Arrow gets one type per column."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [None if _missing(v) else str(v) for v in out[col]]
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
