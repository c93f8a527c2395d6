"""The caseload overview Sheet in ROOT, published directly through a Drive sink on the loopback fake.

tests/google/drive/test_cli_drive.py checks the run's output lines; these check what is found again and when.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from google.oauth2.credentials import Credentials

from generator.google.drive import sink as d
from generator.google.drive.overview import MAX_NAME, overview_query, publish_overview
from generator.mapping.load import load_mapping
from generator.output.overview import HTML_NAME, XLSX_NAME, OverviewFiles
from generator.output.report import CREATED, Outcome, Report
from generator.output.sink import RunEnd
from generator.roster.students import Roster, Student
from tests.google.fakegoogle import FakeGoogle
from tests.google.fakegoogle.files import DriveFile

SHEET = "application/vnd.google-apps.spreadsheet"


def workbook(*rows: tuple) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def files(title: str, *rows: tuple) -> OverviewFiles:
    return OverviewFiles(title, workbook(("Student", "Key"), *rows), "<table>" + repr(rows) + "</table>")


@pytest.fixture
def root(fake_google: FakeGoogle) -> str:
    return fake_google.add_folder("OT Caseload")


@pytest.fixture
def sink(fake_google: FakeGoogle, root: str) -> Iterator[d.DriveSink]:
    options = d.DriveOptions(root=root, writes_per_second=1000.0, workers=1, overview_sheet=True)
    opened = d.connect(
        Credentials(token="test"),
        options,
        field=None,
        column="",
        template_sha256="ab" * 32,
        replace_edited=False,
        dry_run=False,
        expected=1,
        retry_base_delay=0.001,
    )
    yield opened
    opened.close()


def overviews(fake: FakeGoogle, root: str) -> list[DriveFile]:
    return [f for f in fake.files(parent=root) if f.app_properties.get("plangen") == "overview"]


def published(sink: d.DriveSink, overview: OverviewFiles) -> Report:
    report = Report()
    publish_overview(sink.api, sink.folders.root, overview, report)
    return report


def test_the_query_finds_overviews_in_root_by_either_mark(
    fake_google: FakeGoogle, root: str, sink: d.DriveSink
) -> None:
    mark = {"plangen": "overview"}
    private = fake_google.add_file("a", b"x", SHEET, root, app_properties=mark)
    public = fake_google.add_file("b", b"x", SHEET, root, properties=mark)
    fake_google.add_file("elsewhere", b"x", SHEET, fake_google.add_folder("Other"), app_properties=mark)
    fake_google.add_file("a plan", b"x", SHEET, root, app_properties={"plangen": "plan"})
    found = sink.api.list_all(overview_query(root), "id").items
    assert sorted(f["id"] for f in found) == sorted([private, public])


def test_two_caseloads_sharing_root_keep_two_sheets(fake_google: FakeGoogle, root: str, sink: d.DriveSink) -> None:
    ot, speech = files("ot", ("Ana", "1001")), files("speech", ("Kim", "2001"))
    first, second = published(sink, ot), published(sink, speech)
    by_mapping = {f.app_properties["mapping"]: f for f in overviews(fake_google, root)}
    assert set(by_mapping) == {"ot", "speech"}
    assert by_mapping["ot"].name == "Caseload overview - ot"
    assert by_mapping["ot"].app_properties["content"] == ot.fingerprint[:32]
    link = (
        "https://docs.google.com/spreadsheets/d/{}/edit?usp=drivesdk -- who can open it: me@example.org (owner)".format
    )
    assert first.notes == [f"Caseload overview (Google Sheet, created): {link(by_mapping['ot'].id)}"]
    assert second.notes == [f"Caseload overview (Google Sheet, created): {link(by_mapping['speech'].id)}"]
    assert first.errors == second.errors == []

    fake_google.clear_log()
    assert published(sink, ot).notes == [f"Caseload overview (Google Sheet, unchanged): {link(by_mapping['ot'].id)}"]
    assert fake_google.count("POST") + fake_google.count("PATCH") == 0  # same rows: no write at all
    changed = published(sink, files("ot", ("Ana", "1001"), ("Eva", "1004")))
    assert changed.notes == [f"Caseload overview (Google Sheet, updated): {link(by_mapping['ot'].id)}"]
    after = {f.app_properties["mapping"]: f for f in overviews(fake_google, root)}
    assert after["ot"].id == by_mapping["ot"].id and after["speech"].id == by_mapping["speech"].id
    rows = list(openpyxl.load_workbook(io.BytesIO(after["ot"].content)).active.iter_rows(values_only=True))
    assert rows == [("Student", "Key"), ("Ana", "1001"), ("Eva", "1004")]


def test_the_overview_is_not_uploaded_unless_asked_for(
    fake_google: FakeGoogle, root: str, sink: d.DriveSink, tmp_path: Path
) -> None:
    sink.overview_sheet = False
    (tmp_path / "m.yaml").write_text("key: id\nsource: c.csv\nfields:\n  id: ID\n  name: Name\n", encoding="utf-8")
    report = Report()
    report.add(Outcome("1001", "Ana", CREATED, "https://docs.google.com/document/d/abc/edit"))
    everyone = Roster([Student("1001", "Ana", {"id": "1001", "name": "Ana"}, [])])
    fake_google.clear_log()
    sink.finish(RunEnd(report, tmp_path, load_mapping(tmp_path / "m.yaml"), everyone, dt.date(2026, 11, 22)))
    assert (tmp_path / XLSX_NAME).is_file()  # kept locally, as on every run
    assert overviews(fake_google, root) == [] and fake_google.count() == 0 and report.notes == []


def test_a_long_title_is_cut_to_fit_app_properties_on_a_character_boundary(
    fake_google: FakeGoogle, root: str, sink: d.DriveSink
) -> None:
    title = "Évaluations " * 20  # 'É' is 2 bytes in UTF-8
    overview = files(title, ("Ana", "1001"))
    assert published(sink, overview).errors == []
    (sheet,) = overviews(fake_google, root)
    kept = sheet.app_properties["mapping"]
    assert title.startswith(kept) and len(kept.encode("utf-8")) <= MAX_NAME
    assert len(title[: len(kept) + 1].encode("utf-8")) > MAX_NAME
    assert published(sink, overview).notes[0].startswith("Caseload overview (Google Sheet, unchanged): ")
    assert len(overviews(fake_google, root)) == 1  # found again by the cut name


def test_without_root_the_overview_stays_local_and_a_note_says_so(fake_google: FakeGoogle, sink: d.DriveSink) -> None:
    report = Report()
    publish_overview(sink.api, None, files("ot", ("Ana", "1001")), report)
    assert report.errors == [] and report.notes == [
        "Caseload overview not uploaded to Drive: --drive without ROOT has no folder for it "
        "(give --drive ROOT to keep it there as a Google Sheet)."
    ]
    assert fake_google.count("POST") + fake_google.count("PATCH") == 0


def test_the_drive_sink_finishes_its_run_with_the_overview_in_the_folder_and_in_root(
    fake_google: FakeGoogle, root: str, sink: d.DriveSink, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text("key: id\nsource: c.csv\nfields:\n  id: ID\n  name: Name\n", encoding="utf-8")
    report = Report()
    report.add(Outcome("1001", "Ana", CREATED, "https://docs.google.com/document/d/abc/edit"))
    everyone = Roster([Student("1001", "Ana", {"id": "1001", "name": "Ana"}, [])])
    end = RunEnd(report, tmp_path, load_mapping(tmp_path / "m.yaml"), everyone, dt.date(2026, 11, 22))
    sink.finish(end)
    assert (tmp_path / XLSX_NAME).is_file() and (tmp_path / HTML_NAME).is_file()  # kept locally, as on every run
    (sheet,) = overviews(fake_google, root)
    assert report.errors == [] and report.notes[-1].startswith("Caseload overview (Google Sheet, created): ")
    assert ("Ana", "1001") in {
        row[:2] for row in openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    }


def test_the_mapping_can_ask_for_the_sheet(tmp_path, fake_google: FakeGoogle) -> None:
    from tests.google.drive.test_cli_drive import Project, overview_sheets

    project = Project(tmp_path / "project", fake_google)
    project.mapping.write_text(project.mapping.read_text() + "overview_sheet: true\n")
    result = project.generate("--token-file", str(project.token))
    assert result.exit_code == 0, result.output
    (sheet,) = overview_sheets(fake_google, project.root)
    assert (
        f"Caseload overview (Google Sheet, created): https://docs.google.com/spreadsheets/d/{sheet.id}/"
        in result.output
    )
