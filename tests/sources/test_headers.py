"""Finding the table in a sheet kept by hand: title rows above the header, totals and notes below the data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.sources.headers import locate, looks_like_data
from generator.sources.tables import read_table
from tests.helpers import write_xlsx

HEADER = ["Student ID", "Last Name", "First Name", "DOB", "Minutes", "Notes"]
STUDENTS = [
    [1001, "Ruiz", "Ana", dt.datetime(2018, 3, 4), 30, "likes trains"],
    [1002, "Chen", "Lucas", dt.datetime(2017, 5, 6), 60, None],
    [1003, "Okafor", "Ada", dt.datetime(2016, 7, 8), 30, "new"],
]


def test_header_found_below_title_rows(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "c.xlsx", [["OT Caseload 2026-27"], ["Therapist:", "A. Rivera"], [], HEADER, *STUDENTS]
    )
    table = read_table(path)
    assert (table.header_row, table.title_rows) == (4, [1, 2])
    assert table.column_names() == HEADER
    assert [r.location.row for r in table.rows] == [5, 6, 7]


def test_title_with_a_date_above_the_header_is_still_a_title(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Caseload as of", dt.datetime(2026, 11, 1)], HEADER, *STUDENTS])
    assert read_table(path).header_row == 2


def test_a_row_of_group_labels_above_the_headers_is_a_title(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "c.xlsx", [["Student", "Student", "Student", "Student", "Service", "Service"], HEADER, *STUDENTS]
    )
    table = read_table(path)
    assert (table.header_row, table.title_rows, table.column_names()) == (2, [1], HEADER)


def test_header_row_forced(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Caseload", "of", "A. Rivera", "for", "the", "year"], HEADER, *STUDENTS])
    assert read_table(path).header_row == 1  # a full-width row of distinct text reads as headers...
    table = read_table(path, header_row=2)  # ...so the mapping says where they are
    assert (table.header_row, table.column_names(), len(table.rows)) == (2, HEADER, 3)


@pytest.mark.parametrize(("header_row", "words"), [(3, "header_row 3 is blank"), (40, "is below the last row (6)")])
def test_forced_header_row_must_hold_headers(tmp_path: Path, header_row: int, words: str):
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, STUDENTS[0], [], STUDENTS[1], [], STUDENTS[2]])
    with pytest.raises(SourceError) as err:
        read_table(path, header_row=header_row)
    assert words in str(err.value) and "`header_row:`" in str(err.value)


@pytest.mark.parametrize(
    "trailer",
    [
        [["Total: 3 students"]],
        [["Total", None, None, None, 120]],
        [[], ["Updated by A. Rivera, Nov 2026"]],
        [[], ["* pending evaluation"], ["Page 1 of 1"]],
        [[], ["OT caseload", "2026"]],
    ],
)
def test_rows_below_the_data_that_are_no_students_are_skipped_and_reported(tmp_path: Path, trailer: list[list]):
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, *STUDENTS, *trailer])
    table = read_table(path)
    assert [r.values[0] for r in table.rows] == [1001, 1002, 1003]
    skipped = [n for n in range(5, 5 + len(trailer)) if trailer[n - 5]]
    assert table.skipped_rows == skipped
    (warning,) = table.warnings
    assert warning.startswith(f"c.xlsx, sheet 'Sheet1': row(s) {', '.join(map(str, skipped))} were skipped")
    assert "Total" not in warning and "Rivera" not in warning


def test_a_sparse_last_student_right_under_the_others_stays_a_student(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, *STUDENTS, [1004, "Lee"]])
    table = read_table(path)
    assert [r.values[0] for r in table.rows] == [1001, 1002, 1003, 1004]
    assert table.skipped_rows == [] and table.warnings == []


def test_a_gap_in_the_middle_is_not_a_footer(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, STUDENTS[0], [], STUDENTS[1], STUDENTS[2]])
    assert len(read_table(path).rows) == 3


def test_a_first_row_of_data_is_refused_without_printing_it(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", STUDENTS)
    with pytest.raises(SourceError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith(
        "c.xlsx, sheet 'Sheet1': the first row (row 1) looks like data, not column headers: "
        "cell(s) A1, D1, E1 hold a date, a number or long text."
    )
    assert "Ruiz" not in message and "2018" not in message and "1001" not in message


def test_narrow_sheets_keep_their_first_row_as_header():
    layout = locate([(1, ["Student ID"]), (2, ["A1"]), (3, ["A2"])], "x.csv", spreadsheet=False)
    assert (layout.header_row, len(layout.data)) == (1, 2)


@pytest.mark.parametrize(
    ("value", "data"),
    [
        ("Student ID", False),
        ("Goal 1", False),
        ("DOB (mm/dd/yyyy)", False),
        ("Minutes/Week", False),
        ("2018-03-04", True),
        ("3/4/2018", True),
        ("45", True),
        ("$12.50", True),
        ("1.234,5", True),
        ("x" * 120, True),
        (30, True),
        (dt.datetime(2018, 3, 4), True),
        (True, True),
        (None, False),
    ],
)
def test_what_looks_like_data(value, data: bool):
    assert looks_like_data(value) is data


# ------------------------------------------------------------------------------------------------
# Issue 24: blocks below the students and header rows repeated mid-sheet are no students
# ------------------------------------------------------------------------------------------------

BLOCKS = {
    "discharged after a blank row": [[], ["Discharged"], [2001, "Old", "Student", "2015-01-01"], [2002, "Gone", "Too"]],
    "discharged heading with a year": [[], ["DISCHARGED", "2025-26"], [2001, "Old", "Student", "2015-01-01"]],
    "exited and moved, no blank row": [["Exited / moved"], [2001, "Old", "Student", "2015-01-01"]],
    "wait list": [[], ["Wait list"], [3001, "New", "Referral", "2019-01-01"], [], ["Notes"], ["call parents"]],
    "inactive then totals": [[], ["Inactive students"], [2001, "Old", "Student", "2015-01-01"], [], ["Total", 4]],
    "no longer on caseload": [[], ["No longer on caseload:"], [2001, "Old", "Student", "2015-01-01"]],
}


@pytest.mark.parametrize("name", list(BLOCKS))
def test_a_block_below_the_students_is_left_out_with_a_warning_naming_its_rows(tmp_path: Path, name: str):
    block = BLOCKS[name]
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, *STUDENTS, *block])
    table = read_table(path)
    assert [r.values[0] for r in table.rows] == [1001, 1002, 1003]
    left_out = [5 + i for i, row in enumerate(block) if row]
    assert table.skipped_rows == left_out
    (warning,) = table.warnings
    assert warning.startswith(f"c.xlsx, sheet 'Sheet1': row(s) {', '.join(map(str, left_out))} were skipped")
    assert "Discharged" not in warning and "Old" not in warning


@pytest.mark.parametrize("where", ["middle", "after a blank row", "twice", "at the end", "partly"])
def test_header_rows_repeated_mid_sheet_are_left_out_and_the_students_after_them_kept(tmp_path: Path, where: str):
    repeat = [h.upper() if i % 2 else h for i, h in enumerate(HEADER)]  # as typed again, in another case
    rows = {
        "middle": [HEADER, STUDENTS[0], repeat, STUDENTS[1], STUDENTS[2]],
        "after a blank row": [HEADER, STUDENTS[0], [], HEADER, STUDENTS[1], STUDENTS[2]],
        "twice": [HEADER, STUDENTS[0], HEADER, STUDENTS[1], repeat, STUDENTS[2]],
        "at the end": [HEADER, *STUDENTS, HEADER],
        "partly": [HEADER, STUDENTS[0], HEADER[:3], STUDENTS[1], [None, *HEADER[1:4]], STUDENTS[2]],
    }[where]
    table = read_table(write_xlsx(tmp_path / "c.xlsx", rows))
    assert [r.values[0] for r in table.rows] == [1001, 1002, 1003]
    expected = [n for n, row in enumerate(rows, 1) if n > 1 and row and not isinstance(row[0], int)]
    assert table.skipped_rows == expected and len(table.warnings) == 1


def test_a_student_row_that_mentions_a_status_stays_a_student(tmp_path: Path):
    rows = [["Status", "Student ID", "First", "Last"], ["Active", 1, "Ana", "Ruiz"], ["Moved", 2, "Ben", "Cole"]]
    rows += [["Discharged", 3, "Cy"], ["Active", 4, "Di", "Fox"]]
    table = read_table(write_xlsx(tmp_path / "c.xlsx", rows))
    assert [r.values[1] for r in table.rows] == [1, 2, 3, 4] and table.skipped_rows == []


def test_blocks_and_repeated_headers_in_a_csv_name_its_lines(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("ID,First,Last\n1,Ana,Ruiz\nID,First,Last\n2,Ben,Cole\n\nDischarged\n3,Cy,Dee\n", encoding="utf-8")
    table = read_table(path)
    assert [r.values[0] for r in table.rows] == ["1", "2"] and table.skipped_rows == [3, 6, 7]
    assert table.warnings[0].startswith("c.csv: line(s) 3, 6, 7 were skipped")
