"""Splicing owned sheets into a user's package: nothing else in the workbook changes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pmo_xl.io.owned import build_workbook
from pmo_xl.io.package import (
    BOOKKEEPING,
    OwnedSheet,
    Package,
    merge_styles,
    owned_sheets,
    replace_atomically,
    splice,
)
from pmo_xl.report.model import FigureBlock, SheetReport, StatusReport, TableBlock
from tests.foreign import write_foreign


def small_report(version: str, with_history: bool = True) -> tuple[StatusReport, list[OwnedSheet]]:
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot([1, 3, 2])
    frame = pd.DataFrame({"Indicateur": ["SPI", "=1+1"], "Valeur": [0.87, 1.02]})
    colours = pd.DataFrame({"Indicateur": [None, None], "Valeur": ["red", "green"]})
    dash = SheetReport(
        "dashboard",
        "Tableau de bord",
        f"Tableau de bord {version}",
        [
            TableBlock(
                "Indicateurs",
                frame,
                {"Valeur": "ratio"},
                colours,
                links={(0, "Indicateur"): "'Notes perso'!A1"},
            ),
            FigureBlock("Courbe", fig, "pmo_curve"),
        ],
    )
    sheets = [dash]
    if with_history:
        sheets.append(
            SheetReport(
                "history",
                "Historique",
                "Historique",
                [
                    TableBlock(
                        "Historique",
                        pd.DataFrame({"Date": [pd.Timestamp("2026-06-30")]}),
                        {"Date": "date"},
                    )
                ],
            )
        )
    report = StatusReport("fr", "P1", "2026-06-30", sheets)
    return report, [OwnedSheet(s.kind, s.name, "$1:$1") for s in sheets]


def refresh(path: Path, version: str, with_history: bool = True) -> None:
    report, owned = small_report(version, with_history)
    ours = Package.from_bytes(build_workbook(report))
    splice(Package.read(path), ours, owned).write(path)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_every_user_part_stays_byte_identical(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    before = entries(path)
    refresh(path, "v1")
    after = entries(path)
    changed = sorted(n for n in before if after.get(n) != before[n])
    assert changed == sorted(BOOKKEEPING | {"xl/styles.xml"}) or set(changed) <= (
        BOOKKEEPING | {"xl/styles.xml"}
    )
    assert (
        "xl/vbaProject.bin" in after and after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    )
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    assert b"ui/extensibility" in after["_rels/.rels"]
    new = sorted(set(after) - set(before))
    assert new == [
        "xl/drawings/_rels/pmoxl_dashboard.xml.rels",
        "xl/drawings/pmoxl_dashboard.xml",
        "xl/media/pmoxl_dashboard_1.png",
        "xl/worksheets/_rels/pmoxl_dashboard.xml.rels",
        "xl/worksheets/pmoxl_dashboard.xml",
        "xl/worksheets/pmoxl_history.xml",
    ]


def test_styles_only_gain_entries_after_the_existing_ones(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    old = entries(path)["xl/styles.xml"].decode()
    refresh(path, "v1")
    new = entries(path)["xl/styles.xml"].decode()
    for tag in ("fonts", "fills", "borders", "cellXfs", "dxfs"):
        old_body = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", old, re.S)
        new_body = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", new, re.S)
        assert new_body is not None
        assert new_body.group(1).startswith(old_body.group(1) if old_body else "")


def test_refreshing_twice_gives_the_same_parts_and_replaces_content(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    first = entries(path)
    refresh(path, "v2")
    second = entries(path)
    assert sorted(first) == sorted(second)
    assert b"Tableau de bord v2" in second["xl/worksheets/pmoxl_dashboard.xml"]
    assert b"Tableau de bord v1" not in second["xl/worksheets/pmoxl_dashboard.xml"]
    assert owned_sheets(Package.read(path)) == {
        "dashboard": "Tableau de bord",
        "history": "Historique",
    }


def test_a_sheet_no_longer_produced_is_removed_with_its_parts(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    refresh(path, "v2", with_history=False)
    after = entries(path)
    assert "xl/worksheets/pmoxl_history.xml" not in after
    assert owned_sheets(Package.read(path)) == {"dashboard": "Tableau de bord"}
    assert b"pmoxl_history" not in after["[Content_Types].xml"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    sheet = entries(path)["xl/worksheets/pmoxl_dashboard.xml"].decode()
    assert "<f>" not in sheet
    assert "<is><t>=1+1</t></is>" in sheet


def test_the_marker_survives_a_rename(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    pkg = Package.read(path)
    wb = pkg.text("xl/workbook.xml").replace('name="Tableau de bord"', 'name="Mon tableau"')
    pkg.put("xl/workbook.xml", wb)
    assert owned_sheets(pkg)["dashboard"] == "Mon tableau"


def test_a_user_sheet_with_an_owned_name_is_never_overwritten(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "f.xlsm", extra=lambda wb: wb.add_worksheet("Historique"))
    from pmo_xl.errors import WriteError

    with pytest.raises(WriteError, match="'Historique' already exists and is not pmo_xl's"):
        refresh(path, "v1")


def test_merge_styles_reuses_identical_entries_and_appends_the_others() -> None:
    user = (
        '<styleSheet xmlns="x"><fonts count="1"><font/></fonts><fills count="1"><fill/>'
        '</fills><borders count="1"><border/></borders><cellXfs count="1"><xf fontId="0"/>'
        "</cellXfs></styleSheet>"
    )
    ours = (
        '<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '</numFmts><fonts count="2"><font/><font><b/></font></fonts><fills count="1"><fill/>'
        '</fills><borders count="1"><border/></borders><cellXfs count="2">'
        '<xf numFmtId="0" fontId="1" xfId="0"/>'
        '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<dxfs count="1"><dxf><font><b/></font></dxf></dxfs></styleSheet>'
    )
    merged, smap = merge_styles(user, ours)
    assert merged == (  # missing lists are created at their place in the schema order
        '<styleSheet xmlns="x"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '</numFmts><fonts count="2"><font/><font><b/></font></fonts><fills count="1"><fill/>'
        '</fills><borders count="1"><border/></borders><cellXfs count="3"><xf fontId="0"/>'
        '<xf numFmtId="0" fontId="1" xfId="0"/><xf numFmtId="164" fontId="1" fillId="0" '
        'borderId="0" xfId="0"/></cellXfs><dxfs count="1"><dxf><font><b/></font></dxf></dxfs>'
        "</styleSheet>"
    )
    assert smap.xf == {0: 1, 1: 2}
    assert smap.dxf == {0: 0}
    again, smap2 = merge_styles(merged, ours)  # a second refresh adds nothing
    assert again == merged
    assert smap2 == smap


def test_styles_do_not_grow_when_refreshing_again(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    first = entries(path)["xl/styles.xml"]
    refresh(path, "v2")
    assert entries(path)["xl/styles.xml"] == first


def test_atomic_replace_leaves_the_original_untouched_on_failure(tmp_path: Path) -> None:
    path = write_foreign(tmp_path / "foreign.xlsm")
    before = path.read_bytes()

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half a zip")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        replace_atomically(path, broken)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.xlsm"]


def test_atomic_replace_keeps_the_newest_backups(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "p.xlsx"
    path.write_bytes(b"0")
    for i in range(1, 5):
        replace_atomically(
            path,
            lambda tmp, i=i: tmp.write_bytes(str(i).encode()),
            backups=2,
            now=dt.datetime(2026, 6, 1, 12, 0, i),
        )
    assert path.read_bytes() == b"4"
    backups = sorted((tmp_path / ".pmo_xl_backups").iterdir())
    assert [b.read_bytes() for b in backups] == [b"2", b"3"]
    assert [b.name for b in backups] == ["p.20260601-120003.xlsx", "p.20260601-120004.xlsx"]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_spliced_workbook(tmp_path: Path) -> None:
    from tests.soffice import to_pdf

    path = write_foreign(tmp_path / "foreign.xlsm")
    refresh(path, "v1")
    pdf = to_pdf(path, tmp_path / "pdf")
    assert pdf.stat().st_size > 1000


def test_figures_drawn_by_forked_workers_are_the_same_bytes() -> None:
    from pmo_xl.io.owned import render_all

    figures = []
    for k in range(5):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([1, k, 2])
        figures.append(FigureBlock(f"f{k}", fig, f"f{k}"))
    report = StatusReport("fr", "P1", "2026-06-30", [SheetReport("dashboard", "D", "D", figures)])
    alone = render_all(report, workers=1)
    forked = render_all(report, workers=2)
    assert alone == forked
    assert len(alone) == 5 and all(png.startswith(b"\x89PNG") for png, _, _ in alone.values())
