"""The saved sign-in on disk and the credentials plangen loads from it (or from a service-account key).

A therapist signs in once (``signin.login``); the token is kept as authorized-user JSON (the format
of google-auth's ``Credentials.to_json()``) in their config directory, readable only by them,
because it grants access to student plans. A district admin can instead hand plangen a
service-account key, optionally impersonating a staff member (domain-wide delegation).

When ``PLANGEN_GOOGLE_API_ROOT`` is set, token requests go to that root too, so a test or an
emulator never causes a request to Google.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google_auth_httplib2
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account as sa_credentials

from generator.errors import AuthError, GoogleError
from generator.google.auth.client import new_http, refresh_detail, token_uri_override
from generator.google.auth.scopes import DEFAULT_SCOPES, RunNeeds, choose_scopes, covers, granted_scopes
from generator.output.fileio import PRIVATE_DIR, PRIVATE_FILE, atomic_write

ENV_TOKEN_FILE = "PLANGEN_TOKEN_FILE"
LOGIN_FIX = "Run `plangen auth login --client-secrets FILE` to sign in again."
SIGNED_IN = "plangen_signed_in"  # extra keys plangen keeps in the token file
REFRESH_ENDS = "plangen_refresh_token_expiry"
_log = logging.getLogger(__name__)


def default_token_path() -> Path:
    """Where a sign-in is cached: the per-user config directory of the platform."""
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Roaming"
    else:
        base = os.environ.get("XDG_CONFIG_HOME")
        root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "plangen" / "token.json"


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with a file that was never readable by anyone else.

    The temporary file is created 0600 (mkstemp) before any byte is written, then renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    atomic_write(path, text.encode("utf-8"), mode=PRIVATE_FILE)


def save_token(
    credentials: user_credentials.Credentials, path: Path | None = None, extra: dict[str, str] | None = None
) -> Path:
    """Cache a user sign-in as authorized-user JSON with mode 0600; returns the path used.

    ``extra`` adds plangen's own notes (when the sign-in was made, when Google said it ends),
    which google-auth ignores when it reads the file back.
    """
    target = Path(path) if path is not None else default_token_path()
    text = credentials.to_json()
    if extra:
        text = json.dumps({**json.loads(text), **extra})
    try:
        write_private(target, text)
    except OSError as exc:
        raise AuthError(
            f"Could not save the Google sign-in to {target}: {exc.strerror or exc}. "
            "Pass --token-file with a writable location."
        ) from exc
    return target


def read_json(path: Path, what: str, fix: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AuthError(f"The {what} {path} does not exist. {fix}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise AuthError(f"The {what} {path} cannot be read ({detail}). {fix}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AuthError(f"The {what} {path} is not valid JSON (line {getattr(exc, 'lineno', '?')}). {fix}") from exc
    if not isinstance(data, dict):
        raise AuthError(f"The {what} {path} does not hold a JSON object. {fix}")
    return data


def kind_of(data: dict[str, Any]) -> str:
    if data.get("type") == "service_account" or "private_key" in data:
        return "service_account"
    if "installed" in data or "web" in data:
        return "client_secrets"
    if data.get("type") in (None, "authorized_user") and "refresh_token" in data:
        return "authorized_user"
    return str(data.get("type") or "unknown")


_KIND_NAMES = {
    "service_account": "a service-account key (use --service-account FILE)",
    "client_secrets": ("an OAuth client-secrets file (use `plangen auth login --client-secrets FILE`)"),
    "authorized_user": "a saved sign-in (use --token-file FILE)",
}


def wrong_kind(path: Path, what: str, kind: str) -> AuthError:
    found = _KIND_NAMES.get(kind, f"a {kind!r} credentials file plangen cannot use")
    return AuthError(f"{path} was given as the {what}, but it is {found}.")


def resolve_token_path(token_file: Path | None) -> tuple[Path, str]:
    if token_file is not None:
        return Path(token_file), "--token-file"
    env = os.environ.get(ENV_TOKEN_FILE, "").strip()
    if env:
        return Path(env).expanduser(), ENV_TOKEN_FILE
    return default_token_path(), "default"


def load_service_account(path: Path, impersonate: str | None, scopes: Sequence[str]) -> sa_credentials.Credentials:
    fix = "Download a new JSON key for the service account from the Google Cloud console."
    data = read_json(path, "service-account key", fix)
    kind = kind_of(data)
    if kind != "service_account":
        raise wrong_kind(path, "service-account key", kind)
    override = token_uri_override()
    if override:
        data = {**data, "token_uri": override}
    try:
        creds = sa_credentials.Credentials.from_service_account_info(
            data, scopes=list(scopes), subject=impersonate or None
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"The service-account key {path} is incomplete or damaged ({exc}). {fix}") from exc
    if override and hasattr(creds, "_is_regional_access_boundary_lookup_required"):
        # Recent google-auth may look up the account's "regional access boundary" at
        # iamcredentials.googleapis.com in the background; with an overridden root nothing
        # may leave it.
        creds._is_regional_access_boundary_lookup_required = lambda: False
    return creds


def user_from_info(path: Path, data: dict[str, Any]) -> user_credentials.Credentials:
    kind = kind_of(data)
    if kind != "authorized_user":
        raise wrong_kind(path, "saved Google sign-in", kind)
    try:
        creds = user_credentials.Credentials.from_authorized_user_info(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"The saved Google sign-in {path} is incomplete ({exc}). {LOGIN_FIX}") from exc
    override = token_uri_override()
    if override:
        redirected = creds.with_token_uri(override)
        redirected.expiry = creds.expiry  # with_token_uri() forgets it
        creds = redirected
    return creds


def refresh(creds: Any, path: Path) -> None:
    """Renew the access token at Google; a refusal (revoked, expired) is an AuthError naming the fix."""
    try:
        creds.refresh(google_auth_httplib2.Request(new_http()))
    except google.auth.exceptions.RefreshError as exc:
        raise AuthError(
            f"Google refused to renew the sign-in saved in {path} ({refresh_detail(exc)}). {LOGIN_FIX}"
        ) from exc
    except google.auth.exceptions.TransportError as exc:
        raise GoogleError(
            f"Could not reach Google to renew the sign-in saved in {path} "
            f"({refresh_detail(exc)}). "
            "Check the internet connection and run again."
        ) from exc


def load_credentials(
    token_file: Path | None = None,
    service_account: Path | None = None,
    impersonate: str | None = None,
    scopes: Sequence[str] = DEFAULT_SCOPES,
) -> Any:
    """Credentials for Google calls, chosen by the documented precedence.

    A service-account key wins, then ``token_file``, then ``PLANGEN_TOKEN_FILE``, then the
    default path. An expired user token is renewed now and saved back (0600), so a long run
    does not start with a failure and the next run starts with a fresh token.
    """
    if service_account is not None:
        return load_service_account(Path(service_account), impersonate, scopes)
    if impersonate:
        raise AuthError(
            f"--impersonate {impersonate} needs --service-account FILE: only a service account "
            "with domain-wide delegation can act as another user."
        )
    path, source = resolve_token_path(token_file)
    if source == "default" and not path.exists():
        raise AuthError(
            f"No Google sign-in found (looked for {path}). Run `plangen auth login "
            "--client-secrets FILE`, or pass --token-file or --service-account."
        )
    data = read_json(path, "saved Google sign-in", LOGIN_FIX)
    creds = user_from_info(path, data)
    granted = tuple(creds.scopes or ())
    if granted and not covers(granted, scopes):
        raise AuthError(
            f"The sign-in saved in {path} grants {', '.join(granted)} but plangen needs "
            f"{', '.join(scopes)}. {LOGIN_FIX}"
        )
    if not creds.valid:
        refresh(creds, path)
        try:
            write_private(path, json.dumps({**data, **json.loads(creds.to_json())}))
        except OSError as exc:  # the token still works for this run
            _log.warning("could not save the renewed Google sign-in to %s: %s", path, exc)
    return creds


def load_for_run(sign_in: RunNeeds, *, inputs: bool) -> Any:
    """The credentials of a run, with the scopes ``choose_scopes`` picks."""
    return load_credentials(
        sign_in.token_file, sign_in.service_account, sign_in.impersonate, scopes=choose_scopes(sign_in, inputs=inputs)
    )


def check_scopes(credentials: Any, sign_in: RunNeeds, *, inputs: bool) -> None:
    """Credentials loaded for one need, asked for another: refuse what they were not granted."""
    wanted = choose_scopes(sign_in, inputs=inputs)
    have = granted_scopes(credentials)
    if have and not covers(have, wanted):
        raise AuthError(
            f"The Google sign-in grants {', '.join(have)} but plangen needs {', '.join(wanted)}. {LOGIN_FIX}"
        )


def service_account_email(credentials: Any) -> str | None:
    """The service account acting as itself (no --impersonate), which owns no Drive storage."""
    email = getattr(credentials, "service_account_email", None)
    return email if email and not getattr(credentials, "_subject", None) else None
