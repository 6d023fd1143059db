"""Labels and messages in French and English.

Each module keeps its own catalogue next to its code (a dict ``key -> {"fr": ..., "en": ...}``)
and formats through ``tr``; labels shared by several modules live in ``LABELS`` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmo_xl.schema import Lang

Catalog = Mapping[str, Mapping[str, str]]

LABELS: Catalog = {
    "error": {"fr": "erreur", "en": "error"},
    "warning": {"fr": "avertissement", "en": "warning"},
    "no_findings": {"fr": "Aucune anomalie.", "en": "No findings."},
    "findings_summary": {
        "fr": "{errors} erreur(s), {warnings} avertissement(s)",
        "en": "{errors} error(s), {warnings} warning(s)",
    },
}


def tr(catalog: Catalog, key: str, lang: Lang, /, **values: Any) -> str:
    """The message ``key`` of ``catalog`` in ``lang`` (English if missing), formatted."""
    entry = catalog[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def label(key: str, lang: Lang, /, **values: Any) -> str:
    return tr(LABELS, key, lang, **values)


def fmt_number(value: float, lang: Lang, decimals: int = 2) -> str:
    """A number as the user reads it: 1 234,50 in French, 1,234.50 in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
