"""Atomic file writes: a plan, manifest or token file is either the old one or the new one.

A run killed half-way (laptop lid closed, Ctrl-C) must never leave a truncated .docx that Word
refuses to open, so everything is written to a temporary file beside the target and renamed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, mode: int = 0o644, durable: bool = True) -> None:
    """Temp file + rename. ``durable`` also fsyncs, so the file survives a power cut right after.

    Plans skip the fsync (a third of the per-plan cost): a plan the power cut left empty or cut short is
    not a valid .docx, and the local sink rewrites such a file instead of keeping it as an edit.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where modes do not apply anyway
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
