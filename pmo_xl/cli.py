"""Command line: parse, call one service, print, exit code. No logic here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pmo_xl import services
from pmo_xl.errors import PmoError
from pmo_xl.i18n import fmt_number, label
from pmo_xl.schema import Lang

app = typer.Typer(
    name="pmo-xl",
    help="pmo_xl: the PMO's project workbook toolkit (validate, analyse, refresh, consolidate).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of messages: fr or en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _lang(value: str | None, default: Lang = "fr") -> Lang:
    if value is None:
        return default
    if value not in ("fr", "en"):
        raise PmoError(f"--lang must be fr or en, not '{value}'")
    return "fr" if value == "fr" else "en"


def _fail(exc: PmoError) -> typer.Exit:
    err.print(f"pmo-xl: {exc}", markup=False, highlight=False)
    return typer.Exit(exc.exit_code)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="Workbook to create (.xlsx).")],
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Create an empty canonical project workbook."""
    try:
        language = _lang(lang)
        if path.exists() and not force:
            raise PmoError(f"{path}: already exists (use --force to overwrite)", path=None)
        target = services.new_workbook(path, language)
    except PmoError as exc:
        raise _fail(exc) from None
    out.print(f"{target}", markup=False, highlight=False)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Project workbook (.xlsx or .xlsm).")],
    json_: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Check what was typed: every finding at once, each naming sheet and cell.

    Exit code 0 when there is no error, 1 when there are errors, 2 when the file cannot be read.
    """
    try:
        result = services.validate_file(path)
    except PmoError as exc:
        raise _fail(exc) from None
    language = _lang(lang, result.project.language)
    if json_:
        _print_json(result.as_json())
    else:
        _print_findings(result, language)
    raise typer.Exit(1 if result.errors else 0)


@app.command()
def analyse(
    path: Annotated[Path, typer.Argument(help="Project workbook (.xlsx or .xlsm).")],
    json_: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Schedule and cost status: earned value and earned schedule, critical path, DCMA checks.

    Exit code 0 when the analysis ran (whatever the findings), 2 when the file cannot be read.
    """
    try:
        analysis = services.analyse_file(path)
    except PmoError as exc:
        raise _fail(exc) from None
    if json_:
        _print_json(analysis.as_json())
    else:
        _print_analysis(analysis.as_json(), _lang(lang, analysis.project.language))


def _print_analysis(data: dict[str, Any], lang: Lang) -> None:
    table = Table(title=f"{data['project_code']} — {data['project_name']}", header_style="bold")
    table.add_column("indicator")
    table.add_column("value", justify="right")
    for key in ANALYSIS_ROWS:
        value = data.get(key)
        if isinstance(value, float):
            value = fmt_number(value, lang, 0 if abs(value) >= 1000 else 3)
        table.add_row(key, "—" if value is None else str(value))
    out.print(table)
    cp = data.get("critical_path") or []
    out.print(f"critical path ({len(cp)}): " + " → ".join(cp), markup=False, highlight=False)
    failed = [c["check"] for c in data.get("dcma", []) if not c.get("pass")]
    out.print(
        f"DCMA: {len(data.get('dcma', [])) - len(failed)} passed, failed: "
        + (", ".join(failed) or "none"),
        markup=False,
        highlight=False,
    )
    for problem in data.get("problems", []):
        err.print(f"pmo-xl: {problem}", markup=False, highlight=False)


ANALYSIS_ROWS = (
    "status_date",
    "bac",
    "pv",
    "ev",
    "ac",
    "sv",
    "cv",
    "spi",
    "cpi",
    "eac_cpi",
    "vac",
    "tcpi_bac",
    "es",
    "at",
    "sv_t",
    "spi_t",
    "ieac_t",
    "forecast_finish",
    "baseline_finish",
    "slip_days",
    "forecast_finish_es",
)


def _print_findings(result: services.ValidationResult, lang: Lang) -> None:
    if result.findings:
        table = Table(show_lines=False, header_style="bold")
        for head in ("where", "rule", "severity", "message"):
            table.add_column(head)
        for f in result.findings:
            style = "red" if f.severity == "error" else "yellow"
            table.add_row(f.where, f.rule, label(f.severity, lang), f.message, style=style)
        out.print(table)
    else:
        out.print(label("no_findings", lang))
    summary = label(
        "findings_summary", lang, errors=len(result.errors), warnings=len(result.warnings)
    )
    out.print(f"{result.project.source}: {summary}", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
