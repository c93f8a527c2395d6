"""One sign-in per run (scopes chosen in one place), --scope file, token lifetime, service accounts on My Drive.

Against the loopback fake, through the real google-api-python-client and google-auth.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.google.auth import credentials as gcreds
from generator.google.auth import scopes as gscopes
from generator.google.auth import status as gstatus
from generator.google.auth.options import FILE, GoogleSignIn
from tests.google.auth.test_signin import EMAIL, rsa_key_pair, service_account_file, token_json
from tests.google.drive.test_cli_drive import Project as DriveProject
from tests.google.drive.test_cli_drive import plans_in, writes
from tests.google.fakegoogle import FakeGoogle
from tests.google.sheets.test_inputs import Project as SheetProject
from tests.google.sheets.test_inputs import isolated_dirs as isolated_dirs  # noqa: F401  (autouse fixture)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drive_project(tmp_path: Path, fake_google: FakeGoogle) -> DriveProject:
    return DriveProject(tmp_path / "drive", fake_google)


@pytest.fixture
def sheet_project(tmp_path: Path, fake_google: FakeGoogle) -> SheetProject:
    return SheetProject(tmp_path / "sheet", fake_google)


# --------------------------------------------------------------------------------------------
# Scopes: one function chooses them
# --------------------------------------------------------------------------------------------


def test_scope_file_says_its_limits_before_anything_is_read(
    sheet_project: SheetProject, fake_google: FakeGoogle
) -> None:
    result = sheet_project.generate("--scope", "file")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --scope file cannot read a Google Doc or Sheet. With --scope file (drive.file) plangen sees only "
        "the files and folders it created itself: it cannot open folders people made (use --drive root "
        "--create-folders, and leave the folders it makes where they are), read a Google Docs template or a "
        "Google Sheets caseload, or write plan links into a Sheet. Download the template and caseload and give "
        "the files, or drop --scope file.\n"
    )
    assert fake_google.count(api="drive") == 0 and fake_google.count(api="oauth") == 0
    with pytest.raises(ConfigError, match="^--scope file cannot write plan links into the Google Sheet"):
        gscopes.choose_scopes(GoogleSignIn(scope=FILE, write_back=True), inputs=False)


def test_scope_file_end_to_end(drive_project: DriveProject, fake_google: FakeGoogle, tmp_path: Path) -> None:
    narrow = tmp_path / "narrow.json"
    narrow.write_text(json.dumps(token_json(fake_google, scopes=[gscopes.DRIVE_FILE_SCOPE])))
    first = drive_project.generate("--token-file", str(narrow), "--scope", "file", "--create-folders", drive="root")
    assert first.exit_code == 1
    kim = f"https://drive.google.com/drive/folders/{drive_project.kim}"
    assert first.output.splitlines()[:3] == [
        "      failed  Kim Lee  ->  Lee, Kim/OT Plan - Kim Lee.docx",
        f"              the student's folder {kim} cannot be seen with the drive.file scope: plangen sees only "
        "folders it created. Clear the folder link so plangen makes the folder in ROOT (--create-folders), or sign "
        "in with the full drive scope.",
        "3 students: 2 created, 1 failed.",
    ]
    drive_project.rows[1][4] = None
    drive_project.save()
    again = drive_project.generate("--token-file", str(narrow), "--scope", "file", "--create-folders", drive="root")
    assert again.output.startswith("3 students: 1 created, 2 unchanged.")
    top = {f.name for f in fake_google.files(parent=fake_google.drive.root_id)}
    assert {"Garcia, Ana", "Nguyen, Bao", "Lee, Kim"} <= top
    assert plans_in(fake_google, drive_project.kim) == []  # the folder a person made stayed invisible


def test_one_run_signs_in_once_for_inputs_drive_and_write_back(
    sheet_project: SheetProject, fake_google: FakeGoogle
) -> None:
    result = sheet_project.generate("--drive", "root", "--create-folders", "--write-back")
    assert result.exit_code == 0, result.output
    assert [r.grant_type for r in fake_google.oauth.token_requests] == ["refresh_token"]  # the token had expired
    assert fake_google.count("POST", "^/token$") == 1


def test_a_local_run_loads_no_google_library() -> None:
    code = (
        "import sys, generator.cli, generator.pipeline, generator.check\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('googleapiclient', 'httplib2', "
        "'google_auth_httplib2') or m.startswith('google.auth') or m.startswith('google.oauth2'))\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# Service accounts: no My Drive storage of their own
# --------------------------------------------------------------------------------------------


@pytest.fixture
def service_key(fake_google: FakeGoogle, tmp_path: Path) -> Path:
    private, public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = public
    return service_account_file(tmp_path, private)


FIX = (
    f"The service account {EMAIL} has no Drive storage of its own, so Google refuses every file it creates "
    "outside a shared drive (storageQuotaExceeded); nothing was written. Put the students' folders in a shared "
    f"drive and add {EMAIL} to it as a Content manager, or run with --impersonate USER to write as that staff "
    "member (domain-wide delegation; see docs/google-setup-for-it.md)."
)


def test_a_service_account_on_a_my_drive_root_is_refused_before_any_write(
    drive_project: DriveProject, fake_google: FakeGoogle, service_key: Path
) -> None:
    result = drive_project.generate("--service-account", str(service_key), "--create-folders")
    assert result.exit_code == 2
    link = f"https://drive.google.com/drive/folders/{drive_project.root}"
    assert result.output == f"Error: --drive: {link} is in a My Drive. {FIX}\n"
    assert writes(fake_google) == [] and not (drive_project.out / "manifest.csv").exists()


def test_a_service_account_fails_students_whose_folder_is_in_a_my_drive(
    drive_project: DriveProject, fake_google: FakeGoogle, service_key: Path
) -> None:
    team = fake_google.add_shared_drive("OT Team")
    kim = fake_google.add_folder("Kim", team)
    drive_project.rows[0][4] = f"https://drive.google.com/drive/folders/{drive_project.ana}"
    drive_project.rows[1][4] = kim
    drive_project.rows[2][4] = drive_project.bao
    drive_project.save()
    result = drive_project.generate("--service-account", str(service_key), drive="")
    assert result.exit_code == 1
    (plan,) = fake_google.files(parent=kim)  # the service account's own appProperties: another project
    lines = result.output.splitlines()
    assert lines[:2] == [
        "      failed  Ana Garcia  ->  Garcia, Ana/OT Plan - Ana Garcia.docx",
        f"              the student's folder https://drive.google.com/drive/folders/"
        f"{drive_project.ana} is in a My Drive. {FIX}",
    ]
    assert lines[4] == "3 students: 1 created, 2 failed."
    assert [e.path for e in writes(fake_google)] == ["/upload/drive/v3/files"]  # Kim's plan only


def test_the_fake_refuses_what_google_refuses(
    drive_project: DriveProject, fake_google: FakeGoogle, service_key: Path
) -> None:
    """Without plangen's check, Google itself would refuse each create (so the check is not theory)."""
    from generator.google.auth import client as g

    creds = gcreds.load_credentials(service_account=service_key)
    files = g.build_service(*g.DRIVE, creds).files()
    with pytest.raises(Exception, match="storageQuotaExceeded"):
        g.execute(files.create(body={"name": "x", "parents": [drive_project.root]}, supportsAllDrives=True), retries=0)


# --------------------------------------------------------------------------------------------
# Sign-in lifetime, said honestly
# --------------------------------------------------------------------------------------------


def test_lifetime_lines() -> None:
    now = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    assert gstatus.lifetime("authorized_user", now - dt.timedelta(days=2), None, now) == [
        "sign-in lifetime: signed in on 2026-11-28. With an Internal or In-production OAuth app it lasts until "
        "revoked or unused for 6 months; an External app left in Testing ends it 7 days after sign-in (on "
        "2026-12-05): publish the app or make it Internal to avoid a weekly sign-in."
    ]
    assert gstatus.lifetime("authorized_user", now - dt.timedelta(days=30), None, now) == [
        "sign-in lifetime: signed in on 2026-10-31, over 7 days ago, so the OAuth app is not in Testing if it "
        "still works: it lasts until revoked or unused for 6 months."
    ]
    assert gstatus.lifetime("authorized_user", None, now + dt.timedelta(days=5), now) == [
        "sign-in lifetime: Google said at sign-in that it ends on 2026-12-05 (an External OAuth app in Testing, or "
        "a time limit set by the Workspace admin). Sign in again before then; to stop it, publish the app (In "
        "production) or make it Internal."
    ]
    assert gstatus.lifetime("service_account", None, None, now)[0].startswith("sign-in lifetime: no expiry to watch")
