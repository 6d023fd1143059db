"""xlwings Lite (Excel on the web and desktop, Python in the browser): the ribbon's entry points
as ``@script`` functions. Lite passes the book itself (no ``Book.caller``).

In Lite's editor, ``main.py`` holds::

    from pmo_xl.excel.lite import *  # noqa: F403 - scripts: pmo_validate, pmo_refresh, ...
    from pmo_xl.excel.udfs import *  # noqa: F403 - the =PMO_... cell functions

and ``requirements.txt`` lists ``pmo_xl`` (see docs/excel.md for what Lite can run). Outside a
Lite runtime ``xw.script`` leaves each function as it is.
"""

from __future__ import annotations

import xlwings as xw

from pmo_xl.excel import macros


@xw.script
def pmo_validate(book: xw.Book) -> None:
    """Contrôler."""
    macros.validate(book)


@xw.script
def pmo_refresh(book: xw.Book) -> None:
    """Actualiser le tableau de bord."""
    macros.refresh(book)


@xw.script
def pmo_risk_matrix(book: xw.Book) -> None:
    """Matrice des risques."""
    macros.risk_matrix(book)


__all__ = ["pmo_refresh", "pmo_risk_matrix", "pmo_validate"]
