"""Every part of xlwings' object model that pmo_xl.excel uses (``live.XLWINGS_CONTRACT``) exists
in the installed, pinned xlwings with the keywords we pass: an upgrade that breaks us fails here."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
import xlwings

from pmo_xl.excel import live
from pmo_xl.excel.live import XLWINGS_CONTRACT, XlwingsUse

EXCEL = Path(live.__file__).parent


def resolve(dotted: str) -> Any:
    """``xlwings.main.Range`` -> the object (module path, then attributes)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_pinned_version() -> None:
    assert xlwings.__version__ == "0.37.8"


@pytest.mark.parametrize("use", XLWINGS_CONTRACT, ids=lambda u: f"{u.owner}.{u.member}")
def test_xlwings_has_what_we_use(use: XlwingsUse) -> None:
    owner = resolve(use.owner)
    if use.kind == "option":  # a Range.options keyword, read by this conversion stage
        assert f'options.get("{use.member}"' in inspect.getsource(owner)
        return
    static = inspect.getattr_static(owner, use.member)
    if use.kind in ("property", "setter"):
        assert isinstance(static, property), f"{use.member} is not a property"
        if use.kind == "setter":
            assert static.fset is not None, f"{use.member} cannot be assigned"
        return
    if use.kind == "classmethod":
        assert isinstance(static, classmethod)
    else:
        assert use.kind in ("method", "function"), use.kind
        assert callable(static)
    if use.keywords:
        parameters = inspect.signature(getattr(owner, use.member)).parameters
        assert set(use.keywords) <= set(parameters), set(use.keywords) - set(parameters)


def test_mock_caller_is_what_book_caller_returns() -> None:
    """``set_mock_caller`` stores the book where ``caller`` looks first (running macros from
    Python, as docs/excel.md says)."""
    assert "_mock_caller" in inspect.getsource(xlwings.main.Book.set_mock_caller)
    assert "_mock_caller" in inspect.getsource(xlwings.main.Book.caller)


def test_update_keeps_the_picture_and_anchor_excludes_top_left() -> None:
    source = inspect.getsource(xlwings.main.Pictures.add)
    assert "pic.update(" in source  # update=True replaces the picture of that name in place
    assert "You must either provide 'anchor' or 'top'/'left'" in source


def test_figures_are_accepted_by_pictures_add() -> None:
    """A matplotlib Figure is turned into a file by xlwings itself, with our export options."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([1, 2])
    filename, is_temp = xlwings.utils.process_image(fig, format="png", export_options={"dpi": 50})
    try:
        assert Path(filename).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        if is_temp:
            Path(filename).unlink()


def _attribute_calls(path: Path) -> set[str]:
    """Names of methods called on objects in ``path`` (``x.add(...)`` -> "add")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


XLWINGS_METHODS = {
    name
    for cls in (xlwings.main.Book, xlwings.main.Sheet, xlwings.main.Range, xlwings.main.Pictures,
                xlwings.main.Names, xlwings.main.Name, xlwings.main.Sheets, xlwings.main.App)
    for name in vars(cls)
    if not name.startswith("_") and callable(vars(cls)[name])
}  # fmt: skip


@pytest.mark.parametrize("module", ["live.py", "macros.py", "lite.py"])
def test_every_xlwings_method_called_is_in_the_contract(module: str) -> None:
    """A call to a method named like an xlwings method must be listed (pandas' ``sheet`` and
    other libraries' methods that merely share a name are listed as ``not_xlwings``)."""
    not_xlwings = {"copy", "delete_if_any", "items", "get", "append", "setdefault", "format",
                   "replace", "join", "split", "rsplit", "strip", "lstrip", "startswith",
                   "values", "tolist", "get_size_inches", "sheet", "fullmatch", "to_pydatetime",
                   "item", "get_loc", "extend"}  # fmt: skip
    called = _attribute_calls(EXCEL / module) & XLWINGS_METHODS
    listed = {u.member for u in XLWINGS_CONTRACT}
    assert called - listed - not_xlwings == set()
