"""Risk register analysis on hand-built registers: exact scores, bands, matrices, EMV, lists."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pmo_xl.core.risk import (
    Flag,
    ScoreChange,
    analyse_risks,
    band_label,
    compare_snapshots,
    parse_emv_probabilities,
    risk_band,
    risk_score,
    snapshot,
)
from pmo_xl.model import make_project_data
from pmo_xl.schema import settings_defaults

SD = dt.date(2026, 3, 16)
DEFAULTS = settings_defaults()


def day(offset: int) -> dt.date:
    return SD + dt.timedelta(days=offset)


def risk(rid: str, p: Any, i: Any, **extra: Any) -> dict[str, Any]:
    """An open risk raised and reviewed on the status date (so no watch list fires)."""
    return {
        "risk_id": rid,
        "title": f"risk {rid}",
        "probability": p,
        "impact": i,
        "status": "open",
        "raised_on": SD,
        "last_review": SD,
        **extra,
    }


def register(*rows: dict[str, Any]) -> pd.DataFrame:
    return make_project_data(tables={"risks": pd.DataFrame(list(rows))}).risks


def budget(*lines: tuple[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"line_id": f"B{n}", "category": c, "amount": a} for n, (c, a) in enumerate(lines)]
    )
    return make_project_data(tables={"budget": frame}).budget


def analyse(*rows: dict[str, Any], settings: dict[str, Any] | None = None, **kw: Any) -> Any:
    return analyse_risks(register(*rows), {**DEFAULTS, **(settings or {})}, SD, **kw)


def grid(cells: dict[tuple[int, int], int]) -> list[list[int]]:
    out = [[0] * 5 for _ in range(5)]
    for (p, i), n in cells.items():
        out[p - 1][i - 1] = n
    return out


# --- scalar rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "i", "score"), [(1, 1, 1), (5, 5, 25), (3, 4, 12), (3.0, 4.0, 12), (2, 5, 10)]
)
def test_risk_score(p: Any, i: Any, score: int) -> None:
    assert risk_score(p, i) == score


@pytest.mark.parametrize(
    ("p", "i", "message"),
    [
        (0, 3, "probability must be a whole number from 1 to 5, got 0"),
        (6, 3, "probability must be a whole number from 1 to 5, got 6"),
        (2.5, 3, "probability must be a whole number from 1 to 5, got 2.5"),
        (None, 3, "probability must be a whole number from 1 to 5, got None"),
        ("3", 3, "probability must be a whole number from 1 to 5, got '3'"),
        (True, 3, "probability must be a whole number from 1 to 5, got True"),
        (3, math.nan, "impact must be a whole number from 1 to 5, got nan"),
    ],
)
def test_risk_score_rejects(p: Any, i: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        risk_score(p, i)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "green"), (4, "green"), (5, "amber"), (9, "amber"), (10, "red"), (25, "red")],
)
def test_risk_band_default_thresholds(score: int, band: str) -> None:
    assert risk_band(score, DEFAULTS) == band
    assert risk_band(score) == band  # no settings: the same defaults
    assert risk_band(score, {"risk_amber_from": None, "risk_red_from": None}) == band


@pytest.mark.parametrize(
    ("settings", "score", "band"),
    [
        ({"risk_amber_from": 4, "risk_red_from": 16}, 3, "green"),
        ({"risk_amber_from": 4, "risk_red_from": 16}, 4, "amber"),
        ({"risk_amber_from": 4, "risk_red_from": 16}, 15, "amber"),
        ({"risk_amber_from": 4, "risk_red_from": 16}, 16, "red"),
        ({"risk_amber_from": 6.0, "risk_red_from": 12.0}, 5, "green"),  # floats from a reader
        ({"risk_amber_from": 6.0, "risk_red_from": 12.0}, 12, "red"),
        ({"risk_amber_from": 12, "risk_red_from": 10}, 11, "red"),  # amber above red: red wins
        ({"risk_amber_from": 12, "risk_red_from": 10}, 9, "green"),
    ],
)
def test_risk_band_custom_thresholds(settings: dict[str, Any], score: int, band: str) -> None:
    assert risk_band(score, settings) == band


@pytest.mark.parametrize("score", [0, 26, math.nan, None, "5", True])
def test_risk_band_rejects(score: Any) -> None:
    with pytest.raises(ValueError) as info:
        risk_band(score)
    assert str(info.value) == f"score must be a number from 1 to 25, got {score!r}"


def test_band_label() -> None:
    assert [band_label(b, "fr") for b in ("green", "amber", "red")] == ["vert", "orange", "rouge"]
    assert band_label("amber", "en") == "amber"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (10, 30, 50, 70, 90)),
        ("", (10, 30, 50, 70, 90)),
        ("10;30;50;70;90", (10, 30, 50, 70, 90)),
        (" 5 ; 20;40 ;60; 80 ", (5, 20, 40, 60, 80)),
        ("12,5 %;30%;50;70;100", (12.5, 30, 50, 70, 100)),
    ],
)
def test_parse_emv_probabilities(text: Any, expected: tuple[float, ...]) -> None:
    assert parse_emv_probabilities(text) == expected


@pytest.mark.parametrize(
    "text", ["10;30;50;70", "10;30;50;70;90;95", "10;30;x;70;90", "0;1;2;3;101"]
)
def test_parse_emv_probabilities_rejects(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_emv_probabilities(text)
    assert str(info.value) == (
        f"emv_probabilities: expected five percentages 0-100 separated by ';', got {text!r}"
    )


# --- matrices, scores, EMV ----------------------------------------------------------------------


def test_matrices_count_open_risks_only() -> None:
    result = analyse(
        risk("R1", 3, 4),
        risk("R2", 3, 4, residual_probability=1, residual_impact=2),
        risk("R3", 3, 4, status="closed"),
        risk("R4", 5, 1),
        risk("R5", 5, 1, status=None),  # blank status counts as open
        risk("R6", 2, 7),  # impact out of range: unscored, in no matrix
    )
    assert result.matrix == grid({(3, 4): 2, (5, 1): 2})
    assert result.residual_matrix == grid({(3, 4): 1, (1, 2): 1, (5, 1): 2})
    assert (result.open_count, result.closed_count) == (5, 1)
    assert result.unscored == ["R6"]
    assert result.open_by_band == {"green": 1, "amber": 2, "red": 1}


def test_residual_defaults_to_inherent_level_by_level() -> None:
    result = analyse(
        risk("R1", 4, 5, residual_probability=2),
        risk("R2", 4, 5, residual_impact=1),
        risk("R3", 4, 5),
        risk("R4", 4, 5, residual_probability=9),  # invalid residual level reads as blank
    )
    reg = result.register.set_index("risk_id")
    assert reg.loc[["R1", "R2", "R3", "R4"], "residual_score"].tolist() == [10, 4, 20, 20]
    assert reg.loc[["R1", "R2", "R3", "R4"], "residual_band"].tolist() == [
        "red",
        "green",
        "red",
        "red",
    ]
    assert reg["score"].tolist() == [20, 20, 20, 20]


def test_emv_with_default_level_percentages() -> None:
    result = analyse(
        risk("R1", 3, 4, cost_impact=10_000, residual_probability=1),  # 50 %, residual 10 %
        risk("R2", 5, 2, cost_impact=2_000),  # 90 %
        risk("R3", 2, 2),  # no cost: no EMV
        risk("R4", 4, 4, cost_impact=50_000, status="closed"),  # closed: out of totals
    )
    reg = result.register.set_index("risk_id")
    assert reg.loc["R1", "emv"] == 5_000
    assert reg.loc["R1", "residual_emv"] == 1_000
    assert reg.loc["R2", ["emv", "residual_emv"]].tolist() == [1_800, 1_800]
    assert math.isnan(reg.loc["R3", "emv"])
    assert reg.loc["R4", "emv"] == 35_000
    assert result.total_emv == 6_800
    assert result.total_residual_emv == 2_800


def test_emv_with_custom_level_percentages() -> None:
    result = analyse(
        risk("R1", 1, 4, cost_impact=1_000),
        risk("R2", 3, 4, cost_impact=1_000, residual_probability=5),
        settings={"emv_probabilities": "5;20;40;60;80"},
    )
    assert result.emv_percentages == (5, 20, 40, 60, 80)
    reg = result.register.set_index("risk_id")
    assert reg.loc["R1", "emv"] == 50
    assert reg.loc["R2", ["emv", "residual_emv"]].tolist() == [400, 800]
    assert (result.total_emv, result.total_residual_emv) == (450, 850)


def test_contingency_against_residual_emv() -> None:
    rows = (risk("R1", 3, 4, cost_impact=8_000),)  # residual EMV 4 000
    lines = budget(("contingency", 1_500), ("labour", 9_999), ("contingency", 500))
    result = analyse(*rows, budget=lines)
    assert result.contingency == 2_000
    assert result.contingency_coverage == 0.5
    assert result.contingency_gap == -2_000  # negative: the provision is short

    covered = analyse(*rows, budget=budget(("contingency", 5_000)))
    assert (covered.contingency_coverage, covered.contingency_gap) == (1.25, 1_000)


def test_contingency_absent_or_nothing_to_cover() -> None:
    rows = (risk("R1", 3, 4, cost_impact=8_000),)
    for lines in (None, budget(("labour", 1_000)), budget()):
        result = analyse(*rows, budget=lines)
        assert (result.contingency, result.contingency_coverage, result.contingency_gap) == (
            None,
            None,
            None,
        )
    no_emv = analyse(risk("R1", 3, 4), budget=budget(("contingency", 3_000)))
    assert (no_emv.contingency_coverage, no_emv.contingency_gap) == (None, 3_000)


def test_register_order_residual_score_then_emv_then_row() -> None:
    result = analyse(
        risk("A", 5, 5, cost_impact=200, residual_probability=3, residual_impact=4),  # 12, 100
        risk("B", 3, 4, cost_impact=1_000),  # 12, 500
        risk("C", 4, 4, cost_impact=0),  # 16, 0
        risk("D", 5, 5, cost_impact=1_000, status="closed"),  # 25 but closed: last
        risk("E", 3, 4),  # 12, EMV unknown: after the known ones
        risk("F", None, 4),  # unscored
        risk("G", 3, 4, cost_impact=200),  # 12, 100: tie with A, worksheet row decides
        risk("H", 2, 6),  # unscored
    )
    assert result.register["risk_id"].tolist() == ["C", "B", "A", "G", "E", "F", "H", "D"]
    assert result.register.index.tolist() == [4, 3, 2, 8, 6, 7, 9, 5]
    assert result.top == ["C", "B", "A", "G", "E"]
    assert result.unscored == ["F", "H"]


# --- watch lists at their thresholds ------------------------------------------------------------


def test_action_overdue_strictly_before_the_status_date() -> None:
    result = analyse(
        risk("R1", 2, 2, action_due=day(-1)),
        risk("R2", 2, 2, action_due=day(0)),
        risk("R3", 2, 2, action_due=day(1)),
        risk("R4", 2, 2, action_due=day(-30), status="closed"),
        risk("R5", 2, 2, action_due=day(-10)),
        risk("R6", 2, 2),
    )
    # register order: same score and no EMV, so worksheet row
    assert result.overdue_actions == [Flag("R1", 2, day(-1), 1), Flag("R5", 6, day(-10), 10)]


def test_not_reviewed_beyond_the_window() -> None:
    result = analyse(
        risk("R1", 2, 2, last_review=day(-15)),
        risk("R2", 2, 2, last_review=day(-14)),
        risk("R3", 2, 2, last_review=day(-13)),
        risk("R4", 2, 2, last_review=None, raised_on=day(-20)),  # never reviewed: raised on
        risk("R5", 2, 2, last_review=day(-1), raised_on=day(-100)),
        risk("R6", 2, 2, last_review=None, raised_on=None),  # no date at all
        risk("R7", 2, 2, last_review=day(-100), status="closed"),
    )
    assert result.not_reviewed == [
        Flag("R1", 2, day(-15), 15),
        Flag("R4", 5, day(-20), 20),
        Flag("R6", 7, None, None),
    ]


def test_not_reviewed_with_a_custom_window() -> None:
    rows = (risk("R1", 2, 2, last_review=day(-15)), risk("R2", 2, 2, last_review=day(-31)))
    result = analyse(*rows, settings={"watchdog_window_days": 30})
    assert [f.id for f in result.not_reviewed] == ["R2"]


def test_red_without_action() -> None:
    result = analyse(
        risk("R1", 3, 4),  # red, nothing planned
        risk("R2", 3, 4, strategy="accept"),  # an explicit acceptance is a response
        risk("R3", 3, 4, action="Second supplier"),
        risk("R4", 2, 4),  # amber
        risk("R5", 5, 5, residual_probability=1, raised_on=day(-3)),  # red before response
        risk("R6", 5, 5, status="closed"),
    )
    assert result.red_without_action == [Flag("R1", 2, SD, 0), Flag("R5", 6, day(-3), 3)]


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshot_and_change_since_previous() -> None:
    previous = {
        "open": 4,
        "red": 1,
        "total_emv": 1_000.0,
        "scores": {"R1": 12, "R2": 6, "R3": 4.0, "R5": 9, "R9": 20},
    }
    result = analyse(
        risk("R1", 4, 4, cost_impact=1_000),  # 16: up; residual EMV 700
        risk("R2", 2, 3),  # 6: unchanged
        risk("R3", 1, 2, cost_impact=1_000),  # 2: down; residual EMV 100
        risk("R4", 1, 1),  # new
        risk("R5", 3, 3, status="closed"),  # closed since
        previous=previous,
    )
    assert snapshot(result) == {
        "open": 4,
        "red": 1,
        "total_emv": 800,
        "scores": {"R1": 16, "R2": 6, "R3": 2, "R4": 1},
    }
    change = result.change
    assert change is not None
    assert change.new == ["R4"]
    assert change.closed == ["R5", "R9"]
    assert change.up == [ScoreChange("R1", 12, 16)]
    assert change.down == [ScoreChange("R3", 4, 2)]
    assert (change.open_delta, change.red_delta, change.total_emv_delta) == (0, 0, -200)
    assert analyse(risk("R1", 1, 1)).change is None


def test_compare_snapshots_with_missing_figures() -> None:
    change = compare_snapshots({"scores": {"R1": None}}, {"open": 1, "scores": {"R1": 4}})
    assert (change.new, change.closed, change.up, change.down) == ([], [], [], [])
    assert (change.open_delta, change.red_delta, change.total_emv_delta) == (None, None, None)


# --- JSON ---------------------------------------------------------------------------------------


def test_as_json_plain_values() -> None:
    result = analyse(
        risk("R1", 3, 4, cost_impact=1_000, action_due=day(-2), owner="M. Durand"),
        risk("R2", None, 2),
        budget=budget(("contingency", 250)),
    )
    out = json.loads(json.dumps(result.as_json(), allow_nan=False))
    assert out["risk_matrix"] == grid({(3, 4): 1})
    assert out["risks_top"] == ["R1"]
    assert out["risk_bands"] == {"amber_from": 5, "red_from": 10}
    assert out["risk_emv_probabilities"] == [10, 30, 50, 70, 90]
    assert (out["risks_total_emv"], out["risks_total_emv_residual"]) == (500, 500)
    assert (out["risk_contingency_coverage"], out["risk_contingency_gap"]) == (0.5, -250)
    assert out["risk_actions_overdue"] == [{"id": "R1", "row": 2, "since": "2026-03-14", "days": 2}]
    assert out["risks_unscored"] == ["R2"]
    assert out["risk_change"] is None
    assert out["risk_register"][0] == {
        "row": 2,
        "risk_id": "R1",
        "title": "risk R1",
        "category": None,
        "owner": "M. Durand",
        "status": "open",
        "probability": 3,
        "impact": 4,
        "score": 12,
        "band": "red",
        "residual_probability": 3,
        "residual_impact": 4,
        "residual_score": 12,
        "residual_band": "red",
        "cost_impact": 1000,
        "emv": 500,
        "residual_emv": 500,
        "strategy": None,
        "action": None,
        "action_due": "2026-03-14",
        "last_review": "2026-03-16",
        "action_overdue": True,
        "not_reviewed": False,
        "red_without_action": True,
    }
    assert out["risk_register"][1]["score"] is None


def test_empty_register() -> None:
    result = analyse()
    assert result.matrix == grid({})
    assert result.top == []
    assert (result.total_emv, result.open_count) == (0, 0)
    assert snapshot(result) == {"open": 0, "red": 0, "total_emv": 0, "scores": {}}
    assert result.register.empty


def test_blank_ids_are_named_by_row() -> None:
    result = analyse(risk("R1", 2, 2), risk(None, 4, 4))  # type: ignore[arg-type]
    assert result.top == ["#3", "R1"]


level = st.one_of(st.none(), st.integers(1, 5))


@hypothesis_settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            level,
            level,
            level,
            level,
            st.sampled_from(["open", "closed", None]),
            st.none() | st.integers(0, 100_000),
        ),
        max_size=15,
    )
)
def test_invariants_on_random_registers(rows: list[tuple[Any, ...]]) -> None:
    result = analyse(
        *(
            risk(
                f"R{n}", p, i, residual_probability=rp, residual_impact=ri, status=s, cost_impact=c
            )
            for n, (p, i, rp, ri, s, c) in enumerate(rows)
        )
    )
    scored_open = [r for r in rows if r[0] and r[1] and r[4] != "closed"]
    assert sum(map(sum, result.matrix)) == len(scored_open)
    assert sum(map(sum, result.residual_matrix)) == len(scored_open)
    assert len(result.top) == len(scored_open) == sum(result.open_by_band.values())
    reg = result.register.set_index("risk_id")
    keys = [(reg.at[t, "residual_score"], reg.at[t, "residual_emv"]) for t in result.top]
    assert all(a[0] >= b[0] for a, b in itertools.pairwise(keys))
    assert result.total_residual_emv == pytest.approx(reg.loc[result.top, "residual_emv"].sum())
