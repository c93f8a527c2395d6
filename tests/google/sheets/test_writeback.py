"""``generate --write-back``: plan link, status and time on each student's row of the Google Sheet.

Against the fake through the real client; every test compares the whole grid before and after, so a
cell written by mistake anywhere in the sheet fails it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import ConfigError, WriteBackError
from generator.google.auth.ids import GoogleRef
from generator.google.auth.options import GoogleSignIn
from generator.google.sheets import writeback
from generator.google.sheets.inputs import GoogleInputs
from generator.google.sheets.writeback import (
    SheetLayout,
    a1,
    cell_values,
    entered,
    quote_tab,
    write_back,
    write_back_targets,
)
from generator.mapping.load import load_mapping
from generator.output.report import CREATED, FAILED, UNCHANGED, UPDATED, Outcome, Report
from generator.pipeline import RunOptions, generate
from generator.sources.tables import read_table
from tests.google.fakegoogle import DROP, DROP_AFTER, FakeGoogle
from tests.google.sheets.test_inputs import HEADER, TAB, Project, doc_url, run, sheet_url
from tests.google.sheets.test_inputs import isolated_dirs as isolated_dirs  # noqa: F401  (autouse fixture)
from tests.helpers import make_template, run_footer

PLAN_COLUMNS = ["Plan Link", "Plan Status", "Plan Updated"]
VALUES_WRITES = r"/values:batchUpdate$"
GRID_WRITES = r"/spreadsheets/[^/]+:batchUpdate$"


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


def padded(grid: list[list], width: int) -> list[list]:
    return [row + [""] * (width - len(row)) for row in grid]


def unchanged_outside(before: list[list], after: list[list], columns: set[int]) -> None:
    """Every cell of ``before`` is still there, and nothing else changed outside ``columns``."""
    width = max(len(r) for r in after + before)
    assert len(after) == len(before)
    for old, new in zip(padded(before, width), padded(after, width), strict=True):
        assert [v for i, v in enumerate(new) if i not in columns] == [v for i, v in enumerate(old) if i not in columns]


def test_links_status_and_time_fill_new_columns_and_nothing_else(project: Project, fake_google: FakeGoogle) -> None:
    before = project.grid()
    archive = fake_google.sheets.grid(project.sheet, "Archive")
    result = project.generate("--write-back")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "3 students: 3 created.\n"
        "Plan links written to OT Caseload (Google Sheet), sheet 'Fall 2026': 3 row(s).\n"
        + run_footer(project.dir / "plans")
    )
    after = project.grid()
    unchanged_outside(before, after, {7, 8, 9})
    assert after[0] == HEADER + PLAN_COLUMNS  # appended after the last used column (G)
    links = [row[7:9] for row in after[1:]]
    assert links == [
        ["Garcia, Ana/OT Plan - Ana Garcia.docx", "created"],
        ["Lee, Kim/OT Plan - Kim Lee.docx", "created"],
        ["Nguyen, Bao/OT Plan - Bao Nguyen.docx", "created"],
    ]
    assert all(isinstance(row[9], dt.datetime) for row in after[1:])  # a real date-time: the Sheet sorts it
    assert all(abs(row[9] - dt.datetime.now()) < dt.timedelta(minutes=5) for row in after[1:])
    assert fake_google.sheets.grid(project.sheet, "Archive") == archive
    assert fake_google.count("POST", VALUES_WRITES) == 1 and fake_google.count("POST", GRID_WRITES) == 0

    fake_google.clear_log()
    result = project.generate("--write-back")
    assert result.output.startswith("3 students: 3 unchanged.\nPlan links written")
    again = project.grid()
    unchanged_outside(after, again, {8})  # only the status column changes: no new column, no moved row
    assert [row[8] for row in again] == ["Plan Status", "unchanged", "unchanged", "unchanged"]
    assert [row[9] for row in again] == [row[9] for row in after]  # the time the plan was last written
    assert fake_google.count("POST", VALUES_WRITES) == 1
    assert fake_google.count(api="sheets") == 3  # the tabs, the grid before writing, the one write


def test_several_rows_per_student_and_an_existing_column(
    tmp_path: Path, project: Project, fake_google: FakeGoogle
) -> None:
    tab = "Fall '26 IEP"
    rows = [
        ["Student ID", "First Name", "Last Name", "plan  status", "Goal"],
        ["1001", "Ana", "Garcia", None, "Zip a coat"],
        ["1001", "Ana", "Garcia", "keep me", "Cut on a line"],
        [None, None, None, None, None],
        ["1002", "Kim", "Lee", None, "Copy 5 words"],
        ["1002", "Kim", "Lee", None, "Tie shoes", None, "call mom"],
    ]
    sheet = fake_google.add_sheet("IEP services", {tab: rows})
    mapping = project.dir / "iep.yaml"
    mapping.write_text(f"""\
sheet: "{tab}"
rows_per_student: many
template: iep.docx
key: student_id
fields:
  student_id: Student ID
  first_name: First Name
  goals: {{type: records, item: {{text: Goal}}}}
""")
    make_template(project.dir / "iep.docx", ["{{ first_name }}: {% for g in goals %}{{ g.text }}; {% endfor %}"])
    before = fake_google.sheets.grid(sheet, tab)
    result = run(
        "generate",
        "-m",
        str(mapping),
        "-s",
        sheet_url(sheet),
        "--out",
        str(project.dir / "plans"),
        "--token-file",
        str(project.token),
        "--write-back",
    )
    assert result.exit_code == 0, result.output
    after = fake_google.sheets.grid(sheet, tab)
    unchanged_outside(before, after, {3, 7, 8})
    assert after[0] == [
        "Student ID",
        "First Name",
        "Last Name",
        "plan  status",
        "Goal",
        "",
        "",
        "Plan Link",
        "Plan Updated",
    ]
    assert [row[3] for row in after] == ["plan  status", "created", "keep me", "", "created", ""]
    assert [row[7] for row in after[1:]] == [
        "1001/Treatment Plan - 1001.docx",
        "",
        "",
        "1002/Treatment Plan - 1002.docx",
        "",
    ]


def test_a_full_grid_is_widened_first(project: Project, fake_google: FakeGoogle) -> None:
    wide = HEADER + [f"Extra {n}" for n in range(26 - len(HEADER))]
    sheet = fake_google.add_sheet("Wide caseload", {TAB: [wide, ["1001", "Ana", "Garcia", "IEP"]]})
    assert fake_google.sheets.books[sheet].tabs[0].cols == 26
    result = project.generate("--write-back", "-s", sheet_url(sheet))
    assert result.exit_code == 0, result.output
    assert fake_google.sheets.books[sheet].tabs[0].cols == 29
    assert fake_google.sheets.grid(sheet, TAB)[0] == wide + PLAN_COLUMNS
    assert fake_google.count("POST", GRID_WRITES) == 1 and fake_google.count("POST", VALUES_WRITES) == 1


@pytest.mark.parametrize("fault", [DROP_AFTER, DROP])
def test_a_dropped_connection_while_widening_widens_once(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    monkeypatch.setattr(writeback, "RETRY_BASE_DELAY", 0.001)
    wide = HEADER + [f"Extra {n}" for n in range(26 - len(HEADER))]
    sheet = fake_google.add_sheet("Wide caseload", {TAB: [wide, ["1001", "Ana", "Garcia", "IEP"]]})
    fake_google.fail(fault, method="POST", path=GRID_WRITES)  # DROP_AFTER: widened, but the answer is lost
    result = project.generate("--write-back", "-s", sheet_url(sheet))
    assert result.exit_code == 0, result.output
    assert fake_google.sheets.books[sheet].tabs[0].cols == 29  # not 32: the lost widening was seen, not repeated
    assert fake_google.sheets.grid(sheet, TAB)[0] == wide + PLAN_COLUMNS
    assert fake_google.count("POST", GRID_WRITES) == (1 if fault == DROP_AFTER else 2)


def test_values_are_typed_as_text_except_the_time() -> None:
    assert entered('=HYPERLINK("x")') == '\'=HYPERLINK("x")'  # never a formula
    assert entered("0012") == "'0012" and entered("2026-11-22 10:00") == "'2026-11-22 10:00"
    assert entered("2026-11-22 10:00", as_time=True) == "2026-11-22 10:00"  # a date-time the Sheet sorts
    assert entered("not a time", as_time=True) == "'not a time"


def test_rows_moved_during_the_run_are_found_by_key(project: Project, fake_google: FakeGoogle) -> None:
    tab = fake_google.sheets.books[project.sheet].tabs[0]

    def someone_inserts_a_row(_total: int) -> None:
        tab.cells = {(r + 1 if r >= 1 else r, c): v for (r, c), v in tab.cells.items()}
        tab.cells.update({(1, 0): "1009", (1, 1): "Zed", (1, 2): "Ames"})

    options = RunOptions(
        mapping=project.mapping,
        source=sheet_url(project.sheet),
        template=doc_url(project.doc),
        out_dir=project.dir / "plans",
        today=dt.date(2026, 11, 22),
        write_back=True,
        google=GoogleSignIn(token_file=project.token),
    )
    report = generate(options, on_start=someone_inserts_a_row)
    assert report.exit_code == 0 and report.errors == []
    grid = project.grid()
    assert [row[:2] + row[7:9] for row in grid] == [
        ["Student ID", "First Name", "Plan Link", "Plan Status"],
        ["1009", "Zed", "", ""],
        ["1001", "Ana", "Garcia, Ana/OT Plan - Ana Garcia.docx", "created"],
        ["1002", "Kim", "Lee, Kim/OT Plan - Kim Lee.docx", "created"],
        ["1003", "Bao", "Nguyen, Bao/OT Plan - Bao Nguyen.docx", "created"],
    ]


def test_a_student_removed_during_the_run_is_a_warning(project: Project, fake_google: FakeGoogle) -> None:
    tab = fake_google.sheets.books[project.sheet].tabs[0]

    def someone_deletes_kim(_total: int) -> None:
        tab.cells = {key: v for key, v in tab.cells.items() if key[0] != 2}

    options = RunOptions(
        mapping=project.mapping,
        source=sheet_url(project.sheet),
        template=doc_url(project.doc),
        out_dir=project.dir / "plans",
        write_back=True,
        google=GoogleSignIn(token_file=project.token),
    )
    report = generate(options, on_start=someone_deletes_kim)
    assert report.warnings == [
        "Kim Lee: no row with key '1002' in the Google Sheet any more, so its plan link was not written."
    ]
    assert report.notes == ["Plan links written to OT Caseload (Google Sheet), sheet 'Fall 2026': 2 row(s)."]


def test_a_failed_student_gets_the_reason_and_keeps_the_old_link(project: Project, fake_google: FakeGoogle) -> None:
    assert project.generate("--write-back").exit_code == 0
    before = project.grid()
    fake_google.sheets.books[project.sheet].tabs[0].cells[(2, 5)] = "next spring"
    result = project.generate("--write-back", "--skip-invalid")
    assert result.exit_code == 1
    after = project.grid()
    unchanged_outside(before, after, {5, 8})
    assert (after[2][7], after[2][9]) == (before[2][7], before[2][9])  # link and time of the last good plan
    assert after[2][8] == (
        "failed: OT Caseload (Google Sheet), sheet 'Fall 2026', cell F3 (column 'Review Date'): "
        "review_date is not a date (use e.g. 2026-10-03 or 10/3/2026)."
    )


def test_with_drive_the_link_is_the_google_doc(project: Project, fake_google: FakeGoogle) -> None:
    result = project.generate("--write-back", "--drive", "root", "--create-folders")
    assert result.exit_code == 0, result.output
    plans = {f.name: f for f in fake_google.files() if f.app_properties.get("plangen") == "plan"}
    ana = plans["OT Plan - Ana Garcia"]
    assert project.grid()[1][7] == f"https://docs.google.com/document/d/{ana.id}/edit?usp=drivesdk"


def test_a_local_caseload_is_never_written(project: Project) -> None:
    caseload = project.dir / "caseload.xlsx"
    before = caseload.read_bytes()
    result = project.generate("--write-back", google=False)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: --write-back fills in plan links in a Google Sheet, but the caseload caseload.xlsx, sheet 'Fall 2026' "
        f"is a file on this computer, which plangen never changes: the run's record is the manifest "
        f"({project.dir / 'plans' / 'manifest.csv'}). Drop --write-back, or give the caseload's Google Sheet link "
        "as --source.\n"
    )
    assert not (project.dir / "plans").exists()
    assert caseload.read_bytes() == before


def test_a_dry_run_writes_nothing_to_the_sheet(project: Project, fake_google: FakeGoogle) -> None:
    before = project.grid()
    result = project.generate("--write-back", "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: nothing written to OT Caseload (Google Sheet), sheet 'Fall 2026'.\n" in result.output
    assert project.grid() == before and fake_google.count("POST", VALUES_WRITES) == 0


def test_a_sheet_that_cannot_be_written_is_reported_after_the_plans(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.share_as(project.sheet, "reader")  # view-only for the signed-in account
    before = project.grid()
    result = project.generate("--write-back")
    assert result.exit_code == 1
    assert result.stdout.startswith("3 students: 3 created.\n")
    assert result.stderr == (
        "error: Could not write the plan links to OT Caseload (Google Sheet), sheet 'Fall 2026': the signed-in Google "
        "account can only view this Sheet (or the cells are protected): ask the Sheet's owner for edit access, then "
        "run again. The plans themselves were written; the manifest lists them.\n"
    )
    assert project.grid() == before
    assert len(list((project.dir / "plans").glob("*/*.docx"))) == 3


# --------------------------------------------------------------------------------------------
# The write-back module called directly
# --------------------------------------------------------------------------------------------


def test_layout_finds_the_header_the_key_and_the_plan_columns() -> None:
    grid = [
        [],
        ["", ""],
        ["", "Student ID ", "Name", "PLAN LINK", "", "Notes"],
        ["", 1001.0, "Ana", "old link"],
        ["", None, "blank key"],
        ["", "1002", "Kim", "", "", "", "", "x"],
        ["", 1001, "Ana again"],
    ]
    layout = SheetLayout.of(grid, "student  id", "Caseload")
    assert layout.header_row == 2
    assert layout.plan_columns == [3, 8, 9]  # the existing 'Plan Link', then after the last used column (H)
    assert layout.new_columns == [("Plan Status", 8), ("Plan Updated", 9)]
    assert layout.rows == {"1001": 3, "1002": 5}  # a number key as the sheet's text; the first row wins


def test_layout_refuses_a_sheet_emptied_or_without_its_key_column() -> None:
    with pytest.raises(WriteBackError, match=r"^Caseload, sheet 'Fall' is empty now\.$"):
        SheetLayout.of([[], ["", "  "]], "Student ID", "Caseload, sheet 'Fall'")
    with pytest.raises(WriteBackError) as caught:
        SheetLayout.of([["", "ID"], ["", "1001"]], "Student ID", "Caseload")
    assert str(caught.value) == "Caseload no longer has the key column 'Student ID' in row 1."


def test_cell_values_per_status() -> None:
    written = Outcome("1001", "Ana", CREATED, "Ana/Plan.docx", "t.docx", "2026-11-22T09:05:59-08:00")
    assert cell_values(written) == ("Ana/Plan.docx", CREATED, "2026-11-22 09:05")
    unchanged = Outcome("1001", "Ana", UNCHANGED, "Ana/Plan.docx", "t.docx", "2026-11-22T09:05:59-08:00")
    assert cell_values(unchanged) == ("Ana/Plan.docx", UNCHANGED, None)  # keeps the time it was last written
    failed = Outcome(
        "1002",
        "Kim",
        FAILED,
        "Kim/Plan.docx",
        "t.docx",
        "2026-11-22T09:06:00-08:00",
        "review is not a date.\nsecond line",
    )
    assert cell_values(failed) == (None, "failed: review is not a date.", None)  # the old link stays
    assert cell_values(Outcome("1", "A", FAILED))[1] == "failed"
    long = cell_values(Outcome("1", "A", FAILED, message="x" * 500))[1]
    assert long == ("failed: " + "x" * 500)[:300]
    assert cell_values(Outcome("1", "A", UPDATED, "", time="not a time")) == (None, UPDATED, "not a time")


def test_a1_notation_quotes_every_tab_name() -> None:
    assert quote_tab("Fall") == "'Fall'" and quote_tab("Fall '26 IEP") == "'Fall ''26 IEP'"
    assert a1("Fall '26", 4, 10) == "'Fall ''26'!K5"
    assert a1("Sheet1", 0, 27) == "'Sheet1'!AB1"


def test_targets_are_the_roster_s_google_sheets(project: Project) -> None:
    mapping = load_mapping(project.mapping)
    local = {"main": read_table(project.dir / "caseload.xlsx", TAB)}
    with pytest.raises(
        ConfigError,
        match=r"^--write-back fills in plan links in a Google Sheet, but the caseload "
        r"caseload\.xlsx, sheet 'Fall 2026' is a file on this computer",
    ):
        write_back_targets(mapping, local, project.dir / "plans")
    inputs = GoogleInputs(GoogleSignIn(token_file=project.token))
    sheet = inputs.read_sheet(GoogleRef(project.sheet, sheet_url(project.sheet)), TAB)
    (target,) = write_back_targets(mapping, {"main": sheet}, project.dir / "plans")
    assert target.table is sheet and target.key_header == "Student ID" and target.origin.tab == TAB


def test_write_back_fills_the_rows_of_a_report_and_warns_about_keys_it_cannot_find(
    project: Project, fake_google: FakeGoogle
) -> None:
    inputs = GoogleInputs(GoogleSignIn(token_file=project.token))
    sheet = inputs.read_sheet(GoogleRef(project.sheet, sheet_url(project.sheet)), TAB)
    targets = write_back_targets(load_mapping(project.mapping), {"main": sheet}, project.dir / "plans")
    report = Report()
    report.add(Outcome("1002", "Kim Lee", CREATED, "Lee, Kim/Plan.docx", "t.docx", "2026-11-22T10:00:00+00:00"))
    report.add(Outcome("1009", "Eva Diaz", CREATED, "Diaz, Eva/Plan.docx", "t.docx", "2026-11-22T10:00:00+00:00"))
    report.add(Outcome("", "(no key)", FAILED, message="the student key is blank"))  # nothing to find: skipped
    before = project.grid()
    write_back(targets, report, inputs)
    after = project.grid()
    unchanged_outside(before, after, {7, 8, 9})
    assert [row[7:] for row in after] == [
        PLAN_COLUMNS,
        ["", "", ""],
        ["Lee, Kim/Plan.docx", "created", dt.datetime(2026, 11, 22, 10, 0)],
        ["", "", ""],
    ]
    assert report.notes == ["Plan links written to OT Caseload (Google Sheet), sheet 'Fall 2026': 1 row(s)."]
    assert report.warnings == [
        "Eva Diaz: no row with key '1009' in the Google Sheet any more, so its plan link was not written."
    ]
    assert report.errors == []
