"""The run's one Google sign-in, as the command line chose it: importing this loads no Google library.

The CLI builds a :class:`GoogleSignIn` once from its flags and the pipeline carries it; the Google
inputs reader, the Drive sink, the write-back and ``doctor`` all ask it for credentials, which are
loaded (and the scopes chosen, in ``scopes.choose_scopes``) the first time one of them does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.google.auth.ids import SCOPE_CHOICES, SCOPE_FILE, SCOPE_FULL

FULL, FILE = SCOPE_FULL, SCOPE_FILE
__all__ = ["FILE", "FULL", "SCOPE_CHOICES", "GoogleSignIn"]


@dataclass
class GoogleSignIn:
    """Which Google account a run uses, and what the run will ask of it."""

    token_file: Path | None = None
    service_account: Path | None = None
    impersonate: str | None = None
    scope: str | None = None  # FULL, FILE, or None: what the saved sign-in grants
    drive: bool = False  # plans go to Google Drive (--drive)
    write_back: bool = False  # plan links go into the Google Sheet (--write-back)
    _credentials: Any = field(default=None, init=False, repr=False, compare=False)
    _inputs: bool = field(default=False, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def credentials(self, *, inputs: bool = False) -> Any:
        """The run's credentials, loaded once; ``inputs``: a Google Doc or Sheet is read with them."""
        from generator.google.auth.credentials import check_scopes, load_for_run

        with self._lock:
            if self._credentials is None:
                self._credentials = load_for_run(self, inputs=inputs)
                self._inputs = inputs
            elif inputs and not self._inputs:  # loaded for Drive alone; reading inputs may need more
                check_scopes(self._credentials, self, inputs=True)
                self._inputs = True
            return self._credentials
