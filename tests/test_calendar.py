"""Working calendar: French holidays, Alsace-Moselle, project exceptions, vectorised arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pmo_xl.core.calendar import FRENCH, WorkCalendar, parse_date_list

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 5, 1), False),  # Fête du travail
        (D(2026, 5, 8), False),  # Victoire 1945
        (D(2026, 5, 14), False),  # Ascension
        (D(2026, 5, 25), False),  # Lundi de Pentecôte
        (D(2026, 7, 14), False),
        (D(2026, 4, 3), True),  # Good Friday: worked outside Alsace-Moselle
        (D(2026, 12, 26), False),  # a Saturday anyway
        (D(2026, 5, 4), True),
        (D(2026, 5, 9), False),  # Saturday
    ],
)
def test_french_working_days(day: dt.date, working: bool) -> None:
    assert bool(FRENCH.is_working(day)) is working


def test_alsace_moselle_adds_good_friday_and_st_stephen() -> None:
    am = WorkCalendar("alsace_moselle")
    assert am.is_working([D(2026, 4, 3), D(2027, 12, 27)]).tolist() == [False, True]
    assert not am.is_working(D(2025, 12, 26))  # a Friday in 2025
    assert FRENCH.is_working(D(2025, 12, 26))


def test_worked_holiday_and_extra_non_working_day() -> None:
    cal = WorkCalendar.from_settings(
        {
            "holiday_calendar": "france",
            "worked_holidays": "2026-05-25",
            "extra_non_working_days": "03/08/2026; 2026-08-04",
        }
    )
    assert cal.is_working([D(2026, 5, 25), D(2026, 8, 3), D(2026, 8, 4)]).tolist() == [
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 5, 4), 0, D(2026, 5, 4)),
        (D(2026, 5, 4), 11, D(2026, 5, 21)),  # the CPM oracle's finish on the French calendar
        (D(2026, 5, 8), 0, D(2026, 5, 11)),  # a holiday rolls forward
        (D(2026, 5, 11), -1, D(2026, 5, 7)),
        (D(2026, 5, 2), 1, D(2026, 5, 5)),  # Saturday rolls to Monday, then +1
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert FRENCH.add(start, n) == np.datetime64(expected)


def test_without_holidays_the_oracle_finishes_two_days_earlier() -> None:
    assert WorkCalendar("none").date_of(D(2026, 5, 4), 11) == np.datetime64("2026-05-19")


def test_vectorised_columns_keep_missing_values() -> None:
    starts = pd.Series(pd.to_datetime(["2026-05-04", None, "2026-05-29"]))
    out = FRENCH.add(starts, [1, 1, 1])
    assert out.astype(str).tolist() == ["2026-05-05", "NaT", "2026-06-01"]
    counts = FRENCH.count_inclusive(starts, pd.Series(pd.to_datetime(["2026-05-31"] * 3)))
    assert np.isnan(counts[1])
    assert counts[[0, 2]].tolist() == [17.0, 1.0]


def test_index_and_date_are_inverse_on_working_days() -> None:
    days = FRENCH.working_days(D(2026, 1, 1), D(2026, 12, 31))
    assert len(days) == 252  # 261 weekdays less 9 weekday holidays in 2026
    idx = FRENCH.index_of(D(2026, 1, 1), days)
    assert idx.tolist() == list(range(252))
    assert (FRENCH.date_of(D(2026, 1, 1), idx) == days).all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("2026-05-25", [D(2026, 5, 25)]),
        ("25/05/2026 ; 2026-08-14,", [D(2026, 5, 25), D(2026, 8, 14)]),
    ],
)
def test_parse_date_list(text: str, expected: list[dt.date]) -> None:
    assert parse_date_list(text) == expected


def test_parse_date_list_names_the_bad_piece() -> None:
    with pytest.raises(ValueError, match="'lundi' is not a date"):
        parse_date_list("2026-05-25;lundi")
