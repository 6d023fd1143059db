"""Refresh end to end: status tabs written back into the workbook, losing nothing else.

Through ``services.refresh_file`` and, where the user sees it, the real ``pmo-xl refresh``:

* a foreign workbook (XlsxWriter: chart, image, text box, sparklines, 2010 data bars, header
  image, validation, conditional formats, comments, names, frozen panes, cached formula values,
  the pinned xlwings VBA project, an Office 2010 ribbon) that also holds our input sheets: every
  part pmo_xl does not own stays byte-identical, refreshing again gives the same parts;
* LibreOffice prints the refreshed sample, and the status pages carry the charts;
* the refreshed workbook reads and validates as before; History gains one row per status date;
* a failure while writing and an open workbook (Excel's ``~$`` lock file) change nothing;
* backups; the built macro-enabled workbook; .xlsx and .xlsm alike.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import math
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from pmo_xl import services
from pmo_xl.core.validate import validate
from pmo_xl.errors import WriteError
from pmo_xl.io.owned import read_owned_rows
from pmo_xl.io.package import (
    BACKUP_DIR,
    BOOKKEEPING,
    MARKER,
    STYLE_LISTS,
    Package,
    owned_sheets,
    replace_atomically,
    sheets,
)
from pmo_xl.io.read import read_project
from pmo_xl.report.status import HISTORY_COLUMNS, SHEET_KINDS, history_from_rows, history_row
from pmo_xl.sample import STATUS_DATE, generate
from tests.foreign import RIBBON_REL, write_foreign_project
from tests.soffice import needs_soffice, pdf_pages, pdf_text, to_pdf

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "workbooks" / "sample_project.xlsx"
BUILT = REPO / "workbooks" / "pmo_xl.xlsm"
CLI = Path(sys.executable).with_name("pmo-xl")

VBA = "xl/vbaProject.bin"
RIBBON = "customUI/customUI14.xml"
# the only parts a refresh may rewrite; styles.xml only by appending
CHANGEABLE = BOOKKEEPING | {"xl/styles.xml"}
OWNED_PREFIXES = (
    "xl/worksheets/pmoxl_",
    "xl/worksheets/_rels/pmoxl_",
    "xl/drawings/pmoxl_",
    "xl/drawings/_rels/pmoxl_",
    "xl/media/pmoxl_",
)
CT_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
LOCK_MESSAGE = (
    "the workbook is open in Excel ({lock} is beside it): close it first, "
    "or use the Refresh button of the PMO ribbon in Excel"
)
D2 = STATUS_DATE + dt.timedelta(days=7)
EXCEL_EPOCH = dt.date(1899, 12, 30)


# ----------------------------------------------------------------------------- helpers


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Parts of ``before`` whose bytes differ (or that are gone) in ``after``."""
    return sorted(n for n in before if after.get(n) != before[n])


def is_owned_part(name: str) -> bool:
    return name.startswith(OWNED_PREFIXES)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def copy_sample(folder: Path, name: str = "chantier.xlsx") -> Path:
    target = folder / name
    shutil.copyfile(SAMPLE, target)
    return target


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def set_number(path: Path, sheet: str, ref: str, value: float) -> None:
    """Type ``value`` in the numeric cell ``sheet!ref`` by editing that one sheet part, as a
    user typing in Excel would change it (every other part keeps its bytes)."""
    pkg = Package.read(path)
    part = next(e.part for e in sheets(pkg) if e.name == sheet)
    xml, count = re.subn(
        rf'(<c r="{ref}"(?: s="\d+")?)(?:/>|><v>[^<]*</v></c>)',
        lambda m: f"{m.group(1)}><v>{value!r}</v></c>",
        pkg.text(part),
    )
    assert count == 1, f"{sheet}!{ref} is not a numeric cell"
    pkg.put(part, xml)
    pkg.write(path)


def set_status_date(path: Path, date: dt.date) -> None:
    project = read_project(path)
    ref = project.cell("project", "status_date")
    set_number(path, project.sheet_name("project"), ref, float((date - EXCEL_EPOCH).days))


def history(path: Path) -> pd.DataFrame:
    """The owned History sheet read back (found by its marker), typed."""
    frame = history_from_rows(read_owned_rows(path, "history"))
    assert frame is not None
    out = pd.DataFrame({"status_date": pd.to_datetime(frame["status_date"])})
    for key, (_, _, kind) in HISTORY_COLUMNS.items():
        if kind in ("ratio", "money", "int", "number", "percent"):
            out[key] = pd.to_numeric(frame[key]).astype("float64")
    return out


def assert_history_row(row: pd.Series, expected: dict[str, object]) -> None:
    assert row["status_date"] == expected["status_date"]
    for key in row.index.drop("status_date"):
        want = expected[key]
        if want is None:
            assert math.isnan(row[key]), key
        else:
            # read back as text (io.owned.read_owned_rows), which keeps 9 decimals
            assert row[key] == pytest.approx(want, abs=5e-10), key


def strip_style_lists(styles: str) -> str:
    for tag in STYLE_LISTS:
        styles = re.sub(rf"<{tag}\b(?:[^>]*/>|[^>]*>.*?</{tag}>)", "", styles, flags=re.S)
    return styles


def assert_styles_only_appended(old: str, new: str) -> None:
    """Every list of ``old`` is a prefix of the same list in ``new``; nothing else changed."""
    for tag in STYLE_LISTS:
        old_body = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", old, re.S)
        new_body = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", new, re.S)
        if old_body is not None:
            assert new_body is not None, tag
            assert new_body.group(1).startswith(old_body.group(1)), tag
    assert strip_style_lists(new) == strip_style_lists(old)


def marker_count(path: Path) -> int:
    return entries(path)["xl/workbook.xml"].decode().count(f'name="{MARKER}"')


def macro_enabled_sample(path: Path) -> Path:
    """The sample project as a macro-enabled workbook: the sample's package with the VBA project
    and ribbon of the built ``workbooks/pmo_xl.xlsm`` (whose document modules match the same 12
    sheets), put in by the add-in build's own functions."""
    from pmo_xl.addin.build import add_vba_project, set_code_names
    from pmo_xl.addin.ribbon import add_ribbon

    built = entries(BUILT)
    pkg = Package.read(SAMPLE)
    set_code_names(pkg)
    add_vba_project(pkg, built[VBA])
    add_ribbon(pkg, built[RIBBON])
    pkg.write(path)
    return path


def reference_analysis() -> dict[str, object]:
    data = services.analyse_file(SAMPLE).as_json()
    data.pop("file")
    return data


# ----------------------------------------------------------------------------- foreign workbook


def test_a_foreign_workbook_keeps_every_part_pmo_xl_does_not_own(tmp_path: Path) -> None:
    path = write_foreign_project(tmp_path / "chantier.xlsm", generate())
    before = entries(path)
    # the fixture holds what openpyxl loses (DESIGN.md, "Known traps") and our input sheets
    notes = before["xl/worksheets/sheet1.xml"]
    for feature in (
        b"<x14:sparklineGroups",
        b"<x14:dataBar",
        b"<dataValidation ",
        b"<conditionalFormatting",
        b'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
        b"<f>B2*2</f><v>2</v>",
        b"<legacyDrawing ",
        b"<legacyDrawingHF ",
    ):
        assert feature in notes, feature
    drawing = before["xl/drawings/drawing1.xml"]
    assert b"<c:chart " in drawing and b"<xdr:pic>" in drawing
    assert b"Zone de texte de l'utilisateur" in drawing
    for part in ("xl/charts/chart1.xml", "xl/comments1.xml", "xl/media/image1.png", VBA, RIBBON):
        assert part in before, part
    assert b'name="MesValeurs"' in before["xl/workbook.xml"]
    assert read_project(path).equals(generate())

    result = services.refresh_file(path)
    first = entries(path)
    assert changed(before, first) == sorted(CHANGEABLE)
    assert first[VBA] == before[VBA]
    assert first[RIBBON] == before[RIBBON]
    assert first["_rels/.rels"] == before["_rels/.rels"]
    assert f'Type="{RIBBON_REL}" Target="{RIBBON}"'.encode() in first["_rels/.rels"]
    assert_styles_only_appended(before["xl/styles.xml"].decode(), first["xl/styles.xml"].decode())
    added = sorted(set(first) - set(before))
    assert all(is_owned_part(n) for n in added), added
    assert sorted(n for n in added if re.fullmatch(r"xl/worksheets/pmoxl_\w+\.xml", n)) == sorted(
        f"xl/worksheets/pmoxl_{kind}.xml" for kind in SHEET_KINDS
    )
    found = owned_sheets(Package.read(path))
    assert found == {s.kind: s.name for s in result.report.sheets}
    assert list(found) == list(SHEET_KINDS)
    assert read_project(path).equals(generate())

    # the user renames the dashboard tab and moves the status date on; refresh again
    pkg = Package.read(path)
    pkg.put(
        "xl/workbook.xml",
        pkg.text("xl/workbook.xml").replace(
            '<sheet name="Tableau de bord"', '<sheet name="Mon tableau"'
        ),
    )
    pkg.write(path)
    set_status_date(path, D2)
    edited = entries(path)
    services.refresh_file(path)
    second = entries(path)
    assert sorted(second) == sorted(first)
    assert {n for n in changed(edited, second) if not is_owned_part(n)} <= CHANGEABLE
    assert_styles_only_appended(first["xl/styles.xml"].decode(), second["xl/styles.xml"].decode())
    for name, data in before.items():
        if name not in CHANGEABLE and name != "xl/worksheets/sheet2.xml":  # Projet: typed D2
            assert second[name] == data, name
    assert second[VBA] == before[VBA] and second[RIBBON] == before[RIBBON]
    assert second["_rels/.rels"] == before["_rels/.rels"]
    # found by the marker, replaced (not duplicated) under its own name
    names = [e.name for e in sheets(Package.read(path))]
    assert "Mon tableau" not in names
    assert names.count("Tableau de bord") == 1
    assert len(names) == 13 + len(SHEET_KINDS)
    assert marker_count(path) == len(SHEET_KINDS)
    dashboard = second["xl/worksheets/pmoxl_dashboard.xml"].decode()
    assert f"Date d'état : {D2:%d/%m/%Y}" in dashboard
    assert f"Date d'état : {STATUS_DATE:%d/%m/%Y}" not in dashboard


# ----------------------------------------------------------------------------- LibreOffice


def pdf_images(pdf: Path) -> list[tuple[int, int, int, int]]:
    """(page, object id, width, height) of every image drawn in ``pdf`` (poppler's pdfimages;
    soft masks left out)."""
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cells = line.split()
        if cells[2] == "image":
            rows.append((int(cells[0]), int(cells[10]), int(cells[3]), int(cells[4])))
    return rows


def non_white_share(image: Image.Image) -> float:
    pixels = np.asarray(image.convert("RGB"))
    return float((pixels.min(axis=2) < 235).mean())


def extracted_images(pdf: Path, page: int, folder: Path) -> list[Image.Image]:
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / f"p{page}"
    subprocess.run(
        ["pdfimages", "-png", "-f", str(page), "-l", str(page), str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    images = [Image.open(p) for p in sorted(folder.glob(f"p{page}-*.png"))]
    return [im for im in images if im.mode != "L"]  # drop the soft masks


def rasterised_page(pdf: Path, page: int, folder: Path) -> Image.Image:
    prefix = folder / f"r{page}"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    (png,) = folder.glob(f"r{page}-*.png")
    return Image.open(png)


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_prints_the_status_tabs_with_their_charts(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    result = services.refresh_file(path)
    parts = entries(path)
    pictures = {  # the PNG sizes each owned sheet's drawing shows
        s.kind: sorted(
            Image.open(io.BytesIO(data)).size
            for name, data in parts.items()
            if name.startswith(f"xl/media/pmoxl_{s.kind}_")
        )
        for s in result.report.sheets
    }
    assert {k for k, v in pictures.items() if v} == {
        "dashboard",
        "schedule",
        "earned_value",
        "risks",
        "resources",
        "quality",
    }
    pdf = to_pdf(path, tmp_path / "pdf")
    texts = pdf_text(pdf).split("\f")
    assert len([t for t in texts if t.strip()]) == pdf_pages(pdf)
    images = pdf_images(pdf)
    work = tmp_path / "png"
    work.mkdir()
    for sheet in result.report.sheets:
        # each page's footer names its sheet: "code   title   date — n/N"
        pages = [
            i
            for i, text in enumerate(texts, start=1)
            if text.strip() and sheet.title in text.strip().splitlines()[-1]
        ]
        assert pages, sheet.title
        assert pages == list(range(pages[0], pages[-1] + 1)), sheet.title
        drawn = {(obj, w, h) for page, obj, w, h in images if page in pages}
        # LibreOffice embeds our PNGs at their own size, one object per picture
        assert sorted((w, h) for _, w, h in drawn) == pictures[sheet.kind], sheet.kind
        if not pictures[sheet.kind]:
            continue
        shown = [im for page in pages for im in extracted_images(pdf, page, work / sheet.kind)]
        assert len(shown) >= len(pictures[sheet.kind])
        for im in shown:  # charts, not blank frames: ink and many colours
            assert non_white_share(im) > 0.03, sheet.kind
            assert len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)) > 200
        assert non_white_share(rasterised_page(pdf, pages[0], work)) > 0.05, sheet.kind


# ----------------------------------------------------------------------------- read back, History


def test_the_refreshed_workbook_reads_and_validates_as_before(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    project = read_project(path)
    row = int(project.tasks.index[project.tasks["task_id"] == "T180"][0])
    set_number(
        path, project.sheet_name("tasks"), project.cell("tasks", "percent_complete", row), 1.5
    )
    before = read_project(path)
    findings = [f.as_json() for f in validate(before)]
    assert [(f["sheet"], f["cell"], f["rule"]) for f in findings] == [
        ("Tâches", f"N{row}", "percent_range")
    ]
    services.refresh_file(path)
    after = read_project(path)
    assert after.equals(before)
    assert after.layout == before.layout
    assert [f.as_json() for f in validate(after)] == findings
    checks = entries(path)["xl/worksheets/pmoxl_checks.xml"].decode()
    # the Checks tab lists it with a hyperlink to the cell
    assert f'<hyperlink ref="C6" location="\'Tâches\'!N{row}" display="N{row}"/>' in checks
    assert f"<t>{findings[0]['message']}</t>" in checks.replace("&apos;", "'")


def test_history_gains_one_row_per_status_date(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    first = services.refresh_file(path)
    h1 = history(path)
    assert list(h1["status_date"]) == [pd.Timestamp(STATUS_DATE)]
    assert_history_row(h1.iloc[0], history_row(first.analysis))

    set_status_date(path, D2)
    second = services.refresh_file(path)
    h2 = history(path)
    assert list(h2["status_date"]) == [pd.Timestamp(STATUS_DATE), pd.Timestamp(D2)]
    assert h2.iloc[0].equals(h1.iloc[0])
    assert_history_row(h2.iloc[1], history_row(second.analysis))

    # progress typed on the same status date: that date's row is replaced, not added
    project = read_project(path)
    row = int(project.tasks.index[project.tasks["task_id"] == "T180"][0])
    ref = project.cell("tasks", "percent_complete", row)
    set_number(path, project.sheet_name("tasks"), ref, 0.9)
    third = services.refresh_file(path)
    h3 = history(path)
    assert list(h3["status_date"]) == [pd.Timestamp(STATUS_DATE), pd.Timestamp(D2)]
    assert h3.iloc[0].equals(h1.iloc[0])
    assert_history_row(h3.iloc[1], history_row(third.analysis))
    assert h3.at[1, "ev"] > h2.at[1, "ev"]
    assert h3.at[1, "spi"] > h2.at[1, "spi"]


# ----------------------------------------------------------------------------- failures


def test_a_failure_while_writing_leaves_the_workbook_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_sample(tmp_path)
    original = path.read_bytes()
    files = listing(tmp_path)
    real_write = Package.write
    written: list[Path] = []

    def half_then_fail(self: Package, target: Path) -> None:
        real_write(self, target)
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
        written.append(target)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Package, "write", half_then_fail)
    with pytest.raises((OSError, WriteError), match="No space left on device"):
        services.refresh_file(path)
    assert len(written) == 1
    assert written[0].parent == tmp_path and written[0] != path  # a temporary file beside it
    assert path.read_bytes() == original
    assert listing(tmp_path) == files  # temporary file removed, no backup made


@pytest.mark.parametrize("lock", ["~$chantier.xlsx", "~$antier.xlsx"])
def test_an_open_workbook_is_refused_and_nothing_is_written(tmp_path: Path, lock: str) -> None:
    path = copy_sample(tmp_path)
    (tmp_path / lock).write_bytes(b"\x00" * 165)
    original = path.read_bytes()
    files = listing(tmp_path)
    result = run_cli("refresh", path.name, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"pmo-xl: {path.name}: {LOCK_MESSAGE.format(lock=lock)}\n"
    assert result.stdout == ""
    assert path.read_bytes() == original
    assert listing(tmp_path) == files
    assert not (tmp_path / BACKUP_DIR).exists()


# ----------------------------------------------------------------------------- backups


def start_in_a_new_second() -> None:
    """Backup names have a one-second resolution (``name.YYYYmmdd-HHMMSS.ext``): start the next
    refresh in a new second so that this test does not depend on same-second naming (which
    ``test_backups_made_in_the_same_second_keep_the_newest`` covers)."""
    now = time.time()
    time.sleep(math.floor(now) + 1 - now)


def test_backups_hold_the_previous_versions_up_to_the_setting(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    project = read_project(path)
    assert project.settings["backups_kept"] == 3
    set_number(path, project.sheet_name("settings"), project.cell("settings", "backups_kept"), 2)
    assert read_project(path).settings["backups_kept"] == 2
    folder = tmp_path / BACKUP_DIR
    versions = [path.read_bytes()]
    backups: list[Path] = []
    for n in range(1, 4):
        result = services.refresh_file(path)
        assert result.backup is not None
        assert result.backup.parent == folder
        assert re.fullmatch(r"chantier\.\d{8}-\d{6}\.xlsx", result.backup.name)
        backups.append(result.backup)
        kept = sorted(folder.iterdir())
        assert kept == sorted(backups[-2:])  # the newest ``backups_kept`` previous versions
        assert [b.read_bytes() for b in backups[-2:]] == versions[-2:]
        versions.append(path.read_bytes())
        if n < 3:
            start_in_a_new_second()
    assert not backups[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [BACKUP_DIR, "chantier.xlsx"]


# ----------------------------------------------------------------------------- .xlsm, .xlsx


def test_refresh_of_the_built_workbook_keeps_its_vba_project_and_ribbon(tmp_path: Path) -> None:
    path = tmp_path / "pmo_xl.xlsm"
    shutil.copyfile(BUILT, path)
    before = entries(path)
    result = run_cli("refresh", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    names = ", ".join(sheet for sheet in owned_sheets(Package.read(path)).values())
    assert result.stdout.splitlines()[0] == f"pmo_xl.xlsm: {names}"
    after = entries(path)
    assert changed(before, after) == sorted(CHANGEABLE)
    assert after[VBA] == before[VBA]
    assert after[RIBBON] == before[RIBBON]
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert f'Type="{RIBBON_REL}" Target="{RIBBON}"'.encode() in after["_rels/.rels"]
    assert CT_XLSM_MAIN.encode() in after["[Content_Types].xml"]
    assert b'<workbookPr codeName="ThisWorkbook"' in after["xl/workbook.xml"]
    assert b'Target="vbaProject.bin"' in after["xl/_rels/workbook.xml.rels"]
    assert list(owned_sheets(Package.read(path))) == list(SHEET_KINDS)


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_xlsx_and_xlsm_refresh_alike(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"chantier{suffix}"
    if suffix == ".xlsm":
        macro_enabled_sample(path)
    else:
        shutil.copyfile(SAMPLE, path)
    original = path.read_bytes()
    before = entries(path)
    result = services.refresh_file(path)
    after = entries(path)
    assert changed(before, after) == sorted(CHANGEABLE)
    assert (VBA in after) == (suffix == ".xlsm")
    if suffix == ".xlsm":
        assert after[VBA] == entries(BUILT)[VBA]
        assert after[RIBBON] == entries(BUILT)[RIBBON]
        assert CT_XLSM_MAIN.encode() in after["[Content_Types].xml"]
    assert result.backup is not None and result.backup.suffix == suffix
    assert result.backup.read_bytes() == original
    analysis = result.analysis.as_json()
    analysis.pop("file")
    assert analysis == reference_analysis()
    assert owned_sheets(Package.read(path)) == {s.kind: s.name for s in result.report.sheets}
    assert read_project(path).equals(read_project(SAMPLE))


# ----------------------------------------------------------------------------- known defects


def test_styles_do_not_accumulate_over_refreshes(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    services.refresh_file(path, backups=0)
    first = entries(path)["xl/styles.xml"]
    services.refresh_file(path, backups=0)
    assert entries(path)["xl/styles.xml"] == first


def test_backups_of_another_workbook_are_never_pruned(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    other = copy_sample(tmp_path, "chantier.v2.xlsx")
    theirs = services.refresh_file(other, backups=1).backup
    ours = services.refresh_file(path, backups=1).backup
    assert theirs is not None and ours is not None
    assert theirs.exists()
    assert ours.exists()


def test_backups_made_in_the_same_second_keep_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"0")
    now = dt.datetime(2026, 6, 26, 12, 0, 0)
    for i in range(1, 4):

        def write(tmp: Path, i: int = i) -> None:
            tmp.write_bytes(str(i).encode())

        replace_atomically(path, write, backups=2, now=now)
    kept = sorted(b.read_bytes() for b in (tmp_path / BACKUP_DIR).iterdir())
    assert kept == [b"1", b"2"]


def test_refreshing_a_workbook_without_status_date_does_not_grow_history(tmp_path: Path) -> None:
    path = tmp_path / "pmo_xl.xlsm"
    shutil.copyfile(BUILT, path)
    services.refresh_file(path, backups=0)
    first = read_owned_rows(path, "history")
    services.refresh_file(path, backups=0)
    assert read_owned_rows(path, "history") == first


def test_a_write_failure_is_reported_in_one_line_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pmo_xl.cli import app

    path = copy_sample(tmp_path)

    def fail(self: Package, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Package, "write", fail)
    result = CliRunner().invoke(app, ["refresh", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
