"""Workbook file -> ProjectData, through fastexcel (calamine, Rust).

The file is checked before any parsing: a missing file, a legacy .xls, a password-protected
(encrypted) workbook, a damaged or truncated package and a zip bomb each give one WorkbookError
line naming the file and the problem. Then every input sheet is read once, only its schema
columns, and handed to :mod:`pmo_xl.convert` (shared with the live Excel reader).
"""

from __future__ import annotations

import logging
import mmap
import re
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastexcel
import pandas as pd

from pmo_xl.convert import (
    ExcelError,
    FormResult,
    TableResult,
    column_for_header,
    convert_form,
    convert_table,
    project_data,
)
from pmo_xl.errors import WorkbookError
from pmo_xl.model import ProjectData
from pmo_xl.schema import (
    NUMERIC_TYPES,
    SHEETS,
    SHEETS_BY_KEY,
    ColType,
    Sheet,
    column_letter,
    sheet_for_name,
)

# fastexcel logs (through Python logging) a warning for every all-blank column it cannot type;
# a library must not print on stderr by default: the application's logging config decides.
logging.getLogger("fastexcel").addHandler(logging.NullHandler())

# --- zip bomb limits, checked on the zip directory before anything is decompressed -------------
# The largest legitimate part we expect is the worksheet XML of a million-row Actuals sheet:
# about 340 MB uncompressed (measured, 7 columns, inline strings). 1 GiB leaves 3x headroom while
# refusing a part that would exhaust memory once calamine holds its cells.
MAX_PART_BYTES = 1 << 30
# All parts together: a workbook may hold several big sheets, but not beyond this.
MAX_TOTAL_BYTES = 2 << 30
# Spreadsheet XML compresses 5-20x (measured 8x on the million-row sheet); deflate cannot exceed
# ~1032x. A big part expanding more than MAX_RATIO times is a crafted bomb, not a workbook.
MAX_RATIO = 200
RATIO_CHECK_FROM = 64 << 20  # small parts (styles, empty sheets) may compress very well
# A workbook has tens of parts; a directory of many thousands is an attack on the reader.
MAX_PARTS = 10_000
# Residual risk, documented: a part whose directory entry under-declares its size is only caught
# by the CRC/size check after decompression; deflate's 1032x bound on the compressed size (itself
# bounded by the file size) is what limits it.

OLE_MAGIC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: legacy .xls or encrypted OOXML
)
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
# An encrypted .xlsx/.xlsm is an OLE file holding the package as stream "EncryptedPackage"
# (MS-OFFCRYPTO 2.3.4); OLE directory entry names are UTF-16LE.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def read_project(path: str | Path) -> ProjectData:
    """Read a project workbook (.xlsx or .xlsm) into typed ProjectData.

    Raises WorkbookError (one line naming the file and the problem) when the file cannot be read
    as a project workbook. Values of the wrong type are not errors here: they become ``type``
    findings in ``ProjectData.findings``.
    """
    source = str(path)
    check_package(path)
    try:
        reader = fastexcel.read_excel(Path(path))
    except Exception as exc:  # calamine's errors: the package is not a readable workbook
        raise WorkbookError(f"cannot be read: {_first_line(exc)}", path=source) from None
    found = find_input_sheets(reader.sheet_names)
    check_input_sheets(found, source)
    forms: dict[str, FormResult] = {}
    tables: dict[str, TableResult] = {}
    try:
        for key, (sheet, name) in found.items():
            if sheet.kind == "form":
                forms[key] = _read_form(reader, sheet, name)
            else:
                tables[key] = _read_table(reader, sheet, name)
    except WorkbookError as exc:
        raise WorkbookError(exc.message, path=source) from None
    except fastexcel.FastExcelError as exc:
        raise WorkbookError(f"cannot be read: {_first_line(exc)}", path=source) from None
    return project_data(forms.get("project"), forms.get("settings"), tables, source=source)


def check_input_sheets(found: Mapping[str, tuple[Sheet, str]], source: str | None = None) -> None:
    """Raise WorkbookError unless every required input sheet is among ``found``
    (shared by the file reader and the live Excel reader)."""
    required = [s for s in SHEETS if s.required]
    missing = [s for s in required if s.key not in found]
    if len(missing) == len(required):
        raise WorkbookError(
            "not a project workbook: it has none of the input sheets "
            + ", ".join(f"'{s.en}' ({s.fr})" for s in SHEETS[:3])
            + ", ...",
            path=source,
        )
    if missing:
        noun = "sheet" if len(missing) == 1 else "sheets"
        names = ", ".join(f"'{s.en}' ({s.fr})" for s in missing)
        raise WorkbookError(f"no {noun} {names}", path=source)


def find_input_sheets(names: list[str]) -> dict[str, tuple[Sheet, str]]:
    """Schema sheet key -> (sheet, worksheet name); other sheets are the user's and ignored.

    A sheet named in French and one named in English for the same input: the first one wins.
    """
    found: dict[str, tuple[Sheet, str]] = {}
    for name in names:
        sheet = sheet_for_name(name)
        if sheet is not None and sheet.key not in found:
            found[sheet.key] = (sheet, name)
    return found


def _read_table(reader: fastexcel.ExcelReader, sheet: Sheet, name: str) -> TableResult:
    seen: set[str] = set()

    def wanted(info: Any) -> bool:  # only the schema's columns are loaded, first of duplicates
        col = column_for_header(sheet.key, info.name)
        if col is None or col.key in seen:
            return False
        seen.add(col.key)
        return True

    loaded = reader.load_sheet(
        name,
        header_row=0,  # the schema's header row 1...
        skip_rows=0,  # ...counted from the top of the sheet, even when row 1 is empty
        use_columns=wanted,
        dtypes=_dtypes(sheet.key),
        schema_sample_rows=None,  # a header spelled otherwise: type its column on all its rows
        whitespace_as_null=True,
    )
    batch, errors = loaded.to_arrow_with_errors()
    selected = loaded.selected_columns
    del loaded  # frees calamine's cells before the conversion allocates (peak memory)
    headers = [c.name for c in selected]
    positions = [c.absolute_index for c in selected]
    columns = [batch.column(i) for i in range(batch.num_columns)]
    del batch
    cell_errors = _excel_errors(errors, positions)
    return convert_table(
        sheet, name, headers, columns, positions=positions, cell_errors=cell_errors
    )


@lru_cache(maxsize=64)
def _dtypes(sheet_key: str) -> dict[str | int, fastexcel.DType]:
    """The fastexcel dtype of each column, by every exact spelling of its header.

    Given dtypes keep every value exact: a column that is mostly numbers stays numeric and the
    odd text cell comes back as a cell error with its raw value (fastexcel's guess would turn the
    whole column into text, printing numbers with 9 decimals). A header spelled otherwise (case,
    accents) still works, by guessing.
    """
    dtypes: dict[str | int, fastexcel.DType] = {}
    for col in SHEETS_BY_KEY[sheet_key].columns:
        dtype: fastexcel.DType = (
            "datetime"
            if col.type == ColType.DATE
            else "float"
            if col.type in NUMERIC_TYPES
            else "string"
        )
        for spelling in (col.en, col.fr, col.key):
            dtypes.setdefault(spelling, dtype)
    return dtypes


def _read_form(reader: fastexcel.ExcelReader, sheet: Sheet, name: str) -> FormResult:
    loaded = reader.load_sheet(
        name,
        header_row=None,
        skip_rows=0,  # row numbers from the top of the sheet
        use_columns=lambda info: info.absolute_index in (0, 1),  # label, value
        # values as numbers: exact; text and dates come back as cell errors with their raw value
        dtypes={0: "string", 1: "float"},
        whitespace_as_null=True,
    )
    batch, errors = loaded.to_arrow_with_errors()
    selected = loaded.selected_columns
    by_position = {c.absolute_index: batch.column(i).to_pylist() for i, c in enumerate(selected)}
    labels = by_position.get(0, [])
    values = by_position.get(1, [None] * len(labels))
    positions = [c.absolute_index for c in selected]
    for (i, row), raw in _excel_errors(errors, positions).items():
        if positions[i] == 1:
            values[row] = raw
    rows = list(zip(labels, values, strict=True))
    return convert_form(sheet, name, rows, first_row=1, value_column=column_letter(1))


_EXCEL_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
# fastexcel describes a cell it could not put in its column's type in calamine's Debug notation:
# "Expected float but got 'String(\"n/a\")'" or "... got 'Error(Div0)'"
_DETAIL = re.compile(r"got '(\w+)\((.*)\)'$", re.DOTALL)
_RUST_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|.)")
_SERIAL = re.compile(r"value: ([-+0-9.eE]+)")
_RUST_CHARS = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _excel_errors(errors: Any, positions: list[int]) -> dict[tuple[int, int], Any]:
    """(column position in the batch, data row offset) -> the raw value fastexcel left out."""
    if errors is None:
        return {}
    by_absolute = {absolute: i for i, absolute in enumerate(positions)}
    found: dict[tuple[int, int], Any] = {}
    for error in errors.errors:
        i = by_absolute.get(error.position[1])
        if i is not None:
            found[(i, error.offset_position[0])] = _cell_value(error.detail)
    return found


def _cell_value(detail: str) -> Any:
    m = _DETAIL.search(detail)
    if m is None:
        return ExcelError("#ERROR")
    kind, inner = m[1], m[2]
    if kind == "Error":
        return ExcelError(_EXCEL_ERRORS.get(inner, f"#{inner.upper()}"))
    if kind in ("String", "DateTimeIso", "DurationIso") and inner.startswith('"'):
        return _RUST_ESCAPE.sub(_unescape, inner[1:-1])
    if kind == "Bool":
        return inner == "true"
    if kind == "DateTime" and (serial := _SERIAL.search(inner)):
        days = float(serial[1]) + (1462 if "is_1904: true" in inner else 0)
        return pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
    if kind in ("Float", "Int"):
        return float(inner)
    return inner


def _unescape(m: re.Match[str]) -> str:
    code = m[1]
    if code.startswith("u{"):
        return chr(int(code[2:-1], 16))
    return _RUST_CHARS.get(code, code)


# --- the package, before parsing -----------------------------------------------------------------


def check_package(path: str | Path) -> None:
    """Refuse, with one clear line, a file that is not a readable .xlsx/.xlsm package."""
    source = str(path)
    p = Path(path)
    try:
        with p.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise WorkbookError("file not found", path=source) from None
    except IsADirectoryError:
        raise WorkbookError("is a directory, not a workbook", path=source) from None
    except OSError as exc:
        raise WorkbookError(f"cannot be opened: {exc.strerror or exc}", path=source) from None
    if not head:
        raise WorkbookError("is empty (0 bytes), not a workbook", path=source)
    if head == OLE_MAGIC:
        if _is_encrypted_ooxml(p):
            raise WorkbookError(
                "the workbook is password-protected (encrypted); remove the password in Excel "
                "(File > Info > Protect Workbook) and save it again",
                path=source,
            )
        raise WorkbookError(
            "is a legacy Excel 97-2003 workbook (.xls); open it in Excel and save it as "
            ".xlsx or .xlsm",
            path=source,
        )
    if not head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        raise WorkbookError("is not an Excel workbook (.xlsx or .xlsm)", path=source)
    try:
        with zipfile.ZipFile(p) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise WorkbookError(
            "is damaged or truncated (incomplete zip package)", path=source
        ) from None
    problem = zip_problem(infos)
    if problem:
        raise WorkbookError(problem, path=source)


def zip_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why this zip directory is not a workbook we will read, or None."""
    if len(infos) > MAX_PARTS:
        return f"refused: {len(infos)} parts in the package, above the limit of {MAX_PARTS}"
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_PART_BYTES:
            return (
                f"refused: part '{info.filename}' declares {_size(size)} uncompressed, "
                f"above the {_size(MAX_PART_BYTES)} limit"
            )
        ratio = size / max(info.compress_size, 1)
        if size > RATIO_CHECK_FROM and ratio > MAX_RATIO:
            return (
                f"refused: part '{info.filename}' would expand {ratio:.0f} times "
                f"({_size(info.compress_size)} to {_size(size)}), a zip bomb"
            )
    if total > MAX_TOTAL_BYTES:
        return (
            f"refused: the parts declare {_size(total)} uncompressed in all, "
            f"above the {_size(MAX_TOTAL_BYTES)} limit"
        )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        return None
    if "xl/workbook.bin" in names:
        return "is a binary workbook (.xlsb); save it as .xlsx or .xlsm"
    return "is a zip file but not an Excel workbook (no xl/workbook.xml)"


def _is_encrypted_ooxml(path: Path) -> bool:
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(ENCRYPTED_STREAM) >= 0


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


__all__ = [
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_CHECK_FROM",
    "check_package",
    "find_input_sheets",
    "read_project",
    "zip_problem",
]
