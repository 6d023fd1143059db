"""Benchmark: ``pmo-xl consolidate`` against bare fastexcel and naive pandas+openpyxl reads.

    .venv/bin/python benchmarks/consolidate.py           # 200 x (300 tasks, 5,000 actuals)
                                                         # + 20 x (2,000 tasks, 20,000 actuals)
    .venv/bin/python benchmarks/consolidate.py --small   # 20 + 3 workbooks, a quick run

Workbooks are generated with ``pmo_xl.sample.generate`` and written with
``pmo_xl.io.template.write_workbook`` into ``benchmarks/_data/`` once (same names as
``benchmarks/read.py``, so both share the cache), then reused.

Timed over the same files, in this order:

(a) ``python -m pmo_xl consolidate DIR -o OUT --workers N`` for N = 1 and 2, as a subprocess:
    discovery, read + validate + analyse + watchdog + loads per workbook, aggregation, charts
    and the portfolio workbook. Peak memory is sampled every 50 ms with psutil over the process
    tree (the sum of the resident sizes of the CLI and its workers, and the largest single one);
(b) ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")``, every sheet: slow, so it
    runs on ``--pandas-subset`` files of each size and is scaled to the whole set (said so);
(c) ``fastexcel.read_excel(path)`` then ``load_sheet(name).to_pandas()`` for every sheet.

(b) and (c) run in this process, one file after the other (one core).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import fastexcel
import pandas as pd
import psutil

# fastexcel warns (through logging) about every blank column of the Guide sheet it cannot type
logging.getLogger("fastexcel").setLevel(logging.ERROR)
DATA = Path(__file__).resolve().parent / "_data"
MIB = 1 << 20


def workbook_path(seed: int, n_tasks: int, n_actuals: int, data: Path = DATA) -> Path:
    return data / f"project_{n_tasks}t_{n_actuals}a_{seed:04d}.xlsx"


def _write(args: tuple[int, int, int]) -> None:
    from pmo_xl.io.template import write_workbook
    from pmo_xl.sample import generate

    seed, n_tasks, n_actuals = args
    lang = "fr" if seed % 2 == 0 else "en"
    data = generate(seed, n_tasks=n_tasks, n_actuals=n_actuals, lang=lang)
    write_workbook(workbook_path(seed, n_tasks, n_actuals), project=data)


def workbooks(n: int, n_tasks: int, n_actuals: int) -> list[Path]:
    """``n`` generated workbooks, written (in parallel) only when missing from the cache."""
    DATA.mkdir(parents=True, exist_ok=True)
    todo = [
        (s, n_tasks, n_actuals)
        for s in range(n)
        if not workbook_path(*(s, n_tasks, n_actuals)).exists()
    ]
    if todo:
        print(f"  generating {len(todo)} workbooks of {n_tasks} tasks...", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(_write, todo))
    return [workbook_path(s, n_tasks, n_actuals) for s in range(n)]


class TreeMemory:
    """Peak resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.peak_sum = 0
        self.peak_one = 0
        self.peak_parent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            sizes = []
            for p in procs:
                try:
                    sizes.append(p.memory_info().rss)
                except psutil.Error:
                    sizes.append(0)
            self.peak_sum = max(self.peak_sum, sum(sizes))
            self.peak_one = max(self.peak_one, max(sizes))
            self.peak_parent = max(self.peak_parent, sizes[0])
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def time_consolidate(folder: Path, workers: int, out: Path) -> tuple[float, TreeMemory, int]:
    command = [sys.executable, "-m", "pmo_xl", "consolidate", str(folder), "-o", str(out),
               "--workers", str(workers), "--lang", "en"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(proc.pid)
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"consolidate failed ({proc.returncode}):\n{stderr.decode()}")
    return elapsed, memory, proc.returncode


def fastexcel_all(paths: Sequence[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name).to_pandas()
    return time.perf_counter() - start


def openpyxl_all(paths: Sequence[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="20 medium + 3 large workbooks")
    parser.add_argument("--pandas-subset", type=int, default=5, help="files per size for (b)")
    args = parser.parse_args(argv)
    n_medium, n_large = (20, 3) if args.small else (200, 20)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / (1 << 30):.0f} GiB, "
          f"Python {platform.python_version()}, "
          f"pandas {pd.__version__}, fastexcel {fastexcel.__version__}")  # fmt: skip
    groups = {
        "medium (300 tasks, 5,000 actuals)": workbooks(n_medium, 300, 5_000),
        "large (2,000 tasks, 20,000 actuals)": workbooks(n_large, 2_000, 20_000),
    }
    paths = [p for g in groups.values() for p in g]
    size = sum(p.stat().st_size for p in paths) / MIB
    print(f"workbooks: {n_medium} medium + {n_large} large = {len(paths)}, {size:.0f} MiB")
    work = Path(tempfile.mkdtemp(prefix="pmo_xl_bench_"))
    try:
        folder = work / "share"
        folder.mkdir()
        for p in paths:  # hard links: the consolidation reads exactly this set
            os.link(p, folder / p.name)
        timings = {}
        for workers in (1, 2):
            elapsed, memory, _ = time_consolidate(
                folder, workers, work / f"portfolio_{workers}.xlsx"
            )
            timings[workers] = elapsed
            print(f"(a) consolidate, {workers} worker(s): {elapsed:8.2f} s "
                  f"({elapsed / len(paths) * 1000:.0f} ms/workbook); peak memory: tree "
                  f"{memory.peak_sum / MIB:.0f} MiB, "
                  f"largest process {memory.peak_one / MIB:.0f} MiB, "
                  f"parent {memory.peak_parent / MIB:.0f} MiB", flush=True)  # fmt: skip
        t_fx = fastexcel_all(paths)
        print(f"(c) bare fastexcel, every sheet: {t_fx:8.2f} s", flush=True)
        t_pd = 0.0
        timed = 0
        for label, group in groups.items():
            subset = group[: max(1, min(args.pandas_subset, len(group)))]
            t = openpyxl_all(subset)
            t_pd += t * len(group) / len(subset)
            timed += len(subset)
            print(f"    pandas+openpyxl {label}: {t:.2f} s on {len(subset)} of {len(group)} "
                  f"files, scaled to {t * len(group) / len(subset):.1f} s", flush=True)  # fmt: skip
        print(f"(b) pandas.read_excel(openpyxl), every sheet: {t_pd:8.2f} s "
              f"(timed on {timed} of {len(paths)} files, scaled per size)")  # fmt: skip
        a1, a2 = timings[1], timings[2]
        print("ratios:")
        print(f"  (a, 1 worker) / (c) fastexcel  = {a1 / t_fx:5.2f}   (target <= 1.5)")
        print(f"  (b) pandas / (a, 1 worker)     = {t_pd / a1:5.1f}   (target >= 10)")
        print(f"  (b) pandas / (a, 2 workers)    = {t_pd / a2:5.1f}")
        print(f"  (a, 1 worker) / (a, 2 workers) = {a1 / a2:5.2f}   (target >= 1.7)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
