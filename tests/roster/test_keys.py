"""One child, one plan: keys compared as a person reads them, namesakes never merged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import MappingError
from generator.mapping.load import load_mapping
from generator.roster.keys import clean_key, key_identity
from generator.roster.students import build_roster
from generator.sources.tables import read_table
from tests.helpers import TODAY, make_template, write_xlsx

HEADERS = ["Student ID", "Name", "DOB", "Grade", "Service", "Goal"]
MAPPING = """key: {key}
rows_per_student: {rows}
display_name: "{{{{ name }}}}"
{extra}
fields:
  id: Student ID
  name: Name
  dob: {{column: DOB, type: date}}
  grade: Grade
  service: Service
  goals: {{column: Goal, type: list}}
"""


def roster(tmp_path: Path, rows: list[list], key: str = "id", per_student: str = "one", extra: str = ""):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.format(key=key, rows=per_student, extra=extra), encoding="utf-8")
    mapping = load_mapping(path)
    table = read_table(write_xlsx(tmp_path / "c.xlsx", [HEADERS, *rows], sheet="Caseload"))
    return build_roster(mapping, table, TODAY)


@pytest.mark.parametrize(
    ("typed", "same"),
    [
        ("00123", "123"),
        ("AB1001", "ab1001"),
        ("1001\u200b", "1001"),
        ("\uff11\uff10\uff10\uff11", "1001"),
        (" 1001 ", "1001"),
        ("AB\u00a01001", "AB 1001"),
        ("1002.0", "1002"),
        ("1,002", "1002"),
        ("12 345", "12345"),
    ],
)
def test_forms_of_one_key_are_the_same_student(typed: str, same: str):
    assert key_identity(clean_key(typed)) == key_identity(clean_key(same))


def test_different_keys_stay_different():
    assert key_identity(clean_key("1001")) != key_identity(clean_key("10010"))
    assert key_identity(clean_key("AB1001"), ignore_case=False) != key_identity(clean_key("ab1001"), ignore_case=False)


@pytest.mark.parametrize(
    ("first", "second"),
    [("00123", "123"), ("AB1001", "ab1001"), ("1001\u200b", "1001"), ("\uff11\uff10\uff10\uff11", "1001")],
)
def test_one_child_on_two_caseload_rows_under_two_forms_of_the_key_fails_naming_both_rows(tmp_path, first, second):
    result = roster(
        tmp_path,
        [
            [first, "Ana Ruiz", dt.datetime(2018, 3, 4), "2", "OT", "g1"],
            [second, "Ana Ruiz", dt.datetime(2018, 3, 4), "2", "OT", "g2"],
        ],
    )
    assert result.students == []
    (failure,) = result.failures
    assert "c.xlsx, sheet 'Caseload': rows 2, 3 have " in failure.message  # both rows named, one failure
    assert "'rows_per_student: many'" in failure.message


def test_forms_of_one_key_across_rows_of_a_report_join_into_one_student_with_a_warning(tmp_path):
    result = roster(
        tmp_path,
        [
            ["00123", "Ana Ruiz", dt.datetime(2018, 3, 4), "2", "OT", "g1"],
            ["123", "Ana Ruiz", dt.datetime(2018, 3, 4), "2", "OT", "g2"],
        ],
        per_student="many",
    )
    (student,) = result.students
    assert student.key == "00123"  # the form first seen is the one shown and used in names
    assert student.values["goals"] == ["g1", "g2"]
    assert any(
        "written 2 ways: '00123'" in w and "'123'" in w and "cell A2" in w and "cell A3" in w for w in result.warnings
    )


def test_key_case_exact_keeps_letter_cases_apart(tmp_path):
    result = roster(
        tmp_path,
        [["AB1001", "Ana Ruiz", None, "2", "OT", "g1"], ["ab1001", "Bo Lee", None, "3", "OT", "g2"]],
        extra="key_case: exact",
    )
    assert [s.key for s in result.students] == ["AB1001", "ab1001"]


def test_namesakes_under_a_name_key_are_never_merged(tmp_path):
    result = roster(
        tmp_path,
        [
            ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "4", "OT", "fine motor"],
            ["", "Chen, Lucas", dt.datetime(2019, 9, 9), "1", "OT", "handwriting"],
        ],
        key="name",
        per_student="many",
    )
    assert result.students == []
    (failure,) = result.failures
    assert failure.message.startswith(
        "c.xlsx, sheet 'Caseload', cell C2 (column 'DOB') and c.xlsx, sheet "
        "'Caseload', cell C3 (column 'DOB') share the student key 'Chen, Lucas' but "
        "have a different 'dob': these look like two different children"
    )
    assert "key: [..., dob]" in failure.message
    assert "2016" not in failure.message and "2019" not in failure.message  # locations, never values


def test_identity_setting_names_the_fields_that_must_agree(tmp_path):
    rows = [
        ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "4", "OT", "a"],
        ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "5", "OT", "b"],
    ]
    result = roster(tmp_path, rows, key="name", per_student="many", extra="identity: [dob, grade]")
    assert "have a different 'grade'" in result.failures[0].message
    ok = roster(tmp_path, rows, key="name", per_student="many", extra="identity: [dob]")
    assert [s.values["goals"] for s in ok.students] == [["a", "b"]]


def test_same_birth_date_typed_as_text_and_as_date_is_the_same_child(tmp_path):
    result = roster(
        tmp_path,
        [
            ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "4", "OT", "a"],
            ["", "Chen, Lucas", "05/01/2016", "4", "OT", "b"],
        ],
        key="name",
        per_student="many",
    )
    assert result.failures == [] and len(result.students) == 1


def test_a_composite_key_tells_namesakes_apart(tmp_path):
    result = roster(
        tmp_path,
        [
            ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "4", "OT", "fine motor"],
            ["", "Chen, Lucas", dt.datetime(2019, 9, 9), "1", "OT", "handwriting"],
            ["", "chen, lucas", "05/01/2016", "4", "Consult", "scissors"],
        ],
        key="[name, dob]",
        per_student="many",
    )
    assert result.failures == []
    assert [(s.key, s.values["goals"]) for s in result.students] == [
        ("Chen, Lucas · 2016-05-01", ["fine motor", "scissors"]),
        ("Chen, Lucas · 2019-09-09", ["handwriting"]),
    ]


def test_per_field_conflicts_let_a_service_differ_but_not_a_birth_date(tmp_path):
    extra = "conflicts: error\n"
    path = tmp_path / "m.yaml"
    path.write_text(
        MAPPING.format(key="id", rows="many", extra=extra).replace(
            "  service: Service", "  service: {column: Service, conflicts: last}"
        ),
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    table = read_table(
        write_xlsx(
            tmp_path / "c.xlsx",
            [
                HEADERS,
                [7, "Ana", dt.datetime(2018, 1, 1), "2", "OT", "a"],
                [7, "Ana", dt.datetime(2018, 1, 1), "2", "PT", "b"],
            ],
        )
    )
    (student,) = build_roster(mapping, table, TODAY).students
    assert student.values["service"] == "PT"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("key_case: sometimes", "key_case must be 'ignore'"),
        ("identity: [shoe_size]", "identity names 'shoe_size', which is not one of the fields"),
    ],
)
def test_bad_identity_settings_are_located(tmp_path, extra, words):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.format(key="id", rows="one", extra=extra), encoding="utf-8")
    with pytest.raises(MappingError, match=words) as info:
        load_mapping(path)
    assert "m.yaml, line 4" in str(info.value)


def test_cli_student_option_finds_a_key_typed_another_way(tmp_path):
    (tmp_path / "m.yaml").write_text(
        MAPPING.format(key="id", rows="one", extra="output: {folder: '{{ id }}', filename: Plan}"), encoding="utf-8"
    )
    write_xlsx(
        tmp_path / "c.xlsx",
        [HEADERS, ["123", "Ana Ruiz", None, "2", "OT", "g"], ["124", "Bo Lee", None, "2", "OT", "g"]],
    )
    make_template(tmp_path / "t.docx", ["{{ name }}"])
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "-m",
            str(tmp_path / "m.yaml"),
            "-s",
            str(tmp_path / "c.xlsx"),
            "-t",
            str(tmp_path / "t.docx"),
            "-o",
            str(tmp_path / "out"),
            "--student",
            "00123",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [p.parent.name for p in (tmp_path / "out").glob("*/*.docx")] == ["123"]


def test_cli_refuses_to_merge_namesakes_and_writes_nothing(tmp_path):
    (tmp_path / "m.yaml").write_text(MAPPING.format(key="name", rows="many", extra=""), encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            HEADERS,
            ["", "Chen, Lucas", dt.datetime(2016, 5, 1), "4", "OT", "a"],
            ["", "Chen, Lucas", dt.datetime(2019, 9, 9), "1", "OT", "b"],
        ],
    )
    make_template(tmp_path / "t.docx", ["{{ name }} {{ goals|join(', ') }}"])
    args = ["-m", str(tmp_path / "m.yaml"), "-s", str(tmp_path / "c.xlsx"), "-t", str(tmp_path / "t.docx")]
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "share the student key 'Chen, Lucas' but have a different 'dob'" in result.output
    assert not list((tmp_path / "out").glob("**/*.docx"))
    check = CliRunner().invoke(cli, ["check", *args])
    assert check.exit_code == 2 and "have a different 'dob'" in check.output
