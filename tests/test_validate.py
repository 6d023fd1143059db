"""Validation rules, one broken cell at a time: the exact finding (sheet, cell, rule, message)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pmo_xl.core.validate import (
    SEVERITY,
    Rule,
    format_date,
    format_number,
    format_percent,
    validate,
)
from pmo_xl.model import Finding, ProjectData, make_project_data

D = pd.Timestamp
NNBSP = "\u202f"  # the thousands separator of French numbers (i18n.fmt_number)


def clean(lang: str = "fr", **settings: Any) -> ProjectData:
    """A small consistent project: no finding at all."""
    card = {
        "project_code": "PRJ-001",
        "project_name": "Remplacement des pompes",
        "client": "EDF",
        "site": "Tricastin",
        "project_manager": "A. Martin",
        "start_date": dt.date(2026, 1, 5),
        "planned_finish": dt.date(2026, 6, 30),
        "bac": 100000.0,
        "currency": "EUR",
        "status_date": dt.date(2026, 3, 31),
        "progress_method": "physical",
        "language": lang,
    }
    tasks = [  # rows 2 to 5
        {
            "task_id": "T010",
            "name": "Études",
            "duration": 10,
            "planned_start": D("2026-01-05"),
            "planned_finish": D("2026-01-16"),
            "baseline_start": D("2026-01-05"),
            "baseline_finish": D("2026-01-16"),
            "actual_start": D("2026-01-05"),
            "actual_finish": D("2026-01-16"),
            "percent_complete": 1.0,
            "budget": 30000,
            "owner": "R01",
        },
        {
            "task_id": "T020",
            "name": "Approvisionnement",
            "duration": 20,
            "planned_start": D("2026-01-19"),
            "planned_finish": D("2026-02-13"),
            "baseline_start": D("2026-01-19"),
            "baseline_finish": D("2026-02-13"),
            "predecessors": "T010",
            "actual_start": D("2026-01-19"),
            "percent_complete": 0.5,
            "budget": 40000,
            "owner": "R02",
        },
        {
            "task_id": "T030",
            "name": "Montage",
            "duration": 15,
            "planned_start": D("2026-02-16"),
            "planned_finish": D("2026-03-06"),
            "predecessors": "T020FS+2",
            "constraint": "snet",
            "constraint_date": D("2026-02-16"),
            "budget": 25000,
            "owner": "R01",
        },
        {
            "task_id": "T040",
            "name": "Réception",
            "duration": 0,
            "planned_start": D("2026-03-09"),
            "planned_finish": D("2026-03-09"),
            "predecessors": "T030",
            "budget": 5000,
            "owner": "R02",
        },
    ]
    resources = [
        {
            "resource_id": "R01",
            "name": "Alice Martin",
            "daily_rate": 600,
            "hours_per_day": 7,
            "project_share": 0.4,
        },
        {
            "resource_id": "R02",
            "name": "Bruno Petit",
            "daily_rate": 550,
            "hours_per_day": 7.5,
            "project_share": 0.6,
        },
    ]
    assignments = [
        {"task_id": "T010", "resource_id": "R01", "planned_hours": 70},
        {"task_id": "T020", "resource_id": "R02", "planned_hours": 150},
    ]
    actuals = [
        {
            "date": D("2026-01-09"),
            "resource_id": "R01",
            "task_id": "T010",
            "hours": 35,
            "category": "labour",
        },
        {
            "date": D("2026-02-06"),
            "resource_id": "R02",
            "task_id": "T020",
            "hours": 30,
            "category": "labour",
        },
        {"date": D("2026-02-10"), "task_id": "T020", "cost": 12000, "category": "purchase"},
    ]
    budget = [
        {"line_id": "B01", "category": "labour", "task_id": "T010", "amount": 30000},
        {
            "line_id": "B02",
            "category": "purchase",
            "task_id": "T020",
            "amount": 40000,
            "committed": 12000,
        },
    ]
    risks = [
        {
            "risk_id": "RK01",
            "title": "Retard de livraison des pompes",
            "probability": 3,
            "impact": 4,
            "strategy": "mitigate",
            "status": "open",
            "residual_probability": 2,
            "residual_impact": 3,
        },
        {"risk_id": "RK02", "title": "Accès site", "probability": 2, "impact": 2, "status": "open"},
    ]
    quality = [{"item_id": "Q01", "deliverable": "Dossier de fin", "status": "not_started"}]
    changes = [
        {"change_id": "CR01", "title": "Ajout d'une vanne", "status": "proposed"},
        {"change_id": "CR02", "title": "Report de l'essai", "status": "approved"},
    ]
    training = [{"action_id": "F01", "action": "Consignation", "status": "planned"}]
    tables = {
        "tasks": tasks,
        "resources": resources,
        "assignments": assignments,
        "actuals": actuals,
        "budget": budget,
        "risks": risks,
        "quality": quality,
        "changes": changes,
        "training": training,
    }
    frames: dict[str, pd.DataFrame | None] = {k: pd.DataFrame(v) for k, v in tables.items()}
    return make_project_data(card, settings, frames)


def F(
    sheet: str, cell: str, column: str, rule: str, severity: str, value: Any, message: str
) -> Finding:
    return Finding(sheet, cell, column, rule, severity, value, message)  # type: ignore[arg-type]


def setter(table: str, row: int, column: str, value: Any) -> Callable[[ProjectData], None]:
    def apply(p: ProjectData) -> None:
        p.tables[table].loc[row, column] = value

    return apply


def card(key: str, value: Any) -> Callable[[ProjectData], None]:
    def apply(p: ProjectData) -> None:
        p.project[key] = value

    return apply


def setting(key: str, value: Any) -> Callable[[ProjectData], None]:
    def apply(p: ProjectData) -> None:
        p.settings[key] = value

    return apply


# One broken cell -> exactly one finding (French workbook).
CASES: list[tuple[str, Callable[[ProjectData], None], Finding]] = [
    (
        "required_task_name",
        setter("tasks", 3, "name", None),
        F(
            "Tâches",
            "B3",
            "Nom de la tâche",
            "required",
            "error",
            None,
            "Tâches!B3 : « Nom de la tâche » est obligatoire",
        ),
    ),
    (
        "required_card_field",
        card("project_manager", "  "),
        F(
            "Projet",
            "B7",
            "Chef de projet",
            "required",
            "error",
            None,
            "Projet!B7 : « Chef de projet » est obligatoire",
        ),
    ),
    (
        "required_status_date",
        card("status_date", None),
        F(
            "Projet",
            "B14",
            "Date d'état",
            "required",
            "error",
            None,
            "Projet!B14 : « Date d'état » est obligatoire",
        ),
    ),
    (
        "enum_table",
        setter("risks", 2, "status", "Bientôt"),
        F(
            "Risques",
            "N2",
            "Statut",
            "enum",
            "error",
            "Bientôt",
            "Risques!N2 : « Bientôt » n'est pas une valeur autorisée de « Statut » (Ouvert, Fermé)",
        ),
    ),
    (
        "enum_card",
        card("progress_method", "Au doigt mouillé"),
        F(
            "Projet",
            "B15",
            "Méthode d'avancement",
            "enum",
            "error",
            "Au doigt mouillé",
            "Projet!B15 : « Au doigt mouillé » n'est pas une valeur autorisée de « Méthode "
            "d'avancement » (Physique, Durée, Unités)",
        ),
    ),
    (
        "integer",
        setter("risks", 2, "probability", 2.5),
        F(
            "Risques",
            "G2",
            "Probabilité (1-5)",
            "integer",
            "error",
            2.5,
            "Risques!G2 : « Probabilité (1-5) » vaut 2,5 : un nombre entier est attendu",
        ),
    ),
    (
        "unique_task_id",
        setter("changes", 3, "change_id", "CR01"),
        F(
            "Changements",
            "A3",
            "ID changement",
            "unique",
            "error",
            "CR01",
            "Changements!A3 : l'identifiant CR01 est déjà utilisé en A2",
        ),
    ),
    (
        "range_probability",
        setter("risks", 3, "probability", 7),
        F(
            "Risques",
            "G3",
            "Probabilité (1-5)",
            "range",
            "error",
            7.0,
            "Risques!G3 : « Probabilité (1-5) » vaut 7 : attendu entre 1 et 5",
        ),
    ),
    (
        "range_residual_impact",
        setter("risks", 2, "residual_impact", 0),
        F(
            "Risques",
            "P2",
            "Impact résiduel",
            "range",
            "error",
            0.0,
            "Risques!P2 : « Impact résiduel » vaut 0 : attendu entre 1 et 5",
        ),
    ),
    (
        "range_project_share",
        setter("resources", 2, "project_share", 1.5),
        F(
            "Ressources",
            "G2",
            "Part projet %",
            "range",
            "error",
            1.5,
            "Ressources!G2 : « Part projet % » vaut 150 % : attendu entre 0 % et 100 %",
        ),
    ),
    (
        "range_hours_per_day_plausible",
        setter("resources", 3, "hours_per_day", 14),
        F(
            "Ressources",
            "F3",
            "Heures par jour",
            "range",
            "warning",
            14.0,
            "Ressources!F3 : « Heures par jour » vaut 14 : attendu entre 1 et 12",
        ),
    ),
    (
        "range_min_only",
        setter("assignments", 2, "planned_hours", -10),
        F(
            "Affectations",
            "C2",
            "Heures prévues",
            "range",
            "error",
            -10.0,
            "Affectations!C2 : « Heures prévues » vaut -10 : attendu au moins 0",
        ),
    ),
    (
        "percent_range",
        setter("tasks", 3, "percent_complete", 1.2),
        F(
            "Tâches",
            "N3",
            "% avancement",
            "percent_range",
            "error",
            1.2,
            "Tâches!N3 : l'avancement 120 % n'est pas compris entre 0 % et 100 %",
        ),
    ),
    (
        "date_order_planned",
        setter("tasks", 4, "planned_finish", D("2026-02-10")),
        F(
            "Tâches",
            "F4",
            "Fin prévue",
            "date_order",
            "error",
            dt.date(2026, 2, 10),
            "Tâches!F4 : la fin 10/02/2026 est antérieure au début 16/02/2026",
        ),
    ),
    (
        "date_order_baseline",
        setter("tasks", 3, "baseline_finish", D("2026-01-10")),
        F(
            "Tâches",
            "H3",
            "Fin référence",
            "date_order",
            "error",
            dt.date(2026, 1, 10),
            "Tâches!H3 : la fin 10/01/2026 est antérieure au début 19/01/2026",
        ),
    ),
    (
        "date_order_actual",
        setter("tasks", 2, "actual_finish", D("2026-01-02")),
        F(
            "Tâches",
            "M2",
            "Fin réelle",
            "date_order",
            "error",
            dt.date(2026, 1, 2),
            "Tâches!M2 : la fin 02/01/2026 est antérieure au début 05/01/2026",
        ),
    ),
    (
        "progress_start",
        setter("tasks", 4, "percent_complete", 0.25),
        F(
            "Tâches",
            "L4",
            "Début réel",
            "progress_start",
            "warning",
            0.25,
            "Tâches!L4 : l'avancement est de 25 % mais le début réel est vide",
        ),
    ),
    (
        "progress_finish",
        setter("tasks", 3, "percent_complete", 1.0),
        F(
            "Tâches",
            "M3",
            "Fin réelle",
            "progress_finish",
            "warning",
            1.0,
            "Tâches!M3 : l'avancement est de 100 % mais la fin réelle est vide",
        ),
    ),
    (
        "finish_progress",
        setter("tasks", 3, "actual_finish", D("2026-02-13")),
        F(
            "Tâches",
            "N3",
            "% avancement",
            "finish_progress",
            "error",
            0.5,
            "Tâches!N3 : la fin réelle 13/02/2026 demande un avancement de 100 % (ici 50 %)",
        ),
    ),
    (
        "future_actual",
        setter("tasks", 3, "actual_start", D("2026-04-02")),
        F(
            "Tâches",
            "L3",
            "Début réel",
            "future_actual",
            "error",
            dt.date(2026, 4, 2),
            "Tâches!L3 : la date 02/04/2026 de « Début réel » est postérieure à la date d'état "
            "31/03/2026",
        ),
    ),
    (
        "future_actuals_line",
        setter("actuals", 3, "date", D("2026-04-03")),
        F(
            "Réalisé",
            "A3",
            "Date",
            "future_actuals_line",
            "warning",
            dt.date(2026, 4, 3),
            "Réalisé!A3 : la ligne est datée du 03/04/2026, après la date d'état 31/03/2026",
        ),
    ),
    (
        "predecessor_syntax",
        setter("tasks", 4, "predecessors", "T020FS+2;T010 XX"),
        F(
            "Tâches",
            "I4",
            "Prédécesseurs",
            "predecessor_syntax",
            "error",
            "T010 XX",
            "Tâches!I4 : « T010 XX » n'est pas un lien valide (ID tâche, type FS, SS, FF ou SF, "
            "décalage ; par ex. T020FS+2)",
        ),
    ),
    (
        "predecessor_unknown",
        setter("tasks", 4, "predecessors", "T020FS+2;T999"),
        F(
            "Tâches",
            "I4",
            "Prédécesseurs",
            "predecessor_unknown",
            "error",
            "T999",
            "Tâches!I4 : le prédécesseur T999 n'existe pas dans Tâches",
        ),
    ),
    (
        "predecessor_self",
        setter("tasks", 4, "predecessors", "T020;T030SS"),
        F(
            "Tâches",
            "I4",
            "Prédécesseurs",
            "predecessor_self",
            "error",
            "T030",
            "Tâches!I4 : la tâche T030 est son propre prédécesseur",
        ),
    ),
    (
        "cycle",
        setter("tasks", 2, "predecessors", "T040"),
        F(
            "Tâches",
            "I2",
            "Prédécesseurs",
            "cycle",
            "error",
            "T010 → T020 → T030 → T040 → T010",
            "Tâches!I2 : les prédécesseurs forment une boucle : T010 → T020 → T030 → T040 → T010",
        ),
    ),
    (
        "cycle_named_from_its_first_task",
        setter("tasks", 3, "predecessors", "T030"),
        F(
            "Tâches",
            "I3",
            "Prédécesseurs",
            "cycle",
            "error",
            "T020 → T030 → T020",
            "Tâches!I3 : les prédécesseurs forment une boucle : T020 → T030 → T020",
        ),
    ),
    (
        "owner_unknown",
        setter("tasks", 5, "owner", "R09"),
        F(
            "Tâches",
            "P5",
            "Responsable (ID ressource)",
            "owner_unknown",
            "error",
            "R09",
            "Tâches!P5 : le responsable R09 n'existe pas dans Ressources",
        ),
    ),
    (
        "resource_unknown_assignment",
        setter("assignments", 3, "resource_id", "R07"),
        F(
            "Affectations",
            "B3",
            "ID ressource",
            "resource_unknown",
            "error",
            "R07",
            "Affectations!B3 : la ressource R07 n'existe pas dans Ressources",
        ),
    ),
    (
        "resource_unknown_actuals",
        setter("actuals", 2, "resource_id", "R07"),
        F(
            "Réalisé",
            "B2",
            "ID ressource",
            "resource_unknown",
            "error",
            "R07",
            "Réalisé!B2 : la ressource R07 n'existe pas dans Ressources",
        ),
    ),
    (
        "task_unknown_actuals",
        setter("actuals", 2, "task_id", "T999"),
        F(
            "Réalisé",
            "C2",
            "ID tâche",
            "task_unknown",
            "error",
            "T999",
            "Réalisé!C2 : la tâche T999 n'existe pas dans Tâches",
        ),
    ),
    (
        "task_unknown_assignment",
        setter("assignments", 2, "task_id", "T999"),
        F(
            "Affectations",
            "A2",
            "ID tâche",
            "task_unknown",
            "error",
            "T999",
            "Affectations!A2 : la tâche T999 n'existe pas dans Tâches",
        ),
    ),
    (
        "task_unknown_budget",
        setter("budget", 3, "task_id", "T998"),
        F(
            "Budget",
            "D3",
            "ID tâche",
            "task_unknown",
            "error",
            "T998",
            "Budget!D3 : la tâche T998 n'existe pas dans Tâches",
        ),
    ),
    (
        "constraint_date",
        setter("tasks", 4, "constraint_date", pd.NaT),
        F(
            "Tâches",
            "K4",
            "Date contrainte",
            "constraint_date",
            "error",
            "snet",
            "Tâches!K4 : la contrainte « Début au plus tôt le » demande une date contrainte",
        ),
    ),
    (
        "constraint_type",
        setter("tasks", 4, "constraint", None),
        F(
            "Tâches",
            "J4",
            "Contrainte",
            "constraint_type",
            "warning",
            dt.date(2026, 2, 16),
            "Tâches!J4 : la date contrainte 16/02/2026 n'a pas de type de contrainte : "
            "elle est ignorée",
        ),
    ),
    (
        "budget_mismatch",
        card("bac", 120000.0),
        F(
            "Projet",
            "B12",
            "Budget à terminaison",
            "budget_mismatch",
            "warning",
            120000.0,
            f"Projet!B12 : la somme des budgets des tâches (100{NNBSP}000) diffère de plus de "
            f"1 % du budget à terminaison (120{NNBSP}000)",
        ),
    ),
    (
        "range_card",
        card("bac", -100000.0),
        F(
            "Projet",
            "B12",
            "Budget à terminaison",
            "range",
            "error",
            -100000.0,
            f"Projet!B12 : « Budget à terminaison » vaut -100{NNBSP}000 : attendu au moins 0",
        ),
    ),
    (
        "start_after_finish",
        card("planned_finish", dt.date(2026, 1, 2)),
        F(
            "Projet",
            "B10",
            "Date de début",
            "start_after_finish",
            "error",
            dt.date(2026, 1, 5),
            "Projet!B10 : la date de début 05/01/2026 est postérieure à la fin prévue 02/01/2026",
        ),
    ),
    (
        "settings_range",
        setting("watchdog_window_days", 0),
        F(
            "Paramètres",
            "B8",
            "Fenêtre de veille (jours)",
            "range",
            "warning",
            0,
            "Paramètres!B8 : « Fenêtre de veille (jours) » vaut 0 : attendu au moins 1",
        ),
    ),
    (
        "settings_percent_range",
        setting("watchdog_hours_ratio", 1.5),
        F(
            "Paramètres",
            "B9",
            "Ratio d'heures de veille",
            "range",
            "warning",
            1.5,
            "Paramètres!B9 : « Ratio d'heures de veille » vaut 150 % : attendu entre 0 % et 100 %",
        ),
    ),
    (
        "settings_integer",
        setting("mc_iterations", 1000.5),
        F(
            "Paramètres",
            "B16",
            "Itérations Monte-Carlo",
            "integer",
            "warning",
            1000.5,
            "Paramètres!B16 : « Itérations Monte-Carlo » vaut 1\u202f000,5 : un nombre entier "
            "est attendu",
        ),
    ),
    (
        "settings_enum",
        setting("holiday_calendar", "Bavière"),
        F(
            "Paramètres",
            "B13",
            "Calendrier des jours fériés",
            "enum",
            "error",
            "Bavière",
            "Paramètres!B13 : « Bavière » n'est pas une valeur autorisée de « Calendrier des jours "
            "fériés » (France, Alsace-Moselle, Aucun)",
        ),
    ),
    (
        "threshold_order",
        setting("spi_red", 0.99),
        F(
            "Paramètres",
            "B4",
            "SPI rouge sous",
            "threshold_order",
            "warning",
            0.99,
            "Paramètres!B4 : « SPI rouge sous » (0,99) ne devrait pas dépasser « SPI orange "
            "sous » (0,95)",
        ),
    ),
    (
        "format_date_list",
        setting("extra_non_working_days", "2026-05-01; 31/02/2026"),
        F(
            "Paramètres",
            "B14",
            "Jours non travaillés en plus",
            "format",
            "error",
            "31/02/2026",
            "Paramètres!B14 : « 31/02/2026 » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)",
        ),
    ),
    (
        "format_emv",
        setting("emv_probabilities", "10;30;50"),
        F(
            "Paramètres",
            "B12",
            "Probabilité EMV par niveau",
            "format",
            "error",
            "10;30;50",
            "Paramètres!B12 : « 10;30;50 » : attendu cinq pourcentages de 0 à 100 séparés par "
            "« ; », par ex. 10;30;50;70;90",
        ),
    ),
]


def test_clean_project_has_no_finding() -> None:
    assert validate(clean()) == []
    assert validate(clean("en")) == []


@pytest.mark.parametrize(
    ("break_it", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_one_broken_cell_gives_one_exact_finding(
    break_it: Callable[[ProjectData], None], expected: Finding
) -> None:
    p = clean()
    break_it(p)
    assert validate(p) == [expected]


def test_every_rule_has_a_severity_and_a_case() -> None:
    assert set(SEVERITY) == set(Rule)
    tested = {f.rule for _, _, f in CASES} | {"type", "status_before_start", "missing_column"}
    assert tested == {r.value for r in Rule}


def test_status_date_before_project_start() -> None:
    p = clean()
    p.project["status_date"] = dt.date(2026, 1, 2)
    found = [f for f in validate(p) if f.rule == "status_before_start"]
    assert found == [
        F(
            "Projet",
            "B14",
            "Date d'état",
            "status_before_start",
            "warning",
            dt.date(2026, 1, 2),
            "Projet!B14 : la date d'état 02/01/2026 est antérieure au début du projet 05/01/2026",
        )
    ]


def test_missing_status_date_skips_the_checks_against_it() -> None:
    p = clean()
    p.project["status_date"] = None
    p.tables["actuals"].loc[3, "date"] = D("2030-01-01")
    assert [f.rule for f in validate(p)] == ["required"]


def test_budget_within_one_percent_is_fine() -> None:
    p = clean()
    p.project["bac"] = 100900.0
    assert validate(p) == []


def test_disjoint_cycles_are_each_reported_once() -> None:
    p = clean()
    p.tables["tasks"].loc[2, "predecessors"] = "T020"
    p.tables["tasks"].loc[4, "predecessors"] = "T040"
    found = validate(p)
    assert [(f.cell, f.value) for f in found] == [
        ("I2", "T010 → T020 → T010"),
        ("I4", "T030 → T040 → T030"),
    ]
    assert {f.rule for f in found} == {"cycle"}


def test_reader_type_finding_is_kept_and_not_doubled_by_required() -> None:
    p = clean()
    p.tables["tasks"].loc[3, "duration"] = np.nan  # the reader leaves the cell blank
    typed = F(
        "Tâches",
        "D3",
        "Durée (jours ouvrés)",
        "type",
        "error",
        "dix",
        "Tâches!D3 : « dix » n'est pas un nombre",
    )
    p.findings.append(typed)
    assert validate(p) == [typed]


def test_reader_type_finding_on_a_date_suppresses_progress_findings_there() -> None:
    p = clean()
    p.tables["tasks"].loc[2, "actual_finish"] = pd.NaT  # unreadable date, % complete is 100 %
    typed = F("Tâches", "M2", "Fin réelle", "type", "error", "32/01", "Tâches!M2 : ...")
    p.findings.append(typed)
    assert validate(p) == [typed]


def test_missing_required_column_is_one_finding_not_one_per_row() -> None:
    p = clean()
    del p.layout["tasks"].columns["name"]  # as read from a sheet without that column
    p.tables["tasks"]["name"] = None
    assert validate(p) == [
        F(
            "Tâches",
            "",
            "Nom de la tâche",
            "missing_column",
            "error",
            None,
            "Tâches : la colonne obligatoire « Nom de la tâche » est absente de la feuille",
        )
    ]


def test_blank_rows_are_not_records() -> None:
    p = clean()
    frame = p.tables["risks"]
    blank = pd.DataFrame({c: [None] for c in frame.columns}, index=[4]).astype(frame.dtypes)
    p.tables["risks"] = pd.concat([frame, blank])
    assert validate(p) == []


def test_all_problems_in_one_pass_sorted_by_sheet_row_column() -> None:
    p = clean()
    p.settings["spi_red"] = 0.99
    p.tables["training"].loc[2, "status"] = "bof"
    p.tables["tasks"].loc[5, "owner"] = "R09"
    p.tables["tasks"].loc[3, "percent_complete"] = 1.2
    p.tables["tasks"].loc[3, "name"] = None
    p.tables["risks"].loc[2, "impact"] = 9
    p.project["project_name"] = None
    p.tables["actuals"].loc[4, "task_id"] = "T999"
    found = validate(p)
    assert [f.where for f in found] == [
        "Projet!B4",
        "Tâches!B3",
        "Tâches!N3",
        "Tâches!P5",
        "Réalisé!C4",
        "Risques!H2",
        "Formation!I2",
        "Paramètres!B4",
    ]
    assert [f.severity for f in found].count("warning") == 1


def test_duplicates_name_the_first_occurrence_each_time() -> None:
    p = clean()
    tasks = p.tables["tasks"]
    tasks.loc[3, "task_id"] = "T010"
    tasks.loc[5, "task_id"] = "T010"
    tasks.loc[4, "predecessors"] = "T010"
    found = [f for f in validate(p) if f.rule == "unique"]
    assert [f.message for f in found] == [
        "Tâches!A3 : l'identifiant T010 est déjà utilisé en A2",
        "Tâches!A5 : l'identifiant T010 est déjà utilisé en A2",
    ]


# A few rules in an English workbook: English sheet names, headers, ISO dates.
EN_CASES: list[tuple[str, Callable[[ProjectData], None], Finding]] = [
    (
        "date_order",
        setter("tasks", 4, "planned_finish", D("2026-02-10")),
        F(
            "Tasks",
            "F4",
            "Planned finish",
            "date_order",
            "error",
            dt.date(2026, 2, 10),
            "Tasks!F4: finish 2026-02-10 is before start 2026-02-16",
        ),
    ),
    (
        "required",
        setter("resources", 3, "project_share", np.nan),
        F(
            "Resources",
            "G3",
            "Project share %",
            "required",
            "error",
            None,
            "Resources!G3: 'Project share %' is required",
        ),
    ),
    (
        "enum",
        setter("actuals", 2, "category", "Beer"),
        F(
            "Actuals",
            "F2",
            "Category",
            "enum",
            "error",
            "Beer",
            "Actuals!F2: 'Beer' is not an allowed value of 'Category' "
            "(Labour, Subcontracting, Purchase, Travel, Other)",
        ),
    ),
    (
        "cycle",
        setter("tasks", 2, "predecessors", "T040"),
        F(
            "Tasks",
            "I2",
            "Predecessors",
            "cycle",
            "error",
            "T010 → T020 → T030 → T040 → T010",
            "Tasks!I2: the predecessors form a cycle: T010 → T020 → T030 → T040 → T010",
        ),
    ),
    (
        "budget_mismatch",
        card("bac", 95000.0),
        F(
            "Project",
            "B12",
            "Budget at completion",
            "budget_mismatch",
            "warning",
            95000.0,
            "Project!B12: the task budgets add up to 100,000, more than 1% away from the budget "
            "at completion (95,000)",
        ),
    ),
    (
        "progress_start",
        setter("tasks", 4, "percent_complete", 0.125),
        F(
            "Tasks",
            "L4",
            "Actual start",
            "progress_start",
            "warning",
            0.125,
            "Tasks!L4: % complete is 12.5% but the actual start is empty",
        ),
    ),
    (
        "future_actual",
        setter("tasks", 2, "actual_finish", D("2026-04-01")),
        F(
            "Tasks",
            "M2",
            "Actual finish",
            "future_actual",
            "error",
            dt.date(2026, 4, 1),
            "Tasks!M2: 'Actual finish' 2026-04-01 is after the status date 2026-03-31",
        ),
    ),
]


@pytest.mark.parametrize(
    ("break_it", "expected"), [c[1:] for c in EN_CASES], ids=[c[0] for c in EN_CASES]
)
def test_english_workbook(break_it: Callable[[ProjectData], None], expected: Finding) -> None:
    p = clean("en")
    break_it(p)
    assert validate(p) == [expected]


def test_findings_serialise_to_json() -> None:
    p = clean()
    p.tables["tasks"].loc[4, "planned_finish"] = D("2026-02-10")
    assert [f.as_json() for f in validate(p)] == [
        {
            "sheet": "Tâches",
            "cell": "F4",
            "column": "Fin prévue",
            "rule": "date_order",
            "severity": "error",
            "value": "2026-02-10",
            "message": "Tâches!F4 : la fin 10/02/2026 est antérieure au début 16/02/2026",
        }
    ]


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (7.0, "fr", "7"),
        (7.5, "fr", "7,5"),
        (7.5, "en", "7.5"),
        (0.07 * 100, "fr", "7"),
        (1000.25, "fr", f"1{NNBSP}000,25"),
        (1000.25, "en", "1,000.25"),
        (-10, "en", "-10"),
    ],
)
def test_format_number(value: float, lang: Any, text: str) -> None:
    assert format_number(value, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(1.2, "fr", "120 %"), (0.125, "fr", "12,5 %"), (0.5, "en", "50%"), (0.0, "en", "0%")],
)
def test_format_percent(value: float, lang: Any, text: str) -> None:
    assert format_percent(value, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (dt.date(2026, 3, 5), "fr", "05/03/2026"),
        (dt.date(2026, 3, 5), "en", "2026-03-05"),
        (D("2026-03-05"), "fr", "05/03/2026"),
        (dt.datetime(2026, 3, 5, 14, 30), "en", "2026-03-05"),
        (pd.NaT, "fr", ""),
        (None, "en", ""),
    ],
)
def test_format_date(value: Any, lang: Any, text: str) -> None:
    assert format_date(value, lang) == text


# End to end: template writer -> workbook file -> reader -> validate, and the CLI on the file.


def _write_and_read(p: ProjectData, path: Path) -> ProjectData:
    template = pytest.importorskip("pmo_xl.io.template")
    read = pytest.importorskip("pmo_xl.io.read")
    template.write_workbook(path, project=p)
    project: ProjectData = read.read_project(path)
    return project


def test_end_to_end_clean_workbook_has_no_finding(tmp_path: Path) -> None:
    assert validate(_write_and_read(clean(), tmp_path / "clean.xlsx")) == []


def test_end_to_end_broken_cell_is_found_at_its_address(tmp_path: Path) -> None:
    p = clean()
    p.tables["tasks"].loc[4, "planned_finish"] = D("2026-02-10")
    p.tables["risks"].loc[2, "status"] = "Bientôt"  # written as typed, read back as raw text
    found = validate(_write_and_read(p, tmp_path / "broken.xlsx"))
    assert found == [
        F(
            "Tâches",
            "F4",
            "Fin prévue",
            "date_order",
            "error",
            dt.date(2026, 2, 10),
            "Tâches!F4 : la fin 10/02/2026 est antérieure au début 16/02/2026",
        ),
        F(
            "Risques",
            "N2",
            "Statut",
            "enum",
            "error",
            "Bientôt",
            "Risques!N2 : « Bientôt » n'est pas une valeur autorisée de « Statut » (Ouvert, Fermé)",
        ),
    ]


def test_end_to_end_unreadable_cells_give_only_the_readers_type_findings(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "typed.xlsx"
    _write_and_read(clean(), path)
    book = openpyxl.load_workbook(path)
    book["Tâches"]["D3"] = "dix"  # required duration: no second 'required' finding
    book["Tâches"]["L3"] = "bientôt"  # actual start of a task at 50 %: no 'progress_start'
    book["Projet"]["B14"] = "hier"  # status date
    book.save(path)
    read = pytest.importorskip("pmo_xl.io.read")
    found = validate(read.read_project(path))
    assert [(f.sheet, f.cell, f.rule, f.severity, f.value) for f in found] == [
        ("Projet", "B14", "type", "error", "hier"),
        ("Tâches", "D3", "type", "error", "dix"),
        ("Tâches", "L3", "type", "error", "bientôt"),
    ]


def _cli(path: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("pmo-xl")
    return subprocess.run(
        [str(exe), "validate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_validate_json_exits_1_on_errors(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    p = clean("en")
    p.tables["tasks"].loc[4, "planned_finish"] = D("2026-02-10")
    _write_and_read(p, path)
    run = _cli(path)
    assert run.returncode == 1, run.stderr
    out = json.loads(run.stdout)
    assert (out["errors"], out["warnings"]) == (1, 0)
    assert out["checks"] == [
        {
            "sheet": "Tasks",
            "cell": "F4",
            "column": "Planned finish",
            "rule": "date_order",
            "severity": "error",
            "value": "2026-02-10",
            "message": "Tasks!F4: finish 2026-02-10 is before start 2026-02-16",
        }
    ]


def test_cli_validate_json_exits_0_on_warnings_only(tmp_path: Path) -> None:
    path = tmp_path / "warnings.xlsx"
    p = clean()
    p.project["bac"] = 120000.0
    _write_and_read(p, path)
    run = _cli(path)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert (out["errors"], out["warnings"]) == (0, 1)
    assert [(c["sheet"], c["cell"], c["rule"]) for c in out["checks"]] == [
        ("Projet", "B12", "budget_mismatch")
    ]
