"""Monte Carlo schedule risk: analytic cases (chains, parallel branches), CPM consistency, seeds.

Statistical checks compare a seeded estimate with its exact expectation within 4 standard
errors (σ / √N with σ computed from the distribution, not from the sample).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.montecarlo import (
    MonteCarloResult,
    distribution_of,
    empty_json,
    simulate,
    three_point,
)
from pmo_xl.core.schedule import ScheduleResult, compute_schedule
from pmo_xl.model import make_project_data
from pmo_xl.schema import settings_defaults

MONDAY = dt.date(2026, 5, 4)
NONE = WorkCalendar("none")
FRANCE = WorkCalendar("france")
DEFAULTS = settings_defaults()
N = 20_000
Triple = tuple[float, float, float]


def table(rows: list[dict[str, object]]) -> pd.DataFrame:
    return make_project_data(tables={"tasks": pd.DataFrame(rows)}).tasks


def estimated(task_id: str, triple: Triple, preds: str = "") -> dict[str, object]:
    a, m, b = triple
    row: dict[str, object] = {
        "task_id": task_id,
        "name": task_id,
        "duration": m,
        "optimistic": a,
        "most_likely": m,
        "pessimistic": b,
    }
    if preds:
        row["predecessors"] = preds
    return row


def chain(triples: Sequence[Triple]) -> pd.DataFrame:
    rows = [estimated(f"T{i}", t, f"T{i - 1}" if i else "") for i, t in enumerate(triples)]
    return table(rows)


def run(tasks: pd.DataFrame, **options: object) -> tuple[ScheduleResult, MonteCarloResult]:
    status = options.pop("status_date", None)
    settings = {**DEFAULTS, **options.pop("settings", {})}  # type: ignore[dict-item]
    schedule = compute_schedule(tasks, NONE, MONDAY, status)  # type: ignore[arg-type]
    return schedule, simulate(schedule, tasks, settings, **options)  # type: ignore[arg-type]


# -- exact moments of the distributions ----------------------------------------------------------


def triangular_cdf(x: float, a: float, m: float, b: float) -> float:
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= m:
        return (x - a) ** 2 / ((b - a) * (m - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - m))


def triangular_moments(a: float, m: float, b: float) -> tuple[float, float]:
    return (a + m + b) / 3, (a * a + m * m + b * b - a * m - a * b - m * b) / 18


def ceil_triangular_pmf(a: float, m: float, b: float) -> dict[int, float]:
    """P(ceil X = k) = F(k) - F(k - 1)."""
    return {
        k: triangular_cdf(k, a, m, b) - triangular_cdf(k - 1, a, m, b)
        for k in range(math.floor(a), math.ceil(b) + 1)
    }


def ceil_triangular_moments(a: float, m: float, b: float) -> tuple[float, float]:
    pmf = ceil_triangular_pmf(a, m, b)
    mean = sum(k * p for k, p in pmf.items())
    return mean, sum(k * k * p for k, p in pmf.items()) - mean * mean


def pert_moments(a: float, m: float, b: float) -> tuple[float, float]:
    alpha, beta = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
    s = alpha + beta
    return (a + 4 * m + b) / 6, alpha * beta / (s * s * (s + 1)) * (b - a) ** 2


CHAIN: tuple[Triple, ...] = ((2, 4, 9), (1, 3, 5), (5, 6, 10))


# -- analytic chains -----------------------------------------------------------------------------


def test_triangular_chain_mean_is_the_sum_of_the_means() -> None:
    _, result = run(chain(CHAIN), iterations=N, seed=1, whole_days=False)
    means, variances = zip(*(triangular_moments(*t) for t in CHAIN), strict=True)
    assert sum(means) == 15
    assert result.mean_finish_index == pytest.approx(15, abs=4 * math.sqrt(sum(variances) / N))
    assert result.finish_index.min() >= 2 + 1 + 5
    assert result.finish_index.max() <= 9 + 5 + 10


def test_rounded_triangular_chain_mean_is_the_sum_of_the_means_of_ceil() -> None:
    _, result = run(chain(CHAIN), iterations=N, seed=2)
    moments = [ceil_triangular_moments(*t) for t in CHAIN]
    mean = sum(m for m, _ in moments)
    sigma = math.sqrt(sum(v for _, v in moments))
    assert mean == pytest.approx(16.5, abs=0.01)  # half a day per task above the unrounded 15
    assert result.mean_finish_index == pytest.approx(mean, abs=4 * sigma / math.sqrt(N))
    assert np.array_equal(result.finish_index, np.round(result.finish_index))  # whole days
    # the finish date is the last working day of the chain: day (sum of durations - 1)
    assert np.array_equal(result.finish_day, result.finish_index.astype(np.int64) - 1)


def test_pert_chain_mean_is_a_plus_4m_plus_b_over_6() -> None:
    _, result = run(chain(CHAIN), iterations=N, seed=3, whole_days=False, distribution="pert")
    means, variances = zip(*(pert_moments(*t) for t in CHAIN), strict=True)
    assert sum(means) == 14
    assert result.mean_finish_index == pytest.approx(14, abs=4 * math.sqrt(sum(variances) / N))
    assert result.distribution == "pert"


def test_pert_is_read_from_the_settings() -> None:
    _, result = run(chain(CHAIN), iterations=100, settings={"mc_distribution": "pert"})
    assert result.distribution == "pert"
    assert distribution_of({}) == "triangular"
    with pytest.raises(ValueError, match="mc_distribution: expected triangular or pert"):
        distribution_of({"mc_distribution": "normal"})


# -- parallel branches ---------------------------------------------------------------------------


def branches(x: Triple, y: Triple) -> pd.DataFrame:
    return table(
        [
            {"task_id": "S", "name": "start", "duration": 0},
            estimated("X", x, "S"),
            estimated("Y", y, "S"),
            {"task_id": "F", "name": "finish", "duration": 0, "predecessors": "X;Y"},
        ]
    )


def test_equal_branches_are_critical_half_the_time_each() -> None:
    _, result = run(branches((2, 4, 9), (2, 4, 9)), iterations=N, seed=4, whole_days=False)
    crit = result.criticality
    assert crit["S"] == 1.0
    assert crit["F"] == 1.0
    assert crit["X"] + crit["Y"] == pytest.approx(1.0, abs=1e-12)  # no ties in continuous time
    assert crit["X"] == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / N))


def test_equal_rounded_branches_are_both_critical_when_tied() -> None:
    _, result = run(branches((2, 4, 9), (2, 4, 9)), iterations=N, seed=5)
    tie = sum(p * p for p in ceil_triangular_pmf(2, 4, 9).values())
    both = result.criticality["X"] + result.criticality["Y"] - 1.0
    assert both == pytest.approx(tie, abs=4 * math.sqrt(tie * (1 - tie) / N))


def test_the_longer_branch_is_more_often_critical() -> None:
    x, y = (2.0, 4.0, 9.0), (1.0, 3.0, 5.0)
    _, result = run(branches(x, y), iterations=N, seed=6, whole_days=False)
    # P(X > Y) = ∫ f_Y(t) (1 - F_X(t)) dt, numerically
    t = np.linspace(1, 5, 400_001)
    cdf = np.vectorize(triangular_cdf, otypes=[float])
    p = float(np.trapezoid(np.gradient(cdf(t, *y), t) * (1 - cdf(t, *x)), t))
    assert 0.8 < p < 0.9
    assert result.criticality["X"] == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / N))
    assert result.criticality["X"] + result.criticality["Y"] == pytest.approx(1.0, abs=1e-12)
    assert result.top_critical() == [
        ("S", 1.0),
        ("F", 1.0),
        ("X", result.criticality["X"]),
        ("Y", result.criticality["Y"]),
    ]


# -- the same network logic as the CPM -----------------------------------------------------------


def constrained() -> pd.DataFrame:
    return table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {"task_id": "B", "name": "B", "duration": 4, "predecessors": "A"},
            {"task_id": "C", "name": "C", "duration": 2, "predecessors": "ASS+1"},
            {
                "task_id": "D",
                "name": "D",
                "duration": 5,
                "predecessors": "C;BFF+2",
                "constraint": "fnlt",
                "constraint_date": "2026-05-11",
            },
            {"task_id": "E", "name": "E", "duration": 2, "predecessors": "DFS+1;CSF+6"},
            {"task_id": "G", "name": "G", "duration": 1, "predecessors": "A"},
        ]
    )


def test_zero_spread_reproduces_the_cpm_finish_and_critical_path() -> None:
    tasks = constrained()
    zero = {"mc_optimistic_pct": 0, "mc_pessimistic_pct": 0}
    schedule, result = run(tasks, iterations=200, settings=zero)
    assert schedule.tasks["total_float"].min() < 0  # the constraint makes float negative
    assert set(result.finish_dates().astype(object)) == {schedule.finish}
    assert np.all(result.finish_index == schedule.finish_index)
    critical = result.criticality[result.criticality > 0]
    assert sorted(critical.index) == sorted(schedule.critical_path)
    assert set(critical) == {1.0}
    assert not result.three_point.uncertain.any()
    assert result.probability_by(schedule.finish) == 1.0
    assert result.probability_by(schedule.finish - dt.timedelta(days=1)) == 0.0


def test_zero_spread_on_the_french_calendar_with_progress() -> None:
    tasks = table(
        [
            {
                "task_id": "A",
                "name": "A",
                "duration": 3,
                "actual_start": "2026-05-04",
                "actual_finish": "2026-05-06",
                "percent_complete": 1,
            },
            {
                "task_id": "B",
                "name": "B",
                "duration": 10,
                "predecessors": "A",
                "actual_start": "2026-05-07",
                "percent_complete": 0.25,
            },
            {"task_id": "C", "name": "C", "duration": 4, "predecessors": "B"},
            {"task_id": "M", "name": "M", "duration": 0, "predecessors": "C"},
        ]
    )
    status = dt.date(2026, 5, 11)
    schedule = compute_schedule(tasks, FRANCE, MONDAY, status)
    zero = {**DEFAULTS, "mc_optimistic_pct": 0, "mc_pessimistic_pct": 0}
    result = simulate(schedule, tasks, zero, FRANCE, iterations=50, planned_finish=schedule.finish)
    assert result.p10 == result.p90 == result.mean_finish == schedule.finish
    assert result.probability_on_time == 1.0
    assert result.criticality.to_dict() == {"A": 0.0, "B": 1.0, "C": 1.0, "M": 1.0}


def test_finished_tasks_are_fixed_and_in_progress_remaining_work_is_scaled() -> None:
    tasks = table(
        [
            {
                **estimated("A", (1, 3, 20)),
                "actual_start": "2026-05-04",
                "actual_finish": "2026-05-06",
                "percent_complete": 1,
            },
            {
                "task_id": "B",
                "name": "B",
                "duration": 4,
                "predecessors": "A",
                "actual_start": "2026-05-07",
                "percent_complete": 0.5,
            },
            {**estimated("C", (4, 5, 8), "B"), "pessimistic": 8},
            {"task_id": "M", "name": "M", "duration": 0, "pessimistic": 5, "predecessors": "C"},
        ]
    )
    schedule, result = run(tasks, iterations=2_000, seed=8, status_date=dt.date(2026, 5, 8))
    points = result.three_point.frame()
    assert points.loc["A"].tolist() == [0.0, 0.0, 0.0, False]  # finished: actual duration kept
    assert points.loc["B"].tolist() == pytest.approx([2 * 0.9, 2, 2 * 1.3, True])  # 50 % left
    assert points.loc["C"].tolist() == [4.0, 5.0, 8.0, True]
    assert points.loc["M"].tolist() == [0.0, 0.0, 0.0, False]  # a milestone stays one
    assert result.criticality["A"] == 0.0
    # A (3 days) + B's 2 elapsed days, then B's remaining (2..3 days) and C (4..8): days 5+
    data_day = 5  # the working day after the status date
    assert result.finish_index.min() >= data_day + 2 + 4
    assert result.finish_index.max() <= data_day + 3 + 8
    assert schedule.finish_index == data_day + 2 + 5


def test_swapped_and_negative_estimates_are_sorted_and_clipped() -> None:
    tasks = table([{**estimated("A", (9, 4, 2))}, {**estimated("B", (-3, 2, 5), "A")}])
    points = three_point(compute_schedule(tasks, NONE, MONDAY), tasks, DEFAULTS).frame()
    assert points.loc["A", ["optimistic", "most_likely", "pessimistic"]].tolist() == [2, 4, 9]
    assert points.loc["B", ["optimistic", "most_likely", "pessimistic"]].tolist() == [0, 2, 5]


def test_default_spread_applies_column_by_column() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 10},
            {"task_id": "B", "name": "B", "duration": 10, "most_likely": 12},
            {"task_id": "C", "name": "C", "duration": 10, "pessimistic": 20},
        ]
    )
    settings = {**DEFAULTS, "mc_optimistic_pct": 0.2, "mc_pessimistic_pct": 0.5}
    points = three_point(compute_schedule(tasks, NONE, MONDAY), tasks, settings).frame()
    assert points[["optimistic", "most_likely", "pessimistic"]].to_dict("index") == {
        "A": {"optimistic": 8.0, "most_likely": 10.0, "pessimistic": 15.0},
        "B": {"optimistic": pytest.approx(9.6), "most_likely": 12.0, "pessimistic": 18.0},
        "C": {"optimistic": 8.0, "most_likely": 10.0, "pessimistic": 20.0},
    }


# -- reproducibility and outputs -----------------------------------------------------------------


@pytest.mark.parametrize("law", ["triangular", "pert"])
def test_same_seed_same_result_whatever_the_chunk_size(law: str) -> None:
    tasks = branches((2, 4, 9), (1, 3, 5))
    _, one = run(tasks, iterations=1_000, seed=9, distribution=law)
    _, two = run(tasks, iterations=1_000, seed=9, distribution=law, chunk_rows=37)
    _, other = run(tasks, iterations=1_000, seed=10, distribution=law)
    assert np.array_equal(one.finish_index, two.finish_index)
    assert one.criticality.equals(two.criticality)
    assert one.as_json() == two.as_json()
    assert not np.array_equal(one.finish_index, other.finish_index)


def test_seed_and_iterations_come_from_the_settings() -> None:
    tasks = chain(CHAIN)
    _, result = run(tasks, settings={"mc_iterations": 300, "mc_seed": 77})
    _, again = run(tasks, iterations=300, seed=77)
    assert (result.iterations, result.seed) == (300, 77)
    assert np.array_equal(result.finish_index, again.finish_index)


def test_percentiles_are_ordered_sampled_dates_and_the_histogram_adds_up() -> None:
    tasks = chain(CHAIN)
    schedule = compute_schedule(tasks, FRANCE, MONDAY)
    result = simulate(schedule, tasks, DEFAULTS, iterations=5_000, seed=11)
    dates = [result.p10, result.p50, result.p80, result.p90]
    assert dates == sorted(dates)
    assert dates[0] < dates[-1]
    assert all(d is not None and FRANCE.is_working(d) for d in dates)
    hist = result.histogram()
    assert hist["count"].sum() == 5_000
    assert hist["cumulative"].iloc[-1] == 1.0
    assert hist["finish"].is_monotonic_increasing
    # P80: the first date where the cumulative share reaches 80 %
    first = hist.loc[hist["cumulative"] >= 0.8, "finish"].iloc[0]
    assert result.p80 == first.date()
    assert result.probability_by(result.p80) == pytest.approx(
        hist.loc[hist["finish"] == first, "cumulative"].iloc[0]
    )
    mean_day = round(float(result.finish_day.mean()))
    assert result.mean_finish == FRANCE.date_of(MONDAY, mean_day).reshape(()).astype(object)


def test_probability_on_time_compares_dates() -> None:
    tasks = table([{"task_id": "A", "name": "A", "duration": 5}])  # Monday to Friday 8 May
    schedule = compute_schedule(tasks, NONE, MONDAY)
    zero = {**DEFAULTS, "mc_optimistic_pct": 0, "mc_pessimistic_pct": 0}
    on_saturday = simulate(schedule, tasks, zero, iterations=10, planned_finish=dt.date(2026, 5, 9))
    on_thursday = simulate(schedule, tasks, zero, iterations=10, planned_finish=dt.date(2026, 5, 7))
    assert schedule.finish == dt.date(2026, 5, 8)
    assert on_saturday.probability_on_time == 1.0
    assert on_thursday.probability_on_time == 0.0
    assert simulate(schedule, tasks, zero, iterations=10).probability_on_time is None


def test_as_json_keys_and_values() -> None:
    tasks = branches((2, 4, 9), (1, 3, 5))
    schedule = compute_schedule(tasks, NONE, MONDAY)
    result = simulate(schedule, tasks, DEFAULTS, iterations=500, planned_finish=schedule.finish)
    out = result.as_json()
    assert list(out) == [
        "mc_iterations",
        "mc_distribution",
        "mc_seed",
        "mc_p10",
        "mc_p50",
        "mc_p80",
        "mc_p90",
        "mc_mean_finish",
        "mc_probability_on_time",
        "mc_probability_cpm_finish",
        "mc_criticality",
    ]
    assert out["mc_iterations"] == 500
    assert out["mc_seed"] == DEFAULTS["mc_seed"]
    assert out["mc_p50"] == result.p50.isoformat()  # type: ignore[union-attr]
    assert out["mc_probability_on_time"] == out["mc_probability_cpm_finish"]
    assert [c["task_id"] for c in out["mc_criticality"]] == ["S", "F", "X", "Y"]
    json.dumps(out)
    assert list(empty_json()) == list(out)
    assert empty_json()["mc_p50"] is None


def test_empty_plan_gives_no_dates() -> None:
    tasks = table([])
    schedule = compute_schedule(tasks, NONE, MONDAY)
    result = simulate(schedule, tasks, DEFAULTS, iterations=10, planned_finish=MONDAY)
    assert result.as_json()["mc_p50"] is None
    assert result.probability_on_time is None
    assert result.histogram().empty


def test_iterations_must_be_positive() -> None:
    with pytest.raises(ValueError, match="mc_iterations: expected at least 1, got 0"):
        run(chain(CHAIN), iterations=0)


def test_sample_project() -> None:
    """The bundled sample at its status date, default settings (seeded: exact dates)."""
    from pmo_xl.sample import generate

    project = generate()
    calendar = WorkCalendar.from_settings(project.settings)
    schedule = compute_schedule(
        project.tasks, calendar, project.project["start_date"], project.status_date
    )
    result = simulate(
        schedule, project.tasks, project.settings, planned_finish=project.project["planned_finish"]
    )
    out = result.as_json()
    assert (out["mc_iterations"], out["mc_distribution"]) == (5_000, "triangular")
    assert [out[k] for k in ("mc_p10", "mc_p50", "mc_p80", "mc_p90", "mc_mean_finish")] == [
        "2026-11-16",
        "2026-11-20",
        "2026-11-24",
        "2026-11-25",
        "2026-11-20",
    ]
    # the CPM already forecasts 4 Nov against 27 Oct planned, and the default spread is skewed
    assert schedule.finish == dt.date(2026, 11, 4)
    assert out["mc_probability_on_time"] == 0.0
    finished = schedule.tasks.index[schedule.tasks["state"] == "finished"]
    assert (result.criticality[finished] == 0).all()
    # the CPM path, except the two parallel branches of the requalification (T510 -> T530 against
    # T540): one or the other drives, both when tied in whole days (18 % of the iterations)
    critical = result.criticality[result.criticality > 0]
    assert sorted(critical.index) == sorted(schedule.critical_path)
    assert {k: v for k, v in critical.items() if v < 1} == {
        "T510": 0.5436,
        "T530": 0.5436,
        "T540": 0.6378,
    }
