"""The cell functions: exact values (PRA oracle, French calendar), Excel error values, and what
xlwings' own UDF decorators (the real ``xlwings.udfs`` of the pinned package) register for them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
import types
from typing import Any

import pytest
import xlwings

from pmo_xl.excel import udfs
from pmo_xl.excel.udfs import (
    PMO_ADD_WORKDAYS,
    PMO_CPI,
    PMO_EAC,
    PMO_ES,
    PMO_RISK_BAND,
    PMO_RISK_SCORE,
    PMO_SPI,
    PMO_TCPI,
    PMO_WORKDAYS,
)

D = dt.datetime
# PRA oracle: PV 40,000 EV 35,000 AC 36,000 BAC 100,000
CASES: list[tuple[Any, tuple[Any, ...], Any]] = [
    (PMO_SPI, (35_000, 40_000), 0.875),
    (PMO_CPI, (35_000, 36_000), 35_000 / 36_000),
    (PMO_EAC, (100_000, 35_000, 36_000), 100_000 / (35_000 / 36_000)),
    (PMO_EAC, (100_000, 35_000, 36_000, "atypical"), 101_000.0),
    (PMO_EAC, (100_000, 35_000, 36_000, " CPI "), 100_000 / (35_000 / 36_000)),
    (PMO_EAC, (100_000, 35_000, 36_000, "cpi_spi", 40_000), 36_000 + 65_000 / (0.875 * 35 / 36)),
    (PMO_EAC, (100_000, 35_000, 36_000, "cpi_spi"), "#DIV/0!"),  # no PV: no SPI
    (PMO_EAC, (100_000, 35_000, 36_000, "median"), "#VALUE!"),
    (PMO_TCPI, (100_000, 35_000, 36_000), 65_000 / 64_000),
    (PMO_TCPI, (100_000, 35_000, 36_000, 110_000), 65_000 / 74_000),
    (PMO_TCPI, (100_000, 35_000, 100_000), "#DIV/0!"),  # nothing left to spend
    (PMO_SPI, (35_000, 0), "#DIV/0!"),
    (PMO_CPI, (0, 0), "#DIV/0!"),
    (PMO_SPI, (None, 40_000), "#N/A"),
    (PMO_SPI, ("abc", 40_000), "#VALUE!"),
    (PMO_SPI, ("35 000", "40 000,0"), 0.875),  # French text numbers, the reader's conversion
    (PMO_SPI, ("#N/A", 40_000), "#N/A"),  # an error cell comes back as itself
    (PMO_SPI, ("#REF!", 40_000), "#REF!"),
    (PMO_ES, ([[10.0], [20.0], [30.0], [None]], 25), 2.5),
    (PMO_ES, ([10.0, 20.0, 30.0], 30), 3.0),
    (PMO_ES, ([10.0, 20.0, 30.0], -1), "#NUM!"),
    (PMO_ES, ([10.0, "x", 30.0], 5), "#VALUE!"),
    (PMO_RISK_SCORE, (3, 4), 12),
    (PMO_RISK_SCORE, (3.0, 5.0), 15),
    (PMO_RISK_SCORE, (6, 1), "#VALUE!"),
    (PMO_RISK_SCORE, (2.5, 1), "#VALUE!"),
    (PMO_RISK_BAND, (12,), "rouge"),
    (PMO_RISK_BAND, (12, "en"), "red"),
    (PMO_RISK_BAND, (5, "EN"), "amber"),
    (PMO_RISK_BAND, (4,), "vert"),
    (PMO_RISK_BAND, (7, "en", 8, 12), "green"),
    (PMO_RISK_BAND, (12, "de"), "#VALUE!"),
    (PMO_RISK_BAND, (30,), "#VALUE!"),
    # French calendar: 8 May (Victoire 1945) and 14 May 2026 (Ascension) are holidays
    (PMO_WORKDAYS, ("2026-05-04", "2026-05-21"), 12),
    (PMO_WORKDAYS, (D(2026, 5, 4), D(2026, 5, 21)), 12),
    (PMO_WORKDAYS, ("04/05/2026", 46163.0), 12),  # day-first text and an Excel serial
    (PMO_WORKDAYS, ("2026-05-21", "2026-05-04"), -12),  # reversed: negative, as NETWORKDAYS
    (PMO_WORKDAYS, ("2026-05-04", "2026-05-04"), 1),  # both ends included
    (PMO_WORKDAYS, ("2026-05-09", "2026-05-10"), 0),  # a weekend
    (PMO_WORKDAYS, ("2026-05-04", "2026-05-21", "none"), 14),
    (PMO_WORKDAYS, ("2026-05-04", "2026-05-21", "mars"), "#VALUE!"),
    (PMO_WORKDAYS, ("2026-05-04", None), "#N/A"),
    (PMO_WORKDAYS, ("2026-05-04", "soon"), "#VALUE!"),
    (PMO_ADD_WORKDAYS, ("2026-05-04", 11), D(2026, 5, 21)),  # WORKDAY(start, NETWORKDAYS - 1)
    (PMO_ADD_WORKDAYS, ("2026-05-04", 11.9), D(2026, 5, 21)),  # days truncated
    (PMO_ADD_WORKDAYS, ("2026-05-13", 1), D(2026, 5, 15)),  # over Ascension
    (PMO_ADD_WORKDAYS, ("2026-05-09", 1), D(2026, 5, 11)),  # from a Saturday
    (PMO_ADD_WORKDAYS, ("2026-05-09", -1), D(2026, 5, 7)),  # back over 8 May
    (PMO_ADD_WORKDAYS, ("2026-05-09", 0), D(2026, 5, 9)),  # WORKDAY(d, 0) = d
    (PMO_ADD_WORKDAYS, ("2026-05-04", "x"), "#VALUE!"),
]


@pytest.mark.parametrize(("function", "args", "expected"), CASES)
def test_cell_function(function: Any, args: tuple[Any, ...], expected: Any) -> None:
    got = function(*args)
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12)
    else:
        assert got == expected
        assert type(got) is type(expected)


def test_eac_oracle_rounds_to_the_cent() -> None:
    assert round(PMO_EAC(100_000, 35_000, 36_000), 2) == 102_857.14


def test_ranges_in_arrays_out() -> None:
    # a column against a single cell: one result per row, errors per cell
    assert PMO_SPI([[35_000.0], [0.0], [None], ["x"]], [[40_000.0]]) == [
        [0.875],
        [0.0],
        ["#N/A"],
        ["#VALUE!"],
    ]
    assert PMO_CPI([[1.0, 2.0]], [[2.0], [4.0]]) == [[0.5, 1.0], [0.25, 0.5]]
    assert PMO_SPI([[1.0, 2.0]], [[1.0, 2.0, 4.0]]) == "#VALUE!"  # sizes Excel cannot match
    assert PMO_ES([10.0, 20.0, 30.0], [[5.0], [25.0]]) == [[0.5], [2.5]]
    assert PMO_RISK_BAND([[3.0, 7.0, 20.0]], "en") == [["green", "amber", "red"]]


def test_every_udf_is_listed_and_documented() -> None:
    names = sorted(n for n in dir(udfs) if n.startswith("PMO_"))
    assert names == sorted(f.__name__ for f in udfs.UDFS)
    assert all(f.__doc__ for f in udfs.UDFS)


# --- the real xlwings UDF decorators ----------------------------------------------------------


@pytest.fixture
def windows_udfs(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """``pmo_xl.excel.udfs`` decorated as on Windows: by ``xlwings.udfs`` of the pinned package.

    On Windows ``xw.func/arg/ret`` *are* ``xlwings.udfs.xlfunc/xlarg/xlret``. That module imports
    pywin32 at the top (not used by the decorators): empty stand-ins let it import here.
    """
    stubs = {
        "pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
        "pywintypes": types.SimpleNamespace(com_error=Exception),
        "win32com": types.ModuleType("win32com"),
        "win32com.client": types.SimpleNamespace(Dispatch=None),
    }
    for name, module in stubs.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    real = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", real.xlfunc)
    monkeypatch.setattr(xlwings, "arg", real.xlarg)
    monkeypatch.setattr(xlwings, "ret", real.xlret)
    spec = importlib.util.spec_from_file_location("pmo_udfs_windows", udfs.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SIGNATURES = {
    "PMO_SPI": ["ev", "pv"],
    "PMO_CPI": ["ev", "ac"],
    "PMO_EAC": ["bac", "ev", "ac", "method", "pv"],
    "PMO_TCPI": ["bac", "ev", "ac", "eac"],
    "PMO_ES": ["pv_series", "ev"],
    "PMO_RISK_SCORE": ["p", "i"],
    "PMO_RISK_BAND": ["score", "lang", "amber_from", "red_from"],
    "PMO_WORKDAYS": ["start", "end", "calendar"],
    "PMO_ADD_WORKDAYS": ["start", "n", "calendar"],
}


OPTIONAL = {
    "PMO_EAC": ("method", "pv"),
    "PMO_TCPI": ("eac",),
    "PMO_RISK_BAND": ("lang", "amber_from", "red_from"),
    "PMO_WORKDAYS": ("calendar",),
    "PMO_ADD_WORKDAYS": ("calendar",),
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_xlwings_registers_the_udf(windows_udfs: types.ModuleType, name: str) -> None:
    info = getattr(windows_udfs, name).__xlfunc__
    assert info["name"] == name
    assert info["sub"] is False
    assert info["category"] == "PMO"
    assert info["volatile"] is False and info["async_mode"] is None
    assert [a["name"] for a in info["args"]] == SIGNATURES[name]
    for arg in info["args"]:
        # every argument: 2-D list, error cells as text, the default value converter (Any)
        assert arg["options"] == {"convert": Any, "ndim": 2, "err_to_str": True}
        assert arg["doc"] and not arg["doc"].startswith("Positional argument")
        assert arg["vararg"] is False
    optional = {a["name"]: a["optional"] for a in info["args"] if "optional" in a}
    assert optional == dict.fromkeys(OPTIONAL.get(name, ()))  # missing in Excel -> None
    assert info["ret"]["options"] == {"convert": Any}
    assert info["ret"]["doc"] == getattr(udfs, name).__doc__


def test_xlwings_generates_the_vba_wrappers(windows_udfs: types.ModuleType) -> None:
    """The VBA that ``import_udfs`` writes into the workbook (xlwings' own generator)."""
    real = sys.modules["xlwings.udfs"]
    out = io.StringIO()
    real.generate_vba_wrapper(
        "pmo_xl.excel.udfs", windows_udfs, out, types.SimpleNamespace(Name="pmo_xl.xlsm")
    )
    vba = out.getvalue()
    for declaration in (
        "Function PMO_SPI(ev, pv)",
        "Function PMO_EAC(bac, ev, ac, Optional method, Optional pv)",
        "Function PMO_TCPI(bac, ev, ac, Optional eac)",
        "Function PMO_ES(pv_series, ev)",
        "Function PMO_RISK_BAND(score, Optional lang, Optional amber_from, Optional red_from)",
        "Function PMO_WORKDAYS(start, end, Optional calendar)",
        "Function PMO_ADD_WORKDAYS(start, n, Optional calendar)",
    ):
        assert declaration in vba
    assert vba.count("End Function") == len(SIGNATURES)
    assert 'XLPy.CallUDF("pmo_xl.excel.udfs", "PMO_SPI", Array(ev, pv), ThisWorkbook' in vba


def test_the_argument_options_build_xlwings_conversion_pipelines(
    windows_udfs: types.ModuleType,
) -> None:
    """``call_udf`` runs ``conversion.read(..., arg options)`` and ``conversion.write(..., ret
    options)``: the pipelines for our options exist, and the dimension stage keeps 2-D lists."""
    from xlwings.conversion import accessors
    from xlwings.conversion.standard import AdjustDimensionsStage, Ensure2DStage

    for f in udfs.UDFS:
        info = getattr(windows_udfs, f.__name__).__xlfunc__
        for arg in info["args"]:
            assert accessors[arg["options"]["convert"]].reader(arg["options"]) is not None
        ret = info["ret"]["options"]
        assert accessors[ret["convert"]].router(0.5, None, ret).writer(ret) is not None
    cases = (
        (35_000.0, [[35_000.0]], 1.0),  # one cell in, one value out
        ([1.0, 2.0], [[1.0, 2.0]], [[1.0, 1.0]]),  # a row in, a row out
    )
    for raw, expected, result in cases:
        ctx = types.SimpleNamespace(value=raw, meta={})
        Ensure2DStage()(ctx)
        AdjustDimensionsStage(udfs.ARG_OPTIONS)(ctx)
        assert ctx.value == expected
        assert PMO_SPI(ctx.value, ctx.value) == result
