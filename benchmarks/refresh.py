"""Refresh benchmark: ``services.refresh_file`` on the sample and on a 2,000-task project.

    .venv/bin/python benchmarks/refresh.py [--runs 5] [--large-runs 3] [--no-cli]

Each run refreshes a fresh copy of the workbook (so History, styles and backups start from the
same state) with the user's settings (backups included). Printed per workbook: the median wall
time of the in-process runs, with the median of each step of ``RefreshResult.timings``:

* ``read``: the input sheets into ProjectData (fastexcel);
* ``analyse``: schedule, earned value, risks, resources, watchdog... (``core``);
* ``report``: the StatusReport: tables and matplotlib figures built (not yet rendered);
* ``render``: the owned sheets as a standalone workbook, figures rendered to PNG (XlsxWriter);
* ``write``: the splice into the user's package, the temporary file, the backup and the replace.

The first run of the process pays the imports (pandas, matplotlib...) and is shown apart
("cold"); the median is over every run. ``pmo-xl refresh`` is also timed once per workbook as a
subprocess: what a user of the command line waits for, imports included.

Targets (issue 5): sample <= 2 s median, 2,000 tasks <= 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "workbooks" / "sample_project.xlsx"
DATA = Path(__file__).resolve().parent / "_data"
STEPS = ("read", "analyse", "report", "render", "write")
TARGETS = {"sample": 2.0, "2,000 tasks": 10.0}


def large_workbook(n_tasks: int, n_actuals: int) -> Path:
    """The generated project, written once into ``benchmarks/_data`` and reused."""
    path = DATA / f"refresh_{n_tasks}t_{n_actuals}a.xlsx"
    if not path.exists():
        from pmo_xl.io.template import write_workbook
        from pmo_xl.sample import generate

        DATA.mkdir(parents=True, exist_ok=True)
        write_workbook(path, project=generate(n_tasks=n_tasks, n_actuals=n_actuals))
    return path


def time_refreshes(source: Path, runs: int) -> tuple[list[float], list[dict[str, float]]]:
    """Wall times and step timings of ``runs`` refreshes, each of a fresh copy of ``source``."""
    from pmo_xl.services import refresh_file

    walls, steps = [], []
    with tempfile.TemporaryDirectory(prefix="pmo_xl_bench_") as tmp:
        for i in range(runs):
            target = Path(tmp) / str(i) / source.name
            target.parent.mkdir()
            shutil.copyfile(source, target)
            clock = time.perf_counter()
            result = refresh_file(target)
            walls.append(time.perf_counter() - clock)
            steps.append(result.timings)
    return walls, steps


def time_cli(source: Path) -> float:
    """Wall time of one ``pmo-xl refresh`` subprocess on a fresh copy of ``source``."""
    cli = Path(sys.executable).with_name("pmo-xl")
    with tempfile.TemporaryDirectory(prefix="pmo_xl_bench_") as tmp:
        target = Path(tmp) / source.name
        shutil.copyfile(source, target)
        clock = time.perf_counter()
        subprocess.run([str(cli), "refresh", str(target)], check=True, capture_output=True)
        return time.perf_counter() - clock


def row(label: str, walls: list[float], steps: list[dict[str, float]], cli: float | None) -> str:
    median = statistics.median(walls)
    parts = [statistics.median(s[k] for s in steps) for k in STEPS]
    target = TARGETS[label]
    verdict = "ok" if median <= target else "OVER"
    cells = [
        f"{label:<12}",
        f"{len(walls):>4}",
        f"{median:>7.2f}",
        f"{min(walls):>6.2f}",
        f"{walls[0]:>6.2f}",
        *(f"{p:>7.2f}" for p in parts),
        f"{cli:>6.2f}" if cli is not None else f"{'-':>6}",
        f"  <= {target:g} s {verdict}",
    ]
    return " ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="refreshes of the sample")
    parser.add_argument("--large-runs", type=int, default=3, help="refreshes of the large one")
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--actuals", type=int, default=20000)
    parser.add_argument("--no-cli", action="store_true", help="skip the pmo-xl subprocess runs")
    args = parser.parse_args(argv)

    large = large_workbook(args.tasks, args.actuals)
    print(f"sample: {SAMPLE.relative_to(REPO)} ({SAMPLE.stat().st_size / 1e3:.0f} kB)")
    print(
        f"2,000 tasks: generate(n_tasks={args.tasks}, n_actuals={args.actuals}) "
        f"({large.stat().st_size / 1e6:.1f} MB)"
    )
    head = ["workbook    ", "runs", " median", "   min", "  cold"]
    head += [f"{k:>7}" for k in STEPS] + ["   cli", "  target"]
    print("seconds; steps are medians of RefreshResult.timings")
    print(" ".join(head))
    for label, source, runs in (
        ("sample", SAMPLE, args.runs),
        ("2,000 tasks", large, args.large_runs),
    ):
        if runs < 1:
            continue
        walls, steps = time_refreshes(source, runs)
        cli = None if args.no_cli else time_cli(source)
        print(row(label, walls, steps, cli), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
