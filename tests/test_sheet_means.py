"""What the sheet shows is what the plan says, part 2 (issue 24, data side): each family of awkward input
built in code and run through ``plangen generate``, the plans read back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import ROOT, docx_text, make_template, write_xlsx


def generate(
    tmp_path: Path, write_source: Callable[[Path], Path], mapping: str, template: list[str], *extra: str
) -> tuple[int, str, dict[str, str]]:
    """Exit code, terminal output, and each plan's text by its folder name."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = write_source(tmp_path)
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    make_template(tmp_path / "t.docx", template)
    out = tmp_path / "plans"
    args = ["-m", str(tmp_path / "m.yaml"), "-s", str(source), "-t", str(tmp_path / "t.docx"), *extra]
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(out)])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    plans = {p.parent.name: docx_text(p) for p in out.glob("*/*.docx")}
    return result.exit_code, result.output, plans


# ------------------------------------------------------------------------------------------------
# Checkbox columns: false in {% if %} when unchecked, whatever the field's type; printed as shown
# ------------------------------------------------------------------------------------------------

CHECKBOX_MAPPING = """key: id
fields:
  id: ID
  name: Name
  ota: OTA
output: {folder: "{{ name }}", filename: Plan}
"""
CHECKBOXES = {
    "Excel TRUE/FALSE cells": (True, False),
    "TRUE/FALSE typed": ("TRUE", "FALSE"),
    "lower case": ("true", "false"),
    "checked/unchecked": ("Checked", "Unchecked"),
    "ballot boxes": ("☑", "☐"),
    "ballot box with x": ("☒", "☐"),
    "yes/no": ("Yes", "No"),
    "y/n": ("Y", "N"),
    "x or blank": ("x", None),
}


@pytest.mark.parametrize("name", list(CHECKBOXES))
def test_a_checkbox_column_read_as_text_is_false_when_unchecked(name: str, tmp_path: Path) -> None:
    checked, unchecked = CHECKBOXES[name]
    rows = [["ID", "Name", "OTA"], [1, "Ana", checked], [2, "Ben", unchecked], [3, "Cy", checked]]
    code, output, plans = generate(
        tmp_path,
        lambda tmp: write_xlsx(tmp / "c.xlsx", rows),
        CHECKBOX_MAPPING,
        ["{% if ota %}OTA co-treats{% else %}No OTA{% endif %}.", "Shown: [{{ ota }}]"],
    )
    assert code == 0, output
    assert "OTA co-treats." in plans["Ana"] and "No OTA." in plans["Ben"], plans
    shown = ("TRUE", "FALSE") if isinstance(checked, bool) else (checked, unchecked or "")
    assert f"Shown: [{shown[0]}]" in plans["Ana"] and f"Shown: [{shown[1]}]" in plans["Ben"]


def test_a_column_that_merely_contains_no_is_text_as_before(tmp_path: Path) -> None:
    rows = [["ID", "Name", "OTA"], [1, "Ana", "No"], [2, "Ben", "Ms. Lee"]]
    code, output, plans = generate(
        tmp_path,
        lambda tmp: write_xlsx(tmp / "c.xlsx", rows),
        CHECKBOX_MAPPING,
        ["{% if ota %}OTA: {{ ota }}{% endif %}"],
    )
    assert code == 0, output
    assert "OTA: No" in plans["Ana"] and "OTA: Ms. Lee" in plans["Ben"]


def test_a_checkbox_column_in_records_and_as_yesno(tmp_path: Path) -> None:
    rows = [["ID", "Name", "OTA", "Goal", "Met"], [1, "Ana", False, "Write", "FALSE"], [1, "Ana", False, "Cut", True]]
    mapping = """key: id
rows_per_student: many
fields:
  id: ID
  name: Name
  ota: {column: OTA, type: yesno}
  goals: {type: records, item: {text: Goal, met: Met}}
output: {folder: "{{ name }}", filename: Plan}
"""
    template = [
        "OTA {% if ota %}yes{% else %}none{% endif %}",
        "{% for g in goals %}{{ g.text }}: {% if g.met %}met{% else %}open{% endif %} ({{ g.met }}); {% endfor %}",
    ]
    code, output, plans = generate(tmp_path, lambda tmp: write_xlsx(tmp / "c.xlsx", rows), mapping, template)
    assert code == 0, output
    assert "OTA none" in plans["Ana"]
    assert "Write: open (FALSE); Cut: met (TRUE);" in plans["Ana"]


# ------------------------------------------------------------------------------------------------
# Excel's escapes and its 29 February 1900, through generate
# ------------------------------------------------------------------------------------------------


def _excel_book(path: Path, rows: list[list], date_columns: tuple[int, ...] = ()) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Caseload")
    dates = book.add_format({"num_format": "m/d/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dates if r and c in date_columns else None)
    book.close()
    return path


def test_escapes_print_as_excel_shows_them_and_the_leap_day_is_refused_in_a_date_field(tmp_path: Path) -> None:
    rows = [
        ["ID", "Name", "Note", "Seen", "DOB"],
        [1, "Ana", "one\x0btwo _x000B_", 60, 60],
        [2, "Ben", "ok", 59, 43000],
    ]
    mapping = """key: id
fields:
  id: ID
  name: Name
  note: Note
  seen: Seen
  dob: {column: DOB, type: date}
display_name: "{{ name }}"
output: {folder: "{{ name }}", filename: Plan}
"""
    template = ["Note: {{ note }}|", "Seen {{ seen }}; born {{ dob }}"]
    source = lambda tmp: _excel_book(tmp / "c.xlsx", rows, date_columns=(3, 4))  # noqa: E731
    code, output, plans = generate(tmp_path, source, mapping, template)
    assert code == 2 and "Ana: " in output and "cell E2 (column 'DOB')" in output, output
    assert "29 February 1900 that never was" in output and plans == {}
    code, output, plans = generate(tmp_path / "skip", source, mapping, template, "--skip-invalid")
    assert code == 1 and set(plans) == {"Ben"}
    assert "Seen 2/28/1900; born 09/22/2017" in plans["Ben"]
    mapping = mapping.replace("dob: {column: DOB, type: date}", "dob: DOB")
    code, output, plans = generate(tmp_path / "text", source, mapping, template)
    assert code == 0, output
    assert "Note: one\ntwo _x000B_|" in plans["Ana"] and "Seen 2/29/1900; born 2/29/1900" in plans["Ana"]


# ------------------------------------------------------------------------------------------------
# Blocks below the students and repeated header rows: never a plan, never a refusal
# ------------------------------------------------------------------------------------------------


def test_a_discharged_block_and_a_repeated_header_give_no_plan_and_a_warning(tmp_path: Path) -> None:
    rows = [
        ["ID", "Name", "OTA"],
        [1, "Ana", "Yes"],
        ["ID", "Name", "OTA"],
        [2, "Ben", "No"],
        [],
        ["Discharged"],
        [3, "Cy", "Yes"],
        [4, "Di", "No"],
        [],
        ["Total", 4],
    ]
    code, output, plans = generate(
        tmp_path, lambda tmp: write_xlsx(tmp / "c.xlsx", rows), CHECKBOX_MAPPING, ["{{ name }}"]
    )
    assert code == 0, output
    assert sorted(plans) == ["Ana", "Ben"]
    assert "row(s) 3, 6, 7, 8, 10 were skipped" in output and "Discharged" not in output


# ------------------------------------------------------------------------------------------------
# Any locale: a C/POSIX terminal without UTF-8 (ASCII file names and output)
# ------------------------------------------------------------------------------------------------


def _plangen_in_c_locale(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIOENCODING"))}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=tmp_path, env=env, capture_output=True, timeout=300
    )


def test_non_ascii_names_under_an_ascii_locale_give_plans_and_no_internal_error(tmp_path: Path) -> None:
    rows = [["ID", "Name", "Note"], [1, "Zoë Núñez", "é"], [2, "Łukasz Ødegård", "x"], [3, "李 小龙", "y"]]
    write_xlsx(tmp_path / "c.xlsx", rows)
    (tmp_path / "m.yaml").write_text(
        'key: id\nfields:\n  id: ID\n  name: Name\n  note: Note\ndisplay_name: "{{ name }}"\n'
        'output: {folder: "{{ name }}", filename: "Plan {{ name }}"}\n',
        encoding="utf-8",
    )
    make_template(tmp_path / "t.docx", ["Plan for {{ name }}: {{ note }}"])
    args = ["-m", "m.yaml", "-s", "c.xlsx", "-t", "t.docx"]
    run = _plangen_in_c_locale(tmp_path, "generate", *args, "-o", "out")
    output = (run.stdout + run.stderr).decode("ascii", "replace")
    assert run.returncode == 0 and "internal error" not in output and "Traceback" not in output, output
    plans = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").glob("*/*.docx"))
    assert plans == ["Lukasz Odegard/Plan Lukasz Odegard.docx", "Zoe Nunez/Plan Zoe Nunez.docx", "_ __/Plan _ __.docx"]
    assert "Plan for Zoë Núñez: é" in docx_text(tmp_path / "out" / plans[1])  # the plan itself keeps every letter
    again = _plangen_in_c_locale(tmp_path, "generate", *args, "-o", "out")  # no lock left behind
    assert again.returncode == 0, (again.stdout + again.stderr).decode("ascii", "replace")
    for command in (["check", *args], ["columns", "c.xlsx"]):
        shown = _plangen_in_c_locale(tmp_path, *command)
        text = (shown.stdout + shown.stderr).decode("ascii", "replace")
        assert shown.returncode == 0 and "internal error" not in text, text
    rows[1][0] = None  # a data error names the student (by name) on an ASCII terminal
    write_xlsx(tmp_path / "c.xlsx", rows)
    failed = _plangen_in_c_locale(tmp_path, "generate", *args, "-o", "out2")
    text = (failed.stdout + failed.stderr).decode("ascii", "replace")
    assert failed.returncode == 2 and "internal error" not in text and "student key is blank" in text, text


# ------------------------------------------------------------------------------------------------
# Text dates: the mapping's date_format governs; a column read two ways is refused, by generate and check
# ------------------------------------------------------------------------------------------------


def test_text_dates_follow_date_format_and_a_two_way_column_is_refused(tmp_path: Path) -> None:
    rows = [["ID", "Name", "DOB"], [1, "Ana", "03/04/2015"], [2, "Ben", "25/12/2015"]]
    mapping = """key: id
date_format: "%d/%m/%Y"
fields:
  id: ID
  name: Name
  dob: {column: DOB, type: date, format: "%-d %B %Y"}
output: {folder: "{{ name }}", filename: Plan}
"""
    source = lambda tmp: write_xlsx(tmp / "c.xlsx", rows)  # noqa: E731
    code, output, plans = generate(tmp_path, source, mapping, ["Born {{ dob }}"])
    assert code == 0, output
    assert "Born 3 April 2015" in plans["Ana"] and "Born 25 December 2015" in plans["Ben"]
    us = mapping.replace('date_format: "%d/%m/%Y"\n', "")
    code, output, plans = generate(tmp_path / "us", source, us, ["Born {{ dob }}"])
    assert code == 2 and plans == {}, output
    assert "column 'DOB': text dates on row(s) 3 can only be read day first" in output
    assert "row(s) 2 could be read either way" in output and "03/04/2015" not in output
    us_args = ["-m", str(tmp_path / "us" / "m.yaml"), "-s", str(tmp_path / "us" / "c.xlsx")]
    check = CliRunner().invoke(cli, ["check", *us_args, "-t", str(tmp_path / "us" / "t.docx")])
    assert check.exit_code == 2 and "can only be read day first" in check.output, check.output
