"""LibreOffice as the real spreadsheet application of the tests (DESIGN.md, "Real parts").

``convert`` / ``to_pdf`` run ``soffice --headless`` with a private profile per process (two
LibreOffice instances cannot share a profile) and a timeout. The profile asks LibreOffice to
recalculate every formula on load, so what it renders is what it computes, not the values cached
in the file. ``needs_soffice`` skips a test only when LibreOffice is absent and ``CI`` is not set:
on CI a missing LibreOffice fails the tests instead of hiding them.

Usage::

    from soffice import needs_soffice, pdf_pages, pdf_text, to_pdf

    @needs_soffice
    def test_renders(tmp_path):
        pdf = to_pdf(workbook, tmp_path)
        assert pdf_pages(pdf) >= 1
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PROFILE = Path(f"/tmp/pmo_xl_lo_{os.getpid()}")

needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed",
)

# Recalculate OOXML and ODF files on load (0 = always), whatever application wrote them.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_lock = threading.Lock()  # one LibreOffice at a time on this process's profile


class SofficeError(RuntimeError):
    """LibreOffice failed, timed out or wrote nothing."""


def _profile() -> Path:
    user = PROFILE / "user"
    if not (user / "registrymodifications.xcu").exists():
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        atexit.register(shutil.rmtree, PROFILE, True)
    return PROFILE


def convert(path: str | Path, outdir: str | Path, to: str, timeout: float = 120) -> Path:
    """Convert ``path`` with LibreOffice to format ``to`` (pdf, ods, csv...) in ``outdir``."""
    if SOFFICE is None:
        raise SofficeError("LibreOffice (soffice) is not installed")
    source, out = Path(path).resolve(), Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{source.stem}.{to.split(':')[0]}"
    target.unlink(missing_ok=True)
    command = [
        SOFFICE,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={_profile().as_uri()}",
        "--convert-to",
        to,
        "--outdir",
        str(out),
        str(source),
    ]
    with _lock:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, so a timeout ends all of it
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise SofficeError(f"soffice timed out after {timeout} s converting {source}") from None
    if proc.returncode != 0 or not target.exists():
        raise SofficeError(
            f"soffice could not convert {source} to {to} (exit {proc.returncode}):\n"
            f"{stderr.strip()}\n{stdout.strip()}"
        )
    return target


def to_pdf(path: str | Path, outdir: str | Path, timeout: float = 120) -> Path:
    """The PDF LibreOffice prints from ``path`` (every sheet), in ``outdir``."""
    return convert(path, outdir, "pdf", timeout)


def pdf_pages(pdf: str | Path) -> int:
    """Number of pages of ``pdf`` (poppler's pdfinfo)."""
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if match is None:
        raise SofficeError(f"pdfinfo gave no page count for {pdf}:\n{info}")
    return int(match.group(1))


def pdf_text(pdf: str | Path) -> str:
    """The text of ``pdf`` in reading layout, spaces (including narrow and no-break) as ' '."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)
