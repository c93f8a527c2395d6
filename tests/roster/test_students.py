from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import MappingError, SourceError
from generator.mapping.load import load_mapping
from generator.roster.select import select
from generator.roster.students import build_roster
from generator.sources.tables import read_table
from tests.helpers import MAPPINGS, SAMPLES, TODAY, write_xlsx

MAPPING = """
key: id
display_name: "{{ first }} {{ last }}"
review_date: review
fields:
  id: {column: Student ID, required: true}
  first: {column: First, required: true}
  last: Last
  dob: {column: DOB, type: date, format: "%B %-d, %Y"}
  minutes: {column: Minutes, type: integer}
  ota: {column: OTA, type: yesno}
  plan: {column: Plan, map: {"504": Section 504 Plan}, default: IEP}
  review: {column: Review, type: date}
  accommodations: {column: Accommodations, type: list}
  full: {value: "{{ first }} {{ last }} ({{ plan }})"}
"""
HEADERS = ["Student ID", "First", "Last", "DOB", "Minutes", "OTA", "Plan", "Review", "Accommodations"]


def roster_for(tmp_path: Path, rows: list[list], mapping_text: str = MAPPING):
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(mapping_text, encoding="utf-8")
    mapping = load_mapping(mapping_path)
    table = read_table(write_xlsx(tmp_path / "c.xlsx", [HEADERS, *rows], sheet="Caseload"))
    return mapping, build_roster(mapping, table, TODAY)


def test_values_are_typed_mapped_defaulted_and_computed(tmp_path: Path):
    _, roster = roster_for(
        tmp_path,
        [
            [1001.0, "Zoë", "O'Brien", dt.datetime(2018, 3, 4), "30", "Y", 504, "12/1/2026", "Slant board; grip"],
            ["1002", "Ana", "Ruiz", None, None, None, None, None, None],
        ],
    )
    assert roster.failures == []
    zoe, ana = roster.students
    assert zoe.key == "1001"
    assert zoe.display_name == "Zoë O'Brien"
    assert str(zoe.values["dob"]) == "March 4, 2018"
    assert zoe.values["minutes"] == 30
    assert zoe.values["ota"] is True
    assert zoe.values["plan"] == "Section 504 Plan"
    assert zoe.values["review"] == dt.date(2026, 12, 1)
    assert zoe.values["accommodations"] == ["Slant board", "grip"]
    assert zoe.values["full"] == "Zoë O'Brien (Section 504 Plan)"
    assert zoe.values["school_year"] == "2026-2027"
    assert (ana.values["dob"], ana.values["minutes"], ana.values["ota"]) == (None, None, False)
    assert ana.values["plan"] == "IEP"
    assert ana.values["accommodations"] == []


def test_bad_cells_fail_only_that_student_with_every_location(tmp_path: Path):
    _, roster = roster_for(
        tmp_path,
        [
            [1, "Ok", "Fine", None, 30, "no", None, None, None],
            [2, "Bad", "Data", "31/31/2015", "thirty", "maybe", None, None, None],
            [None, "No", "Key", None, None, None, None, None, None],
            [3, None, "Nofirst", None, None, None, None, None, None],
        ],
    )
    assert [s.key for s in roster.students] == ["1"]
    messages = {f.display_name: f.message for f in roster.failures}
    assert messages["Bad Data"] == (
        "c.xlsx, sheet 'Caseload', cell D3 (column 'DOB'): dob is not a date (use e.g. 2026-10-03 or 10/3/2026).\n"
        "c.xlsx, sheet 'Caseload', cell E3 (column 'Minutes'): minutes is not a number.\n"
        "c.xlsx, sheet 'Caseload', cell F3 (column 'OTA'): ota is not yes/no "
        "(use Yes, No, Y, N, TRUE, FALSE, x or leave it blank)."
    )
    assert messages["row 4"] == (
        "c.xlsx, sheet 'Caseload', cell A4 (column 'Student ID'): the student key is "
        "blank. Fill it in, or delete the row if it is not a student."
    )
    assert messages["Nofirst"] == (
        "required field 'first' is empty (column 'First'). Fill it in the sheet, "
        "or give the field a default in the mapping."
    )
    assert "31/31/2015" not in messages["Bad Data"]  # cell values stay out of messages


def test_a_key_on_two_rows_of_a_caseload_fails_that_student_naming_the_rows(tmp_path: Path):
    rows = [
        [7, "Ana", "Ruiz", None, 30, None, None, None, "a"],
        [8, "Ben", "Ode", None, 30, None, None, None, ""],
        [7, "Ana", "Ruiz", None, 45, None, None, None, "b; a"],
    ]
    _, roster = roster_for(tmp_path, rows)
    assert [s.key for s in roster.students] == ["8"]
    assert [(f.key, f.message) for f in roster.failures] == [
        (
            "7",
            "c.xlsx, sheet 'Caseload': rows 2, 4 have the same 'Student ID'. Each student needs exactly one row: "
            "fix the key or delete the extra row. If these rows are one student with several services or goals, set "
            "'rows_per_student: many' in the mapping.",
        )
    ]


def test_rows_per_student_many_merges_rows_and_conflicts_follow_the_rule(tmp_path: Path):
    rows = [[7, "Ana", "Ruiz", None, 30, None, None, None, "a"], [7, "Ana", "Ruiz", None, 45, None, None, None, "b; a"]]
    many = MAPPING + "rows_per_student: many\n"
    _, roster = roster_for(tmp_path, rows, many)
    (ana,) = roster.students
    assert ana.values["minutes"] == 30
    assert ana.values["accommodations"] == ["a", "b"]
    assert ana.warnings == [
        "field 'minutes' differs between c.xlsx, sheet 'Caseload', cell E2 (column 'Minutes') and "
        "c.xlsx, sheet 'Caseload', cell E3 (column 'Minutes'); using c.xlsx, sheet 'Caseload', cell E2 "
        "(column 'Minutes') (conflicts: first)."
    ]
    _, roster = roster_for(tmp_path, rows, many + "conflicts: error\n")
    assert roster.students == []
    assert roster.failures[0].message.startswith("field 'minutes' differs between")
    assert roster.failures[0].message.endswith("Make the rows agree, or set 'conflicts: first' in the mapping.")


def test_missing_column_stops_the_run_naming_mapping_field_and_existing_columns(tmp_path: Path):
    mapping_text = MAPPING.replace("column: DOB,", "column: Date of Birth,")
    with pytest.raises(SourceError) as err:
        roster_for(tmp_path, [[1, "a", "b", None, None, None, None, None, None]], mapping_text)
    assert str(err.value) == (
        f"{tmp_path / 'm.yaml'}, line 9: field 'dob' reads column 'Date of Birth', which c.xlsx, sheet "
        "'Caseload' does not have.\n"
        "Columns in c.xlsx, sheet 'Caseload': 'Student ID', 'First', 'Last', 'DOB', 'Minutes', 'OTA', 'Plan', "
        "'Review', 'Accommodations'.\n"
        "Fix the column name in the mapping, or the header in the sheet."
    )


def test_sample_caseload_builds_every_student():
    mapping = load_mapping(MAPPINGS / "caseload.yaml")
    roster = build_roster(mapping, read_table(SAMPLES / "caseload.xlsx", "Caseload"), TODAY)
    assert roster.failures == []
    assert len(roster.students) == 27
    liam = roster.students[0]
    assert liam.values["teacher"] == "Ms. Patel"  # header "Teacher " with a trailing space
    assert liam.values["minutes_per_week"] == 30  # formula cell
    assert len(liam.values["goals"]) == 2
    assert liam.values["service_summary"] == "30 minutes, once weekly (30 minutes a week)"
    assert roster.students[7].key == "1008"  # stored as 1008.0
    chloe = next(s for s in roster.students if s.key == "1004")
    assert chloe.values["plan_type"] == "Section 504 Plan"
    assert chloe.values["service_summary"] == "Consultation, 15 min monthly"
    # Every student the sheet gives minutes or a consult has one service row; none is made up.
    for student in roster.students:
        listed = bool(student.values["session_minutes"] or student.values["consult"])
        assert len(student.values["services"]) == listed, student.key


def test_selection_by_key_and_due_date():
    mapping = load_mapping(MAPPINGS / "caseload.yaml")
    roster = build_roster(mapping, read_table(SAMPLES / "caseload.xlsx"), TODAY)
    chosen = select(roster, mapping, keys=["1002", "1001"], today=TODAY)
    assert [s.key for s in chosen.students] == ["1001", "1002"]
    due = select(roster, mapping, due_within=30, today=TODAY)
    # Reviews on or before 2026-12-22, the overdue one (1010, 2026-11-11) included.
    assert [s.key for s in due.students] == ["1001", "1005", "1010", "1021"]


def test_every_missing_column_is_named_at_once(tmp_path: Path):
    mapping_text = MAPPING.replace("column: DOB,", "column: Birth Date,").replace("Last\n", "Surname\n")
    with pytest.raises(SourceError) as err:
        roster_for(tmp_path, [[1, "a", "b", None, None, None, None, None, None]], mapping_text)
    lines = str(err.value).splitlines()
    assert (
        lines[0] == f"{tmp_path / 'm.yaml'}, line 8: field 'last' reads column 'Surname', which c.xlsx, sheet "
        "'Caseload' does not have."
    )
    assert (
        lines[1] == f"{tmp_path / 'm.yaml'}, line 9: field 'dob' reads column 'Birth Date', which c.xlsx, "
        "sheet 'Caseload' does not have."
    )
    assert lines[2].startswith("Columns in c.xlsx, sheet 'Caseload': 'Student ID', 'First', 'Last', 'DOB'")
    assert lines[3] == "Fix the column name in the mapping, or the header in the sheet."


def test_records_from_column_groups_of_one_row(tmp_path: Path):
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(
        "key: id\nfields:\n  id: ID\n  goals:\n    type: records\n    repeat: [1, 2, 3]\n    item:\n"
        "      number: {value: '{{ n }}', type: integer}\n      area: 'Goal {n} Area'\n      text: 'Goal {n}'\n"
        "    sort_by: [-number]\n",
        encoding="utf-8",
    )
    mapping = load_mapping(mapping_path)
    header = ["ID", "Goal 1 Area", "Goal 1", "Goal 2 Area", "Goal 2", "Goal 3 Area", "Goal 3"]
    table = read_table(
        write_xlsx(
            tmp_path / "c.xlsx",
            [
                header,
                [1, "Fine motor", "Cut on a line", None, None, "Sensory", "Stay seated"],
                [2, None, None, None, None, None, None],
            ],
        )
    )
    roster = build_roster(mapping, table, TODAY)
    first, second = roster.students
    assert first.values["goals"] == [
        {"number": 3, "area": "Sensory", "text": "Stay seated"},
        {"number": 1, "area": "Fine motor", "text": "Cut on a line"},
    ]
    assert second.values["goals"] == []


def test_repeat_needs_a_group_marker_in_item_columns(tmp_path: Path):
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(
        "key: id\nfields:\n  id: ID\n  goals:\n    type: records\n    repeat: [1, 2]\n    item:\n      text: Goal\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match=r"line 6: field 'goals': with 'repeat', item columns name the group"):
        load_mapping(mapping_path)
