"""The canonical project workbook, as code.

Single source of truth for the template writer, the readers (file and live Excel), validation and
the Guide sheet: nothing else restates a sheet or a column list.

Conventions fixed here (the reader and the writer both follow them):

* Table sheets hold one Excel Table (ListObject) whose header row is row 1; data start on row 2.
* Form sheets (Project, Settings) hold label / value / help in columns A / B / C; row 1 is a title
  row, fields start on row 3 in the order below. The reader finds fields by label (French or
  English), so users may move rows.
* Percent columns hold fractions (0.5 shown as 50 %), as Excel stores a percent-formatted cell.
* Enumerations are stored in ProjectData by their canonical ``key``; the workbook shows the label of
  its language, and the reader accepts the key, the English or the French label (case-insensitive).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")


class ColType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    ENUM = "enumeration"
    ID = "id"
    ID_REF = "id reference"
    ID_LIST = "id list"


NUMERIC_TYPES = frozenset({ColType.INTEGER, ColType.NUMBER, ColType.MONEY, ColType.PERCENT})
TEXT_TYPES = frozenset({ColType.TEXT, ColType.ID, ColType.ID_REF, ColType.ID_LIST, ColType.ENUM})


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumeration: canonical key and its labels."""

    key: str
    en: str
    fr: str

    def label(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Column:
    """A table column or a form field."""

    key: str
    en: str
    fr: str
    type: ColType
    help_en: str
    help_fr: str
    required: bool = False
    choices: tuple[Choice, ...] = ()
    ref: str | None = None  # sheet key whose id column this references (Resources, Tasks)
    min: float | None = None
    max: float | None = None
    default: object = None  # default value (form fields, mostly Settings)
    width: int = 14

    def header(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en

    def help(self, lang: Lang) -> str:
        return self.help_fr if lang == "fr" else self.help_en

    def choice_for(self, value: str) -> Choice | None:
        """The choice matching ``value`` by key or by label in either language."""
        wanted = fold(value)
        for c in self.choices:
            if wanted in (fold(c.key), fold(c.en), fold(c.fr)):
                return c
        return None


@dataclass(frozen=True)
class Sheet:
    key: str
    en: str
    fr: str
    kind: Literal["table", "form"]
    columns: tuple[Column, ...]
    help_en: str
    help_fr: str
    table: str = ""  # ListObject name for table sheets
    id_column: str | None = None
    required: bool = True
    columns_by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns_by_key", {c.key: c for c in self.columns})

    def name(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en

    def help(self, lang: Lang) -> str:
        return self.help_fr if lang == "fr" else self.help_en

    def column(self, key: str) -> Column:
        return self.columns_by_key[key]

    def column_for_header(self, header: str) -> Column | None:
        """The column whose English or French header (or key) matches ``header``."""
        wanted = fold(header)
        for c in self.columns:
            if wanted in (fold(c.en), fold(c.fr), fold(c.key)):
                return c
        return None


@functools.lru_cache(maxsize=65536)  # headers, labels and names repeat across rows and files
def fold(text: str) -> str:
    """Compare headers and labels ignoring case, accents, spacing and trailing colons."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("\u00a0", " ").split()).strip(" :").casefold()


def _choices(*triples: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(k, en, fr) for k, en, fr in triples)


C = Column
T = ColType

COST_CATEGORIES = _choices(
    ("labour", "Labour", "Main-d'œuvre"),
    ("subcontracting", "Subcontracting", "Sous-traitance"),
    ("purchase", "Purchase", "Achats"),
    ("travel", "Travel", "Déplacements"),
    ("other", "Other", "Autre"),
)
BUDGET_CATEGORIES = (
    *COST_CATEGORIES,
    Choice("contingency", "Contingency", "Provision pour risques"),
)

PROJECT = Sheet(
    "project",
    "Project",
    "Projet",
    "form",
    help_en="The project card: identity, key dates, budget and the status date the analysis uses.",
    help_fr="La fiche projet : identité, dates clés, budget et date d'état utilisée par l'analyse.",
    columns=(
        C(
            "project_code",
            "Project code",
            "Code projet",
            T.ID,
            "Unique code of the project.",
            "Code unique du projet.",
            required=True,
        ),
        C(
            "project_name",
            "Project name",
            "Nom du projet",
            T.TEXT,
            "Name of the project.",
            "Nom du projet.",
            required=True,
            width=40,
        ),
        C(
            "client",
            "Client",
            "Client",
            T.TEXT,
            "Customer or internal client.",
            "Client ou donneur d'ordre interne.",
        ),
        C(
            "site",
            "Site",
            "Site",
            T.TEXT,
            "Site or installation where the work takes place.",
            "Site ou installation où se déroulent les travaux.",
        ),
        C(
            "project_manager",
            "Project manager",
            "Chef de projet",
            T.TEXT,
            "Person accountable for the project.",
            "Personne responsable du projet.",
            required=True,
        ),
        C("sponsor", "Sponsor", "Sponsor", T.TEXT, "Executive sponsor.", "Commanditaire."),
        C(
            "current_phase",
            "Current phase",
            "Phase en cours",
            T.TEXT,
            "Phase the project is in.",
            "Phase dans laquelle se trouve le projet.",
        ),
        C(
            "start_date",
            "Start date",
            "Date de début",
            T.DATE,
            "Project start: day 0 of the schedule.",
            "Début du projet : jour 0 du planning.",
            required=True,
        ),
        C(
            "planned_finish",
            "Planned finish",
            "Fin prévue",
            T.DATE,
            "Contractual or baseline finish date.",
            "Date de fin contractuelle ou de référence.",
            required=True,
        ),
        C(
            "bac",
            "Budget at completion",
            "Budget à terminaison",
            T.MONEY,
            "Approved budget (BAC); should equal the sum of task budgets.",
            "Budget approuvé (BAC) ; doit égaler la somme des budgets des tâches.",
            required=True,
            min=0,
        ),
        C(
            "currency",
            "Currency",
            "Devise",
            T.TEXT,
            "Currency code, e.g. EUR.",
            "Code devise, par ex. EUR.",
            default="EUR",
        ),
        C(
            "status_date",
            "Status date",
            "Date d'état",
            T.DATE,
            "Data date of this status: the only 'today' the analysis knows.",
            "Date des données de ce point d'avancement : le seul « aujourd'hui » de l'analyse.",
            required=True,
        ),
        C(
            "progress_method",
            "Progress method",
            "Méthode d'avancement",
            T.ENUM,
            "How % complete is measured.",
            "Comment le % d'avancement est mesuré.",
            choices=_choices(
                ("physical", "Physical", "Physique"),
                ("duration", "Duration", "Durée"),
                ("units", "Units", "Unités"),
            ),
            default="physical",
        ),
        C(
            "language",
            "Language",
            "Langue",
            T.ENUM,
            "Language of the workbook and reports.",
            "Langue du classeur et des rapports.",
            choices=_choices(("fr", "French", "Français"), ("en", "English", "Anglais")),
            default="fr",
        ),
    ),
)

TASKS = Sheet(
    "tasks",
    "Tasks",
    "Tâches",
    "table",
    table="tblTasks",
    id_column="task_id",
    help_en="One row per task or milestone (a milestone has a duration of 0).",
    help_fr="Une ligne par tâche ou jalon (un jalon a une durée de 0).",
    columns=(
        C(
            "task_id",
            "Task ID",
            "ID tâche",
            T.ID,
            "Unique task identifier, e.g. T010.",
            "Identifiant unique de la tâche, par ex. T010.",
            required=True,
            width=10,
        ),
        C(
            "name",
            "Task name",
            "Nom de la tâche",
            T.TEXT,
            "What is done.",
            "Ce qui est fait.",
            required=True,
            width=40,
        ),
        C(
            "phase",
            "Phase",
            "Phase",
            T.TEXT,
            "Phase or work package.",
            "Phase ou lot de travaux.",
            width=18,
        ),
        C(
            "duration",
            "Duration (working days)",
            "Durée (jours ouvrés)",
            T.NUMBER,
            "Planned duration in working days; 0 for a milestone.",
            "Durée prévue en jours ouvrés ; 0 pour un jalon.",
            required=True,
            min=0,
        ),
        C(
            "planned_start",
            "Planned start",
            "Début prévu",
            T.DATE,
            "Current planned start.",
            "Début prévu actuel.",
            width=12,
        ),
        C(
            "planned_finish",
            "Planned finish",
            "Fin prévue",
            T.DATE,
            "Current planned finish.",
            "Fin prévue actuelle.",
            width=12,
        ),
        C(
            "baseline_start",
            "Baseline start",
            "Début référence",
            T.DATE,
            "Start in the approved baseline.",
            "Début dans la référence approuvée.",
            width=12,
        ),
        C(
            "baseline_finish",
            "Baseline finish",
            "Fin référence",
            T.DATE,
            "Finish in the approved baseline.",
            "Fin dans la référence approuvée.",
            width=12,
        ),
        C(
            "predecessors",
            "Predecessors",
            "Prédécesseurs",
            T.ID_LIST,
            "Links separated by ';': task ID, type (FS, SS, FF, SF; FS if omitted), lag in "
            "working days, e.g. T020FS+2;T030SS.",
            "Liens séparés par « ; » : ID tâche, type (FS, SS, FF, SF ; FS par défaut), décalage "
            "en jours ouvrés, par ex. T020FS+2;T030SS.",
            width=18,
        ),
        C(
            "constraint",
            "Constraint",
            "Contrainte",
            T.ENUM,
            "Date constraint; As soon as possible when empty.",
            "Contrainte de date ; Dès que possible si vide.",
            choices=_choices(
                ("asap", "As soon as possible", "Dès que possible"),
                ("snet", "Start no earlier than", "Début au plus tôt le"),
                ("fnlt", "Finish no later than", "Fin au plus tard le"),
                ("mso", "Must start on", "Doit commencer le"),
            ),
            width=20,
        ),
        C(
            "constraint_date",
            "Constraint date",
            "Date contrainte",
            T.DATE,
            "Date of the constraint.",
            "Date de la contrainte.",
            width=12,
        ),
        C(
            "actual_start",
            "Actual start",
            "Début réel",
            T.DATE,
            "When work really started.",
            "Date de démarrage effectif.",
            width=12,
        ),
        C(
            "actual_finish",
            "Actual finish",
            "Fin réelle",
            T.DATE,
            "When work really finished.",
            "Date d'achèvement effectif.",
            width=12,
        ),
        C(
            "percent_complete",
            "% complete",
            "% avancement",
            T.PERCENT,
            "Physical progress, 0 % to 100 %.",
            "Avancement physique, de 0 % à 100 %.",
            min=0,
            max=1,
            width=11,
        ),
        C(
            "budget",
            "Budget",
            "Budget",
            T.MONEY,
            "Budget of the task (its share of BAC).",
            "Budget de la tâche (sa part du BAC).",
            min=0,
        ),
        C(
            "owner",
            "Owner (Resource ID)",
            "Responsable (ID ressource)",
            T.ID_REF,
            "Resource ID of the person accountable.",
            "ID ressource de la personne responsable.",
            ref="resources",
            width=14,
        ),
        C(
            "last_update",
            "Last update",
            "Dernière mise à jour",
            T.DATE,
            "When the progress of this task was last updated.",
            "Date de la dernière mise à jour de l'avancement.",
            width=12,
        ),
        C(
            "optimistic",
            "Optimistic duration",
            "Durée optimiste",
            T.NUMBER,
            "Optional, for schedule risk analysis (working days).",
            "Facultatif, pour l'analyse de risque planning (jours ouvrés).",
            min=0,
        ),
        C(
            "most_likely",
            "Most likely duration",
            "Durée probable",
            T.NUMBER,
            "Optional; the planned duration when empty.",
            "Facultatif ; la durée prévue si vide.",
            min=0,
        ),
        C(
            "pessimistic",
            "Pessimistic duration",
            "Durée pessimiste",
            T.NUMBER,
            "Optional, for schedule risk analysis (working days).",
            "Facultatif, pour l'analyse de risque planning (jours ouvrés).",
            min=0,
        ),
    ),
)

RESOURCES = Sheet(
    "resources",
    "Resources",
    "Ressources",
    "table",
    table="tblResources",
    id_column="resource_id",
    help_en="People and teams; the project share is what operational work leaves to the project.",
    help_fr="Personnes et équipes ; la part projet est ce que l'activité opérationnelle laisse "
    "au projet.",
    columns=(
        C(
            "resource_id",
            "Resource ID",
            "ID ressource",
            T.ID,
            "Unique identifier, e.g. R01.",
            "Identifiant unique, par ex. R01.",
            required=True,
            width=12,
        ),
        C(
            "name",
            "Name",
            "Nom",
            T.TEXT,
            "Person or team.",
            "Personne ou équipe.",
            required=True,
            width=24,
        ),
        C(
            "department",
            "Department",
            "Service",
            T.TEXT,
            "Department or company.",
            "Service ou entreprise.",
            width=18,
        ),
        C("role", "Role", "Rôle", T.TEXT, "Role on the project.", "Rôle dans le projet.", width=18),
        C(
            "daily_rate",
            "Daily rate",
            "Taux journalier",
            T.MONEY,
            "Cost of one working day.",
            "Coût d'une journée de travail.",
            min=0,
        ),
        C(
            "hours_per_day",
            "Hours per day",
            "Heures par jour",
            T.NUMBER,
            "Working hours in a day (plausible: 1 to 12).",
            "Heures travaillées par jour (plausible : 1 à 12).",
            min=1,
            max=12,
            default=7.0,
        ),
        C(
            "project_share",
            "Project share %",
            "Part projet %",
            T.PERCENT,
            "Share of their time available to this project; the rest is operational work.",
            "Part de leur temps disponible pour ce projet ; le reste va à l'activité "
            "opérationnelle.",
            required=True,
            min=0,
            max=1,
        ),
    ),
)

ASSIGNMENTS = Sheet(
    "assignments",
    "Assignments",
    "Affectations",
    "table",
    table="tblAssignments",
    help_en="Who works on which task, and for how many hours in all.",
    help_fr="Qui travaille sur quelle tâche, et combien d'heures au total.",
    columns=(
        C(
            "task_id",
            "Task ID",
            "ID tâche",
            T.ID_REF,
            "Task of the Tasks sheet.",
            "Tâche de la feuille Tâches.",
            required=True,
            ref="tasks",
            width=10,
        ),
        C(
            "resource_id",
            "Resource ID",
            "ID ressource",
            T.ID_REF,
            "Resource of the Resources sheet.",
            "Ressource de la feuille Ressources.",
            required=True,
            ref="resources",
            width=12,
        ),
        C(
            "planned_hours",
            "Planned hours",
            "Heures prévues",
            T.NUMBER,
            "Hours planned for this resource on this task.",
            "Heures prévues pour cette ressource sur cette tâche.",
            required=True,
            min=0,
        ),
    ),
)

ACTUALS = Sheet(
    "actuals",
    "Actuals",
    "Réalisé",
    "table",
    table="tblActuals",
    help_en="Timesheet and cost lines. Leave Cost empty for labour: hours × daily rate / hours "
    "per day is used.",
    help_fr="Lignes de temps passés et de coûts. Laisser Coût vide pour la main-d'œuvre : "
    "heures × taux journalier / heures par jour est utilisé.",
    columns=(
        C(
            "date",
            "Date",
            "Date",
            T.DATE,
            "Date of the work or of the invoice.",
            "Date du travail ou de la facture.",
            required=True,
            width=12,
        ),
        C(
            "resource_id",
            "Resource ID",
            "ID ressource",
            T.ID_REF,
            "Who worked (timesheets).",
            "Qui a travaillé (temps passés).",
            ref="resources",
            width=12,
        ),
        C(
            "task_id",
            "Task ID",
            "ID tâche",
            T.ID_REF,
            "Task charged.",
            "Tâche imputée.",
            ref="tasks",
            width=10,
        ),
        C("hours", "Hours", "Heures", T.NUMBER, "Hours worked.", "Heures travaillées.", min=0),
        C(
            "cost",
            "Cost",
            "Coût",
            T.MONEY,
            "Cost of the line; computed from hours when empty.",
            "Coût de la ligne ; calculé à partir des heures si vide.",
        ),
        C(
            "category",
            "Category",
            "Catégorie",
            T.ENUM,
            "Kind of cost.",
            "Nature du coût.",
            required=True,
            choices=COST_CATEGORIES,
            width=16,
        ),
        C(
            "reference",
            "Reference",
            "Référence",
            T.TEXT,
            "Timesheet, order or invoice number.",
            "Numéro de feuille de temps, de commande ou de facture.",
            width=18,
        ),
    ),
)

BUDGET = Sheet(
    "budget",
    "Budget",
    "Budget",
    "table",
    table="tblBudget",
    id_column="line_id",
    help_en="Budget lines by category, with what is already committed (orders placed).",
    help_fr="Lignes budgétaires par catégorie, avec l'engagé (commandes passées).",
    columns=(
        C(
            "line_id",
            "Line ID",
            "ID ligne",
            T.ID,
            "Unique line identifier.",
            "Identifiant unique de la ligne.",
            required=True,
            width=10,
        ),
        C(
            "category",
            "Category",
            "Catégorie",
            T.ENUM,
            "Budget category.",
            "Catégorie budgétaire.",
            required=True,
            choices=BUDGET_CATEGORIES,
            width=20,
        ),
        C(
            "description",
            "Description",
            "Description",
            T.TEXT,
            "What the line pays for.",
            "Ce que finance la ligne.",
            width=36,
        ),
        C(
            "task_id",
            "Task ID",
            "ID tâche",
            T.ID_REF,
            "Task the line belongs to, if any.",
            "Tâche concernée, le cas échéant.",
            ref="tasks",
            width=10,
        ),
        C(
            "amount",
            "Amount",
            "Montant",
            T.MONEY,
            "Budgeted amount.",
            "Montant budgété.",
            required=True,
            min=0,
        ),
        C(
            "committed",
            "Committed",
            "Engagé",
            T.MONEY,
            "Amount already ordered.",
            "Montant déjà commandé.",
            min=0,
        ),
    ),
)

PROBABILITY_HELP = ("1 = rare … 5 = almost certain.", "1 = rare … 5 = quasi certain.")
IMPACT_HELP = ("1 = negligible … 5 = severe.", "1 = négligeable … 5 = majeur.")

RISKS = Sheet(
    "risks",
    "Risks",
    "Risques",
    "table",
    table="tblRisks",
    id_column="risk_id",
    help_en="The risk register: probability and impact from 1 to 5, before and after action.",
    help_fr="Le registre des risques : probabilité et impact de 1 à 5, avant et après action.",
    columns=(
        C(
            "risk_id",
            "Risk ID",
            "ID risque",
            T.ID,
            "Unique identifier, e.g. RK01.",
            "Identifiant unique, par ex. RK01.",
            required=True,
            width=10,
        ),
        C(
            "title",
            "Title",
            "Titre",
            T.TEXT,
            "Short statement of the risk.",
            "Énoncé court du risque.",
            required=True,
            width=32,
        ),
        C(
            "description",
            "Description",
            "Description",
            T.TEXT,
            "Cause, event and consequence.",
            "Cause, événement et conséquence.",
            width=40,
        ),
        C(
            "category",
            "Category",
            "Catégorie",
            T.TEXT,
            "E.g. Nuclear safety, Regulatory, Supply chain, Skills, Site access.",
            "Par ex. Sûreté nucléaire, Réglementaire, Approvisionnement, Compétences, Accès site.",
            width=18,
        ),
        C(
            "owner",
            "Owner",
            "Propriétaire",
            T.TEXT,
            "Who manages the risk.",
            "Qui gère le risque.",
            width=16,
        ),
        C(
            "raised_on",
            "Raised on",
            "Identifié le",
            T.DATE,
            "When the risk was raised.",
            "Date d'identification.",
            width=12,
        ),
        C(
            "probability",
            "Probability (1-5)",
            "Probabilité (1-5)",
            T.INTEGER,
            PROBABILITY_HELP[0],
            PROBABILITY_HELP[1],
            required=True,
            min=1,
            max=5,
        ),
        C(
            "impact",
            "Impact (1-5)",
            "Impact (1-5)",
            T.INTEGER,
            IMPACT_HELP[0],
            IMPACT_HELP[1],
            required=True,
            min=1,
            max=5,
        ),
        C(
            "cost_impact",
            "Cost impact",
            "Impact coût",
            T.MONEY,
            "Cost if the risk occurs.",
            "Coût si le risque survient.",
            min=0,
        ),
        C(
            "schedule_impact_days",
            "Schedule impact (days)",
            "Impact délai (jours)",
            T.NUMBER,
            "Working days lost if the risk occurs.",
            "Jours ouvrés perdus si le risque survient.",
            min=0,
        ),
        C(
            "strategy",
            "Strategy",
            "Stratégie",
            T.ENUM,
            "Response strategy.",
            "Stratégie de réponse.",
            choices=_choices(
                ("avoid", "Avoid", "Éviter"),
                ("mitigate", "Mitigate", "Réduire"),
                ("transfer", "Transfer", "Transférer"),
                ("accept", "Accept", "Accepter"),
            ),
        ),
        C(
            "action",
            "Action",
            "Action",
            T.TEXT,
            "Response action.",
            "Action de traitement.",
            width=32,
        ),
        C(
            "action_due",
            "Action due",
            "Échéance action",
            T.DATE,
            "Due date of the action.",
            "Échéance de l'action.",
            width=12,
        ),
        C(
            "status",
            "Status",
            "Statut",
            T.ENUM,
            "Open or closed.",
            "Ouvert ou fermé.",
            required=True,
            choices=_choices(("open", "Open", "Ouvert"), ("closed", "Closed", "Fermé")),
        ),
        C(
            "residual_probability",
            "Residual probability",
            "Probabilité résiduelle",
            T.INTEGER,
            "Probability after the action (1-5).",
            "Probabilité après action (1-5).",
            min=1,
            max=5,
        ),
        C(
            "residual_impact",
            "Residual impact",
            "Impact résiduel",
            T.INTEGER,
            "Impact after the action (1-5).",
            "Impact après action (1-5).",
            min=1,
            max=5,
        ),
        C(
            "last_review",
            "Last review",
            "Dernière revue",
            T.DATE,
            "When last reviewed.",
            "Date de la dernière revue.",
            width=12,
        ),
    ),
)

QUALITY = Sheet(
    "quality",
    "Quality",
    "Qualité",
    "table",
    table="tblQuality",
    id_column="item_id",
    help_en="Deliverables against the specification and their acceptance.",
    help_fr="Livrables au regard de la spécification et leur acceptation.",
    columns=(
        C(
            "item_id",
            "Item ID",
            "ID élément",
            T.ID,
            "Unique identifier, e.g. Q01.",
            "Identifiant unique, par ex. Q01.",
            required=True,
            width=10,
        ),
        C(
            "requirement",
            "Requirement",
            "Exigence",
            T.TEXT,
            "Specification reference, e.g. CCTP §4.2.",
            "Référence de la spécification, par ex. CCTP §4.2.",
            width=20,
        ),
        C(
            "deliverable",
            "Deliverable",
            "Livrable",
            T.TEXT,
            "What is delivered.",
            "Ce qui est livré.",
            required=True,
            width=32,
        ),
        C(
            "due_date",
            "Due date",
            "Échéance",
            T.DATE,
            "When it is due.",
            "Date attendue.",
            width=12,
        ),
        C(
            "status",
            "Status",
            "Statut",
            T.ENUM,
            "Where the deliverable stands.",
            "Où en est le livrable.",
            required=True,
            choices=_choices(
                ("not_started", "Not started", "Non commencé"),
                ("in_progress", "In progress", "En cours"),
                ("submitted", "Submitted", "Soumis"),
                ("accepted", "Accepted", "Accepté"),
                ("rejected", "Rejected", "Refusé"),
            ),
            width=14,
        ),
        C(
            "accepted_on",
            "Accepted on",
            "Accepté le",
            T.DATE,
            "Date of acceptance.",
            "Date d'acceptation.",
            width=12,
        ),
        C(
            "non_conformities",
            "Non-conformities",
            "Non-conformités",
            T.INTEGER,
            "Number of non-conformities raised.",
            "Nombre de non-conformités relevées.",
            min=0,
        ),
        C(
            "reviewer",
            "Reviewer",
            "Vérificateur",
            T.TEXT,
            "Who reviews or accepts.",
            "Qui vérifie ou accepte.",
            width=16,
        ),
    ),
)

CHANGES = Sheet(
    "changes",
    "Changes",
    "Changements",
    "table",
    table="tblChanges",
    id_column="change_id",
    help_en="Change requests and their decision.",
    help_fr="Demandes de modification et leur décision.",
    columns=(
        C(
            "change_id",
            "Change ID",
            "ID changement",
            T.ID,
            "Unique identifier, e.g. CR01.",
            "Identifiant unique, par ex. CR01.",
            required=True,
            width=12,
        ),
        C(
            "title",
            "Title",
            "Titre",
            T.TEXT,
            "What changes.",
            "Ce qui change.",
            required=True,
            width=32,
        ),
        C(
            "requested_by",
            "Requested by",
            "Demandé par",
            T.TEXT,
            "Who asked.",
            "Demandeur.",
            width=16,
        ),
        C(
            "requested_on",
            "Requested on",
            "Demandé le",
            T.DATE,
            "Date of the request.",
            "Date de la demande.",
            width=12,
        ),
        C(
            "cost_impact",
            "Cost impact",
            "Impact coût",
            T.MONEY,
            "Change to the budget.",
            "Variation du budget.",
        ),
        C(
            "schedule_impact_days",
            "Schedule impact (days)",
            "Impact délai (jours)",
            T.NUMBER,
            "Change to the finish, in working days.",
            "Variation de la fin, en jours ouvrés.",
        ),
        C(
            "status",
            "Status",
            "Statut",
            T.ENUM,
            "Decision.",
            "Décision.",
            required=True,
            choices=_choices(
                ("proposed", "Proposed", "Proposé"),
                ("approved", "Approved", "Approuvé"),
                ("rejected", "Rejected", "Refusé"),
            ),
        ),
        C(
            "decided_on",
            "Decided on",
            "Décidé le",
            T.DATE,
            "Date of the decision.",
            "Date de la décision.",
            width=12,
        ),
    ),
)

TRAINING = Sheet(
    "training",
    "Training",
    "Formation",
    "table",
    table="tblTraining",
    id_column="action_id",
    help_en="Training and change-management actions.",
    help_fr="Actions de formation et d'accompagnement du changement.",
    columns=(
        C(
            "action_id",
            "Action ID",
            "ID action",
            T.ID,
            "Unique identifier, e.g. F01.",
            "Identifiant unique, par ex. F01.",
            required=True,
            width=10,
        ),
        C(
            "action",
            "Action",
            "Action",
            T.TEXT,
            "Training or communication action.",
            "Action de formation ou de communication.",
            required=True,
            width=32,
        ),
        C(
            "audience",
            "Audience",
            "Public",
            T.TEXT,
            "Who is concerned.",
            "Qui est concerné.",
            width=18,
        ),
        C("trainer", "Trainer", "Formateur", T.TEXT, "Who delivers it.", "Qui l'anime.", width=16),
        C(
            "planned_date",
            "Planned date",
            "Date prévue",
            T.DATE,
            "When it is planned.",
            "Date prévue.",
            width=12,
        ),
        C(
            "done_date",
            "Done date",
            "Date réalisée",
            T.DATE,
            "When it was done.",
            "Date de réalisation.",
            width=12,
        ),
        C(
            "planned_attendees",
            "Planned attendees",
            "Participants prévus",
            T.INTEGER,
            "People expected.",
            "Personnes attendues.",
            min=0,
        ),
        C(
            "attendees",
            "Attendees",
            "Participants",
            T.INTEGER,
            "People who attended.",
            "Personnes présentes.",
            min=0,
        ),
        C(
            "status",
            "Status",
            "Statut",
            T.ENUM,
            "Where the action stands.",
            "Où en est l'action.",
            choices=_choices(
                ("planned", "Planned", "Prévu"),
                ("done", "Done", "Réalisé"),
                ("cancelled", "Cancelled", "Annulé"),
            ),
        ),
    ),
)

SETTINGS = Sheet(
    "settings",
    "Settings",
    "Paramètres",
    "form",
    required=False,
    help_en="Thresholds and options of the analysis; defaults apply to empty values.",
    help_fr="Seuils et options de l'analyse ; les valeurs par défaut s'appliquent si vide.",
    columns=(
        C(
            "spi_amber",
            "SPI amber below",
            "SPI orange sous",
            T.NUMBER,
            "SPI and SPI(t) below this are amber.",
            "SPI et SPI(t) sous ce seuil : orange.",
            default=0.95,
            min=0,
            max=2,
        ),
        C(
            "spi_red",
            "SPI red below",
            "SPI rouge sous",
            T.NUMBER,
            "SPI and SPI(t) below this are red.",
            "SPI et SPI(t) sous ce seuil : rouge.",
            default=0.90,
            min=0,
            max=2,
        ),
        C(
            "cpi_amber",
            "CPI amber below",
            "CPI orange sous",
            T.NUMBER,
            "CPI below this is amber.",
            "CPI sous ce seuil : orange.",
            default=0.95,
            min=0,
            max=2,
        ),
        C(
            "cpi_red",
            "CPI red below",
            "CPI rouge sous",
            T.NUMBER,
            "CPI below this is red.",
            "CPI sous ce seuil : rouge.",
            default=0.90,
            min=0,
            max=2,
        ),
        C(
            "slip_red_days",
            "Finish slip red beyond (working days)",
            "Glissement rouge au-delà de (jours ouvrés)",
            T.INTEGER,
            "A forecast finish later than the planned finish by more than this is a storm.",
            "Une fin prévisionnelle en retard de plus que ce seuil : orage.",
            default=10,
            min=0,
        ),
        C(
            "watchdog_window_days",
            "Watchdog window (days)",
            "Fenêtre de veille (jours)",
            T.INTEGER,
            "Silence longer than this (calendar days) raises an alert.",
            "Un silence plus long que ce délai (jours calendaires) déclenche une alerte.",
            default=14,
            min=1,
        ),
        C(
            "watchdog_hours_ratio",
            "Watchdog hours ratio",
            "Ratio d'heures de veille",
            T.PERCENT,
            "Alert when a person logged less than this share of the hours planned over the window.",
            "Alerte quand une personne a saisi moins que cette part des heures prévues sur la "
            "fenêtre.",
            default=0.25,
            min=0,
            max=1,
        ),
        C(
            "risk_amber_from",
            "Risk amber from score",
            "Risque orange à partir du score",
            T.INTEGER,
            "Scores from this value are amber (default bands: 1-4 green, 5-9 amber, 10-25 red).",
            "Scores orange à partir de cette valeur (par défaut : 1-4 vert, 5-9 "
            "orange, 10-25 rouge).",
            default=5,
            min=1,
            max=25,
        ),
        C(
            "risk_red_from",
            "Risk red from score",
            "Risque rouge à partir du score",
            T.INTEGER,
            "Scores from this value are red.",
            "Scores rouges à partir de cette valeur.",
            default=10,
            min=1,
            max=25,
        ),
        C(
            "emv_probabilities",
            "EMV probability per level",
            "Probabilité EMV par niveau",
            T.TEXT,
            "Probability of levels 1 to 5 for expected monetary value, in %.",
            "Probabilité des niveaux 1 à 5 pour la valeur monétaire attendue, en %.",
            default="10;30;50;70;90",
        ),
        C(
            "holiday_calendar",
            "Holiday calendar",
            "Calendrier des jours fériés",
            T.ENUM,
            "Public holidays that are not worked.",
            "Jours fériés non travaillés.",
            choices=_choices(
                ("france", "France", "France"),
                ("alsace_moselle", "Alsace-Moselle", "Alsace-Moselle"),
                ("none", "None", "Aucun"),
            ),
            default="france",
        ),
        C(
            "extra_non_working_days",
            "Extra non-working days",
            "Jours non travaillés en plus",
            T.TEXT,
            "Dates separated by ';' (YYYY-MM-DD or DD/MM/YYYY), e.g. site shutdowns.",
            "Dates séparées par « ; » (AAAA-MM-JJ ou JJ/MM/AAAA), par ex. arrêts de site.",
            default="",
        ),
        C(
            "worked_holidays",
            "Worked holidays",
            "Jours fériés travaillés",
            T.TEXT,
            "Public holidays that are worked, e.g. Whit Monday (solidarity day).",
            "Jours fériés travaillés, par ex. le lundi de Pentecôte (journée de solidarité).",
            default="",
        ),
        C(
            "mc_iterations",
            "Monte Carlo iterations",
            "Itérations Monte-Carlo",
            T.INTEGER,
            "Iterations of the schedule risk analysis.",
            "Itérations de l'analyse de risque planning.",
            default=5000,
            min=100,
            max=200000,
        ),
        C(
            "mc_distribution",
            "Monte Carlo distribution",
            "Loi Monte-Carlo",
            T.ENUM,
            "Distribution of three-point durations.",
            "Loi des durées à trois points.",
            choices=_choices(
                ("triangular", "Triangular", "Triangulaire"), ("pert", "PERT", "PERT")
            ),
            default="triangular",
        ),
        C(
            "mc_optimistic_pct",
            "Default optimistic spread",
            "Écart optimiste par défaut",
            T.PERCENT,
            "Optimistic duration = duration × (1 − this) when not given.",
            "Durée optimiste = durée × (1 − ce taux) si non renseignée.",
            default=0.1,
            min=0,
            max=1,
        ),
        C(
            "mc_pessimistic_pct",
            "Default pessimistic spread",
            "Écart pessimiste par défaut",
            T.PERCENT,
            "Pessimistic duration = duration × (1 + this) when not given.",
            "Durée pessimiste = durée × (1 + ce taux) si non renseignée.",
            default=0.3,
            min=0,
            max=5,
        ),
        C(
            "mc_seed",
            "Monte Carlo seed",
            "Graine Monte-Carlo",
            T.INTEGER,
            "Seed: the same seed gives the same result.",
            "Graine : la même graine donne le même résultat.",
            default=20260501,
            min=0,
        ),
        C(
            "dcma_high_float_days",
            "DCMA high float (days)",
            "DCMA marge élevée (jours)",
            T.INTEGER,
            "Total float above this is high float.",
            "Une marge totale au-delà est une marge élevée.",
            default=44,
            min=0,
        ),
        C(
            "dcma_high_duration_days",
            "DCMA high duration (days)",
            "DCMA durée élevée (jours)",
            T.INTEGER,
            "Remaining duration above this is high duration.",
            "Une durée restante au-delà est une durée élevée.",
            default=44,
            min=0,
        ),
        C(
            "backups_kept",
            "Backups kept",
            "Sauvegardes conservées",
            T.INTEGER,
            "Previous versions kept when refreshing.",
            "Versions précédentes conservées lors de l'actualisation.",
            default=3,
            min=0,
            max=50,
        ),
        C(
            "weather_overdue_red_days",
            "Deliverable overdue storm beyond (days)",
            "Livrable en retard : orage au-delà de (jours)",
            T.INTEGER,
            "A deliverable overdue by more than this (calendar days) makes the quality weather "
            "a storm.",
            "Un livrable en retard de plus que ce délai (jours calendaires) met la météo "
            "qualité à l'orage.",
            default=30,
            min=0,
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    PROJECT,
    TASKS,
    RESOURCES,
    ASSIGNMENTS,
    ACTUALS,
    BUDGET,
    RISKS,
    QUALITY,
    CHANGES,
    TRAINING,
    SETTINGS,
)
SHEETS_BY_KEY: dict[str, Sheet] = {s.key: s for s in SHEETS}
TABLE_SHEETS: tuple[Sheet, ...] = tuple(s for s in SHEETS if s.kind == "table")
FORM_SHEETS: tuple[Sheet, ...] = tuple(s for s in SHEETS if s.kind == "form")

GUIDE_SHEET = {"en": "Guide", "fr": "Guide"}
TABLE_HEADER_ROW = 1  # table sheets: header row; records from the next row
FORM_FIRST_ROW = 3  # form sheets: row of the first field (row 1 title, row 2 column labels)


def column_letter(index: int) -> str:
    """Excel column letter of 0-based ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet(key: str) -> Sheet:
    return SHEETS_BY_KEY[key]


def sheet_for_name(name: str) -> Sheet | None:
    """The input sheet whose English or French name matches ``name``."""
    wanted = fold(name)
    for s in SHEETS:
        if wanted in (fold(s.en), fold(s.fr)):
            return s
    return None


def settings_defaults() -> dict[str, object]:
    return {c.key: c.default for c in SETTINGS.columns}
