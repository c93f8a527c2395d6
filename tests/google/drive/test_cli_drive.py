"""`plangen generate --drive`, `plangen auth` and `plangen open` end to end, against the loopback fake."""

from __future__ import annotations

import csv
import io
import json
import stat
import threading
import urllib.request
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.google.auth import credentials as gcreds
from generator.google.auth import scopes as gscopes
from generator.google.auth import signin
from generator.google.auth.options import GoogleSignIn
from generator.google.drive.overview import OVERVIEW
from generator.google.drive.plans import MARKER
from generator.google.drive.sink import DriveDestination, DriveOptions, DriveSink
from generator.mapping.load import load_mapping
from generator.output.overview import COLUMNS, STATUS_WORDS
from generator.output.sink import SinkRequest
from generator.roster.naming import PlanName
from tests.google.auth.test_signin import EMAIL, client_secrets, rsa_key_pair, service_account_file, token_json
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import docx_text
from tests.helpers import make_template, run_footer, write_xlsx

HEADER = ["Student ID", "First Name", "Last Name", "Notes", "Drive Folder"]
MAPPING = """\
source: caseload.xlsx
template: plan.docx
key: student_id
display_name: "{{ first_name }} {{ last_name }}"
drive_folder: drive_folder
output:
  folder: "{{ last_name }}, {{ first_name }}"
  filename: "OT Plan - {{ first_name }} {{ last_name }}"
fields:
  student_id: {column: Student ID, required: true}
  first_name: First Name
  last_name: Last Name
  notes: Notes
  drive_folder: Drive Folder
"""
KEPT = "              edited since plangen wrote it; kept as is (use --replace-edited to put a new Doc beside it)\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def folder_url(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def doc_url(doc_id: str) -> str:
    return f"https://docs.google.com/document/d/{doc_id}/edit?usp=drivesdk"


def sheet_url(sheet_id: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit?usp=drivesdk"


def overview_sheets(fake: FakeGoogle, folder: str) -> list:
    return [f for f in fake.files(parent=folder) if f.app_properties.get(MARKER) == OVERVIEW]


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def plans_in(fake: FakeGoogle, folder: str) -> list:
    return [f for f in fake.files(parent=folder) if f.app_properties.get("plangen") == "plan"]


def writes(fake: FakeGoogle) -> list:
    return [e for e in fake.calls() if e.method != "GET" and e.api != "oauth"]


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the real user's sign-in."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(gcreds.ENV_TOKEN_FILE, raising=False)
    monkeypatch.setattr("generator.google.drive.sink.RETRY_BASE_DELAY", 0.001)
    return tmp_path / "config"


class Project:
    """A three-student caseload, its mapping and template, and their Drive folders in the fake."""

    def __init__(self, root: Path, fake: FakeGoogle):
        self.dir = root
        self.fake = fake
        self.mapping = root / "mapping.yaml"
        self.out = root / "plans"
        self.token = root / "token.json"
        root.mkdir(parents=True, exist_ok=True)
        self.token.write_text(json.dumps(token_json(fake)))
        self.root = fake.add_folder("OT Caseload")
        self.ana = fake.add_folder("Garcia, Ana", self.root)
        self.bao = fake.add_folder("  nguyen, BAO", self.root)
        self.kim = fake.add_folder("Kim (from the case manager)")
        self.rows = [
            ["1001", "Ana", "Garcia", "likes puzzles", None],
            ["1002", "Kim", "Lee", "", f"{folder_url(self.kim)}?usp=sharing"],
            ["1003", "Bao", "Nguyen", "", None],
        ]
        self.mapping.write_text(MAPPING)
        make_template(root / "plan.docx", ["OT plan for {{ first_name }} {{ last_name }}", "Notes: {{ notes }}"])
        self.save()

    def save(self) -> None:
        write_xlsx(self.dir / "caseload.xlsx", [HEADER, *self.rows])

    def generate(self, *extra: str, drive: str | None = "the caseload folder"):
        """``drive``: the --drive value (None: no --drive); by default the fake's caseload folder."""
        target = [] if drive is None else ["--drive", self.root if drive == "the caseload folder" else drive]
        return run(
            "generate", "-m", str(self.mapping), "--out", str(self.out), "--today", "2026-11-22", *target, *extra
        )


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


# --------------------------------------------------------------------------------------------
# generate --drive
# --------------------------------------------------------------------------------------------


def test_first_run_then_nothing_then_an_edit_survives(project: Project, fake_google: FakeGoogle) -> None:
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    assert overview_sheets(fake_google, project.root) == []  # the overview goes to Drive only when asked for
    assert result.output == "3 students: 3 created.\n" + run_footer(project.out)
    (ana,), (kim,), (bao,) = (plans_in(fake_google, f) for f in (project.ana, project.kim, project.bao))
    assert [r["output"] for r in manifest(project.out)] == [doc_url(d.id) for d in (ana, kim, bao)]
    assert ana.name == "OT Plan - Ana Garcia" and ana.mime_type == "application/vnd.google-apps.document"
    assert "Notes: likes puzzles" in docx_text(ana.content)
    assert not list(project.out.glob("*/*.docx"))  # Drive instead of local plans

    fake_google.clear_log()
    result = project.generate("--token-file", str(project.token))
    assert result.output == "3 students: 3 unchanged.\n" + run_footer(project.out)
    assert writes(fake_google) == []  # nothing changed: not one write

    fake_google.human_edit(ana.id, content=b"typed during the meeting")
    project.rows[0][3] = "likes puzzles and Lego"
    project.rows[2][3] = "new goal"
    project.save()
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0
    assert result.output == (
        f"       stale  Ana Garcia  ->  {doc_url(ana.id)}\n"
        "              edited since plangen wrote it, and the sheet changed since: notes. Kept as "
        "is: bring the changes into the plan, or use --replace-edited to write a new plan (the "
        "edited copy is kept beside it)\n"
        "3 students: 1 updated, 1 unchanged, 1 stale.\n" + run_footer(project.out)
    )
    assert ana.content == b"typed during the meeting"
    assert [r["status"] for r in manifest(project.out)] == ["stale", "unchanged", "updated"]
    assert plans_in(fake_google, project.bao) == [bao] and "Notes: new goal" in docx_text(bao.content)

    result = project.generate("--token-file", str(project.token), "--replace-edited")
    lines = result.output.splitlines()
    (new,) = plans_in(fake_google, project.ana)
    assert lines[0] == f"    replaced  Ana Garcia  ->  {doc_url(new.id)}"
    assert lines[1] == (
        f"              edited Doc kept as '{ana.name}': {doc_url(ana.id)} (the sheet changed since: notes)"
    )
    assert ana.name.startswith("OT Plan - Ana Garcia (edited 2")
    assert lines[2] == "3 students: 1 replaced, 2 unchanged."


def test_drive_without_root_uses_the_folder_column(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    generate = ("generate", "-m", str(project.mapping), "--out", str(project.out), "--drive", "-v")
    result = run(*generate, "--overview-sheet")
    assert result.exit_code == 1
    (kim,) = plans_in(fake_google, project.kim)
    blank = (
        "              no Drive folder: the 'Drive Folder' column is blank. Fill it in, or run with "
        "--drive ROOT to find the student's folder by name in ROOT.\n"
    )
    assert result.output == (
        f"      failed  Ana Garcia  ->  Garcia, Ana/OT Plan - Ana Garcia.docx\n{blank}"
        f"     created  Kim Lee  ->  {doc_url(kim.id)}\n"
        f"      failed  Bao Nguyen  ->  Nguyen, Bao/OT Plan - Bao Nguyen.docx\n{blank}"
        "3 students: 1 created, 2 failed.\n"
        "Caseload overview not uploaded to Drive: --drive without ROOT has no folder for it (give --drive ROOT to "
        "keep it there as a Google Sheet).\n" + run_footer(project.out)
    )
    again = run(*generate)  # not asked for: nothing said about a Sheet
    assert "Google Sheet" not in again.output


def test_missing_folder_fails_that_student_until_create_folders(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    project.rows.append(["1004", "Eva", "Diaz", "", None])
    project.save()
    result = project.generate()
    assert result.exit_code == 1
    assert result.output == (
        "      failed  Eva Diaz  ->  Diaz, Eva/OT Plan - Eva Diaz.docx\n"
        f"              no folder named 'Diaz, Eva' in {folder_url(project.root)}. Create it, put the folder's "
        "link in the 'Drive Folder' column, or run with --create-folders.\n"
        "4 students: 3 created, 1 failed.\n" + run_footer(project.out)
    )
    result = project.generate("--create-folders")
    assert result.exit_code == 0
    assert result.output.startswith("4 students: 1 created, 3 unchanged.\n")
    (eva,) = [f for f in fake_google.files(parent=project.root) if f.name == "Diaz, Eva"]
    assert len(plans_in(fake_google, eva.id)) == 1


def test_a_google_failure_fails_only_that_student(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    project.rows[1][4] = "1GoneFolder000000000000000"
    project.save()
    result = project.generate()
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "      failed  Kim Lee  ->  Lee, Kim/OT Plan - Kim Lee.docx",
        "              the student's folder https://drive.google.com/drive/folders/1GoneFolder000000000000000 was "
        "not found, or the signed-in Google account cannot open it. Check the link in the 'Drive Folder' column, "
        "and that the folder is shared with the account.",
    ]


def test_dry_run_against_drive_writes_nothing(project: Project, fake_google: FakeGoogle) -> None:
    result = project.generate("--token-file", str(project.token), "--dry-run")
    assert result.exit_code == 0
    assert result.output == (
        f"would create  Ana Garcia  ->  {folder_url(project.ana)}\n"
        f"would create  Kim Lee  ->  {folder_url(project.kim)}\n"
        f"would create  Bao Nguyen  ->  {folder_url(project.bao)}\n"
        "Dry run: 3 students: 3 would create.\n"
    )
    assert writes(fake_google) == [] and not project.out.exists()


def test_service_account_with_impersonation(project: Project, fake_google: FakeGoogle, tmp_path: Path) -> None:
    private, public = rsa_key_pair()
    fake_google.oauth.trusted_keys[EMAIL] = public
    key = service_account_file(tmp_path, private)
    result = project.generate("--service-account", str(key), "--impersonate", "therapist@school.org")
    assert result.exit_code == 0, result.output
    assert {(r.grant_type, r.subject, r.scope) for r in fake_google.oauth.token_requests} == {
        ("jwt-bearer", "therapist@school.org", gscopes.DRIVE_SCOPE)
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drive", "--create-folders"], "--create-folders needs --drive ROOT: new folders are made inside ROOT."),
        (["--create-folders"], "--create-folders needs --drive ROOT: new folders are made inside ROOT."),
        (
            ["--drive", "1NoSuchFolder00000000000000"],
            "--drive: the folder https://drive.google.com/drive/folders/1NoSuchFolder00000000000000 was not found, "
            "or the signed-in Google account cannot open it. Check the link and that the account can open the folder "
            "(for a shared drive: is a member). Signed in with the drive.file scope, plangen sees only folders it "
            "created.",
        ),
        (
            ["--drive", "https://example.org/folder"],
            "'https://example.org/folder' is not a Google Drive folder link or ID. Copy the link from the browser's "
            "address bar while the folder or file is open (e.g. https://drive.google.com/drive/folders/<ID>), or "
            "paste just the ID.",
        ),
    ],
)
def test_bad_drive_options_exit_2(project: Project, fake_google: FakeGoogle, args: list[str], message: str) -> None:
    result = project.generate("--token-file", str(project.token), *args, drive=None)
    assert result.exit_code == 2
    assert result.output == f"Error: {message}\n"
    assert writes(fake_google) == []


def test_drive_without_root_needs_a_folder_field(project: Project) -> None:
    project.mapping.write_text(MAPPING.replace("drive_folder: drive_folder\n", ""))
    result = project.generate("--token-file", str(project.token), drive="")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --drive without a folder needs each student's folder link in the caseload: set 'destination_folder:' "
        "in mapping.yaml to the field holding it, or give --drive ROOT (the link of the folder that holds the "
        "students' folders).\n"
    )


def test_missing_sign_in_exits_2(project: Project, isolated_config: Path) -> None:
    result = project.generate()
    assert result.exit_code == 2
    assert result.output == (
        f"Error: No Google sign-in found (looked for {isolated_config / 'plangen' / 'token.json'}). Run "
        "`plangen auth login --client-secrets FILE`, or pass --token-file or --service-account.\n"
    )


# --------------------------------------------------------------------------------------------
# auth
# --------------------------------------------------------------------------------------------


def click_allow(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Play the user in the browser: open the printed sign-in link, which redirects to plangen."""
    failures: list[BaseException] = []

    def visit(url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
        except BaseException as exc:  # pragma: no cover - reported by the test
            failures.append(exc)

    monkeypatch.setattr(
        signin, "_print_url", lambda url: threading.Thread(target=visit, args=(url,), daemon=True).start()
    )
    return failures


@pytest.mark.parametrize("scope", ["drive", "drive.file"])
def test_auth_login_saves_a_private_token_that_generate_uses(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scope: str
) -> None:
    failures = click_allow(monkeypatch)
    token = tmp_path / "signin" / "token.json"
    result = run(
        "auth",
        "login",
        "--client-secrets",
        str(client_secrets(tmp_path)),
        "--token-file",
        str(token),
        "--scope",
        scope,
        "--no-browser",
    )
    assert failures == []
    assert result.exit_code == 0, result.output
    assert result.output == f"Signed in. Saved the sign-in to {token} (readable only by you).\n"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert json.loads(token.read_text())["scopes"] == [f"https://www.googleapis.com/auth/{scope}"]
    status = run("auth", "status", "--token-file", str(token))
    assert status.exit_code == 0
    assert status.output.splitlines()[:2] == [
        f"Google credentials: saved sign-in from {token} (--token-file)",
        f"  scopes: https://www.googleapis.com/auth/{scope}",
    ]
    if scope == "drive":
        result = project.generate("--token-file", str(token))
    else:  # drive.file sees only what plangen made: folders it creates at the top of My Drive
        project.rows[1][4] = None  # Kim's folder was made by a person: invisible with drive.file
        project.save()
        result = project.generate("--token-file", str(token), "--create-folders", drive="root")
        assert {f.name for f in fake_google.files(parent=fake_google.drive.root_id)} >= {"Garcia, Ana", "Nguyen, Bao"}
    assert result.exit_code == 0 and result.output.startswith("3 students: 3 created.")


def test_auth_login_to_the_default_place(
    fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_config: Path
) -> None:
    click_allow(monkeypatch)
    result = run("auth", "login", "--client-secrets", str(client_secrets(tmp_path)), "--no-browser")
    saved = isolated_config / "plangen" / "token.json"
    assert result.output == f"Signed in. Saved the sign-in to {saved} (readable only by you).\n"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_auth_status_without_credentials_exits_2(isolated_config: Path) -> None:
    result = run("auth", "status")
    assert result.exit_code == 2
    assert result.output == (
        f"No usable Google credentials: The saved Google sign-in {isolated_config / 'plangen' / 'token.json'} "
        "does not exist. Run `plangen auth login --client-secrets FILE` to sign in again.\n"
    )


def test_auth_login_with_a_wrong_file_exits_2(tmp_path: Path) -> None:
    result = run("auth", "login", "--client-secrets", str(tmp_path / "missing.json"), "--no-browser")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: The OAuth client-secrets file {tmp_path / 'missing.json'} does not exist.")


# --------------------------------------------------------------------------------------------
# open
# --------------------------------------------------------------------------------------------


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(click, "launch", lambda target, **kwargs: seen.append(target) or 0)
    return seen


def test_open_launches_the_google_doc(project: Project, fake_google: FakeGoogle, launched: list[str]) -> None:
    project.generate("--token-file", str(project.token))
    (kim,) = plans_in(fake_google, project.kim)
    result = run("open", "1002", "-m", str(project.mapping), "--out", str(project.out))
    assert result.exit_code == 0
    assert result.output == f"{doc_url(kim.id)}\n" and launched == [doc_url(kim.id)]


def test_open_launches_a_local_plan(project: Project, launched: list[str]) -> None:
    project.generate(drive=None)
    result = run("open", "1001", "-m", str(project.mapping), "--out", str(project.out), "--print")
    path = project.out / "Garcia, Ana" / "OT Plan - Ana Garcia.docx"
    assert result.output == f"{path}\n" and launched == []
    (project.out / "manifest.csv").unlink()  # an older run: the mapping says where the plan is
    result = run("open", "1003", "-m", str(project.mapping), "--out", str(project.out))
    assert launched == [str(project.out / "Nguyen, Bao" / "OT Plan - Bao Nguyen.docx")]


def test_open_explains_a_missing_plan(project: Project, launched: list[str]) -> None:
    result = run("open", "1001", "-m", str(project.mapping), "--out", str(project.out))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: no plan for student 1001 in {project.out}. Make it with: plangen generate "
        f"-m {project.mapping} --student 1001\n"
    )
    assert launched == []


# --------------------------------------------------------------------------------------------
# the caseload overview as a Google Sheet in ROOT
# --------------------------------------------------------------------------------------------


def overview_cells(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_overview_sheet_holds_the_workbook_and_keeps_its_id(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    fake_google.share(project.root, "writer", email="aide@district.org")
    fake_google.share(project.root, "reader", domain="district.org")
    result = project.generate("--overview-sheet")
    assert result.exit_code == 0, result.output
    (sheet,) = overview_sheets(fake_google, project.root)
    assert (
        f"Caseload overview (Google Sheet, created): {sheet_url(sheet.id)} -- who can open it: me@example.org "
        "(owner), aide@district.org (writer), everyone at district.org (reader)\n"
    ) in result.output  # the Sheet takes ROOT's sharing: the run says who that is
    assert sheet.name == "Caseload overview - mapping"
    assert set(sheet.properties) == {"plangen", "mapping"}  # its content hash stays private
    assert sheet.mime_type == "application/vnd.google-apps.spreadsheet"
    local = overview_cells((project.out / "caseload.xlsx").read_bytes())
    assert overview_cells(sheet.content) == local and len(local) == 2 + 3
    plan = len(COLUMNS)  # the plan columns follow the facts: the kind of plan's link, then its status
    assert local[1][:2] == ("Student", "Student ID") and local[1][plan + 1] == f"{local[1][plan]}: status"
    assert {row[1] for row in local[2:]} == {"1001", "1002", "1003"}
    assert all(row[plan].endswith("(Google Doc)") for row in local[2:])

    project.rows.append(["1004", "Eva", "Diaz", "", None])  # no folder: fails, but is listed
    project.save()
    fake_google.clear_log()
    result = project.generate("--overview-sheet")
    assert result.exit_code == 1
    assert f"Caseload overview (Google Sheet, updated): {sheet_url(sheet.id)} -- who can open it: " in result.output
    (again,) = overview_sheets(fake_google, project.root)
    assert again.id == sheet.id
    rows = overview_cells(again.content)[2:]
    assert [(row[1], row[plan + 1]) for row in rows if row[1] == "1004"] == [("1004", STATUS_WORDS["failed"])]
    overview_writes = [e for e in writes(fake_google) if sheet.id in e.path]
    assert len(overview_writes) == 1


def test_a_failed_overview_upload_is_an_error_after_the_plans(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    fake_google.fail(
        403,
        method="POST",
        path="/upload/drive/v3/files",
        reason="insufficientFilePermissions",
        message="The user does not have sufficient permissions for this file.",
        match=lambda req: b"spreadsheet" in req.body,
        times=5,
    )
    result = project.generate("--overview-sheet")
    assert result.exit_code == 1
    assert result.output.startswith("3 students: 3 created.\n")
    assert "error: could not upload the caseload overview to https://drive.google.com/drive/folders/" in result.output
    assert overview_sheets(fake_google, project.root) == []
    assert (project.out / "caseload.xlsx").is_file()


def test_the_drive_destination_reads_the_folder_setting_under_its_new_name(
    project: Project, fake_google: FakeGoogle
) -> None:
    project.mapping.write_text(MAPPING.replace("drive_folder: drive_folder\n", "destination_folder: drive_folder\n"))
    mapping = load_mapping(project.mapping)
    assert mapping.destination_folder == "drive_folder" and mapping.deprecations == []
    destination = DriveDestination(DriveOptions(root=project.root), GoogleSignIn(token_file=project.token, drive=True))
    destination.check(pdf=True)  # Google exports the PDFs: nothing to find on this computer
    names = [PlanName("Garcia, Ana", "OT Plan - Ana Garcia")]
    sink = destination.open(SinkRequest(project.out, mapping, "ab" * 32, names, dry_run=True))
    assert isinstance(sink, DriveSink) and sink.dry_run and sink.folders.root is not None
    assert sink.folders.root.id == project.root and sink.data_fields == mapping.data_fields()
    assert writes(fake_google) == []  # opening reads Drive; a dry run writes nothing

    result = project.generate("--token-file", str(project.token), drive="")  # no ROOT: every folder from the sheet
    assert result.exit_code == 1  # Ana and Bao have no folder link in the sheet
    (kim,) = plans_in(fake_google, project.kim)  # Kim's link, read through destination_folder
    assert kim.name == "OT Plan - Kim Lee"


def test_folders_named_as_drive_allows_get_their_plans(project: Project, fake_google: FakeGoogle) -> None:
    """Names a disk cannot hold but Drive can, and a curly apostrophe as Drive's web UI types it: the plan goes
    into the therapist's own folder, never a parallel one with a cleaned-up name."""
    typed = {
        "Nguyen/Tran": fake_google.add_folder("Nguyen/Tran, Anh", project.root),
        "D'Angelo": fake_google.add_folder("D\u2019Angelo, Ava", project.root),
        "Back\\Slash": fake_google.add_folder("Back\\Slash, Sam", project.root),
        "King": fake_google.add_folder("King, Martin Jr.", project.root),
    }
    project.rows += [
        ["2001", "Anh", "Nguyen/Tran", "", None],
        ["2002", "Ava", "D'Angelo", "", None],
        ["2003", "Sam", "Back\\Slash", "", None],
        ["2004", "Martin Jr.", "King", "", None],
    ]
    project.save()
    before = {f.id for f in fake_google.files(parent=project.root)}
    result = project.generate("--token-file", str(project.token), "--create-folders")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("7 students: 7 created.\n")
    for folder in typed.values():
        assert len(plans_in(fake_google, folder)) == 1
    assert {f.id for f in fake_google.files(parent=project.root)} == before  # no folder made beside them
