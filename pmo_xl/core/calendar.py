"""Working calendar: Monday to Friday less public holidays, vectorised with numpy busday.

French public holidays come from the ``holidays`` package (national, or Alsace-Moselle with Good
Friday and St Stephen's Day). A project adds its own non-working days (site shutdowns) and may
work some holidays (Whit Monday, the "journée de solidarité").

All arithmetic accepts scalars or whole arrays/Series of dates and works on ``datetime64[D]``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

HOLIDAY_CALENDARS = ("france", "alsace_moselle", "none")
_SUBDIV = {"france": None, "alsace_moselle": "57"}
YEARS = range(1990, 2101)  # wide enough for any plan; computed once per calendar kind

DateLike = Any  # date, Timestamp, datetime64, str, or arrays / Series of them
_LISTED_FROM = 64  # offsets from one day from which WorkCalendar.add lists the working days


@lru_cache(maxsize=8)
def public_holidays(kind: str) -> tuple[dt.date, ...]:
    """Public holidays of calendar ``kind`` (france, alsace_moselle, none) over ``YEARS``."""
    if kind == "none":
        return ()
    if kind not in _SUBDIV:
        raise ValueError(f"unknown holiday calendar {kind!r}")
    days = holidays.country_holidays("FR", subdiv=_SUBDIV[kind], years=YEARS)
    return tuple(sorted(days))


_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date_list(text: str | None) -> list[dt.date]:
    """Dates in ``text`` separated by ';' or ',', as YYYY-MM-DD or DD/MM/YYYY.

    Raises ValueError naming the first piece that is not a date.
    """
    out: list[dt.date] = []
    for piece in re.split(r"[;,\n]", text or ""):
        piece = piece.strip()
        if not piece:
            continue
        m = _DATE_RE.fullmatch(piece)
        if not m:
            raise ValueError(f"'{piece}' is not a date")
        if m.group(1):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            d, mo, y = int(m.group(4)), int(m.group(5)), int(m.group(6))
        out.append(dt.date(y, mo, d))
    return out


def to_day(values: DateLike) -> npt.NDArray[np.datetime64]:
    """Dates as ``datetime64[D]`` (NaT kept), scalar in -> 0-d array out."""
    if isinstance(values, pd.Series | pd.Index):
        return np.asarray(values.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")
    if isinstance(values, dt.datetime):
        values = values.date()
    return np.asarray(values, dtype="datetime64[D]")


@dataclass(frozen=True)
class WorkCalendar:
    """Monday-Friday less holidays and extra non-working days, plus worked holidays."""

    holiday_calendar: str = "france"
    extra_non_working: tuple[dt.date, ...] = ()
    worked_holidays: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        if self.holiday_calendar not in HOLIDAY_CALENDARS:
            raise ValueError(f"unknown holiday calendar {self.holiday_calendar!r}")

    @property
    def busdaycal(self) -> np.busdaycalendar:
        return _busdaycal(self.holiday_calendar, self.extra_non_working, self.worked_holidays)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> WorkCalendar:
        return cls(
            str(settings.get("holiday_calendar") or "france"),
            tuple(parse_date_list(settings.get("extra_non_working_days"))),
            tuple(parse_date_list(settings.get("worked_holidays"))),
        )

    def non_working_days(self) -> npt.NDArray[np.datetime64]:
        return np.asarray(self.busdaycal.holidays, dtype="datetime64[D]")

    def is_working(self, dates: DateLike) -> npt.NDArray[np.bool_]:
        d = to_day(dates)
        ok = ~np.isnat(d)
        out = np.zeros(d.shape, dtype=bool)
        out[ok] = np.is_busday(d[ok], busdaycal=self.busdaycal)
        return out

    def roll_forward(self, dates: DateLike) -> npt.NDArray[np.datetime64]:
        """Each date, or the next working day when it is not one."""
        return self.add(dates, 0)

    def add(self, dates: DateLike, n: DateLike) -> npt.NDArray[np.datetime64]:
        """Working day ``n`` counting the (rolled-forward) date as day 0; n may be negative.

        ``add(d, 0)`` is the first working day on or after d; ``add(d, 1)`` the next one.
        NaT dates or NaN offsets give NaT.
        """
        d = to_day(dates)
        k = np.asarray(n, dtype="float64")
        ok = ~np.isnat(d) & ~np.isnan(k)
        if ok.all():  # nothing missing, the usual case: no masked copies
            return self._offset(d, k.astype("int64"))
        d, k = np.broadcast_arrays(d, k)
        out = np.full(d.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        out[ok] = self._offset(d[ok], k[ok].astype("int64"))
        return out

    def _offset(
        self, days: npt.NDArray[np.datetime64], offsets: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.datetime64]:
        """``np.busday_offset(days, offsets, roll="forward")`` on this calendar, as an array.

        Many offsets from one day (a schedule's dates, a load's days) take a shortcut:
        busday_offset searches the holidays again for every offset, while the working days of
        the window, listed once, give the same days by position.
        """
        cal = self.busdaycal
        if days.ndim == 0 and offsets.ndim == 1 and len(offsets) >= _LISTED_FROM:
            lo, hi = int(offsets.min()), int(offsets.max())
            if hi - lo <= 2 * len(offsets):
                first, last = np.busday_offset(days, [lo, hi], roll="forward", busdaycal=cal)
                window = np.arange(first, last + np.timedelta64(1, "D"))
                working: npt.NDArray[np.datetime64] = window[np.is_busday(window, busdaycal=cal)]
                return working[offsets - lo]
        return np.asarray(np.busday_offset(days, offsets, roll="forward", busdaycal=cal))

    def count(self, start: DateLike, end: DateLike) -> npt.NDArray[np.float64]:
        """Working days in [start, end) (negative when end < start); NaN where a date is NaT."""
        s, e = to_day(start), to_day(end)
        ok = ~np.isnat(s) & ~np.isnat(e)
        if ok.all():  # nothing missing, the usual case: no masked copies
            return np.asarray(np.busday_count(s, e, busdaycal=self.busdaycal), dtype=np.float64)
        s, e = np.broadcast_arrays(s, e)
        out = np.full(s.shape, np.nan)
        out[ok] = np.busday_count(s[ok], e[ok], busdaycal=self.busdaycal)
        return out

    def count_inclusive(self, start: DateLike, end: DateLike) -> npt.NDArray[np.float64]:
        """Working days from start to end, both included (0 when end < start)."""
        e = to_day(end)
        with np.errstate(invalid="ignore"):
            n = self.count(start, np.where(np.isnat(e), e, e + np.timedelta64(1, "D")))
        return np.where(np.isnan(n), np.nan, np.maximum(n, 0.0))

    def working_days(self, start: DateLike, end: DateLike) -> npt.NDArray[np.datetime64]:
        """All working days from start to end inclusive."""
        s = to_day(start).reshape(())
        n = int((to_day(end).reshape(()) - s) // np.timedelta64(1, "D")) + 1
        days = s + np.arange(max(n, 0)).astype("timedelta64[D]")
        return days[np.is_busday(days, busdaycal=self.busdaycal)]

    # Day-index model of the schedule: day 0 is the first working day on or after ``origin``.
    def index_of(self, origin: DateLike, dates: DateLike) -> npt.NDArray[np.float64]:
        """Working-day index of each date (a non-working date gets the next working day's)."""
        return self.count(self.roll_forward(origin), self.roll_forward(dates))

    def date_of(self, origin: DateLike, index: DateLike) -> npt.NDArray[np.datetime64]:
        """The date of working-day ``index`` counted from ``origin`` (day 0)."""
        return self.add(self.roll_forward(origin), index)


@lru_cache(maxsize=32)
def _busdaycal(kind: str, extra: Iterable[dt.date], worked: Iterable[dt.date]) -> np.busdaycalendar:
    worked_set = set(worked)
    days = [d for d in public_holidays(kind) if d not in worked_set]
    days.extend(extra)
    return np.busdaycalendar(
        weekmask="1111100", holidays=np.array(sorted(set(days)), dtype="datetime64[D]")
    )


FRENCH = WorkCalendar("france")
