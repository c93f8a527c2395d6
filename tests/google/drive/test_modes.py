"""generate against a Drive that breaks an assumption: a dropped modifiedTime.

The fake is switched to each behaviour; every run must still end with exactly one plan per student
and no lost edit, and say which mode it ran in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.google.drive.modes import TIMES_DROPPED, DriveModes
from tests.google.drive.test_cli_drive import Project, doc_url
from tests.google.drive.test_cli_drive import isolated_config as isolated_config  # noqa: F401  (autouse fixture)
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import DOCUMENT, docx_text


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


def docs_per_folder(fake: FakeGoogle, project: Project) -> list[int]:
    return [
        len([f for f in fake.files(parent=folder) if f.mime_type == DOCUMENT])
        for folder in (project.ana, project.kim, project.bao)
    ]


def test_a_dropped_modified_time_is_recorded_from_drive_s_answer(
    project: Project, fake_google: FakeGoogle, tmp_path: Path
) -> None:
    fake_google.drive.keeps_modified_time = False
    journal = project.out / ".plangen" / "drive-times.jsonl"
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["3 students: 3 created.", TIMES_DROPPED.format(journal=journal)]
    (ana,), (kim,), (bao,) = (
        [f for f in fake_google.files(parent=folder) if f.mime_type == DOCUMENT]
        for folder in (project.ana, project.kim, project.bao)
    )
    assert ana.app_properties["written"] != ana.resource()["modifiedTime"]  # Drive set its own time

    for row in project.rows:
        row[3] = "new goal"
    project.save()
    fake_google.human_edit(ana.id, content=b"typed during the meeting")
    result = project.generate("--token-file", str(project.token))
    assert result.output.startswith(
        f"       stale  Ana Garcia  ->  {doc_url(ana.id)}\n              edited since "
        "plangen wrote it, and the sheet changed since: notes. Kept as is: bring the "
        "changes into the plan, or use --replace-edited to write a new plan (the edited "
        "copy is kept beside it)\n3 students: 2 updated, 1 stale.\n"
    )
    assert ana.content == b"typed during the meeting" and "Notes: new goal" in docx_text(kim.content)
    assert docs_per_folder(fake_google, project) == [1, 1, 1]

    for row in project.rows:
        row[3] = "another goal"
    project.save()
    contents = [doc.content for doc in (ana, kim, bao)]
    elsewhere = project.generate("--token-file", str(project.token), "--out", str(tmp_path / "other"))
    assert "\n3 students: 3 stale.\n" in elsewhere.output  # no journal there: kept, never overwritten
    assert [doc.content for doc in (ana, kim, bao)] == contents
    assert docs_per_folder(fake_google, project) == [1, 1, 1]
    result = project.generate("--token-file", str(project.token))  # back on the computer with the journal
    assert "\n3 students: 2 updated, 1 stale.\n" in result.output


def test_the_journal_keeps_the_last_time_per_doc_and_skips_damage(tmp_path: Path) -> None:
    journal = tmp_path / ".plangen" / "drive-times.jsonl"
    modes = DriveModes(journal)
    assert modes.written("D1", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.000Z") is True
    assert modes.notes() == [] and not journal.exists()
    assert modes.written("D1", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:01.250Z") is False
    assert modes.written("D1", "2026-11-30T11:00:00.000Z", "2026-11-30T11:00:00.900Z") is False
    with open(journal, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    again = DriveModes(journal)
    assert again.recorded("D1", "2026-11-30T11:00:00.900Z") and not again.recorded("D1", "2026-11-30T10:00:01.250Z")
    assert not again.recorded("D2", "2026-11-30T11:00:00.900Z") and not again.recorded("D1", "garbage")
