"""Cell functions: ``=PMO_SPI(EV; PV)`` and friends, as xlwings UDFs (``UDF Modules``).

Each function converts its arguments, calls one ``core`` function and returns; all of them:

* take a value, a cell or a range for every argument (``ndim=2``: xlwings passes a 2-D list) and
  apply the core function cell by cell, broadcasting like Excel's array arithmetic (a single cell
  against a column gives a column); one cell in gives one value out, a range gives an array that
  spills (dynamic arrays, Excel 365 / 2021);
* read cells with the file reader's converters (``pmo_xl.convert``): numbers typed as French text
  ("35 000,5"), dates as dates, serials, ISO or day-first text;
* never raise: Excel gets an error value as text, the way it shows its own:

  ========== ==============================================================================
  ``#N/A``    a required argument is blank
  ``#VALUE!`` an argument of the wrong type (text for a number, a probability of 7...), an
              unknown option (EAC method, language, calendar), ranges of incompatible sizes
  ``#DIV/0!`` the core result is null because of a division by zero (no PV yet for SPI, no
              AC yet for CPI, nothing left to spend for TCPI...)
  ``#NUM!``   earned schedule undefined (empty PV series, negative EV), a non-finite result
  ========== ==============================================================================

  and an Excel error received as an argument (``err_to_str``) comes back unchanged.

On Windows ``xw.func``/``xw.arg`` are xlwings' UDF decorators (they store ``__xlfunc__``, which
``xlwings.udfs.import_udfs`` turns into the VBA wrappers); elsewhere they leave the function as it
is. Either way every function stays a plain Python function (tests call them directly).
Annotations matter: xlwings turns a parameter's type hint into its converter, so parameters are
``Any`` (the default value converter), never ``float`` or ``date``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import xlwings as xw

from pmo_xl.convert import BAD, cell_date, cell_number, cell_text
from pmo_xl.core import evm, risk
from pmo_xl.core.calendar import WorkCalendar

F = TypeVar("F", bound=Callable[..., Any])

CATEGORY = "PMO"
NA = "#N/A"
VALUE = "#VALUE!"
DIV0 = "#DIV/0!"
NUM = "#NUM!"
# what Excel hands a UDF for an error cell when err_to_str is on (and what users see)
EXCEL_ERRORS = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    }
)  # fmt: skip
# the options every argument gets: always a 2-D list, error cells as their text
ARG_OPTIONS: dict[str, Any] = {"ndim": 2, "err_to_str": True}


def udf(**docs: str) -> Callable[[F], F]:
    """``xw.func`` (category PMO) and one ``xw.arg`` per argument, documented by ``docs``."""

    def decorate(f: F) -> F:
        for name, doc in docs.items():
            f = xw.arg(name, doc=doc, **ARG_OPTIONS)(f)
        return xw.func(category=CATEGORY)(f)

    return decorate


# --- the cell functions ---------------------------------------------------------------------------


@udf(ev="Earned value (EV)", pv="Planned value (PV)")
def PMO_SPI(ev: Any, pv: Any) -> Any:
    """Schedule performance index SPI = EV / PV; #DIV/0! before any PV."""
    return cells(evm.spi, (number, ev), (number, pv))


@udf(ev="Earned value (EV)", ac="Actual cost (AC)")
def PMO_CPI(ev: Any, ac: Any) -> Any:
    """Cost performance index CPI = EV / AC; #DIV/0! before any AC."""
    return cells(evm.cpi, (number, ev), (number, ac))


@udf(
    bac="Budget at completion (BAC)",
    ev="Earned value (EV)",
    ac="Actual cost (AC)",
    method='"cpi" BAC/CPI (default), "atypical" AC+BAC-EV, "cpi_spi" (needs pv)',
    pv="Planned value (PV), for the cpi_spi method",
)
def PMO_EAC(bac: Any, ev: Any, ac: Any, method: Any = None, pv: Any = None) -> Any:
    """Estimate at completion by method: cpi (BAC/CPI), atypical (AC+BAC-EV) or cpi_spi."""
    return cells(
        evm.eac,
        (number, bac),
        (number, ev),
        (number, ac),
        (option("cpi"), method),
        (optional_number, pv),
    )


@udf(
    bac="Budget at completion (BAC)",
    ev="Earned value (EV)",
    ac="Actual cost (AC)",
    eac="Target estimate at completion; blank: the target is BAC",
)
def PMO_TCPI(bac: Any, ev: Any, ac: Any, eac: Any = None) -> Any:
    """To-complete performance index: (BAC-EV)/(BAC-AC), or (BAC-EV)/(EAC-AC) given an EAC."""
    return cells(tcpi, (number, bac), (number, ev), (number, ac), (optional_number, eac))


@udf(pv_series="Cumulative PV per period, period 1 first", ev="Earned value (EV)")
def PMO_ES(pv_series: Any, ev: Any) -> Any:
    """Earned schedule (periods) of EV on the cumulative PV curve (Lipke)."""
    return cells(evm.earned_schedule, (series, whole_range(pv_series)), (number, ev), none=NUM)


@udf(p="Probability 1-5", i="Impact 1-5")
def PMO_RISK_SCORE(p: Any, i: Any) -> Any:
    """Risk score = probability x impact (1-25); each must be a whole number from 1 to 5."""
    return cells(risk.risk_score, (number, p), (number, i))


@udf(
    score="Risk score 1-25",
    lang='"fr" (default) or "en"',
    amber_from="Amber from this score (default 5)",
    red_from="Red from this score (default 10)",
)
def PMO_RISK_BAND(
    score: Any, lang: Any = None, amber_from: Any = None, red_from: Any = None
) -> Any:
    """Colour band of a risk score: vert/orange/rouge (green/amber/red in English)."""
    return cells(
        band,
        (number, score),
        (option("fr", "fr", "en"), lang),
        (optional_number, amber_from),
        (optional_number, red_from),
    )


@udf(
    start="First date",
    end="Last date",
    calendar='"france" (default), "alsace_moselle" or "none" (weekends only)',
)
def PMO_WORKDAYS(start: Any, end: Any, calendar: Any = None) -> Any:
    """Working days from start to end, both included, like NETWORKDAYS (French holidays)."""
    return cells(networkdays, (date, start), (date, end), (option("france"), calendar))


@udf(
    start="Start date",
    n="Working days to add (negative: back)",
    calendar='"france" (default), "alsace_moselle" or "none" (weekends only)',
)
def PMO_ADD_WORKDAYS(start: Any, n: Any, calendar: Any = None) -> Any:
    """The date n working days after start, like WORKDAY (French holidays)."""
    return cells(workday, (date, start), (days, n), (option("france"), calendar))


UDFS: tuple[Callable[..., Any], ...] = (
    PMO_SPI,
    PMO_CPI,
    PMO_EAC,
    PMO_TCPI,
    PMO_ES,
    PMO_RISK_SCORE,
    PMO_RISK_BAND,
    PMO_WORKDAYS,
    PMO_ADD_WORKDAYS,
)


# --- adapters: Excel's argument conventions onto one core function -------------------------------


def tcpi(bac: float, ev: float, ac: float, eac: float | None) -> float | None:
    """TCPI to BAC, or to ``eac`` when one is given."""
    return evm.tcpi_bac(bac, ev, ac) if eac is None else evm.tcpi_eac(bac, ev, ac, eac)


def band(score: float, lang: str, amber_from: float | None, red_from: float | None) -> str:
    """The band label of ``score`` in ``lang`` under the given (or default) thresholds."""
    settings = {"risk_amber_from": amber_from, "risk_red_from": red_from}
    return risk.band_label(risk.risk_band(score, settings), "en" if lang == "en" else "fr")


def networkdays(start: dt.date, end: dt.date, calendar: str) -> int:
    """NETWORKDAYS: working days from start to end, both included; negative when end < start."""
    # core counts [start, end] and gives 0 for a reversed interval; Excel gives the negative count
    if end < start:
        return -networkdays(end, start, calendar)
    return int(WorkCalendar(calendar).count_inclusive(start, end))


def workday(start: dt.date, n: int, calendar: str) -> dt.date:
    """WORKDAY: the n-th working day after (n < 0: before) start; start itself when n = 0."""
    if n == 0:
        return start
    cal = WorkCalendar(calendar)
    # core's add() makes the next working day "day 0"; WORKDAY counts from the start itself, so
    # from a non-working start the first step forward already lands on that next working day
    if n > 0 and not bool(cal.is_working(start)):
        n -= 1
    day: dt.date = pd.Timestamp(cal.add(start, n).reshape(())[()]).date()
    return day


# --- cell converters: raise CellError (blank) or ValueError (wrong type) -------------------------


class CellError(Exception):
    """An argument that makes the result an Excel error value ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def number(value: Any) -> float:
    converted = cell_number(value)
    if converted is None:
        raise CellError(NA)
    if converted is BAD:
        raise ValueError(value)
    return float(converted)  # type: ignore[arg-type]


def optional_number(value: Any) -> float | None:
    return None if cell_text(value) is None else number(value)


def days(value: Any) -> int:
    """A whole number of days; a fraction is truncated toward zero as WORKDAY does."""
    return int(number(value))


def date(value: Any) -> dt.date:
    converted = cell_date(value)
    if converted is None:
        raise CellError(NA)
    if not isinstance(converted, pd.Timestamp):
        raise ValueError(value)
    day: dt.date = converted.date()
    return day


def option(default: str, *allowed: str) -> Callable[[Any], str]:
    """A keyword argument: trimmed, lower case, ``default`` when blank, one of ``allowed``."""

    def convert(value: Any) -> str:
        text = (cell_text(value) or default).strip().lower() or default
        if allowed and text not in allowed:
            raise ValueError(value)
        return text

    return convert


class whole_range:  # lower case: reads as a converter at the call site
    """Marks an argument taken as a whole (a series), not cell by cell."""

    def __init__(self, value: Any) -> None:
        self.value = value


def series(value: Any) -> list[float | None]:
    """A range as one list of numbers (row by row); blank cells None, text refused."""
    out: list[float | None] = []
    for raw in grid(value).ravel():
        if isinstance(raw, str) and raw in EXCEL_ERRORS:
            raise CellError(raw)
        out.append(optional_number(raw))
    return out


# --- the cell-by-cell machinery ------------------------------------------------------------------


def cells(fn: Callable[..., Any], *args: tuple[Callable[[Any], Any], Any], none: str = DIV0) -> Any:
    """``fn`` applied cell by cell to the broadcast arguments; one cell in, one value out."""
    whole = [(conv, raw.value) for conv, raw in args if isinstance(raw, whole_range)]
    each = [(conv, raw) for conv, raw in args if not isinstance(raw, whole_range)]
    fixed: list[Any] = []
    for conv, raw in whole:
        try:
            fixed.append(conv(raw))
        except CellError as exc:
            return exc.code
        except (ValueError, TypeError, OverflowError):
            return VALUE
    grids = [grid(raw) for _, raw in each]
    try:
        shape = np.broadcast_shapes(*(g.shape for g in grids))
        spread = np.broadcast_arrays(*grids)
    except ValueError:
        return VALUE
    if 0 in shape:
        return VALUE
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        cell = [(conv, g[index]) for (conv, _), g in zip(each, spread, strict=True)]
        out[index] = one_cell(fn, fixed, cell, none)
    return out[0, 0] if shape == (1, 1) else out.tolist()


Converter = Callable[[Any], Any]


def one_cell(
    fn: Callable[..., Any], fixed: list[Any], cell: list[tuple[Converter, Any]], none: str
) -> Any:
    try:
        values = []
        for conv, raw in cell:
            if isinstance(raw, str) and raw in EXCEL_ERRORS:
                return raw
            values.append(conv(raw))
        result = fn(*fixed, *values)
    except CellError as exc:
        return exc.code
    except (ValueError, TypeError, OverflowError):
        return VALUE
    return none if result is None else excel_value(result)


def grid(value: Any) -> np.ndarray:
    """Any argument as a 2-D object array: a scalar is 1x1, a flat list one row."""
    rows = value if isinstance(value, list | tuple) else [[value]]
    if rows and not isinstance(rows[0], list | tuple):
        rows = [rows]
    out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    for i, row in enumerate(rows):
        for j, item in enumerate(row):
            out[i, j] = item
    return out


def excel_value(value: Any) -> Any:
    """A core result as what xlwings hands Excel: float, int, str or datetime (dates)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, float) and not math.isfinite(value):
        return NUM
    return value
