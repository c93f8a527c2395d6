"""generator.google.auth.signin: token caching, precedence, refresh, service accounts and browser sign-in."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from generator.errors import AuthError, ConfigError
from generator.google.auth import client as g
from generator.google.auth import signin as auth
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
        fake.oauth.issue_refresh_token(" ".join(scopes or [auth.DRIVE_SCOPE])) if fake else ("1//refresh-secret-value")
    )
    expiry = utcnow() + dt.timedelta(hours=-1 if expired else 1)
    return {
        "token": "ya29.old-access-token",
        "refresh_token": refresh,
        "token_uri": "https://oauth2.googleapis.com/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scopes": scopes or [auth.DRIVE_SCOPE],
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
    monkeypatch.delenv(auth.ENV_TOKEN_FILE, raising=False)
    return config


# --------------------------------------------------------------------------------------------
# Where and how the token is kept
# --------------------------------------------------------------------------------------------


def test_default_path_follows_xdg(isolated_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert auth.default_token_path() == isolated_config / "plangen" / "token.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert auth.default_token_path() == Path.home() / ".config" / "plangen" / "token.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # the spec says: ignore relative
    assert auth.default_token_path() == Path.home() / ".config" / "plangen" / "token.json"


def test_default_path_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert auth.default_token_path() == tmp_path / "appdata" / "plangen" / "token.json"


def test_saved_token_is_private_and_atomic(tmp_path: Path) -> None:
    from google.oauth2.credentials import Credentials

    old_umask = os.umask(0o022)
    try:
        target = tmp_path / "deep" / "dir" / "token.json"
        target.parent.mkdir(parents=True)
        write(target, "old, world-readable")
        os.chmod(target, 0o644)
        creds = Credentials(
            token="at",
            refresh_token="rt",
            client_id="c",
            client_secret="s",
            token_uri="https://oauth2.googleapis.com/token",
            scopes=[auth.DRIVE_SCOPE],
        )
        assert auth.save_token(creds, target) == target
    finally:
        os.umask(old_umask)
    assert mode(target) == 0o600
    saved = json.loads(target.read_text())
    assert saved["refresh_token"] == "rt" and saved["scopes"] == [auth.DRIVE_SCOPE]
    assert json.loads(creds.to_json()) == saved  # exactly google-auth's authorized-user JSON
    assert sorted(p.name for p in target.parent.iterdir()) == ["token.json"]  # no temp left


def test_save_creates_private_config_dir(isolated_config: Path) -> None:
    from google.oauth2.credentials import Credentials

    path = auth.save_token(Credentials(token="a", refresh_token="r", client_id="c", client_secret="s"))
    assert path == isolated_config / "plangen" / "token.json"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


# --------------------------------------------------------------------------------------------
# Loading and refreshing
# --------------------------------------------------------------------------------------------


def test_expired_token_is_refreshed_and_resaved(fake_google: FakeGoogle, tmp_path: Path) -> None:
    path = write(tmp_path / "token.json", token_json(fake_google))
    os.chmod(path, 0o644)  # re-saving must also tighten it
    creds = auth.load_credentials(token_file=path)
    assert creds.valid
    assert creds.token.startswith("ya29.fake-")
    assert [r.grant_type for r in fake_google.oauth.token_requests] == ["refresh_token"]
    saved = json.loads(path.read_text())
    assert saved["token"] == creds.token
    assert mode(path) == 0o600
    svc = g.build_service(*g.DRIVE, creds)  # and the fresh token is accepted by the API
    assert g.execute(svc.files().list())["files"] == []
    assert all(e.api in ("oauth", "drive") for e in fake_google.log)


def test_valid_token_is_not_refreshed(fake_google: FakeGoogle, tmp_path: Path) -> None:
    path = write(tmp_path / "token.json", token_json(fake_google, expired=False))
    before = path.read_text()
    creds = auth.load_credentials(token_file=path)
    assert creds.token == "ya29.old-access-token"
    assert fake_google.oauth.token_requests == []
    assert path.read_text() == before


def test_token_expiring_mid_run_is_refreshed(fake_google: FakeGoogle, tmp_path: Path) -> None:
    path = write(tmp_path / "token.json", token_json(fake_google))
    creds = auth.load_credentials(token_file=path)
    svc = g.build_service(*g.DRIVE, creds)
    fake_google.oauth.expire(creds.token)  # Google says 401; the client refreshes and retries
    assert g.execute(svc.files().list())["files"] == []
    assert len(fake_google.oauth.token_requests) == 2


def test_revoked_refresh_token_asks_to_sign_in_again(fake_google: FakeGoogle, tmp_path: Path) -> None:
    data = token_json(fake_google)
    fake_google.oauth.revoke(data["refresh_token"])
    path = write(tmp_path / "token.json", data)
    with pytest.raises(AuthError) as info:
        auth.load_credentials(token_file=path)
    assert str(path) in str(info.value)
    assert "plangen auth login" in str(info.value)
    assert "Token has been expired or revoked" in str(info.value)
    assert "{" not in str(info.value)  # Google's reason, not a repr of the response
    assert isinstance(info.value, ConfigError)


def test_precedence(
    tmp_path: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch, fake_google: FakeGoogle
) -> None:
    def token_at(path: Path, marker: str) -> Path:
        data = token_json(fake_google, expired=False)
        data["token"] = marker
        path.parent.mkdir(parents=True, exist_ok=True)
        return write(path, data)

    token_at(isolated_config / "plangen" / "token.json", "from-default")
    assert auth.load_credentials().token == "from-default"
    env_file = token_at(tmp_path / "env.json", "from-env")
    monkeypatch.setenv(auth.ENV_TOKEN_FILE, str(env_file))
    assert auth.load_credentials().token == "from-env"
    explicit = token_at(tmp_path / "explicit.json", "from-flag")
    assert auth.load_credentials(token_file=explicit).token == "from-flag"


def test_missing_default_token_explains_how_to_sign_in(isolated_config: Path) -> None:
    with pytest.raises(AuthError) as info:
        auth.load_credentials()
    msg = str(info.value)
    assert str(isolated_config / "plangen" / "token.json") in msg
    assert "plangen auth login" in msg and "--service-account" in msg


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({"type": "service_account", "private_key": "x", "client_email": "a@b"}, "service-account key"),
        ({"installed": {"client_id": "x", "client_secret": "y"}}, "client-secrets"),
        ({"type": "external_account"}, "external_account"),
    ],
)
def test_unusable_token_files(tmp_path: Path, content: object, expected: str) -> None:
    path = write(tmp_path / "token.json", content)
    with pytest.raises(AuthError) as info:
        auth.load_credentials(token_file=path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_and_unreadable_token_file(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="does not exist"):
        auth.load_credentials(token_file=tmp_path / "nope.json")
    with pytest.raises(AuthError, match="cannot be read"):
        auth.load_credentials(token_file=tmp_path)  # a directory


def test_scope_must_cover_what_is_needed(fake_google: FakeGoogle, tmp_path: Path) -> None:
    narrow = write(tmp_path / "narrow.json", token_json(fake_google, expired=False, scopes=[auth.DRIVE_FILE_SCOPE]))
    with pytest.raises(AuthError, match="drive.file"):
        auth.load_credentials(token_file=narrow)
    assert auth.load_credentials(token_file=narrow, scopes=[auth.DRIVE_FILE_SCOPE]).valid
    broad = write(tmp_path / "broad.json", token_json(fake_google, expired=False))
    assert auth.load_credentials(token_file=broad, scopes=[auth.DRIVE_FILE_SCOPE]).valid


def test_impersonation_needs_a_service_account(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="--service-account"):
        auth.load_credentials(token_file=tmp_path / "t.json", impersonate="a@school.org")


# --------------------------------------------------------------------------------------------
# Service accounts
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


def test_service_account_with_impersonation(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = public
    path = service_account_file(tmp_path, private)
    token_file = write(tmp_path / "token.json", token_json())  # ignored: the key wins
    creds = auth.load_credentials(token_file=token_file, service_account=path, impersonate="therapist@school.org")
    svc = g.build_service(*g.DRIVE, creds)
    assert g.execute(svc.files().list())["files"] == []
    (req,) = fake_google.oauth.token_requests
    assert req.grant_type == "jwt-bearer"
    assert (req.issuer, req.subject) == (EMAIL, "therapist@school.org")
    assert req.audience == "https://oauth2.googleapis.com/token"  # as Google requires
    assert fake_google.count("POST", "^/token$") == 1  # but it was sent to the API root
    assert req.scope == auth.DRIVE_SCOPE


def test_service_account_makes_no_side_lookups(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    creds = auth.load_credentials(service_account=service_account_file(tmp_path, private))
    hook = getattr(creds, "_is_regional_access_boundary_lookup_required", None)
    if hook is None:
        pytest.skip("this google-auth has no regional access boundary lookup")
    assert hook() is False


def test_service_account_signature_is_checked(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    _, other_public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = other_public
    creds = auth.load_credentials(service_account=service_account_file(tmp_path, private))
    svc = g.build_service(*g.DRIVE, creds)
    with pytest.raises(AuthError, match="refused"):
        g.execute(svc.files().list())


def test_bad_service_account_files(tmp_path: Path) -> None:
    damaged = write(
        tmp_path / "damaged.json",
        {"type": "service_account", "private_key": "junk", "client_email": EMAIL, "token_uri": "https://x/token"},
    )
    with pytest.raises(AuthError, match="damaged"):
        auth.load_credentials(service_account=damaged)
    user = write(tmp_path / "user.json", token_json())
    with pytest.raises(AuthError, match="saved sign-in"):
        auth.load_credentials(service_account=user)


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


def test_status_describes_without_secrets(tmp_path: Path) -> None:
    data = token_json(expired=True)
    data["account"] = "therapist@school.org"
    path = write(tmp_path / "token.json", data)
    st = auth.status(token_file=path)
    assert (st.kind, st.source, st.path) == ("authorized_user", "--token-file", path)
    assert st.scopes == (auth.DRIVE_SCOPE,)
    assert st.valid is False and st.refreshable is True
    assert st.account == "therapist@school.org"
    assert st.expiry is not None and st.expiry < utcnow()
    text = st.describe() + repr(st)
    for secret in (data["refresh_token"], data["token"], CLIENT_SECRET):
        assert secret not in text
    assert "expired" in st.describe()


def test_status_reports_problems_instead_of_raising(isolated_config: Path, tmp_path: Path) -> None:
    st = auth.status()
    assert st.kind == "none" and st.source == "default"
    assert "does not exist" in (st.problem or "")
    assert "No usable Google credentials" in st.describe()
    bad = auth.status(service_account=write(tmp_path / "x.json", "{"))
    assert bad.kind == "none" and "not valid JSON" in (bad.problem or "")


def test_status_of_service_account(tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    st = auth.status(service_account=service_account_file(tmp_path, private), impersonate="t@school.org")
    assert (st.kind, st.account, st.impersonate) == ("service_account", EMAIL, "t@school.org")
    assert "BEGIN PRIVATE KEY" not in st.describe() + repr(st)


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
    creds = auth.login(client_secrets(tmp_path), token_file, open_browser=False, on_url=browser, timeout_seconds=20)
    assert failures == []
    url = urllib.parse.urlsplit(seen[0])
    params = urllib.parse.parse_qs(url.query)
    assert seen[0].startswith(fake_google.url + "o/oauth2/auth?")
    assert params["client_id"] == [CLIENT_ID]
    assert params["scope"] == [auth.DRIVE_SCOPE]
    assert params["access_type"] == ["offline"] and params["code_challenge_method"] == ["S256"]
    assert urllib.parse.urlsplit(params["redirect_uri"][0]).hostname == "127.0.0.1"  # never "localhost"
    assert "signed in" in seen[1]
    assert creds.refresh_token and creds.valid
    assert mode(token_file) == 0o600
    saved = json.loads(token_file.read_text())
    assert saved["refresh_token"] == creds.refresh_token
    assert saved[auth.SIGNED_IN].startswith(dt.date.today().isoformat()[:4]) and auth.REFRESH_ENDS not in saved
    assert [r.grant_type for r in fake_google.oauth.token_requests] == ["authorization_code"]
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    again = auth.load_credentials(token_file=token_file)  # the cached sign-in is usable
    assert g.execute(g.build_service(*g.DRIVE, again).files().list())["files"] == []


def test_login_rejects_wrong_client_type(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="Desktop app"):
        auth.login(client_secrets(tmp_path, "web"), tmp_path / "t.json", open_browser=False)
    with pytest.raises(AuthError, match="does not exist"):
        auth.login(tmp_path / "missing.json", tmp_path / "t.json", open_browser=False)
    assert not (tmp_path / "t.json").exists()
