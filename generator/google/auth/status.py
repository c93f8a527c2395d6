"""What sign-in plangen would use and how long it lasts, for `plangen auth status` and `doctor`.

Never prints a token, secret or key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import AuthError, GoogleError
from generator.google.auth.credentials import (
    LOGIN_FIX,
    REFRESH_ENDS,
    SIGNED_IN,
    load_service_account,
    read_json,
    refresh,
    resolve_token_path,
    user_from_info,
)
from generator.google.auth.scopes import DEFAULT_SCOPES

TESTING_DAYS = 7  # refresh tokens of an External OAuth app in "Testing" end after 7 days


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
    check: bool = True,
) -> AuthStatus:
    """Describe the credentials the same precedence would pick, without raising; a saved sign-in is renewed
    once at Google (``check``), so a sign-in revoked there is not called valid."""
    if service_account is not None:
        path = Path(service_account)
        try:
            account = load_service_account(path, impersonate, DEFAULT_SCOPES)
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
    path, source = resolve_token_path(token_file)
    try:
        data = read_json(path, "saved Google sign-in", LOGIN_FIX)
        creds = user_from_info(path, data)
    except AuthError as exc:
        return AuthStatus("none", source, path, problem=str(exc))
    problem, refused = _try_refresh(creds, path) if check else (None, False)
    return AuthStatus(
        kind="authorized_user",
        problem=problem,
        source=source,
        path=path,
        scopes=tuple(creds.scopes or ()),
        expiry=creds.expiry,
        valid=bool(creds.valid) and not refused,
        refreshable=bool(creds.refresh_token) and not refused,
        account=data.get("account") or None,
        signed_in=_when(data.get(SIGNED_IN)),
        refresh_ends=_when(data.get(REFRESH_ENDS)),
    )


def _try_refresh(creds: Any, path: Path) -> tuple[str | None, bool]:
    """Renew the access token once, as a run would: what went wrong (or None), and whether Google refused."""
    try:
        refresh(creds, path)
    except AuthError as exc:
        return str(exc), True
    except GoogleError as exc:
        return f"not checked with Google: {exc}", False
    return None, False


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
