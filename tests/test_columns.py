"""``describe_columns``: a caseload's sheets, header row and column kinds, read as a run reads it, no values."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.columns import describe_columns
from generator.errors import SourceError
from tests.helpers import write_workbook

ROWS = [["Name", "Review Date", "OTA"], ["Ruiz, Ana", "2027-03-04", "Y"], ["Chen, Lucas", "2027-05-06", ""]]


def test_a_workbook_lists_its_sheets_and_reads_the_first_visible_one(tmp_path: Path):
    path = write_workbook(tmp_path / "c.xlsx", {"Old": [["x"]], "Caseload": ROWS}, states={"Old": "hidden"})
    lines = describe_columns(path)
    assert lines[:3] == [
        "c.xlsx",
        "Sheets: 'Old' (hidden), 'Caseload'",
        "Sheet 'Caseload': column headers on row 1; 2 data row(s).",
    ]
    assert [line.split()[:2] for line in lines[4:]] == [["A", "Name"], ["B", "Review"], ["C", "OTA"]]
    assert "1/2" in lines[-1]  # one OTA cell filled of two
    for value in ("Ruiz", "Chen", "2027", "Ana"):
        assert all(value not in line for line in lines)


def test_a_named_sheet_and_a_header_row_are_read_as_asked(tmp_path: Path):
    path = write_workbook(tmp_path / "c.xlsx", {"Caseload": ROWS, "Later": [["Title"], *ROWS]})
    lines = describe_columns(path, sheet="Later", header_row=2)
    assert lines[2] == "Sheet 'Later': column headers on row 2 (above it, row(s) 1 read as titles); 2 data row(s)."


def test_a_csv_has_no_sheets(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("ID,Minutes\n1,30\n2,45\n", encoding="utf-8")
    assert describe_columns(path)[:2] == ["c.csv", "Column headers on line 1; 2 data row(s)."]


def test_a_missing_file_is_a_source_error_naming_it(tmp_path: Path):
    with pytest.raises(SourceError, match="gone.xlsx"):
        describe_columns(tmp_path / "gone.xlsx")


def test_without_sheet_the_one_holding_the_students_is_read_and_said(tmp_path: Path):
    notes = [["How to use this workbook"], ["One row per student."]]
    path = write_workbook(tmp_path / "c.xlsx", {"Instructions": notes, "Caseload": ROWS})
    lines = describe_columns(path)
    assert lines[2] == "Sheet 'Caseload': column headers on row 1; 2 data row(s)."
    assert lines[-2:] == [
        "Reading sheet 'Caseload': the sheet with the most student rows (2).",
        "Other sheets: 'Instructions' (instructions, notes or lists, not students). Choose one with --sheet NAME.",
    ]
