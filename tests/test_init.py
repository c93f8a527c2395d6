"""``plangen init`` on a hand-kept caseload, then ``generate`` with the draft exactly as written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import RunOptions, generate
from tests.helpers import TEMPLATES, docx_text, make_template, run_footer, write_xlsx

HEADERS = [
    "Student",
    "DOB",
    "Grade",
    "School",
    "Teacher",
    "IEP Date",
    "Annual IEP",
    "Minutes",
    "Goals",
    "Accommodations",
    "Notes",
]
ROWS = [
    [
        "Alvarez, Mia",
        dt.datetime(2017, 3, 14),
        "2",
        "Lincoln Elementary",
        "Mr. Chen",
        dt.datetime(2026, 1, 10),
        dt.datetime(2027, 1, 10),
        30,
        "Writes her name legibly\nButtons her coat",
        "Slant board; pencil grip",
        "Loves horses",
    ],
    [
        "Alvarez, Mia",
        dt.datetime(2019, 8, 2),
        "K",
        "Lincoln Elementary",
        "Ms. Ito",
        dt.datetime(2026, 3, 5),
        dt.datetime(2027, 3, 5),
        20,
        "Cuts on a line\nStacks 5 blocks\nZips a jacket",
        "Visual schedule",
        None,
    ],
    [
        "Nguyen, Bao",
        dt.datetime(2016, 5, 30),
        "3",
        "Lincoln Elementary",
        "Mr. Chen",
        dt.datetime(2025, 12, 1),
        dt.datetime(2026, 12, 1),
        30,
        "Types 10 words per minute",
        None,
        "Prefers mornings",
    ],
    [
        "O'Neil, Liam",
        dt.datetime(2018, 9, 9),
        "1",
        "Lincoln Elementary",
        "Ms. Ito",
        dt.datetime(2026, 2, 2),
        dt.datetime(2027, 2, 2),
        30,
        "Holds scissors\nCopies a square",
        "Pencil grip",
        None,
    ],
    [
        "Okafor, Ada",
        dt.datetime(2017, 11, 20),
        "2",
        "Lincoln Elementary",
        "Mr. Chen",
        dt.datetime(2026, 4, 4),
        dt.datetime(2027, 4, 4),
        25,
        "Opens containers",
        "Fidget tool; movement breaks",
        None,
    ],
    [
        "Ruiz, Sofía",
        dt.datetime(2016, 2, 1),
        "3",
        "Lincoln Elementary",
        "Ms. Park",
        dt.datetime(2026, 5, 5),
        dt.datetime(2027, 5, 5),
        30,
        "Writes a paragraph\nUses a planner",
        None,
        "Twin of Mateo",
    ],
]
TITLE_ROWS = [["Ms. Rivera's OT caseload 2026-27"], ["Updated weekly"], [None]]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def files(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh clone's templates/ and the therapist's own sheet beside them; the current folder is the clone."""
    shutil.copytree(TEMPLATES, tmp_path / "templates", ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_caseload(path: Path, rows: list[list], title: bool) -> Path:
    return write_xlsx(path, (TITLE_ROWS if title else []) + [HEADERS] + rows, sheet="Caseload")


def init(*extra: str):
    return run(
        "init",
        "caseload.xlsx",
        "--template",
        "templates/ot-treatment-plan.docx",
        "-o",
        "my.yaml",
        "--today",
        "2026-11-22",
        *extra,
    )


INIT_OUTPUT = (
    "Wrote my.yaml: 41 fields from 11 columns of caseload.xlsx, sheet 'Caseload'; key: last_name + first_name + dob; "
    "rows_per_student: one.\n"
    "Template fields: 9 matched to columns, 26 left blank (allergies, approaches, case_manager, discharge_criteria, "
    "eligibility, evaluation_date, evaluation_findings, evidence, hand_dominance, home_program, interests, ota, "
    "plan_type, precautions, present_levels, progress_measures, progress_schedule, referral_reason, referrals, "
    "service_model, strategies, strengths, student_id, supervision, therapist, triennial).\n"
    "Check the guesses in its comments, then run:\n"
    "  plangen check -m my.yaml\n"
    "  plangen generate -m my.yaml\n"
)


def test_init_then_generate_gives_each_child_their_plan_and_reports_a_stale_edit(
    clone: Path, monkeypatch: pytest.MonkeyPatch
):
    write_caseload(clone / "caseload.xlsx", ROWS, title=True)
    result = init()
    assert result.exit_code == 0, result.output
    assert result.output == INIT_OUTPUT
    draft = (clone / "my.yaml").read_text()
    assert "(headers in row 4)" in draft  # below the title rows
    assert "key: [last_name, first_name, dob]" in draft
    assert "review_date: annual_review" in draft
    assert '  goals: {column: Goals, type: list, separator: "\\n"}' in draft
    assert '  therapist: {value: ""}' in draft
    cells = {str(v) for row in ROWS for v in row if isinstance(v, str)} | {"2017", "Alvarez", "Mia"}
    assert not [c for c in cells if len(c) > 1 and c in draft]  # no cell value in the draft

    result = run("generate", "-m", "my.yaml", "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert result.output == "6 students: 6 created.\n" + run_footer(Path("plans"))
    older = clone / "plans/Alvarez, Mia (Alvarez, Mia · 2017-03-14)/OT Treatment Plan 2026-2027 - Mia Alvarez.docx"
    younger = clone / "plans/Alvarez, Mia (Alvarez, Mia · 2019-08-02)/OT Treatment Plan 2026-2027 - Mia Alvarez.docx"
    bao = clone / "plans/Nguyen, Bao/OT Treatment Plan 2026-2027 - Bao Nguyen.docx"
    older_text, younger_text = docx_text(older), docx_text(younger)
    assert "1\nWrites her name legibly" in older_text and "2\nButtons her coat" in older_text
    assert "Cuts on a line" not in older_text and "03/14/2017" in older_text and "01/10/2027" in older_text
    assert "1\nCuts on a line" in younger_text and "3\nZips a jacket" in younger_text
    assert "Writes her name" not in younger_text and "08/02/2019" in younger_text
    assert "Mia Alvarez" in older_text and "{{" not in older_text + younger_text + docx_text(bao)

    before = files(clone)
    other = clone / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    result = run("generate", "-m", "../my.yaml", "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert result.output == "6 students: 6 unchanged.\n" + run_footer(clone / "plans")
    assert not list(other.iterdir())
    assert set(files(clone)) == set(before)

    older.write_bytes(older.read_bytes() + b"\0")  # the therapist edits both plans
    bao.write_bytes(bao.read_bytes() + b"\0")
    rows = [list(row) for row in ROWS]
    rows[0][7], rows[0][8] = 45, "Writes her name legibly\nButtons her coat\nTies her shoes"
    write_caseload(clone / "caseload.xlsx", rows, title=True)
    result = run("generate", "-m", "../my.yaml", "--today", "2026-11-23", "-v", "--jobs", "2")  # workers write
    assert result.exit_code == 0, result.output
    assert result.output == (
        "       stale  Mia Alvarez  ->  Alvarez, Mia (Alvarez, Mia · 2017-03-14)/OT Treatment Plan 2026-2027 - Mia "
        "Alvarez.docx\n"
        "              edited since plangen wrote it, and the sheet changed since: session_minutes, goals, services. "
        "Kept as is: bring the changes into the plan, or use --replace-edited to write a new plan (the edited copy is "
        "kept beside it)\n"
        "     updated  Mia Alvarez  ->  Alvarez, Mia (Alvarez, Mia · 2019-08-02)/OT Treatment Plan 2026-2027 - Mia "
        "Alvarez.docx\n"
        " kept-edited  Bao Nguyen  ->  Nguyen, Bao/OT Treatment Plan 2026-2027 - Bao Nguyen.docx\n"
        "              edited since plangen wrote it; kept as is (use --replace-edited to write a new plan and keep "
        "the edited copy)\n"
        "     updated  Liam O'Neil  ->  O'Neil, Liam/OT Treatment Plan 2026-2027 - Liam O'Neil.docx\n"
        "     updated  Ada Okafor  ->  Okafor, Ada/OT Treatment Plan 2026-2027 - Ada Okafor.docx\n"
        "     updated  Sofía Ruiz  ->  Ruiz, Sofía/OT Treatment Plan 2026-2027 - Sofía Ruiz.docx\n"
        "6 students: 4 updated, 1 kept-edited, 1 stale.\n" + run_footer(clone / "plans")
    )
    manifest = (clone / "plans" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert "Alvarez, Mia · 2017-03-14,Mia Alvarez,stale," in manifest.replace('"', "")
    assert "sheet changed since: session_minutes, goals" in manifest


def test_help_starts_with_the_three_commands_a_new_user_runs():
    result = run("--help")
    commands = result.output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in commands[:3]] == ["columns", "init", "generate"]
    assert "  plangen init caseload.xlsx -t plan.docx -o my.yaml    a draft mapping\n" in result.output


def test_init_never_overwrites_a_mapping(clone: Path):
    write_caseload(clone / "caseload.xlsx", ROWS, title=True)
    (clone / "my.yaml").write_text("# mine\n")
    result = init()
    assert result.exit_code == 2
    assert result.output == (
        "Error: my.yaml already exists; plangen init never overwrites a mapping. Choose another "
        "name with -o, or move the old file away first.\n"
    )
    assert (clone / "my.yaml").read_text() == "# mine\n"


def test_a_warning_many_students_share_is_one_line_naming_them(tmp_path: Path):
    rows = [["ID", "Name", "Grade"]]
    for number, name in enumerate(["Ana", "Ben", "Kim", "Eva"], start=1):
        rows += [[number, name, "1"], [number, name, "2"]]  # two rows each, grades differ
    rows += [[5, "Bo", "3"], [5, "Bo", "4"], [6, "Cy", "5"]]
    write_xlsx(tmp_path / "c.xlsx", rows, sheet="Caseload")
    make_template(tmp_path / "t.docx", ["{{ name }} {{ grade }}"])
    (tmp_path / "m.yaml").write_text(
        "source: c.xlsx\ntemplate: t.docx\nrows_per_student: many\nkey: id\n"
        "display_name: '{{ name }}'\nfields:\n  id: ID\n  name: Name\n  grade: Grade\n"
    )
    report = generate(RunOptions(mapping=tmp_path / "m.yaml", dry_run=True))
    assert report.warnings == [
        "field 'grade' differs between a student's rows; the first row's value is used (conflicts: first): "
        "5 students (Ana, Ben, Kim, Eva, Bo)."
    ]
