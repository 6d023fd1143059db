"""Earned value and earned schedule: the PRA oracle, the null policy, algebra, a small project."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo_xl.core import evm
from pmo_xl.core.calendar import FRENCH, WorkCalendar
from pmo_xl.errors import PmoError
from pmo_xl.model import ProjectData, make_project_data

D = pd.Timestamp


def close(expected: Any) -> Any:
    """pytest.approx with a tight tolerance (1e-9 relative and absolute)."""
    return pytest.approx(expected, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# PRA package example (issue 3): BAC 100,000, cumulative plan 10/20/40/70/100 %, status at
# period 3, 35 % complete, cumulative AC 9,000 / 18,000 / 36,000.

PRA_BAC = 100_000.0
PRA_PV_SERIES = [10_000.0, 20_000.0, 40_000.0, 70_000.0, 100_000.0]
PRA_PV, PRA_EV, PRA_AC = 40_000.0, 35_000.0, 36_000.0


def test_pra_oracle_cost_indicators() -> None:
    assert evm.sv(PRA_EV, PRA_PV) == close(-5_000)
    assert evm.cv(PRA_EV, PRA_AC) == close(-1_000)
    assert evm.spi(PRA_EV, PRA_PV) == close(0.875)
    assert evm.cpi(PRA_EV, PRA_AC) == close(35 / 36)
    assert evm.eac_cpi(PRA_BAC, PRA_EV, PRA_AC) == pytest.approx(102_857.142857, rel=1e-10)
    assert evm.eac_atypical(PRA_BAC, PRA_EV, PRA_AC) == close(101_000)
    assert evm.eac_cpi_spi(PRA_BAC, PRA_EV, PRA_AC, PRA_PV) == pytest.approx(
        112_408.163265, rel=1e-10
    )
    assert evm.tcpi_bac(PRA_BAC, PRA_EV, PRA_AC) == close(1.015625)
    assert evm.etc(PRA_BAC, PRA_EV, PRA_AC) == pytest.approx(102_857.142857 - 36_000, rel=1e-10)
    assert evm.vac(PRA_BAC, PRA_EV, PRA_AC) == pytest.approx(-2_857.142857, rel=1e-9)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("cpi", 102_857.142857), ("atypical", 101_000.0), ("cpi_spi", 112_408.163265)],
)
def test_pra_oracle_eac_by_method(method: str, expected: float) -> None:
    assert evm.eac(PRA_BAC, PRA_EV, PRA_AC, method, pv=PRA_PV) == pytest.approx(expected, rel=1e-10)


def test_pra_oracle_earned_schedule() -> None:
    es = evm.earned_schedule(PRA_PV_SERIES, PRA_EV)
    assert es == close(2.75)
    assert evm.sv_t(es, 3) == close(-0.25)
    assert evm.spi_t(es, 3) == pytest.approx(0.916667, abs=5e-7)
    assert evm.ieac_t(5, es, 3) == pytest.approx(5.4545, abs=5e-5)
    assert evm.ieac_t(5, es, 3) == close(60 / 11)
    assert evm.tspi_t(5, es, 3) == close(1.125)


def _pra_project() -> ProjectData:
    """The PRA example as a workbook: one period = one working day (Mon 2026-06-01 ... Fri)."""
    days = pd.bdate_range("2026-06-01", periods=5)
    shares = [0.1, 0.1, 0.2, 0.3, 0.3]
    tasks = pd.DataFrame(
        {
            "task_id": [f"P{i + 1}" for i in range(5)],
            "name": [f"Period {i + 1}" for i in range(5)],
            "duration": 1.0,
            "baseline_start": days,
            "baseline_finish": days,
            "budget": [PRA_BAC * s for s in shares],
            "percent_complete": [1.0, 1.0, 0.75, 0.0, 0.0],  # EV 35,000
        }
    )
    actuals = pd.DataFrame(
        {
            "date": days[:3],
            "cost": [9_000.0, 9_000.0, 18_000.0],
            "category": "other",
        }
    )
    return make_project_data(
        {"status_date": dt.date(2026, 6, 3)}, tables={"tasks": tasks, "actuals": actuals}
    )


def test_pra_oracle_on_a_workbook_in_working_days() -> None:
    r = evm.earned_value(_pra_project(), FRENCH)
    assert (r.bac, r.pv, r.ev, r.ac) == close((100_000, 40_000, 35_000, 36_000))
    assert r.spi == close(0.875)
    assert r.eac_cpi_spi == pytest.approx(112_408.163265, rel=1e-10)
    assert r.tcpi_bac == close(1.015625)
    assert (r.at, r.pd) == (3, 5)
    assert r.es == close(2.75)
    assert r.sv_t == close(-0.25)
    assert r.tspi_t == close(1.125)
    assert r.ieac_t == close(60 / 11)
    # IEAC(t) 5.45 working days: the 6th working day from Mon 1 June is Mon 8 June
    assert r.forecast_finish == dt.date(2026, 6, 8)


# ---------------------------------------------------------------------------------------------
# Null policy


NULL_CASES: list[tuple[str, Any, tuple[Any, ...]]] = [
    ("spi, no PV yet", evm.spi, (0.0, 0.0)),
    ("cpi, no AC yet", evm.cpi, (10.0, 0.0)),
    ("cpi, missing EV", evm.cpi, (None, 10.0)),
    ("cpi, NaN AC", evm.cpi, (10.0, float("nan"))),
    ("cpi, infinite EV", evm.cpi, (float("inf"), 10.0)),
    ("sv, missing PV", evm.sv, (1.0, None)),
    ("eac_cpi, no AC", evm.eac_cpi, (100.0, 10.0, 0.0)),
    ("eac_cpi, no EV (CPI 0)", evm.eac_cpi, (100.0, 0.0, 10.0)),
    ("eac_atypical, missing AC", evm.eac_atypical, (100.0, 10.0, None)),
    ("eac_cpi_spi, no PV", evm.eac_cpi_spi, (100.0, 10.0, 10.0, 0.0)),
    ("eac_cpi_spi, no EV", evm.eac_cpi_spi, (100.0, 0.0, 10.0, 10.0)),
    ("etc, no AC", evm.etc, (100.0, 10.0, 0.0)),
    ("vac, no AC", evm.vac, (100.0, 10.0, 0.0)),
    ("tcpi_bac, BAC = AC", evm.tcpi_bac, (100.0, 50.0, 100.0)),
    ("tcpi_bac, AC over BAC", evm.tcpi_bac, (100.0, 50.0, 120.0)),
    ("tcpi_eac, EAC = AC", evm.tcpi_eac, (100.0, 50.0, 80.0, 80.0)),
    ("tcpi_eac, missing EAC", evm.tcpi_eac, (100.0, 50.0, 80.0, None)),
    ("spi_t, AT = 0", evm.spi_t, (0.0, 0)),
    ("ieac_t, AT = 0", evm.ieac_t, (10, 0.0, 0)),
    ("ieac_t, ES = 0", evm.ieac_t, (10, 0.0, 3)),
    ("tspi_t, AT = PD", evm.tspi_t, (10, 8.0, 10)),
    ("tspi_t, AT past PD", evm.tspi_t, (10, 8.0, 12)),
    ("earned_schedule, empty series", evm.earned_schedule, ([], 10.0)),
    ("earned_schedule, blank series", evm.earned_schedule, ([None, None], 10.0)),
    ("earned_schedule, hole in series", evm.earned_schedule, ([1.0, None, 3.0], 2.0)),
    ("earned_schedule, missing EV", evm.earned_schedule, ([1.0, 2.0], None)),
    ("earned_schedule, negative EV", evm.earned_schedule, ([1.0, 2.0], -1.0)),
]


@pytest.mark.parametrize(("case", "func", "args"), NULL_CASES, ids=[c[0] for c in NULL_CASES])
def test_division_by_zero_and_missing_inputs_give_none(case: str, func: Any, args: Any) -> None:
    assert func(*args) is None


def test_unknown_eac_method_is_an_argument_error() -> None:
    with pytest.raises(ValueError, match=r"unknown EAC method 'median'"):
        evm.eac(1.0, 1.0, 1.0, "median")


ES_CASES = [
    ("EV at BAC gives PD", [10.0, 20.0, 30.0], 30.0, 3.0),
    ("EV over BAC gives PD", [10.0, 20.0, 30.0], 45.0, 3.0),
    ("EV 0 before the first period", [10.0, 20.0, 30.0], 0.0, 0.0),
    ("inside the first period", [10.0, 20.0, 30.0], 5.0, 0.5),
    ("EV on a period end", [10.0, 20.0, 30.0], 20.0, 2.0),
    ("plateau: last period at or below EV", [10.0, 20.0, 20.0, 30.0], 20.0, 3.0),
    ("trailing blanks of an Excel range", [10.0, 20.0, None, float("nan")], 15.0, 1.5),
    ("numpy series", np.array([10.0, 20.0]), 15.0, 1.5),
]


@pytest.mark.parametrize(
    ("case", "series", "ev", "expected"), ES_CASES, ids=[c[0] for c in ES_CASES]
)
def test_earned_schedule_table(case: str, series: Any, ev: float, expected: float) -> None:
    assert evm.earned_schedule(series, ev) == close(expected)


# ---------------------------------------------------------------------------------------------
# Algebra (property tests)

# amounts a workbook holds: 0, or from a cent to a billion
money = st.floats(min_value=1.0, max_value=1e9)
money0 = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e9))


@given(bac=money, pv=money0, ev=money0, ac=money0)
def test_eac_and_tcpi_algebra(bac: float, pv: float, ev: float, ac: float) -> None:
    assert evm.cv(ev, ac) == ev - ac
    assert evm.sv(ev, pv) == ev - pv
    assert evm.eac_atypical(bac, ev, ac) == ac + (bac - ev)
    e, c, s = evm.eac_cpi(bac, ev, ac), evm.cpi(ev, ac), evm.spi(ev, pv)
    assert (e is None) == (ac == 0 or ev == 0)
    if e is not None and c is not None:
        assert e * c == pytest.approx(bac, rel=1e-9)
        assert evm.etc(bac, ev, ac) == pytest.approx(e - ac, rel=1e-9, abs=1e-6)
        assert evm.vac(bac, ev, ac) == pytest.approx(bac - e, rel=1e-9, abs=1e-6)
    t = evm.tcpi_bac(bac, ev, ac)
    assert (t is None) == (bac <= ac)
    if t is not None:
        assert t * (bac - ac) == pytest.approx(bac - ev, rel=1e-9, abs=1e-6)
    e3 = evm.eac_cpi_spi(bac, ev, ac, pv)
    if e3 is not None and c is not None and s is not None:
        scale = ac * c * s + abs(bac - ev)  # e3 - ac cancels when the remainder is tiny
        assert (e3 - ac) * c * s == pytest.approx(bac - ev, abs=1e-9 * scale)
    for value in (c, s, e, e3, t, evm.tcpi_eac(bac, ev, ac, e)):
        assert value is None or math.isfinite(value)


@given(
    bac=money,
    pv=money0,
    ev=money0,
    ac=money0,
)
def test_vectorised_indicators_match_the_scalars(
    bac: float, pv: float, ev: float, ac: float
) -> None:
    table = evm.indicators([bac], [pv], [ev], [ac])
    e1 = evm.eac_cpi(bac, ev, ac)
    expected = {
        "spi": evm.spi(ev, pv),
        "cpi": evm.cpi(ev, ac),
        "eac_cpi": e1,
        "eac_atypical": evm.eac_atypical(bac, ev, ac),
        "eac_cpi_spi": evm.eac_cpi_spi(bac, ev, ac, pv),
        "etc": evm.etc(bac, ev, ac),
        "vac": evm.vac(bac, ev, ac),
        "tcpi_bac": evm.tcpi_bac(bac, ev, ac),
        "tcpi_eac": evm.tcpi_eac(bac, ev, ac, e1),
    }
    for key, value in expected.items():
        got = float(table[key][0])
        if value is None:
            assert math.isnan(got), key
        else:
            assert got == pytest.approx(value, rel=1e-12, abs=1e-9), key


@given(
    steps=st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=1, max_size=40),
    frac=st.floats(min_value=0.0, max_value=1.2),
)
def test_earned_schedule_inverts_the_pv_curve(steps: list[float], frac: float) -> None:
    curve = np.cumsum(steps)
    ev = frac * float(curve[-1])
    es = evm.earned_schedule(curve, ev)
    assert es is not None and 0.0 <= es <= len(steps)
    if ev >= curve[-1]:
        assert es == len(steps)
    else:  # PV interpolated at ES is EV (periods 0..n with PV 0 before period 1)
        pv_at_es = np.interp(es, np.arange(len(steps) + 1), np.concatenate([[0.0], curve]))
        assert pv_at_es == pytest.approx(ev, rel=1e-9, abs=1e-6)


@given(
    es=st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=500.0)),
    at=st.integers(1, 500),
)
def test_time_indicators_algebra(es: float, at: int) -> None:
    pd_ = 500
    s = evm.spi_t(es, at)
    assert s == pytest.approx(es / at)
    ieac = evm.ieac_t(pd_, es, at)
    assert (ieac is None) == (es == 0)
    if ieac is not None and s is not None:
        assert ieac * s == pytest.approx(pd_, rel=1e-9)
    t = evm.tspi_t(pd_, es, at)
    assert (t is None) == (at >= pd_)


# ---------------------------------------------------------------------------------------------
# A small project around French holidays (May 2026: Fri 8 victory day, Thu 14 Ascension,
# Mon 25 Whit Monday).
#
# T1 4,000 over baseline Mon 4 - Fri 8 May: 4 working days (8 May is a holiday), 1,000 a day.
# T2 8,000 over baseline Mon 11 - Fri 15 May: 4 working days (14 May Ascension), 2,000 a day.
# M1 milestone, 1,000 on Wed 13 May.
# T3 5,000, no baseline: planned Mon 18 - Fri 22 May, 1,000 a day.
# Status Wed 13 May. Working days 1..13 = 4-7, 11-13, 15, 18-22 May.

STATUS = dt.date(2026, 5, 13)


def _tasks() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(task_id="T1", name="Design", phase="Study", duration=4.0,
                 baseline_start=D("2026-05-04"), baseline_finish=D("2026-05-08"),
                 planned_start=D("2026-05-04"), planned_finish=D("2026-05-07"),
                 actual_start=D("2026-05-04"), actual_finish=D("2026-05-07"),
                 percent_complete=1.0, budget=4_000.0),
            dict(task_id="T2", name="Build", phase="Works", duration=4.0,
                 baseline_start=D("2026-05-11"), baseline_finish=D("2026-05-15"),
                 actual_start=D("2026-05-11"), percent_complete=0.375, budget=8_000.0),
            dict(task_id="M1", name="Review", phase="Works", duration=0.0,
                 baseline_start=D("2026-05-13"), baseline_finish=D("2026-05-13"),
                 percent_complete=0.0, budget=1_000.0),
            dict(task_id="T3", name="Test", phase="Works", duration=5.0,
                 planned_start=D("2026-05-18"), planned_finish=D("2026-05-22"),
                 budget=5_000.0),
        ]
    )  # fmt: skip


def _project(status: dt.date = STATUS, tasks: pd.DataFrame | None = None) -> ProjectData:
    resources = pd.DataFrame(
        [
            dict(resource_id="R1", name="Anne", daily_rate=700.0, hours_per_day=7.0,
                 project_share=0.5),
            dict(resource_id="R2", name="Bruno", daily_rate=600.0, hours_per_day=8.0,
                 project_share=0.5),
        ]
    )  # fmt: skip
    actuals = pd.DataFrame(
        [  # 14 h x 700 / 7 = 1,400; cost given wins; 8 h x 600 / 8 = 600; a purchase; the future
            dict(date=D("2026-05-05"), resource_id="R1", task_id="T1", hours=14.0,
                 category="labour"),
            dict(date=D("2026-05-07"), resource_id="R1", task_id="T1", hours=7.0, cost=900.0,
                 category="labour"),
            dict(date=D("2026-05-12"), resource_id="R2", task_id="T2", hours=8.0,
                 category="labour"),
            dict(date=D("2026-05-13"), task_id="T2", cost=2_500.0, category="purchase"),
            dict(date=D("2026-05-18"), resource_id="R2", task_id="T2", hours=8.0,
                 category="labour"),
        ]
    )  # fmt: skip
    budget = pd.DataFrame(
        [
            dict(line_id="B1", category="labour", amount=9_000.0, committed=None),
            dict(line_id="B2", category="purchase", amount=2_000.0, committed=3_000.0),
            dict(line_id="B3", category="subcontracting", amount=6_000.0, committed=1_000.0),
            dict(line_id="B4", category="contingency", amount=1_000.0),
        ]
    )
    return make_project_data(
        {"project_code": "P1", "status_date": status},
        tables={
            "tasks": _tasks() if tasks is None else tasks,
            "resources": resources,
            "actuals": actuals,
            "budget": budget,
        },
    )


def test_project_pv_ev_ac_at_the_status_date() -> None:
    r = evm.earned_value(_project(), FRENCH)
    assert r.status_date == STATUS
    assert r.bac == 18_000.0
    assert r.pv == 11_000.0  # T1 4,000 + T2 3 days of 2,000 + M1 1,000 (status day elapsed)
    assert r.ev == 7_000.0  # T1 4,000 + T2 37.5 % of 8,000
    assert r.ac == 5_400.0  # 1,400 + 900 + 600 + 2,500; the 18 May line is in the future
    assert r.sv == -4_000.0 and r.cv == 1_600.0
    assert r.spi == close(7 / 11)
    assert r.cpi == close(7_000 / 5_400)
    assert r.eac_atypical == 16_400.0
    assert r.tcpi_bac == close(11_000 / 12_600)


def test_project_earned_schedule_in_working_days() -> None:
    r = evm.earned_value(_project(), FRENCH)
    assert r.baseline_start == dt.date(2026, 5, 4)
    assert r.baseline_finish == dt.date(2026, 5, 22)
    assert (r.at, r.pd) == (7, 13)
    # cumulative PV: day 5 (11 May) 6,000, day 6 (12 May) 8,000; EV 7,000 -> ES 5.5
    assert r.es == close(5.5)
    assert r.sv_t == close(-1.5)
    assert r.spi_t == close(5.5 / 7)
    assert r.tspi_t == close(7.5 / 6)
    assert r.ieac_t == close(13 * 7 / 5.5)  # 16.545...
    # working day 16 from 4 May, over Whit Monday 25 May
    assert r.forecast_finish == dt.date(2026, 5, 29)


def test_status_date_on_a_holiday_counts_as_the_previous_working_day() -> None:
    r = evm.earned_value(_project(dt.date(2026, 5, 14)), FRENCH)  # Ascension
    assert (r.pv, r.at) == (11_000.0, 7)
    r = evm.earned_value(_project(dt.date(2026, 5, 15)), FRENCH)
    assert (r.pv, r.at) == (13_000.0, 8)


def test_status_before_the_baseline_start() -> None:
    r = evm.earned_value(_project(dt.date(2026, 5, 1)), FRENCH)
    assert (r.pv, r.at, r.pd) == (0.0, 0, 13)
    assert r.spi is None and r.spi_t is None and r.ieac_t is None
    assert r.forecast_finish is None


def test_all_earned_gives_es_equal_to_pd() -> None:
    tasks = _tasks()
    tasks["percent_complete"] = 1.0
    r = evm.earned_value(_project(tasks=tasks), FRENCH)
    assert (r.ev, r.es, r.pd, r.at) == (18_000.0, 13.0, 13, 7)
    assert r.forecast_finish == dt.date(2026, 5, 13)  # IEAC(t) = AT: finished at the status
    assert r.tspi_t == close(0.0)


def test_no_forecast_date_when_almost_nothing_is_earned() -> None:
    tasks = _tasks()
    tasks["percent_complete"] = [1e-6, 0.0, 0.0, 0.0]  # ES 4e-6 days: IEAC(t) 22.75 million
    r = evm.earned_value(_project(tasks=tasks), FRENCH)
    assert r.ieac_t == close(13 * 7 / 4e-6)
    assert r.forecast_finish is None


def test_by_task_and_by_phase() -> None:
    r = evm.earned_value(_project(), FRENCH)
    t = r.by_task
    assert list(t.index) == ["T1", "T2", "M1", "T3"]
    assert list(t["pv"]) == [4_000.0, 6_000.0, 1_000.0, 0.0]
    assert list(t["ev"]) == [4_000.0, 3_000.0, 0.0, 0.0]
    assert list(t["ac"]) == [2_300.0, 3_100.0, 0.0, 0.0]
    assert list(t["pv_days"]) == [4.0, 4.0, 0.0, 5.0]
    assert t.loc["T3", "pv_start"] == D("2026-05-18")  # planned dates when no baseline
    assert t.loc["T2", "cpi"] == close(3_000 / 3_100)
    assert math.isnan(t.loc["M1", "spi"]) is False and t.loc["M1", "spi"] == 0.0
    assert math.isnan(t.loc["T3", "spi"]) and math.isnan(t.loc["T3", "cpi"])
    p = r.by_phase
    assert list(p.index) == ["Study", "Works"]
    assert list(p["bac"]) == [4_000.0, 14_000.0]
    assert list(p["pv"]) == [4_000.0, 7_000.0]
    assert list(p["ac"]) == [2_300.0, 3_100.0]
    assert p[["pv", "ev", "ac", "bac"]].sum().tolist() == [r.pv, r.ev, r.ac, r.bac]
    assert list(p.columns) == list(evm.INDICATOR_COLUMNS)


def test_weekly_and_monthly_series() -> None:
    r = evm.earned_value(_project(), FRENCH)
    w = r.weekly
    assert list(w["date"]) == [D("2026-05-10"), D("2026-05-13"), D("2026-05-17"), D("2026-05-24")]
    assert list(w["pv"]) == [4_000.0, 11_000.0, 13_000.0, 18_000.0]
    assert w["pv"].is_monotonic_increasing and w["pv"].iloc[-1] == close(r.bac)
    status = w[w["date"] == D(STATUS)].iloc[0]
    assert (status["pv"], status["ev"], status["ac"]) == (r.pv, r.ev, r.ac)
    assert w["ev"].tolist()[:2] == [4_000.0, 7_000.0]  # T1 earned 4-7 May, T2 from 11 May
    assert w["ac"].tolist()[:2] == [2_300.0, 5_400.0]
    assert w.loc[w["date"] > D(STATUS), ["ev", "ac"]].isna().all().all()
    m = r.monthly
    assert list(m["date"]) == [D("2026-05-13"), D("2026-05-31")]
    assert list(m["pv"]) == [11_000.0, 18_000.0]


def test_daily_series_is_the_working_day_curve() -> None:
    r = evm.earned_value(_project(), FRENCH)
    d = r.daily
    assert len(d) == 13 and D("2026-05-14") not in set(d["date"])
    assert d["pv"].tolist() == [
        1e3, 2e3, 3e3, 4e3, 6e3, 8e3, 11e3, 13e3, 14e3, 15e3, 16e3, 17e3, 18e3
    ]  # fmt: skip
    assert d["ev"].tolist()[:7] == [1e3, 2e3, 3e3, 4e3, 5e3, 6e3, 7e3]


def test_forecast_dates_place_tasks_without_baseline_or_plan() -> None:
    tasks = _tasks()
    tasks.loc[3, ["planned_start", "planned_finish"]] = pd.NaT
    forecast = pd.DataFrame(
        {"start": [D("2026-05-11")], "finish": [D("2026-05-15")]},
        index=pd.Index(["T3"], name="task_id"),
    )
    r = evm.earned_value(_project(tasks=tasks), FRENCH, forecast)
    assert r.by_task.loc["T3", "pv"] == 3_750.0  # 3 of 4 working days of 5,000
    unplaced = evm.earned_value(_project(tasks=tasks), FRENCH)
    assert unplaced.by_task.loc["T3", "pv"] == 0.0 and unplaced.pd == 8


def test_calendar_without_holidays() -> None:
    r = evm.earned_value(_project(), WorkCalendar("none"))
    # T1 over 5 days (800 a day), T2 over 5 (1,600 a day): 4,000 + 4,800 + 1,000
    assert r.pv == close(9_800.0)
    assert (r.at, r.pd) == (8, 15)


def test_missing_status_date_is_reported_at_its_cell() -> None:
    with pytest.raises(PmoError) as err:
        evm.earned_value(make_project_data({}), FRENCH)
    assert err.value.message == "Projet!B14: the status date is required"


def test_empty_project_gives_nulls_not_errors() -> None:
    r = evm.earned_value(make_project_data({"status_date": STATUS}), FRENCH)
    assert (r.bac, r.pv, r.ev, r.ac) == (0.0, 0.0, 0.0, 0.0)
    assert (r.spi, r.cpi, r.es, r.at, r.pd, r.forecast_finish) == (None,) * 6
    assert r.by_task.empty and r.by_phase.empty


def test_budget_followup_by_category() -> None:
    table = evm.budget_followup(_project())
    assert list(table.index) == ["labour", "subcontracting", "purchase", "contingency"]
    assert list(table.columns) == list(evm.BUDGET_FOLLOWUP_COLUMNS)
    assert table.loc["labour"].tolist() == [9_000.0, 0.0, 2_900.0, 6_100.0, 9_000.0, 0.0]
    assert table.loc["purchase"].tolist() == [2_000.0, 3_000.0, 2_500.0, -500.0, 3_000.0, -1_000.0]
    assert table.loc["subcontracting", "forecast"] == 6_000.0
    assert table["actual"].sum() == 5_400.0


def test_two_thousand_tasks_and_twenty_thousand_actuals_in_well_under_a_second() -> None:
    rng = np.random.default_rng(2026)
    n, m = 2_000, 20_000
    start = D("2026-01-05") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    duration = rng.integers(0, 60, n)
    tasks = pd.DataFrame(
        {
            "task_id": [f"T{i:05d}" for i in range(n)],
            "name": "task",
            "phase": [f"P{i % 8}" for i in range(n)],
            "duration": duration.astype(float),
            "baseline_start": start,
            "baseline_finish": start + pd.to_timedelta(duration * 7 // 5, unit="D"),
            "actual_start": start,
            "percent_complete": rng.random(n),
            "budget": rng.integers(0, 100_000, n).astype(float),
        }
    )
    resources = pd.DataFrame(
        {
            "resource_id": [f"R{i}" for i in range(50)],
            "name": "r",
            "daily_rate": 600.0,
            "project_share": 0.5,
        }
    )
    actuals = pd.DataFrame(
        {
            "date": D("2026-01-05") + pd.to_timedelta(rng.integers(0, 500, m), unit="D"),
            "resource_id": [f"R{i}" for i in rng.integers(0, 50, m)],
            "task_id": tasks["task_id"].to_numpy()[rng.integers(0, n, m)],
            "hours": rng.integers(1, 8, m).astype(float),
            "cost": np.where(rng.random(m) < 0.3, 500.0, np.nan),
            "category": "labour",
        }
    )
    project = make_project_data(
        {"status_date": dt.date(2026, 9, 30)},
        tables={"tasks": tasks, "resources": resources, "actuals": actuals},
    )
    r = evm.earned_value(project, FRENCH)  # speed: benchmarks, not unit tests
    assert r.weekly["pv"].iloc[-1] == pytest.approx(r.bac, rel=1e-12)
    assert r.weekly["pv"].is_monotonic_increasing
    assert r.pv == pytest.approx(r.by_task["pv"].sum(), rel=1e-12)
    status = r.daily[r.daily["date"] == D("2026-09-30")].iloc[0]
    assert status["pv"] == pytest.approx(r.pv, rel=1e-9)
    assert status["ev"] == pytest.approx(r.ev, rel=1e-9)
    assert status["ac"] == pytest.approx(r.ac, rel=1e-12)
