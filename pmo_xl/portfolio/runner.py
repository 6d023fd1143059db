"""Run ``summarise`` over many workbooks: inline, in a process pool, or on a Dask cluster.

Every runner yields ``ProjectSummary`` objects as they complete (not in input order), so the
caller aggregates while workers are still busy and never holds more than the summaries.

* ``workers == 1``: inline, in this process, in input order (no pool: easiest to debug).
* ``workers > 1``: ``concurrent.futures.ProcessPoolExecutor``, never forking a parent that may
  run threads (rich's progress bar, Dask): on Linux the ``forkserver`` start method, whose
  server imports the engine once (``portfolio.preload``) so each worker starts warm; elsewhere
  ``spawn``. ``start_workers`` starts that server early, so it loads the engine while the
  parent is still importing and finding files. At most
  ``IN_FLIGHT_PER_WORKER × workers`` files are submitted at once, so memory does not grow with
  the number of files waiting. A worker process that dies (a crash in a native reader) breaks
  the pool: the files it had in flight are retried once, each alone in a fresh pool, and
  reported as a ``worker`` error if they crash again.
* ``dask``: a ``distributed.Client`` or a scheduler address (``tcp://host:8786``); the same
  function is mapped over the files with ``client.map`` and collected with ``as_completed``.
  The workers must see the files at the same paths (a shared drive) and have pmo_xl installed.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the functions: start_workers runs before pandas is loaded
    from pmo_xl.portfolio.summary import ProjectSummary

IN_FLIGHT_PER_WORKER = 4
_FORKSERVER = "forkserver" in multiprocessing.get_all_start_methods()
CRASHED = "the worker process stopped while reading this file (crash or out of memory)"


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    paths: Sequence[str], *, workers: int | None = None, dask: Any = None
) -> Iterator[ProjectSummary]:
    """Summaries of ``paths`` as they complete (see the module doc for the three runners)."""
    from pmo_xl.portfolio.summary import summarise

    if dask is not None:
        yield from run_dask(paths, dask)
        return
    n = min(workers or default_workers(), max(len(paths), 1))
    if n <= 1:
        for path in paths:
            yield summarise(path)
        return
    yield from run_pool(paths, n)


def run_pool(paths: Sequence[str], workers: int) -> Iterator[ProjectSummary]:
    from pmo_xl.portfolio.summary import ProjectSummary

    crashed: list[str] = []
    unsent: list[str] = []
    yield from _pool(paths, workers, crashed, unsent)
    for path in crashed:  # once more, alone: the crash may have been a neighbour's
        again: list[str] = []
        yield from _pool([path], 1, again, again)
        if again:
            yield ProjectSummary(path, error=CRASHED, stage="worker")
    if unsent:  # never started: a fresh pool of the same size
        yield from run_pool(unsent, workers)


def start_workers(workers: int | None = None) -> None:
    """Start the forkserver now (in the background) when a pool of ``workers`` will be used.

    Call it before heavy work in the parent: the server's imports then overlap the parent's.
    """
    if (workers or default_workers()) > 1 and _FORKSERVER:
        _context()  # names the preload module before the server starts
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _context() -> multiprocessing.context.BaseContext:
    if _FORKSERVER:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pmo_xl.portfolio.preload"])
        return context
    return multiprocessing.get_context("spawn")


def _pool(
    paths: Sequence[str], workers: int, crashed: list[str], unsent: list[str]
) -> Iterator[ProjectSummary]:
    from pmo_xl.portfolio.summary import ProjectSummary, summarise

    queue = iter(paths)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        pending: dict[Future[ProjectSummary], str] = {}

        def submit(count: int) -> None:
            for path in queue:
                try:
                    pending[pool.submit(summarise, path)] = path
                except BrokenProcessPool:
                    unsent.append(path)
                    continue
                count -= 1
                if count <= 0:
                    return

        submit(IN_FLIGHT_PER_WORKER * workers)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                path = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    crashed.append(path)
                except Exception as exc:  # pickling trouble and the like: this file only
                    yield ProjectSummary(path, error=f"{type(exc).__name__}: {exc}", stage="worker")
            submit(len(done))


def run_dask(paths: Sequence[str], dask: Any) -> Iterator[ProjectSummary]:
    """``summarise`` mapped on a Dask cluster; ``dask`` is a Client or a scheduler address."""
    from distributed import Client, as_completed

    from pmo_xl.portfolio.summary import ProjectSummary, summarise

    own = not isinstance(dask, Client)
    client = Client(dask) if own else dask  # type: ignore[no-untyped-call]
    try:
        futures = client.map(summarise, list(paths), pure=False)
        where = {future.key: path for future, path in zip(futures, paths, strict=True)}
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            try:
                yield future.result()
            except Exception as exc:  # the worker died or the task could not run
                yield ProjectSummary(
                    where[future.key], error=f"{type(exc).__name__}: {exc}", stage="worker"
                )
            finally:
                future.release()
    finally:
        if own:
            client.close()
