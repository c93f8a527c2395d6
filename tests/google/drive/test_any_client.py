"""Plans are found whoever signs in: written under one OAuth client, run under another.

Google keeps ``appProperties`` private to the Cloud project of the OAuth client that set them; the
fake does the same (tokens carry their client's project). plangen's public ``properties`` let a
second client find the plans; a Doc it cannot read a marker on, but named like the plan, is kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.google.drive import sink as d
from tests.google.auth.test_signin import token_json
from tests.google.drive.test_cli_drive import Project, doc_url, writes
from tests.google.drive.test_cli_drive import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import DOCUMENT, SPREADSHEET, docx_text

CLIENT_B = "555-district.apps.googleusercontent.com"
UNMARKED = "              " + d.UNMARKED_MESSAGE
UNREADABLE = "              " + d.UNREADABLE_MESSAGE


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


@pytest.fixture
def token_b(tmp_path: Path, fake_google: FakeGoogle) -> Path:
    """A sign-in through another OAuth client, of another Cloud project (a district's own client)."""
    fake_google.oauth.projects[CLIENT_B] = "district-project"
    path = tmp_path / "token-b.json"
    path.write_text(json.dumps({**token_json(fake_google), "client_id": CLIENT_B}))
    return path


def docs_in(fake: FakeGoogle, folder: str) -> list:
    return [f for f in fake.files(parent=folder) if f.mime_type == DOCUMENT]


def plan_writes(fake: FakeGoogle, project: Project) -> list:
    """Writes to anything but the caseload overview (a Sheet in ROOT that changes with every run's statuses)."""
    overview = {f.id for f in fake.files(parent=project.root) if f.mime_type == SPREADSHEET}
    return [e for e in writes(fake) if not any(file_id in e.path for file_id in overview)]


def test_plans_written_under_one_client_are_found_under_another(
    project: Project, fake_google: FakeGoogle, token_b: Path
) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    (ana,), (kim,), (bao,) = (docs_in(fake_google, f) for f in (project.ana, project.kim, project.bao))
    assert ana.private.keys() == {"plangen-project"}  # client A's private marks...
    assert ana.properties == {
        k: ana.app_properties[k] for k in ("plangen", "student", "plan")
    }  # ...its identity public

    for row in project.rows:
        row[3] = "new goal"
    project.save()
    fake_google.clear_log()
    result = project.generate("--token-file", str(token_b))  # B finds every plan, but cannot tell an edit
    assert result.exit_code == 0
    assert result.output.splitlines()[:7] == [
        f" kept-edited  Ana Garcia  ->  {doc_url(ana.id)}",
        UNREADABLE,
        f" kept-edited  Kim Lee  ->  {doc_url(kim.id)}",
        UNREADABLE,
        f" kept-edited  Bao Nguyen  ->  {doc_url(bao.id)}",
        UNREADABLE,
        "3 students: 3 kept-edited.",
    ]
    assert plan_writes(fake_google, project) == []  # the safe side: nothing overwritten, nothing doubled
    assert [docs_in(fake_google, f) for f in (project.ana, project.kim, project.bao)] == [[ana], [kim], [bao]]

    fake_google.human_edit(ana.id, content=b"typed during the meeting")
    result = project.generate("--token-file", str(project.token))  # client A reads its own marks
    stale = (
        f"       stale  Ana Garcia  ->  {doc_url(ana.id)}\n"
        "              edited since plangen wrote it, and the sheet changed since: notes. Kept as is: bring the "
        "changes into the plan, or use --replace-edited to write a new plan (the edited copy is kept beside it)\n"
    )
    assert result.output.startswith(stale + "3 students: 2 updated, 1 stale.\n")
    assert ana.content == b"typed during the meeting"
    assert "Notes: new goal" in docx_text(kim.content)  # updated in place: same Doc, same link


def test_plans_of_an_older_plangen_under_another_client_are_kept_not_duplicated(
    project: Project, fake_google: FakeGoogle, token_b: Path
) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    docs = [docs_in(fake_google, f)[0] for f in (project.ana, project.kim, project.bao)]
    for doc in docs:  # what plangen wrote before its marks were public: client A's appProperties alone
        doc.properties = {}
    for row in project.rows:
        row[3] = "new goal"
    project.save()

    fake_google.clear_log()
    result = project.generate("--token-file", str(token_b))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:6] == [
        f" kept-edited  Ana Garcia  ->  {doc_url(docs[0].id)}",
        UNMARKED,
        f" kept-edited  Kim Lee  ->  {doc_url(docs[1].id)}",
        UNMARKED,
        f" kept-edited  Bao Nguyen  ->  {doc_url(docs[2].id)}",
        UNMARKED,
    ]
    assert lines[6] == "3 students: 3 kept-edited."
    assert plan_writes(fake_google, project) == []
    assert [len(docs_in(fake_google, f)) for f in (project.ana, project.kim, project.bao)] == [1, 1, 1]

    result = project.generate("--token-file", str(project.token))  # client A still reads its own marks
    assert result.output.startswith("3 students: 3 updated.\n")
    assert [docs_in(fake_google, f) for f in (project.ana, project.kim, project.bao)] == [[d] for d in docs]
    assert all(set(d.properties) == {"plangen", "student", "plan"} for d in docs)  # the identity public now


def test_an_older_plangen_s_plans_get_their_public_identity_on_the_next_run(
    project: Project, fake_google: FakeGoogle, token_b: Path
) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    docs = [docs_in(fake_google, f)[0] for f in (project.ana, project.kim, project.bao)]
    for doc in docs:
        doc.properties = {}
    fake_google.human_edit(docs[0].id, content=b"typed")
    times = [doc.resource()["modifiedTime"] for doc in docs]
    result = project.generate("--token-file", str(project.token))  # client A, nothing new to write
    assert result.output.startswith("3 students: 3 unchanged.\n")
    assert [doc.resource()["modifiedTime"] for doc in docs] == times  # still untouched (or still edited)
    assert all(set(doc.properties) == {"plangen", "student", "plan"} for doc in docs)  # edited or not
    for row in project.rows:
        row[3] = "new goal"
    project.save()
    result = project.generate("--token-file", str(token_b))  # another client finds all three, overwrites none
    assert "3 students: 3 kept-edited." in result.output
    assert [len(docs_in(fake_google, f)) for f in (project.ana, project.kim, project.bao)] == [1, 1, 1]


def test_a_doc_a_person_named_like_the_plan_is_kept(project: Project, fake_google: FakeGoogle) -> None:
    typed = fake_google.add_doc("OT Plan - Ana Garcia", b"the team's own notes", project.ana)
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        f" kept-edited  Ana Garcia  ->  {doc_url(typed)}",
        UNMARKED,
        "3 students: 2 created, 1 kept-edited.",
    ]
    assert [d.id for d in docs_in(fake_google, project.ana)] == [typed]
    result = project.generate("--token-file", str(project.token), "--replace-edited")
    (aside, new) = docs_in(fake_google, project.ana)
    assert aside.id == typed and aside.name.startswith("OT Plan - Ana Garcia (edited ")
    assert aside.content == b"the team's own notes" and new.properties["plangen"] == "plan"
    assert result.output.splitlines()[0] == f"    replaced  Ana Garcia  ->  {doc_url(new.id)}"
    assert project.generate("--token-file", str(project.token)).output.startswith("3 students: 3 unchanged.")


def test_names_are_looked_up_in_a_few_queries_whatever_they_hold(fake_google: FakeGoogle) -> None:
    """Names with quotes and backslashes are escaped; many names share one query, long lists a few."""
    from google.oauth2.credentials import Credentials

    from generator.template.job import PlanJob
    from tests.google.drive.test_sink import job

    root = fake_google.add_folder("Caseload")
    names = [f"Student {i:03d} O'Brien \\ {'x' * 40}" for i in range(60)]
    folders = [fake_google.add_folder(name, root) for name in names]
    typed = fake_google.add_doc(f"OT Plan - {names[42]}", b"typed by a person", folders[42])
    jobs: list[PlanJob] = [job(str(5000 + i), name) for i, name in enumerate(names)]
    fake_google.clear_log()
    options = d.DriveOptions(root=root, writes_per_second=1000.0)
    sink = d.connect(
        Credentials(token="t"),
        options,
        field=None,
        column="",
        template_sha256="ab" * 32,
        replace_edited=False,
        dry_run=True,
        expected=60,
        names=[j.name.filename for j in jobs],
    )
    lists = fake_google.calls(path=r"^/drive/v3/files$")
    assert {e.method for e in lists} == {"GET"}  # short enough never to become a POST with a method override
    by_name = [e.query["q"][0] for e in lists if e.query["q"][0].startswith("mimeType = ")]
    assert 2 <= len(by_name) <= 10  # a few queries for 60 long names, not one per student
    results = dict((j.student.key, r) for j, r in sink.deliver_all(jobs))
    assert results["5042"].status == "kept-edited" and typed in results["5042"].output
    assert {r.status for key, r in results.items() if key != "5042"} == {"created"}


def test_an_incomplete_name_search_asks_each_drive(fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    from google.oauth2.credentials import Credentials

    from tests.google.drive.test_sink import job

    team = fake_google.add_shared_drive("OT Team")
    root = fake_google.add_folder("Caseload", team)
    folder = fake_google.add_folder("Lee, Kim", root)
    typed = fake_google.add_doc("OT Plan - Lee, Kim", b"typed by a person", folder)
    real_list = fake_google.drive.list

    def incomplete(params: dict, fields: object, caller: object = None) -> dict:
        out = real_list(params, fields, caller)
        if params.get("corpora") == "allDrives":
            out["files"], out["incompleteSearch"] = [], True
        return out

    monkeypatch.setattr(fake_google.drive, "list", incomplete)
    options = d.DriveOptions(root=root, writes_per_second=1000.0)
    sink = d.connect(
        Credentials(token="t"),
        options,
        field=None,
        column="",
        template_sha256="ab" * 32,
        replace_edited=False,
        dry_run=True,
        expected=1,
        names=["OT Plan - Lee, Kim"],
    )
    ((_, result),) = list(sink.deliver_all([job("1001", "Lee, Kim")]))
    assert result.status == "kept-edited" and typed in result.output
