"""Command-line options shared by the commands: --lang, exit codes of user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PMO_XL = [sys.executable, "-m", "pmo_xl"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PMO_XL, *args], capture_output=True, text=True, check=False)


def test_lang_overrides_the_workbook_language_of_messages(tmp_path: Path) -> None:
    path = tmp_path / "vide.xlsx"
    assert run("new", str(path)).returncode == 0
    french = json.loads(run("validate", str(path), "--json").stdout)
    english = json.loads(run("validate", str(path), "--json", "--lang", "en").stdout)
    assert french["checks"][0]["message"] == "Projet!B3 : « Code projet » est obligatoire"
    assert english["checks"][0]["message"] == "Projet!B3: 'Project code' is required"


def test_a_bad_option_value_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    done = run("validate", str(tmp_path / "x.xlsx"), "--lang", "de")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "'de' is not one of 'fr', 'en'" in done.stderr


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"mine")
    done = run("new", str(path))
    assert done.returncode == 1
    assert done.stderr.strip() == f"pmo-xl: {path}: already exists (use --force to overwrite)"
    assert path.read_bytes() == b"mine"
