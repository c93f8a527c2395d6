"""The Drive sink against the loopback fake, through the real google-api-python-client."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from google.oauth2.credentials import Credentials

from generator.errors import AuthError, ConfigError, StudentError
from generator.google.drive import create
from generator.google.drive import sink as d
from generator.google.drive.api import DriveApi
from generator.google.drive.marks import MarkKey
from generator.google.drive.plans import PlanIdentity
from generator.output.report import CREATED, KEPT_EDITED, REPLACED, UNCHANGED, UPDATED
from generator.output.sink import Delivery
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.job import PlanJob
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.common import rfc3339
from tests.google.fakegoogle.files import DOCUMENT, DOCX, FOLDER, DriveFile
from tests.google.fakegoogle.fixtures import ENV_API_ROOT

COLUMN = "'Drive Folder' column"


@pytest.fixture(autouse=True)
def quick_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake's search does not lag here: a create not found at once was not made."""
    monkeypatch.setattr(create, "SEARCH_PATIENCE", 0.6)


def folder_url(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def doc_url(doc_id: str) -> str:
    return f"https://docs.google.com/document/d/{doc_id}/edit?usp=drivesdk"


def job(key: str, folder: str, version: str = "v1", *, link: str | None = None, filename: str | None = None) -> PlanJob:
    student = Student(key, f"Student {key}", {"student_id": key, "drive_folder": link}, [])
    name = PlanName(folder, filename or f"OT Plan - {folder}")
    return PlanJob(student, name, f"plan of {key}, {version}".encode())


def open_sink(
    root: str | None,
    *,
    create: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    expected: int = 10,
    workers: int = 4,
) -> d.DriveSink:
    options = d.DriveOptions(root=root, create_folders=create, writes_per_second=1000.0, workers=workers)
    return d.connect(
        Credentials(token="test"),
        options,
        field="drive_folder",
        column=COLUMN,
        template_sha256="ab" * 32,
        replace_edited=replace,
        dry_run=dry_run,
        expected=expected,
        retry_base_delay=0.001,
    )


def deliver(jobs: list[PlanJob], root: str | None = None, **kwargs: object) -> list[Delivery | StudentError]:
    sink = open_sink(root, **kwargs)  # type: ignore[arg-type]
    try:
        results = list(sink.deliver_all(jobs))
    finally:
        sink.close()
    assert [j.student.key for j, _ in results] == [j.student.key for j in jobs]  # job order
    return [r for _, r in results]


def statuses(results: list[Delivery | StudentError]) -> list[str]:
    return [r.status if isinstance(r, Delivery) else "failed" for r in results]


def writes(fake: FakeGoogle) -> list:
    return [e for e in fake.calls() if e.method not in ("GET", "HEAD") and e.api != "oauth"]


def plans(fake: FakeGoogle) -> list[DriveFile]:
    return [f for f in fake.files() if f.app_properties.get("plangen") == "plan"]


def plans_in(fake: FakeGoogle, folder_id: str) -> list[DriveFile]:
    return [f for f in plans(fake) if f.parents == [folder_id]]


@pytest.fixture
def caseload(fake_google: FakeGoogle) -> tuple[str, dict[str, str]]:
    """ROOT with one folder per student, named as the mapping's folder pattern would."""
    root = fake_google.add_folder("OT Caseload 2026")
    names = ["Garcia, Ana", "Lee, Kim", "Nguyen, Bao", "Smith, Jo", "Okafor, Ada"]
    return root, {name: fake_google.add_folder(name, root) for name in names}


def caseload_jobs(folders: dict[str, str], version: str = "v1") -> list[PlanJob]:
    return [job(str(1001 + i), name, version) for i, name in enumerate(folders)]


# --------------------------------------------------------------------------------------------
# First run, second run, changes
# --------------------------------------------------------------------------------------------


def test_first_run_creates_one_doc_per_student_in_its_folder(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    elsewhere = fake_google.add_folder("Shared by the case manager")
    typed = fake_google.add_folder("  garcia,   ANA ", fake_google.add_folder("Other root"))
    jobs = caseload_jobs(folders)
    jobs[1] = job("1002", "Lee, Kim", link=f"{folder_url(elsewhere)}?usp=sharing")
    fake_google.clear_log()
    results = deliver(jobs, root)

    assert statuses(results) == [CREATED] * 5
    expected_folders = [folders["Garcia, Ana"], elsewhere, *list(folders.values())[2:]]
    for plan_job, result, folder in zip(jobs, results, expected_folders, strict=True):
        (doc,) = plans_in(fake_google, folder)
        assert result.output == doc_url(doc.id) and result.message == ""
        assert doc.name == plan_job.name.filename
        assert doc.mime_type == DOCUMENT and doc.converted_from == DOCX
        assert doc.content == plan_job.data
        props = doc.app_properties
        assert set(props) == {"plangen", "student", "plan", "marks", "template", "content", "written", "create"}
        assert props["written"] == rfc3339(doc.modified)
        assert props["template"] == "ab" * 8
        assert all(plan_job.student.key not in value for value in props.values())
        assert doc.properties == {k: props[k] for k in ("plangen", "student", "plan")}  # public: the identity only
    assert plans_in(fake_google, typed) == [] and len(plans(fake_google)) == 5
    assert [(e.method, e.path, e.upload_type) for e in writes(fake_google)] == [
        ("POST", "/upload/drive/v3/files", "multipart")
    ] * 5
    assert fake_google.count(path="permissions") == 0


def test_second_run_writes_nothing(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    first = deliver(caseload_jobs(folders), root)
    fake_google.clear_log()
    second = deliver(caseload_jobs(folders), root)
    assert statuses(second) == [UNCHANGED] * 5
    assert [r.output for r in second] == [r.output for r in first]
    assert writes(fake_google) == []
    assert fake_google.count("GET", r"/files/[^/]+$") == 1  # ROOT only: no look-up per student
    assert fake_google.count("GET", "generateIds") == 0


def test_new_content_updates_the_doc_in_place(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    first = deliver(caseload_jobs(folders), root)
    (doc,) = plans_in(fake_google, folders["Lee, Kim"])
    version = doc.version
    jobs = caseload_jobs(folders)
    jobs[1] = job("1002", "Lee, Kim", "v2")
    fake_google.clear_log()
    results = deliver(jobs, root)
    assert statuses(results) == [UNCHANGED, UPDATED, UNCHANGED, UNCHANGED, UNCHANGED]
    assert results[1].output == first[1].output and results[1].message == ""
    assert plans_in(fake_google, folders["Lee, Kim"]) == [doc]  # same Doc: id, link, sharing
    assert doc.content == b"plan of 1002, v2" and doc.version > version
    assert doc.app_properties["written"] == rfc3339(doc.modified)
    assert [(e.method, e.upload_type) for e in writes(fake_google)] == [("PATCH", "multipart")]
    assert statuses(deliver(jobs, root)) == [UNCHANGED] * 5


def test_an_edited_doc_is_never_overwritten(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    (doc,) = plans_in(fake_google, folders["Garcia, Ana"])
    fake_google.human_edit(doc.id, content=b"notes typed in the meeting")
    fake_google.clear_log()
    results = deliver(caseload_jobs(folders, "v2"), root)
    assert statuses(results) == [KEPT_EDITED] + [UPDATED] * 4
    assert results[0].output == doc_url(doc.id)
    assert results[0].message == (
        "edited since plangen wrote it; kept as is (use --replace-edited to put a new Doc beside it)"
    )
    assert statuses(deliver(caseload_jobs(folders, "v2"), root)) == [KEPT_EDITED] + [UNCHANGED] * 4
    assert doc.content == b"notes typed in the meeting"
    assert len(writes(fake_google)) == 4  # the four untouched plans, once
    assert statuses(deliver(caseload_jobs(folders, "v1"), root))[0] == UNCHANGED  # nothing new to write


def test_replace_edited_puts_a_new_doc_beside_the_edited_one(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    (edited,) = plans_in(fake_google, folders["Garcia, Ana"])
    fake_google.human_edit(edited.id, content=b"notes")
    fake_google.clear_log()
    results = deliver(caseload_jobs(folders, "v2")[:1], root, replace=True)
    assert statuses(results) == [REPLACED]
    (new,) = plans_in(fake_google, folders["Garcia, Ana"])
    assert new.id != edited.id and new.content == b"plan of 1001, v2"
    assert results[0].output == doc_url(new.id)
    assert edited.name.startswith("OT Plan - Garcia, Ana (edited ") and edited.content == b"notes"
    assert results[0].message == f"edited Doc kept as '{edited.name}': {doc_url(edited.id)}"
    assert edited.app_properties["plangen"] == "edited-copy" and edited.parents == [folders["Garcia, Ana"]]
    assert len(writes(fake_google)) == 2
    assert statuses(deliver(caseload_jobs(folders, "v2")[:1], root, replace=True)) == [UNCHANGED]


def test_a_doc_plangen_cannot_judge_is_kept(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    (doc,) = plans_in(fake_google, folders["Garcia, Ana"])
    del doc.app_properties["written"]
    (other,) = plans_in(fake_google, folders["Lee, Kim"])
    other.app_properties["written"] = "not a time"
    assert statuses(deliver(caseload_jobs(folders, "v2"), root))[:2] == [KEPT_EDITED, KEPT_EDITED]


def test_an_edit_made_while_the_run_goes_is_noticed(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    sink = open_sink(root)  # existing plans are listed here, before the edit
    (doc,) = plans_in(fake_google, folders["Garcia, Ana"])
    fake_google.human_edit(doc.id, content=b"typed just now")
    results = [r for _, r in sink.deliver_all(caseload_jobs(folders, "v2")[:1])]
    assert statuses(results) == [KEPT_EDITED] and doc.content == b"typed just now"


def test_two_plans_for_one_student_fail_that_student(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    (doc,) = plans_in(fake_google, folders["Garcia, Ana"])
    copy = fake_google.add_doc("Copy", b"x", folders["Garcia, Ana"], app_properties=dict(doc.app_properties))
    results = deliver(caseload_jobs(folders, "v2"), root)
    assert statuses(results) == ["failed"] + [UPDATED] * 4
    assert str(results[0]) == (
        f"2 Google Docs are this student's plan: {doc_url(doc.id)} and {doc_url(copy)}. "
        "Move all but one to the trash and run again."
    )


def test_keys_are_marked_under_the_mark_key_not_the_folder() -> None:
    key, other = MarkKey(b"k" * 32), MarkKey(b"o" * 32)
    first = PlanIdentity.of(key, "1001", "Plan")
    assert first == PlanIdentity.of(key, "1001", "Plan")  # the same in any folder: it survives a new folder
    assert first.student != PlanIdentity.of(other, "1001", "Plan").student  # another key: nothing in common
    assert PlanIdentity.of(key, "1001", " plan ") == first  # spacing and case of the name
    assert PlanIdentity.of(key, "1001", "Plan 2027").plan != first.plan
    assert PlanIdentity.legacy("folderA" * 5, "1001", "Plan") != PlanIdentity.legacy("folderB" * 5, "1001", "Plan")


# --------------------------------------------------------------------------------------------
# Faults, kills and retries
# --------------------------------------------------------------------------------------------


def test_transient_failures_and_dropped_connections_leave_no_duplicates(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    upload = r"^/upload/"
    fake_google.fail(429, method="POST", path=upload, times=2)
    fake_google.fail(500, method="POST", path=upload)
    fake_google.fail(403, method="POST", path=upload, reason="userRateLimitExceeded")
    fake_google.fail("drop", method="POST", path=upload)
    fake_google.fail("drop_after", method="POST", path=upload, times=2)  # created, answer lost twice
    fake_google.fail(503, method="GET", path=r"^/drive/v3/files$")
    fake_google.fail("drop", method="GET", path=r"^/drive/v3/files$")
    results = deliver(caseload_jobs(folders), root)
    assert statuses(results) == [CREATED] * 5
    for name, folder in folders.items():
        assert len(plans_in(fake_google, folder)) == 1, name
    # five plans, two 429s and a 403 rate limit waited out, a 500 and a dropped request sent again after
    # the search found nothing; the two creates whose answers were lost were found, never sent twice
    assert fake_google.count("POST", upload) == 5 + 2 + 1 + 1 + 1
    assert statuses(deliver(caseload_jobs(folders), root)) == [UNCHANGED] * 5


def test_a_student_whose_calls_keep_failing_fails_alone(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    missing = "1MissingFolder0000000000000"
    jobs = caseload_jobs(folders)
    jobs[2] = job("1003", "Nguyen, Bao", link=missing)
    results = deliver(jobs, root)
    assert statuses(results) == [CREATED, CREATED, "failed", CREATED, CREATED]
    assert str(results[2]) == (
        f"the student's folder {folder_url(missing)} was not found, or the signed-in Google account cannot "
        f"open it. Check the link in the {COLUMN}, and that the folder is shared with the account."
    )


def test_refused_credentials_stop_the_run(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    fake_google.fail(401, method="POST", path=r"^/upload/", times=100)
    with pytest.raises(AuthError, match=r"^Google refused to renew the sign-in .*Run `plangen auth login` again"):
        deliver(caseload_jobs(folders), root)  # not a failure of each student: the run stops (exit 2)


def test_a_drive_that_ignores_the_write_time_is_reported(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    fake_google.drive.keeps_modified_time = False
    (result,) = deliver(caseload_jobs(folders)[:1], root)
    assert result.status == CREATED
    assert result.message == (
        "Drive did not keep plangen's write time, so later runs will treat this Doc as edited and keep it."
    )
    assert statuses(deliver(caseload_jobs(folders, "v2")[:1], root)) == [KEPT_EDITED]


class Killed(BaseException):
    """Stands for the process dying (Ctrl-C, power loss) right after a request reached Drive."""


def kill_after(monkeypatch: pytest.MonkeyPatch, count: int, method: str) -> None:
    real_run = DriveApi.run
    done = []

    def run(self: DriveApi, request: object, **kwargs: object) -> object:
        result = real_run(self, request, **kwargs)  # type: ignore[arg-type]
        if getattr(request, "methodId", "") == method:
            done.append(1)
            if len(done) >= count:
                raise Killed
        return result

    monkeypatch.setattr(DriveApi, "run", run)


@pytest.mark.parametrize("kill_at", [1, 3, 5])
def test_a_run_killed_after_a_create_then_rerun_leaves_one_plan_each(
    fake_google: FakeGoogle, caseload, monkeypatch: pytest.MonkeyPatch, kill_at: int
) -> None:
    root, folders = caseload
    with monkeypatch.context() as patch:
        kill_after(patch, kill_at, "drive.files.create")
        with pytest.raises(Killed):
            deliver(caseload_jobs(folders), root)
    made = len(plans(fake_google))
    assert kill_at <= made <= 5
    results = deliver(caseload_jobs(folders), root)
    assert sorted(statuses(results)) == sorted([UNCHANGED] * made + [CREATED] * (5 - made))
    assert all(len(plans_in(fake_google, folder)) == 1 for folder in folders.values())


def test_a_create_whose_answer_never_came_back_is_found_by_its_token(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    fake_google.fail("drop_after", method="POST", path=r"^/upload/", times=100)
    sink = open_sink(root)
    results = [r for _, r in sink.deliver_all(caseload_jobs(folders)[:1])]
    (doc,) = plans_in(fake_google, folders["Garcia, Ana"])  # made once, its answer lost
    assert statuses(results) == [CREATED] and results[0].output == doc_url(doc.id)
    assert fake_google.count("POST", r"^/upload/") == 1
    fake_google.clear_faults()
    assert statuses(deliver(caseload_jobs(folders), root)) == [UNCHANGED] + [CREATED] * 4
    assert len(plans(fake_google)) == 5


def test_a_run_killed_while_replacing_leaves_one_plan(
    fake_google: FakeGoogle, caseload, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
    (edited,) = plans_in(fake_google, folders["Garcia, Ana"])
    fake_google.human_edit(edited.id)
    with monkeypatch.context() as patch:
        kill_after(patch, 1, "drive.files.update")  # the edited Doc is set aside, the new one not made
        with pytest.raises(Killed):
            deliver(caseload_jobs(folders, "v2")[:1], root, replace=True)
    assert plans_in(fake_google, folders["Garcia, Ana"]) == []
    assert statuses(deliver(caseload_jobs(folders, "v2")[:1], root, replace=True)) == [CREATED]
    assert len(plans_in(fake_google, folders["Garcia, Ana"])) == 1
    assert edited.app_properties["plangen"] == "edited-copy"


def test_outcomes_come_back_in_job_order(fake_google: FakeGoogle) -> None:
    root = fake_google.add_folder("Caseload")
    names = [f"Student {i:02d}" for i in range(12)]
    for name in names:
        fake_google.add_folder(name, root)
    rng = random.Random(5)
    fake_google.latency = lambda req: rng.uniform(0, 0.03)
    jobs = [job(str(2000 + i), name) for i, name in enumerate(names)]
    assert statuses(deliver(jobs, root, workers=4)) == [CREATED] * 12  # deliver() checks the order


# --------------------------------------------------------------------------------------------
# Request counts
# --------------------------------------------------------------------------------------------


def counted_run(monkeypatch: pytest.MonkeyPatch, students: int) -> dict[str, int]:
    """Requests of a first and a second run for a caseload of ``students``, with 4 items a page."""
    with FakeGoogle(max_page_size=4) as fake:
        monkeypatch.setenv(ENV_API_ROOT, fake.url)
        root = fake.add_folder("Caseload")
        names = [f"Student {i:02d}" for i in range(students)]
        for name in names:
            fake.add_folder(name, root)
        jobs = [job(str(3000 + i), name) for i, name in enumerate(names)]
        counts = {}
        for label in ("first", "second"):
            fake.clear_log()
            deliver(jobs, root, expected=students)
            lists = fake.calls("GET", r"^/drive/v3/files$")
            counts[f"{label} queries"] = sum(1 for e in lists if "pageToken" not in e.query)
            counts[f"{label} pages"] = len(lists)
            counts[f"{label} gets"] = fake.count("GET", r"^/drive/v3/files/(?!generateIds)[^/]+$")
            counts[f"{label} writes"] = len(writes(fake))
        return counts


def test_lookups_do_not_grow_with_the_caseload(loopback_only, monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = counted_run(monkeypatch, 5), counted_run(monkeypatch, 20)
    for counts, students in ((small, 5), (large, 20)):
        assert counts["first queries"] == counts["second queries"] == 2  # ROOT's folders, plangen's plans
        assert counts["first gets"] == counts["second gets"] == 1  # ROOT itself
        assert counts["first writes"] == students and counts["second writes"] == 0
        pages = -(-students // 4)
        assert counts["first pages"] == pages + 1  # every folder; no plans yet
        assert counts["second pages"] == 2 * pages  # every folder; every plan


# --------------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------------


def test_folder_names_match_trimmed_and_ignoring_case(fake_google: FakeGoogle) -> None:
    root = fake_google.add_folder("Caseload")
    folder = fake_google.add_folder("  o'brien,   LIAM ", root)
    assert statuses(deliver([job("1001", "O'Brien, Liam")], root)) == [CREATED]
    assert len(plans_in(fake_google, folder)) == 1


def test_two_folders_with_the_name_fail_that_student_naming_both(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    twin = fake_google.add_folder("garcia, ana ", root)
    results = deliver(caseload_jobs(folders), root)
    assert statuses(results) == ["failed"] + [CREATED] * 4
    assert str(results[0]) == (
        f"2 folders in {folder_url(root)} are named 'Garcia, Ana': {folder_url(folders['Garcia, Ana'])} and "
        f"{folder_url(twin)}. Rename or remove all but one, or put the right folder's link in the "
        f"{COLUMN}."
    )


def test_a_missing_folder_fails_without_create_folders(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    results = deliver([*caseload_jobs(folders), job("1009", "Diaz, Eva")], root)
    assert statuses(results) == [CREATED] * 5 + ["failed"]
    assert str(results[5]) == (
        f"no folder named 'Diaz, Eva' in {folder_url(root)}. Create it, put the "
        f"folder's link in the {COLUMN}, or run with --create-folders."
    )


def test_create_folders_makes_each_missing_folder_once(fake_google: FakeGoogle) -> None:
    root = fake_google.add_folder("Caseload")
    jobs = [job(str(4000 + i), "Lincoln Elementary", filename=f"Plan {i}") for i in range(6)]
    jobs.append(job("4100", "Other School"))
    fake_google.latency = 0.01  # let the threads race for the shared folder
    assert statuses(deliver(jobs, root, create=True)) == [CREATED] * 7
    (lincoln,) = [f for f in fake_google.files(parent=root) if f.name == "Lincoln Elementary"]
    assert lincoln.mime_type == FOLDER and len(plans_in(fake_google, lincoln.id)) == 6
    assert len(fake_google.files(parent=root)) == 2
    assert statuses(deliver(jobs, root, create=True)) == [UNCHANGED] * 7
    assert len(fake_google.files(parent=root)) == 2


def test_my_drive_as_root(fake_google: FakeGoogle) -> None:
    jobs = [job("1001", "Lee, Kim"), job("1002", "Diaz, Eva")]
    results = deliver(jobs, "root")
    assert (
        str(results[0]) == "no folder named 'Lee, Kim' in My Drive. Create it, put the folder's link in the "
        f"{COLUMN}, or run with --create-folders."
    )
    assert statuses(deliver(jobs, "root", create=True)) == [CREATED, CREATED]
    top = {f.name: f.id for f in fake_google.files(parent=fake_google.drive.root_id)}
    assert set(top) == {"Lee, Kim", "Diaz, Eva"} and len(plans_in(fake_google, top["Lee, Kim"])) == 1
    assert statuses(deliver(jobs, "root", create=True)) == [UNCHANGED, UNCHANGED]


def test_folder_from_the_caseload(fake_google: FakeGoogle) -> None:
    folder = fake_google.add_folder("Kim's folder")
    jobs = [
        job("1001", "Lee, Kim", link=f"https://drive.google.com/drive/u/0/folders/{folder}?usp=sharing"),
        job("1002", "Diaz, Eva", link="https://example.org/not-drive"),
        job("1003", "Park, Jin", link="  "),
    ]
    results = deliver(jobs, None)
    assert statuses(results) == [CREATED, "failed", "failed"]
    assert len(plans_in(fake_google, folder)) == 1
    assert str(results[1]) == (
        f"the {COLUMN} does not hold a Google Drive folder link or ID. Copy the link "
        "from the browser's address bar while the folder is open."
    )
    assert str(results[2]) == (
        f"no Drive folder: the {COLUMN} is blank. Fill it in, or run with --drive ROOT "
        "to find the student's folder by name in ROOT."
    )


def test_shared_drive(fake_google: FakeGoogle) -> None:
    team = fake_google.add_shared_drive("OT Team")
    root = fake_google.add_folder("Caseload", team)
    kim = fake_google.add_folder("Lee, Kim", root)
    jobs = [job("1001", "Lee, Kim"), job("1002", "Diaz, Eva")]
    assert statuses(deliver(jobs, root, create=True)) == [CREATED, CREATED]
    assert {f.drive_id for f in plans(fake_google)} == {team}
    assert len(plans_in(fake_google, kim)) == 1
    assert statuses(deliver(jobs, root, create=True)) == [UNCHANGED, UNCHANGED]
    assert all(
        e.query.get("supportsAllDrives") == ["true"]
        for e in fake_google.calls(api="drive")
        if "generateIds" not in e.path
    )


def test_incomplete_search_looks_in_each_drive(fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    team = fake_google.add_shared_drive("OT Team")
    linked = fake_google.add_folder("Kim", fake_google.add_folder("Caseload", team))
    root = fake_google.add_folder("My caseload")
    mine = fake_google.add_folder("Diaz, Eva", root)
    jobs = [job("1001", "Lee, Kim", link=linked), job("1002", "Diaz, Eva")]
    deliver(jobs, root)
    real_list = fake_google.drive.list

    def incomplete(params: dict, fields: object, caller: object = None) -> dict:
        out = real_list(params, fields, caller)
        if params.get("corpora") == "allDrives":
            out["files"], out["incompleteSearch"] = [], True
        return out

    monkeypatch.setattr(fake_google.drive, "list", incomplete)
    fake_google.clear_log()
    assert statuses(deliver(jobs, root)) == [UNCHANGED, UNCHANGED]
    corpora = sorted(
        e.query.get("corpora", ["?"])[0]
        for e in fake_google.calls("GET", r"^/drive/v3/files$")
        if "appProperties" in e.query.get("q", [""])[0]
    )
    assert corpora == ["allDrives", "drive", "user"]
    assert len(plans_in(fake_google, linked)) == len(plans_in(fake_google, mine)) == 1


def test_root_problems_stop_the_run(fake_google: FakeGoogle) -> None:
    with pytest.raises(ConfigError) as missing:
        open_sink("1NoSuchFolder00000000000000")
    assert str(missing.value) == (
        "--drive: the folder https://drive.google.com/drive/folders/1NoSuchFolder00000000000000 was not found, "
        "or the signed-in Google account cannot open it. Check the link and that the account can open the "
        "folder (for a shared drive: is a member). Signed in with the drive.file scope, plangen sees only "
        "folders it created."
    )
    doc = fake_google.add_doc("A doc", b"x")
    with pytest.raises(ConfigError, match=r"is not a folder\. Give the link of the folder that holds"):
        open_sink(f"https://docs.google.com/document/d/{doc}/edit")
    with pytest.raises(ConfigError, match="is not a Google Drive folder link or ID"):
        open_sink("https://example.org/x")


# --------------------------------------------------------------------------------------------
# Dry run
# --------------------------------------------------------------------------------------------


def test_dry_run_writes_nothing(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    jobs = [*caseload_jobs(folders), job("1009", "Diaz, Eva")]
    results = deliver(jobs, root, dry_run=True, create=True)
    assert statuses(results) == [CREATED] * 6
    assert results[0].output == folder_url(folders["Garcia, Ana"])
    assert results[5].output == f"{folder_url(root)} (new folder 'Diaz, Eva')"
    assert writes(fake_google) == [] and fake_google.count(path="generateIds") == 0
    deliver(caseload_jobs(folders), root)
    (doc,) = plans_in(fake_google, folders["Lee, Kim"])
    fake_google.human_edit(doc.id)
    fake_google.clear_log()
    results = deliver(caseload_jobs(folders, "v2"), root, dry_run=True, replace=True)
    assert statuses(results) == [UPDATED, REPLACED, UPDATED, UPDATED, UPDATED]
    assert writes(fake_google) == []


def test_never_shares_by_link(fake_google: FakeGoogle, caseload) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root, create=True)
    deliver(caseload_jobs(folders, "v2"), root, replace=True)
    assert fake_google.calls(path="permissions") == []


@pytest.fixture
def no_threads_left() -> Iterator[None]:
    import threading

    before = {t.name for t in threading.enumerate()}
    yield
    assert {t.name for t in threading.enumerate() if t.name.startswith("plangen-drive")} - before == set()


def test_worker_threads_end_with_the_run(fake_google: FakeGoogle, caseload, no_threads_left) -> None:
    root, folders = caseload
    deliver(caseload_jobs(folders), root)
