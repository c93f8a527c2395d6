"""generator.google.auth.credentials: where the sign-in is kept (0600, atomic), precedence, refresh,
scopes checked, service-account keys."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from generator.errors import AuthError, ConfigError
from generator.google.auth import client as g
from generator.google.auth import credentials as gcreds
from generator.google.auth import scopes as gscopes
from tests.google.auth.test_signin import (
    EMAIL,
    mode,
    rsa_key_pair,
    service_account_file,
    token_json,
    write,
)
from tests.google.auth.test_signin import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import FakeGoogle


def test_default_path_follows_xdg(isolated_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert gcreds.default_token_path() == isolated_config / "plangen" / "token.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert gcreds.default_token_path() == Path.home() / ".config" / "plangen" / "token.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # the spec says: ignore relative
    assert gcreds.default_token_path() == Path.home() / ".config" / "plangen" / "token.json"


def test_default_path_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert gcreds.default_token_path() == tmp_path / "appdata" / "plangen" / "token.json"


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
            scopes=[gscopes.DRIVE_SCOPE],
        )
        assert gcreds.save_token(creds, target) == target
    finally:
        os.umask(old_umask)
    assert mode(target) == 0o600
    saved = json.loads(target.read_text())
    assert saved["refresh_token"] == "rt" and saved["scopes"] == [gscopes.DRIVE_SCOPE]
    assert json.loads(creds.to_json()) == saved  # exactly google-auth's authorized-user JSON
    assert sorted(p.name for p in target.parent.iterdir()) == ["token.json"]  # no temp left


def test_save_creates_private_config_dir(isolated_config: Path) -> None:
    from google.oauth2.credentials import Credentials

    path = gcreds.save_token(Credentials(token="a", refresh_token="r", client_id="c", client_secret="s"))
    assert path == isolated_config / "plangen" / "token.json"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_expired_token_is_refreshed_and_resaved(fake_google: FakeGoogle, tmp_path: Path) -> None:
    path = write(tmp_path / "token.json", token_json(fake_google))
    os.chmod(path, 0o644)  # re-saving must also tighten it
    creds = gcreds.load_credentials(token_file=path)
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
    creds = gcreds.load_credentials(token_file=path)
    assert creds.token == "ya29.old-access-token"
    assert fake_google.oauth.token_requests == []
    assert path.read_text() == before


def test_token_expiring_mid_run_is_refreshed(fake_google: FakeGoogle, tmp_path: Path) -> None:
    path = write(tmp_path / "token.json", token_json(fake_google))
    creds = gcreds.load_credentials(token_file=path)
    svc = g.build_service(*g.DRIVE, creds)
    fake_google.oauth.expire(creds.token)  # Google says 401; the client refreshes and retries
    assert g.execute(svc.files().list())["files"] == []
    assert len(fake_google.oauth.token_requests) == 2


def test_revoked_refresh_token_asks_to_sign_in_again(fake_google: FakeGoogle, tmp_path: Path) -> None:
    data = token_json(fake_google)
    fake_google.oauth.revoke(data["refresh_token"])
    path = write(tmp_path / "token.json", data)
    with pytest.raises(AuthError) as info:
        gcreds.load_credentials(token_file=path)
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
    assert gcreds.load_credentials().token == "from-default"
    env_file = token_at(tmp_path / "env.json", "from-env")
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(env_file))
    assert gcreds.load_credentials().token == "from-env"
    explicit = token_at(tmp_path / "explicit.json", "from-flag")
    assert gcreds.load_credentials(token_file=explicit).token == "from-flag"


def test_missing_default_token_explains_how_to_sign_in(isolated_config: Path) -> None:
    with pytest.raises(AuthError) as info:
        gcreds.load_credentials()
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
        gcreds.load_credentials(token_file=path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_and_unreadable_token_file(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="does not exist"):
        gcreds.load_credentials(token_file=tmp_path / "nope.json")
    with pytest.raises(AuthError, match="cannot be read"):
        gcreds.load_credentials(token_file=tmp_path)  # a directory


def test_scope_must_cover_what_is_needed(fake_google: FakeGoogle, tmp_path: Path) -> None:
    narrow = write(tmp_path / "narrow.json", token_json(fake_google, expired=False, scopes=[gscopes.DRIVE_FILE_SCOPE]))
    with pytest.raises(AuthError, match="drive.file"):
        gcreds.load_credentials(token_file=narrow)
    assert gcreds.load_credentials(token_file=narrow, scopes=[gscopes.DRIVE_FILE_SCOPE]).valid
    broad = write(tmp_path / "broad.json", token_json(fake_google, expired=False))
    assert gcreds.load_credentials(token_file=broad, scopes=[gscopes.DRIVE_FILE_SCOPE]).valid


def test_impersonation_needs_a_service_account(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="--service-account"):
        gcreds.load_credentials(token_file=tmp_path / "t.json", impersonate="a@school.org")


def test_service_account_with_impersonation(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = public
    path = service_account_file(tmp_path, private)
    token_file = write(tmp_path / "token.json", token_json())  # ignored: the key wins
    creds = gcreds.load_credentials(token_file=token_file, service_account=path, impersonate="therapist@school.org")
    svc = g.build_service(*g.DRIVE, creds)
    assert g.execute(svc.files().list())["files"] == []
    (req,) = fake_google.oauth.token_requests
    assert req.grant_type == "jwt-bearer"
    assert (req.issuer, req.subject) == (EMAIL, "therapist@school.org")
    assert req.audience == "https://oauth2.googleapis.com/token"  # as Google requires
    assert fake_google.count("POST", "^/token$") == 1  # but it was sent to the API root
    assert req.scope == gscopes.DRIVE_SCOPE


def test_service_account_makes_no_side_lookups(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    creds = gcreds.load_credentials(service_account=service_account_file(tmp_path, private))
    hook = getattr(creds, "_is_regional_access_boundary_lookup_required", None)
    if hook is None:
        pytest.skip("this google-auth has no regional access boundary lookup")
    assert hook() is False


def test_service_account_signature_is_checked(fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    _, other_public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = other_public
    creds = gcreds.load_credentials(service_account=service_account_file(tmp_path, private))
    svc = g.build_service(*g.DRIVE, creds)
    with pytest.raises(AuthError, match="refused"):
        g.execute(svc.files().list())


def test_bad_service_account_files(tmp_path: Path) -> None:
    damaged = write(
        tmp_path / "damaged.json",
        {"type": "service_account", "private_key": "junk", "client_email": EMAIL, "token_uri": "https://x/token"},
    )
    with pytest.raises(AuthError, match="damaged"):
        gcreds.load_credentials(service_account=damaged)
    user = write(tmp_path / "user.json", token_json())
    with pytest.raises(AuthError, match="saved sign-in"):
        gcreds.load_credentials(service_account=user)
