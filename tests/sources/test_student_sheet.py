"""The sheet that holds the students: the active one, else the one with most student rows; never instructions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from generator.sources.student_sheet import choose_student_sheet, student_rows
from generator.sources.tables import read_table
from tests.helpers import write_workbook, write_xlsx

INSTRUCTIONS = [["How to use this workbook"], ["One row per student on the Caseload tab."], ["Dates as MM/DD/YYYY."]]
STUDENTS = [
    ["Student Name", "DOB"],
    ["Mia Alvarez", dt.date(2017, 3, 4)],
    ["Bao Nguyen", dt.date(2016, 5, 30)],
    ["Ada Okafor", dt.date(2017, 11, 20)],
]
DISCHARGED = [["Student Name", "DOB"], ["Old Kid", dt.date(2015, 1, 1)]]


def test_the_sheet_with_most_students_is_chosen_over_instructions_first(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "c.xlsx", {"Instructions": INSTRUCTIONS, "Discharged": DISCHARGED, "Caseload": STUDENTS}
    )
    choice = choose_student_sheet(path)
    assert choice is not None and choice.title == "Caseload"
    assert choice.lines() == [
        "Reading sheet 'Caseload': the sheet with the most student rows (3).",
        "Other sheets: 'Instructions' (instructions, notes or lists, not students); 'Discharged' (1 student row(s), "
        "named as past students). Choose one with --sheet NAME.",
    ]


def test_the_active_sheet_is_chosen_when_it_lists_students(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", {"Notes": INSTRUCTIONS, "Current": DISCHARGED, "All": STUDENTS})
    workbook = openpyxl.load_workbook(path)
    workbook.active = 1
    workbook.save(path)
    choice = choose_student_sheet(path)
    assert choice is not None and choice.title == "Current"
    assert choice.reason == "the sheet open when the workbook was saved, 1 student row(s)"


def test_an_active_instructions_sheet_is_never_chosen(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", {"Read Me": STUDENTS, "Caseload": STUDENTS})
    choice = choose_student_sheet(path)  # openpyxl saves the first sheet as the active one
    assert choice is not None and choice.title == "Caseload"


def test_one_sheet_and_csv_files_need_no_choice(tmp_path: Path) -> None:
    assert choose_student_sheet(write_xlsx(tmp_path / "c.xlsx", STUDENTS)) is None
    (tmp_path / "c.csv").write_text("Student Name\nMia\n", encoding="utf-8")
    assert choose_student_sheet(tmp_path / "c.csv") is None


def test_student_rows_count_rows_that_fill_a_name_or_id_column(tmp_path: Path) -> None:
    table = read_table(write_xlsx(tmp_path / "c.xlsx", [["Name", "Notes"], ["Mia", "x"], [None, "y"]]))
    assert student_rows(table) == 1
    table = read_table(write_xlsx(tmp_path / "d.xlsx", [["Step", "What"], ["1", "x"]]))
    assert student_rows(table) == 0
