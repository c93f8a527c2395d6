"""Joining sources on the student key: rows grouped per student after each source's filter, and every
missing column reported at once with the columns each file does have."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.mapping.load import Mapping, load_mapping
from generator.roster.join import MissingColumns, group_sources, passes, roster_keys, unmatched_warnings
from generator.sources.tables import Table, read_table

MAPPING = """\
sources:
  caseload: {file: caseload.csv, key: Student ID, rows_per_student: one}
  services:
    file: services.csv
    key: SEIS ID
    where: {column: Service, code: 450}
  goals: {file: goals.csv, key: SEIS ID}
roster: [caseload, services]
key: id
fields:
  id: Student ID
  first: First Name
  minutes: {source: services, column: Minutes, type: integer}
  goals:
    source: goals
    item: {area: Area, text: Goal}
    where: {column: Status, not_in: [Met]}
"""
CASELOAD = "Student ID,First Name\n1001,Ana\n 1002 ,Kim\n,Nobody\n1001,Ana again\n"
SERVICES = (
    "SEIS ID,Service,Minutes\n1002,450 - Occupational therapy,30\n1001,415 - Speech,60\n"
    "1003,450 - Occupational therapy,45\n1002,450 - Occupational therapy,15\n"
)
GOALS = (
    "SEIS ID,Area,Goal,Status\n1001,Fine motor,Cut on a line,Active\n1001,Sensory,Stay seated,Met\n"
    "1009,Fine motor,Zip a coat,Active\n   ,Self care,Tie shoes,Active\n"
)


def project(tmp_path: Path, mapping: str = MAPPING, **files: str) -> tuple[Mapping, dict[str, Table]]:
    contents = {"caseload": CASELOAD, "services": SERVICES, "goals": GOALS, **files}
    for name, text in contents.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    loaded = load_mapping(tmp_path / "m.yaml")
    return loaded, {name: read_table(spec.location) for name, spec in loaded.sources.items()}  # type: ignore[arg-type]


def rows_of(groups: dict, key: str) -> list[int]:
    return [row.location.row for row in groups[key]]


def test_rows_are_grouped_by_key_in_file_order_after_the_filter(tmp_path: Path) -> None:
    mapping, tables = project(tmp_path)
    sources = group_sources(mapping, tables)
    services = sources["services"]
    assert list(services.groups) == ["1002", "1003"]  # 1001's only service is speech (415): filtered out
    assert rows_of(services.groups, "1002") == [2, 5]
    assert services.duplicates == {} and services.blank_keys == []
    assert services.key_column.name == "SEIS ID" and services.column("minutes").name == "Minutes"
    goals = sources["goals"]
    assert {key: rows_of(goals.groups, key) for key in goals.groups} == {"1001": [2, 3], "1009": [4]}
    assert [row.location.row for row in goals.blank_keys] == [5]  # a key of spaces is blank


def test_a_key_twice_in_a_one_row_source_is_a_duplicate_and_keys_are_trimmed(tmp_path: Path) -> None:
    mapping, tables = project(tmp_path)
    caseload = group_sources(mapping, tables)["caseload"]
    assert list(caseload.groups) == ["1001", "1002"]
    assert list(caseload.duplicates) == ["1001"] and rows_of(caseload.duplicates, "1001") == [2, 5]
    assert [row.location.row for row in caseload.blank_keys] == [4]


def test_the_roster_is_every_key_of_the_roster_sources_in_first_seen_order(tmp_path: Path) -> None:
    mapping, tables = project(tmp_path)
    sources = group_sources(mapping, tables)
    assert roster_keys(mapping, sources) == ["1001", "1002", "1003"]
    mapping.roster = ["services", "caseload"]
    assert roster_keys(mapping, sources) == ["1002", "1003", "1001"]


def test_rows_for_students_without_a_plan_and_blank_keys_are_warnings(tmp_path: Path) -> None:
    mapping, tables = project(tmp_path)
    sources = group_sources(mapping, tables)
    warnings = unmatched_warnings(mapping, sources, roster_keys(mapping, sources))
    assert warnings == [
        "goals.csv has rows for 1 student(s) who get no plan (not in caseload, services): 1009.",
        "goals.csv, row 5, column 'SEIS ID': the student key is blank; row ignored.",
    ]  # blank keys in a roster source are the roster's business, not a warning here


def test_a_long_list_of_unmatched_students_is_cut_at_ten(tmp_path: Path) -> None:
    goals = "SEIS ID,Area,Goal,Status\n" + "".join(f"{2000 + n},A,G,Active\n" for n in range(12))
    mapping, tables = project(tmp_path, goals=goals)
    sources = group_sources(mapping, tables)
    (warning,) = unmatched_warnings(mapping, sources, ["1001"])
    shown = ", ".join(str(2000 + n) for n in range(10))
    assert warning == f"goals.csv has rows for 12 student(s) who get no plan (not in caseload, services): {shown}, …."


def test_every_missing_column_of_every_source_is_named_with_the_columns_there(tmp_path: Path) -> None:
    mapping, tables = project(
        tmp_path, services="Student,Service Code,Minutes\n1,450,30\n", goals="SEIS ID,area,Goal Text\n1,A,G\n"
    )
    with pytest.raises(SourceError) as caught:
        group_sources(mapping, tables)
    path = tmp_path / "m.yaml"
    assert str(caught.value).splitlines() == [
        f"{path}, line 3: source 'services' key reads column 'SEIS ID', which services.csv does not have.",
        f"{path}, line 3: source 'services' filter reads column 'Service', which services.csv does not have.",
        f"{path}, line 14: field 'goals' reads column 'Goal', which goals.csv does not have.",
        f"{path}, line 14: field 'goals' reads column 'Status', which goals.csv does not have.",
        "Columns in services.csv: 'Student', 'Service Code', 'Minutes'.",
        "Columns in goals.csv: 'SEIS ID', 'area', 'Goal Text'.",
        "Fix the column name in the mapping, or the header in the sheet.",
    ]  # 'Area' matches 'area': headers compare without case or extra spaces


def test_with_one_source_a_missing_key_names_the_key_field_once(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Student Id ,First\n1,Ana\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("source: c.csv\nkey: id\nfields:\n  id: StudentID\n  first: First\n")
    mapping = load_mapping(tmp_path / "m.yaml")
    with pytest.raises(SourceError) as caught:
        group_sources(mapping, {"main": read_table(tmp_path / "c.csv")})
    assert str(caught.value).splitlines()[:2] == [
        f"{tmp_path / 'm.yaml'}, line 4: field 'id' reads column 'StudentID', which c.csv does not have. Did you "
        "mean 'Student Id'?",
        "Columns in c.csv: 'Student Id', 'First'.",
    ]


def test_missing_columns_collects_until_asked_to_raise(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Student ID,First\n1,Ana\n", encoding="utf-8")
    table = read_table(tmp_path / "c.csv")
    missing = MissingColumns()
    found = missing.require(table, " student  id", "field 'id'")
    assert found is not None and (found.name, found.index) == ("Student ID", 0)
    missing.raise_if_any()  # nothing missing yet: no error
    assert missing.require(table, "Last", "field 'last'") is None
    assert missing.require(table, "DOB", "field 'dob'") is None
    with pytest.raises(SourceError) as caught:
        missing.raise_if_any()
    assert str(caught.value) == (
        "field 'last' reads column 'Last', which c.csv does not have.\n"
        "field 'dob' reads column 'DOB', which c.csv does not have.\n"
        "Columns in c.csv: 'Student ID', 'First'.\n"
        "Fix the column name in the mapping, or the header in the sheet."
    )


def test_passes_needs_every_condition(tmp_path: Path) -> None:
    mapping, tables = project(tmp_path)
    sources = group_sources(mapping, tables)
    goals = sources["goals"]
    conditions = mapping.fields["goals"].where
    assert [passes(conditions, goals, row) for row in goals.table.rows] == [True, False, True, True]
    assert passes([], goals, goals.table.rows[1])
