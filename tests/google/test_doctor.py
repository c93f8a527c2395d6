"""`plangen doctor` against the fake: ok on the default fake, the failed assumption named on each altered one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.google.auth.options import GoogleSignIn
from generator.google.doctor import Diagnosis, diagnose
from tests.google.auth.test_signin import EMAIL, rsa_key_pair, service_account_file, token_json
from tests.google.drive.test_cli_drive import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.drive.test_cli_drive import run, writes
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import DOCUMENT

TIMES_THEN = (
    "        plangen will: record the time Drive returns after each write in the --out folder "
    "(plans/.plangen/drive-times.jsonl) and update only Docs still at that time; from another computer "
    "such Docs are kept as edited"
)


@pytest.fixture
def token(tmp_path: Path, fake_google: FakeGoogle) -> Path:
    path = tmp_path / "token.json"
    path.write_text(json.dumps({**token_json(fake_google), "plangen_signed_in": "2026-11-01T09:00:00Z"}))
    return path


def doctor(token: Path, *extra: str):
    return run("doctor", "--token-file", str(token), *extra)


def scratch_docs(fake: FakeGoogle) -> list:
    return [f for f in fake.files(include_trashed=True) if f.mime_type == DOCUMENT]


def test_all_ok_on_a_drive_that_behaves_as_documented(fake_google: FakeGoogle, token: Path) -> None:
    root = fake_google.add_folder("OT Caseload")
    result = doctor(token, "--drive", root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"ok      sign-in: saved sign-in from {token} (--token-file), account me@example.org",
        "ok      scopes granted: https://www.googleapis.com/auth/drive",
        "        sign-in lifetime: signed in on 2026-11-01, over 7 days ago, so the OAuth app is not in Testing if "
        "it still works: it lasts until revoked or unused for 6 months.",
        "ok      Google Sheets API is on (Google Sheets caseloads, --write-back)",
        f"ok      ROOT: https://drive.google.com/drive/folders/{root} opened",
        "ok      a .docx becomes a Google Doc in a create sent once with a create token (never a second Doc)",
        "ok      Drive kept the modification time plangen set on create (edits are told apart by it)",
        "ok      a Google Doc exports as .docx and as PDF (Google Docs templates, --pdf on Drive)",
        "ok      plangen's marks read back: the plan's keyed identity public, the rest private",
        "ok      the plan is found by its marks (one query finds every plan)",
        "ok      updated in place (same Doc, same link) and Drive kept the modification time plangen set",
        "ok      an untouched plan is told from an edited one (it would be updated, not kept)",
        "ok      the scratch Doc is in the trash",
        "All checked assumptions hold: generate runs in its normal mode.",
    ]
    (doc,) = scratch_docs(fake_google)
    assert doc.trashed and doc.parents == [root] and doc.name.startswith("plangen doctor check ")
    assert fake_google.files() == [fake_google.file(root)]  # nothing left but ROOT


def test_a_drive_that_drops_the_modified_time(fake_google: FakeGoogle, token: Path) -> None:
    fake_google.drive.keeps_modified_time = False
    result = doctor(token, "--drive", "root")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "FAILED  on a create Drive set its own modification time instead of plangen's" in lines
    assert "FAILED  on an update Drive set its own modification time instead of plangen's" in lines
    assert lines.count(TIMES_THEN) == 2
    assert "ok      an untouched plan is told from an edited one (it would be updated, not kept)" not in lines
    assert lines[-1] == "2 assumption(s) failed: generate still runs, in the mode(s) described above."
    assert all(doc.trashed for doc in scratch_docs(fake_google))


def test_a_disabled_api_is_said_as_such_with_its_console_link(fake_google: FakeGoogle, token: Path) -> None:
    fake_google.disable_api("sheets")
    lines = doctor(token).output.splitlines()
    console = "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=plangen-project"
    assert lines[3] == (
        "FAILED  Google Sheets API: turned off in the Google Cloud project of plangen's OAuth client (or service "
        f"account). Whoever manages that project turns it on: {console}"
    )
    assert lines[4] == (
        "        plangen will: fail runs that read a Google Sheets caseload or write links back (--write-back); "
        "Drive plans work"
    )
    fake_google.disable_api("drive")
    result = doctor(token, "--drive", "root")
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(
        "FAILED  Google Drive API: turned off in the Google Cloud project of plangen's OAuth client (or service "
        "account). Whoever manages that project turns it on: https://console.developers.google.com/apis/api/"
        "drive.googleapis.com/overview?project=plangen-project"
    )
    assert "sign-in" not in result.output and "share" not in result.output


def test_a_contributor_who_cannot_trash_is_told_who_can(fake_google: FakeGoogle, token: Path) -> None:
    drive = fake_google.add_shared_drive("Related services")
    fake_google.join_shared_drive(drive, "writer", members=(("lead@district.org", "organizer"),))
    root = fake_google.add_folder("OT Caseload", drive)
    result = doctor(token, "--drive", root)
    lines = result.output.splitlines()
    (doc,) = scratch_docs(fake_google)
    assert not doc.trashed
    index = lines.index(
        f"        could not move the scratch Doc https://docs.google.com/document/d/{doc.id}/edit to the trash "
        f"(Google Drive call drive.files.update failed: 403 insufficientFilePermissions: The user does not have "
        f"sufficient permissions for file {doc.id}. The signed-in account lacks permission: ask the owner to share "
        "it with you (with edit access to write).)"
    )
    assert lines[index + 1] == (
        "        it is named 'plangen doctor check ... (safe to delete)': in a shared drive only a Content manager "
        "or Manager of the drive (lead@district.org) can move it to the trash"
    )


def test_the_caseload_s_folder_links_are_checked(fake_google: FakeGoogle, token: Path, tmp_path: Path) -> None:
    from tests.google.drive.test_cli_drive import Project

    project = Project(tmp_path / "project", fake_google)
    gone = fake_google.add_folder("Old Ana", project.root)
    fake_google.trash(gone)
    viewer = fake_google.add_folder("Bao (view only)")
    fake_google.share_as(viewer, "reader")
    project.rows[0][4] = folder_link(gone)
    project.rows[2][4] = folder_link(viewer)
    project.save()
    result = run("doctor", "--token-file", str(project.token), "-m", str(project.mapping))
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert (
        f"FAILED  folder link of Ana Garcia: the student's folder {folder_link(gone)} is in the trash (it, or a folder "
        "it is in, was moved there). Restore it from the trash in Google Drive, or put the link of the student's "
        "current folder in the caseload."
    ) in lines
    assert (
        f"FAILED  folder link of Bao Nguyen: the signed-in Google account can open the student's folder "
        f"{folder_link(viewer)} but not add files to it. Ask its owner for Editor access (Contributor in a shared "
        "drive)."
    ) in lines
    assert "ok      1 student folder link(s) in the caseload: found, not in the trash, writable" in lines
    assert writes(fake_google) == []


def folder_link(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def test_without_drive_only_the_sign_in_is_checked(fake_google: FakeGoogle, token: Path) -> None:
    result = doctor(token)
    assert result.exit_code == 0
    assert result.output.splitlines()[-2:] == [
        "        Drive checks skipped: give --drive ROOT (a folder you can write in, or 'root' for My Drive) to make, "
        "update and trash one scratch Doc there.",
        "All checked assumptions hold: generate runs in its normal mode.",
    ]
    assert writes(fake_google) == []


def test_a_missing_sign_in_or_a_service_account_on_my_drive_cannot_work(
    fake_google: FakeGoogle, tmp_path: Path, isolated_config: Path
) -> None:
    result = run("doctor", "--drive", "root")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"FAILED  sign-in: No Google sign-in found (looked for {isolated_config / 'plangen' / 'token.json'}). Run "
        "`plangen auth login --client-secrets FILE`, or pass --token-file or --service-account.",
        "plangen cannot work with Google Drive here until the failure above is fixed.",
    ]
    private, public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = public
    key = service_account_file(tmp_path, private)
    result = run("doctor", "--service-account", str(key), "--drive", "root")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == f"ok      sign-in: service account from {key} (--service-account), account {EMAIL}"
    assert lines[-2].startswith(
        "FAILED  ROOT: --drive: root is the service account's own My Drive. The service account"
    )
    assert writes(fake_google) == []


def test_a_drive_file_sign_in_says_its_limits(fake_google: FakeGoogle, tmp_path: Path) -> None:
    narrow = tmp_path / "narrow.json"
    narrow.write_text(json.dumps(token_json(fake_google, scopes=["https://www.googleapis.com/auth/drive.file"])))
    result = doctor(narrow, "--drive", "root")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "ok      scopes granted: https://www.googleapis.com/auth/drive.file"
    assert lines[2].startswith("        plangen will: see only what it created: With --scope file (drive.file)")


def test_the_diagnosis_counts_failures() -> None:
    diagnosis = Diagnosis()
    diagnosis.add("ok", "fine")
    assert diagnosis.exit_code == 0
    diagnosis.add("FAILED", "broken", "a fallback")
    assert diagnosis.exit_code == 1 and list(diagnosis.lines())[-1].startswith("1 assumption(s) failed")
    diagnosis.usable = False
    assert diagnosis.exit_code == 2


def test_diagnose_is_a_library_call(fake_google: FakeGoogle, token: Path) -> None:
    diagnosis = diagnose(GoogleSignIn(token_file=token, drive=True), "root")
    assert diagnosis.exit_code == 0 and diagnosis.failed == 0
