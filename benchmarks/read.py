"""Benchmark: read_project against a bare fastexcel read and pandas.read_excel(openpyxl).

    .venv/bin/python benchmarks/read.py            # 200 x (300 tasks, 5,000 actuals)
                                                   # + 20 x (2,000 tasks, 20,000 actuals)
    .venv/bin/python benchmarks/read.py --small    # a quick run: 20 + 3 workbooks
    .venv/bin/python benchmarks/read.py --million  # peak RSS reading a 1,000,000-row Actuals

Workbooks are generated with ``pmo_xl.sample.generate`` and written with
``pmo_xl.io.template.write_workbook`` into ``benchmarks/_data/`` once, then reused.

What is timed, over every workbook of a group, in the same process:

* ``read_project``: the whole reader (package checks, every input sheet, typed ProjectData);
* ``fastexcel``: ``read_excel(path)`` then ``load_sheet(name).to_pandas()`` for every sheet of
  the workbook, input or not: the bare library read the target compares with (1.3x at most);
  ``fastexcel (arrow)`` is the same without the pandas conversion, for reference;
* ``pandas+openpyxl``: ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")``, every
  sheet. It is slow, so it runs on a subset (``--pandas-subset``) and is scaled to the group:
  the output says so.

Each timing is the best of ``--repeat`` rounds (the machine is shared; the best round is the
least disturbed one). Ratios are read_project / other (lower is better for read_project).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import fastexcel
import pandas as pd

from pmo_xl.io.read import read_project
from pmo_xl.schema import Lang

DATA = Path(__file__).resolve().parent / "_data"


def workbooks(n: int, n_tasks: int, n_actuals: int, data: Path = DATA) -> list[Path]:
    """``n`` generated workbooks (cached: written only when missing); half French, half English."""
    data.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(n):
        path = data / f"project_{n_tasks}t_{n_actuals}a_{seed:04d}.xlsx"
        if not path.exists():
            _write_sample(path, seed, n_tasks, n_actuals)
        paths.append(path)
    return paths


def _write_sample(path: Path, seed: int, n_tasks: int, n_actuals: int) -> None:
    from pmo_xl.io.template import write_workbook
    from pmo_xl.sample import generate

    lang: Lang = "fr" if seed % 2 == 0 else "en"
    data = generate(seed, n_tasks=n_tasks, n_actuals=n_actuals, lang=lang)
    write_workbook(path, project=data)


def read_all(paths: Sequence[Path]) -> None:
    for path in paths:
        read_project(path)


def fastexcel_all(paths: Sequence[Path]) -> None:
    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name).to_pandas()


def fastexcel_arrow_all(paths: Sequence[Path]) -> None:
    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name).to_arrow()


def openpyxl_all(paths: Sequence[Path]) -> None:
    for path in paths:
        pd.read_excel(path, sheet_name=None, engine="openpyxl")


def best_of(fn: Callable[[Sequence[Path]], None], paths: Sequence[Path], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn(paths)
        best = min(best, time.perf_counter() - start)
    return best


def run_group(label: str, paths: list[Path], repeat: int, pandas_subset: int) -> None:
    read_project(paths[0])  # warm imports and caches outside the timings
    t_read = best_of(read_all, paths, repeat)
    t_fe = best_of(fastexcel_all, paths, repeat)
    t_arrow = best_of(fastexcel_arrow_all, paths, repeat)
    subset = paths[: max(1, min(pandas_subset, len(paths)))]
    t_pd = best_of(openpyxl_all, subset, 1) * len(paths) / len(subset)
    n = len(paths)
    print(f"\n{label}: {n} workbooks, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    print(f"  read_project          {t_read:8.2f} s  {t_read / n * 1000:7.1f} ms/workbook")
    print(f"  fastexcel (pandas)    {t_fe:8.2f} s  {t_fe / n * 1000:7.1f} ms/workbook")
    print(f"  fastexcel (arrow)     {t_arrow:8.2f} s  {t_arrow / n * 1000:7.1f} ms/workbook")
    scaled = f"timed on {len(subset)} of {n} workbooks, scaled x{n / len(subset):.0f}"
    print(f"  pandas+openpyxl       {t_pd:8.2f} s  {t_pd / n * 1000:7.1f} ms/workbook ({scaled})")
    print(f"  read_project / fastexcel (pandas): {t_read / t_fe:5.2f}x   (target <= 1.3x)")
    print(f"  read_project / fastexcel (arrow):  {t_read / t_arrow:5.2f}x")
    print(f"  pandas+openpyxl / read_project:    {t_pd / t_read:5.1f}x faster   (target >= 10x)")


def million(rows: int, data: Path = DATA) -> None:
    """Peak RSS of read_project on a workbook whose Actuals sheet has ``rows`` rows.

    Measured in a fresh process so that the figure is the reader's own, not this script's.
    """
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"actuals_{rows}.xlsx"
    if not path.exists():
        _write_big_actuals(path, rows)
    size = path.stat().st_size / 2**20
    print(f"\n{path.name} ({size:.0f} MiB on disk):")
    for flag in ("--measure", "--measure-bare"):
        subprocess.run([sys.executable, __file__, flag, str(path)], check=True)


def measure(path: Path, bare: bool = False) -> None:
    """Read ``path`` once; print time and this process's peak RSS (run it in a fresh process)."""
    base = peak_rss()
    start = time.perf_counter()
    if bare:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name).to_pandas()
        what = "bare fastexcel, every sheet to pandas"
    else:
        project = read_project(path)
        what = (
            f"read_project: {len(project.actuals)} Actuals rows, {len(project.findings)} findings"
        )
    seconds = time.perf_counter() - start
    print(
        f"  {what}: {seconds:.1f} s, peak RSS {peak_rss():.0f} MiB (before reading {base:.0f} MiB)"
    )


def peak_rss() -> float:
    """Peak resident set size of this process in MiB (VmHWM: reset by exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_big_actuals(path: Path, rows: int) -> None:
    """The sample project with its Actuals sheet replaced by ``rows`` rows (XlsxWriter)."""
    import numpy as np

    from pmo_xl.io.template import write_workbook
    from pmo_xl.model import make_project_data
    from pmo_xl.sample import generate

    base = generate(1, n_tasks=300, n_actuals=5000, lang="en")
    rng = np.random.default_rng(1)
    src = base.actuals.reset_index(drop=True)
    pick = rng.integers(0, len(src), rows)
    actuals = src.iloc[pick].reset_index(drop=True)
    actuals["reference"] = [f"TS-{i:07d}" for i in range(rows)]
    tables = dict(base.tables)
    tables["actuals"] = actuals
    project = make_project_data(base.project, base.settings, tables)
    write_workbook(path, project=project)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="quick run: 20 + 3 workbooks")
    parser.add_argument("--n-medium", type=int, default=200, help="workbooks of the first group")
    parser.add_argument(
        "--medium", type=int, nargs=2, default=(300, 5000), metavar=("TASKS", "ACTUALS")
    )
    parser.add_argument("--n-large", type=int, default=20, help="workbooks of the second group")
    parser.add_argument(
        "--large", type=int, nargs=2, default=(2000, 20000), metavar=("TASKS", "ACTUALS")
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument(
        "--pandas-subset", type=int, default=5, help="workbooks timed with openpyxl"
    )
    parser.add_argument("--million", action="store_true", help="peak RSS on 1,000,000 actuals")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for --million")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure-bare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure or args.measure_bare:
        measure(args.measure or args.measure_bare, bare=args.measure_bare is not None)
        return 0
    print(
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
        f"fastexcel {fastexcel.__version__}; pandas {pd.__version__}"
    )
    if args.million:
        million(args.rows)
        return 0
    n_medium, n_large = (20, 3) if args.small else (args.n_medium, args.n_large)
    for n, (tasks, actuals) in ((n_medium, args.medium), (n_large, args.large)):
        if n <= 0:
            continue
        paths = workbooks(n, tasks, actuals)
        run_group(f"{tasks} tasks / {actuals} actuals", paths, args.repeat, args.pandas_subset)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
