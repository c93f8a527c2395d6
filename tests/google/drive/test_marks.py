"""generator.google.drive.marks, and what a plan Doc carries: nothing a reader can turn back into a student's
data, an identity that survives a new folder, and older plangen's marks migrated the first time they are seen."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.google.drive.marks import ENV_KEY_FILE, MarkKey, default_key_path
from generator.google.drive.plans import PlanIdentity, content_hash
from generator.output.fingerprint import token
from tests.google.drive.test_cli_drive import Project, folder_url, plans_in, writes
from tests.google.drive.test_cli_drive import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import FakeGoogle

IDENTITY = {"plangen", "student", "plan"}


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


def test_the_key_is_made_once_private_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config" / "drive-marks.key"
    first = MarkKey.load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert MarkKey.load(path).mark("student", "1001") == first.mark("student", "1001")
    assert MarkKey.load(tmp_path / "other.key").mark("student", "1001") != first.mark("student", "1001")
    monkeypatch.setenv(ENV_KEY_FILE, str(path))
    assert default_key_path() == path
    path.write_text("not base64 at all!\n")
    with pytest.raises(ConfigError, match="is damaged"):
        MarkKey.load(path)


def test_field_tokens_are_keyed_and_tell_changes() -> None:
    key = MarkKey(b"k" * 32)
    values = {"eligibility": "Autism", "dob": "2015-03-04"}
    stored = key.fields(values, values)
    assert token("eligibility", "Autism") not in stored  # the unkeyed token a reader could try
    assert key.changed(stored, values, values) == []
    assert key.changed(stored, {**values, "dob": "2015-03-05"}, values) == ["dob"]
    assert MarkKey(b"o" * 32).changed(stored, values, values) == ["eligibility", "dob"]  # another key reads nothing
    assert key.changed("", values, values) == []


def test_public_properties_hold_nothing_derived_from_child_data(project: Project, fake_google: FakeGoogle) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    for folder, row in zip((project.ana, project.kim, project.bao), project.rows, strict=True):
        (doc,) = plans_in(fake_google, folder)
        assert set(doc.properties) == IDENTITY  # public: plangen's marker and two keyed marks
        assert doc.properties == {k: doc.app_properties[k] for k in IDENTITY}
        everything = " ".join([*doc.properties.values(), *doc.app_properties.values()])
        names = ("student_id", "first_name", "last_name")
        unkeyed = [token(name, value) for name, value in zip(names, row[:3], strict=True)]
        for value in (*row[:3], *unkeyed, content_hash(doc.content or b"")):
            assert str(value) not in everything  # neither the values nor their unkeyed hashes
        legacy = PlanIdentity.legacy(folder, str(row[0]), doc.name)
        assert legacy.student not in everything  # nor the old mark keyed by the (visible) folder ID


def make_legacy(fake: FakeGoogle, folder: str, key: str) -> str:
    """Turn a plan's marks into what plangen wrote before: identity keyed by the folder, every mark public."""
    (doc,) = plans_in(fake, folder)
    legacy = PlanIdentity.legacy(folder, key, doc.name)
    marks = {k: v for k, v in doc.app_properties.items() if k not in ("marks", "create")}
    marks.update(student=legacy.student, plan=legacy.plan, content=content_hash(doc.content or b""))
    doc.app_properties = dict(marks)
    doc.properties = dict(marks)
    return doc.id


def test_old_marks_are_migrated_the_first_time_they_are_seen(project: Project, fake_google: FakeGoogle) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    ids = [
        make_legacy(fake_google, f, k) for f, k in ((project.ana, "1001"), (project.kim, "1002"), (project.bao, "1003"))
    ]
    fake_google.human_edit(ids[0], content=b"typed at the meeting")  # edited: still migrated, still kept
    times = [fake_google.file(i).resource()["modifiedTime"] for i in ids]
    fake_google.clear_log()
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 students: 3 unchanged.\n")  # nothing new to write, edited or not
    for doc_id, before in zip(ids, times, strict=True):
        doc = fake_google.file(doc_id)
        assert set(doc.properties) == IDENTITY and "content" in doc.app_properties
        assert doc.resource()["modifiedTime"] == before  # marks rewritten, the Doc's time kept
    assert [e.method for e in writes(fake_google)] == ["PATCH"] * 3  # one metadata write each, no upload
    fake_google.clear_log()
    again = project.generate("--token-file", str(project.token))
    assert again.output.startswith("3 students: 3 unchanged.\n")
    assert writes(fake_google) == []  # migrated once: a re-run writes nothing


def test_the_plan_is_found_after_the_student_s_folder_is_made_anew(project: Project, fake_google: FakeGoogle) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    (plan,) = plans_in(fake_google, project.kim)
    new_folder = fake_google.add_folder("Kim Lee 2026-27")
    plan.parents = [new_folder]  # the therapist moved the plan into the new folder...
    project.rows[1][4] = folder_url(new_folder)  # ...and put the new folder's link in the caseload
    project.rows[1][3] = "moved school"
    project.save()
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 students: 1 updated, 2 unchanged.\n")
    assert plans_in(fake_google, new_folder) == [plan] and plans_in(fake_google, project.kim) == []
    assert len([f for f in fake_google.files() if f.app_properties.get("plangen") == "plan"]) == 3


def test_a_plan_moved_elsewhere_is_not_doubled_when_the_folder_has_none(
    project: Project, fake_google: FakeGoogle
) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    (plan,) = plans_in(fake_google, project.ana)
    archive = fake_google.add_folder("Ana's plans", project.ana)
    plan.parents = [archive]
    fake_google.clear_log()
    result = project.generate("--token-file", str(project.token))
    assert result.output.startswith("3 students: 3 unchanged.\n") and writes(fake_google) == []


def test_other_apps_public_properties_are_left_alone(project: Project, fake_google: FakeGoogle) -> None:
    assert project.generate("--token-file", str(project.token)).exit_code == 0
    (doc,) = plans_in(fake_google, project.ana)
    doc.properties["reviewedBy"] = "case manager app"  # another app's own mark
    project.rows[0][3] = "new goal"
    project.save()
    assert project.generate("--token-file", str(project.token)).output.startswith("3 students: 1 updated, 2 unchanged.")
    assert doc.properties["reviewedBy"] == "case manager app"
    fake_google.clear_log()
    assert project.generate("--token-file", str(project.token)).output.startswith("3 students: 3 unchanged.")
    assert writes(fake_google) == []  # not taken for an older plangen's marks
