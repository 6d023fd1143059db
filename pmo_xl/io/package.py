"""Splice pmo_xl's own sheets into a user's .xlsx/.xlsm by editing the zip package.

The user's workbook is never loaded and saved by a spreadsheet library (openpyxl drops ribbons,
text boxes, sparklines, cached values...). Instead the owned sheets are built in a separate
workbook (XlsxWriter) and their parts are copied into the user's package:

* every part pmo_xl does not own keeps its exact content (VBA project, ribbon, the user's sheets,
  charts, images, pivot caches, comments, defined names);
* only the bookkeeping changes: ``xl/workbook.xml`` (the ``<sheets>`` list and our defined names),
  its relationships, ``[Content_Types].xml``; ``xl/styles.xml`` only gains entries appended after
  the existing ones, so existing style indices keep their meaning;
* owned sheets are recognised by a marker, a hidden sheet-scoped defined name ``pmo_xl.owned``
  whose value is the sheet's kind (``"dashboard"``...). Excel keeps such a name attached to its
  sheet when the sheet is renamed or moved, so the marker survives a save by Excel. Nothing is
  ever recognised by its name alone;
* owned parts get stable names (``xl/worksheets/pmoxl_<kind>.xml``...), so refreshing twice gives
  the same set of parts;
* strings are written inline (the user's shared-string table is not touched);
* the new package is written to a temporary file in the same folder, then atomically replaces the
  original; the previous version is kept as a backup (see ``BACKUP_DIR``).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from pmo_xl.errors import WorkbookError, WriteError

MARKER = "pmo_xl.owned"
# parts the splice rewrites (besides xl/styles.xml, which only gains entries)
BOOKKEEPING = frozenset({"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"})
BACKUP_DIR = ".pmo_xl_backups"  # beside the workbook; the newest ``backups`` versions are kept

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = NS_REL + "/worksheet"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}


@dataclass
class Part:
    name: str  # zip entry name, no leading slash
    data: bytes
    info: zipfile.ZipInfo | None = None


@dataclass
class Package:
    """A zip package as an ordered dict of parts."""

    parts: dict[str, Part] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Package:
        try:
            with zipfile.ZipFile(path) as zf:
                return cls({i.filename: Part(i.filename, zf.read(i), i) for i in zf.infolist()})
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise WorkbookError(
                f"not a readable .xlsx/.xlsm package ({exc})", path=str(path)
            ) from None

    @classmethod
    def from_bytes(cls, data: bytes) -> Package:
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return cls({i.filename: Part(i.filename, zf.read(i), i) for i in zf.infolist()})

    def text(self, name: str) -> str:
        return self.parts[name].data.decode("utf-8")

    def put(self, name: str, data: bytes | str) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        old = self.parts.get(name)
        self.parts[name] = Part(name, raw, old.info if old else None)

    def rels_of(self, name: str) -> list[tuple[str, str, str, str]]:
        """Relationships of part ``name``: (id, type, resolved target, target mode)."""
        rels_name = rels_path(name)
        if rels_name not in self.parts:
            return []
        root = ET.fromstring(self.parts[rels_name].data)
        out = []
        for rel in root:
            mode = rel.get("TargetMode", "Internal")
            target = rel.get("Target", "")
            if mode != "External":
                target = resolve(name, target)
            out.append((rel.get("Id", ""), rel.get("Type", ""), target, mode))
        return out

    def write(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in self.parts.values():
                info = zipfile.ZipInfo(part.name, date_time=_zip_time(part.info))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = part.info.external_attr if part.info else 0o600 << 16
                zf.writestr(info, part.data)


def _zip_time(info: zipfile.ZipInfo | None) -> tuple[int, int, int, int, int, int]:
    return info.date_time if info else (1980, 1, 1, 0, 0, 0)


def rels_path(name: str) -> str:
    folder, base = posixpath.split(name)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """Absolute part name of ``target`` written relative to part ``source``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


# --------------------------------------------------------------------------- workbook structure


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    part: str
    xml: str  # the <sheet .../> element as written


_SHEET_RE = re.compile(r"<sheet\b[^>]*?/>|<sheet\b[^>]*?>.*?</sheet>", re.S)
_DEFINED_RE = re.compile(r"<definedName\b([^>]*)>(.*?)</definedName>|<definedName\b[^>]*/>", re.S)
_ATTR_RE = re.compile(r'([\w:.]+)\s*=\s*("[^"]*"|\'[^\']*\')')


def attrs(tag_text: str) -> dict[str, str]:
    return {k: _unescape(v[1:-1]) for k, v in _ATTR_RE.findall(tag_text)}


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def workbook_part(pkg: Package) -> str:
    for _rid, rtype, target, _mode in pkg.rels_of(""):
        if rtype.endswith("/officeDocument"):
            return target
    raise WorkbookError("the package has no workbook part")


def sheets(pkg: Package) -> list[SheetEntry]:
    wb = workbook_part(pkg)
    text = pkg.text(wb)
    rels = {rid: target for rid, _t, target, _m in pkg.rels_of(wb)}
    out = []
    for m in _SHEET_RE.finditer(_section(text, "sheets")):
        a = attrs(m.group(0).split(">", 1)[0])
        rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
        out.append(
            SheetEntry(
                a.get("name", ""), int(a.get("sheetId", "0")), rid, rels.get(rid, ""), m.group(0)
            )
        )
    return out


def _section(text: str, tag: str) -> str:
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", text, re.S)
    return m.group(1) if m else ""


def owned_sheets(pkg: Package) -> dict[str, str]:
    """Owned sheet kind -> sheet name, from the ``pmo_xl.owned`` markers."""
    text = pkg.text(workbook_part(pkg))
    entries = sheets(pkg)
    out = {}
    for m in _DEFINED_RE.finditer(_section(text, "definedNames")):
        a = attrs(m.group(1) or "")
        if a.get("name") == MARKER and "localSheetId" in a:
            idx = int(a["localSheetId"])
            if 0 <= idx < len(entries):
                out[_unescape(m.group(2)).strip('"')] = entries[idx].name
    return out


def read_owned_sheets(path: Path) -> dict[str, str]:
    return owned_sheets(Package.read(path))


# --------------------------------------------------------------------------- styles


# CT_Stylesheet child order (ECMA-376 Part 1, 18.8.39): where to create a missing list.
_STYLE_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
STYLE_LISTS = _STYLE_ORDER[:8]  # the indexed lists a splice appends to


def _items(styles: str, tag: str) -> list[str]:
    body = _section(styles, tag)
    child = {
        "numFmts": "numFmt",
        "fonts": "font",
        "fills": "fill",
        "borders": "border",
        "cellStyleXfs": "xf",
        "cellXfs": "xf",
        "cellStyles": "cellStyle",
        "dxfs": "dxf",
    }[tag]
    return re.findall(rf"<{child}\b(?:[^>]*/>|.*?</{child}>)", body, re.S)


def _append_items(styles: str, tag: str, items: list[str]) -> str:
    if not items:
        return styles
    m = re.search(rf"<{tag}\b([^>]*?)(/?)>", styles)
    if m is None:  # create the list at its place in the schema order
        later = _STYLE_ORDER[_STYLE_ORDER.index(tag) + 1 :]
        pos = min(
            (styles.find(f"<{t}") for t in later if f"<{t}" in styles),
            default=styles.rindex("</styleSheet>"),
        )
        block = f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'
        return styles[:pos] + block + styles[pos:]
    count = len(_items(styles, tag)) + len(items)
    head = re.sub(r'\s*count="\d+"', "", m.group(1))
    if m.group(2):  # an empty self-closed list
        return (
            styles[: m.start()]
            + f'<{tag}{head} count="{count}">'
            + "".join(items)
            + f"</{tag}>"
            + styles[m.end() :]
        )
    end = styles.index(f"</{tag}>", m.end())
    return (
        styles[: m.start()]
        + f'<{tag}{head} count="{count}">'
        + styles[m.end() : end]
        + "".join(items)
        + styles[end:]
    )


@dataclass
class StyleMap:
    xf: dict[int, int]
    dxf: dict[int, int]


def merge_styles(user: str, ours: str) -> tuple[str, StyleMap]:
    """Our fonts, fills, borders, number formats, cell formats and dxfs merged into ``user``.

    An entry identical to one ``user`` already has is reused, any other is appended after the
    existing ones: existing indices keep their meaning, and refreshing again (whose styles the
    previous refresh already appended) adds nothing, so styles.xml does not grow.
    """
    merged = user
    fmt_ids: dict[int, int] = {}
    existing_fmts = {attrs(i)["formatCode"]: int(attrs(i)["numFmtId"])
                     for i in _items(user, "numFmts")}  # fmt: skip
    next_fmt = max([163, *existing_fmts.values()]) + 1
    new_fmts = []
    for item in _items(ours, "numFmts"):
        a = attrs(item)
        code, old = a["formatCode"], int(a["numFmtId"])
        if code not in existing_fmts:
            existing_fmts[code] = next_fmt
            new_fmts.append(re.sub(r'numFmtId="\d+"', f'numFmtId="{next_fmt}"', item, count=1))
            next_fmt += 1
        fmt_ids[old] = existing_fmts[code]
    merged = _append_items(merged, "numFmts", new_fmts)

    ids: dict[str, dict[int, int]] = {}
    for tag in ("fonts", "fills", "borders"):
        merged, ids[tag] = _merge_list(merged, tag, _items(ours, tag))

    def remap_xf(xf: str) -> str:
        def sub(m: re.Match[str]) -> str:
            key, val = m.group(1), int(m.group(2))
            if key == "numFmtId":
                val = fmt_ids.get(val, val)
            elif key == "xfId":
                val = 0  # named cell styles are not copied; the format itself is
            else:
                val = ids[{"fontId": "fonts", "fillId": "fills", "borderId": "borders"}[key]].get(
                    val, val
                )
            return f'{key}="{val}"'

        return re.sub(r'\b(numFmtId|fontId|fillId|borderId|xfId)="(\d+)"', sub, xf)

    merged, xf_map = _merge_list(merged, "cellXfs", [remap_xf(x) for x in _items(ours, "cellXfs")])
    merged, dxf_map = _merge_list(merged, "dxfs", _items(ours, "dxfs"))
    return merged, StyleMap(xf_map, dxf_map)


def _merge_list(styles: str, tag: str, items: list[str]) -> tuple[str, dict[int, int]]:
    """``items`` into list ``tag`` of ``styles``, reusing identical entries; old -> new index."""
    existing = _items(styles, tag)
    index: dict[str, int] = {}
    for i, item in enumerate(existing):
        index.setdefault(item, i)
    mapping: dict[int, int] = {}
    added: list[str] = []
    for i, item in enumerate(items):
        if item not in index:
            index[item] = len(existing) + len(added)
            added.append(item)
        mapping[i] = index[item]
    return _append_items(styles, tag, added), mapping


# --------------------------------------------------------------------------- owned sheet parts


def _shared_strings(pkg: Package) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in pkg.parts:
        return []
    body = pkg.text(name)
    return [m.group(1) for m in re.finditer(r"<si>(.*?)</si>", body, re.S)]


def _sheet_xml_for_splice(xml: str, strings: list[str], smap: StyleMap) -> str:
    """Inline the shared strings and shift style indices of one owned sheet."""

    def cell(m: re.Match[str]) -> str:
        head, body = m.group(1), m.group(2)
        head = re.sub(r'\bs="(\d+)"', lambda s: f's="{smap.xf.get(int(s.group(1)), 0)}"', head)
        if 't="s"' in head:
            idx = int(re.search(r"<v>(\d+)</v>", body).group(1))  # type: ignore[union-attr]
            head = head.replace('t="s"', 't="inlineStr"')
            body = f"<is>{strings[idx]}</is>"
        return f"<c{head}>{body}</c>"

    xml = re.sub(r"<c\b([^>]*?)>(.*?)</c>", cell, xml, flags=re.S)
    xml = re.sub(
        r"<c\b([^>]*?)/>",
        lambda m: (
            "<c"
            + re.sub(r'\bs="(\d+)"', lambda s: f's="{smap.xf.get(int(s.group(1)), 0)}"', m.group(1))
            + "/>"
        ),
        xml,
    )
    xml = re.sub(
        r'(<row\b[^>]*?\bs=")(\d+)(")',
        lambda m: m.group(1) + str(smap.xf.get(int(m.group(2)), 0)) + m.group(3),
        xml,
    )
    xml = re.sub(
        r'(<col\b[^>]*?\bstyle=")(\d+)(")',
        lambda m: m.group(1) + str(smap.xf.get(int(m.group(2)), 0)) + m.group(3),
        xml,
    )
    xml = re.sub(
        r'(\bdxfId=")(\d+)(")',
        lambda m: m.group(1) + str(smap.dxf.get(int(m.group(2)), 0)) + m.group(3),
        xml,
    )
    return xml.replace(' tabSelected="1"', "")


def _rels_xml(rels: Iterable[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{rtype}" Target={quoteattr(target)}'
        + (' TargetMode="External"' if mode == "External" else "")
        + "/>"
        for rid, rtype, target, mode in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}">{body}</Relationships>'
    )


@dataclass
class OwnedSheet:
    kind: str  # stable key: dashboard, schedule, ...
    name: str  # sheet name in the workbook's language
    print_titles: str | None = None  # e.g. "$1:$3"


def _copy_owned(
    src: Package, entry: SheetEntry, kind: str, dest: Package, strings: list[str], smap: StyleMap
) -> str:
    """Copy one sheet of ``src`` (and its drawing and images) into ``dest`` under stable names."""
    target = f"xl/worksheets/pmoxl_{kind}.xml"
    dest.put(target, _sheet_xml_for_splice(src.text(entry.part), strings, smap))
    rels = []
    for rid, rtype, tgt, mode in src.rels_of(entry.part):
        if mode == "External":
            rels.append((rid, rtype, tgt, mode))
        elif rtype.endswith("/drawing"):
            drawing = f"xl/drawings/pmoxl_{kind}.xml"
            dest.put(drawing, src.parts[tgt].data)
            media_rels = []
            for n, (mrid, mtype, mtgt, mmode) in enumerate(src.rels_of(tgt), start=1):
                ext = posixpath.splitext(mtgt)[1]
                media = f"xl/media/pmoxl_{kind}_{n}{ext}"
                dest.put(media, src.parts[mtgt].data)
                media_rels.append((mrid, mtype, relative(drawing, media), mmode))
            dest.put(rels_path(drawing), _rels_xml(media_rels))
            rels.append((rid, rtype, relative(target, drawing), mode))
        else:
            raise WriteError(f"owned sheet '{entry.name}' has an unsupported part {tgt}")
    if rels:
        dest.put(rels_path(target), _rels_xml(rels))
    return target


# --------------------------------------------------------------------------- the splice


def splice(user: Package, ours: Package, owned: list[OwnedSheet]) -> Package:
    """A new package: ``user`` with its previous owned sheets replaced by the sheets of ``ours``.

    ``owned`` lists, in order, the sheets of ``ours`` (matched by name) and their kinds.
    """
    wb = workbook_part(user)
    wb_xml = user.text(wb)
    entries = sheets(user)
    previous = owned_sheets(user)
    old_owned_names = set(previous.values())
    removed_idx = [i for i, e in enumerate(entries) if e.name in old_owned_names]
    kept = [e for e in entries if e.name not in old_owned_names]

    out = Package(dict(user.parts))
    # 1. drop the previous owned sheets and everything only they used
    _drop_tree(out, {e.part for e in entries if e.name in old_owned_names}, wb)

    # 2. styles: append ours
    styles_name = _styles_part(user)
    merged, smap = merge_styles(user.text(styles_name), ours.text(_styles_part(ours)))
    out.put(styles_name, merged)

    # 3. copy our sheets in
    our_entries = {e.name: e for e in sheets(ours)}
    strings = _shared_strings(ours)
    new_parts = []
    for sheet in owned:
        if sheet.name in {e.name for e in kept}:
            raise WriteError(
                f"a sheet named '{sheet.name}' already exists and is not pmo_xl's: rename it"
            )
        new_parts.append(_copy_owned(ours, our_entries[sheet.name], sheet.kind, out, strings, smap))

    # 4. workbook relationships: keep the user's, drop removed sheets, add ours
    wb_rels = [
        r
        for r in user.rels_of(wb)
        if r[2] not in {e.part for e in entries} or r[2] in {e.part for e in kept}
    ]
    used_ids = {r[0] for r in wb_rels}
    new_rids = []
    n = 1
    for part in new_parts:
        while f"rId{n}" in used_ids:
            n += 1
        used_ids.add(f"rId{n}")
        new_rids.append(f"rId{n}")
        wb_rels.append((f"rId{n}", REL_WORKSHEET, part, "Internal"))
    out.put(
        rels_path(wb),
        _rels_xml(
            (rid, t, relative(wb, tgt) if m != "External" else tgt, m) for rid, t, tgt, m in wb_rels
        ),
    )

    # 5. workbook.xml: <sheets>, defined names, active tab
    insert_at = removed_idx[0] if removed_idx else len(kept)
    insert_at = min(insert_at, len(kept))
    next_id = max([e.sheet_id for e in entries] + [0]) + 1
    new_entries = []
    for i, (sheet, rid, part) in enumerate(zip(owned, new_rids, new_parts, strict=True)):
        xml = f'<sheet name={quoteattr(sheet.name)} sheetId="{next_id + i}" r:id="{rid}"/>'
        new_entries.append(SheetEntry(sheet.name, next_id + i, rid, part, xml))
    final = kept[:insert_at] + new_entries + kept[insert_at:]
    old_index = {id(e): i for i, e in enumerate(entries)}
    index_map = {old_index[id(e)]: j for j, e in enumerate(final) if id(e) in old_index}
    wb_xml = _replace_sheets(wb_xml, final)
    extra_names = []
    for sheet in owned:
        j = next(k for k, e in enumerate(final) if e.name == sheet.name)
        extra_names.append(
            f'<definedName name="{MARKER}" localSheetId="{j}" hidden="1">'
            f"&quot;{escape(sheet.kind)}&quot;</definedName>"
        )
        if sheet.print_titles:
            ref = _quote_sheet(sheet.name) + "!" + sheet.print_titles
            extra_names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{j}">{escape(ref)}'
                "</definedName>"
            )
    wb_xml = _rewrite_defined_names(wb_xml, index_map, extra_names)
    wb_xml = _remap_active_tab(wb_xml, index_map)
    out.put(wb, wb_xml)

    # 6. content types
    out.put("[Content_Types].xml", _content_types(out, user.text("[Content_Types].xml")))
    return out


def _styles_part(pkg: Package) -> str:
    wb = workbook_part(pkg)
    for _rid, rtype, target, _mode in pkg.rels_of(wb):
        if rtype.endswith("/styles"):
            return target
    raise WriteError("the workbook has no styles part")


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _replace_sheets(wb_xml: str, final: list[SheetEntry]) -> str:
    m = re.search(r"(<sheets\b[^>]*>)(.*?)(</sheets>)", wb_xml, re.S)
    if m is None:
        raise WriteError("workbook.xml has no <sheets> list")
    body = "".join(e.xml for e in final)
    if "xmlns:r=" not in wb_xml.split(">", 2)[1] + wb_xml[: wb_xml.find("<sheets")]:
        body = body.replace(' r:id="', f' xmlns:r="{NS_REL}" r:id="')
    return wb_xml[: m.start(2)] + body + wb_xml[m.end(2) :]


def _rewrite_defined_names(wb_xml: str, index_map: dict[int, int], extra: list[str]) -> str:
    """Drop names of removed sheets and old markers, renumber localSheetId, add ``extra``."""

    def keep(m: re.Match[str]) -> str:
        head = m.group(1) or ""
        a = attrs(head)
        if a.get("name") == MARKER:
            return ""
        if "localSheetId" in a:
            old = int(a["localSheetId"])
            if old not in index_map:
                return ""  # belonged to a removed owned sheet (print titles...)
            return m.group(0).replace(
                f'localSheetId="{old}"', f'localSheetId="{index_map[old]}"', 1
            )
        return m.group(0)

    sec = re.search(r"(<definedNames\b[^>]*>)(.*?)(</definedNames>)", wb_xml, re.S)
    if sec is None:
        if not extra:
            return wb_xml
        pos = wb_xml.index("</sheets>") + len("</sheets>")
        return wb_xml[:pos] + "<definedNames>" + "".join(extra) + "</definedNames>" + wb_xml[pos:]
    body = _DEFINED_RE.sub(keep, sec.group(2)) + "".join(extra)
    if not body:
        return wb_xml[: sec.start()] + wb_xml[sec.end() :]
    return wb_xml[: sec.start(2)] + body + wb_xml[sec.end(2) :]


def _remap_active_tab(wb_xml: str, index_map: dict[int, int]) -> str:
    def sub(m: re.Match[str]) -> str:
        return f'{m.group(1)}="{index_map.get(int(m.group(2)), 0)}"'

    return re.sub(r"\b(activeTab|firstSheet)=\"(\d+)\"", sub, wb_xml)


def _drop_tree(pkg: Package, roots: set[str], owner: str) -> None:
    """Remove ``roots`` (sheets of part ``owner``) and what only they reach."""
    doomed = set(roots)
    stack = list(roots)
    while stack:
        name = stack.pop()
        for _rid, _t, target, mode in pkg.rels_of(name):
            if mode != "External" and target in pkg.parts and target not in doomed:
                doomed.add(target)
                stack.append(target)
    referenced_elsewhere = set()
    for name in list(pkg.parts):
        if name in doomed or name == owner or name.endswith(".rels"):
            continue
        for _rid, _t, target, mode in pkg.rels_of(name):
            if mode != "External":
                referenced_elsewhere.add(target)
    for name in doomed - referenced_elsewhere:
        pkg.parts.pop(name, None)
        pkg.parts.pop(rels_path(name), None)


def _content_types(pkg: Package, original: str) -> str:
    root = ET.fromstring(original)
    defaults = {}
    overrides = {}
    for el in root:
        tag = el.tag.split("}")[-1]
        if tag == "Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif tag == "Override":
            overrides[el.get("PartName", "")] = el.get("ContentType", "")
    overrides = {k: v for k, v in overrides.items() if k.lstrip("/") in pkg.parts}
    for name in pkg.parts:
        if name.startswith("xl/worksheets/pmoxl_") and not name.endswith(".rels"):
            overrides["/" + name] = CT_WORKSHEET
        elif name.startswith("xl/drawings/pmoxl_") and not name.endswith(".rels"):
            overrides["/" + name] = CT_DRAWING
        elif name.startswith("xl/media/pmoxl_"):
            ext = posixpath.splitext(name)[1].lstrip(".").lower()
            defaults.setdefault(ext, IMAGE_TYPES.get(ext, "application/octet-stream"))
    body = "".join(
        f"<Default Extension={quoteattr(k)} ContentType={quoteattr(v)}/>"
        for k, v in defaults.items()
    ) + "".join(
        f"<Override PartName={quoteattr(k)} ContentType={quoteattr(v)}/>"
        for k, v in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{NS_CT}">{body}</Types>'
    )


# --------------------------------------------------------------------------- files


def excel_lock_files(path: Path) -> list[Path]:
    """Lock files Excel keeps beside a workbook it has open: ``~$`` + the name (Office drops
    the first two characters of some names, so both forms are looked for)."""
    candidates = {path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])}
    return sorted(p for p in candidates if p.exists())


def replace_atomically(
    path: Path,
    build: Callable[[Path], None],
    *,
    backups: int = 3,
    now: dt.datetime | None = None,
) -> Path | None:
    """Write a new version of ``path`` through ``build(tmp)``, then swap it in atomically.

    On any error the original is untouched and the temporary file removed; a system error
    (disk full, folder not writable, file locked) becomes a WriteError naming the file. The
    previous version is copied to ``BACKUP_DIR`` beside the workbook
    (``name.YYYYmmdd-HHMMSS[-n].ext``), keeping the ``backups`` newest; the backup path is
    returned (None when ``backups`` is 0).
    """
    tmp: Path | None = None
    backup = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~pmo_xl_", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        build(tmp)
        if backups > 0:
            backup = _backup(path, backups, now or dt.datetime.now())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteError(
            f"cannot write the workbook ({exc.strerror or exc}); it was left as it was",
            path=str(path),
        ) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return backup


def _backup(path: Path, keep: int, now: dt.datetime) -> Path:
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = f"{now:%Y%m%d-%H%M%S}"
    n = 0
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
    shutil.copy2(path, target)
    for old in backups_of(path)[:-keep]:
        old.unlink()
    return target


def backups_of(path: Path) -> list[Path]:
    """The backups of ``path`` (and only of it), oldest first."""
    pattern = re.compile(
        re.escape(path.stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?" + re.escape(path.suffix) + "$"
    )
    found = []
    for candidate in (path.parent / BACKUP_DIR).glob("*" + path.suffix):
        m = pattern.match(candidate.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 0)), candidate))
    return [p for _key, p in sorted(found)]
