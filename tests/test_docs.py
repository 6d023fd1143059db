"""Docs that check themselves: the README's set-up commands and every CLI command documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from pmo_xl.cli import app
from pmo_xl.schema import SHEETS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```\n(.*?)```", README, re.S)
    assert first_block is not None
    lines = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert lines == ["make demo", "make test"]
    assert README.index("```") < README.index("\n## ")


def test_makefile_has_both_targets_and_ci_runs_the_test_command() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme_table() -> None:
    assert commands() == [
        "analyse", "build-addin", "consolidate", "new", "refresh", "validate"
    ]  # fmt: skip
    documented = set(re.findall(r"^\| `pmo-xl ([a-z-]+)", README, re.M))
    assert documented == set(commands())


def test_every_command_has_help_text() -> None:
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help and len(command.help) > 20, name


def test_every_input_sheet_is_in_the_readme_tour() -> None:
    for sheet in SHEETS:
        assert f"{sheet.fr} / {sheet.en}" in README, sheet.key
