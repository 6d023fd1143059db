"""Command line: parse, call one service, print, exit code. No logic here."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pmo_xl.errors import PmoError
from pmo_xl.i18n import fmt_number, label
from pmo_xl.schema import Lang

if TYPE_CHECKING:  # each command imports the engine (pandas...) when it runs: --help stays quick
    from pmo_xl import services

app = typer.Typer(
    name="pmo-xl",
    help="pmo_xl: the PMO's project workbook toolkit (validate, analyse, refresh, consolidate).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class LangChoice(StrEnum):
    fr = "fr"
    en = "en"


LangOpt = Annotated[
    LangChoice | None,
    typer.Option("--lang", help="Language of messages and labels (default: the workbook's)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _lang(value: LangChoice | None, default: Lang = "fr") -> Lang:
    if value is None:
        return default
    return "en" if value == LangChoice.en else "fr"


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
    from pmo_xl import services

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
    from pmo_xl import services

    try:
        result = services.validate_file(path, lang=_lang(lang) if lang else None)
    except PmoError as exc:
        raise _fail(exc) from None
    language = result.project.language
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
    from pmo_xl import services

    try:
        analysis = services.analyse_file(path, lang=_lang(lang) if lang else None)
    except PmoError as exc:
        raise _fail(exc) from None
    if json_:
        _print_json(analysis.as_json())
    else:
        _print_analysis(analysis.as_json(), analysis.project.language)


@app.command()
def refresh(
    path: Annotated[Path, typer.Argument(help="Project workbook (.xlsx or .xlsm) to update.")],
    json_: JsonOpt = False,
) -> None:
    """Write the status tabs (dashboard, schedule, earned value, risks...) into the workbook.

    Only pmo_xl's own sheets are replaced; everything else in the workbook stays as it was. The
    previous version is kept in .pmo_xl_backups beside the workbook. Exit code 0 when written,
    1 when the workbook is open in Excel, 2 when it cannot be read or written.
    """
    from pmo_xl import services

    try:
        result = services.refresh_file(path)
    except PmoError as exc:
        raise _fail(exc) from None
    if json_:
        summary = {
            "file": str(result.path),
            "backup": str(result.backup) if result.backup else None,
            "sheets": [s.name for s in result.report.sheets],
            "timings": {k: round(v, 3) for k, v in result.timings.items()},
        }
        _print_json(summary | {"analysis": result.analysis.as_json()})
        return
    names = ", ".join(s.name for s in result.report.sheets)
    out.print(f"{result.path}: {names}", markup=False, highlight=False)
    if result.backup:
        out.print(f"backup: {result.backup}", markup=False, highlight=False)


@app.command()
def consolidate(
    paths: Annotated[
        list[Path], typer.Argument(help="Workbooks or folders (searched recursively).")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Portfolio workbook to write.")],
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores).")
    ] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Folder for the tables as Parquet and CSV.")
    ] = None,
    json_: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Consolidate many project workbooks into one portfolio workbook.

    Exit code 0 when every workbook was consolidated, 1 when some could not be (listed on the
    Errors sheet), 2 when none could.
    """
    from pmo_xl.portfolio.runner import start_workers

    if dask is None:
        start_workers(workers)  # the workers' engine loads while this process loads its own
    from rich.progress import Progress

    from pmo_xl import services

    try:
        language = _lang(lang)
        with Progress(console=err, disable=json_ or not err.is_terminal) as bar:
            task = bar.add_task("consolidate", total=None)

            def advance(done: int, total: int, _summary: Any) -> None:
                bar.update(task, completed=done, total=total)

            result = services.consolidate(
                list(paths),
                output,
                workers=workers,
                dask=dask,
                export_dir=export,
                lang=language,
                progress=advance,
            )
    except PmoError as exc:
        raise _fail(exc) from None
    if json_:
        _print_json(result.as_json())
    else:
        for row in result.tables.errors.itertuples():
            err.print(f"pmo-xl: {row.file}: {row.reason}", markup=False, highlight=False)
        out.print(
            f"{result.output}: {result.consolidated} project(s) consolidated, "
            f"{result.failed} file(s) failed",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(result.exit_code)


@app.command("build-addin")
def build_addin(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Workbook to write (default workbooks/pmo_xl.xlsm)."),
    ] = None,
    lang: Annotated[
        LangChoice | None,
        typer.Option("--lang", help="Language of the workbook: fr (default) or en."),
    ] = None,
) -> None:
    """Build the macro-enabled workbook: template, VBA project (xlwings + ribbon callbacks), ribbon.

    Exit code 0 when written, 1 when the macros/ sources are wrong, 2 when it cannot be written.
    """
    from pmo_xl import services

    try:
        target = services.build_addin(output, _lang(lang))
    except PmoError as exc:
        raise _fail(exc) from None
    out.print(f"{target}", markup=False, highlight=False)


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
        for head in ("severity", "rule", "message"):  # the message names sheet and cell
            table.add_column(head)
        for f in result.findings:
            style = "red" if f.severity == "error" else "yellow"
            table.add_row(label(f.severity, lang), f.rule, f.message, style=style)
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
