"""Which Google scopes a run asks for, chosen here and only here, and what a sign-in's scopes allow.

Pure: loads no Google library, so ``options`` and the CLI can name the scopes cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from generator.errors import ConfigError
from generator.google.auth.ids import SCOPE_FILE as FILE
from generator.google.auth.ids import SCOPE_FULL as FULL

DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
DEFAULT_SCOPES: tuple[str, ...] = (DRIVE_SCOPE,)

# A broader scope grants everything a narrower one does.
_IMPLIED_BY = {DRIVE_FILE_SCOPE: DRIVE_SCOPE}


def covers(granted: Sequence[str], wanted: Sequence[str]) -> bool:
    """True when ``granted`` includes (or implies) every scope in ``wanted``."""
    have = set(granted)
    return all(s in have or _IMPLIED_BY.get(s) in have for s in wanted)


class RunNeeds(Protocol):
    """What ``options.GoogleSignIn`` says about a run (kept structural: that module calls this one)."""

    token_file: Path | None
    service_account: Path | None
    impersonate: str | None
    scope: str | None
    write_back: bool


FILE_SCOPE_LIMITS = (
    "With --scope file (drive.file) plangen sees only the files and folders it created itself: it "
    "cannot open folders people made (use --drive root --create-folders, and leave the folders it "
    "makes where they are), read a Google Docs template or a Google Sheets caseload, or write plan "
    "links into a Sheet."
)


def choose_scopes(sign_in: RunNeeds, *, inputs: bool) -> tuple[str, ...]:
    """What the run asks Google for, from what it needs (inputs, --drive, --write-back, --scope).

    ``drive`` is a restricted scope that some districts refuse; ``drive.file`` is not, but sees
    only what plangen created. With no --scope, a saved sign-in is used for what it grants: Drive
    plans need only ``drive.file`` (which ``drive`` includes), while reading a Google Doc or Sheet
    someone else made, or writing into it, needs ``drive``. A service account asks for ``drive``
    unless told otherwise, since its folders are always ones people made.
    """
    needs_full = inputs or sign_in.write_back
    if sign_in.scope == FILE:
        if needs_full:
            what = "write plan links into the Google Sheet" if not inputs else "read a Google Doc or Sheet"
            raise ConfigError(
                f"--scope file cannot {what}. {FILE_SCOPE_LIMITS} Download the template and "
                "caseload and give the files, or drop --scope file."
            )
        return (DRIVE_FILE_SCOPE,)
    if sign_in.scope == FULL or needs_full or sign_in.service_account is not None:
        return (DRIVE_SCOPE,)
    return (DRIVE_FILE_SCOPE,)


def granted_scopes(credentials: Any) -> tuple[str, ...]:
    """The scopes a sign-in holds: what Google granted when it said so, else what was asked for."""
    granted = getattr(credentials, "granted_scopes", None) or getattr(credentials, "scopes", None) or ()
    return tuple(granted)


def only_file_scope(credentials: Any) -> bool:
    """True when plangen can see only what it created (a drive.file sign-in)."""
    have = granted_scopes(credentials)
    return bool(have) and not covers(have, (DRIVE_SCOPE,)) and covers(have, (DRIVE_FILE_SCOPE,))
