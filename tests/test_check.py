"""``check`` as a library call: every problem found, grouped by what to fix, and never an exception.

tests/test_cli.py checks how ``plangen check`` prints; these check what it finds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.check import ERROR, GROUPS, WARNING, CheckResult, Problem, check
from generator.pipeline import RunOptions
from tests.helpers import make_template, write_xlsx

MAPPING = """\
template: t.docx
source: c.xlsx
sheet: Caseload
key: id
display_name: "{{ first }} {{ last }}"
output: {folder: "{{ last }}, {{ first }}", filename: "Plan - {{ first }}"}
fields:
  id: {column: Student ID, required: true}
  first: First
  last: Last
  review: {column: Review, type: date}
"""
HEADER = ["Student ID", "First", "Last", "Review"]
ROWS = [
    [1001, "Ana", "Ruiz", dt.date(2027, 1, 5)],
    [1002, "Ben", "Ode", "soon"],
    [1003, "Ana", "Ruiz", None],
    [1004, "Kim", "Lee", "2027-02-01"],
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *ROWS], sheet="Caseload")
    make_template(tmp_path / "t.docx", ["Plan for {{ first }} {{ last }}, review {{ review }}"])
    return tmp_path


def problems(result: CheckResult) -> list[tuple[str, str, str]]:
    return [(p.group, p.level, p.message) for p in result.problems]


def test_a_good_project_with_data_problems_lists_them_by_group(project: Path) -> None:
    result = check(RunOptions(mapping=project / "m.yaml"))
    assert problems(result) == [
        (
            "data",
            ERROR,
            "Ben Ode: c.xlsx, sheet 'Caseload', cell D3 (column 'Review'): review is not a date (use "
            "e.g. 2026-10-03 or 10/3/2026).",
        ),
        (
            "output",
            WARNING,
            "these students' plans would have the same name, so each folder gets the student key: "
            "Ana Ruiz -> Ruiz, Ana (1001)/Plan - Ana.docx; Ana Ruiz -> Ruiz, Ana (1003)/Plan - "
            "Ana.docx.",
        ),
    ]
    assert (result.errors, result.warnings) == (1, 1)
    assert result.in_group("template") == result.in_group("mapping") == []
    assert result.in_group("output") == [result.problems[1]]
    assert result.summary == (
        "Checked c.xlsx, sheet 'Caseload': 3 student(s) ready, 1 with errors; 4 mapped "
        "fields; template t.docx uses 3 field(s), 0 with item fields."
    )


def test_a_clean_project_has_no_problems_and_counts_loops(project: Path) -> None:
    write_xlsx(project / "c.xlsx", [HEADER, ROWS[0], ROWS[3]], sheet="Caseload")
    make_template(project / "t.docx", ["{{ first }}", "{% for g in goals %}{{ g.text }}{% endfor %}"])
    (project / "m.yaml").write_text(MAPPING + "  goals: {item: {text: First}}\n", encoding="utf-8")
    result = check(RunOptions(mapping=project / "m.yaml"))
    assert result.problems == [] and (result.errors, result.warnings) == (0, 0)
    assert result.summary.endswith(
        "2 student(s) ready, 0 with errors; 5 mapped fields; template t.docx uses 2 field(s), 1 with item fields."
    )


def test_a_broken_template_and_a_broken_mapping_are_both_reported(project: Path) -> None:
    (project / "m.yaml").write_text("key: id\nfields: [oops]\n", encoding="utf-8")
    make_template(project / "t.docx", ["Plan", "{{ first }"])
    result = check(RunOptions(mapping=project / "m.yaml", template=project / "t.docx"))
    assert [(p.group, p.level) for p in result.problems] == [("mapping", ERROR), ("template", ERROR)]
    assert result.problems[0].message.startswith(f"{project / 'm.yaml'}, line 2: 'fields' must be a mapping")
    assert result.problems[1].message.startswith(
        f'{project / "t.docx"}: document body, paragraph 2 ("{{{{ first }}"): template syntax error'
    )
    assert result.summary == "Fix the errors above, then run check again to check the data."


def test_without_a_template_the_mapping_is_told_to_name_one(project: Path) -> None:
    (project / "m.yaml").write_text(MAPPING.replace("template: t.docx\n", ""), encoding="utf-8")
    result = check(RunOptions(mapping=project / "m.yaml"))
    assert problems(result) == [
        ("mapping", ERROR, f"no template given: pass --template, or set 'template:' in {project / 'm.yaml'}.")
    ]
    assert result.not_checked == {"data": "mapping errors", "output": "mapping errors"}


def test_template_fields_the_mapping_lacks_are_a_template_problem(project: Path) -> None:
    make_template(project / "t.docx", ["{{ frist }} {{ last }}"])
    result = check(RunOptions(mapping=project / "m.yaml"))
    assert problems(result) == [
        (
            "template",
            ERROR,
            (
                f"{project / 't.docx'}: uses field(s) that {project / 'm.yaml'} does not provide:\n"
                "  frist Did you mean 'first'?\n"
                "Add them under 'fields:' in m.yaml, or fix the spelling in the template."
            ),
        )
    ]
    assert result.summary == "Fix the errors above, then run check again to check the data."
    assert result.not_checked == {"data": "template errors", "output": "template errors"}


def test_a_missing_column_or_source_file_is_a_data_problem(project: Path) -> None:
    write_xlsx(project / "c.xlsx", [["Student ID", "First", "Surname", "Review"], ROWS[0]], sheet="Caseload")
    result = check(RunOptions(mapping=project / "m.yaml"))
    assert [(p.group, p.level) for p in result.problems] == [("data", ERROR)]
    assert result.problems[0].message.startswith(
        f"{project / 'm.yaml'}, line 10: field 'last' reads column 'Last', "
        "which c.xlsx, sheet 'Caseload' does not have."
    )
    result = check(RunOptions(mapping=project / "m.yaml", source=project / "gone.xlsx"))
    assert problems(result) == [
        ("data", ERROR, f"{project / 'gone.xlsx'}: file not found. Check the --source path or the mapping's source.")
    ]
    assert result.summary == ""


def test_an_unknown_student_key_is_reported_not_raised(project: Path) -> None:
    result = check(RunOptions(mapping=project / "m.yaml", keys=("1O01",)))
    assert [(p.level, p.message) for p in result.problems] == [
        (
            ERROR,
            (
                "no student with key or name '1O01' in the source. Did you mean '1001'? "
                "Use the key column's value or the name plangen prints (either name order)."
            ),
        )
    ]
    assert result.summary == ""


def test_unmatched_report_rows_are_data_warnings(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        """\
template: t.docx
sources:
  caseload: {file: c.csv, key: ID, rows_per_student: one}
  goals: {file: g.csv, key: ID}
key: id
fields:
  id: ID
  goals: {source: goals, item: {text: Goal}}
""",
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text("ID\n1\n2\n", encoding="utf-8")
    (tmp_path / "g.csv").write_text("ID,Goal\n1,Zip\n7,Tie\n", encoding="utf-8")
    make_template(tmp_path / "t.docx", ["{{ id }}"])
    result = check(RunOptions(mapping=tmp_path / "m.yaml"))
    assert problems(result) == [
        ("data", WARNING, "g.csv has rows for 1 student(s) who get no plan (not in caseload): 7."),
        ("data", WARNING, "g.csv (source 'goals') has no rows for 1 of 2 students: 2."),
    ]
    assert (result.errors, result.warnings) == (0, 2)


def test_problems_are_plain_records_in_the_known_groups() -> None:
    result = CheckResult()
    result.add("template", WARNING, "w")
    result.add("data", ERROR, "e")
    assert result.problems == [Problem("template", WARNING, "w"), Problem("data", ERROR, "e")]
    assert {p.group for p in result.problems} <= set(GROUPS) and GROUPS == ("template", "mapping", "data", "output")


def test_an_old_setting_name_still_works_and_check_says_to_rename_it(project: Path) -> None:
    mapping = project / "m.yaml"
    mapping.write_text(MAPPING.replace("fields:\n", "drive_folder: link\nfields:\n") + "  link: Folder\n")
    result = check(RunOptions(mapping=mapping))
    assert (
        "mapping",
        WARNING,
        f"{mapping}, line 7: 'drive_folder:' is the old name of 'destination_folder:'; it still works, but rename it.",
    ) in problems(result)
    assert result.in_group("template") == [] and "error" not in {p.level for p in result.in_group("mapping")}


BLANK_GOALS = """\
template: t.docx
source: c.xlsx
key: id
display_name: "{{ first }}"
fields:
  id: Student ID
  first: First
  goals: {value: ""}
  notes: {value: ""}
"""
SERVICES = """\
  services:
    type: records
    item:
      name: {value: "OT"}
"""


def test_a_template_field_blank_for_everyone_names_the_unread_columns_once(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(BLANK_GOALS, encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Student ID", "First", "Goal 1", "Goal 2", "Goal 3", "Bus"],
            [1, "Ana", "a", "b", None, "x"],
            [2, "Ben", "c", None, None, None],
        ],
    )
    make_template(tmp_path / "t.docx", ["{{ first }} {{ notes }}", "{% for g in goals %}{{ g }}{% endfor %}"])
    result = check(RunOptions(mapping=tmp_path / "m.yaml"))
    assert [(p.group, p.level, p.message) for p in result.problems if p.level == WARNING] == [
        (
            "mapping",
            WARNING,
            "template field 'goals' is empty for all 2 students; columns Goal 1, Goal 2 are not read. Map them in "
            "m.yaml (or run plangen init again), e.g. goals: {columns: [Goal 1, Goal 2], type: list}.",
        ),
    ]


def test_kinds_of_a_list_blank_while_its_column_feeds_no_field_of_the_template_are_told_in_one_warning(
    tmp_path: Path,
) -> None:
    """A 504 plan asks for classroom_/testing_accommodations; the draft read the Accoms column as
    'accommodations', which the template does not use: the column is read, yet reaches no plan."""
    mapping = BLANK_GOALS.replace('  goals: {value: ""}\n', "")
    mapping += "  accommodations: {column: Accoms, type: list}\n  grade: Gr\n"
    mapping += '  classroom_accommodations: {value: ""}\n  testing_accommodations: {value: ""}\n'
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    rows = [["Student ID", "First", "Accoms", "Gr"], [1, "Ana", "a; b", "3"], [2, "Ben", "c", "4"]]
    write_xlsx(tmp_path / "c.xlsx", rows)
    loops = [
        "{% for a in classroom_accommodations %}{{ a }}{% endfor %}",
        "{% for a in testing_accommodations %}{{ a }}{% endfor %}",
    ]
    make_template(tmp_path / "t.docx", ["{{ first }} {{ notes }}", *loops])
    result = check(RunOptions(mapping=tmp_path / "m.yaml"))
    assert [p.message for p in result.problems if p.level == WARNING] == [
        "template fields 'classroom_accommodations', 'testing_accommodations' are empty for all 2 students; "
        "column Accoms is read by no field the template uses. Map them in m.yaml (or run plangen init again), "
        "e.g. classroom_accommodations: Accoms."
    ]


def test_an_item_field_the_template_reads_and_the_records_lack_is_told_at_the_mapping_line(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(BLANK_GOALS + SERVICES, encoding="utf-8")
    write_xlsx(tmp_path / "c.xlsx", [["Student ID", "First"], [1, "Ana"]])
    make_template(
        tmp_path / "t.docx",
        ["{{ first }} {{ goals }} {{ notes }}", "{% for s in services %}{{ s.name }} {{ s.location }}{% endfor %}"],
    )
    result = check(RunOptions(mapping=tmp_path / "m.yaml"))
    assert [(p.group, p.message) for p in result.problems if p.level == ERROR] == [
        (
            "mapping",
            f"{tmp_path / 'm.yaml'}, line 10: field 'services' has no item field 'location', which the template "
            "reads for each item (services[].location). Add 'location: COLUMN' under its 'item:' (or "
            "'location: {value: \"\"}' for a blank to fill in).",
        )
    ]
