"""Limits on what a zip package (an .xlsx caseload, a .docx template or plan) may inflate to.

A 2 MB file can hold a part that inflates to gigabytes; read whole, it takes the machine's memory
before any message. Every part's declared size is checked from the zip's directory before anything
is read (no inflating, constant memory), and Python's zip reader never inflates a part past its
declared size (it stops there and the checksum fails: a part that lies about its size reads as
damaged). ``MAX_PART_BYTES`` is documented in the README.
"""

from __future__ import annotations

import zipfile

MAX_PART_BYTES = 200 * 1024 * 1024  # one part inflated: a 10,000-student sheet is ~25 MB
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all parts together
READ_CHUNK = 1024 * 1024


class PartTooLarge(Exception):
    """A part that would inflate past the limits; ``str()`` names the part and its declared size only."""


def check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a package whose parts declare more than the limits, before reading any of them."""
    total = 0
    for info in archive.infolist():
        if info.file_size > MAX_PART_BYTES:
            raise PartTooLarge(_too_large(info.filename, info.file_size))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise PartTooLarge(
            f"its parts would inflate to {total // 2**20:,} MB together (the limit is {MAX_TOTAL_BYTES // 2**20:,} MB)"
        )


def read_part(archive: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> bytes:
    """A part's bytes, refused past ``limit`` whatever it declares (read in pieces, never more than the limit)."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise PartTooLarge(_too_large(name, info.file_size, limit))
    pieces, size = [], 0
    with archive.open(info) as stream:
        while chunk := stream.read(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise PartTooLarge(_too_large(name, size, limit))
            pieces.append(chunk)
    return b"".join(pieces)


def _too_large(name: str, size: int, limit: int = MAX_PART_BYTES) -> str:
    return (
        f"its part {name} would inflate to {size // 2**20:,} MB (the limit is {limit // 2**20:,} MB "
        "a part): it is damaged or not a real document"
    )
