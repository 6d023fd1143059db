"""Portfolio consolidation: generated projects, bad files among them, three runners, one result.

Three generated projects (distinct people, except one person, Resource ID X99, planted at 50 %
share on all three at once) sit beside a corrupt file, an encrypted workbook, a plain workbook
without our sheets, an Excel lock file, a backup folder and an earlier portfolio workbook.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from soffice import needs_soffice, pdf_text, to_pdf
from typer.testing import CliRunner

from pmo_xl.cli import app
from pmo_xl.errors import WorkbookError
from pmo_xl.io.template import write_workbook
from pmo_xl.model import ProjectData
from pmo_xl.portfolio.consolidate import consolidate
from pmo_xl.portfolio.discover import find_workbooks, is_portfolio_workbook
from pmo_xl.sample import generate

SHARED = "X99"
FORMULAS = {  # card field -> text that looks like a formula
    "project_name": '=HYPERLINK("http://example.com","click")',
    "project_manager": "+33 6 12 34 56 78",
    "current_phase": "@SUM(A1:A3)",
}
PROJECTS = {"alpha.xlsx": 11, "sub/beta.xlsx": 12, "sub/deeper/gamma.xlsm": 13}


def _own_people(data: ProjectData, tag: str) -> None:
    """Resource IDs and names unique to this project (generated ones repeat across seeds)."""
    mapping = {r: f"{tag}-{r}" for r in data.resources["resource_id"]}
    data.resources["resource_id"] = data.resources["resource_id"].map(mapping)
    data.resources["name"] = data.resources["name"] + f" {tag}"
    for table, column in (("assignments", "resource_id"), ("actuals", "resource_id")):
        frame = data.tables[table]
        frame[column] = frame[column].map(lambda v: mapping.get(v, v))
    data.tasks["owner"] = data.tasks["owner"].map(lambda v: mapping.get(v, v))


def _plant_shared(data: ProjectData) -> None:
    """X99 at 50 % on this project, on its first task of 5+ days at 3.5 h a day (7 h x 50 %)."""
    res = data.resources
    row = pd.DataFrame(
        {
            "resource_id": [SHARED],
            "name": ["Alex Partagé"],
            "department": ["Méthodes"],
            "role": ["Préparateur"],
            "daily_rate": [600.0],
            "hours_per_day": [7.0],
            "project_share": [0.5],
        },
        index=[int(res.index.max()) + 1],
    )
    data.tables["resources"] = pd.concat([res, row[res.columns]])
    task = data.tasks.loc[data.tasks["duration"] >= 5].iloc[0]
    asg = data.assignments
    extra = pd.DataFrame(
        {"task_id": [task["task_id"]], "resource_id": [SHARED],
         "planned_hours": [task["duration"] * 3.5]},
        index=[int(asg.index.max()) + 1],
    )  # fmt: skip
    data.tables["assignments"] = pd.concat([asg, extra[asg.columns]])


def _project(seed: int, tag: str) -> ProjectData:
    data = generate(seed, n_tasks=18, n_actuals=120, lang="en" if seed % 2 else "fr")
    _own_people(data, tag)
    _plant_shared(data)
    return data


def _plain_workbook(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write_string(0, 0, "hello")
    wb.close()


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share")
    for i, (name, seed) in enumerate(PROJECTS.items()):
        data = _project(seed, f"P{i}")
        if i == 0:
            data.project.update(FORMULAS)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(path, project=data)
    (root / "corrupt.xlsx").write_bytes(np.random.default_rng(1).bytes(4096))
    from msoffcrypto.format.ooxml import OOXMLFile

    with (root / "alpha.xlsx").open("rb") as f, (root / "sub" / "locked.xlsx").open("wb") as o:
        OOXMLFile(f).encrypt("secret", o)
    _plain_workbook(root / "plain.xlsx")
    (root / "~$alpha.xlsx").write_bytes(b"lock")
    (root / ".pmo_xl_backups").mkdir()
    write_workbook(
        root / ".pmo_xl_backups" / "alpha.20260101-120000.xlsx", project=_project(11, "P0")
    )
    return root


REASONS = {
    "corrupt.xlsx": "is not an Excel workbook (.xlsx or .xlsm)",
    "sub/locked.xlsx": "the workbook is password-protected (encrypted); remove the password in "
    "Excel (File > Info > Protect Workbook) and save it again",
    "plain.xlsx": "not a project workbook: it has none of the input sheets 'Project' (Projet), "
    "'Tasks' (Tâches), 'Resources' (Ressources), ...",
}


@pytest.fixture(scope="module")
def inline(share: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("out")
    # an earlier portfolio in the share, named like a project: skipped by its marker
    consolidate([share / "alpha.xlsx"], share / "zz_projects.xlsx", workers=1)
    return consolidate(
        [share], out / "portfolio.xlsx", workers=1, export_dir=out / "export", lang="en"
    )


def _rel(share: Path, files: pd.Series) -> list[str]:
    return sorted(Path(f).relative_to(share).as_posix() for f in files)


def test_finds_workbooks_and_skips_locks_backups_and_portfolios(share: Path, inline) -> None:  # type: ignore[no-untyped-def]
    found, portfolios = find_workbooks([share])
    assert [p.relative_to(share).as_posix() for p in found] == sorted([*PROJECTS, *REASONS])
    assert [p.name for p in portfolios] == ["zz_projects.xlsx"]
    assert is_portfolio_workbook(share / "zz_projects.xlsx")
    assert not is_portfolio_workbook(share / "alpha.xlsx")
    assert not is_portfolio_workbook(share / "corrupt.xlsx")


def test_bad_files_are_listed_and_every_good_one_is_consolidated(share: Path, inline) -> None:  # type: ignore[no-untyped-def]
    assert inline.consolidated == 3 and inline.failed == 3 and inline.exit_code == 1
    assert _rel(share, inline.tables.projects["file"]) == sorted(PROJECTS)
    errors = {
        Path(f).relative_to(share).as_posix(): (stage, reason)
        for f, stage, reason in inline.tables.errors.itertuples(index=False)
    }
    assert errors == {name: ("read", reason) for name, reason in REASONS.items()}
    sheet = openpyxl.load_workbook(inline.output)["Errors"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("/")]
    assert sorted((Path(r[0]).relative_to(share).as_posix(), r[2]) for r in rows) == sorted(
        REASONS.items()
    )


def test_planted_cross_project_overallocation(inline) -> None:  # type: ignore[no-untyped-def]
    staff = inline.tables.staff
    codes = ";".join(sorted(inline.tables.projects["project"]))
    x = staff.loc[staff["resource_id"] == SHARED].iloc[0]
    assert (x["n_projects"], x["total_share"], x["projects"]) == (3, 1.5, codes)
    assert staff.iloc[0]["resource_id"] == SHARED  # the most over-committed comes first
    # nobody else is shared: each project's people stay their own
    assert sorted(staff["n_projects"].unique()) == [1, 3]
    over = inline.tables.overallocations
    mine = over.loc[over["resource_id"] == SHARED]
    assert mine.iloc[0][["kind", "ratio"]].tolist() == ["share", 1.5]
    loads = mine.loc[mine["kind"] == "load"]
    assert len(loads) >= 1 and (loads["load"] > loads["capacity"]).all()
    # the first week all three tasks run: 3 x 3.5 h x 5 days against 7 h x 5 days x 100 %
    assert loads["ratio"].max() == pytest.approx(1.5)
    ws = openpyxl.load_workbook(inline.output)["Shared staff"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == SHARED]
    assert rows[0][1:6] == ("Alex Partagé", "Méthodes", codes, 3, 1.5)


def test_people_without_any_planned_hours(tmp_path: Path) -> None:
    # every project has staff but no assignment: the people are listed, with no week of load
    for i, seed in enumerate((21, 22)):
        data = _project(seed, f"N{i}")
        data.tables["assignments"] = data.assignments.iloc[0:0]
        write_workbook(tmp_path / f"n{i}.xlsx", project=data)
    result = consolidate([tmp_path], tmp_path / "out" / "portfolio.xlsx", workers=1)
    assert result.exit_code == 0 and result.consolidated == 2
    staff = result.tables.staff
    shared = staff.loc[staff["resource_id"] == SHARED].iloc[0]
    assert (shared["n_projects"], shared["total_share"]) == (2, 1.0)
    assert staff["peak_load"].isna().all() and (staff["weeks_over"] == 0).all()
    assert result.tables.staff_weekly.empty and result.tables.overallocations.empty


def test_formula_looking_text_stays_text(inline) -> None:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(inline.output)["Portfolio"]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value}
    for text in FORMULAS.values():
        assert cells[text] == "s"
    with zipfile.ZipFile(inline.output) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(re.search(rb"<f[ >]", z.read(n)) for n in sheets)


def test_file_links_and_colours(share: Path, inline) -> None:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(inline.output)["Portfolio"]
    targets = sorted(c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink)
    out_dir = inline.output.parent
    expected = sorted(
        os.path.relpath(share / name, out_dir).replace("/", "\\") for name in PROJECTS
    )
    assert [t.replace("/", "\\") for t in targets] == expected


def test_same_result_with_two_workers_and_dask(share: Path, inline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from distributed import LocalCluster

    pooled = consolidate([share], tmp_path / "p2.xlsx", workers=2, lang="en")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = consolidate([share], tmp_path / "dask.xlsx", dask=cluster.scheduler_address)
    for other in (pooled, on_dask):
        for name, frame in inline.tables.frames().items():
            theirs = other.tables.frames()[name]
            pd.testing.assert_frame_equal(frame, theirs, check_dtype=True, obj=name)
        assert other.exit_code == 1


def test_same_bytes_for_the_same_inputs(share: Path, inline) -> None:  # type: ignore[no-untyped-def]
    # links are relative to the output folder: write beside the first one to compare bytes
    twin = consolidate([share], inline.output.with_name("twin.xlsx"), workers=2, lang="en")
    assert twin.output.read_bytes() == inline.output.read_bytes()


def test_export_parquet_and_csv(inline) -> None:  # type: ignore[no-untyped-def]
    folder = inline.output.parent / "export"
    names = sorted(p.name for p in folder.iterdir())
    stems = sorted(inline.tables.frames())
    assert names == sorted([f"{s}.csv" for s in stems] + [f"{s}.parquet" for s in stems])
    projects = pd.read_parquet(folder / "projects.parquet")
    assert projects["project_name"].tolist() == inline.tables.projects["project_name"].tolist()
    assert (
        pd.read_csv(folder / "errors.csv")["reason"].tolist()
        == inline.tables.errors["reason"].tolist()
    )


def test_exit_codes(share: Path, tmp_path: Path) -> None:
    good = consolidate([share / "alpha.xlsx", share / "sub"], tmp_path / "a.xlsx", workers=1)
    assert good.exit_code == 1  # sub/locked.xlsx
    only_good = consolidate([share / "alpha.xlsx"], tmp_path / "b.xlsx", workers=1)
    assert (only_good.exit_code, only_good.consolidated, only_good.failed) == (0, 1, 0)
    bad = consolidate([share / "corrupt.xlsx", share / "plain.xlsx"], tmp_path / "c.xlsx")
    assert (bad.exit_code, bad.consolidated, bad.failed) == (2, 0, 2)
    assert (tmp_path / "c.xlsx").exists()  # the Errors sheet says why
    (tmp_path / "empty").mkdir()
    with pytest.raises(WorkbookError) as caught:
        consolidate([tmp_path / "empty"], tmp_path / "d.xlsx")
    assert caught.value.exit_code == 2
    assert caught.value.message == (
        f"no project workbook (.xlsx, .xlsm) found in {tmp_path / 'empty'}"
    )


def test_cli_json(share: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["consolidate", str(share), "-o", str(tmp_path / "p.xlsx"), "--json", "--workers", "1"],
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert (data["files"], data["consolidated"], data["failed"]) == (6, 3, 3)
    assert data["overcommitted_people"][0]["resource_id"] == SHARED
    assert data["overcommitted_people"][0]["total_share"] == 1.5
    assert [Path(p).name for p in data["skipped_portfolios"]] == ["zz_projects.xlsx"]


def test_french_workbook_sheet_names(share: Path, tmp_path: Path) -> None:
    result = consolidate([share / "sub"], tmp_path / "fr.xlsx", workers=1, lang="fr")
    names = openpyxl.load_workbook(result.output).sheetnames
    assert names == ["Portefeuille", "Personnel partagé", "Veille", "Erreurs"]


@needs_soffice
def test_portfolio_opens_in_libreoffice(inline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = to_pdf(inline.output, tmp_path)
    text = pdf_text(pdf)
    expected_texts = (
        "Project portfolio",
        "Staff shared between projects",
        SHARED,
        "Watchdog digest",
        "Workbooks not consolidated",
        "not a project workbook",
    )
    for expected in expected_texts:
        assert expected in text
