"""The PMO ribbon: customUI14.xml, its relationship, and the callbacks it names."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pmo_xl.addin import ribbon
from pmo_xl.addin.build import MACROS_DIR, build_addin
from pmo_xl.errors import PmoError
from pmo_xl.io.package import NS_PKG_REL, Package

SOURCE = MACROS_DIR / "customUI14.xml"
NS = {"ui": ribbon.NS_CUSTOMUI}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("ribbon") / "pmo_xl.xlsm")


def _vba_sources() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="cp1252") for p in MACROS_DIR.glob("*.bas")}


def test_ribbon_uses_the_2009_namespace() -> None:
    root = ET.parse(SOURCE).getroot()
    assert root.tag == "{http://schemas.microsoft.com/office/2009/07/customui}customUI"


def test_pmo_tab_buttons() -> None:
    root = ET.parse(SOURCE).getroot()
    tabs = root.findall("ui:ribbon/ui:tabs/ui:tab", NS)
    assert [t.get("label") for t in tabs] == ["PMO"]
    buttons = tabs[0].findall("ui:group/ui:button", NS)
    assert [(b.get("label"), b.get("onAction")) for b in buttons] == [
        ("Contrôler", "PmoValidate"),
        ("Actualiser le tableau de bord", "PmoRefresh"),
        ("Matrice des risques", "PmoRiskMatrix"),
        ("Consolider un dossier", "PmoConsolidate"),
        ("Aide", "PmoHelp"),
    ]
    # French label; the screentip adds the English label in brackets; built-in icons
    english = ["Check", "Refresh the dashboard", "Risk matrix", "Consolidate a folder", "Help"]
    for button, label in zip(buttons, english, strict=True):
        assert button.get("screentip") == f"{button.get('label')} ({label})"
        assert button.get("imageMso")
        assert " — " in (button.get("supertip") or "")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_every_on_action_is_a_ribbon_callback_of_our_modules() -> None:
    actions = ribbon.on_actions(SOURCE.read_bytes())
    assert actions
    defined = {name for code in _vba_sources().values() for name in ribbon.ribbon_callbacks(code)}
    assert set(actions) <= defined
    assert ribbon.missing_callbacks(SOURCE.read_bytes(), _vba_sources()) == []


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("Sub A(control As IRibbonControl)\nEnd Sub", ["A"]),
        ("Public Sub B(ByRef control As Office.IRibbonControl)", ["B"]),
        ("  public sub c( ctl as iribboncontrol )", ["c"]),
        ("Private Sub D(control As IRibbonControl)", []),
        ("Sub E(control As Object)", []),
        ("Sub F()", []),
        ("Function G(control As IRibbonControl)", []),
    ],
)
def test_ribbon_callbacks_signature(code: str, names: list[str]) -> None:
    assert ribbon.ribbon_callbacks(code) == names


def test_missing_callbacks_are_named() -> None:
    xml = (
        f'<customUI xmlns="{ribbon.NS_CUSTOMUI}"><ribbon><tabs><tab id="t" label="T">'
        '<group id="g" label="G"><button id="a" label="A" onAction="Here"/>'
        '<button id="b" label="B" onAction="Gone"/></group></tab></tabs></ribbon></customUI>'
    ).encode()
    modules = {"M": "Sub Here(control As IRibbonControl)\r\nEnd Sub\r\n"}
    assert ribbon.missing_callbacks(xml, modules) == ["Gone"]


def test_wrong_namespace_is_refused() -> None:
    xml = b'<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"/>'
    with pytest.raises(PmoError, match="2009/07/customui"):
        ribbon.parse_ribbon(xml)


def test_build_refuses_a_ribbon_action_without_sub(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(MACROS_DIR, macros)
    text = (macros / "customUI14.xml").read_text(encoding="utf-8")
    (macros / "customUI14.xml").write_text(text.replace('"PmoHelp"', '"PmoNowhere"'), "utf-8")
    with pytest.raises(PmoError, match=r"ribbon actions without a Sub .*: PmoNowhere"):
        build_addin(tmp_path / "x.xlsm", macros_dir=macros)
    assert not (tmp_path / "x.xlsm").exists()


def test_built_package_references_the_ribbon(built: Path) -> None:
    pkg = Package.read(built)
    rels = ET.fromstring(pkg.parts["_rels/.rels"].data)
    found = [(r.get("Type"), r.get("Target")) for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")]
    assert (
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
        "customUI/customUI14.xml",
    ) in found
    assert ribbon.package_ribbon(pkg) == (ribbon.REL_UI_EXTENSIBILITY, SOURCE.read_bytes())
    with zipfile.ZipFile(built) as zf:
        ids = [r.get("Id") for r in ET.fromstring(zf.read("_rels/.rels"))]
    assert len(ids) == len(set(ids))


def test_a_second_ribbon_is_refused(built: Path) -> None:
    pkg = Package.read(built)
    with pytest.raises(PmoError, match="already has a ribbon"):
        ribbon.add_ribbon(pkg, SOURCE.read_bytes())
