"""DCMA 14-point assessment: each check passing and failing exactly at its threshold.

The base network has 20 tasks: a start milestone S, a chain T01..T18 (T01 lasts 3 days, the others
1 day, each owned by R1) and a finish milestone F, with 20 FS links (F also follows S). So one
offending task or link out of 20 is exactly 5 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.dcma import CPT_DELAY_DAYS, DEFAULT_THRESHOLDS, NAMES, DcmaCheck, dcma_checks
from pmo_xl.core.schedule import compute_schedule
from pmo_xl.model import make_project_data

MONDAY = dt.date(2026, 5, 4)
CAL = WorkCalendar("none")
Row = dict[str, Any]


def build(
    chain: int = 18,
    extra: Sequence[Row] = (),
    finish_after: Sequence[str] = (),
    **changes: Row,
) -> pd.DataFrame:
    """The base network with ``chain`` tasks, extra rows and per-task field changes."""
    rows: list[Row] = [{"task_id": "S", "name": "start", "duration": 0}]
    for i in range(1, chain + 1):
        pred = "S" if i == 1 else f"T{i - 1:02d}"
        rows.append(
            {
                "task_id": f"T{i:02d}",
                "name": f"task {i}",
                "duration": 3 if i == 1 else 1,
                "predecessors": pred,
                "owner": "R1",
            }
        )
    rows.extend(extra)
    preds = ";".join([f"T{chain:02d}", "S", *finish_after])
    rows.append({"task_id": "F", "name": "finish", "duration": 0, "predecessors": preds})
    for row in rows:
        row.update(changes.get(str(row["task_id"]), {}))
    return make_project_data(tables={"tasks": pd.DataFrame(rows)}).tasks


def assess(
    tasks: pd.DataFrame,
    status: dt.date | None = None,
    settings: Mapping[str, Any] | None = None,
    assignments: pd.DataFrame | None = None,
) -> dict[str, DcmaCheck]:
    schedule = compute_schedule(tasks, CAL, MONDAY, status)
    checks = dcma_checks(tasks, schedule, CAL, status, settings or {}, assignments)
    assert [c.number for c in checks] == list(range(1, 15))
    return {c.code: c for c in checks}


def verdict(check: DcmaCheck) -> tuple[float | None, bool, tuple[str, ...]]:
    return check.value, check.passed, check.tasks


def test_base_network_passes_everything() -> None:
    checks = assess(build())
    assert {code: c.passed for code, c in checks.items()} == dict.fromkeys(NAMES, True)
    assert checks["missing_logic"].population == 20
    assert checks["leads"].population == 20
    assert checks["relationship_types"].value == 100.0
    assert checks["critical_path_test"].value == CPT_DELAY_DAYS
    assert checks["cpli"].value == 1.0
    assert checks["bei"].value is None  # nothing due


def test_names_json_and_thresholds() -> None:
    check = assess(build())["missing_logic"]
    assert check.check == "missing_logic"
    assert check.name("fr") == "Logique manquante"
    assert check.as_json() == {
        "check": "missing_logic",
        "number": 1,
        "name": "Missing logic",
        "value": 0.0,
        "threshold": 5.0,
        "unit": "%",
        "pass": True,
        "tasks": [],
    }
    assert len(DEFAULT_THRESHOLDS) == 14


# 1 -- missing logic (5 %); the project's start and finish milestones are exempt


def test_missing_logic_at_and_over_threshold() -> None:
    dangling = {"name": "no successor", "duration": 1, "predecessors": "T01", "owner": "R1"}
    one = assess(build(17, [{"task_id": "X", **dangling}]))["missing_logic"]
    assert verdict(one) == (5.0, True, ("X",))
    two = assess(build(16, [{"task_id": "X", **dangling}, {"task_id": "Y", **dangling}]))
    assert verdict(two["missing_logic"]) == (10.0, False, ("X", "Y"))


# 2 -- leads (0 %), 3 -- lags (5 %), 4 -- relationship types (FS >= 90 %)


def test_leads() -> None:
    check = assess(build(T05={"predecessors": "T04FS-1"}))["leads"]
    assert verdict(check) == (5.0, False, ("T05",))


def test_lags_at_and_over_threshold() -> None:
    one = assess(build(T05={"predecessors": "T04FS+2"}))["lags"]
    assert verdict(one) == (5.0, True, ("T05",))
    two = assess(build(T05={"predecessors": "T04FS+2"}, T06={"predecessors": "T05+1"}))["lags"]
    assert verdict(two) == (10.0, False, ("T05", "T06"))


def test_relationship_types_at_and_under_threshold() -> None:
    t05, t06 = {"predecessors": "T04SS"}, {"predecessors": "T05SS"}
    at = assess(build(T05=t05, T06=t06))["relationship_types"]
    assert verdict(at) == (90.0, True, ("T05", "T06"))
    under = assess(build(T05=t05, T06=t06, T07={"predecessors": "T06FF"}))["relationship_types"]
    assert verdict(under) == (85.0, False, ("T05", "T06", "T07"))


def test_links_between_finished_tasks_are_not_counted() -> None:
    done = {"actual_start": "2026-05-04", "actual_finish": "2026-05-06"}
    tasks = build(S={"actual_start": "2026-05-04"}, T01=done, T02={"predecessors": "T01FS-1"})
    check = assess(tasks, dt.date(2026, 5, 6))["leads"]
    # S -> T01 is between finished tasks; T01 -> T02 has an incomplete end
    assert (check.count, check.population, check.tasks) == (1, 19, ("T02",))


# 5 -- hard constraints (5 %): must start on, finish no later than


def test_hard_constraints_at_and_over_threshold() -> None:
    mso = {"constraint": "mso", "constraint_date": "2026-05-12"}  # T05's own start, day 6
    snet = {"constraint": "snet", "constraint_date": "2026-05-04"}
    one = assess(build(T05=mso, T07=snet))["hard_constraints"]
    assert verdict(one) == (5.0, True, ("T05",))
    fnlt = {"constraint": "fnlt", "constraint_date": "2026-06-30"}
    two = assess(build(T05=mso, T06=fnlt))["hard_constraints"]
    assert verdict(two) == (10.0, False, ("T05", "T06"))


# 6 -- high float (5 %), over ``dcma_high_float_days`` days


def parallel(*ids: str) -> list[Row]:
    return [
        {"task_id": t, "name": t, "duration": 1, "predecessors": "S", "owner": "R1"} for t in ids
    ]


def test_high_float_at_and_over_threshold() -> None:
    tasks = build(17, parallel("X"), ["X"])  # X: total float 19 - 1 = 18
    assert assess(tasks)["high_float"].value == 0.0  # 18 <= 44
    at_limit = assess(tasks, settings={"dcma_high_float_days": 18})["high_float"]
    assert verdict(at_limit) == (0.0, True, ())
    one = assess(tasks, settings={"dcma_high_float_days": 17})["high_float"]
    assert verdict(one) == (5.0, True, ("X",))
    two = assess(build(16, parallel("X", "Y"), ["X", "Y"]), settings={"dcma_high_float_days": 16})
    assert verdict(two["high_float"]) == (10.0, False, ("X", "Y"))


# 7 -- negative float (0 %)


def test_negative_float() -> None:
    late = {
        "task_id": "X",
        "name": "too late",
        "duration": 3,
        "owner": "R1",
        "constraint": "fnlt",
        "constraint_date": "2026-05-05",
    }
    check = assess(build(17, [late], ["X"]))["negative_float"]
    assert verdict(check) == (5.0, False, ("X",))


# 8 -- high duration (5 %), remaining over ``dcma_high_duration_days`` days


def test_high_duration_at_and_over_threshold() -> None:
    long = {"duration": 10}
    tasks = build(T05=long)
    assert assess(tasks, settings={"dcma_high_duration_days": 10})["high_duration"].value == 0
    one = assess(tasks, settings={"dcma_high_duration_days": 9})["high_duration"]
    assert verdict(one) == (5.0, True, ("T05",))
    two = assess(build(T05=long, T06=long), settings={"dcma_high_duration_days": 9})
    assert verdict(two["high_duration"]) == (10.0, False, ("T05", "T06"))


def test_high_duration_uses_the_remaining_duration() -> None:
    running = {"duration": 10, "actual_start": "2026-05-04", "percent_complete": 0.5}
    tasks = build(S={"actual_start": "2026-05-04"}, T01=running)
    check = assess(tasks, dt.date(2026, 5, 6), {"dcma_high_duration_days": 5})["high_duration"]
    assert verdict(check) == (0.0, True, ())  # 5 days left


# 9 -- invalid dates (0 %)


def test_invalid_dates() -> None:
    status = dt.date(2026, 5, 5)
    assert verdict(assess(build(), status)["invalid_dates"]) == (0.0, True, ())
    future = {"actual_start": "2026-05-06"}  # after the status date
    check = assess(build(S={"actual_start": "2026-05-04"}, T01=future), status)["invalid_dates"]
    assert verdict(check) == (5.0, False, ("T01",))


def test_invalid_dates_on_a_plan_not_statused() -> None:
    tasks = build()
    status = dt.date(2026, 5, 6)  # day 2: T01 should have started by now
    schedule = compute_schedule(tasks, CAL, MONDAY, status, progress=False)
    checks = dcma_checks(tasks, schedule, CAL, status, {})
    assert verdict(checks[8]) == (10.0, False, ("S", "T01"))


# 10 -- resources (0 %): an owner, a budget or an assignment


def test_resources() -> None:
    orphan = {"owner": None}
    check = assess(build(T05=orphan))["resources"]
    assert (verdict(check), check.population) == ((100 / 18, False, ("T05",)), 18)
    assert assess(build(T05={"owner": None, "budget": 100.0}))["resources"].passed
    assigned = pd.DataFrame({"task_id": ["T05"], "resource_id": ["R2"], "planned_hours": [7.0]})
    assert assess(build(T05=orphan), assignments=assigned)["resources"].passed


# 11 -- missed tasks (5 %), 14 -- BEI (>= 0.95): on 20 tasks due by the status date

STATUS = dt.date(2026, 5, 8)


def due_tasks(late: int = 0, unfinished: int = 0) -> pd.DataFrame:
    rows: list[Row] = []
    for i in range(20):
        row: Row = {
            "task_id": f"D{i:02d}",
            "name": "due",
            "duration": 1,
            "owner": "R1",
            "baseline_finish": "2026-05-05",
            "actual_start": "2026-05-05",
            "actual_finish": "2026-05-05",
        }
        if i < late:
            row["actual_finish"] = "2026-05-06"
        elif i < late + unfinished:
            row["actual_finish"] = None
        rows.append(row)
    return make_project_data(tables={"tasks": pd.DataFrame(rows)}).tasks


def test_missed_tasks_at_and_over_threshold() -> None:
    assert verdict(assess(due_tasks(), STATUS)["missed_tasks"]) == (0.0, True, ())
    assert verdict(assess(due_tasks(late=1), STATUS)["missed_tasks"]) == (5.0, True, ("D00",))
    two = assess(due_tasks(late=1, unfinished=1), STATUS)["missed_tasks"]
    assert verdict(two) == (10.0, False, ("D00", "D01"))


def test_bei_at_and_under_threshold() -> None:
    assert verdict(assess(due_tasks(late=1), STATUS)["bei"]) == (1.0, True, ())
    assert verdict(assess(due_tasks(unfinished=1), STATUS)["bei"]) == (0.95, True, ("D00",))
    two = assess(due_tasks(unfinished=2), STATUS)["bei"]
    assert verdict(two) == (0.9, False, ("D00", "D01"))


def test_no_status_date_nothing_due() -> None:
    checks = assess(due_tasks())
    for code in ("invalid_dates", "missed_tasks", "bei"):
        assert (checks[code].value, checks[code].passed) == (None, True)


# 12 -- critical path test


def test_critical_path_test_fails_when_a_hard_constraint_breaks_the_path() -> None:
    pinned = {"constraint": "mso", "constraint_date": "2026-05-19"}  # T10 on its own day 11
    check = assess(build(T10=pinned))["critical_path_test"]
    # delaying S by 600 days moves T01..T09 (T09 now ends on day 611) but T10..T18 stay: the
    # finish moves from day 20 to day 611, 591 days
    assert verdict(check) == (591.0, False, ("S",))
    assert check.threshold == CPT_DELAY_DAYS


def test_critical_path_test_without_critical_task_fails() -> None:
    done = {"actual_start": "2026-05-04", "actual_finish": "2026-05-04"}
    tasks = make_project_data(
        tables={"tasks": pd.DataFrame([{"task_id": "A", "name": "A", "duration": 1, **done}])}
    ).tasks
    check = assess(tasks, STATUS)["critical_path_test"]
    assert (check.value, check.passed) == (None, False)


# 13 -- CPLI (>= 0.95): critical path length 20 days, F forecast on day 20


@pytest.mark.parametrize(
    ("baseline", "cpli", "passed"),
    [("2026-06-01", 1.0, True), ("2026-05-29", 0.95, True), ("2026-05-28", 0.9, False)],
)
def test_cpli(baseline: str, cpli: float, passed: bool) -> None:
    check = assess(build(F={"baseline_finish": baseline}))["cpli"]
    assert check.value == pytest.approx(cpli)
    assert check.passed is passed


def test_cpli_from_the_status_date_with_negative_float() -> None:
    tasks = build(F={"constraint": "fnlt", "constraint_date": "2026-05-29"})  # one day short
    check = assess(tasks, dt.date(2026, 5, 1))["cpli"]  # status before the start: CPL is 20
    assert (check.value, check.passed) == (0.95, True)


def test_thresholds_can_be_overridden() -> None:
    tasks = build(T05={"predecessors": "T04FS+2"})
    schedule = compute_schedule(tasks, CAL, MONDAY)
    checks = dcma_checks(tasks, schedule, CAL, None, {}, thresholds={"lags": 4.0})
    assert (checks[2].value, checks[2].threshold, checks[2].passed) == (5.0, 4.0, False)
