"""Finding each student's Drive folder, called directly against the loopback fake (real client).

tests/google/drive/test_sink.py checks the same rules through the Drive sink; these check the resolver's own
answers: which folder, what it knows about it, and what it costs in requests.
"""

from __future__ import annotations

import threading

import pytest
from google.oauth2.credentials import Credentials

from generator.errors import ConfigError, GoogleApiError, OutputError
from generator.google.drive.api import DriveApi, IdPool
from generator.google.drive.folders import (
    Folder,
    FolderResolver,
    Root,
    folder_key,
    folder_link,
    join_links,
    open_root,
)
from generator.roster.naming import PlanName, safe_component
from generator.roster.students import Student
from generator.template.job import PlanJob
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import FOLDER

COLUMN = "'Drive Folder' column"


def folder_url(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def plan_job(key: str, folder: str, link: str | None = None) -> PlanJob:
    student = Student(key, f"Student {key}", {"id": key, "drive_folder": link}, [])
    return PlanJob(student, PlanName(folder, "OT Plan"), b"plan")


@pytest.fixture
def api(fake_google: FakeGoogle) -> DriveApi:
    return DriveApi(Credentials(token="test"), limiter=None, base_delay=0.001)


def resolver(
    api: DriveApi, root: Root | None, *, field: str | None = "drive_folder", create: bool = False, dry_run: bool = False
) -> FolderResolver:
    folders = FolderResolver(
        api, IdPool(api, block=5), root=root, field=field, column=COLUMN, create=create, dry_run=dry_run
    )
    folders.load()
    return folders


def test_folder_keys_ignore_case_spacing_and_unicode_form() -> None:
    assert folder_key("  O'Brien,\tLIAM  ") == folder_key("o'brien, liam") == "o'brien, liam"
    assert folder_key("Zoe\u0301 Martinez") == folder_key("Zo\u00e9 martinez")  # é typed two ways
    assert folder_key("Lee, Kim") != folder_key("Lee Kim")


def test_links_and_lists_of_links() -> None:
    assert (
        folder_link({"id": "abc", "webViewLink": "https://drive.google.com/drive/folders/abc?usp=x"})
        == "https://drive.google.com/drive/folders/abc?usp=x"
    )
    assert folder_link({"id": "abc"}) == folder_url("abc")
    assert join_links(["a"]) == "a"
    assert join_links(["a", "b"]) == "a and b"
    assert join_links(["a", "b", "c"]) == "a, b and c"


def test_open_root_checks_the_folder_and_knows_its_drive(api: DriveApi, fake_google: FakeGoogle) -> None:
    mine = fake_google.add_folder("Caseload")
    root = open_root(api, f" https://drive.google.com/drive/u/0/folders/{mine}?usp=sharing ")
    assert (root.id, root.drive_id) == (mine, None) and root.link.startswith(folder_url(mine))
    team = fake_google.add_shared_drive("OT Team")
    shared = fake_google.add_folder("Caseload", team)
    assert open_root(api, shared).drive_id == team
    assert open_root(api, " ROOT ") == Root(fake_google.drive.root_id, "My Drive", None)


def test_open_root_refusals(api: DriveApi, fake_google: FakeGoogle) -> None:
    doc = fake_google.add_doc("Plan", b"x")
    with pytest.raises(ConfigError) as caught:
        open_root(api, doc)
    assert str(caught.value) == (
        f"--drive: https://drive.google.com/drive/folders/{doc} is not a folder. Give the "
        "link of the folder that holds the students' folders."
    )
    with pytest.raises(ConfigError, match=r"was not found, or the signed-in Google account cannot open it"):
        open_root(api, "1NoSuchFolder00000000000000")
    fake_google.fail(403, path=r"/files/", reason="insufficientFilePermissions", message="No.")
    with pytest.raises(GoogleApiError):  # not a 404: the client's own message, not 'not found'
        open_root(api, fake_google.add_folder("Other"))


def test_one_listing_of_root_serves_every_student(api: DriveApi, fake_google: FakeGoogle) -> None:
    root_id = fake_google.add_folder("Caseload")
    ids = {name: fake_google.add_folder(name, root_id) for name in ("Garcia, Ana", "Lee, Kim", "Nguyen, Bao")}
    fake_google.add_folder("Inside Ana", ids["Garcia, Ana"])  # not a child of ROOT: never matched
    fake_google.add_file("Lee, Kim", b"not a folder", parent=root_id)
    fake_google.max_page_size = 2
    folders = resolver(api, open_root(api, root_id))
    fake_google.clear_log()
    found = {name: folders.resolve(plan_job(str(n), name)) for n, name in enumerate(ids)}
    assert {name: folder.id for name, folder in found.items()} == ids
    assert all(f.drive_known and not f.created and f.drive_id is None for f in found.values())
    assert fake_google.count() == 0  # resolved from the listing
    with pytest.raises(OutputError, match=r"^no folder named 'Inside Ana' in "):
        folders.resolve(plan_job("9", "Inside Ana"))


def test_a_caseload_link_wins_and_is_looked_up_once(api: DriveApi, fake_google: FakeGoogle) -> None:
    root_id = fake_google.add_folder("Caseload")
    fake_google.add_folder("Lee, Kim", root_id)
    elsewhere = fake_google.add_folder("Kim (shared by teacher)")
    folders = resolver(api, open_root(api, root_id))
    fake_google.clear_log()
    link = f"https://drive.google.com/drive/folders/{elsewhere}"
    folder = folders.resolve(plan_job("1002", "Lee, Kim", link))
    assert folder == Folder(elsewhere, folder_url(elsewhere), None)
    assert folders.resolve(plan_job("1003", "Lee, Kim", link)) == folder
    assert fake_google.count() == 1  # one lookup (found, a folder, not trashed, writable) for both


def test_without_a_field_a_missing_folder_does_not_mention_the_column(api: DriveApi, fake_google: FakeGoogle) -> None:
    root = open_root(api, fake_google.add_folder("Caseload"))
    folders = resolver(api, root, field=None)
    with pytest.raises(OutputError) as caught:
        folders.resolve(plan_job("1", "Diaz, Eva", "https://drive.google.com/drive/folders/ignored000000000000000"))
    assert str(caught.value) == f"no folder named 'Diaz, Eva' in {root.link}. Create it or run with --create-folders."


def test_without_root_a_blank_cell_says_what_to_fill_in(api: DriveApi) -> None:
    folders = resolver(api, None)
    assert folders.by_name == {}
    with pytest.raises(OutputError, match=r"^no Drive folder: the 'Drive Folder' column is blank\."):
        folders.resolve(plan_job("1", "Diaz, Eva", "  "))


def test_a_dry_run_promises_a_folder_without_creating_it(api: DriveApi, fake_google: FakeGoogle) -> None:
    root = open_root(api, fake_google.add_folder("Caseload"))
    folders = resolver(api, root, create=True, dry_run=True)
    fake_google.clear_log()
    folder = folders.resolve(plan_job("1", "Diaz, Eva"))
    assert folder == Folder(None, f"{root.link} (new folder 'Diaz, Eva')", None, created=True)
    assert fake_google.count() == 0 and fake_google.files(parent=root.id) == []


def test_students_sharing_a_new_folder_wait_for_one_create(api: DriveApi, fake_google: FakeGoogle) -> None:
    team = fake_google.add_shared_drive("OT Team")
    root = open_root(api, fake_google.add_folder("Caseload", team))
    folders = resolver(api, root, create=True)
    fake_google.latency = 0.02  # let the threads meet on the create
    results: list[Folder] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(folders.resolve(plan_job(str(n), " lincoln  ES"))))
        for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (created,) = fake_google.files(parent=root.id)
    assert created.name == " lincoln  ES" and created.mime_type == FOLDER and created.drive_id == team
    assert {(f.id, f.created, f.drive_id) for f in results} == {(created.id, True, team)} and len(results) == 6
    assert fake_google.count("POST", r"/files$") == 1


def test_a_failed_create_fails_every_student_waiting_for_it(api: DriveApi, fake_google: FakeGoogle) -> None:
    root = open_root(api, fake_google.add_folder("Caseload"))
    folders = resolver(api, root, create=True)
    fake_google.fail(403, method="POST", path=r"/files$", reason="insufficientFilePermissions", message="No.", times=5)
    for key in ("1", "2"):
        with pytest.raises(GoogleApiError):
            folders.resolve(plan_job(key, "New School"))
    assert fake_google.count("POST", r"/files$") == 1  # the second student got the first one's answer


# --------------------------------------------------------------------------------------------
# Names as people type them in Drive, shortcuts, the trash
# --------------------------------------------------------------------------------------------


def typed_names() -> list[tuple[str, str]]:
    """(the name in the caseload, the folder's name in Drive): Drive allows what file systems refuse."""
    return [
        ("Back\\Slash, Sam", "Back\\Slash, Sam"),
        ("King, Martin Jr.", "King, Martin Jr."),
        ("Nguyen/Tran, Anh", "Nguyen/Tran, Anh"),
        ("D'Angelo, Ava", "D\u2019Angelo, Ava"),  # Drive's web UI types a curly apostrophe
        ("O\u2019Brien, Liam", "O'Brien, Liam"),
        ("\u201cJJ\u201d Smith", '"JJ" Smith'),
    ]


def test_folder_keys_fold_what_people_and_file_systems_write_differently() -> None:
    for typed, in_drive in typed_names():
        safe = safe_component(typed)  # what plangen's folder name becomes on disk
        assert folder_key(safe) == folder_key(in_drive) == folder_key(typed), (typed, safe)
    assert folder_key("Nguyen/Tran, Anh") != folder_key("Nguyen Tran, Anh")
    assert folder_key("\uff2b\uff49\uff4d") == folder_key("Kim")  # full-width letters (NFKC)


def test_folders_named_with_slashes_quotes_and_dots_are_found(api: DriveApi, fake_google: FakeGoogle) -> None:
    root_id = fake_google.add_folder("Caseload")
    made = {typed: fake_google.add_folder(in_drive, root_id) for typed, in_drive in typed_names()}
    folders = resolver(api, open_root(api, root_id), create=True)
    for typed, folder_id in made.items():
        name = PlanName(safe_component(typed), "OT Plan", title=typed)
        found = folders.resolve(PlanJob(Student("1", typed, {}, []), name, b"plan"))
        assert found.id == folder_id, typed
    assert len(fake_google.files(parent=root_id)) == len(made)  # no parallel folder with a cleaned-up name


def test_a_created_folder_keeps_the_name_as_typed(api: DriveApi, fake_google: FakeGoogle) -> None:
    root_id = fake_google.add_folder("Caseload")
    folders = resolver(api, open_root(api, root_id), create=True)
    name = PlanName(safe_component("Nguyen/Tran, Anh"), "OT Plan", title="Nguyen/Tran, Anh")
    made = folders.resolve(PlanJob(Student("1", "Anh", {}, []), name, b"plan"))
    assert fake_google.file(made.id or "").name == "Nguyen/Tran, Anh"


def test_a_shortcut_in_root_leads_to_the_student_s_folder(api: DriveApi, fake_google: FakeGoogle) -> None:
    root_id = fake_google.add_folder("Caseload")
    real = fake_google.add_folder("Garcia, Ana", fake_google.add_folder("Case manager's folders"))
    fake_google.add_shortcut("Garcia, Ana", real, root_id)
    fake_google.add_shortcut("Notes", fake_google.add_doc("Notes", b"x"), root_id)  # a shortcut to a file: ignored
    folders = resolver(api, open_root(api, root_id))
    assert folders.resolve(plan_job("1", "Garcia, Ana")).id == real
    assert fake_google.files(parent=root_id, name="Garcia, Ana")[0].mime_type.endswith("shortcut")
    link_to_shortcut = fake_google.add_shortcut("Ana (link)", real)
    assert folders.resolve(plan_job("1", "x", folder_url(link_to_shortcut))).id == real  # a linked shortcut too


def test_a_folder_and_a_shortcut_to_another_one_with_the_name_fail_naming_both(
    api: DriveApi, fake_google: FakeGoogle
) -> None:
    root_id = fake_google.add_folder("Caseload")
    here = fake_google.add_folder("Garcia, Ana", root_id)
    there = fake_google.add_folder("Garcia, Ana", fake_google.add_folder("Elsewhere"))
    fake_google.add_shortcut("Garcia, Ana", there, root_id)
    fake_google.add_shortcut("Garcia, Ana", here, root_id)  # a shortcut to the folder itself is the same folder
    folders = resolver(api, open_root(api, root_id))
    with pytest.raises(OutputError) as caught:
        folders.resolve(plan_job("1", "Garcia, Ana"))
    assert str(caught.value).startswith(
        f"2 folders in {folder_url(root_id)} are named 'Garcia, Ana': {folder_url(here)} and {folder_url(there)}."
    )


def test_a_linked_folder_in_the_trash_fails_that_student_naming_the_trash(
    api: DriveApi, fake_google: FakeGoogle
) -> None:
    parent = fake_google.add_folder("Last year")
    gone = fake_google.add_folder("Garcia, Ana", parent)
    fake_google.trash(parent)  # trashed with the folder it is in
    folders = resolver(api, None)
    with pytest.raises(OutputError) as caught:
        folders.resolve(plan_job("1", "Garcia, Ana", folder_url(gone)))
    assert str(caught.value) == (
        f"the student's folder {folder_url(gone)} is in the trash (it, or a folder it is in, was moved there). "
        f"Restore it from the trash in Google Drive, or put the link of the student's current folder in the {COLUMN}."
    )
    shortcut = fake_google.add_shortcut("Ana", gone)
    with pytest.raises(OutputError, match="is in the trash"):
        folders.resolve(plan_job("2", "x", folder_url(shortcut)))


def test_a_folder_the_account_may_only_view_fails_saying_so(api: DriveApi, fake_google: FakeGoogle) -> None:
    viewed = fake_google.add_folder("Garcia, Ana")
    fake_google.share_as(viewed, "reader")
    with pytest.raises(OutputError, match=r"can open the student's folder .* but not add files to it. Ask its owner"):
        resolver(api, None).resolve(plan_job("1", "x", folder_url(viewed)))
