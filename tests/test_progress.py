"""Progress reports (--period N): SEIS Student Goals and hand-kept caseload samples, period by period."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from generator.google.auth import credentials as gcreds
from generator.roster.school_year import service_school_year
from tests.google.auth.test_signin import token_json
from tests.google.fakegoogle.files import docx_text
from tests.helpers import SAMPLES, TODAY, make_template
from tests.test_seis import day, iep_period, in_period, report_rows

NOT_ENTERED = "________________________"  # a line to write on, no words: the report goes to a parent


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def goal_blocks(path: Path) -> list[dict[str, str]]:
    """The report's goal table read back: one dict per goal, label -> value."""
    blocks: list[dict[str, str]] = []
    for table in Document(str(path)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) != 2:
                continue
            label, value = cells
            if label.startswith("Goal ") and label != "Goals":
                blocks.append({"Goal": label[5:], "Text": value})
            elif blocks and label:
                blocks[-1][label.replace(f" (period {path.name.split()[3]})", "")] = value
    return blocks


def expected(value: str, period: int) -> str:
    return value if value else NOT_ENTERED


def seis_periods() -> dict[str, tuple | None]:
    """Each SEIS sample student's IEP period as of 11/22/2026 (test_seis's reference reading of iep_period)."""
    seis = SAMPLES / "seis"
    keys = {r["SEIS ID"] for r in report_rows(seis / "deliveries.csv") if r["Service"].startswith("450")}
    return {
        key: iep_period(key, seis / "iep_dates.csv", seis / "deliveries.csv", seis / "student_goals.csv")
        for key in keys
    }


def seis_ot_goals() -> dict[str, list[dict[str, str]]]:
    """The sample Student Goals Report read with the csv module: OT goals per SEIS ID of the student's IEP period,
    in goal-number order."""
    periods = seis_periods()
    with open(SAMPLES / "seis" / "student_goals.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if (
                re.match(r"\s*OT\b", r["Annual Goal #"])
                or re.search(r"occupational|\bOT\b", r["Person Responsible"], re.IGNORECASE)
            )
            and in_period(day(r["IEP Date"]), periods.get(r["SEIS ID"]))
        ]
    by_student: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_student.setdefault(row["SEIS ID"], []).append(row)
    for goals in by_student.values():
        goals.sort(key=goal_number)  # stable: file order within a number, unnumbered goals last
    return by_student


def goal_number(row: dict[str, str]) -> tuple[bool, int]:
    found = re.search(r"\d+", row["Annual Goal #"])
    return (found is None, int(found[0]) if found else 0)


def manifest(out: Path) -> list[dict[str, str]]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_seis_progress_reports_for_periods_1_to_3_carry_that_periods_rating_and_comment(
    sample_copy: Path, tmp_path: Path
):
    out = tmp_path / "plans"
    goals = seis_ot_goals()
    years = {key: service_school_year(*(period or (None, None)), TODAY) for key, period in seis_periods().items()}
    blanks = 0
    for period in (1, 2, 3):
        result = run(
            "generate",
            "-m",
            str(sample_copy / "mappings" / "seis-progress.yaml"),
            "--period",
            str(period),
            "-o",
            str(out),
            "--today",
            "2026-11-22",
        )
        assert result.exit_code == 0, result.output
        assert "16 students: 16 created.\n" in result.output and "Caseload overview" not in result.output
        rows = manifest(out)
        assert "7300108" not in {r["key"] for r in rows}  # Lucas Müller: speech only, no OT service
        for row in rows:
            report = out / row["output"]
            name = row["display_name"]
            # The report carries its IEP period's school year, as the plan does.
            assert report.name == f"OT Progress Report {period} – {years[row['key']]} – {name}.docx"
            blocks = goal_blocks(report)
            expected_goals = goals.get(row["key"], [])
            if not expected_goals:  # an empty goal block to fill in, with no statement about missing goals
                assert [(b["Goal"], b["Text"], b["Progress"]) for b in blocks] == [("1", "", "")], name
                continue
            assert len(blocks) == len(expected_goals), name
            for block, goal in zip(blocks, expected_goals, strict=True):
                assert block["Text"] == f"{goal['Area Of Need']}: {goal['Goal']}"
                assert block["Baseline"] == goal["Baseline"]
                assert block["Progress"] == expected(goal[f"Progress Report {period} Summary "], period)
                assert block["Comment and data"] == expected(goal[f"Progress Report {period} Comments  "], period)
                blanks += block["Progress"].startswith("____")
    assert blanks > 5  # period 3 is not filled in for most goals yet: those show the line to write on
    amelia = sorted(p.name for p in (out / "Okafor, Amelia").iterdir())
    assert amelia == [f"OT Progress Report {n} – 2026-2027 – Amelia Okafor.docx" for n in (1, 2, 3)]


def test_a_rerun_is_unchanged_and_an_edited_report_is_kept(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    args = (
        "generate",
        "-m",
        str(sample_copy / "mappings" / "seis-progress.yaml"),
        "--period",
        "2",
        "-o",
        str(out),
        "--today",
        "2026-11-22",
    )
    assert run(*args).exit_code == 0
    report = out / "Tanaka, Hiroshi" / "OT Progress Report 2 – 2026-2027 – Hiroshi Tanaka.docx"
    edited = Document(str(report))
    edited.add_paragraph("Parent conference held 01/22.")
    edited.save(str(report))
    result = run(*args, "-v")
    assert result.exit_code == 0
    assert "kept-edited  Hiroshi Tanaka" in result.output and "15 unchanged, 1 kept-edited." in result.output
    assert "Parent conference held 01/22." in "\n".join(p.text for p in Document(str(report)).paragraphs)


def test_caseload_progress_reports_land_beside_the_plans(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    mappings = sample_copy / "mappings"
    plan = run(
        "generate",
        "-m",
        str(mappings / "caseload.yaml"),
        "-o",
        str(out),
        "--today",
        "2026-11-22",
        "--student",
        "1001",
        "--student",
        "1002",
        "--student",
        "1003",
    )
    assert plan.exit_code == 0, plan.output
    result = run(
        "generate",
        "-m",
        str(mappings / "caseload-progress.yaml"),
        "--period",
        "2",
        "-o",
        str(out),
        "--today",
        "2027-01-20",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "O'Brien, Liam").iterdir()) == [
        # The plan and the report carry the same IEP's school year (service_period).
        "OT Progress Report 2 – 2025-2026 – Liam O'Brien.docx",
        "OT Treatment Plan 2025-2026 - Liam O'Brien.docx",
    ]
    sheet = openpyxl.load_workbook(SAMPLES / "progress" / "caseload_progress.xlsx").active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        cells = dict(zip(header, row, strict=True))
        folder = f"{cells['Last Name']}, {cells['First Name']}"
        year = service_school_year(cells["IEP Date"].date(), cells["Annual Review"].date(), TODAY)
        name = f"OT Progress Report 2 – {year} – {cells['First Name']} {cells['Last Name']}.docx"
        blocks = goal_blocks(out / folder / name)
        groups = [n for n in (1, 2, 3) if cells[f"Goal {n}"]]
        assert [b["Goal"] for b in blocks] == [str(n) for n in groups]
        for block, n in zip(blocks, groups, strict=True):
            assert block["Text"] == f"{cells[f'Goal {n} Area']}: {cells[f'Goal {n}']}"
            assert block["Progress"] == expected(cells[f"Goal {n} P2 Rating"] or "", 2)
            assert block["Comment and data"] == expected(cells[f"Goal {n} P2 Comment"] or "", 2)
    # the overview still lists the plans, not the progress reports
    overview = openpyxl.load_workbook(out / "caseload.xlsx").active
    header = [c.value for c in overview[2]]
    plan = header.index("OT Treatment Plan")
    assert "OT Progress Report" not in " ".join(str(h) for h in header)
    plans = {r[1]: r[plan] for r in overview.iter_rows(min_row=3, values_only=True)}
    assert plans["1001"] == "O'Brien, Liam/OT Treatment Plan 2025-2026 - Liam O'Brien.docx"


def test_a_progress_mapping_without_period_says_to_pass_it(sample_copy: Path):
    mapping = sample_copy / "mappings" / "seis-progress.yaml"
    result = run("generate", "-m", str(mapping))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {mapping}, line 76: field 'progress' reads a column per grading period "
        "('Progress Report {period} Summary'): say which one with --period N (e.g. --period 2 for the second "
        "progress report).\n"
    )


@pytest.mark.parametrize("period", ["0", "x"])
def test_period_must_be_a_positive_number(sample_copy: Path, period: str):
    result = run("generate", "-m", str(sample_copy / "mappings" / "seis-progress.yaml"), "--period", period)
    assert result.exit_code == 2 and "Invalid value for '--period'" in result.output


def test_a_template_using_period_in_a_plan_run_is_stopped_before_writing(tmp_path: Path):
    (tmp_path / "c.csv").write_text("ID,Name\n1,Ana\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("source: c.csv\nkey: id\nfields:\n  id: ID\n  name: Name\n")
    template = make_template(tmp_path / "t.docx", ["Period {{ period }}: {{ name }}"])
    result = run("generate", "-m", str(tmp_path / "m.yaml"), "-t", str(template), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "  period (the grading period: run with --period N)\n" in result.output
    assert not (tmp_path / "out").exists()
    result = run(
        "generate", "-m", str(tmp_path / "m.yaml"), "-t", str(template), "-o", str(tmp_path / "out"), "--period", "4"
    )
    assert result.exit_code == 0, result.output
    plan = Document(str(tmp_path / "out" / "1" / "Treatment Plan - 1.docx"))
    assert "Period 4: Ana" in "\n".join(p.text for p in plan.paragraphs)


def test_progress_reports_on_drive_one_doc_per_period_in_the_students_folder(
    tmp_path: Path, fake_google, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    token = tmp_path / "token.json"
    token.write_text(json.dumps(token_json(fake_google)))
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(token))
    root = fake_google.add_folder("OT Caseload")
    folder = fake_google.add_folder("Garcia, Ana", root)
    (tmp_path / "c.csv").write_text(
        "ID,First,Last,Goal 1,Goal 1 P1 Rating,Goal 1 P2 Rating\n1,Ana,Garcia,Writes her name,Progressing,\n",
        encoding="utf-8",
    )
    (tmp_path / "m.yaml").write_text(
        "source: c.csv\nkey: id\ndisplay_name: '{{ first }} {{ last }}'\n"
        "output: {folder: '{{ last }}, {{ first }}', filename: 'OT Progress Report {{ period }} - {{ first }}'}\n"
        "fields:\n  id: ID\n  first: First\n  last: Last\n"
        "  goals: {type: records, repeat: [1], item: {text: 'Goal {n}', progress: 'Goal {n} P{period} Rating'}}\n"
    )
    make_template(
        tmp_path / "t.docx",
        [
            "Report {{ period }} for {{ first }}: {% for g in goals %}{{ g.text }} - "
            "{{ g.progress or '____ (nothing entered)' }}{% endfor %}"
        ],
    )
    base = (
        "generate",
        "-m",
        str(tmp_path / "m.yaml"),
        "-t",
        str(tmp_path / "t.docx"),
        "-o",
        str(tmp_path / "out"),
        "--drive",
        root,
    )
    for period in ("1", "2"):
        result = run(*base, "--period", period)
        assert result.exit_code == 0, result.output
        assert result.output.startswith("1 student: 1 created.\n") and "Caseload overview" not in result.output
    docs = {f.name: f for f in fake_google.files(parent=folder)}
    assert sorted(docs) == ["OT Progress Report 1 - Ana", "OT Progress Report 2 - Ana"]
    assert docx_text(docs["OT Progress Report 1 - Ana"].content) == "Report 1 for Ana: Writes her name - Progressing"
    assert (
        docx_text(docs["OT Progress Report 2 - Ana"].content)
        == "Report 2 for Ana: Writes her name - ____ (nothing entered)"
    )
    assert [f.name for f in fake_google.files(parent=root) if f.mime_type.endswith("spreadsheet")] == []
    result = run(*base, "--period", "2")
    assert result.output.startswith("1 student: 1 unchanged.\n")


def test_write_back_with_period_is_refused(sample_copy: Path):
    result = run(
        "generate", "-m", str(sample_copy / "mappings" / "seis-progress.yaml"), "--period", "1", "--write-back"
    )
    assert result.exit_code == 2
    assert result.output == (
        "Error: --write-back fills in each student's plan link; with --period it would replace "
        "it by the progress report's. Run the progress reports without --write-back.\n"
    )


def test_check_reads_the_periods_columns(sample_copy: Path):
    mapping = sample_copy / "mappings" / "caseload-progress.yaml"
    result = run("check", "-m", str(mapping), "--period", "3")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 error(s), 0 warning(s).\n")
    result = run("check", "-m", str(mapping), "--period", "7")
    assert result.exit_code == 2
    assert (
        "field 'goals' reads column 'Goal 1 P7 Rating', which caseload_progress.xlsx, sheet 'Progress' does "
        "not have. Did you mean 'Goal 1 P3 Rating'" in result.output
    )
