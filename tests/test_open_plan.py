"""Where a student's plan is: from the last run's manifest first, else where the mapping would put it.

tests/google/drive/test_cli_drive.py checks ``plangen open`` launching; these check the answers and refusals.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.open_plan import MANIFEST, plan_location
from generator.output.report import FAILED, Outcome, Report
from generator.pipeline import RunOptions, generate
from tests.helpers import make_template, write_xlsx

MAPPING = """\
template: t.docx
source: c.xlsx
key: id
display_name: "{{ first }}"
output: {folder: "{{ first }} ({{ id }})", filename: Plan}
fields:
  id: Student ID
  first: First
  review: {column: Review, type: date}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Student ID", "First", "Review"],
            [1001, "Ana", dt.date(2027, 1, 5)],
            [1002, "Ben", "soon"],
            [1003, "Kim", None],
        ],
    )
    make_template(tmp_path / "t.docx", ["Plan for {{ first }}"])
    return tmp_path


def run(project: Path, *keys: str) -> Path:
    out = project / "plans"
    generate(RunOptions(mapping=project / "m.yaml", out_dir=out, keys=keys, skip_invalid=True, jobs=1))
    return out


def refusal(key: str, project: Path, out: Path | None) -> str:
    with pytest.raises(ConfigError) as caught:
        plan_location(key, project / "m.yaml", out)
    return str(caught.value)


def test_the_manifest_gives_the_plan_s_path(project: Path) -> None:
    out = run(project)
    assert plan_location("1001", project / "m.yaml", out) == str(out / "Ana (1001)" / "Plan.docx")
    assert plan_location(" 1003 \n", project / "m.yaml", out) == str(out / "Kim (1003)" / "Plan.docx")


def test_a_student_the_last_run_could_not_make_gets_the_reason(project: Path) -> None:
    out = run(project)
    assert refusal("1002", project, out) == (
        "the last run could not make student 1002's plan: c.xlsx, sheet 'Sheet1', cell C3 (column 'Review'): "
        "review is not a date (use e.g. 2026-10-03 or 10/3/2026)."
    )


def test_a_plan_deleted_since_the_run_is_not_pretended(project: Path) -> None:
    out = run(project)
    (out / "Ana (1001)" / "Plan.docx").unlink()
    assert refusal("1001", project, out) == (
        f"student 1001's plan {out / 'Ana (1001)' / 'Plan.docx'} no longer exists. Run plangen generate again."
    )


def test_a_drive_run_s_link_is_returned_without_contacting_google(project: Path) -> None:
    out = project / "plans"
    report = Report()
    link = "https://docs.google.com/document/d/1AbCdEf/edit"
    report.add(Outcome("1001", "Ana", "created", link, "t.docx", "2026-11-22T10:00:00+00:00"))
    report.add(Outcome("1003", "Kim", FAILED, "Kim (1003)/Plan.docx", "t.docx", "", ""))
    report.write_manifest(out / MANIFEST)
    assert plan_location("1001", project / "m.yaml", out) == link
    assert refusal("1003", project, out) == f"the last run could not make student 1003's plan: see {out / MANIFEST}"


def test_a_student_the_last_run_left_out_is_found_through_the_mapping(project: Path) -> None:
    out = run(project)  # every student
    run(project, "1003")  # then one: the manifest now lists 1003 only
    assert plan_location("1001", project / "m.yaml", out) == str(out / "Ana (1001)" / "Plan.docx")
    (out / MANIFEST).unlink()
    assert plan_location("1003", project / "m.yaml", out) == str(out / "Kim (1003)" / "Plan.docx")


def test_the_mapping_route_never_opens_the_template(project: Path) -> None:
    out = run(project)
    (out / MANIFEST).unlink()
    (project / "t.docx").unlink()
    assert plan_location("1001", project / "m.yaml", out) == str(out / "Ana (1001)" / "Plan.docx")


def test_no_plan_yet_says_how_to_make_it(project: Path) -> None:
    out = project / "plans"
    assert refusal("1001", project, out) == (
        f"no plan for student 1001 in {out}. Make it with: plangen generate -m {project / 'm.yaml'} --student 1001"
    )


def test_an_unknown_key_is_refused_by_the_roster(project: Path) -> None:
    assert "'1O01'" in refusal("1O01", project, project / "plans")


def test_an_unreadable_manifest_is_refused_with_the_fix(project: Path) -> None:
    out = project / "plans"
    out.mkdir()
    (out / MANIFEST).write_bytes(b"key,output\n\xff\xfe1001,x\n")
    message = refusal("1001", project, out)
    assert message.startswith(f"cannot read {out / MANIFEST}: ")
    assert message.endswith(". Run plangen generate again to rewrite it.")


def test_the_command_to_run_is_quoted_for_the_shell(project: Path, tmp_path: Path) -> None:
    spaced = tmp_path / "My Caseload (2026)"
    spaced.mkdir()
    for name in ("m.yaml", "c.xlsx", "t.docx"):
        (spaced / name).write_bytes((project / name).read_bytes())
    assert refusal("1001", spaced, spaced / "plans") == (
        f"no plan for student 1001 in {spaced / 'plans'}. Make it with: plangen generate -m '{spaced / 'm.yaml'}' "
        "--student 1001"
    )


def test_without_out_the_mapping_s_plans_folder_is_searched(project: Path) -> None:
    assert refusal("1001", project, None).startswith(f"no plan for student 1001 in {project / 'plans'}.")


NAMESAKES = """\
template: t.docx
source: c.xlsx
key: [last, first, dob]
display_name: "{{ first }} {{ last }}"
output: {folder: "{{ first }} {{ last }}", filename: Plan}
fields:
  first: First Name
  last: Last Name
  dob: {column: DOB, type: date}
"""


@pytest.fixture
def namesakes(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(NAMESAKES, encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["First Name", "Last Name", "DOB"],
            ["José", "Ramírez", dt.date(2016, 3, 1)],
            ["Liam", "Smith", dt.date(2016, 10, 2)],
            ["Liam", "Smith", dt.date(2017, 4, 9)],
        ],
    )
    make_template(tmp_path / "t.docx", ["Plan for {{ first }}"])
    return tmp_path


def test_a_student_is_opened_by_the_name_the_therapist_types(namesakes: Path) -> None:
    out = run(namesakes)
    plan = str(out / "José Ramírez" / "Plan.docx")
    for typed in ("José Ramírez", "jose ramirez", "Ramírez, José", "Ramírez · José · 2016-03-01"):
        assert plan_location(typed, namesakes / "m.yaml", out) == plan
    (out / MANIFEST).unlink()  # through the mapping too, never a KeyError on a name
    for typed in ("José Ramírez", "Ramirez, Jose"):
        assert plan_location(typed, namesakes / "m.yaml", out) == plan


def test_namesakes_are_listed_with_what_tells_them_apart(namesakes: Path) -> None:
    out = run(namesakes)
    message = refusal("Liam Smith", namesakes, out)
    assert "2 students are named 'Liam Smith'; choose one by its key:" in message
    assert "--student 'Smith · Liam · 2016-10-02'" in message and "'Smith · Liam · 2017-04-09'" in message
    assert plan_location("Smith · Liam · 2017-04-09", namesakes / "m.yaml", out) == str(
        out / "Liam Smith (Smith · Liam · 2017-04-09)" / "Plan.docx"
    )
