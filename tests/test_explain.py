"""``plangen explain``: one student's fields with the cell each comes from, and the columns no field reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.explain import explain
from tests.helpers import make_template, write_xlsx

MAPPING = """\
template: t.docx
source: c.xlsx
key: id
display_name: "{{ first }} {{ last }}"
fields:
  id: Student ID
  first: First
  last: Last
  born: {column: DOB, type: date}
  grade: {column: Grade, default: "not given"}
  goals: {columns: [Goal 1, Goal 2], type: list}
  full: {value: "{{ first }} {{ last }}"}
  blank: {value: ""}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Student ID", "First", "Last", "DOB", "Grade", "Goal 1", "Goal 2", "Notes"],
            [1, "Ana", "Ruiz", dt.date(2017, 1, 2), None, "Cut on a line", "Zip a coat", "likes trains"],
            [2, "Ben", "Ode", dt.date(2016, 5, 6), "3", "Type", None, None],
        ],
        sheet="Caseload",
    )
    make_template(tmp_path / "t.docx", ["{{ full }} {{ born }} {{ grade }}", "{% for g in goals %}{{ g }}{% endfor %}"])
    return tmp_path


def test_each_template_field_names_its_cell_and_the_unread_columns_are_listed(project: Path) -> None:
    lines = explain("Ruiz, Ana", project / "m.yaml").lines()
    assert lines == [
        "Ana Ruiz (key 1): where each field of the plan comes from.",
        "Template t.docx:",
        "  born = '01/02/2017'",
        "      c.xlsx, sheet 'Caseload', cell D2 (column 'DOB'): '2017-01-02'",
        "  grade = 'not given'",
        f"      blank in the sheet (column 'Grade'); the mapping's default 'not given' ({project / 'm.yaml'}, line 10)",
        "  goals = 2 item(s): 'Cut on a line' | 'Zip a coat'",
        "      c.xlsx, sheet 'Caseload', cell F2 (column 'Goal 1'): 'Cut on a line'",
        "      c.xlsx, sheet 'Caseload', cell G2 (column 'Goal 2'): 'Zip a coat'",
        "  full = 'Ana Ruiz'",
        f"      computed by the mapping ({project / 'm.yaml'}, line 12): '{{{{ first }}}} {{{{ last }}}}'",
        "Fields the template does not print:",
        "  id = '1'",
        "      c.xlsx, sheet 'Caseload', cell A2 (column 'Student ID'): '1'",
        "  first = 'Ana'",
        "      c.xlsx, sheet 'Caseload', cell B2 (column 'First'): 'Ana'",
        "  last = 'Ruiz'",
        "      c.xlsx, sheet 'Caseload', cell C2 (column 'Last'): 'Ruiz'",
        "  blank = (blank)",
        f"      left blank by the mapping ({project / 'm.yaml'}, line 13): a blank to fill in",
        "Columns no field reads:",
        "  c.xlsx, sheet 'Caseload', cell H2 (column 'Notes'): 'likes trains'",
    ]


def test_an_unknown_student_is_refused_with_a_suggestion(project: Path) -> None:
    with pytest.raises(ConfigError, match="no student with key or name 'Ana Ruis'"):
        explain("Ana Ruis", project / "m.yaml")
