"""The ribbon's entry points: VBA ``RunPython "import pmo_xl.excel.macros as m; m.refresh()"``.

Each one (``book``: the calling book by default; xlwings Lite passes it, see ``lite``):
``xw.Book.caller()`` -> ``live.read_book`` -> the same ``services`` as the CLI ->
``live.write_report`` / ``live.highlight_findings``, then one message box. No logic here.

From Python (Windows or macOS with Excel), on an open workbook::

    import xlwings as xw
    from pmo_xl.excel import macros
    xw.Book("project.xlsm").set_mock_caller()
    macros.refresh()

A ``PmoError`` (a missing sheet, a missing status date...) becomes a message box naming the sheet
and cell; anything else propagates so that xlwings shows its traceback window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import xlwings as xw

from pmo_xl import services
from pmo_xl.errors import PmoError
from pmo_xl.excel import live
from pmo_xl.schema import GUIDE_SHEET, Lang

# The folder "Consolidate a folder" reads: a workbook-level name (Formulas > Name Manager)
# pointing to a cell that holds the path; without it, the folder of the calling workbook.
FOLDER_NAME = "PMO_FOLDER"
PORTFOLIO_FILE = "portefeuille.xlsx"

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"fr": "PMO", "en": "PMO"},
    "valid": {
        "fr": "{errors} erreur(s), {warnings} avertissement(s) : cellules surlignées.",
        "en": "{errors} error(s), {warnings} warning(s): cells highlighted.",
    },
    "refreshed": {
        "fr": "Tableau de bord actualisé au {date} ({errors} erreur(s) de saisie).",
        "en": "Dashboard refreshed at {date} ({errors} input error(s)).",
    },
    "consolidated": {
        "fr": "{done} projet(s) consolidé(s), {failed} en échec : {output}",
        "en": "{done} project(s) consolidated, {failed} failed: {output}",
    },
    "help": {
        "fr": "Contrôler : vérifie la saisie. Actualiser : recalcule et réécrit les onglets de "
        "suivi. Matrice des risques : met à jour l'onglet des risques. Consolider : regroupe "
        "les classeurs du dossier (nom PMO_FOLDER, sinon le dossier de ce classeur).",
        "en": "Check: validates the input. Refresh: recomputes and rewrites the status tabs. "
        "Risk matrix: updates the risk tab. Consolidate: gathers the workbooks of the folder "
        "(name PMO_FOLDER, else this workbook's folder).",
    },
}

F = TypeVar("F", bound=Callable[..., None])


def _say(book: Any, lang: Lang, key: str, **values: Any) -> None:
    book.app.alert(MESSAGES[key][lang].format(**values), title=MESSAGES["title"][lang])


def _reports_errors(entry: F) -> F:
    """A PmoError becomes a message box (the user can fix it); other errors propagate."""

    def run(book: Any = None, *args: Any) -> None:
        try:
            entry(book, *args)
        except PmoError as exc:
            (book if book is not None else xw.Book.caller()).app.alert(str(exc), title="PMO")

    run.__name__, run.__doc__ = entry.__name__, entry.__doc__
    return run  # type: ignore[return-value]


@_reports_errors
def validate(book: Any = None) -> None:
    """Contrôler: every finding at once, coloured on its cell."""
    book = book if book is not None else xw.Book.caller()
    result = services.validate_project(live.read_book(book))
    live.highlight_findings(book, result.findings)
    lang = result.project.language
    _say(book, lang, "valid", errors=len(result.errors), warnings=len(result.warnings))


@_reports_errors
def refresh(book: Any = None) -> None:
    """Actualiser le tableau de bord: analyse and rewrite every status tab."""
    book = book if book is not None else xw.Book.caller()
    analysis, report = status_report(book)
    live.write_report(book, report)
    live.highlight_findings(book, analysis.findings)
    lang = analysis.project.language
    _say(book, lang, "refreshed", date=report.status_date, errors=len(analysis.errors))


@_reports_errors
def risk_matrix(book: Any = None) -> None:
    """Matrice des risques: rewrite the risk tab only and show it."""
    book = book if book is not None else xw.Book.caller()
    _, report = status_report(book)
    risks = dataclasses.replace(report, sheets=[report.sheet("risks")])
    live.write_report(book, risks)
    live.owned_sheets(book)["risks"].activate()


@_reports_errors
def consolidate(book: Any = None, folder: str | None = None) -> None:
    """Consolider un dossier: every project workbook of the folder into one portfolio workbook.

    ``folder``: given by VBA, else the cell named PMO_FOLDER, else the calling book's folder.
    """
    book = book if book is not None else xw.Book.caller()
    where = Path(folder or consolidation_folder(book))
    lang = live.project_language([s.name for s in book.sheets])
    result = services.consolidate([where], where / PORTFOLIO_FILE, lang=lang)
    _say(book, lang, "consolidated", done=result.consolidated, failed=result.failed,
         output=result.output)  # fmt: skip


@_reports_errors
def help(book: Any = None) -> None:  # the ribbon's name for it (macros/PmoRibbon.bas)
    """Aide: show the Guide sheet and what each button does."""
    book = book if book is not None else xw.Book.caller()
    names = [s.name for s in book.sheets]
    guide = next((n for n in names if n in GUIDE_SHEET.values()), None)
    if guide is not None:
        book.sheets[guide].activate()
    _say(book, live.project_language(names), "help")


def status_report(book: Any) -> tuple[Any, Any]:
    """The analysis and status report of the live ``book`` (its History sheet read live)."""
    return services.status_report(live.read_book(book), live.owned_rows(book, "history"))


def consolidation_folder(book: Any) -> str:
    """The cell named PMO_FOLDER when the book has that name, else the book's own folder."""
    if FOLDER_NAME in book.names:
        value = book.names[FOLDER_NAME].refers_to_range.value
        if value:
            return str(value)
    return str(Path(book.fullname).parent)
