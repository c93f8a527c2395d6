"""Exported Google Docs templates, kept in the user's cache folder between runs.

Exporting a Doc as .docx is the slowest Google call of a run and the template rarely changes, so
each export is kept under the Doc's ID and its ``modifiedTime``: the next run asks Drive only for
the Doc's metadata, and exports again only when someone edited the Doc. The cache is the user's
(``$XDG_CACHE_HOME/plangen``, ``~/.cache/plangen``, ``%LOCALAPPDATA%\\plangen\\Cache``), never the
project folder, so a template is not committed or synced by accident.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import zipfile
from pathlib import Path

from generator.output.fileio import PRIVATE_DIR, PRIVATE_FILE, atomic_write

ENV_CACHE_DIR = "PLANGEN_CACHE_DIR"
_log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """The per-user cache folder of the platform ($PLANGEN_CACHE_DIR overrides it)."""
    override = os.environ.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
        return root / "plangen" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "plangen"


def _entry(file_id: str, modified: str) -> Path:
    stamp = re.sub(r"[^0-9A-Za-z]", "", modified)
    return cache_dir() / "docs" / f"{file_id}.{stamp}.docx"


def read(file_id: str, modified: str) -> bytes | None:
    """The export made when the Doc had this modifiedTime, or None (missing or damaged)."""
    try:
        data = _entry(file_id, modified).read_bytes()
    except OSError:
        return None
    return data if zipfile.is_zipfile(io.BytesIO(data)) else None


def store(file_id: str, modified: str, data: bytes) -> None:
    """Keep this export and drop the Doc's older ones; a cache that cannot be written only costs speed."""
    target = _entry(file_id, modified)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        atomic_write(target, data, mode=PRIVATE_FILE, durable=False)
    except OSError as exc:
        _log.warning("could not keep the exported template in %s: %s", target.parent, exc)
        return
    for old in target.parent.glob(f"{file_id}.*.docx"):
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
