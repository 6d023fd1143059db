"""The ribbon part: ``customUI/customUI14.xml`` and its package relationship.

Office 2010 and later read a ``customUI14.xml`` written in the 2009/07 customUI namespace and
reached from the package root (``_rels/.rels``) through the 2007 ``ui/extensibility``
relationship. Each button's ``onAction`` names a VBA Sub taking ``(control As IRibbonControl)``;
``missing_callbacks`` checks that against the modules before anything is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from pmo_xl.errors import PmoError
from pmo_xl.io.package import NS_PKG_REL, Package

NS_CUSTOMUI = "http://schemas.microsoft.com/office/2009/07/customui"
REL_UI_EXTENSIBILITY = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_PART = "customUI/customUI14.xml"
ROOT_RELS = "_rels/.rels"

# A public Sub with the ribbon callback signature: Sub Name(control As IRibbonControl)
_CALLBACK_RE = re.compile(
    r"^[ \t]*(?:Public[ \t]+)?Sub[ \t]+(\w+)[ \t]*\([ \t]*(?:ByRef[ \t]+|ByVal[ \t]+)?"
    r"\w+[ \t]+As[ \t]+(?:Office\.)?IRibbonControl[ \t]*\)",
    re.IGNORECASE | re.MULTILINE,
)


def parse_ribbon(xml: bytes) -> ET.Element:
    """The ribbon's root element; ``PmoError`` unless it is 2009/07 customUI XML."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise PmoError(f"{RIBBON_PART}: not well-formed XML ({exc})") from None
    if root.tag != f"{{{NS_CUSTOMUI}}}customUI":
        raise PmoError(f"{RIBBON_PART}: the root must be customUI in namespace {NS_CUSTOMUI}")
    return root


def on_actions(xml: bytes) -> list[str]:
    """The ``onAction`` callback names of the ribbon, in document order."""
    return [el.attrib["onAction"] for el in parse_ribbon(xml).iter() if "onAction" in el.attrib]


def ribbon_callbacks(code: str) -> list[str]:
    """Names of the Subs of VBA ``code`` that have the ribbon callback signature."""
    return _CALLBACK_RE.findall(code)


def missing_callbacks(xml: bytes, modules: Mapping[str, str]) -> list[str]:
    """``onAction`` names with no ``Sub X(control As IRibbonControl)`` in ``modules``' code."""
    defined = {name.lower() for code in modules.values() for name in ribbon_callbacks(code)}
    return [name for name in on_actions(xml) if name.split(".")[-1].lower() not in defined]


def add_ribbon(pkg: Package, xml: bytes) -> None:
    """Put the ribbon part in ``pkg`` and reference it from the package relationships."""
    parse_ribbon(xml)
    pkg.put(RIBBON_PART, xml)
    rels = pkg.text(ROOT_RELS)
    if REL_UI_EXTENSIBILITY in rels:
        raise PmoError("the package already has a ribbon relationship")
    rid = _free_id(re.findall(r'\bId="([^"]*)"', rels))
    rel = (
        f"<Relationship Id={quoteattr(rid)} Type={quoteattr(REL_UI_EXTENSIBILITY)} "
        f"Target={quoteattr(RIBBON_PART)}/>"
    )
    pkg.put(ROOT_RELS, rels.replace("</Relationships>", rel + "</Relationships>", 1))


def _free_id(used: Iterable[str]) -> str:
    taken = set(used)
    n = 1
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def package_ribbon(pkg: Package) -> tuple[str, bytes] | None:
    """(relationship type, part bytes) of the ribbon a package's root points to, if any."""
    root = ET.fromstring(pkg.parts[ROOT_RELS].data)
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        rtype = rel.get("Type", "")
        if rtype.endswith("/ui/extensibility"):
            target = rel.get("Target", "").lstrip("/")
            return rtype, pkg.parts[target].data
    return None
