"""generator.google.drive.create: a converting create that never leaves two files, on a Drive that behaves
as Google documents (generated IDs refused for conversion, search lagging behind writes, lost answers,
rate limits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from generator.errors import GoogleApiError
from generator.google.auth.ids import DOC_MIME
from generator.google.drive import create
from generator.google.drive.api import DriveApi
from generator.google.drive.plans import DOC_FIELDS
from tests.google.drive.test_cli_drive import Project
from tests.google.drive.test_cli_drive import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import DROP_AFTER, FakeGoogle
from tests.google.fakegoogle.files import DOCUMENT, docx_text
from tests.helpers import make_template

UPLOAD = r"^/upload/drive/v3/files$"


def api() -> DriveApi:
    return DriveApi(Credentials(token="test"), limiter=None, base_delay=0.001)


def docx(tmp_path: Path, text: str) -> bytes:
    make_template(tmp_path / "x.docx", [text])
    return (tmp_path / "x.docx").read_bytes()


def body(folder: str) -> dict:
    return {"name": "Plan", "mimeType": DOC_MIME, "parents": [folder], "appProperties": {"plangen": "plan"}}


def media(data: bytes):
    from googleapiclient.http import MediaInMemoryUpload

    return lambda: MediaInMemoryUpload(
        data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_the_fake_refuses_generated_ids_for_conversion_as_google_documents(
    fake_google: FakeGoogle, tmp_path: Path
) -> None:
    from generator.google.auth import client as g

    folder = fake_google.add_folder("Garcia, Ana")
    files = g.build_service(*g.DRIVE, Credentials(token="t")).files()
    (file_id,) = g.execute(files.generateIds(count=1))["ids"]
    request = files.create(body={"id": file_id, **body(folder)}, media_body=media(docx(tmp_path, "x"))(), fields="id")
    with pytest.raises(GoogleApiError) as refused:
        g.execute(request)
    assert (refused.value.status, refused.value.reason) == (400, "generatedIdNotSupported")
    plain = files.create(body={"id": file_id, "name": "notes.txt", "parents": [folder]}, fields="id")
    assert g.execute(plain)["id"] == file_id  # an upload that is not converted keeps its generated ID


def test_a_lost_answer_while_search_lags_makes_one_doc(fake_google: FakeGoogle, tmp_path: Path) -> None:
    folder = fake_google.add_folder("Garcia, Ana")
    fake_google.drive.search_lag = 2.0  # files.list finds a new file only 2 s after it was made
    fake_google.fail(DROP_AFTER, method="POST", path=UPLOAD)  # made, but the answer is lost
    made = create.create_once(api(), body(folder), media(docx(tmp_path, "Ana's plan")), folder, DOC_FIELDS)
    (doc,) = fake_google.files(parent=folder)
    assert made["id"] == doc.id and doc.mime_type == DOCUMENT and "Ana's plan" in docx_text(doc.content)
    assert fake_google.count("POST", UPLOAD) == 1  # never sent again: it was found once search caught up
    assert len(fake_google.calls("GET", r"^/drive/v3/files$")) >= 2  # the first search did not see it yet
    assert doc.app_properties[create.CREATE_MARK] and doc.app_properties["plangen"] == "plan"
    assert create.CREATE_MARK not in doc.properties  # the token is private


def test_a_create_that_did_not_happen_is_sent_again_after_the_search(
    fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(create, "SEARCH_PATIENCE", 1.0)
    folder = fake_google.add_folder("Garcia, Ana")
    fake_google.fail(503, method="POST", path=UPLOAD)  # refused before anything was made
    create.create_once(api(), body(folder), media(docx(tmp_path, "x")), folder, DOC_FIELDS)
    assert len(fake_google.files(parent=folder)) == 1
    assert fake_google.count("POST", UPLOAD) == 2


def test_rate_limits_are_waited_out_without_a_search(fake_google: FakeGoogle, tmp_path: Path) -> None:
    folder = fake_google.add_folder("Garcia, Ana")
    fake_google.fail(403, method="POST", path=UPLOAD, reason="rateLimitExceeded", times=8)  # more than retries
    create.create_once(api(), body(folder), media(docx(tmp_path, "x")), folder, DOC_FIELDS)
    assert len(fake_google.files(parent=folder)) == 1
    assert fake_google.count("POST", UPLOAD) == 9
    assert fake_google.count("GET", r"^/drive/v3/files$") == 0  # a refused request made nothing: no search


def test_a_refusal_is_not_retried(fake_google: FakeGoogle, tmp_path: Path) -> None:
    folder = fake_google.add_folder("Garcia, Ana")
    fake_google.share_as(folder, "reader")
    with pytest.raises(GoogleApiError) as refused:
        create.create_once(api(), body(folder), media(docx(tmp_path, "x")), folder, DOC_FIELDS)
    assert refused.value.status == 403 and fake_google.count("POST", UPLOAD) == 1


# --------------------------------------------------------------------------------------------
# Through generate --drive
# --------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


def test_lost_answers_while_search_lags_leave_one_plan_per_student(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.drive.search_lag = 2.0
    fake_google.fail(DROP_AFTER, method="POST", path=UPLOAD, times=2)  # two plans made, their answers lost
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 students: 3 created.\n")
    for folder in (project.ana, project.kim, project.bao):
        assert len([f for f in fake_google.files(parent=folder) if f.mime_type == DOCUMENT]) == 1
    sent = fake_google.calls("POST", UPLOAD)
    assert len(sent) == 3  # each plan sent once
    refused = [e for e in fake_google.calls() if e.status == 400]
    assert refused == []  # no generated ID offered for a conversion: Google does not support them


def test_a_re_run_started_before_search_catches_up_finds_the_plans(project: Project, fake_google: FakeGoogle) -> None:
    """Search lags behind writes across runs too: plans this --out folder's runs created are looked up by ID."""
    fake_google.drive.search_lag = 30.0  # far longer than the two runs take
    assert project.generate("--token-file", str(project.token)).output.startswith("3 students: 3 created.\n")
    made = project.out / ".plangen" / "drive-created.jsonl"
    assert len(made.read_text().splitlines()) == 3  # Doc IDs and keyed marks only
    fake_google.clear_log()
    again = project.generate("--token-file", str(project.token))
    assert again.output.startswith("3 students: 3 unchanged.\n")
    assert [e for e in fake_google.calls() if e.method != "GET" and e.api != "oauth"] == []  # not one write
    for folder in (project.ana, project.kim, project.bao):
        assert len([f for f in fake_google.files(parent=folder) if f.mime_type == DOCUMENT]) == 1
    assert "1001" not in made.read_text() and "Garcia" not in made.read_text()
