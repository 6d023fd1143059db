"""Build the macro-enabled workbook ``workbooks/pmo_xl.xlsm`` on Linux, without Excel.

``build_addin(output, lang)`` takes:

* the canonical template, exactly as ``pmo_xl.io.template.write_workbook`` writes it;
* the VBA modules of ``macros/*.bas`` (the source of truth, module name = file name) and the
  standalone xlwings module of the installed, pinned xlwings package (``xlwings/xlwings.bas``:
  it names versioned DLLs, so it is never copied into the repository);
* the ``Dictionary`` class module that ``xlwings.bas`` uses on macOS (``#If Mac``; Windows
  compiles that code out). The pinned package ships it only inside
  ``xlwings/quickstart_standalone.xlsm``: it is read from there with oletools' ``VBA_Parser``
  (a reader independent of ours; oletools is needed to build, not to run) and stored as a class
  module, its source byte for byte as Excel saved it in the quickstart;
* the ribbon ``macros/customUI14.xml``;

and assembles them by editing the template's zip package (``pmo_xl.io.package``):

* code names: ``<workbookPr codeName="ThisWorkbook">`` and ``<sheetPr codeName="SheetN">`` in
  sheet order, matching the document modules of the VBA project;
* ``xl/vbaProject.bin`` (``ovba`` streams in a ``cfb`` compound file), its relationship from the
  workbook, the ``bin`` content type, and the workbook part typed as macro-enabled;
* ``customUI/customUI14.xml`` referenced from ``_rels/.rels`` (``ribbon``).

Nothing depends on the clock or the machine: same inputs, same bytes. The file is written to a
temporary file beside ``output``, then moved into place.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
import uuid
from pathlib import Path

from pmo_xl.addin.cfb import write_cfb
from pmo_xl.addin.ovba import (
    CLASS_BASE,
    CODEC,
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    Module,
    crlf,
    document_module,
    project_streams,
)
from pmo_xl.addin.ribbon import add_ribbon, missing_callbacks
from pmo_xl.errors import PmoError, WriteError
from pmo_xl.io.package import Package, sheets, workbook_part
from pmo_xl.schema import Lang

REPO = Path(__file__).resolve().parents[2]
MACROS_DIR = REPO / "macros"
RIBBON_SOURCE = "customUI14.xml"
DEFAULT_OUTPUT = REPO / "workbooks" / "pmo_xl.xlsm"

WORKBOOK_CODE_NAME = "ThisWorkbook"
VBA_PART = "xl/vbaProject.bin"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

_VB_NAME_RE = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.MULTILINE)

QUICKSTART = "quickstart_standalone.xlsm"
XLWINGS_CLASSES = ("Dictionary",)  # class modules of the quickstart that xlwings.bas uses


def xlwings_dir() -> Path:
    """The folder of the installed xlwings package.

    Located without importing xlwings: only ``pmo_xl.excel`` imports it (DESIGN.md layering).
    """
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise PmoError("xlwings is not installed: pip install the pinned version")
    return Path(spec.origin).parent


def xlwings_bas() -> Path:
    """The standalone VBA module shipped with the installed xlwings package."""
    return xlwings_dir() / "xlwings.bas"


def xlwings_quickstart() -> Path:
    """The standalone quickstart workbook of the installed xlwings package."""
    return xlwings_dir() / QUICKSTART


def read_class_module(workbook: Path, name: str) -> Module:
    """Class module ``name`` of ``workbook``'s VBA project, its source as the file stores it.

    Read with oletools' ``VBA_Parser``, which names a module of type 0x0022 (class or document)
    ``<name>.cls``; ``VB_Base`` must be a class module's, not a sheet's or the workbook's.
    """
    try:
        from oletools.olevba import VBA_Parser
    except ImportError:
        raise PmoError("building the workbook needs oletools: pip install oletools") from None
    try:
        parser = VBA_Parser(str(workbook), relaxed=False)
        try:
            found = [
                code
                for _file, _stream, filename, code in parser.extract_macros()
                if filename == f"{name}.cls"
            ]
        finally:
            parser.close()
    except Exception as exc:  # olevba reports a bad file with its own exception types
        raise PmoError(f"cannot read the VBA project ({exc})", path=str(workbook)) from None
    if len(found) != 1:
        raise PmoError(f"expected one class module {name}, found {len(found)}", path=str(workbook))
    code = found[0]
    header = code.split("\r\n", 2)[:2]
    if header != [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{CLASS_BASE}"']:
        raise PmoError(f"{name} is not a class module: {header}", path=str(workbook))
    if "\ufffd" in code or crlf(code) != code:
        # olevba decodes with errors="replace"; CRLF-terminated lines are stored unchanged
        raise PmoError(f"{name}: source would not be stored byte for byte", path=str(workbook))
    return Module(name, code, "class")


def read_module(path: Path) -> Module:
    """A standard module from a ``.bas`` file; its ``VB_Name`` must be the file's name."""
    try:
        code = path.read_bytes().decode(CODEC)
    except (OSError, UnicodeDecodeError) as exc:
        raise PmoError(f"cannot read the VBA module ({exc})", path=str(path)) from None
    match = _VB_NAME_RE.search(code)
    if match is None or match.group(1) != path.stem:
        raise PmoError(f'the first line must be Attribute VB_Name = "{path.stem}"', path=str(path))
    return Module(path.stem, code)


def source_modules(macros_dir: Path = MACROS_DIR) -> list[Module]:
    """Our modules (``macros/*.bas``, by name), the pinned xlwings module, its class modules."""
    ours = [read_module(p) for p in sorted(macros_dir.glob("*.bas"))]
    classes = [read_class_module(xlwings_quickstart(), n) for n in XLWINGS_CLASSES]
    return [*ours, read_module(xlwings_bas()), *classes]


def code_names(sheet_count: int) -> list[str]:
    return [f"Sheet{i}" for i in range(1, sheet_count + 1)]


def vba_project(sheet_code_names: list[str], modules: list[Module]) -> bytes:
    """``vbaProject.bin``: document modules (workbook, sheets), then ``modules``."""
    documents = [document_module(WORKBOOK_CODE_NAME, WORKBOOK_BASE)]
    documents += [document_module(name, WORKSHEET_BASE) for name in sheet_code_names]
    return write_cfb(project_streams([*documents, *modules]))


def build_addin(
    output: Path = DEFAULT_OUTPUT, lang: Lang = "fr", *, macros_dir: Path = MACROS_DIR
) -> Path:
    """Write the macro-enabled template at ``output`` and return its path."""
    from pmo_xl.io.template import write_workbook

    ribbon = _read(macros_dir / RIBBON_SOURCE)
    modules = source_modules(macros_dir)
    missing = missing_callbacks(ribbon, {m.name: m.code for m in modules})
    if missing:
        raise PmoError(
            "ribbon actions without a Sub X(control As IRibbonControl): " + ", ".join(missing),
            path=str(macros_dir / RIBBON_SOURCE),
        )
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="pmo_xl_addin_") as tmp:
        template = Path(tmp) / "template.xlsx"
        write_workbook(template, lang=lang)
        pkg = Package.read(template)
    names = set_code_names(pkg)
    add_vba_project(pkg, vba_project(names, modules))
    add_ribbon(pkg, ribbon)
    _write_atomically(pkg, output)
    return output


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PmoError(f"cannot read ({exc.strerror or exc})", path=str(path)) from None


def set_code_names(pkg: Package) -> list[str]:
    """Give the workbook and each sheet (in order) a code name; return the sheets' names."""
    wb = workbook_part(pkg)
    pkg.put(wb, _with_workbook_code_name(pkg.text(wb)))
    entries = sheets(pkg)
    names = code_names(len(entries))
    for entry, name in zip(entries, names, strict=True):
        pkg.put(entry.part, with_sheet_code_name(pkg.text(entry.part), name))
    return names


def _with_workbook_code_name(xml: str) -> str:
    attr = f' codeName="{WORKBOOK_CODE_NAME}"'
    if re.search(r"<workbookPr(?=[\s/>])", xml):
        return re.sub(r"<workbookPr(?=[\s/>])", "<workbookPr" + attr, xml, count=1)
    anchor = re.search(r"<fileVersion\b[^>]*/>", xml) or re.search(r"<workbook\b[^>]*>", xml)
    assert anchor is not None, "workbook.xml has no <workbook> element"
    return xml[: anchor.end()] + f"<workbookPr{attr}/>" + xml[anchor.end() :]


def with_sheet_code_name(xml: str, name: str) -> str:
    """Sheet XML with ``<sheetPr codeName=name>`` (sheetPr is the worksheet's first child)."""
    attr = f' codeName="{name}"'
    if re.search(r"<sheetPr(?=[\s/>])", xml):
        return re.sub(r"<sheetPr(?=[\s/>])", "<sheetPr" + attr, xml, count=1)
    start = re.search(r"<worksheet\b[^>]*>", xml)
    assert start is not None, "sheet XML has no <worksheet> element"
    return xml[: start.end()] + f"<sheetPr{attr}/>" + xml[start.end() :]


def add_vba_project(pkg: Package, data: bytes) -> None:
    """Add ``xl/vbaProject.bin``, its relationship and content types (workbook macro-enabled)."""
    wb = workbook_part(pkg)
    pkg.put(VBA_PART, data)
    rels_name = "xl/_rels/" + wb.rsplit("/", 1)[-1] + ".rels"
    rels = pkg.text(rels_name)
    used = set(re.findall(r'\bId="([^"]*)"', rels))
    n = 1
    while f"rId{n}" in used:
        n += 1
    rel = f'<Relationship Id="rId{n}" Type="{REL_VBA}" Target="vbaProject.bin"/>'
    pkg.put(rels_name, rels.replace("</Relationships>", rel + "</Relationships>", 1))
    types = pkg.text("[Content_Types].xml")
    if CT_XLSX_MAIN not in types:
        raise PmoError("the template's workbook part has an unexpected content type")
    types = types.replace(CT_XLSX_MAIN, CT_XLSM_MAIN, 1)
    if 'Extension="bin"' not in types:
        default = f'<Default Extension="bin" ContentType="{CT_VBA}"/>'
        types = re.sub(r"(<Types\b[^>]*>)", lambda m: m.group(1) + default, types, count=1)
    pkg.put("[Content_Types].xml", types)


def _write_atomically(pkg: Package, output: Path) -> None:
    tmp = output.with_name(f".~{output.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # O_EXCL with mode 0o666: the file gets the user's usual permissions (umask)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        try:
            pkg.write(tmp)
            os.replace(tmp, output)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise WriteError(
            f"cannot write the workbook ({exc.strerror or exc})", path=str(output)
        ) from None
