"""The risk register: scores, colour bands, 5×5 matrices, EMV against contingency, watch lists.

Rules (the Guide sheet and the ``analyse --json`` documentation restate them):

* **Score** = probability × impact, each a whole number 1..5, so 1..25; computed before (inherent)
  and after the response (residual). Residual probability and residual impact each default to
  their inherent value when blank, one by one: a response that only lowers the probability keeps
  the impact. A residual level that is not a whole number 1..5 counts as blank.
* **Unscored**: a risk whose inherent probability or impact is blank, not whole or outside 1..5
  has no score. It is listed in ``unscored``, kept at the end of the register and left out of the
  matrices, the EMV totals and ``top``; validation reports its cell.
* **Open**: every risk whose status is not ``closed`` (a blank status counts as open, the safe
  reading for a register).
* **Band**: red from ``risk_red_from``, amber from ``risk_amber_from``, green below (defaults 10
  and 5: 1-4 green, 5-9 amber, 10-25 red). Should amber start above red, red wins (no amber band).
* **EMV** = percentage of the probability level (``emv_probabilities``, "10;30;50;70;90" in %) ×
  cost impact. Residual EMV takes the residual probability with the same cost impact: the register
  holds one cost estimate. A blank cost impact gives no EMV (None) and adds 0 to the totals.
  Totals cover open risks.
* **Contingency**: the sum of the Budget lines of category ``contingency`` (None when there are
  none); compared with the total *residual* EMV, the exposure left once the planned responses are
  in place: ``coverage`` = contingency / EMV (None when EMV is 0), ``gap`` = contingency − EMV
  (negative: the provision is short; the sign convention of CV and SV).
* **Register order**: open risks first, then residual score, then residual EMV (both descending,
  unknown last), then worksheet row. ``top`` is the ids of the open scored risks in that order.
* **Watch lists** (open risks only), each entry naming the risk, since when and for how many days:
  action overdue when ``action_due`` is before the status date (due on the status date is not
  overdue); not reviewed when the last review (the date raised when never reviewed) is more than
  ``watchdog_window_days`` calendar days before the status date, or when neither date is known;
  red without action when the inherent or residual band is red and the risk has neither an action
  text nor a strategy (an explicit "accept" is a response).
* **Snapshot and change**: ``snapshot`` gives ``{"open", "red", "total_emv", "scores"}`` (red =
  open risks in the red residual band, total_emv = total residual EMV, scores = residual score of
  each open risk, None when unscored) for History; given the previous one, ``change`` lists new
  risks, risks no longer open, and residual scores that went up or down.

A record without an id is named by its worksheet row, ``#12``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from pmo_xl.i18n import Catalog, tr
from pmo_xl.schema import Lang

Band = Literal["green", "amber", "red"]
BANDS: tuple[Band, ...] = ("green", "amber", "red")
LEVELS = (1, 2, 3, 4, 5)
DEFAULT_AMBER_FROM = 5
DEFAULT_RED_FROM = 10
DEFAULT_EMV_PROBABILITIES = "10;30;50;70;90"
DEFAULT_WINDOW_DAYS = 14

CATALOG: Catalog = {
    "green": {"fr": "vert", "en": "green"},
    "amber": {"fr": "orange", "en": "amber"},
    "red": {"fr": "rouge", "en": "red"},
}

REGISTER_COLUMNS = (
    "risk_id",
    "title",
    "category",
    "owner",
    "status",
    "probability",
    "impact",
    "score",
    "band",
    "residual_probability",
    "residual_impact",
    "residual_score",
    "residual_band",
    "cost_impact",
    "emv",
    "residual_emv",
    "strategy",
    "action",
    "action_due",
    "last_review",
    "action_overdue",
    "not_reviewed",
    "red_without_action",
)


# --- scalar rules (also called by the PMO_RISK_SCORE and PMO_RISK_BAND cell functions) ---------


def risk_score(probability: object, impact: object) -> int:
    """Probability × impact; each must be a whole number from 1 to 5 (3.0 from Excel is fine)."""
    return _level(probability, "probability") * _level(impact, "impact")


def risk_band(score: object, settings: Mapping[str, Any] | None = None) -> Band:
    """The colour band of ``score`` (1..25) under the thresholds of ``settings``."""
    if not _is_number(score) or not 1 <= float(score) <= 25:  # type: ignore[arg-type]
        raise ValueError(f"score must be a number from 1 to 25, got {score!r}")
    amber_from, red_from = band_thresholds(settings)
    return band_of(float(score), amber_from, red_from)  # type: ignore[arg-type]


def band_label(band: Band, lang: Lang) -> str:
    return tr(CATALOG, band, lang)


def band_thresholds(settings: Mapping[str, Any] | None) -> tuple[float, float]:
    """(amber from, red from) of ``settings``; the defaults 5 and 10 when blank."""
    return (
        _setting_number(settings, "risk_amber_from", DEFAULT_AMBER_FROM),
        _setting_number(settings, "risk_red_from", DEFAULT_RED_FROM),
    )


def parse_emv_probabilities(text: object) -> tuple[float, ...]:
    """The five level percentages of ``text`` ("10;30;50;70;90"; "12,5 %" accepted).

    Blank gives the default. Raises ValueError (naming the setting) unless there are exactly
    five numbers from 0 to 100 separated by ';'. Validation can call this to report the cell.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        text = DEFAULT_EMV_PROBABILITIES
    pieces = [p.strip().rstrip("%").strip().replace(",", ".") for p in str(text).split(";")]
    problem = f"emv_probabilities: expected five percentages 0-100 separated by ';', got {text!r}"
    if len(pieces) != len(LEVELS):
        raise ValueError(problem)
    try:
        values = tuple(float(p) for p in pieces)
    except ValueError:
        raise ValueError(problem) from None
    if not all(0 <= v <= 100 for v in values):
        raise ValueError(problem)
    return values


def emv_probabilities(settings: Mapping[str, Any] | None) -> tuple[float, ...]:
    return parse_emv_probabilities((settings or {}).get("emv_probabilities"))


def contingency_amount(budget: pd.DataFrame | None) -> float | None:
    """Sum of the Budget lines of category ``contingency``; None when there is none."""
    if budget is None or "category" not in budget.columns:
        return None
    lines = budget["category"].to_numpy() == "contingency"
    if not lines.any():
        return None
    return _total(budget["amount"].to_numpy(dtype="float64")[lines])


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """One record on a watch list: its id, worksheet row, the date it dates from, days since."""

    id: str
    row: int
    since: dt.date | None
    days: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "row": self.row,
            "since": self.since.isoformat() if self.since else None,
            "days": self.days,
        }


@dataclass(frozen=True)
class ScoreChange:
    risk_id: str
    before: float
    after: float

    def as_json(self) -> dict[str, Any]:
        return {
            "risk_id": self.risk_id,
            "before": json_number(self.before),
            "after": json_number(self.after),
        }


@dataclass(frozen=True)
class RiskChange:
    """What changed since the previous snapshot (deltas None when the snapshot lacks the figure)."""

    new: list[str]
    closed: list[str]  # open before, closed or removed now
    up: list[ScoreChange]
    down: list[ScoreChange]
    open_delta: int | None
    red_delta: int | None
    total_emv_delta: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "new": list(self.new),
            "closed": list(self.closed),
            "up": [c.as_json() for c in self.up],
            "down": [c.as_json() for c in self.down],
            "open_delta": self.open_delta,
            "red_delta": self.red_delta,
            "total_emv_delta": json_number(self.total_emv_delta),
        }


@dataclass(frozen=True, eq=False)
class RiskResult:
    status_date: dt.date
    amber_from: float
    red_from: float
    emv_percentages: tuple[float, ...]
    window_days: float
    register: pd.DataFrame  # REGISTER_COLUMNS, index = worksheet row, in register order
    matrix: list[list[int]]  # open scored risks, [probability - 1][impact - 1]
    residual_matrix: list[list[int]]
    top: list[str]
    open_count: int
    closed_count: int
    open_by_band: dict[str, int]  # residual band of open scored risks
    total_emv: float
    total_residual_emv: float
    contingency: float | None
    contingency_coverage: float | None
    contingency_gap: float | None
    overdue_actions: list[Flag]
    not_reviewed: list[Flag]
    red_without_action: list[Flag]
    unscored: list[str]
    change: RiskChange | None = None
    scores: dict[str, float | None] = field(default_factory=dict)  # open risks, residual

    def as_json(self) -> dict[str, Any]:
        """Top-level keys of ``pmo-xl analyse --json`` (plain numbers, ISO dates, None)."""
        return {
            "risk_matrix": self.matrix,
            "risk_matrix_residual": self.residual_matrix,
            "risks_top": list(self.top),
            "risk_bands": {
                "amber_from": json_number(self.amber_from),
                "red_from": json_number(self.red_from),
            },
            "risk_emv_probabilities": [json_number(p) for p in self.emv_percentages],
            "risks_open": self.open_count,
            "risks_closed": self.closed_count,
            "risks_open_by_band": dict(self.open_by_band),
            "risks_total_emv": json_number(self.total_emv),
            "risks_total_emv_residual": json_number(self.total_residual_emv),
            "risk_contingency": json_number(self.contingency),
            "risk_contingency_coverage": json_number(self.contingency_coverage),
            "risk_contingency_gap": json_number(self.contingency_gap),
            "risk_actions_overdue": [f.as_json() for f in self.overdue_actions],
            "risks_not_reviewed": [f.as_json() for f in self.not_reviewed],
            "risks_red_without_action": [f.as_json() for f in self.red_without_action],
            "risks_unscored": list(self.unscored),
            "risk_register": records_json(self.register),
            "risk_change": self.change.as_json() if self.change else None,
        }


# --- the analysis -------------------------------------------------------------------------------
#
# Registers are a few dozen rows: the cost is pandas' per-call overhead, not the data. The rules
# are therefore computed on numpy arrays, in register order, and the register DataFrame is built
# once from them.

_LEVEL_VALUES = np.array(LEVELS, dtype="float64")
_OBJECT = np.dtype(object)  # a dtype object: pandas looks a dtype name up in its registry


@dataclass(frozen=True)
class _Register:
    """The register as arrays in register order; ``frame`` is the same as a DataFrame."""

    frame: pd.DataFrame
    rows: np.ndarray  # worksheet row of each risk
    columns: dict[str, np.ndarray]  # REGISTER_COLUMNS
    is_open: np.ndarray
    raised_on: np.ndarray  # datetime64[ns]
    reviewed: np.ndarray  # last review, else raised on (datetime64[ns])


def analyse_risks(
    risks: pd.DataFrame,
    settings: Mapping[str, Any],
    status_date: dt.date,
    budget: pd.DataFrame | None = None,
    previous: Mapping[str, Any] | None = None,
) -> RiskResult:
    """Analyse the Risks table (model contract) at ``status_date``; see the module rules."""
    amber_from, red_from = band_thresholds(settings)
    percentages = emv_probabilities(settings)
    window = _setting_number(settings, "watchdog_window_days", DEFAULT_WINDOW_DAYS)
    now = pd.Timestamp(dt.date(status_date.year, status_date.month, status_date.day))
    reg = _register(risks, amber_from, red_from, percentages, now, window)

    col = reg.columns
    is_open = reg.is_open
    live = is_open & ~np.isnan(col["score"])
    live_bands = col["residual_band"][live].tolist()
    open_by_band: dict[str, int] = {b: live_bands.count(b) for b in BANDS}
    total_emv = _total(col["emv"][live])
    total_residual = _total(col["residual_emv"][live])
    contingency = contingency_amount(budget)
    ids = _ids(reg.rows, col["risk_id"])
    open_rows = reg.rows[is_open].tolist()
    open_scores = col["residual_score"][is_open].tolist()
    scores = {ids[r]: json_number(v) for r, v in zip(open_rows, open_scores, strict=True)}
    result = RiskResult(
        status_date=now.date(),
        amber_from=amber_from,
        red_from=red_from,
        emv_percentages=percentages,
        window_days=window,
        register=reg.frame,
        matrix=_matrix(col["probability"][live], col["impact"][live]),
        residual_matrix=_matrix(col["residual_probability"][live], col["residual_impact"][live]),
        top=[ids[r] for r in reg.rows[live].tolist()],
        open_count=int(np.count_nonzero(is_open)),
        closed_count=int(np.count_nonzero(~is_open)),
        open_by_band=open_by_band,
        total_emv=total_emv,
        total_residual_emv=total_residual,
        contingency=contingency,
        contingency_coverage=(
            contingency / total_residual if contingency is not None and total_residual > 0 else None
        ),
        contingency_gap=None if contingency is None else contingency - total_residual,
        overdue_actions=_flags_where(col["action_overdue"], reg.rows, col["action_due"], now, ids),
        not_reviewed=_flags_where(col["not_reviewed"], reg.rows, reg.reviewed, now, ids),
        red_without_action=_flags_where(
            col["red_without_action"], reg.rows, reg.raised_on, now, ids
        ),
        unscored=[ids[r] for r in reg.rows[np.isnan(col["score"])].tolist()],
        scores=scores,
    )
    if previous is None:
        return result
    change = compare_snapshots(previous, snapshot(result))
    return replace(result, change=change)


def snapshot(result: RiskResult) -> dict[str, Any]:
    """What History keeps of a refresh to compare the next one with (JSON-ready)."""
    return {
        "open": result.open_count,
        "red": result.open_by_band["red"],
        "total_emv": json_number(result.total_residual_emv),
        "scores": dict(result.scores),
    }


def compare_snapshots(previous: Mapping[str, Any], current: Mapping[str, Any]) -> RiskChange:
    """New, no longer open, and re-scored risks between two snapshots (as made by ``snapshot``)."""
    before = {str(k): _opt_float(v) for k, v in (previous.get("scores") or {}).items()}
    now = {str(k): _opt_float(v) for k, v in (current.get("scores") or {}).items()}
    moved = [
        ScoreChange(rid, b, a)
        for rid, a in now.items()
        if rid in before and (b := before[rid]) is not None and a is not None and a != b
    ]
    return RiskChange(
        new=[rid for rid in now if rid not in before],
        closed=[rid for rid in before if rid not in now],
        up=[c for c in moved if c.after > c.before],
        down=[c for c in moved if c.after < c.before],
        open_delta=_delta_int(current.get("open"), previous.get("open")),
        red_delta=_delta_int(current.get("red"), previous.get("red")),
        total_emv_delta=_delta(current.get("total_emv"), previous.get("total_emv")),
    )


def _register(
    risks: pd.DataFrame,
    amber_from: float,
    red_from: float,
    percentages: tuple[float, ...],
    now: pd.Timestamp,
    window: float,
) -> _Register:
    limit = _ns(now - pd.Timedelta(days=window))
    today = as_datetime64(now)
    p = _levels(risks["probability"])
    i = _levels(risks["impact"])
    scored = ~(np.isnan(p) | np.isnan(i))
    rp = np.where(scored, _fill(_levels(risks["residual_probability"]), p), np.nan)
    ri = np.where(scored, _fill(_levels(risks["residual_impact"]), i), np.nan)
    score = p * i  # NaN unless both levels are known, i.e. unless scored
    residual_score = rp * ri
    cost = risks["cost_impact"].to_numpy(dtype="float64")
    band = _bands(score, amber_from, red_from)
    residual_band = _bands(residual_score, amber_from, red_from)
    status = risks["status"].to_numpy()
    is_open = status != "closed"
    action = risks["action"].to_numpy()
    strategy = risks["strategy"].to_numpy()
    has_response = pd.notna(action) | pd.notna(strategy)
    action_due = risks["action_due"].to_numpy(dtype="datetime64[ns]")
    last_review = risks["last_review"].to_numpy(dtype="datetime64[ns]")
    raised_on = risks["raised_on"].to_numpy(dtype="datetime64[ns]")
    reviewed = _first_known(last_review, raised_on)
    emv = _level_percent(p, percentages) * cost / 100
    residual_emv = _level_percent(rp, percentages) * cost / 100
    columns: dict[str, np.ndarray] = {
        "risk_id": risks["risk_id"].to_numpy(),
        "title": risks["title"].to_numpy(),
        "category": risks["category"].to_numpy(),
        "owner": risks["owner"].to_numpy(),
        "status": status,
        "probability": p,
        "impact": i,
        "score": score,
        "band": band,
        "residual_probability": rp,
        "residual_impact": ri,
        "residual_score": residual_score,
        "residual_band": residual_band,
        "cost_impact": cost,
        "emv": emv,
        "residual_emv": residual_emv,
        "strategy": strategy,
        "action": action,
        "action_due": action_due,
        "last_review": last_review,
        "action_overdue": is_open & (action_due < today),
        "not_reviewed": is_open & (np.isnat(reviewed) | (reviewed < limit)),
        "red_without_action": (
            is_open & ((band == "red") | (residual_band == "red")) & ~has_response
        ),
    }
    order = _register_order(~is_open, residual_score, residual_emv, risks.index.to_numpy())
    index = risks.index[order]
    columns = {name: values[order] for name, values in columns.items()}
    frame = pd.DataFrame(
        {
            # object columns go in as object Series: pandas would read plain arrays as ``str``
            name: pd.Series(values, index=index, dtype=_OBJECT, copy=False)
            if values.dtype == object
            else values
            for name, values in columns.items()
        },
        index=index,
    )
    return _Register(
        frame, index.to_numpy(), columns, is_open[order], raised_on[order], reviewed[order]
    )


def _register_order(
    closed: np.ndarray, residual_score: np.ndarray, residual_emv: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Positions in register order: open first, then residual score and residual EMV (both
    descending, unknown last), then worksheet row."""
    # np.lexsort sorts on the last key first
    return np.lexsort((rows, *_descending(residual_emv), *_descending(residual_score), closed))


def _descending(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two ascending sort keys for ``values`` descending with NaN last: (value key, is NaN)."""
    unknown = np.isnan(values)
    return -np.where(unknown, 0.0, values), unknown


def _levels(values: pd.Series) -> np.ndarray:
    """Whole levels 1..5 as float64; anything else NaN."""
    numbers = values.to_numpy(dtype="float64")
    return np.where(np.isin(numbers, _LEVEL_VALUES), numbers, np.nan)


def _fill(values: np.ndarray, default: np.ndarray) -> np.ndarray:
    """``values`` with its NaN replaced by ``default`` (same positions)."""
    return np.where(np.isnan(values), default, values)


def _first_known(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Dates of ``first``, those of ``second`` where ``first`` is NaT."""
    return np.where(np.isnat(first), second, first)


def _level_percent(levels: np.ndarray, percentages: tuple[float, ...]) -> np.ndarray:
    """The EMV percentage of each level 1..5 (NaN for a blank level)."""
    table = np.array((math.nan, *percentages), dtype="float64")
    return table[np.where(np.isnan(levels), 0, levels).astype(np.int64)]


def as_datetime64(now: pd.Timestamp) -> np.datetime64:
    """``now`` as datetime64[ns], to compare date columns with. Raises OutOfBoundsDatetime
    outside that range, as the date arithmetic of the watch lists always has."""
    return now.as_unit("ns").to_datetime64()


def _ns(when: pd.Timestamp) -> np.datetime64:
    """``when`` as datetime64[ns], clamped to that range (a limit beyond it compares the same)."""
    return min(max(when, pd.Timestamp.min), pd.Timestamp.max).as_unit("ns").to_datetime64()


def _total(values: np.ndarray) -> float:
    """The sum of ``values``, blanks adding 0, as ``Series.sum`` computes it."""
    return float(np.nansum(values))


def _bands(score: np.ndarray, amber_from: float, red_from: float) -> np.ndarray:
    """The band of each score as an object array, None where the score is NaN."""
    bands = [None if math.isnan(s) else band_of(s, amber_from, red_from) for s in score.tolist()]
    return np.array(bands, dtype=object)


def band_of(score: float, amber_from: float, red_from: float) -> Band:
    """The colour band of a score (red wins should amber start above red)."""
    if score >= red_from:
        return "red"
    if score >= amber_from:
        return "amber"
    return "green"


def _matrix(probability: np.ndarray, impact: np.ndarray) -> list[list[int]]:
    grid = np.zeros((5, 5), dtype=np.int64)
    np.add.at(grid, (probability.astype(int) - 1, impact.astype(int) - 1), 1)
    return [[int(n) for n in row] for row in grid]


def _flags_where(
    mask: np.ndarray, rows: np.ndarray, since: np.ndarray, now: pd.Timestamp, ids: Mapping[int, str]
) -> list[Flag]:
    """``flag_rows`` of the positions where ``mask`` holds."""
    return flag_rows(rows[mask], since[mask], now, ids)


def flag_rows(
    rows: np.ndarray, since: np.ndarray, now: pd.Timestamp, ids: Mapping[int, str]
) -> list[Flag]:
    """A Flag for each worksheet row in ``rows``, dated by ``since`` (datetime64, same order)."""
    today = as_datetime64(now)
    if not len(rows):
        return []
    known = ~np.isnat(since)
    days = np.zeros(len(since), dtype=np.int64)
    days[known] = (today - since[known]) // np.timedelta64(1, "D")
    dates = since.astype("datetime64[D]").tolist()  # datetime.date, None for NaT
    return [
        Flag(ids[row], row, when, n if k else None)
        for row, when, n, k in zip(rows.tolist(), dates, days.tolist(), known.tolist(), strict=True)
    ]


def record_ids(table: pd.DataFrame, column: str = "risk_id") -> dict[int, str]:
    """Worksheet row -> id of each record; ``#row`` when the id is blank."""
    return _ids(table.index.to_numpy(), table[column].to_numpy())


def _ids(rows: np.ndarray, values: np.ndarray) -> dict[int, str]:
    return {
        r: (v if isinstance(v, str) else f"#{r}")
        for r, v in zip(rows.tolist(), values.tolist(), strict=True)
    }


# --- numbers and JSON ---------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _level(value: object, name: str) -> int:
    number = float(value) if _is_number(value) else math.nan  # type: ignore[arg-type]
    if not (number.is_integer() and 1 <= number <= 5):
        raise ValueError(f"{name} must be a whole number from 1 to 5, got {value!r}")
    return int(number)


def _setting_number(settings: Mapping[str, Any] | None, key: str, default: float) -> float:
    value = (settings or {}).get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value.replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValueError(f"setting {key}: {value!r} is not a number") from None
    return default if math.isnan(number) else number


def _opt_float(value: object) -> float | None:
    if value is None or not _is_number(value) or math.isnan(float(value)):  # type: ignore[arg-type]
        return None
    return float(value)  # type: ignore[arg-type]


def _delta(now: object, before: object) -> float | None:
    a, b = _opt_float(now), _opt_float(before)
    return None if a is None or b is None else a - b


def _delta_int(now: object, before: object) -> int | None:
    d = _delta(now, before)
    return None if d is None else int(d)


def json_number(value: object) -> Any:
    """A plain JSON number: int when whole, float otherwise, None for blank or non-finite."""
    if value is None or not _is_number(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def json_value(value: object) -> Any:
    """One cell as JSON: ISO date, plain number, str, bool or None."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_number(value):
        return json_number(value)
    return str(value)


def records_json(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``table`` as JSON objects, the worksheet row first under ``row``."""
    return [
        {
            "row": int(row),
            **{col: json_value(v) for col, v in zip(table.columns, values, strict=True)},
        }
        for row, values in zip(table.index, table.itertuples(index=False, name=None), strict=True)
    ]
