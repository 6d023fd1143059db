"""Predecessor links: parsing ``T020FS+2;T030SS-1`` and finding cycles.

Shared by validation (which reports problems per cell) and the schedule (which needs the graph).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

LinkType = Literal["FS", "SS", "FF", "SF"]
LINK_TYPES: tuple[LinkType, ...] = ("FS", "SS", "FF", "SF")
LinkRow = tuple[str, str, LinkType, float]  # a Link's fields: pred, succ, type, lag


class LinkColumns(NamedTuple):
    """Many links as one list per field of ``Link``: thousands of rows, no object per link."""

    pred: list[str]
    succ: list[str]
    type: list[LinkType]
    lag: list[float]


# A task id, then an optional type, then an optional signed lag in working days ("d"/"j" allowed).
_TAIL = (
    r"\s*(?P<type>FS|SS|FF|SF|DF|DD|FD)?\s*"
    r"(?:(?P<sign>[+-])\s*(?P<lag>\d+(?:[.,]\d+)?)\s*[dDjJ]?)?\s*"
)
_LINK_RE = re.compile(r"\s*(?P<id>[^\s;,+]+?)" + _TAIL, re.IGNORECASE)
_TAIL_RE = re.compile(_TAIL, re.IGNORECASE)
_SEPARATORS = re.compile(r"[;,]")
# French project tools write DD (début-début), FD (fin-début), FF, DF (début-fin).
_FRENCH_TYPES = {"FD": "FS", "DD": "SS", "FF": "FF", "DF": "SF"}


@dataclass(frozen=True)
class Link:
    pred: str
    succ: str
    type: LinkType = "FS"
    lag: float = 0.0


class LinkSyntaxError(ValueError):
    """A piece of a predecessors cell that is not ``ID[type][+/-lag]``."""

    def __init__(self, piece: str) -> None:
        self.piece = piece
        super().__init__(piece)


def parse_predecessors(
    text: str | None, succ: str = "", known_ids: Container[str] = ()
) -> list[Link]:
    """The links written in one Predecessors cell, in order.

    Pieces are separated by ';' (',' accepted). ``known_ids`` settles ids that contain '-' or
    end like a link type (``T-01`` is the task T-01, not T with a lead of 1 day when T-01 is
    known). Raises ``LinkSyntaxError`` on the first bad piece.
    """
    parser = _Parser(known_ids)
    links: list[Link] = []
    for piece in _pieces(text or ""):
        row = parser.row(piece, succ)
        if row is None:
            raise LinkSyntaxError(piece)
        links.append(Link(*row))
    return links


def parse_cells(cells: Iterable[tuple[str, object]], known_ids: Collection[str]) -> LinkColumns:
    """The links of many Predecessors cells, ``(successor, text)`` pairs, in order, leaving out
    the pieces that do not parse (the schedule's reading: validation reports them) and the
    cells that are not text.

    Piece by piece the same as ``parse_predecessors``, with what it would redo for every cell
    done once: the lengths of the known ids, the reading of each distinct type/lag tail. The
    links come as columns of their fields, cheaper to make than thousands of Link objects.
    """
    parser = _Parser(known_ids, {len(k) for k in known_ids})
    links = LinkColumns([], [], [], [])
    for succ, text in cells:
        if not isinstance(text, str):
            continue
        for piece in _SEPARATORS.split(text) if "," in text else text.split(";"):
            piece = piece.strip()
            if not piece:
                continue
            row: LinkRow | None = (
                (piece, succ, "FS", 0.0) if piece in known_ids else parser.row(piece, succ)
            )
            if row is not None:
                links.pred.append(row[0])
                links.succ.append(row[1])
                links.type.append(row[2])
                links.lag.append(row[3])
    return links


def _pieces(text: str) -> list[str]:
    """The non-blank pieces of a cell, stripped."""
    pieces = _SEPARATORS.split(text) if "," in text else text.split(";")
    return [piece for piece in map(str.strip, pieces) if piece]


class _Parser:
    """Reads pieces ``ID[type][+/-lag]`` against the known ids, remembering the tails it read."""

    def __init__(self, known_ids: Container[str], lengths: Iterable[int] | None = None) -> None:
        self.known_ids = known_ids
        # the lengths of the known ids, longest first, when the caller could list them
        self.lengths = None if lengths is None else sorted(lengths, reverse=True)
        self.tails: dict[str, tuple[LinkType, float] | None] = {}

    def row(self, piece: str, succ: str) -> LinkRow | None:
        """The link of a stripped, non-blank piece; None when it does not parse.

        The id is the longest known id that starts the piece with a valid type/lag tail after
        it; failing that, the regular expression reads the piece alone.
        """
        known = self.known_ids
        if piece in known:  # the common "T020": the longest candidate, an empty tail
            return piece, succ, "FS", 0.0
        size = len(piece)
        if self.lengths is not None and len(piece.split()) == 1:
            # no blank inside: a known head is piece[:n] for n the length of a known id
            for end in self.lengths:
                if 0 < end < size and piece[:end] in known:
                    tail = self.tail(piece[end:])
                    if tail is not None:
                        return piece[:end], succ, tail[0], tail[1]
        else:
            for end in range(size - 1, 0, -1):
                head = piece[:end].strip()
                if head in known:
                    tail = self.tail(piece[end:])
                    if tail is not None:
                        return head, succ, tail[0], tail[1]
        m = _LINK_RE.fullmatch(piece)
        if not m:
            return None
        link_type, lag = _type_and_lag(m)
        return m.group("id"), succ, link_type, lag

    def tail(self, text: str) -> tuple[LinkType, float] | None:
        """Type and lag of a tail (after the id), None when it is not one."""
        try:
            return self.tails[text]
        except KeyError:
            m = _TAIL_RE.fullmatch(text)
            self.tails[text] = found = None if m is None else _type_and_lag(m)
            return found


def _type_and_lag(m: re.Match[str]) -> tuple[LinkType, float]:
    raw_type = (m.group("type") or "FS").upper()
    link_type = _FRENCH_TYPES.get(raw_type, raw_type)
    lag = float((m.group("lag") or "0").replace(",", "."))
    if m.group("sign") == "-":
        lag = -lag
    return link_type, lag  # type: ignore[return-value]


def find_cycle(successors: Mapping[str, Iterable[str]], order: Sequence[str]) -> list[str] | None:
    """One cycle of the graph as a list of nodes (first node repeated at the end), or None.

    Iterative depth-first search: linear in nodes + edges, safe for 10,000-task plans.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(order, white)
    for root in order:
        if colour[root] != white:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(successors.get(root, ())))]
        path = [root]
        colour[root] = grey
        while stack:
            node, children = stack[-1]
            advanced = False
            for child in children:
                state = colour.get(child)
                if state is None:
                    continue  # a link to an unknown task: reported elsewhere
                if state == grey:
                    return [*path[path.index(child) :], child]
                if state == white:
                    colour[child] = grey
                    stack.append((child, iter(successors.get(child, ()))))
                    path.append(child)
                    advanced = True
                    break
            if not advanced:
                colour[node] = black
                stack.pop()
                path.pop()
    return None
