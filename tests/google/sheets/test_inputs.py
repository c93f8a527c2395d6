"""Templates from Google Docs and caseloads from Google Sheets, end to end against the loopback fake.

The real google-api-python-client talks to the fake; the Doc holds a .docx shaped like a Google Docs
export (tags split across runs, curly quotes, a table-row loop), see ``tests/google/gdocs_export.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import AuthError, GoogleError, SourceError, TemplateError
from generator.google.auth import credentials as gcreds
from generator.google.auth import scopes as gscopes
from generator.google.auth.ids import GoogleRef
from generator.google.auth.options import GoogleSignIn
from generator.google.sheets import export_cache as doc_cache
from generator.google.sheets.inputs import GoogleInputs, SheetTable, choose_tab
from tests.google.auth.test_signin import token_json
from tests.google.fakegoogle import FakeGoogle
from tests.google.gdocs_export import docs_like_docx, plan_template
from tests.helpers import docx_text, run_footer, write_xlsx

TAB = "Fall 2026"
HEADER = ["Student ID", "First Name", "Last Name", "Plan Type", "Goals", "Review Date", "Notes"]
ROWS = [
    ["1001", "Ana", "Garcia", "504", "Zip a coat; Cut on a line", dt.datetime(2027, 3, 15), "likes puzzles"],
    ["1002", "Kim", "Lee", "IEP", "Copy 5 words", dt.datetime(2027, 1, 9), None],
    ["1003", "Bao", "Nguyen", "IEP", None, dt.datetime(2026, 12, 1), "new to the school"],
]
MAPPING = f"""\
source: caseload.xlsx
sheet: {TAB}
template: plan.docx
key: student_id
display_name: "{{{{ first_name }}}} {{{{ last_name }}}}"
output:
  folder: "{{{{ last_name }}}}, {{{{ first_name }}}}"
  filename: "OT Plan - {{{{ first_name }}}} {{{{ last_name }}}}"
fields:
  student_id: {{column: Student ID, required: true}}
  first_name: First Name
  last_name: Last Name
  plan_type: Plan Type
  goals: {{column: Goals, type: list}}
  review_date: {{column: Review Date, type: date, format: "%B %-d, %Y"}}
  notes: Notes
"""
DOC_MIME = "application/vnd.google-apps.document"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sheet_url(sheet_id: str, gid: int | None = None) -> str:
    return f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit" + (f"#gid={gid}" if gid is not None else "")


def doc_url(doc_id: str) -> str:
    return f"https://docs.google.com/document/d/{doc_id}/edit"


def plan_texts(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): docx_text(p) for p in sorted(out.glob("*/*.docx"))}


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def exports(fake: FakeGoogle, file_id: str) -> int:
    return fake.count("GET", rf"/files/{file_id}/export")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the real user's sign-in, and keep exported templates out of the real cache."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(doc_cache.ENV_CACHE_DIR, raising=False)
    monkeypatch.delenv(gcreds.ENV_TOKEN_FILE, raising=False)
    return tmp_path / "cache"


class Project:
    """The same caseload and template twice: as local files, and as a Google Sheet and Doc in the fake."""

    def __init__(self, root: Path, fake: FakeGoogle):
        self.dir = root
        self.fake = fake
        root.mkdir(parents=True, exist_ok=True)
        self.token = root / "token.json"
        self.token.write_text(json.dumps(token_json(fake)))
        self.mapping = root / "mapping.yaml"
        self.mapping.write_text(MAPPING)
        self.template = plan_template()
        (root / "plan.docx").write_bytes(self.template)
        write_xlsx(root / "caseload.xlsx", [HEADER, *ROWS], sheet=TAB)
        self.sheet = fake.add_sheet("OT Caseload", {TAB: [HEADER, *ROWS], "Archive": [["old"]]})
        self.doc = fake.add_doc("OT Plan Template", self.template)
        self.archive_gid = fake.sheets.books[self.sheet].tabs[1].sheet_id

    def generate(self, *extra: str, out: str = "plans", google: bool = True):
        inputs = ["-s", sheet_url(self.sheet, 0), "-t", doc_url(self.doc)] if google else []
        return run(
            "generate",
            "-m",
            str(self.mapping),
            "--out",
            str(self.dir / out),
            "--today",
            "2026-11-22",
            "--token-file",
            str(self.token),
            *inputs,
            *extra,
        )

    def grid(self) -> list[list]:
        return self.fake.sheets.grid(self.sheet, TAB)


@pytest.fixture
def project(tmp_path: Path, fake_google: FakeGoogle) -> Project:
    return Project(tmp_path / "project", fake_google)


# --------------------------------------------------------------------------------------------
# A Doc and a Sheet work like the local files
# --------------------------------------------------------------------------------------------


def test_a_doc_and_a_sheet_give_the_plans_the_local_files_give(project: Project, fake_google: FakeGoogle) -> None:
    local = project.generate(out="local", google=False)
    assert local.exit_code == 0, local.output
    fake_google.clear_log()
    result = project.generate(out="google")
    assert result.exit_code == 0, result.output
    assert result.output == "3 students: 3 created.\n" + run_footer(project.dir / "google")
    google_plans = plan_texts(project.dir / "google")
    assert google_plans == plan_texts(project.dir / "local")
    assert lines(google_plans["Garcia, Ana/OT Plan - Ana Garcia.docx"]) == [
        "OT plan for Ana Garcia",
        "Section 504 student",
        "Review: March 15, 2027",
        "Notes: likes puzzles",
        "#",
        "Goal",
        "1",
        "Zip a coat",
        "2",
        "Cut on a line",
    ]
    assert "IEP student" in google_plans["Lee, Kim/OT Plan - Kim Lee.docx"]
    assert [row["template"] for row in manifest(project.dir / "google")] == ["OT Plan Template (Google Doc)"] * 3
    assert exports(fake_google, project.doc) == 1 and exports(fake_google, project.sheet) == 1
    assert [e.query.get("mimeType") for e in fake_google.calls("GET", "/export")] == [
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ]


def test_bare_ids_and_the_mapping_s_links_work_too(project: Project, fake_google: FakeGoogle) -> None:
    result = project.generate("-s", project.sheet, "-t", project.doc, google=False)
    assert result.exit_code == 0, result.output
    project.mapping.write_text(
        MAPPING.replace("caseload.xlsx", sheet_url(project.sheet)).replace("plan.docx", doc_url(project.doc))
    )
    result = project.generate(out="again", google=False)
    assert result.exit_code == 0, result.output
    assert plan_texts(project.dir / "again") == plan_texts(project.dir / "plans")


def test_the_doc_is_exported_once_and_again_only_after_an_edit(
    project: Project, fake_google: FakeGoogle, isolated_dirs: Path
) -> None:
    assert project.generate("--jobs", "2").exit_code == 0
    assert exports(fake_google, project.doc) == 1
    cached = list((isolated_dirs / "plangen" / "docs").iterdir())
    assert [p.name.split(".")[0] for p in cached] == [project.doc]
    assert cached[0].read_bytes() == project.template and oct(cached[0].stat().st_mode & 0o777) == "0o600"

    result = project.generate()
    assert result.output.startswith("3 students: 3 unchanged.\n")
    assert exports(fake_google, project.doc) == 1  # modifiedTime unchanged: the cached export is used

    edited = docs_like_docx([["Plan for {{ first_", "name }} (edited in Docs)"]])
    fake_google.human_edit(project.doc, content=edited)
    result = project.generate()
    assert result.output.startswith("3 students: 3 updated.\n")
    assert exports(fake_google, project.doc) == 2
    assert lines(docx_text(project.dir / "plans" / "Lee, Kim" / "OT Plan - Kim Lee.docx")) == [
        "Plan for Kim (edited in Docs)"
    ]
    assert len(list((isolated_dirs / "plangen" / "docs").iterdir())) == 1  # the old export is dropped


def test_check_and_fields_read_the_doc(
    project: Project, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(
        "check",
        "-m",
        str(project.mapping),
        "--token-file",
        str(project.token),
        "-s",
        sheet_url(project.sheet),
        "-t",
        doc_url(project.doc),
    )
    assert result.exit_code == 0, result.output
    assert "Checked OT Caseload (Google Sheet), sheet 'Fall 2026': 3 student(s) ready" in result.output
    assert exports(fake_google, project.doc) == 1
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    result = run("fields", doc_url(project.doc))
    assert result.output == "first_name\ngoals\nlast_name\nnotes\nplan_type\nreview_date\n"
    assert exports(fake_google, project.doc) == 1


def test_errors_in_the_sheet_name_its_tab_and_cell(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.sheets.books[project.sheet].tabs[0].cells[(2, 5)] = "next spring"
    result = project.generate()
    assert result.exit_code == 2
    assert result.output == (
        "Error: 1 student(s) have data errors, so nothing was written:\n"
        "  Kim Lee: OT Caseload (Google Sheet), sheet 'Fall 2026', cell F3 (column 'Review Date'): review_date is "
        "not a date (use e.g. 2026-10-03 or 10/3/2026).\n"
        "Fix them in the sheet ('plangen check' lists every problem), or add --skip-invalid to write the other "
        "students' plans now.\n"
    )


def test_a_template_error_names_the_doc(project: Project, fake_google: FakeGoogle) -> None:
    broken = fake_google.add_doc("Broken Plan", docs_like_docx([["Name: {{ first_", "name }"]]))
    result = project.generate("-t", doc_url(broken))
    assert result.exit_code == 2
    assert result.output.startswith(
        'Error: Broken Plan (Google Doc): document body, paragraph 1 ("Name: {{ first_name }"): template syntax error:'
    )


# --------------------------------------------------------------------------------------------
# Links that do not lead to a usable Doc or Sheet
# --------------------------------------------------------------------------------------------

MISSING_ID = "1NoSuchFileAnywhere0000000000000"


def test_a_missing_or_unshared_doc_or_sheet(project: Project) -> None:
    result = project.generate("-t", doc_url(MISSING_ID))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The Google Doc '{doc_url(MISSING_ID)}' was not found, or the signed-in Google account cannot open it. "
        "Check the link, and ask its owner to share it with you (with --service-account: with the service "
        "account's email).\n"
    )
    result = project.generate("-s", MISSING_ID)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The Google Sheet '{MISSING_ID}' was not found, or the signed-in Google account cannot open it. "
        "Check the link, and ask its owner to share it with you (with --service-account: with the service "
        f"account's email). (There is no file named '{MISSING_ID}' on this computer either.)\n"
    )
    assert not (project.dir / "plans").exists()


def test_a_wrong_gid_lists_the_tabs(project: Project) -> None:
    result = project.generate("-s", sheet_url(project.sheet, 12345))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The Google Sheets link '{sheet_url(project.sheet, 12345)}' points at the tab gid=12345, which "
        f"OT Caseload (Google Sheet) does not have (was it deleted?). Its tabs: 'Fall 2026' (gid=0), 'Archive' "
        f"(gid={project.archive_gid}). Open the wanted tab and copy the link again.\n"
    )
    result = project.generate("-s", sheet_url(project.sheet, project.archive_gid))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The Google Sheets link '{sheet_url(project.sheet, project.archive_gid)}' points at the tab "
        "'Archive', but the mapping says sheet: 'Fall 2026'. Remove '#gid=...' from the link or change 'sheet:' "
        "so they agree.\n"
    )
    project.mapping.write_text(MAPPING.replace(f"sheet: {TAB}", "sheet: Spring"))
    result = project.generate("-s", sheet_url(project.sheet))
    assert result.output == (
        "Error: OT Caseload (Google Sheet) has no tab named 'Spring'. Its tabs: 'Fall 2026' (gid=0), 'Archive' "
        f"(gid={project.archive_gid}). Fix `sheet:` in the mapping.\n"
    )


def test_a_doc_that_is_not_a_doc(project: Project, fake_google: FakeGoogle) -> None:
    result = project.generate("-t", sheet_url(project.sheet))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The template '{sheet_url(project.sheet)}' is 'OT Caseload', a Google Sheet, "
        "not a Google Doc. Give the link of the Google Doc itself.\n"
    )
    word = fake_google.add_file(
        "plan.docx", project.template, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    result = project.generate("-t", word)
    assert result.output == (
        f"Error: The template '{word}' is 'plan.docx', a Word file stored in Drive, not a "
        "Google Doc. Open it in Google Docs and choose File > Save as Google Docs, then use the "
        "new file's link; or download it and give the file.\n"
    )
    result = project.generate("-s", doc_url(project.doc))
    assert result.output == (
        f"Error: The source '{doc_url(project.doc)}' is 'OT Plan Template', a Google Doc, "
        "not a Google Sheet. Give the link of the Google Sheet itself.\n"
    )
    assert exports(fake_google, project.doc) == 0


def test_a_link_that_is_not_google(project: Project) -> None:
    result = project.generate("-s", "https://example.org/caseload.xlsx")
    assert result.exit_code == 2
    assert result.output.startswith("Error: 'https://example.org/caseload.xlsx' is not a Google Sheets link or ID.")


def test_an_empty_tab_is_named(project: Project, fake_google: FakeGoogle) -> None:
    book = fake_google.add_sheet("New caseload", {TAB: []})
    result = project.generate("-s", sheet_url(book))
    assert result.exit_code == 2
    assert result.output == (
        "Error: New caseload (Google Sheet), sheet 'Fall 2026': is empty. Put the column headers in the first row.\n"
    )


def test_a_drive_file_sign_in_cannot_read_other_people_s_files(project: Project, fake_google: FakeGoogle) -> None:
    project.token.write_text(json.dumps(token_json(fake_google, scopes=[gscopes.DRIVE_FILE_SCOPE])))
    result = project.generate()
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The sign-in saved in {project.token} grants {gscopes.DRIVE_FILE_SCOPE} but plangen needs "
        f"{gscopes.DRIVE_SCOPE}. Run `plangen auth login --client-secrets FILE` to sign in again.\n"
    )
    assert fake_google.count(api="drive") == 0


# --------------------------------------------------------------------------------------------
# GoogleInputs and choose_tab, called directly
# --------------------------------------------------------------------------------------------


def reader(project: Project) -> GoogleInputs:
    return GoogleInputs(GoogleSignIn(token_file=project.token))


def test_a_sheet_tab_becomes_a_table_labelled_with_the_sheet_and_its_origin(project: Project) -> None:
    table = reader(project).read_sheet(GoogleRef(project.sheet, sheet_url(project.sheet)), TAB)
    assert isinstance(table, SheetTable)
    assert table.label == "OT Caseload (Google Sheet), sheet 'Fall 2026'"
    assert table.column_names() == HEADER and table.header_row == 1
    assert [row.values[:3] for row in table.rows] == [
        ["1001", "Ana", "Garcia"],
        ["1002", "Kim", "Lee"],
        ["1003", "Bao", "Nguyen"],
    ]
    assert table.rows[0].values[5] == dt.datetime(2027, 3, 15)  # typed as the local .xlsx reader types it
    assert table.rows[1].location.describe(table.columns[5]) == (
        "OT Caseload (Google Sheet), sheet 'Fall 2026', cell F3 (column 'Review Date')"
    )
    origin = table.origin
    assert origin is not None
    assert (origin.spreadsheet_id, origin.label, origin.tab, origin.sheet_id) == (
        project.sheet,
        "OT Caseload (Google Sheet)",
        TAB,
        0,
    )
    assert origin.column_count == project.fake.sheets.books[project.sheet].tabs[0].cols


def test_the_link_s_tab_is_read_when_the_mapping_names_none(project: Project) -> None:
    ref = GoogleRef(project.sheet, sheet_url(project.sheet, project.archive_gid), gid=project.archive_gid)
    table = reader(project).read_sheet(ref, None)
    assert table.sheet == "Archive" and table.column_names() == ["old"] and table.rows == []
    assert table.origin is not None and table.origin.sheet_id == project.archive_gid


def test_a_doc_template_is_its_label_and_docx_bytes_exported_once(project: Project, fake_google: FakeGoogle) -> None:
    ref = GoogleRef(project.doc, doc_url(project.doc))
    assert reader(project).template_docx(ref) == ("OT Plan Template (Google Doc)", project.template)
    assert reader(project).template_docx(ref) == ("OT Plan Template (Google Doc)", project.template)
    assert exports(fake_google, project.doc) == 1  # a second reader (a later run) uses the cached export


def test_nothing_is_signed_in_until_google_is_needed(tmp_path: Path) -> None:
    inputs = GoogleInputs(GoogleSignIn(token_file=tmp_path / "no-token.json"))  # no file: fine until used
    with pytest.raises(AuthError) as caught:
        inputs.template_docx(GoogleRef("1" + "a" * 32, "x"))
    assert str(tmp_path / "no-token.json") in str(caught.value)


def test_a_file_the_account_may_not_open_is_the_caller_s_error(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.fail(403, path=rf"/files/{project.doc}$", reason="forbidden", message="The user has no access.")
    with pytest.raises(TemplateError) as caught:
        reader(project).template_docx(GoogleRef(project.doc, doc_url(project.doc)))
    assert str(caught.value).startswith(
        f"The Google Doc '{doc_url(project.doc)}' cannot be opened by the signed-in Google account ("
    )
    assert "The user has no access." in str(caught.value)


def test_a_doc_too_large_to_export_says_what_to_do(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.drive.export_limit = 100
    with pytest.raises(TemplateError) as caught:
        reader(project).template_docx(GoogleRef(project.doc, doc_url(project.doc)))
    assert str(caught.value) == (
        "OT Plan Template (Google Doc) is too large for Google to export (Google's limit is "
        "10 MB). Remove large pictures, or download it and give plangen the file instead."
    )
    with pytest.raises(SourceError, match=r"^OT Caseload \(Google Sheet\) is too large for Google to export"):
        reader(project).read_sheet(GoogleRef(project.sheet, project.sheet), TAB)


def test_any_other_export_failure_is_a_google_error(project: Project, fake_google: FakeGoogle) -> None:
    fake_google.fail(400, path="/export$", reason="badRequest", message="Export refused.")
    with pytest.raises(GoogleError) as caught:
        reader(project).read_sheet(GoogleRef(project.sheet, project.sheet), TAB)
    assert str(caught.value).startswith("Google could not export OT Caseload (Google Sheet): ")


TABS = [{"title": "Fall", "sheetId": 0}, {"title": "Spring", "sheetId": 77}, {"title": "Archive", "sheetId": 5}]


def test_choose_tab_gid_then_sheet_then_first() -> None:
    link = GoogleRef("id", "link", gid=77)
    assert choose_tab(TABS, link, None, "L")["title"] == "Spring"
    assert choose_tab(TABS, link, "Spring", "L")["title"] == "Spring"  # both say the same tab
    assert choose_tab(TABS, GoogleRef("id", "link"), "Archive", "L")["sheetId"] == 5
    assert choose_tab(TABS, GoogleRef("id", "link"), None, "L")["title"] == "Fall"
    assert choose_tab([{"title": "Only"}], GoogleRef("id", "link", gid=0), None, "L") == {"title": "Only"}


def test_choose_tab_skips_hidden_tabs_unless_named() -> None:
    tabs = [{"title": "Last Year", "sheetId": 0, "hidden": True}, *TABS[1:]]
    assert choose_tab(tabs, GoogleRef("id", "link"), None, "L")["title"] == "Spring"
    assert choose_tab(tabs, GoogleRef("id", "link"), "Last Year", "L")["title"] == "Last Year"
    assert choose_tab(tabs, GoogleRef("id", "link", gid=0), None, "L")["title"] == "Last Year"
    with pytest.raises(SourceError) as caught:
        choose_tab(tabs[:1], GoogleRef("id", "link"), None, "L")
    assert str(caught.value) == (
        "L has only hidden tabs ('Last Year' (gid=0, hidden)). Name the one to read with `sheet:` in the mapping."
    )


def test_a_hidden_first_tab_is_not_the_caseload(project: Project, fake_google: FakeGoogle) -> None:
    book = fake_google.add_sheet(
        "Two years", {"Last Year": [["ID"], ["1"]], "Caseload": [["ID"], ["2"]]}, hidden=("Last Year",)
    )
    ref = GoogleRef(book, sheet_url(book))
    table = reader(project).read_sheet(ref, None)
    assert (table.sheet, [row.values for row in table.rows]) == ("Caseload", [["2"]])
    assert [row.values for row in reader(project).read_sheet(ref, "Last Year").rows] == [["1"]]


def test_choose_tab_refusals() -> None:
    with pytest.raises(SourceError, match=r"^L has no tabs\.$"):
        choose_tab([], GoogleRef("id", "link"), None, "L")
    with pytest.raises(SourceError, match=r"points at the tab 'Spring', but the mapping says sheet: 'Fall'"):
        choose_tab(TABS, GoogleRef("id", "link", gid=77), "Fall", "L")
    with pytest.raises(SourceError, match=r"points at the tab gid=9, which L does not have"):
        choose_tab(TABS, GoogleRef("id", "link", gid=9), None, "L")
    with pytest.raises(SourceError) as caught:
        choose_tab(TABS, GoogleRef("id", "link"), "fall", "L")  # tab names are matched exactly
    assert str(caught.value) == (
        "L has no tab named 'fall'. Its tabs: 'Fall' (gid=0), 'Spring' (gid=77), 'Archive' "
        "(gid=5). Fix `sheet:` in the mapping."
    )
