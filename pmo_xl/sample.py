"""Seeded sample projects: the bundled French nuclear-services project and synthetic plans.

``generate()`` (60 tasks, the default) is the hand-written sample: the modernisation of an
instrumentation & control (I&C) system during a unit outage at a CNPE, seen on a status date in
the middle of the outage works, with the realistic trouble listed in ``PLANTED``. Any other
``n_tasks`` gives a synthetic plan of that size (same phases, parallel work streams, random
FS/SS/FF links pointing backwards, so never a cycle) for tests and benchmarks.

Everything is drawn from ``numpy.random.default_rng(seed)``; there is no wall clock, so the same
seed and arguments give the same ``ProjectData``. The seed moves rates, hours, costs and progress
noise; the plan of the default sample (tasks, links, durations) is fixed, so ``PLANTED`` holds for
every seed at the default size and status date.

Planned dates come from ``pmo_xl.core.schedule.compute_schedule`` (no progress): the current plan
from the current durations, the baseline from the baseline durations. Completed work happened as
currently planned (the plan was re-planned to actuals); in-progress work is behind or ahead of its
plan by a little noise, the planted tasks by a lot.

Invariants, at every size: unique ids; predecessors parse and name earlier tasks; task budgets
are whole euros summing to the Budget at completion, and each task's non-contingency budget lines
sum to its budget (the Contingency line is the reserve on top of BAC); actual dates, Last update
and actuals are on or before the status date; 100 % complete if and only if an actual finish;
started tasks have an actual start and their FS/SS predecessors are finished/started; project
shares within 0.2-0.8; labour actuals have hours and no cost, other actuals a cost and no hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.core.calendar import WorkCalendar
from pmo_xl.core.links import parse_predecessors
from pmo_xl.core.schedule import compute_schedule
from pmo_xl.model import ProjectData, make_project_data
from pmo_xl.schema import BUDGET_CATEGORIES, Lang

DEFAULT_SEED = 2026
DEFAULT_TASKS = 60
PROJECT_START = dt.date(2026, 1, 5)
STATUS_DATE = dt.date(2026, 6, 26)  # a Friday, four weeks into the unit outage
CALENDAR = WorkCalendar("france")
SITE: tuple[str, str] = (
    "Tranche 2, arrêt pour visite partielle 2026",
    "Unit 2, 2026 partial inspection outage",
)

Text = tuple[str, str]  # (French, English)

PHASES: tuple[Text, ...] = (
    ("Études", "Engineering studies"),
    ("Approvisionnements", "Procurement"),
    ("Préparation chantier", "Site preparation"),
    ("Travaux en arrêt de tranche", "Outage works"),
    ("Essais et requalification", "Testing and requalification"),
    ("Clôture", "Close-out"),
)


@dataclass(frozen=True)
class _Task:
    key: str
    phase: int
    name: Text
    duration: int
    preds: str = ""  # link syntax over task keys
    owner: str = "R01"
    helper: str = ""
    replan: int = 0  # working days the current plan adds to the baseline duration
    cost: tuple[str, int] = ("", 0)  # non-labour budget: category key, amount in EUR
    constraint: tuple[str, dt.date] | None = None


_T = _Task
# The default sample: I&C modernisation of a unit during its outage. Keys are private; task ids
# are T010, T020, ... in this order. Links only point to earlier tasks.
TEMPLATE: tuple[_Task, ...] = (
    # Études
    _T("kick", 0, ("Jalon : lancement du projet", "Milestone: project kick-off"), 0),
    _T("data", 0, ("Recueil des données d'entrée et visite de site",
                   "Input data collection and site visit"), 5, "kick", "R02", "R01"),
    _T("fa", 0, ("Analyse fonctionnelle du contrôle-commande existant",
                 "Functional analysis of the existing I&C"), 10, "data", "R02", "R03"),
    _T("elec", 0, ("Étude des alimentations électriques", "Power supply study"), 10, "data",
       "R03"),
    _T("spec", 0, ("Spécification technique des automates", "PLC technical specification"), 15,
       "fa", "R02", "R01"),
    _T("amde", 0, ("Analyse des modes de défaillance (AMDE)",
                   "Failure mode and effects analysis (FMEA)"), 10, "specSS+5", "R09", "R02"),
    _T("cabl", 0, ("Étude de câblage et plans de raccordement",
                   "Cabling design and connection drawings"), 20, "specSS+5;elec", "R03",
       cost=("subcontracting", 35000)),
    _T("impl", 0, ("Étude d'implantation des armoires", "Cabinet layout study"), 8, "specSS+3",
       "R03", "R02"),
    _T("prog", 0, ("Rédaction du programme d'essais", "Test programme"), 10, "specFF+5", "R07"),
    _T("dm", 0, ("Dossier de modification et analyse de sûreté",
                 "Modification file and safety analysis"), 15, "spec;amde", "R09", "R01"),
    _T("rev", 0, ("Revue de conception et validation par l'exploitant",
                  "Design review and operator approval"), 3, "cabl;impl;dm;prog", "R01", "R02"),
    _T("asn", 0, ("Jalon : dossier de modification transmis à l'ASN",
                  "Milestone: modification file sent to ASN"), 0, "dm"),
    _T("etud", 0, ("Jalon : études validées", "Milestone: engineering approved"), 0, "rev"),
    # Approvisionnements
    _T("cmdarm", 1, ("Consultation et commande des armoires de contrôle-commande",
                     "Tender and order of the I&C cabinets"), 12, "spec", "R01", "R02"),
    _T("jcmd", 1, ("Jalon : commande des armoires passée", "Milestone: cabinets ordered"), 0,
       "cmdarm"),
    _T("fab", 1, ("Fabrication des armoires chez le fournisseur",
                  "Cabinet manufacturing at the supplier"), 45, "jcmd", "R02", replan=8,
       cost=("purchase", 480000)),
    _T("surv", 1, ("Surveillance de fabrication chez le fournisseur",
                   "Manufacturing surveillance at the supplier"), 30, "fabSS+5;fabFF", "R09",
       cost=("travel", 8000)),
    _T("logi", 1, ("Qualification du logiciel des automates", "PLC software qualification"), 95,
       "specFS+5", "R02", replan=10, cost=("subcontracting", 85000)),
    _T("fat", 1, ("Essais en usine (FAT) des armoires", "Factory acceptance tests (FAT)"), 5,
       "fab;surv", "R07", "R02", cost=("travel", 6000)),
    _T("liv", 1, ("Transport et livraison des armoires sur site",
                  "Cabinet transport and delivery to site"), 3, "fatFS+2", "R04",
       cost=("subcontracting", 12000)),
    _T("cmdcap", 1, ("Commande des capteurs et transmetteurs",
                     "Order of sensors and transmitters"), 8, "spec", "R04"),
    _T("fabcap", 1, ("Fabrication et livraison des capteurs", "Sensor manufacturing and delivery"),
       35, "cmdcap", "R04", cost=("purchase", 95000)),
    _T("cmdcab", 1, ("Commande des câbles et du matériel de raccordement",
                     "Order of cables and connection material"), 8, "cablSS+10", "R05",
       cost=("purchase", 60000)),
    _T("recep", 1, ("Réception et contrôle du matériel sur site",
                    "Receipt inspection of material on site"), 3, "liv;fabcap;cmdcabFS+15", "R05",
       "R06"),
    _T("mat", 1, ("Jalon : matériel disponible sur site", "Milestone: material available on site"),
       0, "recep"),
    # Préparation chantier
    _T("adr", 2, ("Analyse de risques et plans de prévention",
                  "Risk analysis and prevention plans"), 10, "etud", "R04", "R09"),
    _T("gam", 2, ("Préparation des gammes d'intervention", "Work procedure preparation"), 20,
       "etud", "R05", "R04"),
    _T("edp", 2, ("Évaluation dosimétrique prévisionnelle et optimisation ALARA",
                  "Dose estimate and ALARA optimisation"), 10, "gamSS+5", "R10"),
    _T("hab", 2, ("Habilitations, formations et accès site des intervenants",
                  "Clearances, training and site access for workers"), 15, "adrSS", "R06"),
    _T("asnok", 2, ("Jalon : accord de l'ASN sur la modification",
                    "Milestone: ASN approval of the modification"), 0, "asnFS+40"),
    _T("outil", 2, ("Approvisionnement de l'outillage et des consommables",
                    "Tools and consumables supply"), 10, "gamSS+10", "R05",
       cost=("purchase", 18000)),
    _T("logs", 2, ("Préparation logistique (base vie, magasin, déchets)",
                   "Logistics preparation (site huts, store, waste)"), 8, "adr", "R06",
       cost=("subcontracting", 25000)),
    _T("inst", 2, ("Installation de chantier et échafaudages", "Site set-up and scaffolding"), 10,
       "gam;hab;logs", "R06", "R04", cost=("subcontracting", 70000)),
    _T("pret", 2, ("Jalon : prêt pour l'arrêt de tranche", "Milestone: ready for the outage"), 0,
       "inst;edp;outil;asnok;mat"),
    # Travaux en arrêt de tranche
    _T("arr", 3, ("Jalon : début de l'arrêt de tranche", "Milestone: start of the unit outage"), 0,
       "pret", constraint=("snet", dt.date(2026, 6, 1))),
    _T("cons", 3, ("Consignation et mise hors tension des équipements",
                   "Lock-out and de-energising of equipment"), 3, "arr", "R06", "R10"),
    _T("dep", 3, ("Dépose des anciennes armoires et chemins de câbles",
                  "Removal of old cabinets and cable trays"), 8, "cons", "R06", "R04", replan=2,
       cost=("subcontracting", 90000)),
    _T("pose", 3, ("Pose des nouvelles armoires de contrôle-commande",
                   "Installation of the new I&C cabinets"), 10, "dep", "R06", "R04",
       cost=("subcontracting", 110000)),
    _T("alim", 3, ("Modification des alimentations électriques", "Power supply modifications"), 8,
       "dep", "R04", cost=("subcontracting", 45000)),
    _T("cab", 3, ("Tirage et raccordement des câbles", "Cable pulling and termination"), 15,
       "poseSS+4", "R06", "R05", cost=("subcontracting", 160000)),
    _T("rep", 3, ("Repérage et étiquetage des matériels", "Equipment tagging and labelling"), 5,
       "cabSS+8", "R05"),
    _T("rp", 3, ("Suivi radioprotection du chantier",
                 "Radiation protection follow-up of the works"), 30, "consSS", "R10",
       cost=("subcontracting", 40000)),
    _T("ctl", 3, ("Contrôles de raccordement (point d'arrêt)", "Termination checks (hold point)"),
       5, "cabFF+2", "R09", "R07"),
    _T("repli", 3, ("Repli de chantier et déconsignation",
                    "Site demobilisation and lock-out removal"), 4, "ctl;alim;rep", "R06"),
    _T("ftx", 3, ("Jalon : fin des travaux", "Milestone: works complete"), 0, "repli;rp"),
    # Essais et requalification
    _T("ei", 4, ("Essais individuels des chaînes de mesure",
                 "Individual tests of measurement channels"), 10, "ctlSS+2", "R07", "R08"),
    _T("efn", 4, ("Essais fonctionnels du contrôle-commande", "Functional tests of the I&C"), 12,
       "ei", "R07", "R08", cost=("subcontracting", 30000)),
    _T("pv", 4, ("Rédaction des procès-verbaux d'essais", "Test reports"), 10, "efnSS+3", "R03",
       "R07"),
    _T("eint", 4, ("Essais d'intégration avec le système de conduite",
                   "Integration tests with the plant control system"), 8, "efn", "R07", "R02"),
    _T("req", 4, ("Requalification intrinsèque et fonctionnelle",
                  "Intrinsic and functional requalification"), 6, "eint;repli;logi", "R07", "R09"),
    _T("rcpl", 4, ("Jalon : redémarrage et recouplage de la tranche",
                   "Milestone: unit restart and grid reconnection"), 0, "req"),
    _T("form", 4, ("Formation des équipes de conduite et de maintenance",
                   "Training of operations and maintenance teams"), 5, "eintSS", "R02", "R08"),
    _T("res", 4, ("Levée des réserves", "Clearing of punch-list items"), 15, "rcplFS+5", "R04",
       "R03"),
    # Clôture
    _T("doe", 5, ("Dossier des ouvrages exécutés et mise à jour des plans",
                  "As-built file and drawing updates"), 20, "req;pv", "R03",
       cost=("subcontracting", 15000)),
    _T("bil", 5, ("Bilan dosimétrique et retour d'expérience radioprotection",
                  "Dose report and radiation protection lessons learned"), 5, "ftx", "R10"),
    _T("rex", 5, ("Rapport de fin d'affaire et retour d'expérience",
                  "Close-out report and lessons learned"), 10, "doe;res;bil;form", "R01"),
    _T("rvf", 5, ("Revue de fin de projet avec l'exploitant",
                  "Final project review with the operator"), 2, "rex", "R01"),
    _T("arch", 5, ("Archivage et transfert des dossiers à l'exploitant",
                   "Archiving and handover of files to the operator"), 5, "rexSS+5", "R05"),
    _T("clad", 5, ("Clôture administrative et financière",
                   "Administrative and financial close-out"), 10, "rvf", "R01"),
    _T("fin", 5, ("Jalon : clôture du projet", "Milestone: project close-out"), 0, "clad;arch"),
)  # fmt: skip

_TEMPLATE_IDS = {t.key: f"T{(i + 1) * 10:03d}" for i, t in enumerate(TEMPLATE)}


def _tid(*keys: str) -> list[str]:
    return [_TEMPLATE_IDS[k] for k in keys]


DEPARTMENTS: tuple[Text, ...] = (
    ("Ingénierie contrôle-commande", "I&C engineering"),
    ("Travaux et méthodes", "Works and methods"),
    ("Essais et mise en service", "Testing and commissioning"),
    ("Qualité, sûreté, radioprotection", "Quality, safety, radiation protection"),
)

# id, name, department index, role, daily rate, hours per day, project share
PEOPLE: tuple[tuple[str, str, int, Text, float, float, float], ...] = (
    ("R01", "Claire Morel", 0, ("Cheffe de projet", "Project manager"), 900, 7.8, 0.5),
    ("R02", "Julien Garnier", 0, ("Ingénieur contrôle-commande", "I&C engineer"), 780, 7.8, 0.6),
    ("R03", "Sophie Lefèvre", 0, ("Ingénieure études électriques", "Electrical design engineer"),
     760, 7.8, 0.4),
    ("R04", "Nicolas Faure", 1, ("Chargé d'affaires", "Works manager"), 720, 7.5, 0.6),
    ("R05", "Camille Roussel", 1, ("Préparatrice méthodes", "Work planner"), 620, 7.0, 0.7),
    ("R06", "Thomas Girard", 1, ("Chef de chantier", "Site supervisor"), 650, 8.0, 0.8),
    ("R07", "Émilie Bonnet", 2, ("Ingénieure essais", "Test engineer"), 740, 7.5, 0.5),
    ("R08", "Antoine Mercier", 2, ("Technicien essais", "Test technician"), 560, 7.5, 0.6),
    ("R09", "Laura Chevalier", 3, ("Ingénieure sûreté-qualité", "Safety and quality engineer"),
     800, 7.0, 0.3),
    ("R10", "Mathieu Lambert", 3, ("Technicien radioprotection", "Radiation protection technician"),
     580, 7.5, 0.2),
)  # fmt: skip

# The trouble planted in the default sample (``generate()``; holds for any seed at the default
# size and status date). Ids are the workbook's ids.
PLANTED: dict[str, dict[str, Any]] = {
    "late_critical": {
        "tasks": _tid("pose", "cab"),
        "percent_complete": {_TEMPLATE_IDS["pose"]: 0.40, _TEMPLATE_IDS["cab"]: 0.10},
        "note": "Critical outage tasks in progress far behind plan (90 % and 33 % of their "
        "durations elapsed); the forecast finish slips. The current plan is already later than "
        "the baseline: the removal " + _TEMPLATE_IDS["dep"] + " was re-planned +2 days.",
        "replanned": _tid("fab", "logi", "dep"),
    },
    "cost_overrun": {
        "phase": PHASES[2][0],
        "phase_en": PHASES[2][1],
        "tasks": _tid("adr", "gam", "edp", "hab", "outil", "logs", "inst"),
        "labour_factor": 1.35,
        "other_factor": 1.55,
        "note": "Site preparation (finished) cost about 1.4 times its earned value: "
        "scaffolding and logistics subcontracts and extra hours.",
    },
    "over_allocated": {
        "resource": "R03",
        "tasks": _tid("pv", "res", "doe"),
        "planned_hours": {
            _TEMPLATE_IDS["pv"]: 30.0,
            _TEMPLATE_IDS["res"]: 45.0,
            _TEMPLATE_IDS["doe"]: 70.0,
        },
        "note": "Sophie Lefèvre (40 % of 7.8 h/day = 3.12 h/day) is booked on the as-built file "
        "and the punch list at the same time (5.5 h/day). Every other person stays within 85 % "
        "of capacity every day.",
    },
    "stale_task": {
        "task": _TEMPLATE_IDS["logi"],
        "last_update": dt.date(2026, 5, 22),
        "percent_complete": 0.70,
        "note": "PLC software qualification in progress, progress not updated for 35 days.",
    },
    "silent_resource": {
        "resource": "R06",
        "last_actual": dt.date(2026, 5, 29),
        "tasks_in_progress": _tid("pose", "cab"),
        "note": "Thomas Girard, site supervisor, has logged no time since 29 May although "
        "assigned to outage tasks in progress.",
    },
    "overdue_risk_action": {"risk": "RK10", "action_due": dt.date(2026, 5, 29)},
    "past_due_deliverable": {"item": "Q05", "due_date": dt.date(2026, 6, 12)},
}


# --------------------------------------------------------------------------------------------
# Plans: the template or a synthetic network, as arrays
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    ids: list[str]
    names: list[str]
    phase: npt.NDArray[np.int64]
    duration: npt.NDArray[np.int64]
    baseline_duration: npt.NDArray[np.int64]
    predecessors: list[str]  # link syntax over ids
    links: Sequence[Sequence[tuple[int, str]]]  # per task: (pred index, link type)
    owner: list[str]
    helper: list[str]
    cost_category: list[str]
    cost_amount: npt.NDArray[np.float64]
    constraint: list[str | None]
    constraint_date: list[dt.date | None]


def _template_plan(lang: Lang) -> _Plan:
    ids = list(_TEMPLATE_IDS.values())
    known = set(_TEMPLATE_IDS)
    preds, links = [], []
    for i, t in enumerate(TEMPLATE):
        pieces, own = [], []
        for link in parse_predecessors(t.preds, known_ids=known):
            j = list(_TEMPLATE_IDS).index(link.pred)
            assert j < i, f"{t.key} links to a later task"
            own.append((j, link.type))
            pieces.append(_link_text(ids[j], link.type, int(link.lag)))
        preds.append(";".join(pieces))
        links.append(own)
    duration = np.array([t.duration for t in TEMPLATE], dtype=np.int64)
    return _Plan(
        ids=ids,
        names=[_text(t.name, lang) for t in TEMPLATE],
        phase=np.array([t.phase for t in TEMPLATE], dtype=np.int64),
        duration=duration,
        baseline_duration=duration - np.array([t.replan for t in TEMPLATE], dtype=np.int64),
        predecessors=preds,
        links=links,
        owner=[t.owner if t.duration else "" for t in TEMPLATE],
        helper=[t.helper if t.duration else "" for t in TEMPLATE],
        cost_category=[t.cost[0] for t in TEMPLATE],
        cost_amount=np.array([t.cost[1] for t in TEMPLATE], dtype=np.float64),
        constraint=[t.constraint[0] if t.constraint else None for t in TEMPLATE],
        constraint_date=[t.constraint[1] if t.constraint else None for t in TEMPLATE],
    )


def _link_text(pred: str, kind: str, lag: int) -> str:
    text = pred if kind == "FS" and lag == 0 else pred + kind
    return text + (f"{lag:+d}" if lag else "")


def _synthetic_plan(
    rng: np.random.Generator, n: int, resource_ids: Sequence[str], lang: Lang
) -> _Plan:
    """``n`` tasks in the six phases, in parallel streams; each phase ends on a milestone."""
    width = max(3, len(str(n * 10)))
    ids = [f"T{(i + 1) * 10:0{width}d}" for i in range(n)]
    weights = np.array([0.18, 0.17, 0.15, 0.25, 0.15, 0.10])
    sizes = np.maximum(1, np.floor(weights * n).astype(np.int64))
    sizes[3] += n - sizes.sum()  # outage works absorb rounding (n >= 6 is checked)
    phase = np.repeat(np.arange(6), sizes)
    streams = max(2, n // 30)
    duration = np.clip(np.round(rng.lognormal(2.0, 0.55, n)), 1, 40).astype(np.int64)
    kind_draw = rng.random(n)
    lag_draw = rng.integers(0, 4, n)
    extra_draw = rng.random(n)
    cross_draw = rng.random(n)
    replan = np.where(rng.random(n) < 0.08, rng.integers(1, 6, n), 0)
    names_by_phase: dict[int, list[str]] = {}
    for t in TEMPLATE:
        if t.duration:
            names_by_phase.setdefault(t.phase, []).append(_text(t.name, lang))
    lot = "lot" if lang == "fr" else "package"
    ms_label = "Jalon : fin de la phase" if lang == "fr" else "Milestone: end of phase"

    links: list[list[tuple[int, str, int]]] = [[] for _ in range(n)]
    has_succ = np.zeros(n, dtype=bool)
    names: list[str] = []
    first = 0
    previous_milestone = -1
    for p, size in enumerate(sizes.tolist()):
        last = first + size - 1
        pool = names_by_phase[p]
        stream_tail: dict[int, int] = {}
        for i in range(first, last):
            k = i - first
            names.append(f"{pool[k % len(pool)]} – {lot} {k // len(pool) + 1}")
            s = k % streams
            own: list[tuple[int, str, int]] = []
            if s in stream_tail:
                j = stream_tail[s]
                draw = kind_draw[i]
                if draw < 0.75:
                    own.append((j, "FS", int(lag_draw[i]) if extra_draw[i] < 0.2 else 0))
                elif draw < 0.9:
                    own.append((j, "SS", int(lag_draw[i]) + 1))
                    own.append((j, "FF", 0))  # keep the successor finishing after it
                else:
                    own.append((j, "FF", int(lag_draw[i])))
                c = first + int(cross_draw[i] * k)  # an earlier task of the phase
                if extra_draw[i] > 0.85 and c != j:
                    own.append((c, "FS", 0))
            elif previous_milestone >= 0:
                own.append((previous_milestone, "FS", 0))
            stream_tail[s] = i
            links[i] = own
            for j, _, _ in own:
                has_succ[j] = True
        # the phase milestone closes every open end of the phase
        duration[last] = 0
        ends = [j for j in range(first, last) if not has_succ[j]] or [last - 1]
        links[last] = [(j, "FS", 0) for j in ends if j >= 0 and j != last]
        for j, _, _ in links[last]:
            has_succ[j] = True
        names.append(f"{ms_label} {_text(PHASES[p], lang)}")
        previous_milestone = last
        first = last + 1
    # re-plan (lengthen) only tasks without FF/SF predecessors: an FF-anchored task that grows
    # starts earlier and could pull its SS successors earlier than the baseline
    anchored = np.array([any(kind in ("FF", "SF") for _, kind, _ in own) for own in links])
    replan[(duration == 0) | anchored] = 0
    replan = np.minimum(replan, np.maximum(duration - 1, 0))
    cost_category = np.array(["", "subcontracting", "purchase", "travel"])[
        np.where(rng.random(n) < 0.3, rng.integers(1, 4, n), 0)
    ]
    cost_category[duration == 0] = ""
    amount = np.where(cost_category != "", np.round(rng.uniform(2, 60, n)) * 1000, 0.0)
    res = np.asarray(resource_ids)
    owner = res[rng.integers(0, len(res), n)].astype(object)
    helper = np.where(rng.random(n) < 0.4, res[rng.integers(0, len(res), n)], "").astype(object)
    helper[helper == owner] = ""
    owner[duration == 0] = ""
    helper[duration == 0] = ""
    preds = [";".join(_link_text(ids[j], kind, lag) for j, kind, lag in own) for own in links]
    return _Plan(
        ids=ids,
        names=names,
        phase=phase,
        duration=duration,
        baseline_duration=duration - replan,
        predecessors=preds,
        links=[[(j, kind) for j, kind, _ in own] for own in links],
        owner=list(owner),
        helper=list(helper),
        cost_category=list(cost_category),
        cost_amount=amount,
        constraint=[None] * n,
        constraint_date=[None] * n,
    )


def _text(pair: Text, lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


# --------------------------------------------------------------------------------------------
# generate
# --------------------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DONE = 0, 1, 2
_Dates = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[Any], npt.NDArray[Any]]


def generate(
    seed: int = DEFAULT_SEED,
    *,
    n_tasks: int = DEFAULT_TASKS,
    n_actuals: int | None = None,
    lang: Lang = "fr",
    status_date: dt.date | None = None,
) -> ProjectData:
    """A whole project: the default sample at 60 tasks, a synthetic plan at any other size.

    ``n_actuals`` sets the number of Actuals rows (weekly timesheets are split into daily lines
    or merged into longer periods to reach it; it cannot go below one row per assignment and
    invoice with actuals). ``status_date`` defaults to 26 June 2026 for the sample and to a
    Friday about 45 % into the plan for synthetic projects.
    """
    if n_tasks < 6:
        raise ValueError("n_tasks must be at least 6 (one task per phase)")
    rng = np.random.default_rng(seed)
    sample = n_tasks == len(TEMPLATE)
    resources = _resources(rng, n_tasks, lang)
    plan = (
        _template_plan(lang)
        if sample
        else _synthetic_plan(rng, n_tasks, list(resources["resource_id"]), lang)
    )
    plan.cost_amount = np.round(plan.cost_amount * rng.uniform(0.95, 1.05, n_tasks) / 100) * 100
    (es, ef, start, finish), (_, _, base_start, base_finish) = _schedules(plan)
    status = status_date or (STATUS_DATE if sample else _friday_into(start, finish, 0.45))
    if status < PROJECT_START:
        raise ValueError(f"status date {status} is before the project start {PROJECT_START}")
    status_day = np.datetime64(status, "D")
    end = int(CALENDAR.count(PROJECT_START, status_day + 1))  # first index after the status date
    state, pct = _progress(rng, plan, es, ef, end, sample)
    actual_start = np.where(state >= IN_PROGRESS, start, np.datetime64("NaT"))
    actual_finish = np.where(state == DONE, finish, np.datetime64("NaT"))
    last_update = _last_update(rng, state, actual_start, actual_finish, status_day, plan, sample)

    assignments = _assignments(rng, plan, resources, es, ef, sample)
    labour, other = _actuals(
        rng,
        plan,
        resources,
        assignments,
        state,
        pct,
        actual_start,
        actual_finish,
        status_day,
        sample,
        n_actuals,
        lang,
    )
    budget, task_budget = _budget(plan, resources, assignments, state, start, other, status, lang)
    bac = float(task_budget.sum())
    tasks = pd.DataFrame(
        {
            "task_id": plan.ids,
            "name": plan.names,
            "phase": [_text(PHASES[p], lang) for p in plan.phase],
            "duration": plan.duration.astype(np.float64),
            "planned_start": start,
            "planned_finish": finish,
            "baseline_start": base_start,
            "baseline_finish": base_finish,
            "predecessors": [p or None for p in plan.predecessors],
            "constraint": plan.constraint,
            "constraint_date": pd.to_datetime(pd.Series(plan.constraint_date, dtype=object)),
            "actual_start": actual_start,
            "actual_finish": actual_finish,
            "percent_complete": pct,
            "budget": task_budget,
            "owner": [o or None for o in plan.owner],
            "last_update": last_update,
        }
    )
    names = list(resources["name"])
    project = _project_card(plan, state, base_finish, bac, status, sample, seed, lang)
    tables: dict[str, pd.DataFrame | None] = {
        "tasks": tasks,
        "resources": resources,
        "assignments": assignments[["task_id", "resource_id", "planned_hours"]],
        "actuals": pd.concat([labour, other], ignore_index=True)
        .sort_values(["date", "category", "resource_id", "task_id"], kind="stable")
        .reset_index(drop=True),
        "budget": budget,
        "risks": _risks(status, names, lang),
        "quality": _quality(status, names, lang),
        "changes": _changes(status, lang),
        "training": _training(status, names, lang),
    }
    return make_project_data(project, {"holiday_calendar": "france"}, _plain_text(tables))


def _plain_text(tables: dict[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    """Text columns as object arrays: normalising Arrow-backed strings cell by cell is slow."""
    out: dict[str, pd.DataFrame | None] = {}
    for key, df in tables.items():
        if df is not None:
            df = df.copy()
            for col in df.columns:
                if df[col].dtype.kind not in "fMiub":
                    values = df[col].to_numpy(dtype=object, na_value=None)
                    df[col] = pd.Series(values, index=df.index, dtype=object)
        out[key] = df
    return out


def _schedules(plan: _Plan) -> tuple[_Dates, _Dates]:
    """Current and baseline early dates from the logic (no progress): (es, ef, start, finish)."""
    frame = pd.DataFrame(
        {
            "task_id": plan.ids,
            "duration": plan.duration.astype(np.float64),
            "predecessors": plan.predecessors,
            "constraint": plan.constraint,
            "constraint_date": pd.to_datetime(pd.Series(plan.constraint_date, dtype=object)),
        }
    )
    current = compute_schedule(frame, CALENDAR, PROJECT_START)
    baseline = current.with_durations(plan.baseline_duration.astype(np.float64))
    return _dates(current.tasks), _dates(baseline.tasks)


def _dates(result: pd.DataFrame) -> _Dates:
    return (
        result["es"].to_numpy().astype(np.int64),
        result["ef"].to_numpy().astype(np.int64),
        result["start"].to_numpy().astype("datetime64[D]"),
        result["finish"].to_numpy().astype("datetime64[D]"),
    )


def _friday_into(start: npt.NDArray[Any], finish: npt.NDArray[Any], share: float) -> dt.date:
    """The Friday on or before ``share`` of the way from the first start to the last finish."""
    first, last = start.min(), finish.max()
    day = first + np.timedelta64(int((last - first).astype(np.int64) * share), "D")
    day = max(day, first + np.timedelta64(7, "D"))
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    day = day - np.timedelta64(int((weekday - 4) % 7), "D")
    return dt.date.fromisoformat(str(day))


def _progress(
    rng: np.random.Generator,
    plan: _Plan,
    es: npt.NDArray[np.int64],
    ef: npt.NDArray[np.int64],
    end: int,
    sample: bool,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """State and % complete at the status date, respecting the logic of every link."""
    n = len(plan.ids)
    noise = rng.normal(0.0, 0.07, n)
    state = np.zeros(n, dtype=np.int64)
    pct = np.zeros(n)
    overrides: dict[int, float] = {}
    if sample:
        index = {t: i for i, t in enumerate(plan.ids)}
        for task, value in PLANTED["late_critical"]["percent_complete"].items():
            overrides[index[task]] = value
        overrides[index[PLANTED["stale_task"]["task"]]] = PLANTED["stale_task"]["percent_complete"]
    for i in range(n):
        may_start = may_finish = True
        for j, kind in plan.links[i]:
            if kind == "FS":
                may_start &= bool(state[j] == DONE)
            elif kind == "SS":
                may_start &= bool(state[j] >= IN_PROGRESS)
            elif kind == "FF":
                may_finish &= bool(state[j] == DONE)
            else:  # SF
                may_finish &= bool(state[j] >= IN_PROGRESS)
        if es[i] >= end or not may_start:
            continue
        d = int(plan.duration[i])
        if ef[i] <= end and may_finish and i not in overrides:
            state[i], pct[i] = DONE, 1.0
        elif d == 0:
            continue  # a milestone waits for its finish-to-finish predecessors
        else:
            state[i] = IN_PROGRESS
            done = (min(end, int(ef[i])) - int(es[i])) / d if ef[i] > end else 0.95
            pct[i] = overrides.get(
                i, float(np.clip(round((done + noise[i]) * 20) / 20, 0.05, 0.95))
            )
    return state, pct


def _last_update(
    rng: np.random.Generator,
    state: npt.NDArray[np.int64],
    actual_start: npt.NDArray[Any],
    actual_finish: npt.NDArray[Any],
    status: np.datetime64,
    plan: _Plan,
    sample: bool,
) -> npt.NDArray[Any]:
    """Done: the Friday after the finish; in progress: this week or last week's status."""
    out = np.full(len(state), np.datetime64("NaT"), dtype="datetime64[D]")
    done = state == DONE
    weekday = (actual_finish[done].astype(np.int64) + 3) % 7
    friday = actual_finish[done] + ((4 - weekday) % 7).astype("timedelta64[D]")
    out[done] = np.minimum(friday, status)
    running = state == IN_PROGRESS
    last_week = status - np.timedelta64(7, "D")
    late = running & (rng.random(len(state)) < 0.3) & (actual_start <= last_week)
    out[running] = status
    out[late] = last_week
    if sample:
        stale = plan.ids.index(PLANTED["stale_task"]["task"])
        out[stale] = np.datetime64(PLANTED["stale_task"]["last_update"], "D")
    return out


# --------------------------------------------------------------------------------------------
# People, assignments, actuals, budget
# --------------------------------------------------------------------------------------------

_FIRST = ("Claire", "Julien", "Sophie", "Nicolas", "Camille", "Thomas", "Émilie", "Antoine",
          "Laura", "Mathieu", "Léa", "Hugo", "Manon", "Louis", "Chloé", "Maxime", "Inès", "Pierre",
          "Sarah", "Romain", "Julie", "Vincent", "Anne", "Olivier")  # fmt: skip
_LAST = ("Morel", "Garnier", "Lefèvre", "Faure", "Roussel", "Girard", "Bonnet", "Mercier",
         "Chevalier", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre",
         "Perrin", "Marchand", "Dupuis", "Renard", "Arnaud", "Barbier", "Brunet", "Colin",
         "Gauthier")  # fmt: skip
_ROLES: tuple[Text, ...] = (
    ("Ingénieur contrôle-commande", "I&C engineer"),
    ("Chargé d'affaires", "Works manager"),
    ("Ingénieur essais", "Test engineer"),
    ("Ingénieur sûreté-qualité", "Safety and quality engineer"),
)


def _resources(rng: np.random.Generator, n_tasks: int, lang: Lang) -> pd.DataFrame:
    if n_tasks == len(TEMPLATE):
        ids, names, dept, roles, rate, hours, share = zip(*PEOPLE, strict=True)
        roles_text = [_text(r, lang) for r in roles]
        base_rate = np.array(rate, dtype=np.float64)
        hpd = np.array(hours, dtype=np.float64)
        shares = np.array(share, dtype=np.float64)
        dept_idx = np.array(dept)
    else:
        m = max(10, n_tasks // 12)
        ids = tuple(f"R{i + 1:0{max(2, len(str(m)))}d}" for i in range(m))
        k = np.arange(m)
        names = tuple(
            f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]}"
            for i in range(m)
        )
        dept_idx = k % len(DEPARTMENTS)
        roles_text = [_text(_ROLES[d], lang) for d in dept_idx]
        base_rate = (rng.integers(55, 95, m) * 10.0).astype(np.float64)
        hpd = rng.choice(np.array([7.0, 7.5, 7.8, 8.0]), m).astype(np.float64)
        shares = (rng.integers(4, 17, m) * 0.05).astype(np.float64)  # 0.20 .. 0.80
    rates = np.round(base_rate * rng.uniform(0.97, 1.03, len(ids)) / 10) * 10
    return pd.DataFrame(
        {
            "resource_id": list(ids),
            "name": list(names),
            "department": [_text(DEPARTMENTS[d], lang) for d in dept_idx],
            "role": roles_text,
            "daily_rate": rates,
            "hours_per_day": hpd,
            "project_share": np.round(shares, 2),
        }
    )


def _assignments(
    rng: np.random.Generator,
    plan: _Plan,
    resources: pd.DataFrame,
    es: npt.NDArray[np.int64],
    ef: npt.NDArray[np.int64],
    sample: bool,
) -> pd.DataFrame:
    """Owner and helper hours; everyone within 85 % of capacity except the planted engineer."""
    owner = np.asarray(plan.owner, dtype=object)
    helper = np.asarray(plan.helper, dtype=object)
    has_owner, has_helper = owner != "", helper != ""
    task = np.concatenate([np.flatnonzero(has_owner), np.flatnonzero(has_helper)])
    who = np.concatenate([owner[has_owner], helper[has_helper]]).astype(str)
    weight = np.concatenate([np.full(has_owner.sum(), 0.9), np.full(has_helper.sum(), 0.5)])
    position = {r: i for i, r in enumerate(resources["resource_id"])}
    r = np.array([position[w] for w in who], dtype=np.int64)
    cap = (resources["hours_per_day"] * resources["project_share"]).to_numpy()
    d = plan.duration[task].astype(np.float64)
    hours = d * cap[r] * weight * rng.uniform(0.8, 1.1, len(task))
    planted = np.zeros(len(task), dtype=bool)
    fixed: dict[tuple[str, str], float] = {}
    if sample:
        over = PLANTED["over_allocated"]
        fixed = {(t, over["resource"]): h for t, h in over["planned_hours"].items()}
        ids = np.asarray(plan.ids, dtype=object)[task]
        planted = np.array([(t, w) in fixed for t, w in zip(ids, who, strict=True)], dtype=bool)
    # Hours are spread evenly over the working days of the task; each assignment, in task order,
    # takes what it wants of the capacity its days have left (85 % of hours/day x share).
    free = np.repeat(0.85 * cap[:, None], int(ef.max()) + 1, axis=1)
    start, finish = es[task], ef[task]
    for k in np.argsort(task, kind="stable"):
        if planted[k]:
            continue
        days = free[r[k], start[k] : finish[k]]
        rate = min(hours[k] / max(d[k], 1.0), float(days.min(initial=np.inf)))
        hours[k] = max(np.floor(rate * d[k] * 2) / 2, 0.5)
        days -= hours[k] / d[k]
    if sample:
        ids = np.asarray(plan.ids, dtype=object)[task]
        for k in np.flatnonzero(planted):
            hours[k] = fixed[(ids[k], who[k])]
    order = np.lexsort((r, task))
    return pd.DataFrame(
        {
            "task_id": np.asarray(plan.ids, dtype=object)[task][order],
            "resource_id": who[order].astype(object),
            "planned_hours": hours[order],
            "task": task[order],
            "resource": r[order],
        }
    )


def _weekly_spans(
    first: npt.NDArray[Any], last: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[np.float64]]:
    """Each [first, last] span cut into calendar weeks: owner index, from, to, working days."""
    monday_first = first - ((first.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    weeks = ((last - monday_first).astype(np.int64) // 7 + 1).astype(np.int64)
    owner = np.repeat(np.arange(len(first)), weeks)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(weeks) - weeks, weeks)
    monday = monday_first[owner] + (7 * k).astype("timedelta64[D]")
    lo = np.maximum(monday, first[owner])
    hi = np.minimum(monday + np.timedelta64(4, "D"), last[owner])
    days = CALENDAR.count(lo, hi + np.timedelta64(1, "D"))
    return owner, lo, hi, days


def _actuals(
    rng: np.random.Generator,
    plan: _Plan,
    resources: pd.DataFrame,
    assignments: pd.DataFrame,
    state: npt.NDArray[np.int64],
    pct: npt.NDArray[np.float64],
    actual_start: npt.NDArray[Any],
    actual_finish: npt.NDArray[Any],
    status: np.datetime64,
    sample: bool,
    n_actuals: int | None,
    lang: Lang,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weekly timesheet lines per person and task, and invoices with a cost and no hours."""
    n = len(plan.ids)
    factor_labour = np.clip(rng.normal(1.0, 0.05, n), 0.9, 1.12)
    factor_other = np.clip(rng.normal(1.0, 0.06, n), 0.88, 1.15)
    if sample:
        overrun = PLANTED["cost_overrun"]
        mask = plan.phase == PHASES.index((overrun["phase"], overrun["phase_en"]))
        factor_labour[mask] = overrun["labour_factor"]
        factor_other[mask] = overrun["other_factor"]
    span_end = np.where(np.isnat(actual_finish), status, actual_finish)

    # labour: hours = planned hours x % complete x factor, spread over the weeks worked
    task = assignments["task"].to_numpy()
    started = state[task] >= IN_PROGRESS
    a = assignments.loc[started]
    t = task[started]
    worked = a["planned_hours"].to_numpy() * pct[t] * factor_labour[t]
    owner, lo, hi, days = _weekly_spans(actual_start[t], span_end[t])
    total_days = np.bincount(owner, weights=days, minlength=len(t))
    hours = worked[owner] * days / np.maximum(total_days[owner], 1)
    date = np.busday_offset(hi, 0, roll="backward", busdaycal=CALENDAR.busdaycal)
    keep = days > 0
    if sample:
        silent = PLANTED["silent_resource"]
        cutoff = np.datetime64(silent["last_actual"], "D")
        keep &= ~((a["resource_id"].to_numpy()[owner] == silent["resource"]) & (date > cutoff))
    owner, lo, date, hours = owner[keep], lo[keep], date[keep], hours[keep]

    # invoices: one per month of work or so, equal parts
    has_cost = (plan.cost_amount > 0) & (state >= IN_PROGRESS)
    c = np.flatnonzero(has_cost)
    span_days = (span_end[c] - actual_start[c]).astype(np.int64)
    count = np.clip(1 + span_days // 30, 1, 4)
    inv = np.repeat(np.arange(len(c)), count)
    k = np.arange(len(inv)) - np.repeat(np.cumsum(count) - count, count) + 1
    offset = (span_days[inv] * k // count[inv]).astype("timedelta64[D]")
    inv_date = np.busday_offset(
        actual_start[c][inv] + offset, 0, roll="backward", busdaycal=CALENDAR.busdaycal
    )
    inv_date = np.maximum(inv_date, actual_start[c][inv])
    total = plan.cost_amount[c] * pct[c] * factor_other[c] * rng.uniform(0.95, 1.05, len(c))
    amount = np.round(total[inv] / count[inv], 2)
    category = np.asarray(plan.cost_category, dtype=object)[c][inv]
    prefix = {"subcontracting": ("FAC", "INV"), "purchase": ("CDE", "PO"), "travel": ("NDF", "EXP")}
    refs = [
        f"{prefix[cat][0 if lang == 'fr' else 1]}-{str(d)[:4]}-{i + 1:04d}"
        for i, (cat, d) in enumerate(zip(category, inv_date, strict=True))
    ]
    other = pd.DataFrame(
        {
            "date": inv_date,
            "resource_id": None,
            "task_id": np.asarray(plan.ids, dtype=object)[c][inv],
            "hours": np.nan,
            "cost": amount,
            "category": category,
            "reference": refs,
        }
    )
    if n_actuals is not None:
        owner, date, hours = _resize(rng, owner, lo, date, hours, n_actuals - len(other))
    week = pd.DatetimeIndex(date).isocalendar()
    sheet = "FDT" if lang == "fr" else "TS"
    wk = "S" if lang == "fr" else "W"
    refs_labour = (
        sheet + "-" + week["year"].astype(str) + "-" + wk + week["week"].astype(str).str.zfill(2)
    )
    labour = pd.DataFrame(
        {
            "date": date,
            "resource_id": a["resource_id"].to_numpy()[owner],
            "task_id": a["task_id"].to_numpy()[owner],
            "hours": np.maximum(np.round(hours * 4) / 4, 0.25),
            "cost": np.nan,
            "category": "labour",
            "reference": refs_labour.to_numpy(),
        }
    )
    return labour, other


def _resize(
    rng: np.random.Generator,
    owner: npt.NDArray[np.int64],
    lo: npt.NDArray[Any],
    date: npt.NDArray[Any],
    hours: npt.NDArray[np.float64],
    target: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any], npt.NDArray[np.float64]]:
    """``target`` lines: weekly lines split into daily ones, or merged within an assignment."""
    n = len(owner)
    if n == 0 or target == n:
        return owner, date, hours
    if target > n:
        # spread the extra lines evenly, then top up at random
        base = (target - n) // n
        top_up = rng.choice(n, (target - n) - base * n, replace=False)
        extra = base + np.bincount(top_up, minlength=n)
        parts = 1 + extra
        line = np.repeat(np.arange(n), parts)
        k = np.arange(len(line)) - np.repeat(np.cumsum(parts) - parts, parts)
        days = CALENDAR.count(lo, date + np.timedelta64(1, "D")).astype(np.int64)
        back = k % np.maximum(days[line], 1)
        new_date = np.busday_offset(
            date[line], -back, roll="backward", busdaycal=CALENDAR.busdaycal
        )
        return owner[line], new_date, hours[line] / parts[line]
    # merge: drop boundaries between consecutive lines of the same assignment
    order = np.lexsort((date, owner))
    owner, date, hours = owner[order], date[order], hours[order]
    mergeable = np.flatnonzero(owner[1:] == owner[:-1]) + 1
    drop = min(n - target, len(mergeable))
    cut = np.ones(n, dtype=bool)
    cut[rng.choice(mergeable, drop, replace=False)] = False
    group = np.cumsum(cut) - 1
    merged_hours = np.bincount(group, weights=hours)
    last = np.flatnonzero(np.append(cut[1:], True))  # last line of each group
    return owner[last].astype(np.int64), date[last], merged_hours.astype(np.float64)


def _budget(
    plan: _Plan,
    resources: pd.DataFrame,
    assignments: pd.DataFrame,
    state: npt.NDArray[np.int64],
    start: npt.NDArray[Any],
    invoices: pd.DataFrame,
    status: dt.date,
    lang: Lang,
) -> tuple[pd.DataFrame, npt.NDArray[np.float64]]:
    """One line per task and category (whole euros) plus the Contingency reserve above BAC."""
    n = len(plan.ids)
    per_hour = (resources["daily_rate"] / resources["hours_per_day"]).to_numpy()
    labour_cost = assignments["planned_hours"].to_numpy() * per_hour[assignments["resource"]]
    labour = np.round(np.bincount(assignments["task"], weights=labour_cost, minlength=n))
    other = plan.cost_amount
    task_budget = labour + other
    ids = np.asarray(plan.ids, dtype=object)
    names = np.asarray(plan.names, dtype=object)
    category = np.asarray(plan.cost_category, dtype=object)
    invoiced = invoices.groupby("task_id")["cost"].sum()
    spent = invoiced.reindex(ids, fill_value=0.0).to_numpy()
    soon = np.datetime64(status, "D") + np.timedelta64(30, "D")
    ordered = (state >= IN_PROGRESS) | (start <= soon)
    label = {c.key: c.label(lang) for c in BUDGET_CATEGORIES}
    has_labour, has_other = labour > 0, other > 0
    rows_task = np.concatenate([np.flatnonzero(has_labour), np.flatnonzero(has_other)])
    kind = np.concatenate([np.zeros(has_labour.sum(), int), np.ones(has_other.sum(), int)])
    order = np.lexsort((kind, rows_task))
    rows_task, kind = rows_task[order], kind[order]
    cats = np.where(kind == 0, "labour", category[rows_task]).astype(object)
    amount = np.where(kind == 0, labour[rows_task], other[rows_task])
    committed = np.where(
        kind == 0,
        np.nan,
        np.where(ordered[rows_task], np.maximum(other[rows_task], spent[rows_task]), 0.0),
    )
    bac = float(task_budget.sum())
    contingency = round(bac * 0.06, -3)
    m = len(rows_task) + 1
    width = max(3, len(str(m)))
    lines = pd.DataFrame(
        {
            "line_id": [f"B{i + 1:0{width}d}" for i in range(m)],
            "category": [*cats, "contingency"],
            "description": [
                *(f"{label[c]} – {t}" for c, t in zip(cats, names[rows_task], strict=True)),
                "Provision pour aléas et risques" if lang == "fr" else "Risk contingency reserve",
            ],
            "task_id": [*ids[rows_task], None],
            "amount": [*amount, contingency],
            "committed": [*committed, np.nan],
        }
    )
    return lines, task_budget


def _project_card(
    plan: _Plan,
    state: npt.NDArray[np.int64],
    base_finish: npt.NDArray[Any],
    bac: float,
    status: dt.date,
    sample: bool,
    seed: int,
    lang: Lang,
) -> dict[str, Any]:
    running = np.flatnonzero(state == IN_PROGRESS)
    phase = (
        int(plan.phase[running].max())
        if len(running)
        else int(plan.phase[state == DONE].max(initial=0))
    )
    if sample:
        code = "CC-SAL2-2026"
        name = _text(
            (
                "Modernisation du contrôle-commande de la tranche 2 – CNPE de Saint-Alban",
                "I&C modernisation of unit 2 – Saint-Alban nuclear power plant",
            ),
            lang,
        )
    else:
        code = f"SYN-{seed}-{len(plan.ids)}"
        name = _text(
            (
                f"Projet synthétique de {len(plan.ids)} tâches",
                f"Synthetic project of {len(plan.ids)} tasks",
            ),
            lang,
        )
    return {
        "project_code": code,
        "project_name": name,
        "client": "EDF – CNPE de Saint-Alban Saint-Maurice",
        "site": _text(SITE, lang),
        "project_manager": PEOPLE[0][1],
        "sponsor": "Bernard Rolland",
        "current_phase": _text(PHASES[phase], lang),
        "start_date": PROJECT_START,
        "planned_finish": dt.date.fromisoformat(str(base_finish.max())),
        "bac": bac,
        "currency": "EUR",
        "status_date": status,
        "progress_method": "physical",
        "language": lang,
    }


# --------------------------------------------------------------------------------------------
# Registers: risks, quality, changes, training (dates relative to the status date)
# --------------------------------------------------------------------------------------------

# id, category, title, description, owner (person index), raised (days before the status date),
# P, I, cost impact, schedule impact, strategy, action, action due (days after the status date),
# status, residual P, residual I, last review (days before the status date)
_RISKS: tuple[tuple[Any, ...], ...] = (
    ("RK01", ("Sûreté nucléaire", "Nuclear safety"),
     ("Perte d'une fonction de sûreté pendant la bascule", "Loss of a safety function during the "
      "switchover"),
     ("Erreur de séquencement lors du basculement vers le nouveau contrôle-commande ; "
      "indisponibilité d'une fonction requise par les spécifications techniques d'exploitation.",
      "Sequencing error when switching to the new I&C; a function required by the technical "
      "specifications becomes unavailable."),
     0, 150, 2, 5, 250000, 20, "mitigate",
     ("Séquence de bascule validée par l'exploitant, double vérification des consignations",
      "Switchover sequence approved by the operator, double-checked lock-outs"), 10, "open", 1, 5,
     6),
    ("RK02", ("Réglementaire / ASN", "Regulatory / ASN"),
     ("Instruction du dossier de modification plus longue que prévu",
      "ASN review of the modification file longer than planned"),
     ("Questions complémentaires de l'ASN ; accord reçu trop tard pour l'arrêt.",
      "Further questions from ASN; approval received too late for the outage."),
     8, 140, 3, 4, 60000, 25, "mitigate",
     ("Réunion de pré-instruction et réponses sous cinq jours",
      "Pre-review meeting and answers within five days"), -40, "closed", 1, 4, 35),
    ("RK03", ("Approvisionnement", "Supply chain"),
     ("Retard de livraison des armoires", "Late delivery of the cabinets"),
     ("Charge du fournisseur et composants électroniques en tension ; armoires livrées après le "
      "début de l'arrêt.", "Supplier workload and scarce electronic parts; cabinets delivered "
      "after the outage starts."),
     1, 120, 4, 4, 120000, 15, "mitigate",
     ("Surveillance renforcée du fournisseur, point hebdomadaire", "Closer supplier surveillance, "
      "weekly review"), -30, "closed", 2, 4, 30),
    ("RK04", ("Approvisionnement", "Supply chain"),
     ("Non-conformité des capteurs à la réception", "Sensors non-compliant at receipt"),
     ("Certificats de qualification incomplets ; remplacement sous garantie.",
      "Incomplete qualification certificates; replacement under warranty."),
     4, 100, 2, 3, 30000, 8, "transfer",
     ("Pénalités et remplacement prévus au contrat", "Penalties and replacement in the contract"),
     21, "open", 2, 2, 9),
    ("RK05", ("Compétences", "Skills"),
     ("Indisponibilité d'un ingénieur contrôle-commande clé", "Key I&C engineer unavailable"),
     ("Compétence rare partagée avec l'activité d'exploitation.",
      "Scarce skill shared with operational work."),
     0, 130, 3, 4, 40000, 10, "mitigate",
     ("Binôme et transfert de compétences vers un second ingénieur", "Pairing and skills transfer "
      "to a second engineer"), 30, "open", 2, 3, 6),
    ("RK06", ("Accès site", "Site access"),
     ("Retard des accès site des intervenants sous-traitants", "Late site access for "
      "subcontractor workers"),
     ("Enquêtes administratives et habilitations non obtenues à temps.",
      "Background checks and clearances not obtained in time."),
     3, 110, 3, 3, 20000, 5, "mitigate",
     ("Dépôt des demandes d'accès à J-30", "Access requests filed 30 days ahead"), -35, "closed",
     1, 3, 28),
    ("RK07", ("Radioprotection", "Radiation protection"),
     ("Dépassement de la dose collective prévisionnelle", "Collective dose above the estimate"),
     ("Durées d'intervention en zone plus longues que prévu.",
      "Longer working times in controlled areas than planned."),
     9, 90, 3, 4, 15000, 3, "mitigate",
     ("Optimisation ALARA : protections biologiques et chronométrage",
      "ALARA optimisation: shielding and timed interventions"), 14, "open", 2, 3, 5),
    ("RK08", ("Radioprotection", "Radiation protection"),
     ("Contamination lors de la dépose des chemins de câbles",
      "Contamination while removing cable trays"),
     ("Dépôts contaminés dans les chemins de câbles existants.",
      "Contaminated deposits in the existing cable trays."),
     9, 90, 2, 3, 10000, 2, "mitigate",
     ("Contrôles radiologiques avant dépose, confinement", "Radiological checks before removal, "
      "containment"), 7, "open", 1, 3, 5),
    ("RK09", ("Planning / arrêt", "Schedule / outage"),
     ("Prolongation de l'arrêt de tranche", "Unit outage extension"),
     ("Retard des travaux sur le chemin critique de l'arrêt ; perte de production.",
      "Delay of critical outage works; lost generation."),
     0, 60, 4, 5, 400000, 10, "mitigate",
     ("Plan de rattrapage : équipe de nuit sur le câblage", "Recovery plan: night shift on "
      "cabling"), 7, "open", 3, 4, 2),
    ("RK10", ("Technique", "Technical"),
     ("Incompatibilité avec le système de conduite", "Incompatibility with the plant control "
      "system"),
     ("Protocole de communication mal interprété ; échec des essais d'intégration.",
      "Communication protocol misread; integration tests fail."),
     1, 120, 2, 4, 80000, 12, "mitigate",
     ("Essais d'intégration sur plateforme avant l'arrêt", "Integration tests on a test "
      "platform before the outage"), -28, "open", 1, 4, 10),
    ("RK11", ("Qualité", "Quality"),
     ("Écarts documentaires relevés par l'organisme de contrôle", "Document deviations found by "
      "the inspection body"),
     ("Dossiers incomplets à la levée des points d'arrêt.",
      "Incomplete files when hold points are released."),
     8, 80, 3, 2, 5000, 2, "accept", ("Suivi en revue qualité hebdomadaire",
                                      "Tracked at the weekly quality review"), 30, "open", 3, 2, 8),
    ("RK12", ("Sécurité", "Industrial safety"),
     ("Chute lors des travaux en hauteur", "Fall while working at height"),
     ("Travaux sur échafaudages pour la pose des chemins de câbles.",
      "Scaffold work to install cable trays."),
     5, 70, 2, 4, 20000, 5, "avoid",
     ("Échafaudages réceptionnés, permis de travail en hauteur", "Scaffolds inspected, "
      "work-at-height permits"), 20, "open", 1, 4, 4),
    ("RK13", ("Coûts", "Cost"),
     ("Hausse du coût des prestations sous-traitées", "Higher subcontracting costs"),
     ("Travaux supplémentaires facturés en régie.", "Extra work invoiced on time and materials."),
     3, 75, 3, 3, 90000, 0, "transfer",
     ("Prix fermes au contrat, devis préalable obligatoire", "Fixed prices, quotation required "
      "before extra work"), 21, "open", 3, 3, 7),
    ("RK14", ("Incendie", "Fire"),
     ("Départ de feu lors des travaux par point chaud", "Fire during hot work"),
     ("Meulage et soudage à proximité de câbles.", "Grinding and welding close to cables."),
     9, 60, 1, 5, 150000, 15, "avoid",
     ("Permis de feu et surveillance incendie", "Hot-work permits and fire watch"), -10,
     "closed", 1, 3, 10),
    ("RK15", ("Conduite du changement", "Change management"),
     ("Appropriation insuffisante du nouveau système par la conduite", "Operators not ready for "
      "the new system"),
     ("Formation trop tardive ; erreurs de conduite au redémarrage.",
      "Training too late; operating errors at restart."),
     6, 100, 3, 3, 25000, 4, "mitigate",
     ("Formations sur simulateur avant le redémarrage", "Simulator training before restart"),
     45, "open", 2, 2, 12),
)  # fmt: skip


def _days(status: dt.date, offset: int) -> dt.date:
    return status + dt.timedelta(days=offset)


def _risks(status: dt.date, people: Sequence[str], lang: Lang) -> pd.DataFrame:
    rows = []
    for (
        rid,
        cat,
        title,
        desc,
        who,
        raised,
        p,
        i,
        cost,
        sched,
        strategy,
        action,
        due,
        state,
        rp,
        ri,
        review,
    ) in _RISKS:
        rows.append(
            {
                "risk_id": rid,
                "title": _text(title, lang),
                "description": _text(desc, lang),
                "category": _text(cat, lang),
                "owner": people[who % len(people)],
                "raised_on": max(_days(status, -raised), PROJECT_START),
                "probability": p,
                "impact": i,
                "cost_impact": cost,
                "schedule_impact_days": sched,
                "strategy": strategy,
                "action": _text(action, lang),
                "action_due": _days(status, due),
                "status": state,
                "residual_probability": rp,
                "residual_impact": ri,
                "last_review": _days(status, -review),
            }
        )
    return pd.DataFrame(rows)


# id, requirement, deliverable, due (days after the status date), status, accepted (days before),
# non-conformities, reviewer (person index)
_QUALITY: tuple[tuple[Any, ...], ...] = (
    ("Q01", "CCTP §3.1", ("Note d'étude NE-CC-011 : analyse fonctionnelle",
                          "Design note NE-CC-011: functional analysis"), -120, "accepted", 110, 0,
     8),
    ("Q02", "CCTP §3.2", ("Spécification technique des automates",
                          "PLC technical specification"), -100, "accepted", 92, 1, 0),
    ("Q03", "RCC-E – qualification des matériels", ("Dossier de qualification des armoires",
                                                    "Cabinet qualification file"), 5, "submitted",
     None, 0, 8),
    ("Q04", "CCTP §4.3", ("Plans de câblage et de raccordement (indice B)",
                          "Cabling and connection drawings (revision B)"), 10, "rejected", None, 2,
     1),
    ("Q05", "Arrêté INB du 7 février 2012, art. 2.5.1",
     ("Dossier de qualification du logiciel des automates", "PLC software qualification file"),
     -14, "in_progress", None, 0, 8),
    ("Q06", "CCTP §5.1", ("Procès-verbal des essais en usine (FAT)",
                          "Factory acceptance test report"), -45, "accepted", 40, 3, 6),
    ("Q07", "Note d'étude NE-CC-014", ("Étude d'implantation des armoires",
                                       "Cabinet layout study"), -95, "accepted", 88, 0, 0),
    ("Q08", "Dossier RP – optimisation ALARA", ("Évaluation dosimétrique prévisionnelle",
                                                 "Dose estimate"), -40, "accepted", 35, 0, 9),
    ("Q09", "CCTP §6.2", ("Gammes d'intervention validées", "Approved work procedures"), -50,
     "accepted", 44, 1, 3),
    ("Q10", "CCTP §7.1", ("Procès-verbaux des essais fonctionnels", "Functional test reports"),
     55, "not_started", None, 0, 6),
    ("Q11", "CCTP §7.4", ("Dossier de requalification", "Requalification file"), 75,
     "not_started", None, 0, 8),
    ("Q12", "CCTP §8.1", ("Dossier des ouvrages exécutés (DOE)", "As-built file"), 110,
     "not_started", None, 0, 0),
)  # fmt: skip


def _quality(status: dt.date, people: Sequence[str], lang: Lang) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "item_id": qid,
                "requirement": req,
                "deliverable": _text(name, lang),
                "due_date": _days(status, due),
                "status": state,
                "accepted_on": None if accepted is None else _days(status, -accepted),
                "non_conformities": nc,
                "reviewer": people[who % len(people)],
            }
            for qid, req, name, due, state, accepted, nc, who in _QUALITY
        ]
    )


# id, title, requested by, requested (days before), cost, schedule days, status, decided (before)
_CHANGES: tuple[tuple[Any, ...], ...] = (
    ("CR01", ("Ajout de deux chaînes de mesure de température",
              "Two additional temperature measurement channels"),
     ("Exploitant (CNPE)", "Operator (plant)"), 120, 38000, 5, "approved", 105),
    ("CR02", ("Report des essais en usine à la demande du fournisseur",
              "Factory tests postponed at the supplier's request"),
     ("Fournisseur des armoires", "Cabinet supplier"), 75, 0, 8, "approved", 70),
    ("CR03", ("Extension du périmètre aux armoires du bâtiment électrique",
              "Scope extended to the electrical building cabinets"),
     ("Exploitant (CNPE)", "Operator (plant)"), 60, 150000, 20, "rejected", 45),
    ("CR04", ("Borniers remplacés par des connecteurs débrochables",
              "Terminal blocks replaced by plug-in connectors"),
     ("Ingénierie contrôle-commande", "I&C engineering"), 20, 22000, 2, "proposed", None),
    ("CR05", ("Équipe de nuit sur le câblage (plan de rattrapage)",
              "Night shift on cabling (recovery plan)"),
     ("Chef de projet", "Project manager"), 3, 45000, -6, "proposed", None),
)  # fmt: skip


def _changes(status: dt.date, lang: Lang) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "change_id": cid,
                "title": _text(title, lang),
                "requested_by": _text(who, lang),
                "requested_on": _days(status, -asked),
                "cost_impact": cost,
                "schedule_impact_days": days,
                "status": state,
                "decided_on": None if decided is None else _days(status, -decided),
            }
            for cid, title, who, asked, cost, days, state, decided in _CHANGES
        ]
    )


# id, action, audience, trainer (person index or text), planned (days after), done (days before),
# planned attendees, attendees, status
_TRAINING: tuple[tuple[Any, ...], ...] = (
    ("F01", ("Culture de sûreté et pratiques de fiabilisation des intervenants",
             "Safety culture and human performance tools"),
     ("Intervenants sous-traitants", "Subcontractor workers"), 8, -45, 45, 24, 22, "done"),
    ("F02", ("Formation radioprotection des intervenants (RP1)",
             "Radiation protection training (RP1)"),
     ("Intervenants sous-traitants", "Subcontractor workers"), 9, -30, 30, 18, 18, "done"),
    ("F03", ("Présentation du nouveau contrôle-commande", "Introduction to the new I&C"),
     ("Équipes de conduite", "Operations teams"), 1, -20, 20, 30, 26, "done"),
    ("F04", ("Formation sur simulateur des opérateurs", "Simulator training for operators"),
     ("Équipes de conduite", "Operations teams"), 6, 45, None, 30, None, "planned"),
    ("F05", ("Maintenance des automates (niveau 2)", "PLC maintenance (level 2)"),
     ("Équipes de maintenance", "Maintenance teams"), 1, 60, None, 12, None, "planned"),
    ("F06", ("Visite du chantier pour les équipes de conduite", "Site visit for operations teams"),
     ("Équipes de conduite", "Operations teams"), 5, -10, None, 15, None, "cancelled"),
)  # fmt: skip


def _training(status: dt.date, people: Sequence[str], lang: Lang) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "action_id": aid,
                "action": _text(action, lang),
                "audience": _text(audience, lang),
                "trainer": people[who % len(people)],
                "planned_date": _days(status, planned),
                "done_date": None if done is None else _days(status, -done),
                "planned_attendees": expected,
                "attendees": came,
                "status": state,
            }
            for aid, action, audience, who, planned, done, expected, came, state in _TRAINING
        ]
    )


# --------------------------------------------------------------------------------------------
# Writing the sample workbook
# --------------------------------------------------------------------------------------------

DEFAULT_PATH = "workbooks/sample_project.xlsx"


def write_sample(path: str, data: ProjectData) -> None:
    """Write ``data`` as a canonical workbook at ``path`` (the only I/O of this module)."""
    from pmo_xl.io.template import write_workbook

    write_workbook(path, lang=data.language, project=data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pmo_xl.sample", description="Generate a seeded sample project workbook."
    )
    parser.add_argument(
        "--write",
        nargs="?",
        const=DEFAULT_PATH,
        metavar="PATH",
        help=f"write the workbook (default {DEFAULT_PATH})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--tasks", type=int, default=DEFAULT_TASKS)
    parser.add_argument("--actuals", type=int, default=None)
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args(argv)
    lang: Lang = "en" if args.lang == "en" else "fr"
    data = generate(args.seed, n_tasks=args.tasks, n_actuals=args.actuals, lang=lang)
    if args.write is None:
        print(
            f"{data.project['project_code']}: {len(data.tasks)} tasks, "
            f"{len(data.actuals)} actuals, BAC {data.project['bac']:.0f}"
        )
        return 0
    write_sample(args.write, data)
    print(args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
