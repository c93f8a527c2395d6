"""Hand-kept workbooks of different shapes go ``init`` -> ``check`` -> ``generate`` with no hand edit (issue 23).

Each sheet is built here in code, in a shape a therapist might keep: an instructions sheet first, a merged
title, a Totals row, "First Last" names with a compound one and two namesakes, Goal 1..3 columns,
abbreviated headers (Gr, Accoms, 504/IEP, Freq, Mins/Month, Tri Due), numbered accommodation columns,
a "Last, First" CSV with daily minutes. Every plan must show that student's name, dates, every goal,
each accommodation as its own item, the service frequency and minutes, and 504 wording for 504 students.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from tests.helpers import TEMPLATES, docx_text

TODAY = "2026-11-22"


@dataclass
class Child:
    name: str  # as the plan shows it
    dob: dt.date
    plan: str  # "IEP" or "504"
    annual: dt.date
    goals: list[str]
    accommodations: list[str]
    frequency: str  # what the service line must say about how often
    minutes: str  # ... and how long
    extra: dict[str, object] = field(default_factory=dict)


CHILDREN = [
    Child(
        "Mia Alvarez", dt.date(2017, 3, 4), "IEP", dt.date(2027, 1, 15),
        ["Write name legibly", "Cut on a line", "Button a coat"],
        ["pencil grip", "slant board", "extra time"], "2x/week", "120 min per month",
    ),
    Child(
        "Liam Smith", dt.date(2016, 10, 2), "504", dt.date(2026, 12, 10),
        ["Type 10 words per minute"],
        ["keyboard access", "movement breaks", "preferential seating"], "1x/week", "60 min per month",
    ),
    Child(
        "Liam Smith", dt.date(2017, 4, 9), "IEP", dt.date(2027, 9, 1),
        ["Copy from the board", "Open containers"],
        ["visual schedule", "fidget tool", "breaks"], "2x/month", "60 min per month",
    ),
    Child(
        "Mary Kate O'Neil", dt.date(2018, 5, 9), "IEP", dt.date(2027, 3, 3),
        ["Trace shapes", "Snip paper", "Zip a jacket"],
        ["adapted scissors", "wide-ruled paper", "checklist"], "3x/month", "90 min per month",
    ),
    Child(
        "José Ramírez", dt.date(2016, 1, 20), "504", dt.date(2027, 2, 2),
        ["Organize desk"],
        ["checklists", "extra time", "copy of notes"], "1x/week", "30 min per month",
    ),
]  # fmt: skip


def minutes(child: Child) -> int:
    return int(child.minutes.split()[0])


def issue_shape(folder: Path) -> Path:
    """The issue's workbook: Instructions first, the data sheet active, merged title, Totals row, Discharged."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Instructions"
    for line in ("How to use this workbook", "Add one row per student.", "Dates as MM/DD/YYYY.", "Ask Ms. Rivera."):
        notes.append([line])
    sheet = workbook.create_sheet("Caseload")
    sheet.append(["Lincoln Elementary OT Caseload 2026-27"])
    sheet.merge_cells("A1:F1")
    headers = ["Student Name", "DOB", "Gr", "504/IEP", "Annual Due", "Tri Due", "Goal 1", "Goal 2", "Goal 3"]
    sheet.append(headers + ["Accoms", "Freq", "Mins/Month", "Loc", "Teacher"])
    for child in CHILDREN:
        goals = child.goals + [None] * (3 - len(child.goals))
        tri = child.annual.replace(year=child.annual.year + 2)
        row = [child.name, child.dob, "2", child.plan, child.annual, tri, *goals, ", ".join(child.accommodations)]
        sheet.append(row + [child.frequency, minutes(child), "OT room", "Ms. Park"])
    sheet.append([None] * 14)
    sheet.append(["Totals"] + [None] * 10 + [sum(map(minutes, CHILDREN))])
    past = workbook.create_sheet("Discharged")
    past.append(["Student Name", "DOB", "Exit Date"])
    past.append(["Former Student", dt.date(2015, 1, 1), dt.date(2025, 6, 1)])
    workbook.active = 1
    path = folder / "my caseload.xlsx"
    workbook.save(path)
    return path


def numbered_shape(folder: Path) -> Path:
    """Split names and an ID, Accommodation 1..4 columns, a Plan column, sessions per week and minutes per
    session; the data sheet first, a sheet of dropdown lists after it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Students"
    headers = ["Student ID", "Last Name", "First Name", "Birthdate", "Grade", "Plan", "IEP Due", "Re-eval"]
    headers += ["Goal #1", "Goal #2", "Goal #3", "Accommodation 1", "Accommodation 2", "Accommodation 3"]
    sheet.append(headers + ["Accommodation 4", "Sessions/Week", "Mins", "Setting"])
    for number, child in enumerate(CHILDREN, start=101):
        first, last = child.name.rsplit(" ", 1)
        goals = child.goals + [None] * (3 - len(child.goals))
        accommodations = child.accommodations + [None] * (4 - len(child.accommodations))
        plan = "Section 504" if child.plan == "504" else "IEP"
        reeval = child.annual.replace(year=child.annual.year + 1)
        row = [number, last, first, child.dob, "3", plan, child.annual, reeval, *goals, *accommodations]
        sheet.append(row + [2, 30, "Pull-out"])
    lists = workbook.create_sheet("Lists")
    for value in ("IEP", "Section 504", "Pull-out", "Push-in"):
        lists.append([value])
    path = folder / "students.xlsx"
    workbook.save(path)
    return path


def csv_shape(folder: Path) -> Path:
    """A CSV export: "Last, First" names, a Type column, goals in Goal 1/Goal 2, accommodations one per line,
    daily minutes with a stated unit."""
    path = folder / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "DOB", "Grade", "Type", "Annual Review", "Triennial", "Goal 1", "Goal 2", "Goal 3"])
        for child in CHILDREN:
            first, last = child.name.rsplit(" ", 1)
            goals = child.goals + [""] * (3 - len(child.goals))
            tri = child.annual.replace(year=child.annual.year + 3)
            writer.writerow(
                [f"{last}, {first}", child.dob.strftime("%m/%d/%Y"), "4", child.plan, child.annual.isoformat()]
                + [tri.isoformat(), *goals]
            )
    rows = path.read_text(encoding="utf-8").splitlines()
    extra = ["Accommodations,Freq,Daily Minutes,Location"] + [
        '"' + "\n".join(c.accommodations) + f'",daily,{minutes(c)},Classroom' for c in CHILDREN
    ]
    path.write_text("\n".join(f"{a},{b}" for a, b in zip(rows, extra, strict=True)) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def table_column(path: Path, header: str, column: int = 0) -> list[str]:
    """A column's filled cells under the table whose first header cell is ``header``."""
    for table in Document(str(path)).tables:
        if table.rows and table.rows[0].cells[0].text.strip() == header:
            return [row.cells[column].text.strip() for row in table.rows[1:] if row.cells[column].text.strip()]
    raise AssertionError(f"no table headed {header!r} in {path}")


def services(path: Path) -> list[str]:
    for table in Document(str(path)).tables:
        if table.rows and table.rows[0].cells[0].text.strip() == "Service":
            return [" | ".join(c.text.strip() for c in row.cells) for row in table.rows[1:]]
    raise AssertionError(f"no services table in {path}")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(TEMPLATES / "ot-treatment-plan.docx", tmp_path / "ot-treatment-plan.docx")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("shape", "unit"),
    [(issue_shape, "month"), (numbered_shape, "session"), (csv_shape, "day")],
    ids=["issue-workbook", "numbered-columns", "csv-last-first"],
)
def test_a_hand_kept_sheet_becomes_right_plans_with_no_hand_edit(folder: Path, shape, unit: str) -> None:
    source = shape(folder)
    code, said = run("init", str(source), "-t", "ot-treatment-plan.docx", "-o", "mine.yaml", "--today", TODAY)
    assert code == 0, said
    if shape is issue_shape:
        assert "Reading sheet 'Caseload': the sheet open when the workbook was saved, 5 student row(s)." in said
        assert "'Instructions' (instructions, notes or lists, not students)" in said
    code, said = run("check", "-m", "mine.yaml", "--today", TODAY)
    assert code == 0 and "0 error(s)" in said, said
    assert "is empty for all" not in said, said  # no column left unread while its template field is blank
    code, said = run("generate", "-m", "mine.yaml", "--today", TODAY, "-j", "1")
    assert code == 0 and "5 students: 5 created." in said, said
    plans = sorted((folder / "plans").rglob("*.docx"))
    assert len(plans) == 5
    for child in CHILDREN:
        born = child.dob.strftime("%m/%d/%Y")
        (plan,) = [p for p in plans if child.name in p.name and born in docx_text(p)]
        text = docx_text(plan)
        assert f"Student\n{child.name}\n" in text or f"Student\n{child.name} (ID\u00a0" in text
        assert child.annual.strftime("%m/%d/%Y") in text
        assert table_column(plan, "#") == [str(n) for n in range(1, len(child.goals) + 1)]
        assert table_column(plan, "#", 1) == child.goals
        assert table_column(plan, "Accommodation or support") == child.accommodations
        (service,) = services(plan)
        if unit == "month":
            assert child.frequency in service and child.minutes in service
        elif unit == "session":
            assert "2x weekly" in service and "30 min per session" in service
        else:
            assert "daily" in service and f"{minutes(child)} min per day" in service
        if child.plan == "504":
            assert "From the 504 plan" in text and "From the IEP" not in text and "IEP date" not in text
        else:
            assert "From the IEP" in text and "504" not in text


def test_selecting_one_of_two_namesakes_writes_no_new_file_and_open_finds_them(folder: Path) -> None:
    issue_shape(folder)
    run("init", "my caseload.xlsx", "-t", "ot-treatment-plan.docx", "-o", "mine.yaml", "--today", TODAY)
    assert run("generate", "-m", "mine.yaml", "--today", TODAY, "-j", "1")[0] == 0
    before = sorted(p.relative_to(folder) for p in (folder / "plans").rglob("*.docx"))
    code, said = run("generate", "-m", "mine.yaml", "--today", TODAY, "-j", "1", "--student", "Liam Smith")
    assert code != 0 and "2 students are named 'Liam Smith'" in said
    assert "'Liam Smith · 2016-10-02'" in said and "'Liam Smith · 2017-04-09'" in said
    code, said = run("generate", "-m", "mine.yaml", "--today", TODAY, "--student", "Liam Smith · 2016-10-02")
    assert code == 0 and "1 student: 1 unchanged." in said, said
    code, said = run("generate", "-m", "mine.yaml", "--today", TODAY, "--due-within", "30")
    assert code == 0, said
    assert sorted(p.relative_to(folder) for p in (folder / "plans").rglob("*.docx")) == before
    code, said = run("open", "José Ramírez", "-m", "mine.yaml", "--print")
    assert code == 0 and said.strip().endswith("OT Treatment Plan 2026-2027 - José Ramírez.docx"), said
    code, said = run("open", "Ramirez, Jose", "-m", "mine.yaml", "--print")
    assert code == 0 and "José Ramírez" in said


def test_explain_shows_each_field_s_cell_and_the_columns_no_field_reads(folder: Path) -> None:
    issue_shape(folder)
    run("init", "my caseload.xlsx", "-t", "ot-treatment-plan.docx", "-o", "mine.yaml", "--today", TODAY)
    code, said = run("explain", "O'Neil, Mary Kate", "-m", "mine.yaml", "--today", TODAY)
    assert code == 0, said
    assert "Mary Kate O'Neil (key Mary Kate O'Neil · 2018-05-09): where each field of the plan comes from." in said
    assert "  goals = 3 item(s): 'Trace shapes' | 'Snip paper' | 'Zip a jacket'" in said
    assert "my caseload.xlsx, sheet 'Caseload', cell H6 (column 'Goal 2'): 'Snip paper'" in said
    assert "cell D6 (column '504/IEP'): 'IEP'" in said
    assert "Columns no field reads:\n  (none)" in said
