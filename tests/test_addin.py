"""The macro-enabled workbook: MS-OVBA streams, MS-CFB container, the built .xlsm.

Independent readers judge what we write: oletools' ``decompress_stream`` and ``VBA_Parser``
(olevba) for the VBA project, ``olefile`` for the compound file, LibreOffice for the workbook.
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream
from soffice import convert, needs_soffice, pdf_pages, to_pdf

from pmo_xl.addin import build, cfb, ovba
from pmo_xl.addin.build import build_addin
from pmo_xl.errors import PmoError
from pmo_xl.io.package import Package, sheets

REPO = Path(__file__).resolve().parents[1]
OUR_MODULES = sorted(p.stem for p in (REPO / "macros").glob("*.bas"))
CLASS = "Dictionary"  # the class module xlwings.bas uses on macOS, from the pinned quickstart
STANDARD = [*OUR_MODULES, "xlwings"]


def decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


def olevba_modules(path: Path) -> dict[str, tuple[str, str]]:
    """olevba's reading of ``path``: stream path -> (file name it gives, source)."""
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        return {
            stream: (filename, code)
            for _f, stream, filename, code in parser.extract_macros()
            if stream != "xlm_macro"
        }
    finally:
        parser.close()


@pytest.fixture(scope="module")
def quickstart_class() -> str:
    """The Dictionary class module of the pinned xlwings' quickstart, as olevba reads it."""
    filename, code = olevba_modules(build.xlwings_quickstart())[f"VBA/{CLASS}"]
    assert filename == f"{CLASS}.cls"
    return code


def dir_module_types(dir_data: bytes) -> dict[str, int]:
    """MODULENAME -> MODULETYPE record id (0x0021 procedural, 0x0022 class or document)."""
    types: dict[str, int] = {}
    name, pos = "", 0
    while pos < len(dir_data):
        record_id, size = struct.unpack_from("<HI", dir_data, pos)
        if record_id == 0x0009:  # PROJECTVERSION: the size field is Reserved (4), then 6 bytes
            size = 6
        payload = dir_data[pos + 6 : pos + 6 + size]
        if record_id == 0x0019:
            name = payload.decode("cp1252")
        elif record_id in (0x0021, 0x0022):
            types[name] = record_id
        pos += 6 + size
    return types


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "pmo_xl.xlsm")


@pytest.fixture(scope="module")
def sheet_count(built: Path) -> int:
    return len(sheets(Package.read(built)))


# --------------------------------------------------------------------------- compression


# MS-OVBA 3.2.1 (no compression) and 3.2.2 (normal compression), byte for byte.
SPEC_VECTORS = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_VECTORS)
def test_compress_matches_the_spec_examples(plain: bytes, packed: str) -> None:
    assert ovba.compress(plain) == bytes.fromhex(packed)
    assert decompress(bytes.fromhex(packed)) == plain


def _text(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    words = [b"Dim", b"As", b"String", b"    ", b"End Sub", b"\r\n", b"x", b"RunPython", b" "]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words)
    return bytes(out[:n])


@pytest.mark.parametrize(
    "plain",
    [
        b"",
        b"a",
        b"ab",
        b"abc",
        b"a" * 10_000,  # runs: overlapping copies and maximum lengths in every chunk
        _text(4095, 1),
        _text(4096, 2),
        _text(4097, 3),
        _text(3 * 4096 + 17, 4),
        bytes(range(256)) * 40,
    ],
    ids=lambda p: f"{len(p)}B",
)
def test_compress_round_trips_through_olevba(plain: bytes) -> None:
    packed = ovba.compress(plain)
    assert packed[0] == 1
    assert decompress(packed) == plain


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3600))
def test_compress_round_trips_any_bytes_in_one_chunk(plain: bytes) -> None:
    assert decompress(ovba.compress(plain)) == plain


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"b", b"\r\n", b"Sub ", b"    "]), max_size=6000))
def test_compress_round_trips_many_chunks(parts: list[bytes]) -> None:
    plain = b"".join(parts)
    assert decompress(ovba.compress(plain)) == plain


def test_xlwings_module_round_trips() -> None:
    source = build.xlwings_bas().read_bytes()
    assert len(source) > 4 * 4096
    assert decompress(ovba.compress(source)) == source


def test_incompressible_chunk_is_refused_not_stored_raw() -> None:
    noise = random.Random(0).randbytes(4096)
    with pytest.raises(ValueError, match=r"bytes 0\.\.4095 do not compress"):
        ovba.compress(noise)


# --------------------------------------------------------------------------- obfuscation

# PROJECT stream of xlwings' quickstart_standalone.xlsm (saved by Excel): an unprotected,
# password-less, visible project.
EXCEL_ID = "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"
EXCEL_FIELDS = [
    ("8D8FA61394EA98EA98EA98EA98", b"\x00\x00\x00\x00"),  # CMG
    ("8D8FA61394EF95EF95EF", b"\x00"),  # DPB
    ("8D8FA61394EF95EF9510", b"\xff"),  # GC
]


@pytest.mark.parametrize(("hex_text", "data"), EXCEL_FIELDS)
def test_encryption_reproduces_excel(hex_text: str, data: bytes) -> None:
    key, ignored, plain = ovba.decrypt(bytes.fromhex(hex_text))
    assert key == ovba.project_key(EXCEL_ID) == 0x2B
    assert plain == data
    assert ovba.encrypt(data, EXCEL_ID, seed=0x8D, ignored=ignored).hex().upper() == hex_text


def test_project_stream_says_unprotected_no_password_visible() -> None:
    text = ovba.project_stream([ovba.Module("M", 'Attribute VB_Name = "M"\n')]).decode("cp1252")
    fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"\r$', text, re.MULTILINE))
    expected = {"CMG": b"\x00\x00\x00\x00", "DPB": b"\x00", "GC": b"\xff"}
    for name, data in expected.items():
        key, _ignored, plain = ovba.decrypt(bytes.fromhex(fields[name]))
        assert (key, plain) == (ovba.project_key(ovba.PROJECT_ID), data)


def test_project_stream_text() -> None:
    modules = [
        ovba.document_module("ThisWorkbook", ovba.WORKBOOK_BASE),
        ovba.document_module("Sheet1", ovba.WORKSHEET_BASE),
        ovba.Module("PmoRibbon", 'Attribute VB_Name = "PmoRibbon"\n'),
    ]
    lines = ovba.project_stream(modules).decode("cp1252").split("\r\n")
    assert lines[:8] == [
        f'ID="{ovba.PROJECT_ID}"',
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=PmoRibbon",
        'Name="VBAProject"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        lines[7],
    ]
    assert [line.split("=", 1)[0] for line in lines[7:10]] == ["CMG", "DPB", "GC"]
    assert lines[10:] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        "ThisWorkbook=0, 0, 0, 0, C",
        "Sheet1=0, 0, 0, 0, C",
        "PmoRibbon=0, 0, 0, 0, C",
        "",
    ]


def test_project_wm_and_vba_project_streams() -> None:
    modules = [ovba.Module("Ab", ""), ovba.Module("C", "")]
    assert ovba.project_wm_stream(modules) == b"Ab\x00A\x00b\x00\x00\x00C\x00C\x00\x00\x00\x00\x00"
    assert bytes.fromhex("CC61FFFF000000") == ovba.VBA_PROJECT_STREAM


@pytest.mark.parametrize(
    ("text", "stored"),
    [("a\nb", "a\r\nb\r\n"), ("a\r\nb\r\n", "a\r\nb\r\n"), ("a\rb\n\n", "a\r\nb\r\n\r\n")],
)
def test_sources_are_stored_with_crlf(text: str, stored: str) -> None:
    assert ovba.crlf(text) == stored


def test_class_module_is_listed_as_class_and_typed_0x22() -> None:
    modules = [
        ovba.document_module("ThisWorkbook", ovba.WORKBOOK_BASE),
        ovba.Module("M", 'Attribute VB_Name = "M"\n'),
        ovba.Module(
            "C", f'Attribute VB_Name = "C"\nAttribute VB_Base = "{ovba.CLASS_BASE}"\n', "class"
        ),
    ]
    lines = ovba.project_stream(modules).decode("cp1252").split("\r\n")
    assert lines[1:4] == ["Document=ThisWorkbook/&H00000000", "Module=M", "Class=C"]
    assert "C=0, 0, 0, 0, C" in lines
    assert dir_module_types(ovba.dir_stream(modules)) == {
        "ThisWorkbook": 0x0022,
        "M": 0x0021,
        "C": 0x0022,
    }


def test_duplicate_module_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        ovba.project_streams([ovba.Module("A", ""), ovba.Module("a", "")])


# --------------------------------------------------------------------------- compound file


def _red_black_ok(ole: olefile.OleFileIO, sid: int) -> int:
    """Black height of the subtree at ``sid``; asserts the red-black rules on the way."""
    if sid == cfb.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    left, right = entry.sid_left, entry.sid_right
    if entry.color == cfb.RED:
        for child in (left, right):
            assert child == cfb.NOSTREAM or ole.direntries[child].color == cfb.BLACK
    height = _red_black_ok(ole, left)
    assert _red_black_ok(ole, right) == height
    return height + (entry.color == cfb.BLACK)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 40])
def test_cfb_is_read_strictly_by_olefile(count: int) -> None:
    streams = {f"S/n{i:02d}": bytes([i]) * (i * 300) for i in range(count)}
    streams["Top"] = b"x" * 4096  # at the cutoff: regular sectors
    streams["Small"] = b"y" * 4095  # below: mini stream
    data = cfb.write_cfb(streams)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(k for k in streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
    assert (ole.dll_version, ole.sector_size, ole.mini_sector_size) == (3, 512, 64)
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (cfb.STORAGE, cfb.ROOT):
            assert ole.direntries[entry.sid_child].color == cfb.BLACK  # a black root
            _red_black_ok(ole, entry.sid_child)
        if entry is not None:
            assert (entry.createTime, entry.modifyTime) == (0, 0)
    assert cfb.write_cfb(streams) == data


def test_cfb_names_are_checked() -> None:
    with pytest.raises(ValueError, match="invalid compound file entry name"):
        cfb.write_cfb({"x" * 32: b""})


# --------------------------------------------------------------------------- built workbook


def test_olevba_extracts_exactly_our_modules_and_pinned_xlwings(
    built: Path, sheet_count: int, quickstart_class: str
) -> None:
    modules = olevba_modules(built)
    extracted = {stream: code for stream, (_filename, code) in modules.items()}
    documents = ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, sheet_count + 1))]
    assert sorted(extracted) == sorted(f"VBA/{n}" for n in [*documents, *STANDARD, CLASS])
    for name in OUR_MODULES:
        source = (REPO / "macros" / f"{name}.bas").read_text(encoding="cp1252")
        assert extracted[f"VBA/{name}"] == ovba.crlf(source)
    assert extracted["VBA/xlwings"] == build.xlwings_bas().read_bytes().decode("cp1252")
    for name in documents:
        assert extracted[f"VBA/{name}"].startswith(f'Attribute VB_Name = "{name}"\r\n')
    # the class module: exactly the quickstart's source, typed as a class/document module
    assert modules[f"VBA/{CLASS}"] == (f"{CLASS}.cls", quickstart_class)
    assert [modules[f"VBA/{n}"][0] for n in STANDARD] == [f"{n}.bas" for n in STANDARD]


def test_class_module_keeps_excels_class_attributes(quickstart_class: str) -> None:
    attributes = dict(re.findall(r"^Attribute (VB_\w+) = (.*)\r$", quickstart_class, re.MULTILINE))
    assert attributes["VB_Name"] == f'"{CLASS}"'
    assert attributes["VB_Base"] == f'"{ovba.CLASS_BASE}"'
    flags = ("VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId", "VB_Exposed")
    assert [attributes[k] for k in flags] == ["False", "False", "False", "True"]
    module = build.read_class_module(build.xlwings_quickstart(), CLASS)
    assert (module.kind, module.source()) == ("class", quickstart_class.encode("cp1252"))


def _vba_streams(path: Path) -> tuple[olefile.OleFileIO, bytes]:
    with zipfile.ZipFile(path) as zf:
        ole = olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin")))
    return ole, decompress(ole.openstream("VBA/dir").read())


def _module_source(path: Path, name: str) -> bytes:
    """Module ``name``'s stored source: its stream decompressed from its MODULEOFFSET."""
    ole, dir_data = _vba_streams(path)
    at = dir_data.index(b"\x19\x00" + struct.pack("<I", len(name)) + name.encode("cp1252"))
    record = dir_data.index(b"\x31\x00\x04\x00\x00\x00", at)
    (offset,) = struct.unpack_from("<I", dir_data, record + 6)
    return decompress(ole.openstream(f"VBA/{name}").read()[offset:])


def test_class_source_is_byte_identical_to_the_quickstart(built: Path) -> None:
    quickstart = _module_source(build.xlwings_quickstart(), CLASS)
    assert quickstart.startswith(f'Attribute VB_Name = "{CLASS}"\r\n'.encode())
    assert _module_source(built, CLASS) == quickstart


def test_building_without_oletools_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "oletools.olevba", None)  # import fails
    with pytest.raises(PmoError, match="needs oletools"):
        build.read_class_module(build.xlwings_quickstart(), CLASS)


def test_xlwings_uses_the_class_on_mac_only() -> None:
    code = build.xlwings_bas().read_text(encoding="cp1252")
    assert re.search(r"#If Mac Then\s+Dim d As Dictionary\s+Set d = New Dictionary\s+#Else", code)


@pytest.mark.parametrize(
    ("name", "message"),
    [("Sheet1", "Sheet1 is not a class module"), ("Missing", "expected one class module Missing")],
)
def test_only_a_class_module_is_taken(name: str, message: str) -> None:
    with pytest.raises(PmoError, match=message):
        build.read_class_module(build.xlwings_quickstart(), name)


def test_callbacks_call_the_python_entry_points() -> None:
    code = (REPO / "macros" / "PmoRibbon.bas").read_text(encoding="cp1252")
    calls = re.findall(r'RunPython "import pmo_xl\.excel\.macros as m; m\.(\w+)\(\)"', code)
    assert calls == ["validate", "refresh", "risk_matrix", "consolidate", "help"]


def test_olefile_lists_the_expected_streams(built: Path, sheet_count: int) -> None:
    with zipfile.ZipFile(built) as zf:
        vba = zf.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(vba), raise_defects=olefile.DEFECT_INCORRECT)
    documents = ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, sheet_count + 1))]
    expected = ["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"]
    expected += [f"VBA/{n}" for n in [*documents, *STANDARD, CLASS]]
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(expected)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    items = re.findall(r"^(Document|Module|Class)=([^/\r]+)", project, re.MULTILINE)
    assert items == [
        *(("Document", n) for n in documents),
        *(("Module", n) for n in STANDARD),
        ("Class", CLASS),
    ]
    assert f"{CLASS}=0, 0, 0, 0, C" in project.split("\r\n")
    # the dir stream types the class module 0x0022 (class or document), the others 0x0021
    dir_data = decompress(ole.openstream("VBA/dir").read())
    assert dir_module_types(dir_data) == {
        **dict.fromkeys(documents, 0x0022),
        **dict.fromkeys(STANDARD, 0x0021),
        CLASS: 0x0022,
    }
    # every module's source sits at offset 0 (MODULEOFFSET records, id 0x0031, all 0)
    offsets = [
        struct.unpack_from("<I", dir_data, m.end())[0]
        for m in re.finditer(b"\x31\x00\x04\x00\x00\x00", dir_data)
    ]
    assert offsets == [0] * len(expected[4:])


def test_package_code_names_and_parts(built: Path, sheet_count: int) -> None:
    pkg = Package.read(built)
    workbook = pkg.text("xl/workbook.xml")
    assert '<workbookPr codeName="ThisWorkbook"' in workbook
    for i, entry in enumerate(sheets(pkg), start=1):
        assert re.search(rf'<sheetPr codeName="Sheet{i}"[ />]', pkg.text(entry.part))
    types = pkg.text("[Content_Types].xml")
    assert 'PartName="/xl/workbook.xml" ContentType="' + build.CT_XLSM_MAIN in types
    assert f'<Default Extension="bin" ContentType="{build.CT_VBA}"/>' in types
    rels = pkg.text("xl/_rels/workbook.xml.rels")
    assert f'Type="{build.REL_VBA}" Target="vbaProject.bin"' in rels
    assert sheet_count == 12


def test_build_keeps_the_template_parts(built: Path, tmp_path: Path) -> None:
    from pmo_xl.io.template import write_workbook

    write_workbook(tmp_path / "t.xlsx", lang="fr")
    template = Package.read(tmp_path / "t.xlsx").parts
    ours = Package.read(built).parts
    edited = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    edited |= {n for n in template if n.startswith("xl/worksheets/sheet")}
    assert set(ours) == set(template) | {"xl/vbaProject.bin", "customUI/customUI14.xml"}
    for name, part in template.items():
        if name not in edited:
            assert ours[name].data == part.data, name


def test_same_inputs_same_bytes(built: Path, tmp_path: Path) -> None:
    again = build_addin(tmp_path / "again.xlsm")
    assert again.read_bytes() == built.read_bytes()


def test_committed_workbook_is_up_to_date(built: Path) -> None:
    """workbooks/pmo_xl.xlsm is what the build makes now (rebuild: make workbooks)."""
    assert (REPO / "workbooks" / "pmo_xl.xlsm").read_bytes() == built.read_bytes()


def test_english_build_has_the_same_vba_project(built: Path, tmp_path: Path) -> None:
    english = build_addin(tmp_path / "en.xlsm", lang="en")
    with zipfile.ZipFile(english) as en, zipfile.ZipFile(built) as fr:
        assert en.read("xl/vbaProject.bin") == fr.read("xl/vbaProject.bin")
        assert en.read("xl/workbook.xml") != fr.read("xl/workbook.xml")


def test_a_module_must_be_named_after_its_file(tmp_path: Path) -> None:
    (tmp_path / "Other.bas").write_text('Attribute VB_Name = "Different"\n', encoding="cp1252")
    with pytest.raises(PmoError, match='first line must be Attribute VB_Name = "Other"'):
        build.read_module(tmp_path / "Other.bas")


def test_unwritable_output_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(PmoError, match="cannot write the workbook"):
        build_addin(tmp_path / "missing" / "x.xlsm")


# --------------------------------------------------------------------------- LibreOffice


@needs_soffice
def test_libreoffice_renders_the_workbook(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsm"  # LibreOffice never touches a file we ship
    copy.write_bytes(built.read_bytes())
    assert pdf_pages(to_pdf(copy, tmp_path / "pdf")) >= 1


@needs_soffice
def test_libreoffice_imports_the_modules(
    built: Path, tmp_path: Path, sheet_count: int, quickstart_class: str
) -> None:
    copy = tmp_path / "copy.xlsm"
    copy.write_bytes(built.read_bytes())
    ods = convert(copy, tmp_path / "ods", "ods")
    with zipfile.ZipFile(ods) as zf:
        library = zf.read("Basic/VBAProject/script-lb.xml").decode()
        documents = ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, sheet_count + 1))]
        names = re.findall(r'library:element library:name="([^"]+)"', library)
        assert sorted(names) == sorted([*documents, *STANDARD, CLASS])
        for name in documents:
            module = zf.read(f"Basic/VBAProject/{name}.xml").decode()
            assert 'script:moduleType="document"' in module
        for name in STANDARD:
            module = zf.read(f"Basic/VBAProject/{name}.xml").decode()
            assert 'script:moduleType="normal"' in module
        # the class module is imported as a class (LibreOffice's own marks, then the code
        # without the Attribute lines, procedure attributes included)
        module = _unescape(zf.read(f"Basic/VBAProject/{CLASS}.xml").decode())
        assert 'script:moduleType="class">' in module
        header = "Rem Attribute VBA_ModuleType=VBAClassModule\nOption VBASupport 1\n"
        assert f'moduleType="class">{header}Option ClassModule\n' in module
        code = [x for x in quickstart_class.split("\r\n") if not x.startswith("Attribute ")]
        assert "\n".join(code).strip() in module
        ribbon_module = _unescape(zf.read("Basic/VBAProject/PmoRibbon.xml").decode())
        source = (REPO / "macros" / "PmoRibbon.bas").read_text(encoding="cp1252")
        body = source.split("\n", 1)[1]  # LibreOffice drops the Attribute line
        assert body.strip() in ribbon_module
        # LibreOffice bound each sheet to its code name
        settings_xml = zf.read("settings.xml").decode()
        code_names = re.findall(
            r'<config:config-item config:name="CodeName" config:type="string">(\w+)<',
            settings_xml,
        )
        assert sorted(code_names) == sorted(documents)


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
    ).replace("&amp;", "&")


def test_cli_build_addin(built: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pmo_xl.cli import app

    target = tmp_path / "cli.xlsm"
    result = CliRunner().invoke(app, ["build-addin", "-o", str(target)])
    assert (result.exit_code, result.stdout.strip()) == (0, str(target))
    assert target.read_bytes() == built.read_bytes()
    result = CliRunner().invoke(app, ["build-addin", "-o", str(tmp_path / "no" / "x.xlsm")])
    assert result.exit_code == 2
