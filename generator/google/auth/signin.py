"""Browser sign-in (the installed-app flow): a therapist signs in once and the token is saved; and
signing out: the token revoked at Google and the saved file deleted.

Where the token is kept and how it is loaded later: ``credentials``; which scopes: ``scopes``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import urllib.parse
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httplib2
from google.oauth2 import credentials as user_credentials

from generator.errors import AuthError
from generator.google.auth.client import auth_uri_override, new_http, revoke_uri, token_uri_override
from generator.google.auth.credentials import (
    REFRESH_ENDS,
    SIGNED_IN,
    kind_of,
    read_json,
    resolve_token_path,
    save_token,
    wrong_kind,
)
from generator.google.auth.scopes import DEFAULT_SCOPES

LOOPBACK_HOST = "127.0.0.1"
PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"


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
    data = read_json(client_secrets, "OAuth client-secrets file", fix)
    if "installed" not in data:
        if "web" in data:
            raise AuthError(
                f"{client_secrets} is for a 'Web application' OAuth client; plangen needs a 'Desktop app' client. {fix}"
            )
        raise wrong_kind(client_secrets, "OAuth client-secrets file", kind_of(data))
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


def _has_browser() -> bool:
    try:
        webbrowser.get()
    except webbrowser.Error:  # no browser here (e.g. over SSH): the printed link will do
        return False
    return True


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
    open_browser = open_browser and _has_browser()
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


def logout(token_file: Path | None = None) -> str:
    """Revoke the saved sign-in at Google (its refresh token, and with it every access token made from
    it) and delete the file; what happened, said for the therapist."""
    path, _ = resolve_token_path(token_file)
    if not path.exists():
        raise AuthError(f"No saved Google sign-in at {path}: nothing to sign out of.")
    try:
        data = read_json(path, "saved Google sign-in", "")
    except AuthError:
        data = {}
    token = str(data.get("refresh_token") or data.get("token") or "")
    said = _revoke(token) if token else "it held no token to revoke"
    try:
        path.unlink()
    except OSError as exc:
        raise AuthError(f"{said}; but {path} could not be deleted ({exc.strerror or exc}): delete it by hand.") from exc
    return f"Signed out: {said}; {path} deleted."


def _revoke(token: str) -> str:
    body = urllib.parse.urlencode({"token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        response, content = new_http().request(revoke_uri(), "POST", body=body, headers=headers)
    except (OSError, httplib2.HttpLib2Error) as exc:
        return f"Google could not be reached to revoke it ({exc}), so remove plangen's access at {PERMISSIONS_PAGE}"
    if response.status == 200:
        return "Google revoked the sign-in (plangen can no longer open your Drive with it)"
    if response.status == 400 and b"invalid_token" in content:
        return "Google no longer knew the sign-in (already revoked or expired)"
    return f"Google did not revoke it (HTTP {response.status}), so remove plangen's access at {PERMISSIONS_PAGE}"


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
