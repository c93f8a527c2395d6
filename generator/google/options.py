"""What the command line says about Google, as plain settings: importing this loads no Google library.

The pipeline and the CLI hold these before they know whether Google will be needed at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GoogleSignIn:
    """Which Google account reads the inputs (the same choices as --drive)."""

    token_file: Path | None = None
    service_account: Path | None = None
    impersonate: str | None = None
