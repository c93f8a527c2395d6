from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.sources.cells import normalize_header
from generator.sources.tables import column_letter, read_table
from tests.helpers import SAMPLES, write_xlsx


def test_sample_caseload_reads_with_excel_row_numbers_and_cached_formulas():
    table = read_table(SAMPLES / "caseload.xlsx")
    assert table.sheet == "Caseload"
    assert len(table.rows) == 27  # the blank row in the middle is skipped
    first = table.rows[0]
    assert first.location.row == 2
    assert first.values[:3] == [1001, "O'Brien", "Liam"]
    assert first.values[3] == dt.datetime(2018, 3, 14)
    minutes = table.find_column("minutes/week")
    assert first.get(minutes) == 30  # formula cell, cached value
    # The blank row sits after the 12th student, so the 13th student is on row 15.
    assert table.rows[12].location.row == 15
    assert table.find_column("Teacher").name == "Teacher"  # header typed as "Teacher "


def test_header_matching_ignores_case_spacing_and_newlines(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Student\nID", "  Last   Name "], [1, "A"]])
    table = read_table(path)
    assert table.find_column("student id").index == 0
    assert table.find_column("LAST NAME").index == 1
    assert normalize_header(" Date of\n Birth ") == "date of birth"


def test_duplicate_headers_are_reported_with_both_columns(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["ID", "Name", "name "], [1, "a", "b"]])
    with pytest.raises(SourceError) as err:
        read_table(path).find_column("Name")
    assert str(err.value) == (
        "c.xlsx, sheet 'Sheet1': the header 'Name' appears in more than one column "
        "(B ('Name'), C ('name')). Rename one of them so each column has a distinct header."
    )


def test_sheet_chosen_by_name_and_unknown_sheet_lists_the_sheets(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["ID"], [1]], sheet="Roster")
    assert read_table(path, "Roster").rows[0].values == [1]
    with pytest.raises(SourceError) as err:
        read_table(path, "Caseload")
    assert "has no sheet named 'Caseload'. Sheets in this workbook: 'Roster'" in str(err.value)


def test_header_row_may_start_below_blank_rows(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [[], [None, None], ["ID", "Name"], [7, "x"]])
    table = read_table(path)
    assert table.header_row == 3
    assert table.rows[0].location.row == 4


def test_csv_utf8_bom_and_semicolons(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffID;Name\n1;Zoë\n\n2;José\n".encode())
    table = read_table(path)
    assert table.column_names() == ["ID", "Name"]
    assert [r.values for r in table.rows] == [["1", "Zoë"], ["2", "José"]]
    assert [r.location.row for r in table.rows] == [2, 4]
    assert table.rows[0].location.describe(table.columns[1]) == "c.csv, row 2, column 'Name'"


def test_csv_windows_1252_fallback_and_multiline_cells(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_bytes('ID,Note\r\n1,"caf\xe9 & more\r\nsecond line"\r\n2,ok\r\n'.encode("latin-1"))
    table = read_table(path)
    assert table.rows[0].values[1] == "café & more\r\nsecond line"
    assert table.rows[1].location.row == 3  # record number, as Excel shows it


def test_csv_utf16_and_tsv(tmp_path: Path):
    utf16 = tmp_path / "c.csv"
    utf16.write_bytes("ID,Name\n1,Ana\n".encode("utf-16"))
    assert read_table(utf16).rows[0].values == ["1", "Ana"]
    tsv = tmp_path / "c.tsv"
    tsv.write_text("ID\tName, Suffix\n1\tAna, Jr.\n", encoding="utf-8")
    assert read_table(tsv).rows[0].values == ["1", "Ana, Jr."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "missing.xlsx: file not found. Check the --source path or the mapping's source."),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0",
            "old binary Excel (.xls) files are not supported. Open it in Excel or LibreOffice and save it as .xlsx.",
        ),
        (
            "fake.xlsx",
            b"ID,Name\n1,a\n",
            "is not a valid .xlsx file (it may be password-protected, damaged, or another format renamed).",
        ),
        ("data.json", b"{}", "unsupported file type '.json'. Use .xlsx, .xlsm, .csv or .tsv."),
        ("nul.csv", b"ID\x00,Name\n", "line 1 holds a NUL byte, so the file is not plain text"),
        ("empty.csv", b"\n\n", "empty.csv: is empty. Put the column headers in the first row."),
    ],
)
def test_unreadable_sources_say_why_and_how_to_fix(tmp_path: Path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        read_table(path)
    assert message in str(err.value)


def test_column_letters():
    assert [column_letter(i) for i in (0, 9, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "J",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]  # also the overview workbook's cell references
