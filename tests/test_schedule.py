"""Critical path method: the public oracle, constraints, progress, cycles and properties."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.schedule import FINISHED, IN_PROGRESS, NOT_STARTED, compute_schedule
from pmo_xl.errors import ScheduleError
from pmo_xl.model import make_project_data

MONDAY = dt.date(2026, 5, 4)
NONE = WorkCalendar("none")
FRANCE = WorkCalendar("france")


def table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A Tasks table typed as the readers give it."""
    return make_project_data(tables={"tasks": pd.DataFrame(rows)}).tasks


def oracle() -> pd.DataFrame:
    return table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {"task_id": "B", "name": "B", "duration": 4, "predecessors": "A"},
            {"task_id": "C", "name": "C", "duration": 2, "predecessors": "ASS+1"},
            {"task_id": "D", "name": "D", "duration": 5, "predecessors": "C;BFF+2"},
            {"task_id": "E", "name": "E", "duration": 2, "predecessors": "DFS+1;CSF+6"},
        ]
    )


def early(result: object) -> dict[str, tuple[float, float]]:
    frame = result.tasks  # type: ignore[attr-defined]
    return {t: (row.es, row.ef) for t, row in frame.iterrows()}


# -- the public oracle ---------------------------------------------------------------------------


def test_oracle_early_dates_floats_and_critical_path() -> None:
    result = compute_schedule(oracle(), FRANCE, MONDAY)
    assert early(result) == {
        "A": (0, 3),
        "B": (3, 7),
        "C": (1, 3),
        "D": (4, 9),
        "E": (10, 12),
    }
    assert result.tasks.loc["C", "total_float"] == 1
    assert result.tasks.loc["C", "free_float"] == 1
    assert result.tasks["total_float"].drop("C").tolist() == [0, 0, 0, 0]
    assert result.critical_path == ["A", "B", "D", "E"]
    assert result.tasks["critical"].tolist() == [True, True, False, True, True]
    assert result.finish_index == 12


@pytest.mark.parametrize(
    ("calendar", "finish"),
    [(FRANCE, dt.date(2026, 5, 21)), (NONE, dt.date(2026, 5, 19))],
    ids=["france", "none"],
)
def test_oracle_finish_date(calendar: WorkCalendar, finish: dt.date) -> None:
    result = compute_schedule(oracle(), calendar, MONDAY)
    assert result.finish == finish
    assert result.origin == MONDAY
    assert result.tasks.loc["E", "finish"] == pd.Timestamp(finish)


def test_oracle_dates_and_late_dates_on_the_french_calendar() -> None:
    frame = compute_schedule(oracle(), FRANCE, MONDAY).tasks
    # 8 May (Victory day) and 14 May (Ascension) are holidays
    assert frame.loc["D", "start"] == pd.Timestamp("2026-05-11")
    assert frame.loc["D", "finish"] == pd.Timestamp("2026-05-18")
    assert frame.loc["C", "late_start"] == pd.Timestamp("2026-05-06")
    assert frame.loc["C", "late_finish"] == pd.Timestamp("2026-05-07")
    assert (frame.loc["C", "ls"], frame.loc["C", "lf"]) == (2, 4)
    assert frame["start"].dtype == "datetime64[ns]"
    assert frame["es"].dtype == "float64"
    assert frame.index.tolist() == ["A", "B", "C", "D", "E"]


COLUMNS = (
    "es ef ls lf start finish late_start late_finish total_float free_float critical remaining "
    "duration"
)


def test_output_columns() -> None:
    frame = compute_schedule(oracle(), NONE, MONDAY).tasks
    assert set(COLUMNS.split(" ")) <= set(frame.columns)


# -- the convention ------------------------------------------------------------------------------


def test_milestone_finishes_on_its_start_date_and_project_start_rolls_forward() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 2},
            {"task_id": "M", "name": "M", "duration": 0, "predecessors": "A"},
        ]
    )
    result = compute_schedule(tasks, NONE, dt.date(2026, 5, 2))  # a Saturday
    assert result.origin == MONDAY
    assert early(result) == {"A": (0, 2), "M": (2, 2)}
    assert result.tasks.loc["M", "start"] == pd.Timestamp("2026-05-06")
    assert result.tasks.loc["M", "finish"] == pd.Timestamp("2026-05-06")
    assert result.finish == dt.date(2026, 5, 6)
    assert result.critical_path == ["A", "M"]


def test_leads_and_fractional_values_round_up() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 5},
            {"task_id": "B", "name": "B", "duration": 1.2, "predecessors": "AFS-2"},
            {"task_id": "C", "name": "C", "duration": 1, "predecessors": "BSS-4"},
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    # B starts 2 days before A ends; C's lead would take it before day 0
    assert early(result) == {"A": (0, 5), "B": (3, 5), "C": (0, 1)}


def test_unknown_predecessors_and_bad_pieces_are_ignored() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 2},
            {"task_id": "B", "name": "B", "duration": 1, "predecessors": "ZZZ;A;??x!"},
            {"task_id": None, "name": "blank row", "duration": 9},
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    assert early(result) == {"A": (0, 2), "B": (2, 3)}
    assert [(k.pred, k.succ, k.type, k.lag) for k in result.links] == [("A", "B", "FS", 0.0)]


def test_empty_table() -> None:
    result = compute_schedule(table([]), NONE, MONDAY)
    assert result.tasks.empty
    assert result.finish is None
    assert result.critical_path == []


# -- constraints ---------------------------------------------------------------------------------


def test_start_no_earlier_than_raises_the_early_start() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {
                "task_id": "B",
                "name": "B",
                "duration": 2,
                "predecessors": "A",
                "constraint": "snet",
                "constraint_date": "2026-05-11",  # day 5
            },
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    assert early(result) == {"A": (0, 3), "B": (5, 7)}
    assert result.tasks["total_float"].tolist() == [2, 0]
    assert result.tasks["free_float"].tolist() == [2, 0]
    assert result.critical_path == ["B"]


def test_must_start_on_fixes_the_start_later_than_the_logic() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {
                "task_id": "B",
                "name": "B",
                "duration": 2,
                "predecessors": "A",
                "constraint": "mso",
                "constraint_date": "2026-05-11",
            },
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    assert early(result) == {"A": (0, 3), "B": (5, 7)}
    assert result.tasks["total_float"].tolist() == [2, 0]


def test_must_start_on_before_the_logic_gives_negative_float_upstream() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {
                "task_id": "B",
                "name": "B",
                "duration": 2,
                "predecessors": "A",
                "constraint": "mso",
                "constraint_date": "2026-05-05",  # day 1, while A ends on day 3
            },
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    assert early(result) == {"A": (0, 3), "B": (1, 3)}
    assert result.tasks["total_float"].tolist() == [-2, 0]
    assert result.tasks["free_float"].tolist() == [-2, 0]  # the broken link shows
    assert result.critical_path == ["A"]


def test_finish_no_later_than_makes_float_negative_and_drives_the_critical_path() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3},
            {
                "task_id": "B",
                "name": "B",
                "duration": 4,
                "predecessors": "A",
                "constraint": "fnlt",
                "constraint_date": "2026-05-11",  # day 5: LF 6, while EF is 7
            },
            {"task_id": "C", "name": "C", "duration": 1, "predecessors": "B"},
            {"task_id": "D", "name": "D", "duration": 10},  # longest, zero float
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY)
    assert early(result) == {"A": (0, 3), "B": (3, 7), "C": (7, 8), "D": (0, 10)}
    assert result.tasks["total_float"].tolist() == [-1, -1, 2, 0]
    assert result.critical_path == ["A", "B"]
    assert result.tasks.loc["B", "late_finish"] == pd.Timestamp("2026-05-11")


def test_constraint_without_date_is_ignored() -> None:
    tasks = table([{"task_id": "A", "name": "A", "duration": 3, "constraint": "mso"}])
    assert early(compute_schedule(tasks, NONE, MONDAY)) == {"A": (0, 3)}


# -- progress ------------------------------------------------------------------------------------

STATUS = dt.date(2026, 5, 8)  # Friday, day 4: remaining work starts on Monday 11 May (day 5)


def progressed() -> pd.DataFrame:
    return table(
        [
            {
                "task_id": "A",
                "name": "done, one day late",
                "duration": 3,
                "actual_start": "2026-05-04",
                "actual_finish": "2026-05-07",
                "percent_complete": 1,
            },
            {
                "task_id": "B",
                "name": "running",
                "duration": 10,
                "predecessors": "A",
                "actual_start": "2026-05-08",
                "percent_complete": 0.25,
            },
            {"task_id": "C", "name": "not started", "duration": 2, "predecessors": "A"},
            {"task_id": "D", "name": "end", "duration": 1, "predecessors": "B;C"},
        ]
    )


def test_progress_finished_running_and_unstarted() -> None:
    result = compute_schedule(progressed(), NONE, MONDAY, STATUS)
    frame = result.tasks
    # A keeps its actual dates; B keeps its start and does ceil(10 x 0.75) = 8 days from day 5;
    # C could start on day 4 after A but not before day 5
    assert early(result) == {"A": (0, 4), "B": (4, 13), "C": (5, 7), "D": (13, 14)}
    assert frame["remaining"].tolist() == [0, 8, 2, 1]
    assert frame["state"].tolist() == [FINISHED, IN_PROGRESS, NOT_STARTED, NOT_STARTED]
    assert frame.loc["A", "start"] == pd.Timestamp("2026-05-04")
    assert frame.loc["A", "finish"] == pd.Timestamp("2026-05-07")
    assert frame.loc["B", "start"] == pd.Timestamp("2026-05-08")
    assert frame.loc["B", "finish"] == pd.Timestamp("2026-05-20")
    assert frame["total_float"].tolist() == [0, 0, 6, 0]
    assert result.critical_path == ["B", "D"]  # finished work is never critical
    assert result.finish == dt.date(2026, 5, 21)


def test_progress_is_ignored_without_status_date_or_when_disabled() -> None:
    expected = {"A": (0, 3), "B": (3, 13), "C": (3, 5), "D": (13, 14)}
    assert early(compute_schedule(progressed(), NONE, MONDAY)) == expected
    assert early(compute_schedule(progressed(), NONE, MONDAY, STATUS, progress=False)) == expected


def test_finished_without_actual_start_and_milestone_with_actual_start() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3, "actual_finish": "2026-05-06"},
            {
                "task_id": "M",
                "name": "kick-off",
                "duration": 0,
                "actual_start": "2026-05-05",
                "predecessors": "A",
            },
            {"task_id": "B", "name": "B", "duration": 2, "predecessors": "M"},
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY, STATUS)
    assert early(result) == {"A": (0, 3), "M": (1, 1), "B": (5, 7)}
    assert result.tasks["state"].tolist() == [FINISHED, FINISHED, NOT_STARTED]
    assert result.tasks["free_float"].tolist() == [-2, 4, 0]  # A -> M broken by actual dates


def test_in_progress_fully_complete_without_finish_and_status_before_start() -> None:
    tasks = table(
        [
            {
                "task_id": "A",
                "name": "A",
                "duration": 4,
                "actual_start": "2026-05-04",
                "percent_complete": 1,
            },
            {"task_id": "B", "name": "B", "duration": 2},
        ]
    )
    result = compute_schedule(tasks, NONE, MONDAY, STATUS)
    assert early(result) == {"A": (0, 5), "B": (5, 7)}
    assert result.tasks["remaining"].tolist() == [0, 2]
    before = compute_schedule(tasks.iloc[1:], NONE, MONDAY, dt.date(2026, 4, 1))
    assert early(before) == {"B": (0, 2)}


def test_baseline_slip_in_working_days() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 3, "baseline_finish": "2026-05-05"},
            {"task_id": "B", "name": "B", "duration": 4, "predecessors": "A"},
        ]
    )
    result = compute_schedule(tasks, FRANCE, MONDAY)
    assert result.finish == dt.date(2026, 5, 13)  # day 6, over the 8 May holiday
    assert result.baseline_finish == dt.date(2026, 5, 5)
    assert result.slip_days == 5


# -- errors --------------------------------------------------------------------------------------


def cyclic() -> pd.DataFrame:
    return table(
        [
            {"task_id": "S", "name": "S", "duration": 1},
            {"task_id": "A", "name": "A", "duration": 1, "predecessors": "S;C"},
            {"task_id": "B", "name": "B", "duration": 1, "predecessors": "A"},
            {"task_id": "C", "name": "C", "duration": 1, "predecessors": "B"},
            {"task_id": "D", "name": "D", "duration": 1, "predecessors": "C"},
        ]
    )


def test_cycle_names_its_tasks() -> None:
    with pytest.raises(ScheduleError) as info:
        compute_schedule(cyclic(), NONE, MONDAY)
    assert str(info.value) == "Tasks: cycle in the predecessors: A -> B -> C -> A"
    with pytest.raises(ScheduleError) as info:
        compute_schedule(cyclic(), NONE, MONDAY, lang="fr")
    assert str(info.value) == "Tâches : boucle dans les prédécesseurs : A -> B -> C -> A"


def test_self_link_is_a_cycle() -> None:
    tasks = table([{"task_id": "A", "name": "A", "duration": 1, "predecessors": "A"}])
    with pytest.raises(ScheduleError, match=r"A -> A$"):
        compute_schedule(tasks, NONE, MONDAY)


def test_duplicate_task_id() -> None:
    tasks = table(
        [
            {"task_id": "A", "name": "A", "duration": 1},
            {"task_id": "A", "name": "again", "duration": 1},
        ]
    )
    with pytest.raises(ScheduleError) as info:
        compute_schedule(tasks, NONE, MONDAY)
    assert str(info.value) == "Tasks: task ID A appears more than once"


# -- what-if and reuse ---------------------------------------------------------------------------


def test_delay_moves_the_finish_only_through_the_critical_path() -> None:
    result = compute_schedule(oracle(), NONE, MONDAY)
    assert result.delay("B", 600).finish_index == 612
    assert result.delay("C", 1).finish_index == 12  # C has one day of float
    assert result.delay("C", 3).finish_index == 14
    assert result.finish_index == 12  # the original is untouched


def test_passes_across_iterations_match_one_at_a_time() -> None:
    plan = compute_schedule(oracle(), NONE, MONDAY).plan
    rng = np.random.default_rng(7)
    durations = np.ceil(plan.durations * rng.uniform(0.5, 2.0, (6, len(plan.durations))))
    es = plan.early_start(durations)
    total = plan.total_float(durations)
    finish = plan.finish_index(durations)
    assert es.shape == total.shape == (6, 5)
    for k in range(6):
        assert es[k].tolist() == plan.early_start(durations[k]).tolist()
        assert total[k].tolist() == plan.total_float(durations[k]).tolist()
        assert finish[k] == plan.finish_index(durations[k])


# -- properties ----------------------------------------------------------------------------------


@st.composite
def fs_networks(draw: st.DrawFn) -> tuple[list[int], dict[tuple[int, int], int], list[int]]:
    """Durations, FS links i -> j (i < j) with lags >= 0, and a shuffled row order."""
    n = draw(st.integers(1, 8))
    durations = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    links: dict[tuple[int, int], int] = {}
    for i, j in itertools.combinations(range(n), 2):
        if draw(st.booleans()):
            links[(i, j)] = draw(st.sampled_from([0, 0, 0, 1, 3]))
    rows = draw(st.permutations(range(n)))
    return durations, links, list(rows)


def longest_path(durations: list[int], links: dict[tuple[int, int], int]) -> int:
    """Brute force: every path, enumerated, and its length."""
    successors: dict[int, list[tuple[int, int]]] = {}
    for (i, j), lag in links.items():
        successors.setdefault(i, []).append((j, lag))

    def paths_from(node: int) -> list[int]:
        tails = [lag + rest for j, lag in successors.get(node, []) for rest in paths_from(j)]
        return [durations[node] + t for t in tails] or [durations[node]]

    return max(length for node in range(len(durations)) for length in paths_from(node))


def network_table(
    durations: list[int], links: dict[tuple[int, int], int], rows: list[int]
) -> pd.DataFrame:
    preds: dict[int, list[str]] = {}
    for (i, j), lag in links.items():
        preds.setdefault(j, []).append(f"T{i}FS+{lag}" if lag else f"T{i}")
    return pd.DataFrame(
        [
            {
                "task_id": f"T{r}",
                "duration": float(durations[r]),
                "predecessors": ";".join(preds.get(r, [])),
            }
            for r in rows
        ]
    )


@settings(max_examples=200, deadline=None)
@given(fs_networks())
def test_finish_is_the_longest_path(
    network: tuple[list[int], dict[tuple[int, int], int], list[int]],
) -> None:
    durations, links, rows = network
    result = compute_schedule(network_table(durations, links, rows), NONE, MONDAY)
    frame = result.tasks
    assert result.finish_index == longest_path(durations, links)
    assert (frame["total_float"] >= 0).all()
    assert (frame["free_float"] >= 0).all()
    assert (frame["free_float"] <= frame["total_float"]).all()
    assert frame.loc[frame["critical"], "total_float"].eq(0).all()
    assert result.critical_path
    assert frame.index.tolist() == [f"T{r}" for r in rows]
