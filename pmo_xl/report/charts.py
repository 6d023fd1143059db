"""The status charts: matplotlib Figures in one print-friendly style. Nothing else plots.

Style: white background, a restrained palette (blue = plan / PV, green = earned / EV, orange =
actual cost / AC, red = alerts and the critical path, grey = baseline), 8-9 pt text readable on
A4 landscape, French number and date formatting (``1 234,5``, ``juin 2026``) when ``lang`` is
"fr". Every function takes plain data (DataFrames, numbers, dates) and returns a
``matplotlib.figure.Figure`` attached to an Agg canvas: no pyplot, so no global figure state and
no GUI backend, and matplotlib is imported only when a chart is drawn (``_mpl``), so commands
that draw nothing do not pay for it.

Sizes are in inches; ``io.owned`` renders at 110 dpi, so a 7.5 × 4 in chart is 825 × 440 px and
two of them sit side by side on a landscape page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmo_xl.core.risk import band_of
from pmo_xl.schema import Lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# --- palette --------------------------------------------------------------------------------

BLUE = "#2E75B6"  # plan, PV
NAVY = "#1F4E78"  # titles, progress
GREEN = "#548235"  # earned, EV
ORANGE = "#C55A11"  # actual cost, AC, EAC
RED = "#C00000"  # critical, alerts, over-allocation
AMBER = "#BF8F00"
GREY = "#A6A6A6"  # baseline
LIGHT_GREY = "#D9D9D9"
TEXT = "#262626"
BAND_FILL = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE"}  # Excel's Good/Neutral/Bad
BAND_TEXT = {"green": "#006100", "amber": "#9C5700", "red": "#9C0006"}

WIDE = (7.5, 4.0)  # the standard chart
FULL_WIDTH = 14.0  # a chart across a landscape page (about the width of a 13-column table)
GANTT_MAX_ROWS = 80  # above this, the Gantt shows one bar per phase
GANTT_LABEL_CHARS = 36

_MONTHS = {
    "fr": (
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip

_LABELS: dict[str, dict[str, str]] = {
    "pv": {"fr": "Valeur planifiée (PV)", "en": "Planned value (PV)"},
    "ev": {"fr": "Valeur acquise (EV)", "en": "Earned value (EV)"},
    "ac": {"fr": "Coût réel (AC)", "en": "Actual cost (AC)"},
    "eac": {"fr": "Projection EAC", "en": "EAC projection"},
    "bac": {"fr": "Budget (BAC)", "en": "Budget (BAC)"},
    "status": {"fr": "Date d'état", "en": "Status date"},
    "cumulative": {"fr": "Cumul", "en": "Cumulative"},
    "index": {"fr": "Indice", "en": "Index"},
    "amber": {"fr": "seuil orange", "en": "amber threshold"},
    "red": {"fr": "seuil rouge", "en": "red threshold"},
    "reconstructed": {
        "fr": "reconstitué des dates réelles (historique < 2 points)",
        "en": "rebuilt from actual dates (history < 2 points)",
    },
    "no_data": {"fr": "Pas de données", "en": "No data"},
    "probability": {"fr": "Probabilité", "en": "Probability"},
    "impact": {"fr": "Impact", "en": "Impact"},
    "inherent": {"fr": "Avant traitement", "en": "Inherent"},
    "residual": {"fr": "Résiduel", "en": "Residual"},
    "hours_week": {"fr": "heures / semaine", "en": "hours / week"},
    "of_capacity": {"fr": "% de la capacité", "en": "% of capacity"},
    "overload": {"fr": "Surcharge", "en": "Over-allocated"},
    "baseline": {"fr": "Référence", "en": "Baseline"},
    "forecast": {"fr": "Prévision", "en": "Forecast"},
    "critical": {"fr": "Chemin critique", "en": "Critical path"},
    "milestone": {"fr": "Jalon", "en": "Milestone"},
    "done": {"fr": "Avancement", "en": "Progress"},
    "by_phase": {"fr": "{n} tâches : une barre par phase", "en": "{n} tasks: one bar per phase"},
    "budget": {"fr": "Budget", "en": "Budget"},
    "committed": {"fr": "Engagé", "en": "Committed"},
    "actual": {"fr": "Réalisé", "en": "Actual"},
    "forecast_cost": {"fr": "Prévision", "en": "Forecast"},
    "count": {"fr": "Nombre", "en": "Count"},
    "es": {"fr": "ES", "en": "ES"},
    "at": {"fr": "AT", "en": "AT"},
    "ev_level": {"fr": "EV à la date d'état", "en": "EV at the status date"},
    "sv_t": {"fr": "SV(t) = {v} j ouvrés", "en": "SV(t) = {v} working days"},
    "es_box": {
        "fr": "ES = {es} j · AT = {at} j · SPI(t) = {spi_t}\nFin estimée (IEAC(t)) : {finish}",
        "en": "ES = {es} d · AT = {at} d · SPI(t) = {spi_t}\nEstimated finish (IEAC(t)): {finish}",
    },
    "baseline_finish": {"fr": "Fin de référence", "en": "Baseline finish"},
    "es_finish": {"fr": "Fin estimée (ES)", "en": "Estimated finish (ES)"},
}


def label(key: str, lang: Lang, **values: Any) -> str:
    entry = _LABELS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


# --- formatting -----------------------------------------------------------------------------


def fmt_number(value: float | None, lang: Lang, decimals: int = 0) -> str:
    """1 234,5 in French (narrow no-break space, decimal comma), 1,234.5 in English."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_money(value: float | None, lang: Lang, symbol: str = "€") -> str:
    """Short money for labels and axes: 850 k€, 1,59 M€ (French) / 1.59 M€ (English)."""
    if value is None or not math.isfinite(value):
        return "–"
    size = abs(value)
    if size >= 1e6:
        return f"{fmt_number(value / 1e6, lang, 2)} M{symbol}"
    if size >= 1e3:
        return f"{fmt_number(value / 1e3, lang, 0)} k{symbol}"
    return f"{fmt_number(value, lang, 0)} {symbol}"


def fmt_date(value: Any, lang: Lang) -> str:
    """26/06/2026 in French, 2026-06-26 in English; "–" when missing."""
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return "–"
    day = pd.Timestamp(value)
    return str(day.strftime("%d/%m/%Y") if lang == "fr" else day.strftime("%Y-%m-%d"))


def currency_symbol(code: str | None) -> str:
    return {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}.get((code or "EUR").upper(), "€")


# --- matplotlib, lazily ---------------------------------------------------------------------


def _mpl() -> Any:
    """The matplotlib modules the charts use (imported on first use, Agg only)."""
    import matplotlib

    matplotlib.use("Agg", force=False)  # no GUI backend, ever
    import matplotlib.dates as mdates
    import matplotlib.ticker as mticker
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    return SimpleNamespace(
        dates=mdates,
        ticker=mticker,
        Canvas=FigureCanvasAgg,
        Figure=Figure,
        Patch=Patch,
        Rectangle=Rectangle,
        Linear=LinearSegmentedColormap,
        Listed=ListedColormap,
    )


_RC: Any = {
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlecolor": NAVY,
    "axes.labelsize": 8.5,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": "#808080",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.color": "#404040",
    "ytick.color": "#404040",
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "grid.color": "#E4E4E4",
    "grid.linewidth": 0.6,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "text.color": TEXT,
    "axes.formatter.use_locale": False,
}


Margins = tuple[float, float, float, float]  # left, right, top, bottom, in inches
MARGINS: Margins = (0.75, 0.25, 0.35, 0.55)


def new_figure(
    width: float, height: float, *, ncols: int = 1, margins: Margins = MARGINS, wspace: float = 0.3
) -> tuple[Figure, Any]:
    """A white Figure on an Agg canvas with ``ncols`` axes and fixed margins (inches).

    Fixed margins, not constrained layout: the layout engine lays every text out several times
    and tripled the drawing time of a chart.
    """
    m = _mpl()
    fig = m.Figure(figsize=(width, height), dpi=110)
    m.Canvas(fig)
    left, right, top, bottom = margins
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        wspace=wspace,
    )
    axes = fig.subplots(1, ncols)
    return fig, axes


def _styled(fn: Any) -> Any:
    """Run ``fn`` under the report's rc parameters (artists read them when created)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        _mpl()
        with matplotlib.rc_context(_RC):
            return fn(*args, **kwargs)

    return wrapper


def _date_axis(ax: Axes, lang: Lang, start: Any, end: Any, axis: str = "x") -> None:
    """Month ticks with French or English month names; the year on January and the first."""
    m = _mpl()
    span_days = max((pd.Timestamp(end) - pd.Timestamp(start)).days, 1)
    step = 1 if span_days <= 400 else 2 if span_days <= 800 else 3 if span_days <= 1200 else 6
    locator = m.dates.MonthLocator(interval=step)
    names = _MONTHS[lang]
    state = {"first": True}

    def month(x: float, pos: int | None) -> str:
        d = m.dates.num2date(x)
        text = names[d.month - 1]
        if d.month == 1 or pos == 0 or state["first"]:
            state["first"] = False
            return f"{text}\n{d.year}"
        return text

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    target.set_major_formatter(m.ticker.FuncFormatter(month))
    lo, hi = m.dates.date2num(pd.Timestamp(start)), m.dates.date2num(pd.Timestamp(end))
    (ax.set_xlim if axis == "x" else ax.set_ylim)(lo, hi)


def _money_axis(ax: Axes, lang: Lang, symbol: str, axis: str = "y") -> None:
    m = _mpl()
    fmt = m.ticker.FuncFormatter(lambda v, _pos: fmt_money(v, lang, symbol) if v else "0")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _status_line(ax: Axes, status: Any, lang: Lang, *, text: bool = True) -> None:
    x = _mpl().dates.date2num(pd.Timestamp(status))
    ax.axvline(x, color=RED, linewidth=1.0, linestyle=(0, (4, 2)), zorder=5)
    if text:
        ax.annotate(
            f"{label('status', lang)}\n{fmt_date(status, lang)}",
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            va="top",
            ha="left",
            fontsize=7,
            color=RED,
        )


def _empty(fig: Figure, ax: Axes, title: str, lang: Lang) -> Figure:
    ax.set_title(title, loc="left")
    ax.text(0.5, 0.5, label("no_data", lang), ha="center", va="center", color=GREY, fontsize=12)
    ax.set_axis_off()
    return fig


def _num(dates: Any) -> Any:
    return _mpl().dates.date2num(pd.to_datetime(dates))


# --- S-curve --------------------------------------------------------------------------------


@_styled
def s_curve(
    series: pd.DataFrame,
    status_date: dt.date,
    lang: Lang,
    *,
    bac: float | None = None,
    eac: float | None = None,
    ac: float | None = None,
    forecast_finish: dt.date | None = None,
    title: str = "",
    currency: str = "€",
    size: tuple[float, float] = WIDE,
) -> Figure:
    """Cumulative PV, EV and AC (``series``: date, pv, ev, ac; e.g. ``EvmResult.daily``).

    The EAC projection is a dashed line from AC at the status date to EAC at the forecast
    finish; BAC is a grey dotted level; the status date a red dashed vertical line.
    """
    fig, ax = new_figure(*size)
    if series is None or series.empty:
        return _empty(fig, ax, title, lang)
    x = _num(series["date"])
    ax.plot(x, series["pv"], color=BLUE, linewidth=1.8, label=label("pv", lang))
    ax.plot(x, series["ev"], color=GREEN, linewidth=1.8, label=label("ev", lang))
    ax.plot(x, series["ac"], color=ORANGE, linewidth=1.8, label=label("ac", lang))
    status_x = _num([status_date])[0]
    end = pd.Timestamp(series["date"].max())
    if eac is not None and ac is not None and forecast_finish is not None:
        fx = _num([forecast_finish])[0]
        ax.plot(
            [status_x, fx], [ac, eac], color=ORANGE, linewidth=1.4, linestyle=(0, (5, 3)),
            label=label("eac", lang),
        )  # fmt: skip
        ax.plot([fx], [eac], marker="o", color=ORANGE, markersize=4)
        ax.annotate(
            f"EAC {fmt_money(eac, lang, currency)}",
            (fx, eac), xytext=(-4, 6), textcoords="offset points", ha="right",
            fontsize=7.5, color=ORANGE, fontweight="bold",
        )  # fmt: skip
        end = max(end, pd.Timestamp(forecast_finish))
    if bac is not None:
        ax.axhline(bac, color=GREY, linewidth=0.9, linestyle=(0, (1, 2)))
        ax.annotate(
            f"BAC {fmt_money(bac, lang, currency)}",
            (0.0, bac), xycoords=("axes fraction", "data"), xytext=(2, 3),
            textcoords="offset points", fontsize=7.5, color="#595959",
        )  # fmt: skip
    _status_line(ax, status_date, lang)
    start = pd.Timestamp(series["date"].min())
    _date_axis(ax, lang, start, end + pd.Timedelta(days=10))
    _money_axis(ax, lang, currency)
    top = max(
        float(np.nanmax(series[["pv", "ev", "ac"]].to_numpy(dtype=float))), bac or 0, eac or 0
    )
    ax.set_ylim(0, top * 1.1 if top > 0 else 1)
    ax.grid(True, axis="y")
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title, loc="left")
    return fig


# --- performance indices --------------------------------------------------------------------


@_styled
def index_trend(
    frame: pd.DataFrame,
    lang: Lang,
    *,
    amber: float = 0.95,
    red: float = 0.90,
    status_date: dt.date | None = None,
    note: str = "",
    title: str = "",
    size: tuple[float, float] = WIDE,
) -> Figure:
    """SPI, CPI (and SPI(t) when present) over time; ``frame``: date, spi, cpi[, spi_t].

    Below ``red`` is shaded red, between ``red`` and ``amber`` amber (the Settings thresholds).
    """
    fig, ax = new_figure(*size)
    cols = [c for c in ("spi", "cpi", "spi_t") if c in frame.columns]
    data = frame.dropna(subset=["date"]).sort_values("date") if len(frame) else frame
    if data.empty or not cols or data[cols].isna().all().all():
        return _empty(fig, ax, title, lang)
    x = _num(data["date"])
    values = data[cols].to_numpy(dtype=float)
    # early indices swing wildly on small PV/AC: keep the readable band, let outliers leave it
    lo = max(min(float(np.nanmin(values)) - 0.05, red - 0.08), 0.5)
    hi = min(max(float(np.nanmax(values)) + 0.05, 1.1), 1.5)
    ax.axhspan(lo, red, color=BAND_FILL["red"], alpha=0.55, linewidth=0)
    ax.axhspan(red, amber, color=BAND_FILL["amber"], alpha=0.6, linewidth=0)
    ax.axhline(1.0, color=GREY, linewidth=0.8)
    marker = "o" if len(data) <= 30 else None
    style = {"spi": (BLUE, "-"), "cpi": (ORANGE, "-"), "spi_t": (GREEN, (0, (4, 2)))}
    names = {"spi": "SPI", "cpi": "CPI", "spi_t": "SPI(t)"}
    for col in cols:
        colour, dash = style[col]
        ax.plot(
            x, data[col], color=colour, linestyle=dash, linewidth=1.7, marker=marker,
            markersize=3.5, label=names[col],
        )  # fmt: skip
        last = data[col].dropna()
        if len(last):
            ax.annotate(
                fmt_number(float(last.iloc[-1]), lang, 2),
                (_num([data.loc[last.index[-1], "date"]])[0], float(last.iloc[-1])),
                xytext=(4, 0), textcoords="offset points", va="center", fontsize=7.5,
                color=colour, fontweight="bold",
            )  # fmt: skip
    start, end = pd.Timestamp(data["date"].min()), pd.Timestamp(data["date"].max())
    if start == end:
        start, end = start - pd.Timedelta(days=15), end + pd.Timedelta(days=15)
    pad = (end - start) * 0.08
    _date_axis(ax, lang, start - pad / 4, end + pad)
    if status_date is not None:
        _status_line(ax, status_date, lang, text=False)
    ax.set_ylim(lo, hi)
    m = _mpl()
    ax.yaxis.set_major_formatter(m.ticker.FuncFormatter(lambda v, _p: fmt_number(v, lang, 2)))
    ax.grid(True, axis="y")
    handles, labels = ax.get_legend_handles_labels()
    handles += [m.Patch(color=BAND_FILL["amber"]), m.Patch(color=BAND_FILL["red"])]
    labels += [
        f"< {fmt_number(amber, lang, 2)} ({label('amber', lang)})",
        f"< {fmt_number(red, lang, 2)} ({label('red', lang)})",
    ]
    ax.legend(handles, labels, loc="upper left", ncols=3)
    if note:
        ax.annotate(
            note, (1.0, 1.0), xycoords="axes fraction", xytext=(0, 4),
            textcoords="offset points", ha="right", va="bottom", fontsize=7, color="#7F7F7F",
            fontstyle="italic",
        )  # fmt: skip
    if title:
        ax.set_title(title, loc="left")
    return fig


# --- earned schedule ------------------------------------------------------------------------


@_styled
def earned_schedule(
    series: pd.DataFrame,
    status_date: dt.date,
    lang: Lang,
    *,
    ev: float,
    es: float | None,
    at: float | None,
    spi_t: float | None,
    forecast_finish: dt.date | None,
    baseline_finish: dt.date | None,
    title: str = "",
    currency: str = "€",
    size: tuple[float, float] = WIDE,
) -> Figure:
    """The PV curve read backwards: where the plan stood when it had earned today's EV.

    A horizontal dashed line at EV runs from the status date back to the PV curve; the date
    where it meets the curve is the earned schedule (ES). The arrow between them is SV(t).
    """
    fig, ax = new_figure(*size)
    if series is None or series.empty:
        return _empty(fig, ax, title, lang)
    x = _num(series["date"])
    pv = series["pv"].to_numpy(dtype=float)
    ax.plot(x, pv, color=BLUE, linewidth=1.8, label=label("pv", lang))
    sx = _num([status_date])[0]
    ax.plot([sx], [ev], marker="o", color=GREEN, markersize=6, zorder=6, label=label("ev", lang))
    # ES date: where cumulative PV reaches EV (PV is non-decreasing)
    reach = np.flatnonzero(pv >= ev - 1e-9)
    if reach.size:
        k = int(reach[0])
        if k > 0 and pv[k] > pv[k - 1]:
            es_x = x[k - 1] + (x[k] - x[k - 1]) * (ev - pv[k - 1]) / (pv[k] - pv[k - 1])
        else:
            es_x = x[k]
        ax.plot([es_x, sx], [ev, ev], color=GREEN, linestyle=(0, (4, 2)), linewidth=1.1)
        ax.plot([es_x], [ev], marker="D", color=NAVY, markersize=5, zorder=6, label="ES")
        ax.plot([es_x, es_x], [0, ev], color=NAVY, linestyle=":", linewidth=0.9)
        ax.annotate(
            "", xy=(es_x, ev * 0.5), xytext=(sx, ev * 0.5),
            arrowprops={"arrowstyle": "<->", "color": RED if sx > es_x else GREEN, "lw": 1.2},
        )  # fmt: skip
        if es is not None and at is not None:
            ax.annotate(
                label("sv_t", lang, v=fmt_number(es - at, lang, 1)),
                ((es_x + sx) / 2, ev * 0.5), xytext=(0, 5), textcoords="offset points",
                ha="center", fontsize=7.5, color=RED if sx > es_x else GREEN, fontweight="bold",
            )  # fmt: skip
    if baseline_finish is not None:
        bx = _num([baseline_finish])[0]
        ax.axvline(
            bx, color=GREY, linestyle=(0, (1, 2)), linewidth=1.2,
            label=f"{label('baseline_finish', lang)} {fmt_date(baseline_finish, lang)}",
        )  # fmt: skip
    end = pd.Timestamp(series["date"].max())
    if forecast_finish is not None:
        fx = _num([forecast_finish])[0]
        ax.axvline(
            fx, color=ORANGE, linestyle=(0, (4, 2)), linewidth=1,
            label=f"{label('es_finish', lang)} {fmt_date(forecast_finish, lang)}",
        )  # fmt: skip
        end = max(end, pd.Timestamp(forecast_finish))
    _status_line(ax, status_date, lang)
    box = label(
        "es_box",
        lang,
        es=fmt_number(es, lang, 1),
        at=fmt_number(at, lang, 0),
        spi_t=fmt_number(spi_t, lang, 2),
        finish=fmt_date(forecast_finish, lang),
    )
    ax.text(
        0.99, 0.04, box, transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": LIGHT_GREY},
    )  # fmt: skip
    _date_axis(ax, lang, pd.Timestamp(series["date"].min()), end + pd.Timedelta(days=10))
    _money_axis(ax, lang, currency)
    ax.set_ylim(0, float(np.nanmax(pv)) * 1.08 if np.nanmax(pv) > 0 else 1)
    ax.grid(True, axis="y")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93))
    if title:
        ax.set_title(title, loc="left")
    return fig


# --- risk heat map --------------------------------------------------------------------------


def _heat_panel(
    ax: Axes, matrix: Sequence[Sequence[int]], amber_from: float, red_from: float, lang: Lang
) -> None:
    m = _mpl()
    for p in range(1, 6):
        for i in range(1, 6):
            band = band_of(p * i, amber_from, red_from)
            count = int(matrix[p - 1][i - 1])
            ax.add_patch(
                m.Rectangle(
                    (i - 0.5, p - 0.5), 1, 1, facecolor=BAND_FILL[band],
                    edgecolor="white", linewidth=2,
                )
            )  # fmt: skip
            if count:
                ax.text(
                    i, p, str(count), ha="center", va="center", fontsize=13,
                    fontweight="bold", color=BAND_TEXT[band],
                )  # fmt: skip
            else:
                ax.text(i, p, "·", ha="center", va="center", fontsize=9, color="#BFBFBF")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(label("impact", lang))
    ax.set_ylabel(label("probability", lang))
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


@_styled
def risk_heatmaps(
    panels: Sequence[tuple[str, Sequence[Sequence[int]]]],
    lang: Lang,
    *,
    amber_from: float = 5,
    red_from: float = 10,
    title: str = "",
    size: tuple[float, float] | None = None,
) -> Figure:
    """5 × 5 matrices of open-risk counts (``matrix[p-1][i-1]``), one panel per matrix.

    Cells take the colour band of probability × impact under the Settings thresholds.
    """
    n = max(len(panels), 1)
    fig, axes = new_figure(
        *(size or (3.75 * n, 4.0)), ncols=n, margins=(0.55, 0.15, 0.35, 0.5), wspace=0.35
    )
    axes = np.atleast_1d(axes)
    for ax, (name, matrix) in zip(axes, panels, strict=False):
        _heat_panel(ax, matrix, amber_from, red_from, lang)
        total = sum(int(v) for row in matrix for v in row)
        ax.set_title(f"{name} ({total})", loc="center", fontsize=9)
    if title:
        fig.suptitle(title, x=0.02, ha="left", fontsize=10, fontweight="bold", color=NAVY)
    return fig


# --- resource load --------------------------------------------------------------------------


@_styled
def load_heatmap(
    hours: pd.DataFrame,
    lang: Lang,
    *,
    ratio: pd.DataFrame | None = None,
    over: pd.DataFrame | None = None,
    status_date: dt.date | None = None,
    title: str = "",
    width: float = 7.5,
) -> Figure:
    """Person × week heat map: rows are people (index: their labels), columns Mondays.

    Cells are coloured by ``ratio`` (load / capacity, blue 0-100 %) when given, else by hours;
    ``over`` (same shape, bool) marks over-allocated person-weeks in red.
    """
    rows = max(len(hours.index), 1)
    chars = max((len(str(v)) for v in hours.index), default=4)
    fig, ax = new_figure(
        width, min(1.3 + 0.24 * rows, 9.0), margins=(0.2 + 0.055 * chars, 0.75, 0.4, 0.5)
    )
    if hours.empty:
        return _empty(fig, ax, title, lang)
    m = _mpl()
    weeks = pd.to_datetime(hours.columns)
    x0 = _num([weeks.min()])[0]
    x1 = _num([weeks.max() + pd.Timedelta(days=7)])[0]
    extent = (x0, x1, len(hours.index) - 0.5, -0.5)
    blues = m.Linear.from_list("load", ["#F7FBFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B"])
    if ratio is not None:
        values = np.clip(ratio.to_numpy(dtype=float), 0.0, 1.0)
        image = ax.imshow(
            values, aspect="auto", cmap=blues, vmin=0, vmax=1, extent=extent,
            interpolation="nearest",
        )  # fmt: skip
        bar_label = label("of_capacity", lang)
        fmt = m.ticker.FuncFormatter(lambda v, _p: f"{v * 100:.0f} %")
    else:
        values = hours.to_numpy(dtype=float)
        image = ax.imshow(
            values, aspect="auto", cmap=blues, vmin=0, vmax=max(float(np.nanmax(values)), 1.0),
            extent=extent, interpolation="nearest",
        )  # fmt: skip
        bar_label = label("hours_week", lang)
        fmt = None
    if over is not None and over.to_numpy(dtype=bool).any():
        mask = np.ma.masked_where(~over.to_numpy(dtype=bool), np.ones(over.shape))
        ax.imshow(
            mask, aspect="auto", cmap=m.Listed([RED]), vmin=0, vmax=1, extent=extent,
            interpolation="nearest",
        )  # fmt: skip
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, format=fmt)
    bar.set_label(bar_label, fontsize=7.5)
    bar.ax.tick_params(labelsize=7)
    bar.outline.set_linewidth(0.4)
    ax.set_yticks(range(len(hours.index)))
    ax.set_yticklabels([str(v) for v in hours.index])
    ax.tick_params(axis="y", length=0)
    _date_axis(ax, lang, weeks.min(), weeks.max() + pd.Timedelta(days=7))
    ax.set_ylim(len(hours.index) - 0.5, -0.5)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if status_date is not None:
        _status_line(ax, status_date, lang, text=False)
    handles = [m.Patch(color=RED, label=label("overload", lang))]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=1)
    if title:
        ax.set_title(title, loc="right")
    return fig


# --- Gantt ----------------------------------------------------------------------------------

GANTT_COLUMNS = (
    "label", "phase", "start", "finish", "baseline_start", "baseline_finish", "critical",
    "milestone", "percent",
)  # fmt: skip


def summarise_by_phase(tasks: pd.DataFrame) -> pd.DataFrame:
    """One Gantt row per phase (in first-seen order): earliest start, latest finish, critical
    when any of its tasks is, progress weighted by task span, no milestone."""
    frame = tasks.assign(phase=tasks["phase"].fillna("").astype(str))
    span = (frame["finish"] - frame["start"]).dt.days.clip(lower=0).fillna(0) + 1
    frame = frame.assign(_w=span, _wp=span * frame["percent"].fillna(0.0))
    grouped = frame.groupby("phase", sort=False)
    out = pd.DataFrame(
        {
            "label": [f"{p or '—'} ({n})" for p, n in grouped.size().items()],
            "phase": list(grouped.size().index),
            "start": grouped["start"].min().to_numpy(),
            "finish": grouped["finish"].max().to_numpy(),
            "baseline_start": grouped["baseline_start"].min().to_numpy(),
            "baseline_finish": grouped["baseline_finish"].max().to_numpy(),
            "critical": grouped["critical"].any().to_numpy(dtype=bool),
            "milestone": False,
            "percent": (grouped["_wp"].sum() / grouped["_w"].sum()).to_numpy(),
        }
    )
    return out


def _bars(
    ax: Axes, left: Any, width: Any, y: Any, height: float, face: Any, edge: Any, lw: float
) -> None:
    """Horizontal bars as one PolyCollection (one artist instead of one patch per bar)."""
    from matplotlib.collections import PolyCollection

    left, width, y = (np.asarray(v, dtype=float) for v in (left, width, y))
    if left.size == 0:
        return
    x0, x1, y0, y1 = left, left + width, y - height / 2, y + height / 2
    verts = np.stack([np.column_stack(p) for p in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))], axis=1)
    ax.add_collection(
        PolyCollection(list(verts), facecolors=face, edgecolors=edge, linewidths=lw), autolim=False
    )


@_styled
def gantt(
    tasks: pd.DataFrame,
    status_date: dt.date | None,
    lang: Lang,
    *,
    max_rows: int = GANTT_MAX_ROWS,
    title: str = "",
    width: float = FULL_WIDTH,
) -> Figure:
    """Baseline bars (grey, below) under forecast bars (blue; red on the critical path), the
    part done darker, milestones as diamonds, the status date as a red dashed line.

    ``tasks`` has the columns of ``GANTT_COLUMNS`` in display order. Above ``max_rows`` tasks
    the chart shows one bar per phase (tick labels are what makes big Gantts slow and unreadable).
    """
    summary = len(tasks) > max_rows
    rows = summarise_by_phase(tasks) if summary else tasks.reset_index(drop=True)
    n = max(len(rows), 1)
    row_in = 0.32 if summary else 0.155
    labels = [_clip(str(v), GANTT_LABEL_CHARS) for v in rows["label"]]
    chars = max((len(v) for v in labels), default=4)
    size = 8.0 if summary else 6.8
    left = 0.25 + chars * size * 0.0075
    fig, ax = new_figure(width, 1.1 + row_in * n, margins=(left, 0.25, 0.55, 0.5))
    if rows.empty:
        return _empty(fig, ax, title, lang)
    m = _mpl()
    y = np.arange(len(rows), dtype=float)
    start = _num(rows["start"])
    finish = _num(rows["finish"]) + 1.0  # to the end of the finish day
    b_start = _num(rows["baseline_start"])
    b_finish = _num(rows["baseline_finish"]) + 1.0
    milestone = rows["milestone"].to_numpy(dtype=bool)
    critical = rows["critical"].to_numpy(dtype=bool)
    pct = np.clip(rows["percent"].fillna(0.0).to_numpy(dtype=float), 0.0, 1.0)
    bar = ~milestone & np.isfinite(start) & np.isfinite(finish)
    base = ~milestone & np.isfinite(b_start) & np.isfinite(b_finish)
    _bars(ax, b_start[base], (b_finish - b_start)[base], y[base] + 0.25, 0.2, LIGHT_GREY, GREY, 0.4)
    _bars(
        ax, start[bar], (finish - start)[bar], y[bar] - 0.07, 0.44,
        np.where(critical, "#F4B6B6", "#BDD7EE")[bar], np.where(critical, RED, BLUE)[bar], 0.6,
    )  # fmt: skip
    done = bar & (pct > 0)
    _bars(
        ax, start[done], ((finish - start) * pct)[done], y[done] - 0.07, 0.18,
        np.where(critical, RED, NAVY)[done], "none", 0.0,
    )  # fmt: skip
    if milestone.any():
        ms = milestone & np.isfinite(start)
        ax.scatter(
            start[ms] + 0.5, y[ms] - 0.07, marker="D", s=30, zorder=4,
            c=np.where(critical, RED, NAVY)[ms], edgecolors="white", linewidths=0.5,
        )  # fmt: skip
        mb = milestone & np.isfinite(b_start)
        ax.scatter(
            b_start[mb] + 0.5, y[mb] + 0.25, marker="D", s=14, zorder=3,
            facecolors="white", edgecolors=GREY, linewidths=0.8,
        )  # fmt: skip
    if not summary:  # a thin line between phases
        phases = rows["phase"].fillna("").astype(str).to_numpy()
        for c in np.flatnonzero(phases[1:] != phases[:-1]) + 0.5:
            ax.axhline(c, color="#BFBFBF", linewidth=0.6)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=size)
    for tick, crit in zip(ax.get_yticklabels(), critical, strict=True):
        if crit:
            tick.set_color(RED)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    lo = float(np.nanmin(np.concatenate([start, b_start])))
    hi = float(np.nanmax(np.concatenate([finish, b_finish])))
    if status_date is not None:
        _status_line(ax, status_date, lang, text=False)
        sx = float(_num([status_date])[0])
        lo, hi = min(lo, sx), max(hi, sx)
    pad = (hi - lo) * 0.015 + 2
    _date_axis(ax, lang, m.dates.num2date(lo - pad), m.dates.num2date(hi + pad))
    ax.grid(True, axis="x")
    ax.spines["left"].set_visible(False)
    from matplotlib.lines import Line2D

    handles: list[Any] = [
        m.Patch(facecolor="#BDD7EE", edgecolor=BLUE, label=label("forecast", lang)),
        m.Patch(facecolor="#F4B6B6", edgecolor=RED, label=label("critical", lang)),
        m.Patch(facecolor=NAVY, label=label("done", lang)),
        m.Patch(facecolor=LIGHT_GREY, edgecolor=GREY, label=label("baseline", lang)),
    ]
    if not summary:
        handles.append(
            Line2D([], [], marker="D", linestyle="", color=NAVY, label=label("milestone", lang))
        )
    status_text = label("status", lang)
    if status_date is not None:
        status_text += f" {fmt_date(status_date, lang)}"
    handles.append(Line2D([], [], color=RED, linestyle=(0, (4, 2)), label=status_text))
    ax.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(handles),
        borderaxespad=0.3,
    )  # fmt: skip
    if summary:
        ax.annotate(
            label("by_phase", lang, n=len(tasks)), (1.0, 1.0), xycoords="axes fraction",
            xytext=(0, 6), textcoords="offset points", ha="right", fontsize=7.5,
            color="#595959", fontstyle="italic",
        )  # fmt: skip
    if title:
        ax.set_title(title, loc="left")
    return fig


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- bars -----------------------------------------------------------------------------------


@_styled
def budget_bars(
    frame: pd.DataFrame,
    lang: Lang,
    *,
    title: str = "",
    currency: str = "€",
    size: tuple[float, float] = WIDE,
) -> Figure:
    """Budget, committed and actual per category (rows of ``frame``, index = labels), with the
    forecast as a black tick; columns budget, committed, actual, forecast."""
    chars = max((len(str(v)) for v in frame.index), default=4)
    fig, ax = new_figure(*size, margins=(0.2 + 0.06 * chars, 0.2, 0.2, 0.45))
    if frame.empty:
        return _empty(fig, ax, title, lang)
    y = np.arange(len(frame), dtype=float)
    h = 0.26
    ax.barh(y - h, frame["budget"], height=h, color=BLUE, label=label("budget", lang))
    ax.barh(y, frame["committed"], height=h, color="#9DC3E6", label=label("committed", lang))
    ax.barh(y + h, frame["actual"], height=h, color=ORANGE, label=label("actual", lang))
    ax.scatter(
        frame["forecast"], y, marker="|", s=260, color=TEXT, linewidths=2, zorder=4,
        label=label("forecast_cost", lang),
    )  # fmt: skip
    over = frame["forecast"] > frame["budget"] + 0.5
    for yy, (val, is_over) in enumerate(zip(frame["forecast"], over, strict=True)):
        ax.annotate(
            fmt_money(float(val), lang, currency), (float(val), yy), xytext=(6, 0),
            textcoords="offset points", va="center", fontsize=7,
            color=RED if is_over else "#404040", fontweight="bold" if is_over else "normal",
        )  # fmt: skip
    ax.set_yticks(y)
    ax.set_yticklabels([str(v) for v in frame.index])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    _money_axis(ax, lang, currency, axis="x")
    top = float(np.nanmax(frame[["budget", "committed", "actual", "forecast"]].to_numpy(float)))
    ax.set_xlim(0, top * 1.2 if top > 0 else 1)
    ax.grid(True, axis="x")
    ax.legend(loc="lower right", ncols=2)
    if title:
        ax.set_title(title, loc="left")
    return fig


@_styled
def status_bars(
    groups: Sequence[tuple[str, Mapping[str, tuple[int, str]]]],
    lang: Lang,
    *,
    title: str = "",
    size: tuple[float, float] = WIDE,
) -> Figure:
    """Counts by status, one horizontal stacked bar per group (deliverables, changes,
    training): ``groups`` = [(group label, {status label: (count, colour name)})]."""
    chars = max((len(g) for g, _ in groups), default=4)
    fig, ax = new_figure(*size, margins=(0.25 + 0.065 * chars, 0.2, 0.2, 0.5))
    if not groups or not any(sum(c for c, _ in g.values()) for _, g in groups):
        return _empty(fig, ax, title, lang)
    colours = {
        "green": "#70AD47", "amber": "#FFC000", "red": RED, "grey": "#BFBFBF",
        "blue": "#5B9BD5", "navy": NAVY,
    }  # fmt: skip
    for y, (_, statuses) in enumerate(groups):
        left = 0.0
        for name, (count, colour) in statuses.items():
            if not count:
                continue
            ax.barh(
                y, count, left=left, height=0.6, color=colours.get(colour, colour),
                edgecolor="white", linewidth=1.5,
            )  # fmt: skip
            ax.text(
                left + count / 2, y, f"{name}\n{count}", ha="center", va="center", fontsize=7,
                color="white" if colour in ("red", "navy", "blue", "green") else TEXT,
                fontweight="bold", linespacing=1.3,
            )  # fmt: skip
            left += count
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels([g for g, _ in groups])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    m = _mpl()
    ax.xaxis.set_major_locator(m.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(label("count", lang))
    ax.grid(True, axis="x")
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, loc="left")
    return fig
