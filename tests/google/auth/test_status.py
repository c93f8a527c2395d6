"""generator.google.auth.status: what `plangen auth status` says, never a secret, never raising."""

from __future__ import annotations

from pathlib import Path

from generator.google.auth import scopes as gscopes
from generator.google.auth import status as gstatus
from tests.google.auth.test_signin import (
    CLIENT_SECRET,
    EMAIL,
    rsa_key_pair,
    service_account_file,
    token_json,
    utcnow,
    write,
)
from tests.google.auth.test_signin import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import FakeGoogle


def test_status_describes_without_secrets(tmp_path: Path) -> None:
    data = token_json(expired=True)
    data["account"] = "therapist@school.org"
    path = write(tmp_path / "token.json", data)
    st = gstatus.status(token_file=path, check=False)  # offline: as the file says
    assert (st.kind, st.source, st.path) == ("authorized_user", "--token-file", path)
    assert st.scopes == (gscopes.DRIVE_SCOPE,)
    assert st.valid is False and st.refreshable is True
    assert st.account == "therapist@school.org"
    assert st.expiry is not None and st.expiry < utcnow()
    text = st.describe() + repr(st)
    for secret in (data["refresh_token"], data["token"], CLIENT_SECRET):
        assert secret not in text
    assert "expired" in st.describe()


def test_status_reports_problems_instead_of_raising(isolated_config: Path, tmp_path: Path) -> None:
    st = gstatus.status()
    assert st.kind == "none" and st.source == "default"
    assert "does not exist" in (st.problem or "")
    assert "No usable Google credentials" in st.describe()
    bad = gstatus.status(service_account=write(tmp_path / "x.json", "{"))
    assert bad.kind == "none" and "not valid JSON" in (bad.problem or "")


def test_status_of_service_account(tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    st = gstatus.status(service_account=service_account_file(tmp_path, private), impersonate="t@school.org")
    assert (st.kind, st.account, st.impersonate) == ("service_account", EMAIL, "t@school.org")
    assert "BEGIN PRIVATE KEY" not in st.describe() + repr(st)


def test_status_renews_once_at_google_so_a_revoked_sign_in_is_not_called_valid(
    fake_google: FakeGoogle, tmp_path: Path
) -> None:
    data = token_json(fake_google, expired=True)
    path = write(tmp_path / "token.json", data)
    fine = gstatus.status(token_file=path)
    assert fine.valid and fine.refreshable and fine.problem is None
    assert "access token: valid" in fine.describe()
    fake_google.oauth.revoke(data["refresh_token"])
    revoked = gstatus.status(token_file=path)
    assert not revoked.valid and not revoked.refreshable
    assert revoked.problem is not None and "Google refused to renew the sign-in saved in" in revoked.problem
    assert "access token: expired" in revoked.describe() and "not renewable" in revoked.describe()
    assert fake_google.count("POST", "^/token$") == 2  # one renewal each time, nothing else
