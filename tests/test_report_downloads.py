"""Mapping features for downloads as IEP systems ship them, on a layout that is not SEIS's.

Current row by dates, alternatives in a filter (any:), a cell read into parts by named groups,
optional reports, and reports recognised by their header row: any system's mapping can use them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import ConfigError, MappingError, SourceError
from generator.locations import Locations
from generator.mapping.load import load_mapping
from generator.roster.students import build_roster
from generator.source_choice import choose_sources as choose_with
from generator.sources.assign import assign_tables
from generator.sources.tables import read_table
from tests.helpers import TODAY

MAPPING = """
sources:
  services:
    file: services.csv
    key: Student Number
    where: {column: Discipline, in: [OT, Occupational Therapy]}
    current: {start: Begins, end: Ends, per: [Discipline, Model]}
    identify: [Discipline, Model, Amount]
  goals:
    file: goals.csv
    key: Student Number
    identify: [Goal Owner, Goal Statement]
  notes:
    key: Student Number
    optional: true
    identify: [Note]
key: id
fields:
  id: Student Number
  services:
    type: records
    item:
      model: Model
      amount:
        column: Amount
        pattern: '(?P<count>\\d+)\\s*x\\s*(?P<minutes>\\d+)\\s*min(utes)?\\s*(per|/)\\s*(?P<unit>week|month)'
      minutes: {value: "{{ amount.minutes }}", type: integer}
      count: {value: "{{ amount.count }}", type: integer}
      per: {value: "{{ amount.unit }}"}
      begins: {column: Begins, type: date}
  goals:
    source: goals
    type: records
    where:
      any:
        - {column: Goal Owner, matches: '^OT$'}
        - {column: Goal Area, in: [Fine Motor, Handwriting]}
    item: {area: Goal Area, text: Goal Statement}
  note: {source: notes, column: Note}
"""
SERVICES = [
    "Student Number,Discipline,Model,Begins,Ends,Amount",
    "1,OT,Pull-out,2025-09-01,2026-06-10,2 x 30 min per week",  # last year's: ended
    "1,OT,Pull-out,2026-09-01,2027-06-10,1 x 45 minutes / week",  # this year's: current
    "1,OT,Consult,2027-01-05,2027-06-10,1 x 15 min per month",  # starts after today: the next one
    "1,Speech,Pull-out,2026-09-01,2027-06-10,2 x 30 min per week",  # filtered out
    "2,Occupational Therapy,Pull-out,2024-09-01,2025-06-10,1 x 30 min per week",
    "2,Occupational Therapy,Pull-out,2025-09-01,2026-06-10,1 x 60 min per week",  # both ended: the last
    "3,Speech,Pull-out,2026-09-01,31/31/2026,1 x 30 min per week",  # no plan: its date is never read
]
GOALS = [
    "Student Number,Goal Owner,Goal Area,Goal Statement",
    "1,OT,Sensory,Stays seated 10 minutes",
    "1,SLP,Handwriting,Writes name",  # kept by area
    "1,SLP,Articulation,Says /r/",  # neither: left out
    "2,Teacher,Reading,Reads 40 wpm",
]


def setup(tmp_path: Path, services: list[str] = SERVICES, mapping: str = MAPPING) -> Path:
    (tmp_path / "services.csv").write_text("\n".join(services) + "\n", encoding="utf-8")
    (tmp_path / "goals.csv").write_text("\n".join(GOALS) + "\n", encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text(mapping, encoding="utf-8")
    return path


def choose_sources(mapping, given):
    return choose_with(mapping, given, Locations().read_source)


def roster(path: Path, today: dt.date = TODAY):
    mapping = load_mapping(path)
    chosen = choose_sources(mapping, None)
    return chosen, build_roster(mapping, chosen.tables, today)


def test_current_rows_alternative_filters_parts_and_an_optional_report_left_blank(tmp_path: Path):
    chosen, result = roster(setup(tmp_path))
    assert result.warnings == ["source 'notes' (optional) was not given, so note is left blank."]
    assert sorted(chosen.tables) == ["goals", "services"]
    assert result.failures == []
    first, second = result.students
    assert [(s["model"], s["count"], s["minutes"], s["per"], s["begins"]) for s in first.values["services"]] == [
        ("Pull-out", 1, 45, "week", dt.date(2026, 9, 1)),
        ("Consult", 1, 15, "month", dt.date(2027, 1, 5)),
    ]
    assert first.values["services"][0]["amount"] == {"count": "1", "minutes": "45", "unit": "week"}
    assert [(s["minutes"], s["begins"]) for s in second.values["services"]] == [(60, dt.date(2025, 9, 1))]
    assert [g["area"] for g in first.values["goals"]] == ["Sensory", "Handwriting"]
    assert second.values["goals"] == []
    assert first.values["note"] == ""
    assert [s.key for s in result.students] == ["1", "2"]  # 3 has no OT service: its bad date never read


def test_the_current_row_follows_the_date(tmp_path: Path):
    path = setup(tmp_path)
    _, last_year = roster(path, dt.date(2026, 3, 1))  # last year's row in effect; the consult not started
    assert [(s["count"], s["minutes"]) for s in last_year.students[0].values["services"]] == [(2, 30), (1, 15)]
    _, before = roster(path, dt.date(2026, 7, 1))  # between the years: the next one to start
    assert [s["minutes"] for s in before.students[0].values["services"]] == [45, 15]
    _, later = roster(path, dt.date(2027, 3, 1))
    assert [s["minutes"] for s in later.students[0].values["services"]] == [45, 15]
    _, after = roster(path, dt.date(2027, 7, 1))  # everything ended: the last one of each
    assert [s["minutes"] for s in after.students[0].values["services"]] == [45, 15]


def test_a_cell_in_another_form_or_an_unreadable_date_fails_that_student_with_its_cell(tmp_path: Path):
    services = [*SERVICES]
    services[2] = "1,OT,Pull-out,2026-09-01,2027-06-10,45 min weekly"
    services[5] = "2,Occupational Therapy,Pull-out,2024-09-01,2025-02-30,1 x 30 min per week"
    path = setup(tmp_path, services)
    _, result = roster(path)
    assert result.students == []
    assert [(f.key, f.message) for f in result.failures] == [
        (
            "1",
            f"services.csv, row 3, column 'Amount': amount does not have the form the mapping's pattern expects "
            f"({path}, line 24). Fix the cell, or widen the pattern.",
        ),
        ("2", "services.csv, row 6, column 'Ends': Ends is not a date (use e.g. 2026-10-03 or 10/3/2026)."),
    ]


def test_an_optional_report_given_by_name_is_read(tmp_path: Path):
    path = setup(tmp_path)
    (tmp_path / "n.csv").write_text("Student Number,Note\n1,Uses a slant board\n", encoding="utf-8")
    mapping = load_mapping(path)
    chosen = choose_sources(
        mapping,
        [f"services={tmp_path / 'services.csv'}", f"goals={tmp_path / 'goals.csv'}", f"notes={tmp_path / 'n.csv'}"],
    )
    assert chosen.notes == []  # each named on the command line: nothing to announce
    result = build_roster(mapping, chosen.tables, TODAY)
    assert result.warnings == ["n.csv (source 'notes') has no rows for 1 of 2 students: 2."]  # not "not given"
    assert [s.values["note"] for s in result.students] == ["Uses a slant board", ""]


def test_files_are_recognised_by_headers_and_an_optional_report_may_be_missing(tmp_path: Path):
    path = setup(tmp_path)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (tmp_path / "services.csv").rename(downloads / "export 1.csv")
    (tmp_path / "goals.csv").rename(downloads / "export 2.csv")
    mapping = load_mapping(path)
    chosen = choose_sources(mapping, [downloads])
    assert sorted((name, t.path.name) for name, t in chosen.tables.items()) == [
        ("goals", "export 2.csv"),
        ("services", "export 1.csv"),
    ]
    assert chosen.notes == [
        "source 'services': export 1.csv (recognised by its header row)",
        "source 'goals': export 2.csv (recognised by its header row)",
    ]
    assert build_roster(mapping, chosen.tables, TODAY).warnings == [
        "source 'notes' (optional) was not given, so note is left blank."
    ]
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError) as err:
        choose_sources(load_mapping(path), [tmp_path / "empty"])
    assert str(err.value) == (
        f"{tmp_path / 'empty'}: has no .csv or .xlsx files. Download the reports into this "
        "folder, or point --source at the files."
    )


def test_a_file_with_the_headers_of_two_reports_is_refused(tmp_path: Path):
    (tmp_path / "both.csv").write_text("Discipline,Model,Amount,Goal Owner,Goal Statement\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        assign_tables(
            [read_table(tmp_path / "both.csv")],
            {"services": ["Discipline", "Model"], "goals": ["Goal Owner"], "notes": []},
        )
    assert str(err.value) == (
        "both.csv: has the headers of more than one report (services, goals); name it with --source "
        "services=PATH.\nHeaders that identify each report:\n  services: 'Discipline', 'Model'\n"
        "  goals: 'Goal Owner'"
    )


def test_without_identify_headers_files_must_be_named(tmp_path: Path):
    path = setup(
        tmp_path,
        mapping=MAPPING.replace("    identify: [Discipline, Model, Amount]\n", "")
        .replace("    identify: [Goal Owner, Goal Statement]\n", "")
        .replace("    identify: [Note]\n", ""),
    )
    with pytest.raises(ConfigError) as err:
        choose_sources(load_mapping(path), [tmp_path / "services.csv"])
    assert str(err.value) == (
        f"{path} reads several sources (services, goals, notes): say which file is which with --source NAME=PATH "
        "(e.g. --source services=FILE), or give each source 'identify:' headers so files and folders are "
        "recognised by their header row."
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    optional: true\n",
            "    optional: yes please\n",
            "line 15: source 'notes': 'optional' must be true or false.",
        ),
        (
            "  services:\n    file",
            "  services:\n    optional: true\n    file",
            "line 3: source 'services' decides who gets a plan (roster), so it cannot be optional.",
        ),
        (
            "current: {start: Begins, end: Ends, per: [Discipline, Model]}",
            "current: {per: [Model]}",
            "line 7: source 'services': 'current' needs 'start', 'end' or both",
        ),
        (
            "current: {start: Begins, end: Ends, per: [Discipline, Model]}",
            "current: {begin: Begins}",
            "line 7: unknown setting 'begin' in 'current' of source 'services'.",
        ),
        (
            "      count: {value",
            "      count2: {column: Amount, pattern: '(?P<n>\\d+)', type: integer}\n      count: {value",
            "line 28: field 'count2': a pattern with named groups makes a small record",
        ),
        (
            "        - {column: Goal Owner, matches: '^OT$'}\n",
            "        - {column: Goal Owner, any: [1]}\n",
            "line 36: field 'goals': 'any' takes a list of conditions",
        ),
    ],
)
def test_new_settings_are_validated_with_their_line(tmp_path: Path, old: str, new: str, message: str):
    assert old in MAPPING
    path = setup(tmp_path, mapping=MAPPING.replace(old, new))
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert f"{path}, {message}" in str(err.value)
