"""The seeded sample generator: determinism, invariants at every size, the planted trouble."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_xl.core.calendar import FRENCH
from pmo_xl.core.links import find_cycle, parse_predecessors
from pmo_xl.core.schedule import compute_schedule
from pmo_xl.model import ProjectData
from pmo_xl.sample import PLANTED, PROJECT_START, STATUS_DATE, generate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_WORKBOOK = ROOT / "workbooks" / "sample_project.xlsx"
HAS_WRITER = (ROOT / "pmo_xl" / "io" / "template.py").exists()


@cache
def project(seed: int = 2026, n_tasks: int = 60, n_actuals: int | None = None,
            lang: str = "fr") -> ProjectData:  # fmt: skip
    return generate(seed, n_tasks=n_tasks, n_actuals=n_actuals, lang=lang)  # type: ignore[arg-type]


CASES = {
    "sample": (2026, 60, None, "fr"),
    "sample-other-seed-en": (7, 60, None, "en"),
    "synthetic-500": (3, 500, None, "fr"),
    "synthetic-2000": (5, 2000, 20000, "en"),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def data(request: pytest.FixtureRequest) -> ProjectData:
    return project(*CASES[request.param])


def day(value: dt.date) -> pd.Timestamp:
    return pd.Timestamp(value)


# ---------------------------------------------------------------- determinism


def test_same_seed_same_data() -> None:
    assert generate().equals(generate())
    assert generate(11, n_tasks=300, n_actuals=2500).equals(
        generate(11, n_tasks=300, n_actuals=2500)
    )


def test_other_seed_other_data() -> None:
    assert not generate(1).equals(generate(2))
    assert not generate(1, n_tasks=300).equals(generate(2, n_tasks=300))


def test_default_sample_card() -> None:
    card = project().project
    assert card["status_date"] == STATUS_DATE == dt.date(2026, 6, 26)
    assert card["start_date"] == PROJECT_START
    assert card["current_phase"] == "Travaux en arrêt de tranche"
    assert card["language"] == "fr"
    assert card["planned_finish"] == project().tasks["baseline_finish"].max().date()
    assert len(project().tasks) == 60
    assert project().tasks["phase"].nunique() == 6
    assert len(project().resources) == 10
    assert project().resources["department"].nunique() == 4
    assert len(project().risks) == 15
    assert (project().risks["status"] == "closed").sum() == 4
    assert set(project().changes["status"]) == {"proposed", "approved", "rejected"}
    assert "contingency" in set(project().budget["category"])


def test_english_sample_is_the_same_project_in_english() -> None:
    fr, en = project(), project(2026, 60, None, "en")
    assert en.project["language"] == "en"
    assert en.tasks.loc[2, "name"] == "Milestone: project kick-off"
    assert en.tasks["phase"].iloc[-1] == "Close-out"
    for col in ("task_id", "duration", "planned_start", "percent_complete", "budget"):
        assert fr.tasks[col].equals(en.tasks[col])
    assert fr.project["bac"] == en.project["bac"]


def test_n_actuals_is_the_number_of_actuals_rows() -> None:
    assert len(generate(4, n_tasks=200, n_actuals=3000).actuals) == 3000
    assert len(generate(n_actuals=400).actuals) == 400
    natural = len(project().actuals)
    assert len(generate(n_actuals=natural - 30).actuals) == natural - 30


def test_large_project_keeps_its_sizes() -> None:
    data = generate(9, n_tasks=2000, n_actuals=20000)  # speed: benchmarks, not unit tests
    assert (len(data.tasks), len(data.actuals)) == (2000, 20000)


# ---------------------------------------------------------------- invariants


def test_ids_unique(data: ProjectData) -> None:
    for key, column in (("tasks", "task_id"), ("resources", "resource_id"),
                        ("budget", "line_id"), ("risks", "risk_id"), ("quality", "item_id"),
                        ("changes", "change_id"), ("training", "action_id")):  # fmt: skip
        ids = data.table(key)[column]
        assert ids.notna().all() and ids.is_unique, key


def test_predecessors_parse_and_point_to_earlier_tasks(data: ProjectData) -> None:
    tasks = data.tasks
    ids = list(tasks["task_id"])
    position = {t: i for i, t in enumerate(ids)}
    successors: dict[str, list[str]] = {}
    for i, (task, text) in enumerate(zip(ids, tasks["predecessors"], strict=True)):
        for link in parse_predecessors(text, task, known_ids=position):
            assert link.pred in position, (task, text)
            assert position[link.pred] < i, (task, text)
            successors.setdefault(link.pred, []).append(task)
    assert find_cycle(successors, ids) is None
    # every task but the last milestone leads somewhere
    assert set(ids[:-1]) <= set(successors)


def test_planned_dates_follow_the_logic(data: ProjectData) -> None:
    tasks = data.tasks
    plan = compute_schedule(tasks, FRENCH, PROJECT_START).tasks
    assert (plan["start"].to_numpy() == tasks["planned_start"].to_numpy()).all()
    assert (plan["finish"].to_numpy() == tasks["planned_finish"].to_numpy()).all()
    baseline = tasks.assign(duration=_baseline_durations(tasks))
    base = compute_schedule(baseline, FRENCH, PROJECT_START).tasks
    assert (base["start"].to_numpy() == tasks["baseline_start"].to_numpy()).all()
    assert (base["finish"].to_numpy() == tasks["baseline_finish"].to_numpy()).all()
    assert (tasks["baseline_finish"] <= tasks["planned_finish"]).all()
    assert (tasks["baseline_finish"] < tasks["planned_finish"]).any()  # some re-planned later
    milestones = tasks["duration"] == 0
    assert milestones.sum() >= 6
    assert (tasks.loc[milestones, "planned_start"] == tasks.loc[milestones, "planned_finish"]).all()


def _baseline_durations(tasks: pd.DataFrame) -> np.ndarray:
    """Working days from baseline start to finish (inclusive), 0 for milestones."""
    span = FRENCH.count_inclusive(tasks["baseline_start"], tasks["baseline_finish"])
    return np.where(tasks["duration"] == 0, 0.0, span)


def test_budgets_sum_to_bac(data: ProjectData) -> None:
    tasks, lines = data.tasks, data.budget
    bac = data.project["bac"]
    assert tasks["budget"].sum() == bac
    assert (tasks["budget"] == tasks["budget"].round()).all()
    assert (tasks.loc[tasks["duration"] > 0, "budget"] > 0).all()
    reserve = lines["category"] == "contingency"
    assert reserve.sum() == 1 and lines.loc[reserve, "task_id"].isna().all()
    per_task = lines.loc[~reserve].groupby("task_id")["amount"].sum()
    expected = tasks.set_index("task_id")["budget"]
    assert per_task.reindex(expected.index, fill_value=0.0).equals(expected)
    assert set(lines["category"]) >= {"labour", "subcontracting", "purchase", "contingency"}


def test_dates_never_after_the_status_date(data: ProjectData) -> None:
    status = day(data.status_date)  # type: ignore[arg-type]
    assert data.status_date.weekday() == 4  # type: ignore[union-attr]
    tasks, actuals = data.tasks, data.actuals
    for col in ("actual_start", "actual_finish", "last_update"):
        assert (tasks[col].dropna() <= status).all(), col
    assert actuals["date"].notna().all()
    assert actuals["date"].max() <= status
    assert actuals["date"].min() >= day(PROJECT_START)
    assert (FRENCH.is_working(actuals["date"])).all()
    assert (data.quality["accepted_on"].dropna() <= status).all()
    assert (data.changes["decided_on"].dropna() <= status).all()
    assert (data.training["done_date"].dropna() <= status).all()


def test_progress_is_consistent(data: ProjectData) -> None:
    tasks = data.tasks
    pct, start, finish = tasks["percent_complete"], tasks["actual_start"], tasks["actual_finish"]
    assert ((pct == 1.0) == finish.notna()).all()
    assert ((pct > 0) == start.notna()).all()
    assert (pct.between(0, 1)).all()
    assert (start[finish.notna()] <= finish[finish.notna()]).all()
    assert (start.notna() == tasks["last_update"].notna()).all()
    assert (tasks["last_update"].dropna() >= start.dropna()).all()
    # progress respects the links: FS needs the predecessor finished, SS started
    state = dict(
        zip(tasks["task_id"], zip(start.notna(), finish.notna(), strict=True), strict=True)
    )
    for task, text in zip(tasks["task_id"], tasks["predecessors"], strict=True):
        started, finished = state[task]
        for link in parse_predecessors(text, task, known_ids=state):
            if started and link.type == "FS":
                assert state[link.pred][1], (link.pred, task)
            if started and link.type == "SS":
                assert state[link.pred][0], (link.pred, task)
            if finished and link.type == "FF":
                assert state[link.pred][1], (link.pred, task)
    assert (pct == 1.0).any() and ((pct > 0) & (pct < 1)).any() and (pct == 0).any()


def test_resources_and_actuals(data: ProjectData) -> None:
    res = data.resources
    assert res["project_share"].between(0.2, 0.8).all()
    assert res["hours_per_day"].between(7, 8).all()
    assert (res["daily_rate"] > 0).all()
    known = set(res["resource_id"])
    assert set(data.assignments["resource_id"]) <= known
    assert set(data.assignments["task_id"]) <= set(data.tasks["task_id"])
    assert (data.assignments["planned_hours"] > 0).all()
    actuals = data.actuals
    labour = actuals["category"] == "labour"
    assert (actuals.loc[labour, "hours"] > 0).all()
    assert actuals.loc[labour, "cost"].isna().all()
    assert set(actuals.loc[labour, "resource_id"]) <= known
    assert (actuals.loc[~labour, "cost"] > 0).all()
    assert actuals.loc[~labour, ["hours", "resource_id"]].isna().all().all()
    assert set(actuals.loc[~labour, "category"]) <= {"subcontracting", "purchase", "travel"}
    assert set(actuals["task_id"]) <= set(data.tasks["task_id"])
    # only started tasks have actuals
    started = set(data.tasks.loc[data.tasks["actual_start"].notna(), "task_id"])
    assert set(actuals["task_id"]) <= started
    assert actuals["reference"].notna().all()


def test_registers(data: ProjectData) -> None:
    status = day(data.status_date)  # type: ignore[arg-type]
    risks = data.risks
    assert risks["probability"].between(1, 5).all() and risks["impact"].between(1, 5).all()
    assert risks["residual_probability"].between(1, 5).all()
    assert (risks["residual_probability"] <= risks["probability"]).all()
    assert (risks["residual_impact"] <= risks["impact"]).all()
    assert (risks["raised_on"] <= status).all() and (risks["last_review"] <= status).all()
    accepted = data.quality["status"] == "accepted"
    assert (data.quality["accepted_on"].notna() == accepted).all()
    decided = data.changes["status"] != "proposed"
    assert (data.changes["decided_on"].notna() == decided).all()
    done = data.training["status"] == "done"
    assert (data.training["done_date"].notna() == done).all()
    assert (data.training.loc[data.training["status"] == "planned", "planned_date"] > status).all()


# ---------------------------------------------------------------- planted trouble


SEEDS = [2026, 7]


def in_progress(data: ProjectData) -> pd.DataFrame:
    t = data.tasks
    return t[t["actual_start"].notna() & t["actual_finish"].isna()]


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_late_critical_tasks_make_the_finish_slip(seed: int) -> None:
    data = project(seed)
    tasks = data.tasks.set_index("task_id")
    status = data.status_date
    planted = PLANTED["late_critical"]
    for task, pct in planted["percent_complete"].items():
        row = tasks.loc[task]
        assert pd.notna(row["actual_start"]) and pd.isna(row["actual_finish"])
        assert row["percent_complete"] == pct
        elapsed = FRENCH.count_inclusive(row["planned_start"], day(status)) / row["duration"]
        assert float(elapsed) >= pct + 0.15  # well behind its own plan
    plan = compute_schedule(data.tasks, FRENCH, PROJECT_START)
    forecast = compute_schedule(data.tasks, FRENCH, PROJECT_START, status)
    assert set(planted["tasks"]) <= set(forecast.critical_path)
    assert forecast.finish is not None and plan.finish is not None
    assert forecast.finish > plan.finish > data.project["planned_finish"]
    assert FRENCH.count(plan.finish, forecast.finish) >= 4
    assert FRENCH.count(data.project["planned_finish"], forecast.finish) >= 6
    for task in planted["replanned"]:
        assert tasks.loc[task, "baseline_finish"] < tasks.loc[task, "planned_finish"]


def _cost_by_task(data: ProjectData) -> pd.DataFrame:
    a = data.actuals
    per_hour = data.resources.set_index("resource_id").eval("daily_rate / hours_per_day")
    cost = a["cost"].fillna(a["hours"] * a["resource_id"].map(per_hour))
    tasks = data.tasks.set_index("task_id")
    return pd.DataFrame(
        {
            "phase": tasks["phase"],
            "ev": tasks["budget"] * tasks["percent_complete"],
            "ac": cost.groupby(a["task_id"]).sum().reindex(tasks.index, fill_value=0.0),
        }
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_cost_overrun_in_one_phase(seed: int) -> None:
    by_phase = _cost_by_task(project(seed)).groupby("phase")[["ev", "ac"]].sum()
    planted = PLANTED["cost_overrun"]
    overrun = by_phase.loc[planted["phase"]]
    assert overrun["ac"] >= 1.3 * overrun["ev"] > 0
    others = by_phase.drop(planted["phase"])
    others = others[others["ev"] > 0]
    assert len(others) >= 3
    assert (others["ac"] / others["ev"]).between(0.85, 1.1).all()
    phase_tasks = project(seed).tasks.query("phase == @planted['phase']")["task_id"]
    assert set(planted["tasks"]) <= set(phase_tasks)


def weekly_load(data: ProjectData) -> pd.DataFrame:
    """Planned hours per resource and ISO week (spread evenly over each task's working days)."""
    tasks = data.tasks.set_index("task_id")
    rows = []
    for a in data.assignments.itertuples():
        days = FRENCH.working_days(tasks.loc[a.task_id, "planned_start"],
                                   tasks.loc[a.task_id, "planned_finish"])  # fmt: skip
        for d in days:
            rows.append((a.resource_id, pd.Timestamp(d), a.planned_hours / len(days)))
    load = pd.DataFrame(rows, columns=["resource_id", "day", "hours"])
    load["week"] = load["day"] - pd.to_timedelta(load["day"].dt.day_of_week, unit="D")
    weekly = load.groupby(["resource_id", "week"], as_index=False)["hours"].sum()
    res = data.resources.set_index("resource_id")
    working = [len(FRENCH.working_days(w, w + pd.Timedelta(days=4))) for w in weekly["week"]]
    weekly["capacity"] = (
        weekly["resource_id"].map(res["hours_per_day"] * res["project_share"]) * working
    )
    return weekly


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_over_allocated_engineer(seed: int) -> None:
    data = project(seed)
    weekly = weekly_load(data)
    over = weekly[weekly["hours"] > weekly["capacity"] + 1e-9]
    planted = PLANTED["over_allocated"]
    assert set(over["resource_id"]) == {planted["resource"]}
    assert (over["hours"] > 1.5 * over["capacity"]).sum() >= 2  # clearly, for weeks
    mine = data.assignments[data.assignments["resource_id"] == planted["resource"]]
    assert (
        mine.set_index("task_id")["planned_hours"].reindex(planted["tasks"]).to_dict()
        == (planted["planned_hours"])
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_stale_task(seed: int) -> None:
    data = project(seed)
    status = day(data.status_date)  # type: ignore[arg-type]
    running = in_progress(data).set_index("task_id")
    planted = PLANTED["stale_task"]
    stale = running.loc[planted["task"]]
    assert stale["last_update"] == day(planted["last_update"])
    assert stale["last_update"] <= status - pd.Timedelta(days=28)
    assert stale["percent_complete"] == planted["percent_complete"]
    assert stale["planned_finish"] > status  # stale, not simply overdue
    others = running.drop(planted["task"])
    assert (others["last_update"] >= status - pd.Timedelta(days=7)).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_silent_resource(seed: int) -> None:
    data = project(seed)
    status = day(data.status_date)  # type: ignore[arg-type]
    planted = PLANTED["silent_resource"]
    who = planted["resource"]
    actuals = data.actuals
    mine = actuals[actuals["resource_id"] == who]
    assert mine["date"].max() == day(planted["last_actual"])
    assert mine["date"].max() <= status - pd.Timedelta(days=21)
    running = set(in_progress(data)["task_id"])
    assigned = data.assignments
    my_tasks = set(assigned.loc[assigned["resource_id"] == who, "task_id"])
    assert set(planted["tasks_in_progress"]) <= my_tasks & running
    # everyone else assigned to work in progress logged time in the last two weeks
    recent = set(actuals.loc[actuals["date"] > status - pd.Timedelta(days=14), "resource_id"])
    busy = set(assigned.loc[assigned["task_id"].isin(running), "resource_id"])
    assert busy - recent == {who}


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_overdue_risk_action_and_deliverable(seed: int) -> None:
    data = project(seed)
    status = day(data.status_date)  # type: ignore[arg-type]
    risks = data.risks
    overdue = risks[(risks["status"] == "open") & (risks["action_due"] < status)]
    assert list(overdue["risk_id"]) == [PLANTED["overdue_risk_action"]["risk"]]
    assert overdue["action_due"].iloc[0] == day(PLANTED["overdue_risk_action"]["action_due"])
    q = data.quality
    late = q[(q["due_date"] < status) & ~q["status"].isin(["submitted", "accepted"])]
    assert list(late["item_id"]) == [PLANTED["past_due_deliverable"]["item"]]
    assert late["due_date"].iloc[0] == day(PLANTED["past_due_deliverable"]["due_date"])


# ---------------------------------------------------------------- the committed workbook


@pytest.mark.skipif(not HAS_WRITER, reason="pmo_xl/io/template.py (the writer) is not there yet")
def test_committed_sample_workbook_is_fresh(tmp_path: Path) -> None:
    from pmo_xl.io.template import write_workbook

    fresh = tmp_path / "sample_project.xlsx"
    write_workbook(fresh, lang="fr", project=generate())
    assert SAMPLE_WORKBOOK.exists(), "run: python -m pmo_xl.sample --write"
    assert fresh.read_bytes() == SAMPLE_WORKBOOK.read_bytes(), (
        "workbooks/sample_project.xlsx is stale: run python -m pmo_xl.sample --write"
    )
