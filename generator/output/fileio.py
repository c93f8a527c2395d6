"""Writing files the way a folder of children's records needs: atomic, never more open than the umask.

A run killed half-way (laptop lid closed, Ctrl-C, a full disk) must never leave a truncated .docx
that Word refuses to open, so everything is written to a temporary file beside the target and
renamed. Every file gets the mode a new file would get under the user's umask (a therapist who set
``umask 077`` on a shared computer gets plans only they can read), and plangen's own state (the
lock, the journal, what the overview remembers) is owner-only whatever the umask says. The temporary
files have one recognisable name, so a later run can remove the ones a killed run left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path
from typing import TextIO

PRIVATE_FILE = 0o600  # plangen's state files: the lock, the journal, overview and PDF state
PRIVATE_DIR = 0o700  # the .plangen folder
TEMP_SUFFIX = ".tmp"
# ".<name, at most 40 characters>.<8 random characters>.tmp", as tempfile.mkstemp makes them below.
TEMP_NAME = re.compile(r"^\..{1,40}\.[a-z0-9_]{8}\.tmp$", re.DOTALL)


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux: /proc)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o077)  # elsewhere: set and restore at once (the stricter value meanwhile)
    os.umask(mask)
    return mask


def new_file_mode(mode: int = 0o666) -> int:
    """``mode`` as the umask leaves it: never more open than a file the user creates by hand."""
    return mode & ~current_umask() & 0o777


def atomic_write(path: Path, data: bytes, mode: int | None = None, durable: bool = True) -> None:
    """Temp file + rename. ``durable`` also fsyncs, so the file survives a power cut right after.

    ``mode`` (e.g. ``PRIVATE_FILE``) narrows the file further; the umask always applies. Plans skip the
    fsync (a third of the per-plan cost): a plan the power cut left empty or cut short is not a valid
    .docx, and the local sink rewrites such a file instead of keeping it as an edit.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where modes do not apply anyway
            os.fchmod(fd, new_file_mode(0o666 if mode is None else mode))
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


def open_private(path: Path, *, append: bool = True) -> TextIO:
    """A state file opened for appending (or reading and appending), owner-only even if it existed
    more open (an older plangen made it under the umask)."""
    flags = os.O_CREAT | os.O_APPEND | (os.O_WRONLY if append else os.O_RDWR)
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE & ~current_umask())
        return os.fdopen(fd, "a" if append else "a+", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def private_dir(path: Path) -> None:
    """Make (or tighten) an owner-only folder; a symlink or a file in its place is refused by the caller
    (``os.mkdir`` never follows a link here, and ``chmod`` is not attempted on one)."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=PRIVATE_DIR, parents=False)
    if not path.is_symlink() and path.is_dir() and hasattr(os, "chmod"):
        with contextlib.suppress(PermissionError):
            os.chmod(path, PRIVATE_DIR & ~current_umask())


def remove_stale_temp_files(folders: list[Path]) -> int:
    """Remove plangen's own temporary files (``TEMP_NAME``) a killed run left in ``folders`` (not below)."""
    removed = 0
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "the disk reported an input/output error",
    errno.EFBIG: "the file grew past the size this system allows (or the disk is full)",
}
FIXES = {
    errno.ENOSPC: "free some space",
    errno.EFBIG: "free some space",
    errno.EDQUOT: "free some space",
    errno.EROFS: "choose a folder you can write to with --out",
    errno.EACCES: "check the folder's permissions or choose another with --out",
    errno.EPERM: "check the folder's permissions or choose another with --out",
}


def cause(exc: OSError) -> str:
    """What went wrong, in words (never a file's contents): 'the disk is full', 'permission denied'."""
    return CAUSES.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def fix(exc: OSError) -> str:
    """What to do about it, for the end of a message."""
    return FIXES.get(exc.errno or 0, "check the disk and the folder")
