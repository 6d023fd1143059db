"""The consolidation use case: find, summarise (in parallel), aggregate, write, export."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pmo_xl.errors import WorkbookError
from pmo_xl.portfolio.aggregate import Aggregator, PortfolioTables
from pmo_xl.portfolio.discover import find_workbooks
from pmo_xl.portfolio.runner import run
from pmo_xl.portfolio.summary import ProjectSummary
from pmo_xl.schema import Lang

Progress = Callable[[int, int, ProjectSummary], None]
JSON_VERSION = 1


@dataclass
class Consolidation:
    """What a consolidation did; ``exit_code``: 0 all read, 1 some failed, 2 nothing usable."""

    output: Path | None
    files: list[str]
    tables: PortfolioTables
    exported: list[Path] = field(default_factory=list)

    @property
    def consolidated(self) -> int:
        return len(self.tables.projects)

    @property
    def failed(self) -> int:
        return len(self.tables.errors)

    @property
    def exit_code(self) -> int:
        if self.consolidated == 0:
            return 2
        return 1 if self.failed else 0

    def as_json(self) -> dict[str, Any]:
        """The summary printed by ``pmo-xl consolidate --json`` (plain numbers, ISO dates)."""
        t = self.tables
        staff = t.staff
        over = staff.loc[(staff["total_share"] > 1.0 + 1e-9) | (staff["weeks_over"] > 0)]
        return {
            "json_version": JSON_VERSION,
            "output": None if self.output is None else str(self.output),
            "files": len(self.files),
            "consolidated": self.consolidated,
            "failed": self.failed,
            "exit_code": self.exit_code,
            "skipped_portfolios": list(t.skipped),
            "projects": _records(t.projects.drop(columns=["language"])),
            "errors": _records(t.errors),
            "overcommitted_people": _records(
                over[
                    [
                        "person",
                        "resource_id",
                        "name",
                        "projects",
                        "total_share",
                        "max_ratio",
                        "weeks_over",
                    ]
                ]
            ),
            "watchdog_alerts": int(t.projects["watchdog_alerts"].fillna(0).sum()),
            "risk_matrix": t.risk_matrix,
            "exported": [str(p) for p in self.exported],
        }


def consolidate(
    paths: Iterable[str | Path],
    output: str | Path | None,
    *,
    workers: int | None = None,
    dask: Any = None,
    export_dir: str | Path | None = None,
    lang: Lang = "fr",
    progress: Progress | None = None,
) -> Consolidation:
    """Consolidate every project workbook under ``paths`` into ``output`` (None: no workbook).

    Raises WorkbookError when no workbook is found; a workbook that cannot be used is listed in
    ``tables.errors`` and never stops the others.
    """
    given = list(paths)
    found, portfolios = find_workbooks(given)
    out = None if output is None else Path(output)
    if out is not None:
        found = [p for p in found if p.resolve() != out.resolve()]
    if not found:
        where = ", ".join(map(str, given)) or "(no path)"
        raise WorkbookError(f"no project workbook (.xlsx, .xlsm) found in {where}")
    files = [str(p.resolve()) if dask is not None else str(p) for p in found]
    aggregator = Aggregator()
    for done, summary in enumerate(run(files, workers=workers, dask=dask), start=1):
        aggregator.add(summary)
        if progress is not None:
            progress(done, len(files), summary)
    tables = aggregator.tables([str(p) for p in portfolios])
    result = Consolidation(out, files, tables)
    if out is not None:
        from pmo_xl.portfolio.workbook import workbook_bytes, write_atomically

        write_atomically(out, workbook_bytes(tables, lang, out.parent))
    if export_dir is not None:
        from pmo_xl.portfolio.workbook import export

        result.exported = export(tables, Path(export_dir))
    return result


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


__all__ = ["Consolidation", "Progress", "consolidate"]
