"""Resource load: spreading over working days, capacity with share and holidays, overloads
within one project and across projects (total share, people matched by id or name)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.core.calendar import FRENCH, WorkCalendar
from pmo_xl.core.resources import (
    capacity,
    load_matrix,
    monday_of,
    overallocations,
    overload_records,
    people,
    planned_task_dates,
    week_working_days,
    weekly_load,
    with_project,
)

W = pd.Timestamp  # a week, by its Monday


def dates(**spans: tuple[str, str]) -> pd.DataFrame:
    """task_dates as the schedule gives them: index task id, forecast start and finish."""
    return pd.DataFrame(
        {
            "start": pd.to_datetime([s for s, _ in spans.values()]),
            "finish": pd.to_datetime([f for _, f in spans.values()]),
        },
        index=pd.Index(list(spans), name="task_id"),
    )


def assign(*rows: tuple[str, str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["task_id", "resource_id", "planned_hours"])


def resources(*rows: tuple[str, str, str | None, float | None, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["resource_id", "name", "department", "hours_per_day", "project_share"]
    )


def as_dict(load: pd.DataFrame) -> dict[tuple[str, str, pd.Timestamp], float]:
    return {
        (p, r, w): h
        for p, r, w, h in load[["project", "resource_id", "week", "hours"]].itertuples(index=False)
    }


# --- weeks and spreading ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        ("2026-05-04", "2026-05-04"),  # a Monday
        ("2026-05-10", "2026-05-04"),  # Sunday belongs to the ISO week before
        ("2026-05-08", "2026-05-04"),
        ("2027-01-01", "2026-12-28"),  # ISO week 53 of 2026
    ],
)
def test_monday_of(day: str, monday: str) -> None:
    assert monday_of(np.datetime64(day)) == np.datetime64(monday)


def test_week_working_days_count_french_holidays() -> None:
    weeks = ["2026-05-04", "2026-05-11", "2026-05-25", "2026-06-01"]
    # 8 May (Victoire), 14 May (Ascension), 25 May (Pentecôte); the week of 1 June is full
    assert week_working_days(weeks).tolist() == [4.0, 4.0, 4.0, 5.0]


def test_week_with_a_holiday_takes_the_whole_assignment() -> None:
    load = weekly_load(assign(("T1", "R1", 28.0)), dates(T1=("2026-05-04", "2026-05-08")))
    assert load.to_dict("list") == {
        "project": ["P1"],
        "resource_id": ["R1"],
        "week": [W("2026-05-04")],
        "hours": [28.0],
    }
    assert str(load["week"].dtype) == "datetime64[ns]"


def test_spread_over_nine_working_days_across_three_weeks() -> None:
    # 4-18 May 2026: 4,5,6,7 | 11,12,13,15 | 18 (8 and 14 May are holidays) = 9 working days
    load = weekly_load(assign(("T1", "R1", 28.0)), dates(T1=("2026-05-04", "2026-05-18")))
    assert load["week"].tolist() == [W("2026-05-04"), W("2026-05-11"), W("2026-05-18")]
    assert load["hours"].tolist() == pytest.approx([4 * 28 / 9, 4 * 28 / 9, 28 / 9], abs=1e-12)


def test_loads_of_several_assignments_add_up_per_resource_and_week() -> None:
    load = weekly_load(
        assign(("T1", "R1", 28.0), ("T2", "R1", 10.0), ("T2", "R2", 5.0)),
        dates(T1=("2026-06-01", "2026-06-12"), T2=("2026-06-08", "2026-06-08")),
        project="CNPE-12",
    )
    assert as_dict(load) == {
        ("CNPE-12", "R1", W("2026-06-01")): 14.0,
        ("CNPE-12", "R1", W("2026-06-08")): 24.0,
        ("CNPE-12", "R2", W("2026-06-08")): 5.0,
    }


def test_milestone_and_weekend_start_roll_to_the_next_working_day() -> None:
    # a milestone on Saturday 9 May; a task from Friday 8 May (holiday) to Monday 11 May
    load = weekly_load(
        assign(("M1", "R1", 3.0), ("T1", "R2", 6.0)),
        dates(M1=("2026-05-09", "2026-05-09"), T1=("2026-05-08", "2026-05-11")),
    )
    assert as_dict(load) == {("P1", "R1", W("2026-05-11")): 3.0, ("P1", "R2", W("2026-05-11")): 6.0}


def test_assignments_without_dates_or_hours_carry_no_load() -> None:
    load = weekly_load(
        assign(("T1", "R1", None), ("T1", "R2", 0.0), ("T9", "R3", 8.0), ("T2", "R4", 8.0)),
        dates(T1=("2026-06-01", "2026-06-05"), T2=("NaT", "NaT")),
    )
    assert load.empty
    assert list(load.columns) == ["project", "resource_id", "week", "hours"]


def test_other_calendar_is_honoured() -> None:
    # Good Friday 3 April 2026 is a holiday in Alsace-Moselle only
    a, d = assign(("T1", "R1", 20.0)), dates(T1=("2026-03-30", "2026-04-03"))
    assert weekly_load(a, d)["hours"].tolist() == [20.0]
    assert weekly_load(a, d, WorkCalendar("alsace_moselle"))["hours"].tolist() == [20.0]
    two = dates(T1=("2026-03-30", "2026-04-06"))  # Easter Monday 6 April is a holiday everywhere
    assert weekly_load(a, two)["hours"].tolist() == [20.0]
    b, longer = assign(("T1", "R1", 24.0)), dates(T1=("2026-03-30", "2026-04-07"))
    assert weekly_load(b, longer)["hours"].tolist() == [20.0, 4.0]
    alsace = weekly_load(b, longer, WorkCalendar("alsace_moselle"))
    assert alsace["hours"].tolist() == pytest.approx([19.2, 4.8])


def test_planned_task_dates_prefer_actual_dates() -> None:
    tasks = pd.DataFrame(
        {
            "task_id": ["T1", "T2", None],
            "planned_start": pd.to_datetime(["2026-06-01", "2026-06-08", "2026-06-01"]),
            "planned_finish": pd.to_datetime(["2026-06-05", "2026-06-12", "2026-06-01"]),
            "actual_start": pd.to_datetime(["2026-06-02", None, None]),
            "actual_finish": pd.to_datetime([None, None, None]),
        }
    )
    got = planned_task_dates(tasks)
    assert got.index.tolist() == ["T1", "T2"]
    assert got["start"].tolist() == [W("2026-06-02"), W("2026-06-08")]
    assert got["finish"].tolist() == [W("2026-06-05"), W("2026-06-12")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 120), st.integers(-3, 40), st.floats(0.5, 500), st.sampled_from("ABC")
        ),
        min_size=1,
        max_size=25,
    )
)
def test_every_planned_hour_lands_in_exactly_one_week(
    rows: list[tuple[int, int, float, str]],
) -> None:
    origin = pd.Timestamp("2026-04-27")
    ids = [f"T{i}" for i in range(len(rows))]
    d = pd.DataFrame(
        {
            "start": [origin + pd.Timedelta(days=s) for s, *_ in rows],
            "finish": [origin + pd.Timedelta(days=s + n) for s, n, *_ in rows],
        },
        index=ids,
    )
    a = assign(*((t, r, h) for t, (_, _, h, r) in zip(ids, rows, strict=True)))
    load = weekly_load(a, d)
    assert load["hours"].sum() == pytest.approx(sum(h for _, _, h, _ in rows))
    assert (load["week"].dt.day_of_week == 0).all()
    # no hours on a week without working days of the task span
    assert not load.duplicated(["resource_id", "week"]).any()


# --- capacity ------------------------------------------------------------------------------------


def test_capacity_is_hours_per_day_times_working_days_times_share() -> None:
    res = resources(("R1", "Ana", "M", 7.0, 0.5), ("R2", "Bo", "M", None, 0.2))
    cap = capacity(res, pd.to_datetime(["2026-05-06", "2026-06-01", "2026-05-04"]))
    assert cap.to_dict("list") == {
        "resource_id": ["R1", "R1", "R2", "R2"],
        "week": [W("2026-05-04"), W("2026-06-01")] * 2,
        "working_days": [4.0, 5.0, 4.0, 5.0],
        "hours_per_day": [7.0, 7.0, 7.0, 7.0],  # blank hours per day: the 7 h default
        "share": [0.5, 0.5, 0.2, 0.2],
        "capacity": pytest.approx([14.0, 17.5, 5.6, 7.0]),
    }


def test_capacity_blank_share_is_zero() -> None:
    cap = capacity(resources(("R1", "Ana", "M", 8.0, None)), ["2026-06-01"])
    assert cap["capacity"].tolist() == [0.0]


# --- over-allocation, one project ----------------------------------------------------------------


def one_project(load_hours: float, week: str = "2026-05-04") -> pd.DataFrame:
    return pd.DataFrame(
        {"project": ["P1"], "resource_id": ["R1"], "week": [W(week)], "hours": [load_hours]}
    )


RES_P1 = with_project(resources(("R1", "Ana Roux", "Maintenance", 7.0, 0.5)), "P1")


def test_overallocation_ratio_is_exact() -> None:
    # 28 h in a 4-day week at 7 h/day and 50 %: capacity 14 h, ratio 2
    load = weekly_load(assign(("T1", "R1", 28.0)), dates(T1=("2026-05-04", "2026-05-08")))
    over = overallocations(load, RES_P1)
    assert over.to_dict("records") == [
        {
            "kind": "load",
            "person": "R1",
            "resource_id": "R1",
            "name": "Ana Roux",
            "department": "Maintenance",
            "projects": "P1",
            "week": W("2026-05-04"),
            "load": 28.0,
            "capacity": 14.0,
            "ratio": 2.0,
            "total_share": 0.5,
        }
    ]


@pytest.mark.parametrize(("hours", "flagged"), [(14.0, False), (14.01, False), (14.02, True)])
def test_overallocation_tolerance_of_one_hundredth_of_an_hour(hours: float, flagged: bool) -> None:
    assert len(overallocations(one_project(hours), RES_P1)) == int(flagged)


def test_unknown_resource_counts_against_zero_capacity() -> None:
    load = pd.DataFrame(
        {"project": ["P1"], "resource_id": ["R9"], "week": [W("2026-06-01")], "hours": [3.0]}
    )
    over = overallocations(load, RES_P1)
    assert over[["kind", "person", "load", "capacity", "ratio"]].to_dict("records") == [
        {"kind": "load", "person": "R9", "load": 3.0, "capacity": 0.0, "ratio": np.inf}
    ]
    assert overload_records(over)[0]["ratio"] is None


def test_overload_records_are_json_ready() -> None:
    recs = overload_records(overallocations(one_project(28.0), RES_P1))
    assert recs == [
        {
            "kind": "load",
            "person": "R1",
            "resource_id": "R1",
            "name": "Ana Roux",
            "department": "Maintenance",
            "projects": "P1",
            "week": "2026-05-04",
            "load": 28.0,
            "capacity": 14.0,
            "ratio": 2.0,
            "total_share": 0.5,
        }
    ]


# --- several projects ----------------------------------------------------------------------------

THREE = pd.concat(
    [
        with_project(resources(("R1", "Ana Roux", "Maintenance", 7.0, 0.5)), p)
        for p in ("P1", "P2", "P3")
    ],
    ignore_index=True,
)


def three_loads(hours: float) -> pd.DataFrame:
    a, d = assign(("T1", "R1", hours)), dates(T1=("2026-06-01", "2026-06-05"))
    return pd.concat([weekly_load(a, d, project=p) for p in ("P1", "P2", "P3")], ignore_index=True)


def test_fifty_percent_on_three_projects_is_an_over_commitment() -> None:
    # 10 h on each project: 30 h against 7 × 5 × min(150 %, 100 %) = 35 h -> only the share
    over = overallocations(three_loads(10.0), THREE)
    assert over.to_dict("records") == [
        {
            "kind": "share",
            "person": "R1",
            "resource_id": "R1",
            "name": "Ana Roux",
            "department": "Maintenance",
            "projects": "P1;P2;P3",
            "week": pd.NaT,
            "load": pytest.approx(np.nan, nan_ok=True),
            "capacity": pytest.approx(np.nan, nan_ok=True),
            "ratio": 1.5,
            "total_share": 1.5,
        }
    ]


def test_weekly_load_is_summed_across_projects() -> None:
    # 14 h on each project fits each project's 17.5 h, but 42 h > 35 h in all
    loads = three_loads(14.0)
    for p in ("P1", "P2", "P3"):
        alone = overallocations(loads[loads.project == p], THREE[THREE.project == p])
        assert alone.empty
    over = overallocations(loads, THREE)
    assert [(r["kind"], r["week"], r["load"]) for r in overload_records(over)] == [
        ("share", None, None),
        ("load", "2026-06-01", 42.0),
    ]
    assert over[["kind", "week", "load", "capacity", "ratio"]].to_dict("records") == [
        {"kind": "share", "week": pd.NaT, "load": pytest.approx(np.nan, nan_ok=True),
         "capacity": pytest.approx(np.nan, nan_ok=True), "ratio": 1.5},
        {"kind": "load", "week": W("2026-06-01"), "load": 42.0, "capacity": 35.0, "ratio": 1.2},
    ]  # fmt: skip


def test_total_share_of_exactly_one_is_not_an_over_commitment() -> None:
    res = pd.concat(
        [
            with_project(resources(("R1", "Ana", "M", 7.0, 0.6)), "P1"),
            with_project(resources(("R1", "Ana", "M", 7.0, 0.4)), "P2"),
        ]
    )
    assert overallocations(three_loads(1.0), res).empty


MIXED = pd.DataFrame(
    {
        "project": ["P1", "P2", "P3"],
        "resource_id": ["R01", "R07", "R01"],
        "name": ["Élodie Martin", "elodie  MARTIN", "Paul Durand"],
        "department": ["Maintenance", "maintenance", "Achats"],
        "hours_per_day": [7.0, 7.0, 8.0],
        "project_share": [0.4, 0.4, 0.3],
    }
)


def test_people_match_by_id_falling_back_to_name_and_department() -> None:
    # id mode: P2's R07 is Élodie by name + department; P3's R01 is Élodie by id
    assert people(MIXED, "id")["person"].tolist() == ["R01", "R01", "R01"]
    # name mode: Resource IDs are local to each workbook
    assert people(MIXED, "name")["person"].tolist() == [
        "Élodie Martin (Maintenance)",
        "Élodie Martin (Maintenance)",
        "Paul Durand (Achats)",
    ]


def test_name_fallback_sums_loads_across_projects() -> None:
    a, d = assign(("T1", "R01", 20.0)), dates(T1=("2026-06-01", "2026-06-05"))
    loads = pd.concat(
        [weekly_load(a, d, project="P1"), weekly_load(assign(("T1", "R07", 20.0)), d, project="P2")]
    )
    over = overallocations(loads, MIXED.iloc[:2], match="name")
    # 40 h against 7 h × 5 days × 80 %: 28 h
    assert over[["person", "projects", "load", "capacity", "total_share"]].to_dict("records") == [
        {
            "person": "Élodie Martin (Maintenance)",
            "projects": "P1;P2",
            "load": 40.0,
            "capacity": pytest.approx(28.0),
            "total_share": 0.8,
        }
    ]
    with pytest.raises(ValueError, match="match must be"):
        overallocations(loads, MIXED, match="email")  # type: ignore[arg-type]


def test_load_matrix_person_by_week_with_empty_weeks() -> None:
    def one(project: str, resource: str, hours: float, start: str, finish: str) -> pd.DataFrame:
        return weekly_load(
            assign(("T1", resource, hours)), dates(T1=(start, finish)), project=project
        )

    loads = pd.concat(
        [
            one("P1", "R2", 10.0, "2026-06-01", "2026-06-05"),
            one("P2", "R1", 4.0, "2026-06-15", "2026-06-15"),
            one("P2", "R2", 5.0, "2026-06-02", "2026-06-02"),
        ]
    )
    m = load_matrix(loads)
    assert m.index.tolist() == ["R1", "R2"]
    assert m.columns.tolist() == [W("2026-06-01"), W("2026-06-08"), W("2026-06-15")]
    assert m.to_numpy().tolist() == [[0.0, 0.0, 4.0], [15.0, 0.0, 0.0]]
    assert load_matrix(loads.iloc[:0]).empty


def test_two_thousand_tasks_five_thousand_assignments_conserve_hours() -> None:
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 500, 2000), "D")
    d = pd.DataFrame(
        {"start": start, "finish": start + pd.to_timedelta(rng.integers(0, 60, 2000), "D")},
        index=[f"T{i:04d}" for i in range(2000)],
    )
    a = assign(
        *zip(
            rng.choice(d.index.to_numpy(), 5000),
            [f"R{i:02d}" for i in rng.integers(0, 80, 5000)],
            rng.uniform(1, 200, 5000),
            strict=True,
        )
    )
    res = with_project(resources(*((f"R{i:02d}", f"N{i}", "D", 7.0, 0.5) for i in range(80))), "P1")
    loads = weekly_load(a, d)
    over = overallocations(loads, res)
    matrix = load_matrix(loads)
    assert loads["hours"].sum() == pytest.approx(a["planned_hours"].sum())
    assert len(over) > 0 and matrix.shape[0] == 80


def test_sample_planted_over_allocation_is_the_only_one() -> None:
    from pmo_xl.core.schedule import compute_schedule
    from pmo_xl.sample import PLANTED, generate

    p = generate()
    cal = WorkCalendar.from_settings(p.settings)
    dates = compute_schedule(p.tasks, cal, p.project["start_date"], p.status_date).tasks
    over = overallocations(weekly_load(p.assignments, dates, cal), with_project(p.resources, "P1"))
    assert set(over["person"]) == {PLANTED["over_allocated"]["resource"]}
    assert set(over["kind"]) == {"load"}


def test_empty_project_gives_empty_frames() -> None:
    from pmo_xl.model import make_project_data

    p = make_project_data()
    loads = weekly_load(p.assignments, planned_task_dates(p.tasks), FRENCH)
    over = overallocations(loads, with_project(p.resources, "P1"))
    assert loads.empty and over.empty and load_matrix(loads).empty
    assert list(over.columns) == [
        "kind", "person", "resource_id", "name", "department", "projects",
        "week", "load", "capacity", "ratio", "total_share",
    ]  # fmt: skip
    # a share above 100 % is reported even with no load at all
    shared = pd.concat([THREE, THREE.iloc[:1].assign(project="P4")], ignore_index=True)
    only = overallocations(loads, shared)
    assert only[["kind", "person", "projects", "ratio"]].to_dict("records") == [
        {"kind": "share", "person": "R1", "projects": "P1;P2;P3;P4", "ratio": 2.0}
    ]


def test_people_are_listed_in_the_order_first_seen() -> None:
    res = pd.DataFrame(
        {
            "project": ["P2", "P1", "P1", "P2"],
            "resource_id": ["R2", "R2", "R1", "R1"],
            "name": ["Zoé", "Zoé", "Alain", "Alain"],
            "department": ["M", "M", "M", "M"],
            "hours_per_day": [7.0] * 4,
            "project_share": [0.6, 0.6, 0.7, 0.7],
        }
    )
    over = overallocations(three_loads(1.0).iloc[:0], res)
    assert over[["person", "projects", "ratio"]].to_dict("records") == [
        {"person": "R2", "projects": "P1;P2", "ratio": 1.2},
        {"person": "R1", "projects": "P1;P2", "ratio": 1.4},
    ]
