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


def read(path: str | Path) -> ProjectData:
    from pmo_xl.io.read import read_project

    return read_project(path)


def validate_project(project: ProjectData) -> ValidationResult:
    from pmo_xl.core.validate import validate

    return ValidationResult(project, validate(project))


def validate_file(path: str | Path) -> ValidationResult:
    """Read and validate one workbook: every finding at once."""
    return validate_project(read(path))


def analyse_project(project: ProjectData) -> Analysis:
    """Schedule, earned value, DCMA and the rest for one project (pure, see core.analysis)."""
    from pmo_xl.core.analysis import analyse

    return analyse(project)


def analyse_file(path: str | Path) -> Analysis:
    """Read one workbook and analyse it."""
    return analyse_project(read(path))
