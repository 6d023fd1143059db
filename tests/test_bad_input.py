"""Files that are not readable project workbooks, through the real CLI.

Each gives exit code 2, exactly one line on stderr naming the file and the problem, no
traceback, nothing on stdout and no file written.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from pmo_xl.io import read
from pmo_xl.schema import PROJECT, TABLE_SHEETS, Lang

CLI = Path(sys.executable).with_name("pmo-xl")


def run_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "validate", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_refused(path: Path, message: str) -> None:
    before = sorted(p.name for p in path.parent.iterdir())
    result = run_validate(path)
    assert result.returncode == 2, result
    assert result.stderr == f"pmo-xl: {path.name}: {message}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in path.parent.iterdir()) == before


def project_workbook(path: Path, lang: Lang = "en", skip: tuple[str, ...] = ()) -> Path:
    """A minimal workbook with every input sheet and its headers (rows: none)."""
    with xlsxwriter.Workbook(path) as wb:
        project = wb.add_worksheet(PROJECT.name(lang))
        project.write_column(2, 0, [c.header(lang) for c in PROJECT.columns])
        for s in TABLE_SHEETS:
            if s.key in skip:
                continue
            ws = wb.add_worksheet(s.name(lang))
            headers = [c.header(lang) for c in s.columns]
            if s.key == "tasks" and "task_id" in skip:
                headers = headers[1:]
            ws.write_row(0, 0, headers)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    return d


def test_missing_file(folder: Path) -> None:
    assert_refused(folder / "absent.xlsx", "file not found")


def test_directory(folder: Path) -> None:
    (folder / "dir.xlsx").mkdir()
    assert_refused(folder / "dir.xlsx", "is a directory, not a workbook")


def test_empty_file(folder: Path) -> None:
    (folder / "empty.xlsx").write_bytes(b"")
    assert_refused(folder / "empty.xlsx", "is empty (0 bytes), not a workbook")


def test_not_a_zip(folder: Path) -> None:
    (folder / "notes.xlsx").write_text("Task ID;Task name\nT010;Studies\n", encoding="utf-8")
    assert_refused(folder / "notes.xlsx", "is not an Excel workbook (.xlsx or .xlsm)")


def test_truncated_zip(folder: Path) -> None:
    whole = project_workbook(folder / "whole.xlsx").read_bytes()
    (folder / "whole.xlsx").unlink()
    (folder / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    assert_refused(folder / "cut.xlsx", "is damaged or truncated (incomplete zip package)")


def test_zip_that_is_not_a_workbook(folder: Path) -> None:
    with zipfile.ZipFile(folder / "docs.xlsx", "w") as z:
        z.writestr("word/document.xml", "<document/>")
    assert_refused(
        folder / "docs.xlsx", "is a zip file but not an Excel workbook (no xl/workbook.xml)"
    )


def test_binary_workbook(folder: Path) -> None:
    with zipfile.ZipFile(folder / "book.xlsb", "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert_refused(folder / "book.xlsb", "is a binary workbook (.xlsb); save it as .xlsx or .xlsm")


def test_password_protected_workbook(folder: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = project_workbook(folder / "plain.xlsx")
    encrypted = io.BytesIO()
    with plain.open("rb") as f:
        ooxml.OOXMLFile(f).encrypt("secret", encrypted)
    plain.unlink()
    (folder / "locked.xlsx").write_bytes(encrypted.getvalue())
    assert (folder / "locked.xlsx").read_bytes()[:8] == read.OLE_MAGIC
    assert_refused(
        folder / "locked.xlsx",
        "the workbook is password-protected (encrypted); remove the password in Excel "
        "(File > Info > Protect Workbook) and save it again",
    )


def test_legacy_xls(folder: Path) -> None:
    # An OLE2 compound file without an EncryptedPackage stream: what Excel 97-2003 writes. The
    # reader looks at the signature and the stream names only; a real BIFF stream is not needed.
    olefile = pytest.importorskip("olefile")
    path = folder / "old.xls"
    path.write_bytes(minimal_ole(olefile))
    assert_refused(
        path,
        "is a legacy Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx or .xlsm",
    )


def minimal_ole(olefile: object) -> bytes:
    """The smallest valid OLE2 file (header, one FAT sector, one directory sector: root only)."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = read.OLE_MAGIC
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[0x1C:0x1E] = b"\xfe\xff"  # little endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift
    header[0x20:0x22] = (6).to_bytes(2, "little")  # mini sector shift
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # FAT sectors
    header[0x30:0x34] = (1).to_bytes(4, "little")  # first directory sector
    header[0x38:0x3C] = (4096).to_bytes(4, "little")  # mini stream cutoff
    header[0x3C:0x40] = (0xFFFFFFFE).to_bytes(4, "little")  # no mini FAT
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")  # no DIFAT sectors
    header[0x4C:0x200] = b"\xff" * (0x200 - 0x4C)
    header[0x4C:0x50] = (0).to_bytes(4, "little")  # FAT in sector 0
    fat = bytearray(b"\xff" * sector)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")  # sector 0: FAT
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")  # sector 1: directory, end of chain
    directory = bytearray(sector)
    name = "Root Entry".encode("utf-16-le") + b"\x00\x00"
    directory[0 : len(name)] = name
    directory[0x40:0x42] = len(name).to_bytes(2, "little")
    directory[0x42] = 5  # root storage
    directory[0x43] = 1  # black
    directory[0x44:0x50] = b"\xff" * 12  # no siblings, no child
    directory[0x74:0x78] = (0xFFFFFFFE).to_bytes(4, "little")
    for i in range(1, 4):  # unused entries
        directory[i * 128 + 0x44 : i * 128 + 0x50] = b"\xff" * 12
    data = bytes(header + fat + directory)
    assert getattr(olefile, "isOleFile")(data=data)  # noqa: B009
    return data


def test_zip_bomb(folder: Path) -> None:
    # 256 MiB of one byte compress to ~250 KiB: a ratio of ~1000, far above any worksheet
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(256):
                part.write(block)
    size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").compress_size
    ratio = (256 << 20) / size
    assert_refused(
        path,
        f"refused: part 'xl/worksheets/sheet1.xml' would expand {ratio:.0f} times "
        f"({size / 1024:.1f} KiB to 256.0 MiB), a zip bomb",
    )


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([(100, 10)], None),
        # a million-row sheet: 340 MB expanding 8.4 times is a workbook
        ([(340_377_815, 40_528_675)], None),
        (
            [(read.MAX_PART_BYTES + 1, read.MAX_PART_BYTES)],
            "refused: part 'xl/worksheets/sheet1.xml' declares 1.0 GiB uncompressed, above the "
            "1.0 GiB limit",
        ),
        (
            [(5 << 30, 5 << 20)],
            "refused: part 'xl/worksheets/sheet1.xml' declares 5.0 GiB uncompressed, above the "
            "1.0 GiB limit",
        ),
        (
            [(1000 << 20, 1000 << 20)] * 3,
            "refused: the parts declare 2.9 GiB uncompressed in all, above the 2.0 GiB limit",
        ),
        ([(64 << 20, 1 << 10)], None),  # small enough for any ratio
        (
            [(65 << 20, 65 << 10)],
            "refused: part 'xl/worksheets/sheet1.xml' would expand 1024 times "
            "(65.0 KiB to 65.0 MiB), a zip bomb",
        ),
    ],
)
def test_zip_limits(sizes: list[tuple[int, int]], expected: str | None) -> None:
    infos = []
    for size, compressed in sizes:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.file_size, info.compress_size = size, compressed
        infos.append(info)
    infos.append(zipfile.ZipInfo("xl/workbook.xml"))
    assert read.zip_problem(infos) == expected


def test_too_many_parts() -> None:
    infos = [zipfile.ZipInfo(f"x/{i}.xml") for i in range(read.MAX_PARTS + 1)]
    assert (
        read.zip_problem(infos) == "refused: 10001 parts in the package, above the limit of 10000"
    )


def test_workbook_without_our_sheets(folder: Path) -> None:
    with xlsxwriter.Workbook(folder / "other.xlsx") as wb:
        wb.add_worksheet("Sheet1").write(0, 0, "hello")
        wb.add_worksheet("Données")
    assert_refused(
        folder / "other.xlsx",
        "not a project workbook: it has none of the input sheets 'Project' (Projet), "
        "'Tasks' (Tâches), 'Resources' (Ressources), ...",
    )


def test_missing_required_sheet(folder: Path) -> None:
    project_workbook(folder / "sample.xlsx", skip=("tasks",))
    assert_refused(folder / "sample.xlsx", "no sheet 'Tasks' (Tâches)")


def test_missing_required_column(folder: Path) -> None:
    project_workbook(folder / "sample.xlsx", "fr", skip=("task_id",))
    assert_refused(
        folder / "sample.xlsx", "sheet 'Tasks' (Tâches) has no column 'Task ID' (ID tâche)"
    )


def test_a_readable_workbook_is_not_refused(folder: Path) -> None:
    project_workbook(folder / "ok.xlsx")
    result = run_validate(folder / "ok.xlsx")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_damaged_part(folder: Path) -> None:
    # the zip directory is sound but a worksheet's XML stops half-way
    whole = project_workbook(folder / "whole.xlsx")
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(folder / "half.xlsx", "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: data.index(b"<c ") + 3]  # stops inside the first cell's tag
            out.writestr(info, data)
    whole.unlink()
    assert_refused(
        folder / "half.xlsx",
        "cannot be read: calamine error: Xlsx error: Xml error: syntax error: tag not closed: "
        "`>` not found before end of input",
    )
