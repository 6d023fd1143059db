"""The streams of a VBA project storage, written as [MS-OVBA] says a writer must.

What a ``vbaProject.bin`` holds (MS-OVBA 2.2), as paths inside the compound file:

* ``PROJECT``: the project's properties as text (2.3.1): module list, name, the obfuscated
  protection fields ``CMG`` / ``DPB`` / ``GC`` (2.4.3, here: unprotected, no password, visible);
* ``PROJECTwm``: module names in the code page and in UTF-16 (2.3.3);
* ``VBA/_VBA_PROJECT``: version 0xFFFF and no performance cache (2.3.4.1): the host must compile
  the project from source when it opens it, which is what a writer without a VBA compiler wants;
* ``VBA/dir``: project information, references and module records, compressed (2.3.4.2);
* ``VBA/<module>``: each module's source, compressed, at offset 0 (no p-code before it).

Three kinds of module (``Module.kind``): ``standard`` (``Module=`` in PROJECT, MODULETYPE 0x0021),
``document`` (``Document=<name>/&H00000000``, MODULETYPE 0x0022: ThisWorkbook and the sheets) and
``class`` (``Class=``, MODULETYPE 0x0022 too: the dir stream does not tell a class module from a
document module, the PROJECT stream does). The source of a class or document module starts with
the attributes Excel stores for it (``VB_Name``, ``VB_Base``, ``VB_GlobalNameSpace``,
``VB_Creatable``, ``VB_PredeclaredId``, ``VB_Exposed``...); ``Module`` stores them as given.

Compression (2.4.1) is LZ77 in 4096-byte chunks; ``compress`` searches the longest match,
nearest first, as the spec's matching routine does, and writes compressed chunks only: measured
by others, Excel drops a module stored in the spec's raw (flag 0) chunks, and VBA source always
compresses below the 4096-byte limit.

Everything here is deterministic: same modules, same bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

CHUNK = 4096
CODE_PAGE = 1252
CODEC = "cp1252"
LCID = 0x0409  # MS-OVBA: PROJECTLCID and PROJECTLCIDINVOKE MUST be 0x409
PROJECT_NAME = "VBAProject"
# A fixed project CLSID: a random one per build would make the bytes differ from build to build.
PROJECT_ID = "{7D1E5C4A-0B9F-4C0E-9A52-504D4F584C31}"
ENCRYPTION_SEED = 0x8D  # any byte; fixed for reproducible output
VERSION_COMPATIBLE32 = "393222000"
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

# Base classes of Excel's document modules (ThisWorkbook, worksheets).
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
# VB_Base of a class module, as Excel stores it (xlwings' quickstart_standalone.xlsm).
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# Type libraries every Excel project references; Office's declares IRibbonControl. Excel binds
# a registered library by GUID and major.minor version (newer installs are accepted), the path
# is a hint.
STDOLE = (
    "stdole",
    "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
    "C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
)
OFFICE = (
    "Office",
    "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
    "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
    "Microsoft Office 16.0 Object Library",
)
REFERENCES = (STDOLE, OFFICE)

UNPROTECTED = bytes(4)  # ProjectProtectionState: no user, system or VBE protection
NO_PASSWORD = b"\x00"  # ProjectPassword without a password
VISIBLE = b"\xff"  # ProjectVisibilityState: the project is visible

ModuleKind = Literal["standard", "document", "class"]
# MODULETYPE record id (2.3.4.2.3.2.8): procedural, or document/class (one id for both).
MODULE_TYPES: dict[ModuleKind, int] = {"standard": 0x0021, "document": 0x0022, "class": 0x0022}


@dataclass(frozen=True)
class Module:
    """One VBA module: ``code`` is its full source, ``Attribute`` lines included."""

    name: str
    code: str
    kind: ModuleKind = "standard"

    def source(self) -> bytes:
        """The source as stored: CRLF line endings, encoded in the project's code page."""
        return crlf(self.code).encode(CODEC)


def crlf(text: str) -> str:
    """``text`` with CRLF line endings, ending with a line break."""
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    return (unix if unix.endswith("\n") else unix + "\n").replace("\n", "\r\n")


def document_module(name: str, base: str) -> Module:
    """An empty document module (ThisWorkbook, a sheet) as Excel writes it."""
    attributes = (
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    )
    return Module(name, "\r\n".join(attributes) + "\r\n", "document")


# --------------------------------------------------------------------------- compression 2.4.1


def compress(data: bytes) -> bytes:
    """``data`` as an MS-OVBA CompressedContainer (signature byte, then one chunk per 4096)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        body = _compress_chunk(data[start : start + CHUNK])
        if len(body) > CHUNK:
            raise ValueError(
                f"bytes {start}..{start + CHUNK - 1} do not compress into one MS-OVBA chunk"
            )
        # header: flag 1 (compressed), signature 0b011, chunk size (header + body) - 3
        out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> positions seen, oldest first
    pos, end = 0, len(chunk)
    while pos < end:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            length, offset = _longest_match(chunk, pos, heads.get(chunk[pos : pos + 3], ()))
            step = length if length else 1
            if length:
                bits = _bit_count(pos)
                out += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
                out[flag_at] |= 1 << bit
            else:
                out.append(chunk[pos])
            for p in range(pos, pos + step):
                heads.setdefault(chunk[p : p + 3], []).append(p)
            pos += step
    return bytes(out)


def _bit_count(pos: int) -> int:
    """Bits of a CopyToken's offset ``pos`` bytes into the chunk (CopyToken Help, 2.4.1.3.19.1)."""
    return max((pos - 1).bit_length(), 4)


def _longest_match(chunk: bytes, pos: int, candidates: Sequence[int]) -> tuple[int, int]:
    """(length, offset) of the longest earlier match of ``chunk[pos:]``, nearest on ties;
    (0, 0) when none reaches 3 bytes."""
    limit = min((0xFFFF >> _bit_count(pos)) + 3, len(chunk) - pos)
    if limit < 3:
        return 0, 0
    best, best_at = 0, 0
    for cand in reversed(candidates):
        n = 3  # the 3-byte prefix matches by construction
        while n < limit and chunk[cand + n] == chunk[pos + n]:
            n += 1
        if n > best:
            best, best_at = n, cand
            if n == limit:
                break
    return (best, pos - best_at) if best >= 3 else (0, 0)


# --------------------------------------------------------------------------- obfuscation 2.4.3


def project_key(project_id: str = PROJECT_ID) -> int:
    """ProjKey: the byte sum of the project CLSID text (braces included)."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(
    data: bytes, project_id: str = PROJECT_ID, seed: int = ENCRYPTION_SEED, ignored: bytes = b""
) -> bytes:
    """Data Encryption (2.4.3.2) of ``data``; ``ignored`` fills IgnoredEnc (zeros if short)."""
    key = project_key(project_id)
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = bytearray((seed, version_enc, key_enc))
    plain1, enc1, enc2 = key, key_enc, version_enc
    ignored_length = (seed & 6) // 2
    filler = (ignored + bytes(ignored_length))[:ignored_length]
    for byte in filler + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, plain1 = enc1, byte_enc, byte
    return bytes(out)


def decrypt(blob: bytes) -> tuple[int, bytes, bytes]:
    """Data Decryption (2.4.3.3): (ProjKey, ignored bytes, data) of an encrypted ``blob``."""
    seed, version_enc, key_enc = blob[0], blob[1], blob[2]
    if seed ^ version_enc != 2:
        raise ValueError(f"encryption version {seed ^ version_enc}, expected 2")
    key = seed ^ key_enc
    plain1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in blob[3:]:
        byte = byte_enc ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, byte_enc, byte
    ignored_length = (seed & 6) // 2
    (length,) = struct.unpack("<I", plain[ignored_length : ignored_length + 4])
    data = bytes(plain[ignored_length + 4 :])
    if len(data) != length:
        raise ValueError(f"encrypted data holds {len(data)} bytes, its length says {length}")
    return key, bytes(plain[:ignored_length]), data


# --------------------------------------------------------------------------- streams


def project_streams(modules: Sequence[Module], project_id: str = PROJECT_ID) -> dict[str, bytes]:
    """Every stream of the VBA project storage, by path (``VBA/dir``...), in a fixed order."""
    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise ValueError(f"module names must be unique (case-insensitive): {names}")
    streams = {
        "PROJECT": project_stream(modules, project_id),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.source())
    return streams


# Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 0x0000, no PerformanceCache.
VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)


def project_stream(modules: Sequence[Module], project_id: str = PROJECT_ID) -> bytes:
    """The PROJECT stream (2.3.1): properties, host extenders, workspace; CRLF lines."""
    items = {
        "document": lambda n: f"Document={n}/&H00000000",
        "standard": lambda n: f"Module={n}",
        "class": lambda n: f"Class={n}",
    }
    lines = [f'ID="{project_id}"']
    lines += [items[m.kind](m.name) for m in modules]
    lines += [
        f'Name="{PROJECT_NAME}"',
        'HelpContextID="0"',
        f'VersionCompatible32="{VERSION_COMPATIBLE32}"',
        f'CMG="{_hex(encrypt(UNPROTECTED, project_id))}"',
        f'DPB="{_hex(encrypt(NO_PASSWORD, project_id))}"',
        f'GC="{_hex(encrypt(VISIBLE, project_id))}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(CODEC)


def _hex(data: bytes) -> str:
    return data.hex().upper()


def project_wm_stream(modules: Iterable[Module]) -> bytes:
    """PROJECTwm (2.3.3): each name in the code page then in UTF-16, NUL-terminated."""
    out = bytearray()
    for m in modules:
        out += m.name.encode(CODEC) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def dir_stream(modules: Sequence[Module]) -> bytes:
    """The uncompressed dir stream (2.3.4.2): information, references, modules."""
    return _information() + _references() + _modules(modules) + struct.pack("<HI", 0x0010, 0)


def _rec(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_rec(record_id: int, text: str, unicode_id: int) -> bytes:
    """A record holding ``text`` in the code page, then its UTF-16 twin under ``unicode_id``."""
    raw = text.encode(CODEC)
    return _rec(record_id, raw) + _rec(unicode_id, text.encode("utf-16-le"))


def _information() -> bytes:
    return b"".join(
        (
            _rec(0x0001, struct.pack("<I", 1)),  # PROJECTSYSKIND: 32-bit Windows
            _rec(0x0002, struct.pack("<I", LCID)),  # PROJECTLCID
            _rec(0x0014, struct.pack("<I", LCID)),  # PROJECTLCIDINVOKE
            _rec(0x0003, struct.pack("<H", CODE_PAGE)),  # PROJECTCODEPAGE
            _rec(0x0004, PROJECT_NAME.encode(CODEC)),  # PROJECTNAME
            _text_rec(0x0005, "", 0x0040),  # PROJECTDOCSTRING
            _text_rec(0x0006, "", 0x003D),  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
            _rec(0x0007, struct.pack("<I", 0)),  # PROJECTHELPCONTEXT
            _rec(0x0008, struct.pack("<I", 0)),  # PROJECTLIBFLAGS
            # PROJECTVERSION: Reserved (4) = 4, VersionMajor (4), VersionMinor (2)
            struct.pack("<HIIH", 0x0009, 4, 1, 0),
            _text_rec(0x000C, "", 0x003C),  # PROJECTCONSTANTS
        )
    )


def _references() -> bytes:
    out = bytearray()
    for name, libid in REFERENCES:
        out += _text_rec(0x0016, name, 0x003E)  # REFERENCENAME
        raw = libid.encode(CODEC)
        # REFERENCEREGISTERED: SizeOfLibid, Libid, Reserved1 (4) = 0, Reserved2 (2) = 0
        out += _rec(0x000D, struct.pack("<I", len(raw)) + raw + struct.pack("<IH", 0, 0))
    return bytes(out)


def _modules(modules: Sequence[Module]) -> bytes:
    out = bytearray(struct.pack("<HIH", 0x000F, 2, len(modules)))  # PROJECTMODULES
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE: 0xFFFF on write
    for m in modules:
        out += _rec(0x0019, m.name.encode(CODEC))  # MODULENAME
        out += _rec(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_rec(0x001A, m.name, 0x0032)  # MODULESTREAMNAME
        out += _text_rec(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at offset 0
        out += _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE: 0xFFFF on write
        # MODULETYPE: 0x0021 procedural, 0x0022 document or class; Reserved (4) = 0
        out += struct.pack("<HI", MODULE_TYPES[m.kind], 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    return bytes(out)
