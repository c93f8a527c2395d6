"""The caseload overview: caseload.xlsx read back cell by cell, caseload.html loaded in headless Chromium."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.output.overview import COLUMNS, CONFIDENTIAL, MINUTES_NOTE, NOT_GENERATED, STATUS_WORDS
from tests.helpers import TODAY, chromium, chromium_run, make_template

SAMPLE_STUDENTS = 27
PLAN = "OT Treatment Plan"  # the plan columns are named by the kind of plan (the mapping's file name pattern)
STATUS = f"{PLAN}: status"


def generate(sample_copy: Path, out: Path, *extra: str):
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "-m",
            str(sample_copy / "mappings" / "caseload.yaml"),
            "--out",
            str(out),
            "--today",
            TODAY.isoformat(),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result


def read_rows(out: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[dict]]:
    sheet = openpyxl.load_workbook(out / "caseload.xlsx").active
    header = [c.value for c in sheet[2]]
    assert header[: len(COLUMNS)] == list(COLUMNS)
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]
    return sheet, rows


def next_meeting(row: dict) -> dt.datetime:
    dates = [d for d in (row["Annual review"], row["Re-evaluation"]) if d is not None]
    assert row["Next meeting"] == min(dates, default=None)
    return min(dates, default=dt.datetime.max)  # students without dates come last


def test_every_student_is_listed_sorted_by_next_meeting_with_urgent_rows_filled(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--student", "1001", "--student", "1010")
    assert f"Caseload overview: {out / 'caseload.xlsx'} and {out / 'caseload.html'}" in result.output
    sheet, rows = read_rows(out)
    assert CONFIDENTIAL in sheet["A1"].value and CONFIDENTIAL in sheet.oddHeader.center.text
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:L{SAMPLE_STUDENTS + 2}"
    assert MINUTES_NOTE in sheet["A1"].value and "as of 11/22/2026" in sheet["A1"].value
    assert len(rows) == SAMPLE_STUDENTS  # selected or not
    meetings = [next_meeting(r) for r in rows]
    assert meetings == sorted(meetings)
    by_key = {r["Student ID"]: r for r in rows}
    assert set(by_key) == {str(n) for n in range(1001, 1028)}
    hanna, liam, ana = by_key["1010"], by_key["1001"], by_key["1018"]
    assert rows[0] is hanna  # the one overdue review comes first
    assert hanna["Student"] == "Hanna Kowalski" and hanna[STATUS] == "written"
    assert hanna["Annual review"] == dt.datetime(2026, 11, 11) and hanna["Days until it"] == -11
    assert hanna["Meeting"] == "annual review" and by_key["1007"]["Meeting"] == "re-evaluation"
    # namesakes are told apart by their ID
    assert (by_key["1006"]["Student"], by_key["1007"]["Student"]) == ("Sofia Martinez (1006)", "Sofia Martinez (1007)")
    # Her IEP runs 11/2025-11/2026: the plan carries that school year (service_period), not the run date's.
    assert hanna[PLAN] == "Kowalski, Hanna/OT Treatment Plan 2025-2026 - Hanna Kowalski.docx"
    assert (out / hanna[PLAN]).is_file()
    assert liam["Days until it"] == 9 and liam["Re-evaluation"] == dt.datetime(2027, 11, 15)
    assert (liam["Plan type"], liam["Minutes a week"], liam["Provider"]) == ("IEP", 30, "Alex Rivera, OTR/L")
    assert ana["Plan type"] == "Section 504 Plan" and ana["Re-evaluation"] is None
    assert ana[STATUS] == STATUS_WORDS[NOT_GENERATED] and ana[PLAN] is None  # not selected: no plan yet
    fills = {r["Student ID"]: sheet.cell(index + 3, 1).fill.fgColor.rgb[-6:] for index, r in enumerate(rows)}
    assert fills["1010"] == "FFC7CE"  # overdue
    # within 30 days of the next meeting: Liam, Amara, Lena (annual review) and Sofia 1007 (re-evaluation)
    assert sorted(k for k, fill in fills.items() if fill == "FFEB9C") == ["1001", "1005", "1007", "1021"]
    # the link as Excel writes a relative one: the same path, backslashed and percent-encoded
    assert unquote(sheet.cell(3, 11).hyperlink.target).replace("\\", "/") == hanna[PLAN]
    # every cell of an urgent row is filled, dates show as the plans print them, links look like links
    assert {sheet.cell(3, column).fill.fgColor.rgb[-6:] for column in range(1, 13)} == {"FFC7CE"}
    assert {sheet.cell(3, column).number_format for column in (3, 6, 7)} == {"mm/dd/yyyy"}
    assert sheet.cell(3, 11).font.underline == "single" and not sheet.cell(3, 2).font.underline
    plain = next(index + 3 for index, r in enumerate(rows) if fills[r["Student ID"]] not in ("FFC7CE", "FFEB9C"))
    assert sheet.cell(plain, 10).fill.fill_type is None and sheet.cell(plain, 6).number_format == "mm/dd/yyyy"

    generate(sample_copy, out, "--student", "1018")  # the others keep their last run's status
    _sheet, rows = read_rows(out)
    by_key = {r["Student ID"]: r for r in rows}
    assert by_key["1018"][STATUS] == "written" and by_key["1010"][STATUS] == "written"
    assert by_key["1001"][PLAN] == liam[PLAN] and by_key["1003"][STATUS] == STATUS_WORDS[NOT_GENERATED]


def test_a_mapping_without_the_usual_fields_leaves_those_columns_blank(tmp_path: Path):
    source = tmp_path / "c.csv"
    source.write_text("ID,Name,Review,Mins\n1,Ana,2026-12-01,30\n2,Ben,,\n3,Cy,2026-11-30,\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "key: id\nreview_date: review\noverview: {minutes_per_week: mins}\nfields:\n  id: ID\n"
        "  name: Name\n  review: {column: Review, type: date}\n  mins: {column: Mins, type: integer}\n"
        "display_name: '{{ name }}'\noutput: {folder: '{{ name }}', filename: Plan}\n"
    )
    template = make_template(tmp_path / "t.docx", ["{{ name }}"])
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "-m",
            str(mapping),
            "-s",
            str(source),
            "-t",
            str(template),
            "-o",
            str(out),
            "--today",
            TODAY.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    _sheet, rows = read_rows(out)
    assert [(r["Student"], r["Days until it"], r["Minutes a week"], r["Plan type"], r["Provider"]) for r in rows] == [
        ("Cy", 8, None, None, None),
        ("Ana", 9, 30, None, None),
        ("Ben", None, None, None, None),
    ]
    assert [r["Plan: status"] for r in rows] == ["written"] * 3  # a file name pattern with no words: "Plan"


def test_an_overview_setting_naming_an_unknown_field_is_a_mapping_error(tmp_path: Path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("key: id\noverview:\n  provider: therapst\nfields:\n  id: ID\n  therapist: {value: A}\n")
    result = CliRunner().invoke(cli, ["check", "-m", str(mapping), "-s", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert (
        f"{mapping}, line 3: overview provider 'therapst' is not one of the fields. Did you mean 'therapist'?"
        in result.output
    )


class TableRows(HTMLParser):
    """The caseload table's rows (data-key and cell texts) and every link and script in the page."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []
        self.links: list[str] = []
        self.external: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-key" in attrs:
            self.rows.append((attrs["data-key"], attrs.get("class") or "", []))
        elif tag == "td" and self.rows:
            self._cell = []
        elif tag == "a":
            self.links.append(attrs["href"])
        if tag in ("script", "link", "img", "iframe") or attrs.get("src"):
            self.external.append(tag)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][2].append("".join(self._cell))
            self._cell = None


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make test installs it on CI)")
def test_caseload_html_in_headless_chromium_lists_every_student_in_order_with_working_links(
    sample_copy: Path, tmp_path: Path
):
    out = tmp_path / "plans"
    generate(sample_copy, out)
    _sheet, rows = read_rows(out)
    page = out / "caseload.html"
    screenshot = tmp_path / "caseload.png"
    chromium_run(page, f"--screenshot={screenshot}", "--window-size=1400,1200")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
    dom = TableRows()
    dom.feed(chromium_run(page, "--dump-dom"))
    assert len(dom.rows) == SAMPLE_STUDENTS
    assert [key for key, _css, _cells in dom.rows] == [r["Student ID"] for r in rows]  # same order as the workbook
    assert [cells[0] for _key, _css, cells in dom.rows] == [r["Student"] for r in rows]
    assert [key for key, css, _cells in dom.rows if css == "overdue"] == ["1010"]
    assert sorted(key for key, css, _cells in dom.rows if css == "soon") == ["1001", "1005", "1007", "1021"]
    assert dom.external == []
    assert len(dom.links) == SAMPLE_STUDENTS
    for link, row in zip(dom.links, rows, strict=True):
        target = Path(url2pathname(urlsplit(urljoin(page.as_uri(), link)).path))
        assert target.is_file() and target == (out / row[PLAN]).resolve()
    assert "Confidential student record" in page.read_text(encoding="utf-8")


def test_the_seis_overview_has_weekly_minutes_from_the_service_rows(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "-m",
            str(sample_copy / "mappings" / "seis.yaml"),
            "--out",
            str(out),
            "--today",
            TODAY.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    _sheet, rows = read_rows(out)
    by_key = {r["Student ID"]: r for r in rows}
    amelia = by_key["7300101"]
    # Direct 30 min weekly and a 15 min monthly consult (15 / 4.33 = 3): 33 minutes a week
    assert amelia["Minutes a week"] == 33
    assert by_key["7300107"]["Minutes a week"] == 600  # 60 min x 2 times daily, 5 school days
    assert (amelia["Provider"], amelia["Plan type"]) == ("Alex Rivera, OTR/L", "IEP")
    assert amelia["Annual review"] == dt.datetime(2027, 1, 13) and amelia["Days until it"] == 52
    assert [next_meeting(r) for r in rows] == sorted(next_meeting(r) for r in rows)
    assert rows[-1]["Student"] == "Quinn Sullivan" and rows[-1]["Annual review"] is None  # no IEP Dates row


def run_mapping(mapping: Path, out: Path, *extra: str):
    args = ["generate", "-m", str(mapping), "--out", str(out), "--today", TODAY.isoformat(), *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result


def test_one_overview_per_folder_lists_every_mapping_written_into_it(sample_copy: Path, tmp_path: Path):
    """The 504 caseload run after the OT caseload into one folder: every student of both, merged by key."""
    out = tmp_path / "plans"
    mappings = sample_copy / "mappings"
    run_mapping(mappings / "caseload.yaml", out)
    run_mapping(mappings / "caseload-504.yaml", out)
    _sheet, rows = read_rows(out)
    assert len(rows) == SAMPLE_STUDENTS
    by_key = {r["Student ID"]: r for r in rows}
    both = [key for key, r in by_key.items() if r["Section 504 Plan"]]
    assert sorted(both) == ["1004", "1011", "1018", "1027"]  # the 504 students: both plans on one row
    for key in both:
        row = by_key[key]
        assert row[PLAN].startswith(row["Student"].split()[-1]) and row[STATUS] == "written"
        assert row["Section 504 Plan"].endswith(".docx") and row["Section 504 Plan: status"] == "written"
        assert (out / row["Section 504 Plan"]).is_file() and (out / row[PLAN]).is_file()
    # Running the OT caseload again keeps the 504 plans on the overview, now "up to date".
    run_mapping(mappings / "caseload.yaml", out)
    _sheet, again = read_rows(out)
    assert len(again) == SAMPLE_STUDENTS
    assert {r["Student ID"]: r["Section 504 Plan"] for r in again} == {
        r["Student ID"]: r["Section 504 Plan"] for r in rows
    }
    assert {r[STATUS] for r in again} == {"up to date"}
    page = (out / "caseload.html").read_text(encoding="utf-8")
    assert page.count("<tr ") == SAMPLE_STUDENTS and "Section 504 Plan: status" in page
    assert "caseload-504" not in page and "Key" not in page and "created" not in page


def test_an_overview_file_from_an_older_version_keeps_its_statuses(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    (out / ".plangen").mkdir(parents=True)
    plan = "O'Brien, Liam/old plan.docx"
    (out / ".plangen" / "overview.json").write_text(f'{{"1001": {{"status": "kept-edited", "plan": "{plan}"}}}}')
    run_mapping(sample_copy / "mappings" / "caseload.yaml", out, "--student", "1002")
    _sheet, rows = read_rows(out)
    liam = next(r for r in rows if r["Student ID"] == "1001")
    assert (liam[PLAN], liam[STATUS]) == (plan, "edited by you, kept")


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make test installs it on CI)")
def test_on_a_phone_each_student_is_a_card_that_starts_with_the_name_and_the_next_meeting(
    sample_copy: Path, tmp_path: Path
):
    out = tmp_path / "plans"
    generate(sample_copy, out)
    page = out / "caseload.html"
    text = page.read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert "@media (max-width:700px)" in text and "td[data-label]::before{content:attr(data-label)" in text
    screenshot = tmp_path / "phone.png"
    chromium_run(page, f"--screenshot={screenshot}", "--window-size=400,900")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = TableRows()
    dom.feed(chromium_run(page, "--dump-dom"))
    first = dom.rows[0][2]
    assert first[:5] == ["Hanna Kowalski", "1010", "11/11/2026", "annual review", "11 days ago"]
