"""The portfolio's charts, as matplotlib Figures (Agg, no pyplot global state).

matplotlib is imported inside the functions: a consolidation that writes no workbook never
loads it, and worker processes never do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.i18n import Catalog, tr
from pmo_xl.schema import Lang

MAX_BARS = 30  # EAC vs BAC: the largest projects by BAC beyond this
COLOURS = {"green": "#2E7D32", "amber": "#F9A825", "red": "#C62828", "grey": "#9E9E9E"}
TEXTS: Catalog = {
    "spi": {"fr": "SPI (délais)", "en": "SPI (schedule)"},
    "cpi": {"fr": "CPI (coûts)", "en": "CPI (cost)"},
    "bubble_note": {"fr": "taille : BAC", "en": "size: BAC"},
    "projects": {"fr": "projets", "en": "projects"},
    "amount": {"fr": "Montant", "en": "Amount"},
    "bac": {"fr": "BAC (budget)", "en": "BAC (budget)"},
    "eac": {"fr": "EAC (estimation à terminaison)", "en": "EAC (estimate at completion)"},
    "largest": {"fr": "les {n} plus gros BAC", "en": "the {n} largest BACs"},
    "probability": {"fr": "Probabilité", "en": "Probability"},
    "impact": {"fr": "Impact", "en": "Impact"},
    "no_data": {"fr": "Pas de données", "en": "No data"},
}


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _empty(fig: Any, lang: Lang) -> Any:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, tr(TEXTS, "no_data", lang), ha="center", va="center", color="#595959")
    return fig


def spi_cpi_bubbles(projects: pd.DataFrame, colours: pd.Series, lang: Lang) -> Any:
    """SPI (x) against CPI (y), one bubble per project sized by BAC, coloured by status."""
    fig = _figure(6.4, 4.8)
    data = projects.loc[projects["spi"].notna() & projects["cpi"].notna()]
    if data.empty:
        return _empty(fig, lang)
    ax = fig.add_subplot()
    bac = data["bac"].fillna(0.0).clip(lower=0.0).to_numpy(dtype=float)
    size = 40 + 1200 * np.sqrt(bac / bac.max()) if bac.max() > 0 else np.full(len(bac), 80.0)
    fill = [COLOURS.get(c or "green", COLOURS["grey"]) for c in colours.loc[data.index]]
    ax.scatter(data["spi"], data["cpi"], s=size, c=fill, alpha=0.6, edgecolors="#404040")
    ax.axvline(1.0, color="#808080", lw=0.8, ls="--")
    ax.axhline(1.0, color="#808080", lw=0.8, ls="--")
    if len(data) <= 40:
        for x, y, label in zip(data["spi"], data["cpi"], data["project"], strict=True):
            ax.annotate(str(label), (x, y), fontsize=7, ha="center", va="center")
    ax.set_xlabel(tr(TEXTS, "spi", lang))
    ax.set_ylabel(tr(TEXTS, "cpi", lang))
    ax.set_title(tr(TEXTS, "bubble_note", lang), fontsize=9, loc="right", color="#595959")
    ax.grid(alpha=0.3)
    return fig


def weather_counts(counts: dict[str, int], labels: dict[str, str], lang: Lang) -> Any:
    """Projects per weather (keys in the order given; ``labels`` are the display names)."""
    fig = _figure(5.0, 3.4)
    if not counts:
        return _empty(fig, lang)
    ax = fig.add_subplot()
    keys = list(counts)
    ax.bar([labels.get(k, k) for k in keys], [counts[k] for k in keys], color="#1F4E78")
    ax.set_ylabel(tr(TEXTS, "projects", lang))
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def eac_vs_bac(projects: pd.DataFrame, lang: Lang) -> Any:
    """EAC beside BAC per project (the ``MAX_BARS`` largest by BAC), horizontal bars."""
    data = projects.loc[projects["bac"].notna()].nlargest(MAX_BARS, "bac").iloc[::-1]
    fig = _figure(6.4, max(2.5, 0.6 + 0.28 * len(data)))
    if data.empty:
        return _empty(fig, lang)
    ax = fig.add_subplot()
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["bac"], height=0.4, color="#9DC3E6", label=tr(TEXTS, "bac", lang))
    eac = data["eac"].fillna(data["bac"])
    over = (eac > data["bac"]).to_numpy()
    colours = np.where(over, COLOURS["red"], COLOURS["green"])
    ax.barh(y + 0.2, eac, height=0.4, color=colours, label=tr(TEXTS, "eac", lang))
    ax.set_yticks(y, [str(p) for p in data["project"]], fontsize=7)
    ax.set_xlabel(tr(TEXTS, "amount", lang))
    ax.legend(fontsize=7, loc="lower right")
    if len(projects) > MAX_BARS:
        ax.set_title(tr(TEXTS, "largest", lang, n=MAX_BARS), fontsize=9, loc="right")
    return fig


def risk_heat_map(matrix: list[list[int]], amber_from: float, red_from: float, lang: Lang) -> Any:
    """Open risks of all projects by probability (rows, 5 at the top) and impact (columns)."""
    from matplotlib.colors import ListedColormap

    fig = _figure(4.6, 4.0)
    ax = fig.add_subplot()
    counts = np.asarray(matrix, dtype=int)
    score = np.outer(np.arange(1, 6), np.arange(1, 6))
    band = np.where(score >= red_from, 2, np.where(score >= amber_from, 1, 0))
    cmap = ListedColormap(["#C6EFCE", "#FFEB9C", "#FFC7CE"])
    ax.imshow(band[::-1], cmap=cmap, vmin=0, vmax=2, aspect="equal")
    for p in range(5):
        for i in range(5):
            n = counts[p, i]
            if n:
                ax.text(i, 4 - p, str(n), ha="center", va="center", fontsize=11, weight="bold")
    ax.set_xticks(range(5), [str(i) for i in range(1, 6)])
    ax.set_yticks(range(5), [str(p) for p in range(5, 0, -1)])
    ax.set_xlabel(tr(TEXTS, "impact", lang))
    ax.set_ylabel(tr(TEXTS, "probability", lang))
    return fig
