"""One run at a time per output folder.

Two `plangen generate` runs into the same folder (a double-click, a second terminal, a scheduled
run) would interleave their journal writes and each think the other's plans were edited by hand.
The lock is an OS file lock, so it is released when the process ends however it ends: a crashed
run never leaves the folder locked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO, Any

from generator.errors import ConfigError
from generator.output.fileio import cause, open_private, private_dir

LOCK_NAME = "lock"
DEFAULT_WAIT_SECONDS = 5.0
ENV_LOCK_WAIT = "PLANGEN_LOCK_WAIT"


def _try_lock(handle: IO[Any]) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def check_state_dir(state_dir: Path, out_dir: Path) -> None:
    """plangen's records live in a real folder inside the output folder: never followed through a link
    (a ``.plangen`` pointing elsewhere would have plangen read and write another folder's files)."""
    if state_dir.is_symlink() or (state_dir.exists() and not state_dir.is_dir()):
        kind = "a link" if state_dir.is_symlink() else "a file"
        raise ConfigError(
            f"{state_dir} is {kind}, not a folder: plangen keeps its records of {out_dir} there. "
            "Move it away (nothing was written) and run again."
        )


class OutDirLock:
    """Held for the whole run; ``with OutDirLock(state_dir):``."""

    def __init__(self, state_dir: Path, out_dir: Path, wait: float | None = None):
        self.path = state_dir / LOCK_NAME
        self.out_dir = out_dir
        self.wait = wait if wait is not None else float(os.environ.get(ENV_LOCK_WAIT, DEFAULT_WAIT_SECONDS))
        self._handle: IO[Any] | None = None

    def __enter__(self) -> OutDirLock:
        check_state_dir(self.path.parent, self.out_dir)
        try:
            self.path.parent.parent.mkdir(parents=True, exist_ok=True)
            private_dir(self.path.parent)
            check_state_dir(self.path.parent, self.out_dir)
            handle = open_private(self.path, append=False)  # held until __exit__
        except OSError as exc:
            raise ConfigError(f"cannot use the output folder {self.out_dir}: {cause(exc)}.") from exc
        deadline = time.monotonic() + self.wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.close()
                raise ConfigError(
                    f"another plangen run is writing to {self.out_dir} right now; nothing was written. Wait for it "
                    "to finish and run again, or give this run another folder with --out."
                )
            time.sleep(0.1)
        self._handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock
            self._handle = None
