"""generator.google.auth.scopes: the one place a run's scopes are chosen, and what a sign-in's scopes allow."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.errors import ConfigError
from generator.google.auth import scopes as gscopes
from generator.google.auth.options import FILE, FULL, GoogleSignIn


@pytest.mark.parametrize(
    ("sign_in", "inputs", "scopes"),
    [
        (GoogleSignIn(drive=True), False, (gscopes.DRIVE_FILE_SCOPE,)),  # a drive or drive.file sign-in will do
        (GoogleSignIn(drive=True), True, (gscopes.DRIVE_SCOPE,)),  # a Doc or Sheet someone else made
        (GoogleSignIn(write_back=True), False, (gscopes.DRIVE_SCOPE,)),
        (GoogleSignIn(drive=True, scope=FULL), False, (gscopes.DRIVE_SCOPE,)),
        (GoogleSignIn(drive=True, scope=FILE), False, (gscopes.DRIVE_FILE_SCOPE,)),
        (GoogleSignIn(drive=True, service_account=Path("sa.json")), False, (gscopes.DRIVE_SCOPE,)),
        (GoogleSignIn(drive=True, service_account=Path("sa.json"), scope=FILE), False, (gscopes.DRIVE_FILE_SCOPE,)),
    ],
)
def test_scopes_follow_what_the_run_needs(sign_in: GoogleSignIn, inputs: bool, scopes: tuple[str, ...]) -> None:
    assert gscopes.choose_scopes(sign_in, inputs=inputs) == scopes


def test_scope_file_refuses_what_drive_file_cannot_do() -> None:
    with pytest.raises(ConfigError, match="^--scope file cannot read a Google Doc or Sheet"):
        gscopes.choose_scopes(GoogleSignIn(scope=FILE), inputs=True)
    with pytest.raises(ConfigError, match="^--scope file cannot write plan links into the Google Sheet"):
        gscopes.choose_scopes(GoogleSignIn(scope=FILE, write_back=True), inputs=False)


def test_drive_implies_drive_file() -> None:
    assert gscopes.covers([gscopes.DRIVE_SCOPE], [gscopes.DRIVE_FILE_SCOPE])
    assert not gscopes.covers([gscopes.DRIVE_FILE_SCOPE], [gscopes.DRIVE_SCOPE])
    narrow = SimpleNamespace(granted_scopes=None, scopes=[gscopes.DRIVE_FILE_SCOPE])
    wide = SimpleNamespace(granted_scopes=[gscopes.DRIVE_SCOPE], scopes=[gscopes.DRIVE_FILE_SCOPE])
    assert gscopes.granted_scopes(narrow) == (gscopes.DRIVE_FILE_SCOPE,)
    assert gscopes.only_file_scope(narrow) and not gscopes.only_file_scope(wide)
    assert not gscopes.only_file_scope(SimpleNamespace())  # nothing recorded: not known to be narrow
