"""The end of a run belongs to its destination: the local one keeps the overview (and PDFs) in the folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.mapping.load import load_mapping
from generator.output.local import LocalFolders, LocalSink
from generator.output.overview import HTML_NAME, XLSX_NAME
from generator.output.pdf import INSTALL_HINT
from generator.output.report import CREATED, Outcome, Report
from generator.output.sink import Destination, RunEnd, Sink, SinkRequest
from generator.roster.naming import PlanName
from generator.roster.students import Roster, Student

MAPPING = "key: id\ndisplay_name: '{{ name }}'\nfields:\n  id: ID\n  name: Name\nsource: c.csv\n"


def run_end(tmp_path: Path, **options: object) -> RunEnd:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml")
    student = Student("1", "Ana Ruiz", {"id": "1", "name": "Ana Ruiz"}, [])
    report = Report()
    report.add(Outcome("1", "Ana Ruiz", CREATED, "Ana Ruiz/Plan.docx"))
    out = tmp_path / "plans"
    out.mkdir()
    return RunEnd(report, out, mapping, Roster([student]), dt.date(2026, 11, 22), **options)  # type: ignore[arg-type]


def test_the_local_sink_finishes_with_the_caseload_overview_in_its_folder(tmp_path: Path):
    end = run_end(tmp_path)
    sink: Sink = LocalSink(end.out_dir)
    sink.finish(end)
    assert sorted(p.name for p in end.out_dir.iterdir() if not p.name.startswith(".")) == [HTML_NAME, XLSX_NAME]
    assert "Ana Ruiz" in (end.out_dir / HTML_NAME).read_text(encoding="utf-8")
    assert end.report.errors == []


def test_a_progress_report_run_has_no_overview(tmp_path: Path):
    end = run_end(tmp_path, overview=False)
    assert end.write_overview() is None
    LocalSink(end.out_dir).finish(end)
    assert list(end.out_dir.iterdir()) == []


def test_local_folders_open_a_sink_on_the_run_folder_with_the_mappings_data_fields(tmp_path: Path):
    end = run_end(tmp_path)
    destination: Destination = LocalFolders()
    destination.check(pdf=False)
    request = SinkRequest(end.out_dir, end.mapping, "0" * 64, [PlanName("Ana Ruiz", "Plan")], dry_run=True)
    sink = destination.open(request)
    assert isinstance(sink, LocalSink)
    assert sink.out_dir == end.out_dir.resolve() and sink.dry_run and sink.data_fields == ("id", "name")


def test_pdf_copies_without_libreoffice_are_refused_by_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ConfigError) as error:
        LocalFolders().check(pdf=True)
    assert str(error.value) == INSTALL_HINT
    LocalFolders().check(pdf=False)  # no copies asked for: LibreOffice is not needed
