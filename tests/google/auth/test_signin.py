"""generator.google.auth.signin: browser sign-in; and the helpers other Google tests build sign-ins with
(a saved token, a service-account key, a client-secrets file)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from generator.errors import AuthError
from generator.google.auth import client as g
from generator.google.auth import credentials as gcreds
from generator.google.auth import scopes as gscopes
from generator.google.auth import signin
from tests.google.fakegoogle import FakeGoogle, fixtures

fake_google = fixtures.fake_google  # until tests/conftest.py provides it

CLIENT_ID = "123-fake.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-client-secret-value"


def utcnow() -> dt.datetime:
    """Naive UTC, as google-auth keeps expiry times."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def token_json(fake: FakeGoogle | None = None, *, expired: bool = True, scopes: list[str] | None = None) -> dict:
    refresh = (
        fake.oauth.issue_refresh_token(" ".join(scopes or [gscopes.DRIVE_SCOPE]))
        if fake
        else ("1//refresh-secret-value")
    )
    expiry = utcnow() + dt.timedelta(hours=-1 if expired else 1)
    return {
        "token": "ya29.old-access-token",
        "refresh_token": refresh,
        "token_uri": "https://oauth2.googleapis.com/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scopes": scopes or [gscopes.DRIVE_SCOPE],
        "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the real user's token while testing."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    monkeypatch.delenv(gcreds.ENV_TOKEN_FILE, raising=False)
    return config


# --------------------------------------------------------------------------------------------
# Sign-ins for other tests: a service-account key
# --------------------------------------------------------------------------------------------


def rsa_key_pair() -> tuple[str, str]:
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    from cryptography.hazmat.primitives import serialization

    key = crypto.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


EMAIL = "plangen@district-project.iam.gserviceaccount.com"


def service_account_file(tmp_path: Path, private_pem: str) -> Path:
    return write(
        tmp_path / "sa.json",
        {
            "type": "service_account",
            "project_id": "district-project",
            "private_key_id": "abc123",
            "private_key": private_pem,
            "client_email": EMAIL,
            "client_id": "1234567890",
            "token_uri": "https://oauth2.googleapis.com/token",
        },
    )


# --------------------------------------------------------------------------------------------
# Browser sign-in
# --------------------------------------------------------------------------------------------


def client_secrets(tmp_path: Path, kind: str = "installed") -> Path:
    return write(
        tmp_path / "client_secret.json",
        {
            kind: {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "project_id": "p",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": "https://oauth2.googleapis.com/token",
                "redirect_uris": ["http://localhost"],
            }
        },
    )


def test_login_end_to_end(fake_google: FakeGoogle, tmp_path: Path) -> None:
    seen: list[str] = []
    failures: list[BaseException] = []

    def browser(url: str) -> None:
        seen.append(url)

        def visit() -> None:  # the user clicks "Allow"; the page redirects to localhost
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    seen.append(resp.read().decode())
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        threading.Thread(target=visit, daemon=True).start()

    token_file = tmp_path / "tok" / "token.json"
    creds = signin.login(client_secrets(tmp_path), token_file, open_browser=False, on_url=browser, timeout_seconds=20)
    assert failures == []
    url = urllib.parse.urlsplit(seen[0])
    params = urllib.parse.parse_qs(url.query)
    assert seen[0].startswith(fake_google.url + "o/oauth2/auth?")
    assert params["client_id"] == [CLIENT_ID]
    assert params["scope"] == [gscopes.DRIVE_SCOPE]
    assert params["access_type"] == ["offline"] and params["code_challenge_method"] == ["S256"]
    assert urllib.parse.urlsplit(params["redirect_uri"][0]).hostname == "127.0.0.1"  # never "localhost"
    assert "signed in" in seen[1]
    assert creds.refresh_token and creds.valid
    assert mode(token_file) == 0o600
    saved = json.loads(token_file.read_text())
    assert saved["refresh_token"] == creds.refresh_token
    assert saved[gcreds.SIGNED_IN].startswith(dt.date.today().isoformat()[:4]) and gcreds.REFRESH_ENDS not in saved
    assert [r.grant_type for r in fake_google.oauth.token_requests] == ["authorization_code"]
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    again = gcreds.load_credentials(token_file=token_file)  # the cached sign-in is usable
    assert g.execute(g.build_service(*g.DRIVE, again).files().list())["files"] == []


def test_login_rejects_wrong_client_type(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="Desktop app"):
        signin.login(client_secrets(tmp_path, "web"), tmp_path / "t.json", open_browser=False)
    with pytest.raises(AuthError, match="does not exist"):
        signin.login(tmp_path / "missing.json", tmp_path / "t.json", open_browser=False)
    assert not (tmp_path / "t.json").exists()


def test_logout_revokes_at_google_and_deletes_the_file(fake_google: FakeGoogle, tmp_path: Path) -> None:
    data = token_json(fake_google, expired=False)
    path = write(tmp_path / "token.json", data)
    said = signin.logout(path)
    assert (
        said
        == f"Signed out: Google revoked the sign-in (plangen can no longer open your Drive with it); {path} deleted."
    )
    assert not path.exists()
    assert fake_google.oauth.revocations == [data["refresh_token"]]
    with pytest.raises(AuthError, match="nothing to sign out of"):
        signin.logout(path)
    again = write(tmp_path / "token.json", data)  # a copy of a sign-in Google already forgot
    assert "Google no longer knew the sign-in (already revoked or expired)" in signin.logout(again)


def test_logout_through_the_cli(fake_google: FakeGoogle, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    data = token_json(fake_google, expired=False)
    path = write(tmp_path / "token.json", data)
    result = CliRunner().invoke(cli, ["auth", "logout", "--token-file", str(path)])
    assert result.exit_code == 0 and result.output.startswith("Signed out: Google revoked the sign-in")
    assert not path.exists()
    status = CliRunner().invoke(cli, ["auth", "status", "--token-file", str(path)])
    assert status.exit_code == 2  # nothing left to use
