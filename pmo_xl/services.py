"""The use cases, shared by the CLI, the ribbon macros and the portfolio.

Each takes paths or ProjectData and returns plain results; none prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_xl.model import Finding, ProjectData
from pmo_xl.schema import Lang

if TYPE_CHECKING:
    from pmo_xl.core.analysis import Analysis
    from pmo_xl.portfolio.consolidate import Consolidation, Progress
    from pmo_xl.report.model import StatusReport


@dataclass
class ValidationResult:
    project: ProjectData
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.project.source,
            "project_code": self.project.project.get("project_code"),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "checks": [f.as_json() for f in self.findings],
        }


def new_workbook(path: str | Path, lang: Lang = "fr") -> Path:
    """Write an empty canonical project workbook at ``path``."""
    from pmo_xl.io.template import write_workbook

    target = Path(path)
    write_workbook(target, lang=lang)
    return target


def read(path: str | Path, lang: Lang | None = None) -> ProjectData:
    """The workbook at ``path``; ``lang`` overrides its language for messages and labels."""
    from pmo_xl.io.read import read_project

    project = read_project(path)
    if lang is not None:
        project.project["language"] = lang
    return project


def validate_project(project: ProjectData) -> ValidationResult:
    from pmo_xl.core.validate import validate

    return ValidationResult(project, validate(project))


def validate_file(path: str | Path, lang: Lang | None = None) -> ValidationResult:
    """Read and validate one workbook: every finding at once."""
    return validate_project(read(path, lang))


def analyse_project(project: ProjectData, *, full: bool = True) -> Analysis:
    """Schedule, earned value, DCMA and the rest for one project (pure, see core.analysis)."""
    from pmo_xl.core.analysis import analyse

    return analyse(project, full=full)


def analyse_file(path: str | Path, lang: Lang | None = None) -> Analysis:
    """Read one workbook and analyse it."""
    return analyse_project(read(path, lang))


def status_report(
    project: ProjectData,
    history_rows: list[list[Any]] | None,
    timings: dict[str, float] | None = None,
) -> tuple[Analysis, StatusReport]:
    """Analyse ``project`` and build its status report, History extended with this status date.

    ``history_rows`` are the cell values of the workbook's owned History sheet (None if none);
    shared by the file refresh and the ribbon's live refresh.
    """
    import time

    from pmo_xl.report.status import build_report, history_from_rows, history_row, merge_history

    clock = time.perf_counter()
    analysis = analyse_project(project)
    lap = time.perf_counter()
    history = merge_history(history_from_rows(history_rows), history_row(analysis))
    report = build_report(analysis, history)
    if timings is not None:
        timings["analyse"] = lap - clock
        timings["report"] = time.perf_counter() - lap
    return analysis, report


@dataclass
class RefreshResult:
    path: Path
    analysis: Analysis
    report: StatusReport
    backup: Path | None
    timings: dict[str, float]


def refresh_file(path: str | Path, *, backups: int | None = None) -> RefreshResult:
    """Analyse a workbook and write its status tabs back into it, losing nothing else.

    Refuses while Excel has the file open (its ``~$`` lock file is beside it). The new version
    replaces the file atomically; the previous one is kept in ``.pmo_xl_backups`` beside it.
    """
    import time

    from pmo_xl.errors import PmoError
    from pmo_xl.io.owned import build_workbook, read_owned_rows
    from pmo_xl.io.package import OwnedSheet, Package, excel_lock_files, replace_atomically, splice

    target = Path(path)
    locks = excel_lock_files(target)
    if locks:
        raise PmoError(
            f"the workbook is open in Excel ({locks[0].name} is beside it): close it first, "
            "or use the Refresh button of the PMO ribbon in Excel",
            path=str(target),
        )
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    project = read(target)
    timings["read"] = time.perf_counter() - clock
    analysis, report = status_report(project, read_owned_rows(target, "history"), timings)
    clock = time.perf_counter()
    owned_xlsx = build_workbook(report)
    timings["render"] = time.perf_counter() - clock
    owned = [OwnedSheet(s.kind, s.name) for s in report.sheets]
    keep = int(project.settings.get("backups_kept") or 0) if backups is None else backups

    def write(tmp: Path) -> None:
        splice(Package.read(target), Package.from_bytes(owned_xlsx), owned).write(tmp)

    backup = replace_atomically(target, write, backups=keep)
    timings["write"] = time.perf_counter() - clock - timings["render"]
    return RefreshResult(target, analysis, report, backup, timings)


def consolidate(
    paths: list[str | Path],
    output: str | Path | None,
    *,
    workers: int | None = None,
    dask: Any = None,
    export_dir: str | Path | None = None,
    lang: Lang = "fr",
    progress: Progress | None = None,
) -> Consolidation:
    """Read, validate and analyse every project workbook under ``paths`` (in parallel) and write
    the portfolio workbook ``output``; returns a ``portfolio.Consolidation`` (see that package).
    """
    from pmo_xl.portfolio.consolidate import consolidate as run

    return run(
        paths,
        output,
        workers=workers,
        dask=dask,
        export_dir=export_dir,
        lang=lang,
        progress=progress,
    )


def build_addin(output: str | Path | None = None, lang: Lang = "fr") -> Path:
    """Build the macro-enabled workbook (template + VBA project + PMO ribbon) at ``output``
    (default ``workbooks/pmo_xl.xlsm``); see ``pmo_xl.addin.build``."""
    from pmo_xl.addin.build import DEFAULT_OUTPUT
    from pmo_xl.addin.build import build_addin as build

    return build(Path(output) if output is not None else DEFAULT_OUTPUT, lang)
