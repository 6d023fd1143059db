"""A workbook made by another tool, with everything openpyxl is known to lose.

Built with XlsxWriter: native chart, image, text box, sparklines, Excel 2010 data bars,
a header image, data validation, conditional formatting, comments, defined names, frozen panes,
formulas with cached values, the real VBA project of the pinned xlwings package and an
Office 2010 ribbon part (customUI14.xml) with its relationship.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter
import xlwings
from xlsxwriter.workbook import Workbook

if TYPE_CHECKING:
    from pmo_xl.model import ProjectData

RIBBON = (
    '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
    '<ribbon><tabs><tab id="userTab" label="Mine"/></tabs></ribbon></customUI>'
)
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def xlwings_vba_project() -> bytes:
    quickstart = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(quickstart) as zf:
        return zf.read("xl/vbaProject.bin")


def png_bytes() -> bytes:
    # a 2x2 red PNG, hand-made so the fixture needs no plotting library
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_foreign(path: Path, extra: Callable[[Workbook], None] | None = None) -> Path:
    """Write the foreign workbook at ``path`` (.xlsm); ``extra(workbook)`` may add sheets."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    wb.add_vba_project(io.BytesIO(xlwings_vba_project()), is_stream=True)
    ws = wb.add_worksheet("Notes perso")
    ws.write_row(0, 0, ["Mois", "Valeur", "Double"])
    for i in range(6):
        ws.write_number(i + 1, 0, i + 1)
        ws.write_number(i + 1, 1, (i * 7) % 5 + 1)
        ws.write_formula(i + 1, 2, f"=B{i + 2}*2", None, ((i * 7) % 5 + 1) * 2)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='Notes perso'!$B$2:$B$7"})
    ws.insert_chart("E2", chart)
    ws.insert_image("E20", "logo.png", {"image_data": io.BytesIO(png_bytes())})
    ws.insert_textbox("M2", "Zone de texte de l'utilisateur", {"width": 200, "height": 60})
    ws.add_sparkline("D2", {"range": "'Notes perso'!A2:C2"})
    ws.conditional_format("B2:B7", {"type": "data_bar", "data_bar_2010": True})
    ws.conditional_format(
        "C2:C7",
        {
            "type": "cell",
            "criteria": ">",
            "value": 5,
            "format": wb.add_format({"bg_color": "#FFC7CE"}),
        },
    )
    ws.data_validation("A10:A20", {"validate": "list", "source": ["oui", "non"]})
    ws.write_comment("A1", "Commentaire utilisateur")
    ws.set_header("&L&G", {"image_left": "header.png", "image_data_left": io.BytesIO(png_bytes())})
    ws.freeze_panes(1, 0)
    wb.define_name("MesValeurs", "='Notes perso'!$B$2:$B$7")
    wb.define_name("'Notes perso'!Local", "='Notes perso'!$A$1")
    if extra is not None:
        extra(wb)
    wb.close()
    data = _add_ribbon(buf.getvalue())
    path.write_bytes(data)
    return path


def _add_ribbon(xlsm: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsm))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdRibbon" Type="{RIBBON_REL}" '
                    'Target="customUI/customUI14.xml"/></Relationships>'.encode(),
                )
            dst.writestr(info, data)
        dst.writestr("customUI/customUI14.xml", RIBBON)
    return out.getvalue()


def write_foreign_project(path: Path, project: ProjectData) -> Path:
    """The foreign workbook of ``write_foreign`` that also holds ``project``'s canonical input
    sheets (Project, Tasks, ... Settings, Guide), written into the same XlsxWriter workbook by
    the template's own sheet writers, so that ``read_project`` reads ``project`` back.

    Mirrors the body of ``pmo_xl.io.template._build`` (which owns its ``Workbook`` and so cannot
    be handed this one): the same writers, formats and id-list names, in the same order.
    """
    from pmo_xl.io import template as t
    from pmo_xl.schema import GUIDE_SHEET, PROJECT, SHEETS, SHEETS_BY_KEY, TABLE_SHEETS

    lang = project.language

    def canonical_sheets(wb: Workbook) -> None:
        # the template writes text with write_string / write_column; these two options keep
        # write_column from turning text that looks like a formula or a URL into one
        wb.strings_to_formulas = False
        wb.strings_to_urls = False
        rows = {s.key: t._record_rows(s, project.tables.get(s.key), lang) for s in TABLE_SHEETS}
        last_rows = {key: t.growth_last_row(t._last_record_row(r)) for key, r in rows.items()}
        book = t._Book(wb, lang, currency=project.project.get("currency"))
        worksheets = {s.key: wb.add_worksheet(s.name(lang)) for s in SHEETS}
        guide = wb.add_worksheet(GUIDE_SHEET[lang])
        for key in t.referenced_sheets():
            wb.define_name(
                t.id_list_name(key), t.id_list_formula(SHEETS_BY_KEY[key], lang, last_rows[key])
            )
        for s in SHEETS:
            ws = worksheets[s.key]
            if s.kind == "form":
                values = project.project if s.key == PROJECT.key else project.settings
                book.write_form(ws, s, values)
            else:
                book.write_table(ws, s, project.tables.get(s.key), rows[s.key], last_rows[s.key])
        book.write_guide(guide, project.settings)

    return write_foreign(path, extra=canonical_sheets)
