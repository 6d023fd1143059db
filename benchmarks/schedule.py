"""CPM benchmark: 10,000 tasks and 20,000 links, both passes, floats and critical path.

    .venv/bin/python benchmarks/schedule.py [--tasks 10000] [--links 20000] [--runs 7]

Generates a seeded network (each link joins a task to one of the 200 tasks before it, so the plan
is acyclic and about as deep as a real one; 85 % FS, some SS/FF/SF, some lags and leads), then
prints the median wall time of ``compute_schedule`` (predecessor parsing included) and of the
passes alone on the compiled plan, plus a 1,000-iteration Monte Carlo-shaped pass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.schedule import compute_schedule

SEED = 20260504


def generate(tasks: int, links: int, seed: int = SEED) -> pd.DataFrame:
    """A Tasks table of ``tasks`` rows and exactly ``links`` distinct acyclic links."""
    rng = np.random.default_rng(seed)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < links:
        succ = int(rng.integers(1, tasks))
        pairs.add((succ - int(rng.integers(1, min(succ, 200) + 1)), succ))
    cells: list[list[str]] = [[] for _ in range(tasks)]
    for pred, succ in sorted(pairs):
        kind = rng.choice(["FS", "SS", "FF", "SF"], p=[0.85, 0.08, 0.05, 0.02])
        lag = int(rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 2, -1]))
        cells[succ].append(f"T{pred:05d}{kind}{lag:+d}" if lag else f"T{pred:05d}{kind}")
    return pd.DataFrame(
        {
            "task_id": [f"T{i:05d}" for i in range(tasks)],
            "duration": rng.integers(0, 30, tasks).astype("float64"),
            "predecessors": [";".join(c) or None for c in cells],
        }
    )


def report(label: str, fn: Callable[[], object], runs: int) -> float:
    """Print and return the median wall time of ``runs`` calls, with CPU time (shared machine)."""
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    wall = statistics.median(times)
    print(
        f"{label}: median {wall * 1000:.1f} ms of {runs} runs "
        f"(min {min(times) * 1000:.1f} ms, CPU median {statistics.median(cpu) * 1000:.1f} ms)"
    )
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--iterations", type=int, default=1_000)
    args = parser.parse_args()

    table = generate(args.tasks, args.links)
    calendar = WorkCalendar("france")
    start = dt.date(2026, 5, 4)
    result = compute_schedule(table, calendar, start)
    plan = result.plan
    levels = int(plan.network.level.max()) + 1

    print(f"network: {args.tasks} tasks, {len(plan.network.links)} links, {levels} levels")
    print(
        f"finish: {result.finish} (day {result.finish_index:.0f}), "
        f"critical path: {len(result.critical_path)} tasks"
    )
    report(
        "compute_schedule (parse, compile, both passes, floats, critical path, dates)",
        lambda: compute_schedule(table, calendar, start),
        args.runs,
    )
    report("passes only on the compiled plan", lambda: plan.total_float(plan.durations), args.runs)
    rng = np.random.default_rng(SEED)
    sampled = plan.durations * rng.uniform(0.9, 1.3, (args.iterations, args.tasks))
    report(
        f"{args.iterations} iterations at once, forward only",
        lambda: plan.finish_index(sampled),
        max(1, args.runs // 3),
    )
    report(
        f"{args.iterations} iterations at once, forward + backward",
        lambda: plan.total_float(sampled),
        max(1, args.runs // 3),
    )


if __name__ == "__main__":
    main()
