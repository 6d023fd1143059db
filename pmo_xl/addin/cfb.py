"""A minimal, deterministic [MS-CFB] compound file writer (what ``vbaProject.bin`` is).

``write_cfb({"PROJECT": b"...", "VBA/dir": b"..."})`` returns the file's bytes. The layout:

* version 3: 512-byte sectors, 64-byte mini sectors, mini stream cutoff 4096 bytes;
* streams smaller than the cutoff live in the mini stream (held by the root entry), larger
  ones in regular sectors;
* sectors in a fixed order: regular streams (directory order), the mini stream, the mini FAT,
  the directory, then the FAT; no DIFAT sectors (the 109 FAT sectors the header can list address
  about 7 MB, far more than a VBA project needs);
* each storage's children form a red-black tree, as the spec requires: a balanced binary
  search tree (CFB order: shorter names first, then case-insensitive), black except its deepest
  level when that level is not full, which is red; every path then has the same number of black
  nodes;
* no timestamps, zero CLSIDs and state bits: same streams, same bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY_SIZE = 128
HEADER_FAT_SLOTS = 109

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
MAX_NAME = 31  # UTF-16 code units, without the terminating NUL


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def sort_key(name: str) -> tuple[int, str]:
    """CFB sibling order: shorter names first, then by upper-cased code units."""
    return len(name.encode("utf-16-le")), name.upper()


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (paths with ``/``, storages created as needed)."""
    root = _tree(streams)
    entries = _number(root)
    for entry in entries:
        if entry.kind != STREAM:
            _link_children(entry)

    big = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]
    small = [e for e in entries if e.kind == STREAM and 0 < len(e.data) < MINI_CUTOFF]

    mini_stream = bytearray()
    mini_fat: list[int] = []
    for e in small:
        count = -(-len(e.data) // MINI_SECTOR)
        e.start, e.size = len(mini_fat), len(e.data)
        mini_fat += [*range(e.start + 1, e.start + count), ENDOFCHAIN]
        mini_stream += e.data.ljust(count * MINI_SECTOR, b"\x00")
    for e in entries:
        if e.kind == STREAM and not e.data:
            e.start, e.size = ENDOFCHAIN, 0

    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        """Append ``data`` as a chain of sectors; its first sector (ENDOFCHAIN if empty)."""
        count = -(-len(data) // SECTOR)
        if count == 0:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend([*range(first + 1, first + count), ENDOFCHAIN])
        sectors.extend(data.ljust(count * SECTOR, b"\x00"))
        return first

    for e in big:
        e.start, e.size = place(e.data), len(e.data)
    root.start, root.size = place(bytes(mini_stream)), len(mini_stream)
    if not mini_stream:
        root.start = ENDOFCHAIN
    mini_fat_bytes = _pack_ids(mini_fat, SECTOR // 4)
    mini_fat_start = place(mini_fat_bytes)
    directory_start = place(_directory(entries))

    fat_count = 0  # FAT sectors needed to map every sector, themselves included
    while fat_count * (SECTOR // 4) < len(fat) + fat_count:
        fat_count += 1
    if fat_count > HEADER_FAT_SLOTS:
        raise ValueError(f"{fat_count} FAT sectors needed: DIFAT sectors are not supported")
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_count)
    sectors += _pack_ids(fat, SECTOR // 4)

    header = _header(
        fat_sectors=list(range(fat_start, fat_start + fat_count)),
        directory_start=directory_start,
        mini_fat_start=mini_fat_start,
        mini_fat_count=len(mini_fat_bytes) // SECTOR,
    )
    return header + bytes(sectors)


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for storage in parts[:-1]:
            _check_name(storage)
            node = node.children.setdefault(storage.upper(), _Entry(storage, STORAGE))
            if node.kind != STORAGE:
                raise ValueError(f"{path}: {storage} is a stream, not a storage")
        _check_name(parts[-1])
        if parts[-1].upper() in node.children:
            raise ValueError(f"{path}: given twice (names are case-insensitive)")
        node.children[parts[-1].upper()] = _Entry(parts[-1], STREAM, bytes(data))
    return root


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) // 2 > MAX_NAME or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")


def _number(root: _Entry) -> list[_Entry]:
    """Directory order: root, then depth first, siblings in CFB order."""
    out: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        entry.sid = len(out)
        out.append(entry)
        for child in sorted(entry.children.values(), key=lambda e: sort_key(e.name)):
            visit(child)

    visit(root)
    return out


def _link_children(storage: _Entry) -> None:
    ordered = sorted(storage.children.values(), key=lambda e: sort_key(e.name))
    if not ordered:
        return
    depth = max(len(ordered).bit_length() - 1, 0)  # depth of the deepest level
    full = len(ordered) == (1 << (depth + 1)) - 1

    def build(lo: int, hi: int, level: int) -> int:
        if lo > hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.color = RED if level == depth and level > 0 and not full else BLACK
        node.left = build(lo, mid - 1, level + 1)
        node.right = build(mid + 1, hi, level + 1)
        return node.sid

    storage.child = build(0, len(ordered) - 1, 0)


def _directory(entries: list[_Entry]) -> bytes:
    out = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        out += name.ljust(64, b"\x00")
        out += struct.pack("<HBB", len(name), e.kind, e.color)
        out += struct.pack("<III", e.left, e.right, e.child)
        out += bytes(16)  # CLSID
        out += struct.pack("<I", 0)  # state bits
        out += bytes(16)  # creation and modification times: none
        start = e.start if e.kind != STORAGE else 0
        out += struct.pack("<IQ", start, e.size if e.kind != STORAGE else 0)
    while len(out) % SECTOR:  # unused entries fill the last directory sector
        out += bytes(68) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)
    return bytes(out)


def _pack_ids(ids: list[int], per_sector: int) -> bytes:
    if not ids:
        return b""
    padded = ids + [FREESECT] * (-len(ids) % per_sector)
    return struct.pack(f"<{len(padded)}I", *padded)


def _header(
    *, fat_sectors: list[int], directory_start: int, mini_fat_start: int, mini_fat_count: int
) -> bytes:
    difat = fat_sectors + [FREESECT] * (HEADER_FAT_SLOTS - len(fat_sectors))
    head = SIGNATURE + bytes(16)  # header CLSID
    head += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # minor, major, BOM, shifts
    head += bytes(6)  # reserved
    head += struct.pack(
        "<IIIIIIIII",
        0,  # directory sectors: always 0 in version 3
        len(fat_sectors),
        directory_start,
        0,  # transaction signature
        MINI_CUTOFF,
        mini_fat_start if mini_fat_count else ENDOFCHAIN,
        mini_fat_count,
        ENDOFCHAIN,  # first DIFAT sector: none
        0,  # DIFAT sectors
    )
    head += struct.pack(f"<{HEADER_FAT_SLOTS}I", *difat)
    assert len(head) == SECTOR
    return head
