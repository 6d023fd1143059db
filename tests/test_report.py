"""The status report (report.status) and its charts (report.charts), on the sample project.

Exact expectations: sheet kinds and names, KPI values and colours at the threshold edges, the
Checks links, the History merge; charts render to non-blank images; the Gantt summarises big
plans; the written workbook prints through LibreOffice with the charts on the pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pmo_xl.core.analysis import Analysis, analyse
from pmo_xl.core.resources import overallocations, weekly_load, with_project
from pmo_xl.core.risk import snapshot
from pmo_xl.core.watchdog import watchdog
from pmo_xl.io.owned import build_workbook
from pmo_xl.model import ProjectData
from pmo_xl.report import charts
from pmo_xl.report.model import FigureBlock, StatusReport, TableBlock, TextBlock
from pmo_xl.report.status import (
    HISTORY_COLUMNS,
    SHEET_NAMES,
    Thresholds,
    build_report,
    eac_colour,
    history_keys,
    history_row,
    index_colour,
    kpis,
    merge_history,
    slip_colour,
)
from pmo_xl.sample import generate
from tests.soffice import needs_soffice, pdf_pages, pdf_text, to_pdf


def complete(analysis: Analysis) -> Analysis:
    """The analysis with loads, over-allocations and alerts, computed here while
    ``core.analysis`` does not provide them yet (the lead is adding them)."""
    p, sched = analysis.project, analysis.schedule
    assert sched is not None
    extra: dict[str, Any] = {}
    if getattr(analysis, "loads", None) is None:
        loads = weekly_load(p.assignments, sched.tasks, analysis.calendar, project="P1")
        extra["loads"] = loads
        extra["overload"] = overallocations(
            loads, with_project(p.resources, "P1"), analysis.calendar
        )
    if getattr(analysis, "alerts", None) is None:
        extra["alerts"] = watchdog(p, sched.tasks, analysis.calendar)
    for key, value in extra.items():
        setattr(analysis, key, value)
    return analysis


@pytest.fixture(scope="module")
def fr() -> Analysis:
    return complete(analyse(generate(lang="fr")))


@pytest.fixture(scope="module")
def en() -> Analysis:
    return complete(analyse(generate(lang="en")))


@pytest.fixture(scope="module")
def report_fr(fr: Analysis) -> StatusReport:
    return build_report(fr)


def table(report: StatusReport, kind: str, title: str) -> TableBlock:
    return next(
        b for b in report.sheet(kind).blocks if isinstance(b, TableBlock) and b.title == title
    )


# --- sheets ---------------------------------------------------------------------------------

KINDS = [
    "dashboard",
    "schedule",
    "earned_value",
    "risks",
    "resources",
    "watchdog",
    "quality",
    "checks",
    "history",
]


def test_sheet_kinds_and_names_in_french(report_fr: StatusReport) -> None:
    assert [s.kind for s in report_fr.sheets] == KINDS
    assert [s.name for s in report_fr.sheets] == [
        "Tableau de bord",
        "Planning",
        "Valeur acquise",
        "Matrice des risques",
        "Charge des ressources",
        "Vigie",
        "Qualité et changements",
        "Contrôles",
        "Historique",
    ]
    assert report_fr.language == "fr"
    assert report_fr.project_code == "CC-SAL2-2026"
    assert report_fr.status_date == "26/06/2026"


def test_sheet_kinds_and_names_in_english(en: Analysis) -> None:
    report = build_report(en)
    assert [s.kind for s in report.sheets] == KINDS
    assert [s.name for s in report.sheets] == [
        "Dashboard",
        "Schedule",
        "Earned value",
        "Risk matrix",
        "Resource load",
        "Watchdog",
        "Quality & change",
        "Checks",
        "History",
    ]
    assert report.status_date == "2026-06-26"
    kpi = table(report, "dashboard", "Key indicators")
    assert list(kpi.frame.columns)[:3] == ["SPI", "CPI", "SPI(t)"]


def test_sheet_names_are_valid_excel_names() -> None:
    for fr_name, en_name in SHEET_NAMES.values():
        for name in (fr_name, en_name):
            assert len(name) <= 31
            assert not set(name) & set("[]:*?/\\")


def test_dashboard_blocks(report_fr: StatusReport) -> None:
    blocks = report_fr.sheet("dashboard").blocks
    figures = [b.name for b in blocks if isinstance(b, FigureBlock)]
    assert figures == ["dashboard_s_curve", "dashboard_trend", "dashboard_risks", "dashboard_load"]
    titles = [b.title for b in blocks if isinstance(b, TableBlock)]
    assert titles == [
        "Météo du projet",
        "Pourquoi",
        "Indicateurs clés",
        "5 risques majeurs",
        "Principales alertes de la vigie",
    ]
    weather = table(report_fr, "dashboard", "Météo du projet")
    assert weather.frame.to_dict("list") == {
        "Axe": ["Projet", "Délais", "Coûts", "Risques", "Qualité"],
        "Météo du projet": ["Orage", "Orage", "Nuageux", "Nuageux", "Orage"],
    }
    assert weather.colours is not None
    assert weather.colours["Météo du projet"].tolist() == ["red", "red", "amber", "amber", "red"]
    why = table(report_fr, "dashboard", "Pourquoi")
    assert why.frame["Raison"].iloc[1] == "SPI 0,89 sous le seuil rouge de 0,90"


# --- KPIs -----------------------------------------------------------------------------------


def test_kpi_table_holds_the_analysis_numbers(fr: Analysis, report_fr: StatusReport) -> None:
    evm, sched = fr.evm, fr.schedule
    assert evm is not None and sched is not None
    kpi = table(report_fr, "dashboard", "Indicateurs clés")
    row = kpi.frame.iloc[0]
    assert row["SPI"] == evm.spi
    assert row["CPI"] == evm.cpi
    assert row["SPI(t)"] == evm.spi_t
    assert row["BAC"] == evm.bac
    assert row["EAC"] == evm.eac_cpi
    assert row["VAC"] == evm.vac
    assert row["% achevé"] == evm.ev / evm.bac
    assert row["Fin réf."] == pd.Timestamp(sched.baseline_finish)
    assert row["Fin prévue"] == pd.Timestamp(sched.finish)
    assert row["Retard (j)"] == sched.slip_days
    assert kpi.kinds == {
        "SPI": "ratio",
        "CPI": "ratio",
        "SPI(t)": "ratio",
        "% achevé": "percent",
        "BAC": "money",
        "EAC": "money",
        "VAC": "money",
        "Fin réf.": "date",
        "Fin prévue": "date",
        "Retard (j)": "int",
    }
    # sample: SPI 0.886 (< 0.90 red), CPI 0.974 (green), SPI(t) 0.9499 (< 0.95 amber),
    # EAC 2.7 % over BAC (BAC/EAC 0.974: green), slip 6 working days (amber, red beyond 10)
    assert kpi.colours is not None
    assert kpi.colours.iloc[0].to_dict() == {
        "SPI": "red",
        "CPI": "green",
        "SPI(t)": "amber",
        "% achevé": None,
        "BAC": None,
        "EAC": "green",
        "VAC": "green",
        "Fin réf.": None,
        "Fin prévue": "amber",
        "Retard (j)": "amber",
    }


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (1.20, "green"),
        (0.95, "green"),  # equal to the amber threshold: not below it
        (0.9499, "amber"),
        (0.90, "amber"),  # equal to the red threshold: not below it
        (0.8999, "red"),
        (0.0, "red"),
        (None, None),
        (float("nan"), None),
    ],
)
def test_index_colour_edges(value: float | None, colour: str | None) -> None:
    assert index_colour(value, 0.95, 0.90) == colour


@pytest.mark.parametrize(
    ("slip", "colour"),
    [(-3.0, "green"), (0.0, "green"), (1.0, "amber"), (10.0, "amber"), (11.0, "red"), (None, None)],
)
def test_slip_colour_edges(slip: float | None, colour: str | None) -> None:
    assert slip_colour(slip, Thresholds(slip_red_days=10)) == colour


@pytest.mark.parametrize(
    ("eac", "colour"),
    [(900.0, "green"), (1000.0, "green"), (1050.0, "green"), (1060.0, "amber"),
     (1110.0, "amber"), (1112.0, "red"), (None, None)],
)  # fmt: skip
def test_eac_colour_reads_bac_over_eac_as_an_index(eac: float | None, colour: str) -> None:
    assert eac_colour(eac, 1000.0, Thresholds()) == colour


def with_settings(analysis: Analysis, **settings: Any) -> Analysis:
    project = dataclasses.replace(
        analysis.project, settings={**analysis.project.settings, **settings}
    )
    return dataclasses.replace(analysis, project=project)


def test_kpi_colours_follow_the_settings_thresholds(fr: Analysis) -> None:
    evm = fr.evm
    assert evm is not None and evm.spi is not None and evm.cpi is not None
    # thresholds exactly at the project's own values: not below, so green
    at = with_settings(fr, spi_amber=evm.spi, spi_red=evm.spi, cpi_amber=evm.cpi, slip_red_days=6)
    values = kpis(at)
    assert values["spi"] == (evm.spi, "green")
    assert values["cpi"] == (evm.cpi, "green")
    assert values["slip"] == (6.0, "amber")  # 6 is not beyond 6
    # a hair above: amber for the amber threshold, red for the red one
    above = with_settings(
        fr, spi_amber=evm.spi + 1e-9, spi_red=0.5, cpi_amber=1.0, cpi_red=evm.cpi + 1e-9,
        slip_red_days=5,
    )  # fmt: skip
    values = kpis(above)
    assert values["spi"][1] == "amber"
    assert values["cpi"][1] == "red"
    assert values["slip"][1] == "red"
    block = table(build_report(above), "dashboard", "Indicateurs clés")
    assert block.colours is not None
    assert block.colours.iloc[0][["SPI", "CPI", "Retard (j)"]].tolist() == ["amber", "red", "red"]


# --- checks ---------------------------------------------------------------------------------


def test_checks_link_each_finding_to_its_cell() -> None:
    project = generate(lang="fr")
    tasks = project.tasks
    tasks.loc[tasks.index[5], "percent_complete"] = 1.5  # Tâches!N7
    project.risks.loc[project.risks.index[2], "probability"] = 7.0  # Risques!G4
    analysis = analyse(project)
    report = build_report(analysis)
    block = table(report, "checks", "Anomalies de saisie")
    assert [f.where for f in analysis.findings] == ["Tâches!N7", "Risques!G4"]
    assert block.frame[["Gravité", "Feuille", "Cellule"]].values.tolist() == [
        ["erreur", "Tâches", "N7"],
        ["erreur", "Risques", "G4"],
    ]
    assert block.links == {(0, "Cellule"): "'Tâches'!N7", (1, "Cellule"): "'Risques'!G4"}
    assert block.colours is not None
    assert block.colours["Gravité"].tolist() == ["red", "red"]


def test_no_findings_is_said(report_fr: StatusReport) -> None:
    first = report_fr.sheet("checks").blocks[0]
    assert isinstance(first, TextBlock)
    assert first.lines == ["Aucune anomalie."]


def test_watchdog_alerts_link_to_their_cells(fr: Analysis, report_fr: StatusReport) -> None:
    alerts = fr.alerts
    block = table(report_fr, "watchdog", "Alertes")
    assert len(block.frame) == len(alerts)
    assert block.frame["Objet"].tolist() == [a.subject_id for a in alerts]
    expected = {(i, "Cellule"): f"'{a.sheet}'!{a.cell}" for i, a in enumerate(alerts) if a.cell}
    assert block.links == expected


# --- history --------------------------------------------------------------------------------


def test_history_row_holds_the_analysis_numbers(fr: Analysis) -> None:
    row = history_row(fr)
    evm, risks, sched = fr.evm, fr.risks, fr.schedule
    assert evm is not None and risks is not None and sched is not None
    assert list(row) == list(HISTORY_COLUMNS)
    assert row["status_date"] == pd.Timestamp(2026, 6, 26)
    assert (row["spi"], row["cpi"], row["spi_t"]) == (evm.spi, evm.cpi, evm.spi_t)
    assert (row["eac"], row["ev"], row["ac"], row["pv"]) == (evm.eac_cpi, evm.ev, evm.ac, evm.pv)
    assert row["forecast_finish"] == pd.Timestamp(sched.finish)
    assert row["open_red_risks"] == risks.open_by_band["red"]
    assert row["alerts"] == len(fr.alerts)
    assert json.loads(row["risk_snapshot"]) == snapshot(risks)
    assert row["risk_snapshot"].startswith('{"open":11,"red":1,"scores":{"RK01":5,')


def _row(day: dt.date, spi: float) -> dict[str, Any]:
    return {"status_date": pd.Timestamp(day), "spi": spi, "cpi": 1.0}


def test_merge_history_appends_replaces_and_sorts() -> None:
    h = merge_history(None, _row(dt.date(2026, 6, 12), 0.9))
    assert h["status_date"].tolist() == [pd.Timestamp(2026, 6, 12)]
    assert list(h.columns) == list(HISTORY_COLUMNS)
    h = merge_history(h, _row(dt.date(2026, 6, 26), 0.8))
    h = merge_history(h, _row(dt.date(2026, 5, 29), 1.0))  # an older date slots in first
    assert h["status_date"].dt.date.tolist() == [
        dt.date(2026, 5, 29),
        dt.date(2026, 6, 12),
        dt.date(2026, 6, 26),
    ]
    assert h["spi"].tolist() == [1.0, 0.9, 0.8]
    h = merge_history(h, _row(dt.date(2026, 6, 12), 0.95))  # same date: replaced
    assert len(h) == 3
    assert h["spi"].tolist() == [1.0, 0.95, 0.8]


def test_merge_history_reads_headers_in_either_language_and_keeps_user_columns() -> None:
    sheet = pd.DataFrame(
        {
            "Date d'état": [pd.Timestamp(2026, 6, 12)],
            "SPI": [0.9],
            "Commentaire": ["revue mensuelle"],
        }
    )
    assert list(history_keys(sheet).columns) == ["status_date", "spi", "Commentaire"]
    h = merge_history(sheet, _row(dt.date(2026, 6, 26), 0.8))
    assert h["spi"].tolist() == [0.9, 0.8]
    assert h["Commentaire"].tolist()[0] == "revue mensuelle"
    assert pd.isna(h["Commentaire"].tolist()[1])


def test_history_sheet_and_trend_use_the_history(fr: Analysis) -> None:
    h = merge_history(None, history_row(fr))
    h = merge_history(h, _row(dt.date(2026, 6, 12), 0.93))
    report = build_report(fr, h)
    assert report.history is h
    block = table(report, "history", "Historique des actualisations")
    assert block.frame["Date d'état"].tolist() == [
        pd.Timestamp(2026, 6, 12),
        pd.Timestamp(2026, 6, 26),
    ]
    assert block.kinds["SPI"] == "ratio"
    assert block.colours is not None
    assert block.colours["SPI"].tolist() == ["amber", "red"]


# --- charts ---------------------------------------------------------------------------------


def pixels(figure: Any) -> np.ndarray:
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3]


def ink(figure: Any) -> float:
    """Share of pixels that are not white."""
    rgb = pixels(figure)
    return float((rgb.min(axis=2) < 245).mean())


def test_every_chart_renders_a_non_blank_image(report_fr: StatusReport) -> None:
    figures = {
        b.name: b.figure for s in report_fr.sheets for b in s.blocks if isinstance(b, FigureBlock)
    }
    assert sorted(figures) == sorted(
        [
            "dashboard_s_curve", "dashboard_trend", "dashboard_risks", "dashboard_load",
            "schedule_gantt", "ev_s_curve", "ev_earned_schedule", "ev_budget", "risks_matrices",
            "resources_load", "quality_status",
        ]
    )  # fmt: skip
    # charts shown on two sheets are drawn once
    assert figures["dashboard_s_curve"] is figures["ev_s_curve"]
    assert figures["dashboard_risks"] is figures["risks_matrices"]
    for name, fig in figures.items():
        rgb = pixels(fig)
        assert rgb.std() > 10, name
        assert 0.03 < ink(fig) < 0.9, name
        assert tuple(rgb[2, 2]) == (255, 255, 255), name  # white background


def test_risk_heatmap_paints_the_bands_of_the_settings() -> None:
    fig = charts.risk_heatmaps(
        [("x", [[0] * 5 for _ in range(5)])], "fr", amber_from=5, red_from=10
    )
    ax = fig.axes[0]
    colours = {
        (round(p.get_x() + 0.5), round(p.get_y() + 0.5)): p.get_facecolor() for p in ax.patches
    }
    as_rgb = {k: tuple(round(c * 255) for c in v[:3]) for k, v in colours.items()}
    hexes = {k: "#{:02X}{:02X}{:02X}".format(*v) for k, v in as_rgb.items()}
    assert hexes[(4, 1)] == charts.BAND_FILL["green"]  # impact 4 × probability 1 = 4
    assert hexes[(5, 1)] == charts.BAND_FILL["amber"]  # 5
    assert hexes[(3, 3)] == charts.BAND_FILL["amber"]  # 9
    assert hexes[(5, 2)] == charts.BAND_FILL["red"]  # 10


def test_gantt_shows_every_task_up_to_the_threshold(fr: Analysis) -> None:
    from pmo_xl.report.status import gantt_frame

    frame = gantt_frame(fr)
    assert len(frame) == 60
    fig = charts.gantt(frame, fr.project.status_date, "fr")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 60
    assert labels[0] == "T010 Jalon : lancement du projet"


def test_gantt_summarises_by_phase_above_the_threshold() -> None:
    from pmo_xl.report.status import gantt_frame

    analysis = analyse(generate(n_tasks=300, lang="en"))
    frame = gantt_frame(analysis)
    assert len(frame) == 300
    fig = charts.gantt(frame, analysis.project.status_date, "en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    phases = list(dict.fromkeys(frame["phase"]))
    assert len(labels) == len(phases) == 6
    counts = frame["phase"].value_counts()
    assert labels == [f"{p} ({counts[p]})" for p in phases]
    assert ink(fig) > 0.03


def test_french_formatting() -> None:
    assert charts.fmt_number(1234.5, "fr", 1) == "1\u202f234,5"
    assert charts.fmt_number(1234.5, "en", 1) == "1,234.5"
    assert charts.fmt_money(1_591_583, "fr") == "1,59 M€"
    assert charts.fmt_money(93_000, "en") == "93 k€"
    assert charts.fmt_date(dt.date(2026, 6, 26), "fr") == "26/06/2026"
    assert charts.fmt_date(None, "fr") == "–"


def test_report_without_schedule_or_status_date_says_why() -> None:
    project: ProjectData = generate(lang="en")
    project.project["status_date"] = None
    report = build_report(analyse(project))
    ev = report.sheet("earned_value").blocks
    assert len(ev) == 1 and isinstance(ev[0], TextBlock)
    assert ev[0].lines == ["Not available: earned value: the project has no status date"]
    assert [s.kind for s in report.sheets] == KINDS


def test_importing_the_report_does_not_import_matplotlib() -> None:
    code = (
        "import sys; import pmo_xl.report.status, pmo_xl.report.charts; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


# --- the workbook through LibreOffice -------------------------------------------------------


@needs_soffice
def test_workbook_prints_with_the_charts(report_fr: StatusReport, tmp_path: Path) -> None:
    book = tmp_path / "status.xlsx"
    book.write_bytes(build_workbook(report_fr))
    pdf = to_pdf(book, tmp_path)
    pages = pdf_pages(pdf)
    assert pages >= len(KINDS)
    text = pdf_text(pdf)
    for words in ("Tableau de bord – CC-SAL2-2026", "Indicateurs clés", "Chemin critique (CPM)"):
        assert words in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    import matplotlib.image

    page = matplotlib.image.imread(next(tmp_path.glob("p*.png")))[..., :3]
    coloured = (page.max(axis=2) - page.min(axis=2)) > 0.15  # chart colours, not black text
    assert coloured.mean() > 0.02
