"""The `analyse --json` contract on the bundled sample, through the real command line."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from soffice import needs_soffice, pdf_pages, to_pdf

from pmo_xl import services
from pmo_xl.sample import PLANTED

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample_project.xlsx"
PMO_XL = [sys.executable, "-m", "pmo_xl"]

# DESIGN.md, "Machine-readable output": the keys every consumer may rely on.
CONTRACT = [
    "project_code",
    "status_date",
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
    "es",
    "at",
    "sv_t",
    "spi_t",
    "ieac_t",
    "forecast_finish",
    "critical_path",
    "dcma",
    "risk_matrix",
    "risks_top",
    "resource_overload",
    "watchdog",
    "checks",
]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    run = subprocess.run(
        [*PMO_XL, "analyse", str(SAMPLE), "--json"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_every_contract_key_is_present(data: dict[str, Any]) -> None:
    assert [k for k in CONTRACT if k not in data] == []
    assert data["json_version"] == 1


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


def test_numbers_are_finite_and_dates_iso(data: dict[str, Any]) -> None:
    assert all(math.isfinite(v) for v in _walk(data) if isinstance(v, float))
    for key in ("status_date", "forecast_finish", "baseline_finish", "planned_finish"):
        assert ISO_DATE.match(data[key]), key
    assert data["status_date"] == "2026-06-26"


def test_figures_agree_with_the_library_and_with_each_other(data: dict[str, Any]) -> None:
    analysis = services.analyse_file(SAMPLE)
    evm = analysis.evm
    assert evm is not None
    assert data["bac"] == pytest.approx(evm.bac)
    assert data["cv"] == pytest.approx(data["ev"] - data["ac"])
    assert data["sv"] == pytest.approx(data["ev"] - data["pv"])
    assert data["spi"] == pytest.approx(data["ev"] / data["pv"])
    assert data["cpi"] == pytest.approx(data["ev"] / data["ac"])
    assert data["eac_cpi"] == pytest.approx(data["bac"] / data["cpi"], rel=1e-6)
    assert data["sv_t"] == pytest.approx(data["es"] - data["at"])


def test_the_planted_trouble_shows(data: dict[str, Any]) -> None:
    assert data["spi"] < 0.9  # late critical tasks
    assert set(PLANTED["late_critical"]["tasks"]) <= set(data["critical_path"])
    alerts = {(a["rule"], a["subject_id"]) for a in data["watchdog"]}
    assert ("stale_task", PLANTED["stale_task"]["task"]) in alerts
    assert ("silent_resource", PLANTED["silent_resource"]["resource"]) in alerts
    over = {o["resource_id"] for o in data["resource_overload"]}
    assert over == {PLANTED["over_allocated"]["resource"]}
    assert data["weather"] == "storm"
    assert [c for c in data["checks"] if c["severity"] == "error"] == []


def test_the_cost_overrun_phase_has_the_worst_cpi() -> None:
    evm = services.analyse_file(SAMPLE).evm
    assert evm is not None
    cpi = evm.by_phase["cpi"].dropna()
    assert cpi.idxmin() == PLANTED["cost_overrun"]["phase"]
    assert cpi.min() < 0.8


def test_risk_matrix_counts_open_risks(data: dict[str, Any]) -> None:
    assert len(data["risk_matrix"]) == 5 and all(len(r) == 5 for r in data["risk_matrix"])
    assert sum(map(sum, data["risk_matrix"])) == data["risks_open"]
    assert (
        data["risks_top"][0]
        == max(data["risk_register"], key=lambda r: r["residual_score"] or 0)["risk_id"]
    )


def test_the_readable_report_names_the_project(tmp_path: Path) -> None:
    run = subprocess.run([*PMO_XL, "analyse", str(SAMPLE)], capture_output=True, text=True)
    assert run.returncode == 0
    assert "CC-SAL2-2026" in run.stdout
    assert "critical path" in run.stdout


@needs_soffice
def test_libreoffice_renders_the_sample(tmp_path: Path) -> None:
    pdf = to_pdf(SAMPLE, tmp_path)
    assert pdf_pages(pdf) >= 10


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("holiday_calendar", "martian", "calendar: unknown holiday calendar 'martian'"),
        ("extra_non_working_days", "lundi", "calendar: 'lundi' is not a date"),
        ("emv_probabilities", "10;;30;50;70;90", "risks: emv_probabilities: expected five"),
    ],
)
def test_a_bad_settings_cell_is_reported_not_a_crash(key: str, value: str, problem: str) -> None:
    project = services.read(SAMPLE)
    project.settings[key] = value
    analysis = services.analyse_project(project)
    assert any(p.startswith(problem) for p in analysis.problems), analysis.problems
    assert [f.rule for f in analysis.findings if f.cell and f.severity == "error"] != []
    assert analysis.evm is not None and analysis.schedule is not None


def test_weekend_starts_before_the_first_working_day() -> None:
    # tasks baselined on Saturday 3 and Sunday 4 January 2026, before the plan's first working
    # day (Monday 5), start on that day, as if rolled forward, instead of crashing the analysis
    import pandas as pd

    from pmo_xl.core.analysis import analyse

    before = analyse(services.read(SAMPLE), full=False).headline()
    project = services.read(SAMPLE)
    tasks = project.tasks
    moved = [tasks["baseline_start"].idxmin(), tasks.index[1]]
    tasks.loc[moved, "baseline_start"] = pd.to_datetime(["2026-01-03", "2026-01-04"])
    after = analyse(project, full=False).headline()
    assert after["bac"] == before["bac"]
    assert after["spi"] == pytest.approx(before["spi"], abs=0.01)
