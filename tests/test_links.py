"""Predecessor syntax and cycle search (table-driven)."""

from __future__ import annotations

import pytest

from pmo_xl.core.links import Link, LinkSyntaxError, find_cycle, parse_predecessors


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("", (), []),
        ("T020", (), [Link("T020", "X", "FS", 0.0)]),
        ("T020FS+2;T030SS", (), [Link("T020", "X", "FS", 2.0), Link("T030", "X", "SS", 0.0)]),
        ("T030SS-1", (), [Link("T030", "X", "SS", -1.0)]),
        ("t1ff+1.5j", (), [Link("t1", "X", "FF", 1.5)]),
        ("A SF + 3d , B", (), [Link("A", "X", "SF", 3.0), Link("B", "X", "FS", 0.0)]),
        ("T020DD+2", (), [Link("T020", "X", "SS", 2.0)]),  # French: début-début
        ("T020FD", (), [Link("T020", "X", "FS", 0.0)]),  # French: fin-début
        ("T-01", ("T-01",), [Link("T-01", "X", "FS", 0.0)]),
        ("T-01FF+2", ("T-01",), [Link("T-01", "X", "FF", 2.0)]),
        ("T-01", (), [Link("T", "X", "FS", -1.0)]),  # unknown id: read as a lead
    ],
)
def test_parse_predecessors(text: str, known: tuple[str, ...], expected: list[Link]) -> None:
    assert parse_predecessors(text, "X", set(known)) == expected


@pytest.mark.parametrize("text", ["T1 XX", "T1++2", "T1FS+x"])
def test_parse_predecessors_rejects(text: str) -> None:
    with pytest.raises(LinkSyntaxError) as info:
        parse_predecessors(text, "X")
    assert info.value.piece == text


def test_find_cycle_returns_the_loop() -> None:
    graph = {"A": ["B"], "B": ["C"], "C": ["A"], "D": ["A"]}
    assert find_cycle(graph, ["D", "A", "B", "C"]) == ["A", "B", "C", "A"]


def test_find_cycle_self_loop_and_none() -> None:
    assert find_cycle({"A": ["A"]}, ["A"]) == ["A", "A"]
    assert find_cycle({"A": ["B", "C"], "B": ["C"]}, ["A", "B", "C"]) is None


def test_find_cycle_is_iterative_on_long_chains() -> None:
    n = 50_000
    graph = {str(i): [str(i + 1)] for i in range(n)}
    assert find_cycle(graph, [str(i) for i in range(n + 1)]) is None
