"""Google credentials: a cached browser sign-in, or a service-account key.

A therapist signs in once (``login``); the token is kept as authorized-user JSON (the format of
google-auth's ``Credentials.to_json()``) in their config directory, readable only by them,
because it grants access to student plans. A district admin can instead hand plangen a
service-account key, optionally impersonating a staff member (domain-wide delegation).

When ``PLANGEN_GOOGLE_API_ROOT`` is set, token requests go to that root too, so a test or an
emulator never causes a request to Google.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import google.auth.exceptions
import google_auth_httplib2
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account as sa_credentials

from generator.errors import AuthError, ConfigError, GoogleError
from generator.google.auth.client import auth_uri_override, new_http, refresh_detail, token_uri_override
from generator.google.auth.ids import SCOPE_FILE as FILE
from generator.google.auth.ids import SCOPE_FULL as FULL
from generator.output.fileio import atomic_write

DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
DEFAULT_SCOPES: tuple[str, ...] = (DRIVE_SCOPE,)
ENV_TOKEN_FILE = "PLANGEN_TOKEN_FILE"

# A broader scope grants everything a narrower one does.
_IMPLIED_BY = {DRIVE_FILE_SCOPE: DRIVE_SCOPE}

_LOGIN_FIX = "Run `plangen auth login --client-secrets FILE` to sign in again."
LOOPBACK_HOST = "127.0.0.1"
SIGNED_IN = "plangen_signed_in"  # extra keys plangen keeps in the token file
REFRESH_ENDS = "plangen_refresh_token_expiry"
TESTING_DAYS = 7  # refresh tokens of an External OAuth app in "Testing" end after 7 days
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


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with a file that was never readable by anyone else.

    The temporary file is created 0600 (mkstemp) before any byte is written, then renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write(path, text.encode("utf-8"), mode=0o600)


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
        _write_private(target, text)
    except OSError as exc:
        raise AuthError(
            f"Could not save the Google sign-in to {target}: {exc.strerror or exc}. "
            "Pass --token-file with a writable location."
        ) from exc
    return target


def _read_json(path: Path, what: str, fix: str) -> dict[str, Any]:
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


def _kind_of(data: dict[str, Any]) -> str:
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


def _wrong_kind(path: Path, what: str, kind: str) -> AuthError:
    found = _KIND_NAMES.get(kind, f"a {kind!r} credentials file plangen cannot use")
    return AuthError(f"{path} was given as the {what}, but it is {found}.")


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _covers(granted: Sequence[str], wanted: Sequence[str]) -> bool:
    have = set(granted)
    return all(s in have or _IMPLIED_BY.get(s) in have for s in wanted)


def _resolve_token_path(token_file: Path | None) -> tuple[Path, str]:
    if token_file is not None:
        return Path(token_file), "--token-file"
    env = os.environ.get(ENV_TOKEN_FILE, "").strip()
    if env:
        return Path(env).expanduser(), ENV_TOKEN_FILE
    return default_token_path(), "default"


def _load_service_account(path: Path, impersonate: str | None, scopes: Sequence[str]) -> sa_credentials.Credentials:
    fix = "Download a new JSON key for the service account from the Google Cloud console."
    data = _read_json(path, "service-account key", fix)
    kind = _kind_of(data)
    if kind != "service_account":
        raise _wrong_kind(path, "service-account key", kind)
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


def _user_from_info(path: Path, data: dict[str, Any]) -> user_credentials.Credentials:
    kind = _kind_of(data)
    if kind != "authorized_user":
        raise _wrong_kind(path, "saved Google sign-in", kind)
    try:
        creds = user_credentials.Credentials.from_authorized_user_info(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"The saved Google sign-in {path} is incomplete ({exc}). {_LOGIN_FIX}") from exc
    override = token_uri_override()
    if override:
        redirected = creds.with_token_uri(override)
        redirected.expiry = creds.expiry  # with_token_uri() forgets it
        creds = redirected
    return creds


def _refresh(creds: Any, path: Path) -> None:
    try:
        creds.refresh(google_auth_httplib2.Request(new_http()))
    except google.auth.exceptions.RefreshError as exc:
        raise AuthError(
            f"Google refused to renew the sign-in saved in {path} ({refresh_detail(exc)}). {_LOGIN_FIX}"
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
        return _load_service_account(Path(service_account), impersonate, scopes)
    if impersonate:
        raise AuthError(
            f"--impersonate {impersonate} needs --service-account FILE: only a service account "
            "with domain-wide delegation can act as another user."
        )
    path, source = _resolve_token_path(token_file)
    if source == "default" and not path.exists():
        raise AuthError(
            f"No Google sign-in found (looked for {path}). Run `plangen auth login "
            "--client-secrets FILE`, or pass --token-file or --service-account."
        )
    data = _read_json(path, "saved Google sign-in", _LOGIN_FIX)
    creds = _user_from_info(path, data)
    granted = tuple(creds.scopes or ())
    if granted and not _covers(granted, scopes):
        raise AuthError(
            f"The sign-in saved in {path} grants {', '.join(granted)} but plangen needs "
            f"{', '.join(scopes)}. {_LOGIN_FIX}"
        )
    if not creds.valid:
        _refresh(creds, path)
        try:
            _write_private(path, json.dumps({**data, **json.loads(creds.to_json())}))
        except OSError as exc:  # the token still works for this run
            _log.warning("could not save the renewed Google sign-in to %s: %s", path, exc)
    return creds


# --------------------------------------------------------------------------------------------
# The run's scopes: chosen here, and only here
# --------------------------------------------------------------------------------------------


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


def load_for_run(sign_in: RunNeeds, *, inputs: bool) -> Any:
    """The credentials of a run, with the scopes ``choose_scopes`` picks."""
    return load_credentials(
        sign_in.token_file, sign_in.service_account, sign_in.impersonate, scopes=choose_scopes(sign_in, inputs=inputs)
    )


def check_scopes(credentials: Any, sign_in: RunNeeds, *, inputs: bool) -> None:
    """Credentials loaded for one need, asked for another: refuse what they were not granted."""
    wanted = choose_scopes(sign_in, inputs=inputs)
    have = granted_scopes(credentials)
    if have and not _covers(have, wanted):
        raise AuthError(
            f"The Google sign-in grants {', '.join(have)} but plangen needs {', '.join(wanted)}. {_LOGIN_FIX}"
        )


def granted_scopes(credentials: Any) -> tuple[str, ...]:
    """The scopes a sign-in holds: what Google granted when it said so, else what was asked for."""
    granted = getattr(credentials, "granted_scopes", None) or getattr(credentials, "scopes", None) or ()
    return tuple(granted)


def only_file_scope(credentials: Any) -> bool:
    """True when plangen can see only what it created (a drive.file sign-in)."""
    have = granted_scopes(credentials)
    return bool(have) and not _covers(have, (DRIVE_SCOPE,)) and _covers(have, (DRIVE_FILE_SCOPE,))


def service_account_email(credentials: Any) -> str | None:
    """The service account acting as itself (no --impersonate), which owns no Drive storage."""
    email = getattr(credentials, "service_account_email", None)
    return email if email and not getattr(credentials, "_subject", None) else None


# --------------------------------------------------------------------------------------------
# Browser sign-in
# --------------------------------------------------------------------------------------------


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


@contextlib.contextmanager
def _allow_http_token_uri(token_uri: str) -> Iterator[None]:
    """oauthlib refuses http:// token endpoints; a loopback fake is the one safe exception."""
    if not (token_uri.startswith("http://") and _is_loopback(token_uri)):
        yield
        return
    old = os.environ.get("OAUTHLIB_INSECURE_TRANSPORT")
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = old


def _client_config(client_secrets: Path) -> dict[str, Any]:
    fix = "In the Google Cloud console, create an OAuth client ID of type 'Desktop app' and download its JSON."
    data = _read_json(client_secrets, "OAuth client-secrets file", fix)
    if "installed" not in data:
        if "web" in data:
            raise AuthError(
                f"{client_secrets} is for a 'Web application' OAuth client; plangen needs a 'Desktop app' client. {fix}"
            )
        raise _wrong_kind(client_secrets, "OAuth client-secrets file", _kind_of(data))
    info = dict(data["installed"])
    missing = [k for k in ("client_id", "client_secret") if not info.get(k)]
    if missing:
        raise AuthError(f"{client_secrets} lacks {', '.join(missing)}. {fix}")
    info.setdefault("auth_uri", "https://accounts.google.com/o/oauth2/auth")
    info.setdefault("token_uri", "https://oauth2.googleapis.com/token")
    if token_uri_override():
        info["token_uri"] = token_uri_override()
        info["auth_uri"] = auth_uri_override()
    return {"installed": info}


def _print_url(url: str) -> None:
    print(f"Sign in to Google in your browser. If it did not open, visit:\n{url}\n", file=sys.stderr, flush=True)


def login(
    client_secrets: Path,
    token_file: Path | None = None,
    scopes: Sequence[str] = DEFAULT_SCOPES,
    open_browser: bool = True,
    *,
    port: int = 0,
    timeout_seconds: float | None = None,
    on_url: Callable[[str], None] | None = None,
) -> user_credentials.Credentials:
    """Sign in through the browser (installed-app flow) and cache the token.

    The sign-in page redirects to a one-shot server on ``127.0.0.1:port`` (0 = any free port,
    which Desktop-app clients allow): the literal loopback address, as Google's native-app guide
    advises, since ``localhost`` may resolve to another interface or reach another process.
    ``on_url`` receives the sign-in URL to show the user; without it the URL is printed to stderr,
    so sign-in works where no browser can open.
    Returns the credentials after saving them (0600) to
    ``token_file`` or the default path.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    config = _client_config(Path(client_secrets))

    show = on_url or _print_url

    class _Flow(InstalledAppFlow):
        def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
            url, state = super().authorization_url(**kwargs)
            show(url)
            return url, state

    flow = _Flow.from_client_config(config, scopes=list(scopes))
    if open_browser:
        try:
            webbrowser.get()
        except webbrowser.Error:  # no browser here (e.g. over SSH): the printed link will do
            open_browser = False
    try:
        with _allow_http_token_uri(config["installed"]["token_uri"]):
            creds = flow.run_local_server(
                host=LOOPBACK_HOST,
                port=port,
                open_browser=open_browser,
                authorization_prompt_message="",
                success_message="plangen is signed in. You can close this tab.",
                timeout_seconds=timeout_seconds,
                prompt="consent",
            )
    except AuthError:
        raise
    except Exception as exc:  # oauthlib/requests raise many unrelated types
        raise AuthError(f"Google sign-in did not complete ({type(exc).__name__}: {exc}).") from exc
    if not getattr(creds, "refresh_token", None):
        raise AuthError(
            "Google did not return a refresh token, so the sign-in cannot be reused. Remove "
            "plangen's access at https://myaccount.google.com/permissions and sign in again."
        )
    save_token(creds, token_file, _lifetime_notes(getattr(flow, "oauth2session", None)))
    return creds


def _lifetime_notes(session: Any) -> dict[str, str]:
    """When the sign-in was made and, when Google's answer said so, when its refresh token ends."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    notes = {SIGNED_IN: now.isoformat().replace("+00:00", "Z")}
    answer = getattr(session, "token", None) or {}
    try:
        seconds = int(answer.get("refresh_token_expires_in") or "")
    except (TypeError, ValueError):
        return notes
    notes[REFRESH_ENDS] = (now + dt.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")
    return notes


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthStatus:
    """What credentials plangen would use, without secrets, for `plangen auth status`."""

    kind: str  # "service_account", "authorized_user" or "none"
    source: str  # "--service-account", "--token-file", "PLANGEN_TOKEN_FILE" or "default"
    path: Path | None
    scopes: tuple[str, ...] = ()
    expiry: dt.datetime | None = None
    valid: bool = False
    refreshable: bool = False
    account: str | None = None
    impersonate: str | None = None
    problem: str | None = None
    signed_in: dt.datetime | None = None
    refresh_ends: dt.datetime | None = None

    def describe(self) -> str:
        """Human-readable lines; never includes tokens, secrets or keys."""
        if self.kind == "none":
            return f"No usable Google credentials: {self.problem}"
        label = "service account" if self.kind == "service_account" else "saved sign-in"
        lines = [f"Google credentials: {label} from {self.path} ({self.source})"]
        if self.account:
            lines.append(f"  account: {self.account}")
        if self.impersonate:
            lines.append(f"  acting as: {self.impersonate}")
        lines.append(f"  scopes: {', '.join(self.scopes) or '(none recorded)'}")
        if self.kind == "authorized_user":
            when = self.expiry.isoformat(timespec="seconds") + "Z" if self.expiry else "unknown"
            state = "valid" if self.valid else "expired"
            renew = "renewable" if self.refreshable else "not renewable"
            lines.append(f"  access token: {state} (expires {when}), {renew}")
        lines.extend("  " + line for line in lifetime(self.kind, self.signed_in, self.refresh_ends))
        if self.problem:
            lines.append(f"  problem: {self.problem}")
        return "\n".join(lines)


def status(
    token_file: Path | None = None,
    service_account: Path | None = None,
    impersonate: str | None = None,
) -> AuthStatus:
    """Describe the credentials the same precedence would pick, offline and without raising."""
    if service_account is not None:
        path = Path(service_account)
        try:
            account = _load_service_account(path, impersonate, DEFAULT_SCOPES)
        except AuthError as exc:
            return AuthStatus("none", "--service-account", path, problem=str(exc))
        return AuthStatus(
            kind="service_account",
            source="--service-account",
            path=path,
            scopes=DEFAULT_SCOPES,
            valid=True,
            refreshable=True,
            account=account.service_account_email,
            impersonate=impersonate or None,
        )
    path, source = _resolve_token_path(token_file)
    try:
        data = _read_json(path, "saved Google sign-in", _LOGIN_FIX)
        creds = _user_from_info(path, data)
    except AuthError as exc:
        return AuthStatus("none", source, path, problem=str(exc))
    return AuthStatus(
        kind="authorized_user",
        source=source,
        path=path,
        scopes=tuple(creds.scopes or ()),
        expiry=creds.expiry,
        valid=bool(creds.valid),
        refreshable=bool(creds.refresh_token),
        account=data.get("account") or None,
        signed_in=_when(data.get(SIGNED_IN)),
        refresh_ends=_when(data.get(REFRESH_ENDS)),
    )


def _when(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def lifetime(
    kind: str, signed_in: dt.datetime | None, refresh_ends: dt.datetime | None, now: dt.datetime | None = None
) -> list[str]:
    """How long this sign-in will keep working, as far as plangen can know it.

    Google keeps a user's sign-in until it is revoked or unused for six months, except for an
    External OAuth app left in "Testing", whose sign-ins end 7 days after they were made; nothing
    in a token says which kind of app it came from, so plangen says what it knows.
    """
    if kind == "service_account":
        return [
            "sign-in lifetime: no expiry to watch: the key signs in afresh on every run (until the "
            "key is deleted or disabled in the Cloud console)."
        ]
    now = now or dt.datetime.now(dt.timezone.utc)
    day = "%Y-%m-%d"
    if refresh_ends is not None:
        return [
            f"sign-in lifetime: Google said at sign-in that it ends on {refresh_ends.strftime(day)} (an "
            "External OAuth app in Testing, or a time limit set by the Workspace admin). Sign in again "
            "before then; to stop it, publish the app (In production) or make it Internal."
        ]
    testing = "an External app left in Testing ends it 7 days after sign-in"
    if signed_in is None:
        return [
            f"sign-in lifetime: with an Internal or In-production OAuth app it lasts until revoked or unused "
            f"for 6 months; {testing}."
        ]
    age = (now - signed_in).days
    made = f"signed in on {signed_in.strftime(day)}"
    if age >= TESTING_DAYS:
        return [
            f"sign-in lifetime: {made}, over {TESTING_DAYS} days ago, so the OAuth app is not in Testing "
            "if it still works: it lasts until revoked or unused for 6 months."
        ]
    ends = (signed_in + dt.timedelta(days=TESTING_DAYS)).strftime(day)
    return [
        f"sign-in lifetime: {made}. With an Internal or In-production OAuth app it lasts until revoked or "
        f"unused for 6 months; {testing} (on {ends}): publish the app or make it Internal to avoid a "
        "weekly sign-in."
    ]
