from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import ROOT, docx_text, make_template, run_footer, write_xlsx


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def plans(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*.docx"))


def generate(project: Path, out: Path, *extra: str):
    return run(
        "generate",
        "-m",
        str(project / "mappings" / "caseload.yaml"),
        "--out",
        str(out),
        "--today",
        "2026-11-22",
        *extra,
    )


# Every run names the students whose meeting date has passed (Hanna's annual review was 11/01/2026).
OVERDUE = (
    "Overdue: the annual review date has already passed for Hanna Kowalski. Hold the meeting (or correct the date "
    "in the sheet) and run again, so the plan is for the current IEP.\n"
)


def test_generate_writes_one_plan_per_student_then_nothing_changes(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out)
    assert result.exit_code == 0, result.output
    assert result.output == "27 students: 27 created.\n" + OVERDUE + run_footer(out)
    rows = manifest(out)
    assert [r["status"] for r in rows] == ["created"] * 27
    assert rows[0]["key"] == "1001" and rows[0]["display_name"] == "Liam O'Brien"
    assert rows[0]["output"] == "O'Brien, Liam/OT Treatment Plan 2025-2026 - Liam O'Brien.docx"
    assert rows[0]["template"] == "ot-treatment-plan.docx"
    assert len(plans(out)) == 27
    assert (out / "Martinez, Sofia (1006)").is_dir() and (out / "Martinez, Sofia (1007)").is_dir()
    text = docx_text(out / rows[0]["output"])
    assert "Liam O'Brien (ID\u00a01001)" in text  # the ID never wraps from its label
    assert "Loves dinosaurs & trains; <5 min tolerance" in text
    assert "None" not in text and "{{" not in text and "{%" not in text

    before = {p: p.stat().st_mtime_ns for p in plans(out)}
    result = generate(sample_copy, out)
    assert result.exit_code == 0
    assert result.output.startswith("27 students: 27 unchanged.\n")
    assert {p: p.stat().st_mtime_ns for p in plans(out)} == before


def test_an_edited_plan_survives_and_the_run_says_so(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    generate(sample_copy, out, "--student", "1002")
    plan = plans(out)[0]
    plan.write_bytes(plan.read_bytes() + b"\0")  # any change a therapist's save makes
    edited = plan.read_bytes()
    result = generate(sample_copy, out, "--student", "1002")
    assert result.exit_code == 0
    assert result.output == (
        " kept-edited  José Ramírez  ->  Ramírez, José/OT Treatment Plan 2026-2027 - José Ramírez.docx\n"
        "              edited since plangen wrote it; kept as is (use --replace-edited to write a new plan "
        "and keep the edited copy)\n"
        "1 student: 1 kept-edited.\n" + run_footer(out)
    )
    assert plan.read_bytes() == edited
    result = generate(sample_copy, out, "--student", "1002", "--replace-edited")
    assert "1 student: 1 replaced." in result.output
    assert [p.read_bytes() for p in plan.parent.glob("* (edited *).docx")] == [edited]


def test_missing_column_exits_2_and_writes_nothing(sample_copy: Path, tmp_path: Path):
    mapping = sample_copy / "mappings" / "caseload.yaml"
    mapping.write_text(mapping.read_text().replace("column: DOB,", "column: Birth Date,"))
    out = tmp_path / "plans"
    result = generate(sample_copy, out)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {mapping}, line 22: field 'dob' reads column 'Birth Date', which caseload.xlsx, sheet 'Caseload' "
        "does not have.\nColumns in caseload.xlsx, sheet 'Caseload': 'Student ID', 'Last Name', 'First Name', 'DOB', "
        "'Grade', 'School', 'Teacher', 'Case Manager', 'Plan Type', 'Eligibility', 'IEP Date', 'Annual Review', "
        "'Triennial', 'Session Minutes', 'Sessions/Week', 'Minutes/Week', 'Setting', 'Goal 1', 'Goal 2', 'Goal 3', "
        "'Accommodations', 'Drive Folder', 'Notes', 'OTA', 'Supervision', 'Consult', 'Present Levels', "
        "'Last OT Evaluation', 'Evaluation Findings', 'Approach', 'Strategies', 'Interests', 'Discharge Criteria', "
        "'Referrals', 'Evidence', 'Major Life Activity', 'Classroom Accommodations', 'Testing Accommodations', "
        "'Instructional Accommodations', 'Health Accommodations', 'Precautions', 'Allergies', 'Hand Dominance', "
        "'Service Model', 'Basis for Eligibility', 'Progress Reports', 'Referral Reason', 'Strengths', 'Home Program', "
        "'Progress Measures', 'Limitation'.\n"
        "Fix the column name in the mapping, or the header in the sheet.\n"
    )
    assert not out.exists()


def test_template_field_the_mapping_lacks_exits_2(sample_copy: Path, tmp_path: Path):
    mapping = sample_copy / "mappings" / "caseload.yaml"
    mapping.write_text(mapping.read_text().replace("  teacher: Teacher\n", ""))
    result = generate(sample_copy, tmp_path / "plans")
    assert result.exit_code == 2
    template = sample_copy / "templates" / "ot-treatment-plan.docx"
    assert result.output == (
        f"Error: {template}: uses field(s) that {mapping} does not provide:\n  teacher\n"
        "Add them under 'fields:' in caseload.yaml, or fix the spelling in the template.\n"
    )
    assert not (tmp_path / "plans").exists()


def bad_data_inputs(tmp_path: Path) -> list[str]:
    write_xlsx(
        tmp_path / "c.xlsx", [["ID", "Name", "Due"], [1, "Ana", "2026-12-01"], [2, "Ben", "someday"], [3, "Cy", None]]
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "source: c.xlsx\nkey: id\nfields:\n  id: ID\n  name: Name\n  due: {column: Due, type: date}\n"
        "display_name: '{{ name }}'\noutput: {folder: '{{ name }}', filename: Plan}\n"
    )
    template = make_template(tmp_path / "t.docx", ["{{ name }} due {{ due }}"])
    return ["-m", str(mapping), "-t", str(template)]


def test_bad_data_stops_the_run_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "plans"
    result = run("generate", *bad_data_inputs(tmp_path), "-o", str(out))
    assert result.exit_code == 2
    assert result.output == (
        "Error: 1 student(s) have data errors, so nothing was written:\n"
        "  Ben: c.xlsx, sheet 'Sheet1', cell C3 (column 'Due'): due is not a date (use e.g. 2026-10-03 or "
        "10/3/2026).\n"
        "Fix them in the sheet ('plangen check' lists every problem), or add --skip-invalid to write the other "
        "students' plans now.\n"
    )
    assert not out.exists()


def test_skip_invalid_writes_the_others_and_exits_1(tmp_path: Path):
    out = tmp_path / "plans"
    result = run("generate", *bad_data_inputs(tmp_path), "-o", str(out), "--skip-invalid")
    assert result.exit_code == 1
    assert result.output == (
        "      failed  Ben\n"
        "              c.xlsx, sheet 'Sheet1', cell C3 (column 'Due'): due is not a date (use e.g. 2026-10-03 or "
        "10/3/2026).\n"
        "3 students: 2 created, 1 failed.\n" + run_footer(out)
    )
    assert sorted(p.parent.name for p in plans(out)) == ["Ana", "Cy"]
    assert [r["status"] for r in manifest(out)] == ["failed", "created", "created"]


def test_dry_run_writes_nothing(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--dry-run", "--student", "1001")
    assert result.exit_code == 0
    assert result.output == (
        "would create  Liam O'Brien  ->  O'Brien, Liam/OT Treatment Plan 2025-2026 - "
        "Liam O'Brien.docx\nDry run: 1 student: 1 would create.\n"
    )
    assert not out.exists()


def test_due_within_selects_upcoming_and_overdue_reviews(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--due-within", "30")
    assert result.exit_code == 0
    assert [r["key"] for r in manifest(out)] == ["1001", "1005", "1010", "1021"]


def test_unknown_student_key_exits_2(sample_copy: Path, tmp_path: Path):
    result = generate(sample_copy, tmp_path / "plans", "--student", "10O1")
    assert result.exit_code == 2
    assert result.output == (
        "Error: no student with key or name '10O1' in the source. Did you mean '1021' or '1019' "
        "or '1018'? Use the key column's value or the name plangen prints (either name order).\n"
    )


def test_student_by_the_name_plangen_prints_in_either_order_without_accents(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--student", "ramirez, JOSE", "--student", "Liam O'Brien")
    assert result.exit_code == 0, result.output
    assert [(r["key"], r["display_name"]) for r in manifest(out)] == [
        ("1001", "Liam O'Brien"),
        ("1002", "José Ramírez"),
    ]
    result = generate(sample_copy, out, "--student", "Sofia Martinez", "--student", "Jose Ramires")
    assert result.exit_code == 2
    assert result.output == (
        "Error: 2 students are named 'Sofia Martinez'; choose one by its key: --student 1006 (born 2017-02-17), "
        "--student 1007 (born 2014-08-30).\n"
        "no student with key or name 'Jose Ramires' in the source. Did you mean 'José Ramírez'? Use the key column's "
        "value or the name plangen prints (either name order).\n"
    )


def test_check_reports_what_it_checked(sample_copy: Path):
    result = run("check", "-m", str(sample_copy / "mappings" / "caseload.yaml"), "--today", "2026-11-22")
    assert result.exit_code == 0
    assert result.output == (
        "template: ok\nmapping: ok\ndata: ok\noutput: 0 error(s), 1 warning(s)\n"
        "  warning: these students' plans would have the same name, so each folder gets the student key: "
        "Sofia Martinez -> Martinez, Sofia (1006)/OT Treatment Plan 2026-2027 - Sofia Martinez.docx; "
        "Sofia Martinez -> Martinez, Sofia (1007)/OT Treatment Plan 2026-2027 - Sofia Martinez.docx.\n"
        + OVERDUE
        + "Checked caseload.xlsx, sheet 'Caseload': 27 student(s) ready, 0 with errors; 47 mapped fields; "
        "template ot-treatment-plan.docx uses 40 field(s), 2 with item fields.\n"
        "0 error(s), 1 warning(s).\n"
    )


def test_check_reports_template_and_data_problems_grouped(tmp_path: Path):
    args = bad_data_inputs(tmp_path)
    result = run("check", *args)
    assert result.exit_code == 2
    assert result.output == (
        "template: ok\nmapping: ok\ndata: 1 error(s), 0 warning(s)\n"
        "  error: Ben: c.xlsx, sheet 'Sheet1', cell C3 (column 'Due'): due is not a date (use e.g. 2026-10-03 "
        "or 10/3/2026).\n"
        "output: ok\n"
        "Checked c.xlsx, sheet 'Sheet1': 2 student(s) ready, 1 with errors; 3 mapped fields; template t.docx "
        "uses 2 field(s), 0 with item fields.\n"
        "1 error(s), 0 warning(s).\n"
    )
    make_template(Path(args[3]), ["{{ nme }} {% if %}"])
    (tmp_path / "m.yaml").write_text("key: id\nfields: [oops]\n")
    result = run("check", *args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "template: 1 error(s), 0 warning(s)"
    assert "template syntax error" in lines[1]
    assert lines[2] == "mapping: 1 error(s), 0 warning(s)"
    assert "'fields' must be a mapping" in lines[3]
    assert lines[-4:] == [
        "data: not checked (template and mapping errors)",
        "output: not checked (template and mapping errors)",
        "Fix the errors above, then run check again to check the data.",
        "2 error(s), 0 warning(s).",
    ]


def test_fields_lists_template_fields():
    result = run("fields", str(ROOT / "templates" / "ot-treatment-plan.docx"))
    assert result.exit_code == 0
    names = result.output.split()
    assert names == sorted(names)
    assert {"full_name", "goals", "accommodations", "school_year"} <= set(names)


def test_missing_mapping_file(tmp_path: Path):
    result = run("generate", "-m", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.yaml'}: mapping file not found. Check the --mapping path.\n"


def all_commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + name + " ")


@pytest.mark.parametrize(("name", "command"), list(all_commands(cli)))
def test_every_command_has_help(name: str, command: click.Command):
    assert command.help and command.help.strip(), f"{name} has no help text"
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{name} {parameter.opts} has no help text"


def test_python_dash_m_generator_runs():
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("plangen, version ")


def test_parallel_rendering_gives_the_same_plans(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--jobs", "2")
    assert result.exit_code == 0
    assert result.output.startswith("27 students: 27 created.\n")
    assert [r["key"] for r in manifest(out)] == [f"{n}" for n in range(1001, 1028)]
    result = generate(sample_copy, out, "--jobs", "1")
    assert result.output.startswith("27 students: 27 unchanged.\n")


def test_columns_lists_sheets_header_and_column_kinds_without_values(tmp_path: Path):
    import openpyxl

    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title, old.sheet_state = "Last Year", "hidden"
    old.append(["x"])
    sheet = workbook.create_sheet("Caseload")
    for row in [
        ["OT Caseload 2026-27"],
        [],
        ["Name", "DOB", "Minutes", "Goals"],
        ["Ruiz, Ana", "2018-03-04", 30, "Hold pencil\nCut on a line"],
        ["Chen, Lucas", "2017-05-06", 60, "Button coat\nTie shoes"],
        [],
        ["Total: 2 students"],
    ]:
        sheet.append(row)
    workbook.save(tmp_path / "hand.xlsx")
    result = run("columns", str(tmp_path / "hand.xlsx"))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "hand.xlsx",
        "Sheets: 'Last Year' (hidden), 'Caseload'",
        "Sheet 'Caseload': column headers on row 3 (above it, row(s) 1 read as titles); 2 data row(s).",
        "Skipped (not students): row(s) 7.",
        "  column  name     reads as                     filled",
        '  A       Name     text ("Last, First" names)   2/2',
        "  B       DOB      date (birth dates)           2/2",
        "  C       Minutes  integer                      2/2",
        "  D       Goals    list (separated by line breaks) 2/2",
    ]
    for value in ("Ruiz", "Ana", "2018", "Hold pencil", "Total: 2"):
        assert value not in result.output
    hidden = run("columns", str(tmp_path / "hand.xlsx"), "--sheet", "Last Year")
    assert "Sheet 'Last Year': column headers on row 1; 0 data row(s)." in hidden.output


def test_columns_of_a_csv_and_a_forced_header_row(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("Exported 2026-11-30;x;y\nID;Minutes;OTA\n1;45,0;Y\n2;30,5;N\n", encoding="utf-8")
    result = run("columns", str(path), "--header-row", "2")
    assert result.output.splitlines()[1:] == [
        "Column headers on line 2 (above it, line(s) 1 read as titles); 2 data row(s).",
        "  column  name     reads as                     filled",
        "  1       ID       integer                      2/2",
        "  2       Minutes  number with decimals         2/2",
        "  3       OTA      yes/no                       2/2",
    ]


def test_columns_refuses_a_headerless_file_without_printing_it(tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("1001,Ruiz,Ana,2018-03-04,likes trains\n1002,Chen,Lucas,2017-05-06,quiet\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["columns", str(path)])
    assert result.exit_code == 2
    assert "c.csv: the first line (line 1) looks like data, not column headers" in result.output
    assert "Ruiz" not in result.output and "2018" not in result.output and "trains" not in result.output
