"""Raw sheet content -> typed ProjectData. Pure: no file access, no workbook library.

Shared by the file reader (``io.read``: fastexcel gives Arrow columns) and the live Excel reader
(``excel.live``: xlwings gives a 2-D list of Python values). The input is therefore generic:

* a table sheet is a header list plus one column of raw values per header: an Arrow array, a
  NumPy array, a pandas Series or a plain list (:func:`convert_table`), or the 2-D list of a
  range whose first row is the header (:func:`table_from_rows`);
* a form sheet is a list of rows ``(label, value, ...)`` (:func:`convert_form`).

Speed: a column whose values already have the right type (all dates, all numbers, all text) is
converted in one vectorised step. Any other column (text typed into a date column, numbers typed
as text, a mix) goes through the per-cell converters, once per *distinct* value (the column is
dictionary-encoded first), so even a million-row mixed column costs one call per distinct value.

A value that cannot be converted leaves the typed cell blank and becomes a ``type`` finding whose
message names the cell in the workbook's language (``Tâches!F12 : « abc » n'est pas une date``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

try:  # pandas >= 3: the public way to build a frame from ready-made blocks
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # pragma: no cover
    create_dataframe_from_blocks = None

from pmo_xl.errors import WorkbookError
from pmo_xl.i18n import tr
from pmo_xl.model import Finding, ProjectData, SheetLayout, column_dtype
from pmo_xl.schema import (
    FORM_SHEETS,
    NUMERIC_TYPES,
    PROJECT,
    SETTINGS,
    SHEETS,
    SHEETS_BY_KEY,
    TABLE_HEADER_ROW,
    TABLE_SHEETS,
    ColType,
    Column,
    Lang,
    Sheet,
    column_letter,
    fold,
    settings_defaults,
)

RawColumn: TypeAlias = "pa.Array | pa.ChunkedArray | np.ndarray | pd.Series | Sequence[Any]"

MESSAGES = {
    "not_date": {
        "fr": "{where} : « {value} » n'est pas une date",
        "en": "{where}: '{value}' is not a date",
    },
    "not_number": {
        "fr": "{where} : « {value} » n'est pas un nombre",
        "en": "{where}: '{value}' is not a number",
    },
    "not_percent": {
        "fr": "{where} : « {value} » n'est pas un pourcentage",
        "en": "{where}: '{value}' is not a percentage",
    },
    "not_text": {
        "fr": "{where} : « {value} » n'est pas un texte",
        "en": "{where}: '{value}' is not a text",
    },
}

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # serial 0; serial 1 is 1900-01-01 (see _serial)
MAX_SERIAL = 2_958_465  # 9999-12-31, the last day Excel knows
# datetime64[ns] (the model's dtype) spans 1677-09-22 .. 2262-04-11; outside it a date is refused
_MIN_DAY = np.datetime64("1677-09-22", "D")
_MAX_DAY = np.datetime64("2262-04-10", "D")


class _Bad:
    """Marker of a value that cannot be converted (the cell becomes a type finding)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "BAD"


BAD = _Bad()


class ExcelError(str):
    """An Excel error value (``#N/A``, ``#DIV/0!``...): never a valid input, whatever the type."""

    __slots__ = ()


@dataclass(frozen=True)
class TypeProblem:
    """A raw value that could not be converted to its column's type."""

    sheet: str  # worksheet name as found
    sheet_key: str
    cell: str
    column: Column
    row: int
    value: Any


@dataclass
class TableResult:
    frame: pd.DataFrame
    layout: SheetLayout
    problems: list[TypeProblem] = field(default_factory=list)


@dataclass
class FormResult:
    values: dict[str, Any]
    layout: SheetLayout
    problems: list[TypeProblem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# one cell at a time (forms, lists from xlwings, and the distinct values of mixed columns)


def is_blank(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return isinstance(value, str) and not value.strip()


_ISO_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
)
_DMY_DATE = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: (\d{1,2}):(\d{2})(?::\d{2})?)?"
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def cell_date(value: Any) -> pd.Timestamp | _Bad | None:
    """A cell as a midnight Timestamp: datetimes, Excel serials, ISO or day-first text."""
    if is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        return BAD
    if isinstance(value, dt.datetime | dt.date | np.datetime64):
        return _timestamp(pd.Timestamp(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return _serial(float(value))
    if isinstance(value, str):
        return _parse_date(value.strip())
    return BAD


def _parse_date(text: str) -> pd.Timestamp | _Bad:
    if m := _ISO_DATE.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.fullmatch(text):  # French order: day first
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year += 2000
    else:
        number = _parse_number(text)
        return _serial(number) if isinstance(number, float) else BAD
    try:
        return _timestamp(pd.Timestamp(year, month, day))
    except (ValueError, OverflowError):
        return BAD


def _timestamp(ts: pd.Timestamp) -> pd.Timestamp | _Bad:
    if ts is pd.NaT:
        return BAD
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    day = np.datetime64(ts.date(), "D")
    if not _MIN_DAY <= day <= _MAX_DAY:
        return BAD
    return pd.Timestamp(day).as_unit("ns")


def _serial(number: float) -> pd.Timestamp | _Bad:
    # Excel's 1900 leap-year bug shifts serials below 61 by one day; no project date is that old
    if not math.isfinite(number) or not 0 <= number <= MAX_SERIAL:
        return BAD
    return _timestamp(pd.Timestamp(EXCEL_EPOCH + np.timedelta64(int(number), "D")))


def cell_number(value: Any, percent: bool = False) -> float | _Bad | None:
    """A cell as a float; text in French or English notation; ``50 %`` (percent columns) -> 0.5."""
    if is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        return BAD
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else BAD
    if isinstance(value, str):
        text = value.strip()
        divisor = 1.0
        if percent and text.endswith("%"):
            text, divisor = text[:-1], 100.0
        parsed = _parse_number(text)
        return parsed / divisor if isinstance(parsed, float) else BAD
    return BAD


def _parse_number(text: str) -> float | _Bad:
    text = _SPACES.sub("", text)
    if "," in text:
        # the last separator is the decimal one: "1 234,5" (fr), "1,234.5" (en); "2,5" is 2.5
        if "." in text and text.rindex(".") > text.rindex(","):
            text = text.replace(",", "")
        else:
            text = text.replace(".", "").replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return BAD
    number = float(text)
    return number if math.isfinite(number) else BAD


def cell_text(value: Any) -> str | None:
    """A cell as text; a number typed where text is expected keeps its shown form (10 -> "10")."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime | pd.Timestamp):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cell_value(column: Column, value: Any) -> Any:
    """A form field's value: ``datetime.date``, ``float``, ``int``, ``str``, ``None`` or BAD."""
    kind = column.type
    if isinstance(value, ExcelError):
        return BAD
    if kind == ColType.DATE:
        ts = cell_date(value)
        return ts.date() if isinstance(ts, pd.Timestamp) else ts
    if kind in NUMERIC_TYPES:
        number = cell_number(value, kind == ColType.PERCENT)
        if kind == ColType.INTEGER and isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    text = cell_text(value)
    if text is None:
        return None
    if kind == ColType.ENUM:
        return enum_key(column, text)
    return text.strip() if kind != ColType.TEXT else text


@lru_cache(maxsize=8192)
def enum_key(column: Column, text: str) -> str:
    """The canonical key of an enumeration label (fr, en or key); the raw text if unknown."""
    choice = column.choice_for(text)
    return choice.key if choice else text.strip()


# ---------------------------------------------------------------------------------------------
# whole columns


@dataclass
class _Converted:
    values: np.ndarray  # datetime64[ns], float64 or object
    filled: np.ndarray  # bool: the raw cell is not blank (counts for blank-row detection)
    bad: list[tuple[int, Any]]  # (position, raw value) of values that could not be converted


def convert_column(column: Column, raw: RawColumn) -> _Converted:
    """One column's raw values as the model's dtype, vectorised when the values allow it."""
    array = _as_arrow(raw)
    if array is None:  # mixed Python values that Arrow cannot type: one cell at a time
        return _per_cell(column, list(raw))
    kind, t = column.type, array.type
    if pa.types.is_null(t):
        return _blank_column(column, len(array))
    if kind == ColType.DATE and (pa.types.is_timestamp(t) or pa.types.is_date(t)):
        return _dates_fast(array)
    if kind == ColType.DATE and (pa.types.is_integer(t) or pa.types.is_floating(t)):
        return _serials_fast(array)
    if kind in NUMERIC_TYPES and (
        pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
    ):
        return _numbers_fast(array)
    if kind not in NUMERIC_TYPES and kind != ColType.DATE and _is_text(t):
        return _text_fast(column, array)
    return _per_distinct(column, array)


def _as_arrow(raw: RawColumn) -> pa.Array | None:
    if isinstance(raw, pa.ChunkedArray):
        return raw.combine_chunks()
    if isinstance(raw, pa.Array):
        return raw
    try:
        if isinstance(raw, pd.Series):
            return pa.Array.from_pandas(raw)
        return pa.array(raw, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return None


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _blank_column(column: Column, n: int) -> _Converted:
    dtype = column_dtype(column.type)
    values = np.full(n, None, dtype=object) if dtype == "object" else np.full(n, None, dtype)
    if dtype == "float64":
        values = np.full(n, np.nan)
    return _Converted(values, np.zeros(n, dtype=bool), [])


def _valid(array: pa.Array) -> np.ndarray:
    """The validity bitmap as booleans, read from the buffer (no compute call per column)."""
    n = len(array)
    if array.null_count == 0:
        return np.ones(n, dtype=bool)
    if pa.types.is_null(array.type) or array.buffers()[0] is None:
        return np.zeros(n, dtype=bool)
    bits = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[array.offset : array.offset + n].astype(bool)


def _dates_fast(array: pa.Array) -> _Converted:
    if pa.types.is_timestamp(array.type) and array.type.tz is not None:
        array = array.cast(pa.timestamp(array.type.unit))
    days = array.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    filled = _valid(array)
    out_of_range = filled & ((days < _MIN_DAY) | (days > _MAX_DAY))
    bad: list[tuple[int, Any]] = []
    if out_of_range.any():
        positions = np.flatnonzero(out_of_range)
        bad = [(int(i), str(days[i])) for i in positions]
        days[positions] = np.datetime64("NaT")
    return _Converted(days.astype("datetime64[ns]"), filled, bad)


def _serials_fast(array: pa.Array) -> _Converted:
    serial = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
    filled = _valid(array)
    ok = filled & np.isfinite(serial) & (serial >= 0) & (serial <= MAX_SERIAL)
    days = np.full(len(serial), np.datetime64("NaT"), dtype="datetime64[D]")
    days[ok] = EXCEL_EPOCH + np.floor(serial[ok]).astype("int64").astype("timedelta64[D]")
    in_range = ok & (days >= _MIN_DAY) & (days <= _MAX_DAY)
    days[ok & ~in_range] = np.datetime64("NaT")
    bad = [(int(i), _shown_number(serial[i])) for i in np.flatnonzero(filled & ~in_range)]
    return _Converted(days.astype("datetime64[ns]"), filled, bad)


def _shown_number(number: float) -> str:
    return cell_text(number) or ""


def _numbers_fast(array: pa.Array) -> _Converted:
    values = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
    values = np.array(values, dtype="float64")  # writable, NaN for nulls
    filled = _valid(array)
    infinite = filled & ~np.isfinite(values)
    bad = [(int(i), _shown_number(values[i])) for i in np.flatnonzero(infinite)]
    values[infinite] = np.nan
    return _Converted(values, filled, bad)


def _text_fast(column: Column, array: pa.Array) -> _Converted:
    trimmed = pc.utf8_trim_whitespace(array)
    lengths = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)  # NaN where null
    filled = np.greater(lengths, 0, where=~np.isnan(lengths), out=np.zeros(len(array), bool))
    keep = array if column.type == ColType.TEXT else trimmed
    if column.type == ColType.ENUM:
        encoded = pc.dictionary_encode(keep)
        labels = encoded.dictionary.to_pylist()
        keys = pa.array([enum_key(column, label) for label in labels], type=pa.string())
        keep = keys.take(encoded.indices)
    values = keep.to_numpy(zero_copy_only=False)
    if not filled.all():
        values[~filled] = None
    return _Converted(values, filled, [])


def _per_distinct(column: Column, array: pa.Array) -> _Converted:
    """Convert each distinct value once, then spread the results over the rows."""
    try:
        encoded = pc.dictionary_encode(array)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return _per_cell(column, array.to_pylist())
    distinct = encoded.dictionary.to_pylist()
    converted = _per_cell(column, distinct)
    # nulls point to one extra slot past the distinct values: blank
    idx = pc.fill_null(encoded.indices, len(distinct)).to_numpy().astype("int64")
    blank = _blank_column(column, 1)
    values = np.concatenate([converted.values, blank.values])[idx]
    filled = np.concatenate([converted.filled, [False]])[idx]
    bad: list[tuple[int, Any]] = []
    if converted.bad:
        bad_value = {pos: raw for pos, raw in converted.bad}
        rows = np.flatnonzero(np.isin(idx, list(bad_value)))
        bad = [(int(r), bad_value[int(idx[r])]) for r in rows]
    return _Converted(values, filled, bad)


def _per_cell(column: Column, raw: Sequence[Any]) -> _Converted:
    convert = _cell_converter(column)
    n = len(raw)
    dtype = column_dtype(column.type)
    out: list[Any] = [None] * n
    filled = np.zeros(n, dtype=bool)
    bad: list[tuple[int, Any]] = []
    for i, value in enumerate(raw):
        typed = convert(value)
        if typed is BAD:
            filled[i] = True
            bad.append((i, value))
        elif typed is not None:
            filled[i] = True
            out[i] = typed
    if dtype == "object":
        values = np.empty(n, dtype=object)
        values[:] = out
    elif dtype == "float64":
        values = np.array([np.nan if v is None else v for v in out], dtype="float64")
    else:
        values = np.array(
            [np.datetime64("NaT") if v is None else v.to_datetime64() for v in out],
            dtype="datetime64[ns]",
        )
    return _Converted(values, filled, bad)


def _cell_converter(column: Column) -> Callable[[Any], Any]:
    kind = column.type
    if kind == ColType.DATE:
        return cell_date
    if kind in NUMERIC_TYPES:
        percent = kind == ColType.PERCENT
        return lambda value: cell_number(value, percent)
    if kind == ColType.TEXT:
        return cell_text
    if kind == ColType.ENUM:
        return lambda value: None if (t := cell_text(value)) is None else enum_key(column, t)
    return lambda value: None if (t := cell_text(value)) is None else t.strip()


# ---------------------------------------------------------------------------------------------
# sheets


@lru_cache(maxsize=4096)
def column_for_header(sheet_key: str, header: str) -> Column | None:
    """``schema.Sheet.column_for_header``, cached: a workbook repeats the same headers."""
    return SHEETS_BY_KEY[sheet_key].column_for_header(header)


def missing_columns_message(sheet: Sheet, missing: Sequence[Column]) -> str:
    names = ", ".join(f"'{c.en}' ({c.fr})" for c in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return f"sheet '{sheet.en}' ({sheet.fr}) has no {noun} {names}"


def map_headers(sheet: Sheet, headers: Sequence[Any]) -> dict[int, Column]:
    """Position -> schema column for the headers that name one (the first of duplicates wins).

    Raises WorkbookError naming the sheet and column when a required column is missing.
    """
    found: dict[int, Column] = {}
    seen: set[str] = set()
    for i, header in enumerate(headers):
        if header is None or is_blank(header):
            continue
        col = column_for_header(sheet.key, cell_text(header) or "")
        if col is not None and col.key not in seen:
            seen.add(col.key)
            found[i] = col
    missing = [c for c in sheet.columns if c.required and c.key not in seen]
    if missing:
        raise WorkbookError(missing_columns_message(sheet, missing))
    return found


def convert_table(
    sheet: Sheet,
    name: str,
    headers: Sequence[Any],
    columns: Sequence[RawColumn],
    *,
    positions: Sequence[int] | None = None,
    first_row: int = TABLE_HEADER_ROW + 1,
    cell_errors: Mapping[tuple[int, int], Any] | None = None,
) -> TableResult:
    """A table sheet's columns as the model's DataFrame.

    ``headers[i]`` names ``columns[i]``; ``positions[i]`` is its 0-based worksheet column (default
    ``i``); the first value of every column is on worksheet row ``first_row``. ``cell_errors``
    maps ``(i, offset)`` to the raw value of a cell the source could not put in its column (an
    :class:`ExcelError` such as ``#N/A``, or text it left out of a numeric column): each is
    converted on its own. Unknown columns are ignored; rows blank in every schema column dropped.
    """
    mapping = map_headers(sheet, headers)
    n = max((len(columns[i]) for i in mapping), default=0)
    errors = cell_errors or {}
    where = list(positions) if positions is not None else list(range(len(headers)))
    converted: dict[str, _Converted] = {}
    letters: dict[str, str] = {}
    for i, col in mapping.items():
        conv = convert_column(col, columns[i])
        cells = {off: raw for (j, off), raw in errors.items() if j == i}
        if cells:
            _patch(col, conv, cells)
        converted[col.key] = conv
        letters[col.key] = column_letter(where[i])
    filled = np.zeros(n, dtype=bool)
    for conv in converted.values():
        filled |= conv.filled
    keep = np.flatnonzero(filled)
    index = pd.Index((keep + first_row).astype(np.int64), name="row")
    arrays: list[np.ndarray] = []
    for col in sheet.columns:
        conv = converted.get(col.key) or _blank_column(col, n)
        arrays.append(conv.values if len(keep) == n else conv.values[keep])
    frame = _frame(sheet, arrays, index)
    layout = SheetLayout(name, columns=letters)
    problems: list[TypeProblem] = []
    for key, conv in converted.items():
        col = sheet.column(key)
        for offset, raw in conv.bad:
            row = offset + first_row
            problems.append(TypeProblem(name, sheet.key, f"{letters[key]}{row}", col, row, raw))
    return TableResult(frame, layout, problems)


def _patch(column: Column, conv: _Converted, cells: Mapping[int, Any]) -> None:
    """Convert the cells the source left out of ``conv`` one by one, in place."""
    convert = _cell_converter(column)
    for offset, raw in sorted(cells.items()):
        typed = BAD if isinstance(raw, ExcelError) else convert(raw)
        if typed is None:
            continue
        conv.filled[offset] = True
        if typed is BAD:
            conv.bad.append((offset, raw))
        elif isinstance(typed, pd.Timestamp):
            conv.values[offset] = typed.to_datetime64()
        else:
            conv.values[offset] = typed
    conv.bad.sort(key=lambda item: item[0])


def empty_table(sheet: Sheet, name: str) -> TableResult:
    """A table sheet with no records (a sheet the workbook does not have)."""
    index = pd.Index(np.empty(0, dtype=np.int64), name="row")
    frame = _frame(sheet, [_blank_column(c, 0).values for c in sheet.columns], index)
    return TableResult(frame, SheetLayout(name))


@lru_cache(maxsize=64)
def _column_index(sheet_key: str) -> pd.Index:
    # built once per sheet (an Index of strings costs ~0.2 ms); an Index is immutable, so shared
    return pd.Index([c.key for c in SHEETS_BY_KEY[sheet_key].columns])


def _frame(sheet: Sheet, arrays: list[np.ndarray], index: pd.Index) -> pd.DataFrame:
    """The DataFrame of ``arrays`` (one per schema column, already in the model's dtypes)."""
    columns = _column_index(sheet.key)
    if create_dataframe_from_blocks is None:  # pandas < 3
        data = {
            k: pd.Series(a, index=index, dtype=a.dtype)
            for k, a in zip(columns, arrays, strict=True)
        }
        return pd.DataFrame(data, index=index)
    # one 2-D block per dtype, as pandas stores them: ~20x cheaper than a dict of Series, which
    # matters for many small workbooks (the constructor's inference costs ~0.2 ms per column)
    groups: dict[np.dtype, list[int]] = {}
    for i, a in enumerate(arrays):
        groups.setdefault(a.dtype, []).append(i)
    blocks = [
        (np.vstack([arrays[i] for i in where]), np.array(where, dtype=np.intp))
        for where in groups.values()
    ]
    return create_dataframe_from_blocks(blocks, index=index, columns=columns)


def table_from_rows(
    sheet: Sheet,
    name: str,
    rows: Sequence[Sequence[Any]],
    *,
    first_row: int = TABLE_HEADER_ROW,
    first_column: int = 0,
) -> TableResult:
    """A table sheet from a 2-D list (xlwings ``range.value``) whose first row is the header."""
    if not rows:
        return convert_table(sheet, name, [], [], first_row=first_row + 1)
    headers = list(rows[0])
    width = len(headers)
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
    columns = [[r[j] for r in body] for j in range(width)]
    positions = [first_column + j for j in range(width)]
    return convert_table(
        sheet, name, headers, columns, positions=positions, first_row=first_row + 1
    )


def convert_form(
    sheet: Sheet,
    name: str,
    rows: Sequence[Sequence[Any]],
    *,
    first_row: int = 1,
    value_column: str = "B",
) -> FormResult:
    """A form sheet (label, value) from its rows; ``rows[0]`` is worksheet row ``first_row``.

    Fields are found by label (French or English), wherever the user moved them; the first row
    carrying a label wins. Settings are completed with the schema defaults for blank values.
    """
    values: dict[str, Any] = {c.key: None for c in sheet.columns}
    rows_of: dict[str, int] = {}
    problems: list[TypeProblem] = []
    for i, row in enumerate(rows):
        if not row or is_blank(row[0]):
            continue
        col = column_for_header(sheet.key, cell_text(row[0]) or "")
        if col is None or col.key in rows_of:
            continue
        number = first_row + i
        rows_of[col.key] = number
        raw = row[1] if len(row) > 1 else None
        value = cell_value(col, raw)
        if value is BAD:
            cell = f"{value_column}{number}"
            problems.append(TypeProblem(name, sheet.key, cell, col, number, raw))
            value = None
        values[col.key] = value
    if sheet.key == SETTINGS.key:
        defaults = settings_defaults()
        values = {k: defaults[k] if v is None else v for k, v in values.items()}
    return FormResult(values, SheetLayout(name, rows=rows_of, value_column=value_column), problems)


# ---------------------------------------------------------------------------------------------
# the project


def workbook_language(card: Mapping[str, Any], sheet_names: Sequence[str]) -> Lang:
    """The project card's language, else the language of the sheet names, else French."""
    language = card.get("language")
    if language in ("fr", "en"):
        return "en" if language == "en" else "fr"
    votes = {"fr": 0, "en": 0}
    for name in sheet_names:
        folded = fold(name)
        for s in SHEETS:
            if fold(s.en) != fold(s.fr):
                if folded == fold(s.en):
                    votes["en"] += 1
                elif folded == fold(s.fr):
                    votes["fr"] += 1
    return "en" if votes["en"] > votes["fr"] else "fr"


def type_finding(problem: TypeProblem, lang: Lang) -> Finding:
    kind = problem.column.type
    if kind == ColType.DATE:
        key = "not_date"
    elif kind == ColType.PERCENT:
        key = "not_percent"
    elif kind in NUMERIC_TYPES:
        key = "not_number"
    else:
        key = "not_text"
    shown = cell_text(problem.value) or ""
    message = tr(MESSAGES, key, lang, where=f"{problem.sheet}!{problem.cell}", value=shown)
    return Finding(
        problem.sheet, problem.cell, problem.column.key, "type", "error", problem.value, message
    )


def project_data(
    project: FormResult | None,
    settings: FormResult | None,
    tables: Mapping[str, TableResult],
    *,
    source: str = "",
) -> ProjectData:
    """ProjectData from converted sheets: missing tables are empty, settings defaults applied."""
    card = project.values if project else {c.key: None for c in PROJECT.columns}
    conf = settings.values if settings else settings_defaults()
    typed: dict[str, pd.DataFrame] = {}
    layout: dict[str, SheetLayout] = {}
    problems: list[TypeProblem] = []
    for form_sheet, form in zip(FORM_SHEETS, (project, settings), strict=True):
        if form is not None:
            layout[form_sheet.key] = form.layout
            problems.extend(form.problems)
    for s in TABLE_SHEETS:
        result = tables.get(s.key) or empty_table(s, s.name("fr"))
        typed[s.key] = result.frame
        if s.key in tables:
            layout[s.key] = result.layout
            problems.extend(result.problems)
    lang = workbook_language(card, [lay.name for lay in layout.values()])
    order = {s.key: i for i, s in enumerate(SHEETS)}
    problems.sort(key=lambda p: (order[p.sheet_key], p.row, len(p.cell), p.cell))
    findings = [type_finding(p, lang) for p in problems]
    return ProjectData(dict(card), dict(conf), typed, layout, findings, source)


__all__ = [
    "BAD",
    "MESSAGES",
    "ExcelError",
    "FormResult",
    "TableResult",
    "TypeProblem",
    "cell_date",
    "cell_number",
    "cell_text",
    "cell_value",
    "column_for_header",
    "convert_column",
    "convert_form",
    "convert_table",
    "empty_table",
    "enum_key",
    "is_blank",
    "map_headers",
    "missing_columns_message",
    "project_data",
    "table_from_rows",
    "type_finding",
    "workbook_language",
]
