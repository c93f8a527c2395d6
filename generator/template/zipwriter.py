"""A minimal, deterministic zip writer that can reuse already-compressed entries.

A plan is mostly parts no template tag touches (styles, theme, fonts, numbering). Compressing
those once per template instead of once per student is a large share of the per-plan cost, and
Python's zipfile cannot write pre-compressed bytes. Fixed timestamps make identical content give
identical bytes, which re-runs rely on to report "unchanged".
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DOS_TIME = 0
DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
DEFLATED = 8
UTF8_NAMES = 0x800
FILE_MODE = 0o644 << 16


@dataclass(frozen=True)
class ZipEntry:
    name: str
    crc: int
    size: int
    compressed: bytes


def deflate(name: str, data: bytes, level: int = 6) -> ZipEntry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    compressed = compressor.compress(data) + compressor.flush()
    return ZipEntry(name, zlib.crc32(data), len(data), compressed)


def write_zip(entries: list[ZipEntry]) -> bytes:
    """Local headers and data, then the central directory; no zip64 (plans are far below 4 GiB)."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = UTF8_NAMES if not entry.name.isascii() else 0
        local = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            flags,
            DEFLATED,
            DOS_TIME,
            DOS_DATE,
            entry.crc,
            len(entry.compressed),
            entry.size,
            len(name),
            0,
        )
        chunks += [local, name, entry.compressed]
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                DEFLATED,
                DOS_TIME,
                DOS_DATE,
                entry.crc,
                len(entry.compressed),
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                FILE_MODE,
                offset,
            )
            + name
        )
        offset += len(local) + len(name) + len(entry.compressed)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
