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
from generator.output.overview import COLUMNS, CONFIDENTIAL, NOT_GENERATED
from tests.helpers import TODAY, chromium, chromium_run, make_template

SAMPLE_STUDENTS = 27


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
    assert [c.value for c in sheet[2]] == list(COLUMNS)
    rows = [dict(zip(COLUMNS, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]
    return sheet, rows


def next_meeting(row: dict) -> dt.datetime:
    dates = [d for d in (row["Next annual review"], row["Next re-evaluation"]) if d is not None]
    return min(dates, default=dt.datetime.max)  # students without dates come last


def test_every_student_is_listed_sorted_by_next_meeting_with_urgent_rows_filled(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = generate(sample_copy, out, "--student", "1001", "--student", "1010")
    assert f"Caseload overview: {out / 'caseload.xlsx'} and {out / 'caseload.html'}" in result.output
    sheet, rows = read_rows(out)
    assert CONFIDENTIAL in sheet["A1"].value and CONFIDENTIAL in sheet.oddHeader.center.text
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:J{SAMPLE_STUDENTS + 2}"
    assert len(rows) == SAMPLE_STUDENTS  # selected or not
    meetings = [next_meeting(r) for r in rows]
    assert meetings == sorted(meetings)
    by_key = {r["Key"]: r for r in rows}
    assert set(by_key) == {str(n) for n in range(1001, 1028)}
    hanna, liam, ana = by_key["1010"], by_key["1001"], by_key["1018"]
    assert rows[0] is hanna  # the one overdue review comes first
    assert hanna["Student"] == "Hanna Kowalski" and hanna["Last status"] == "created"
    assert hanna["Next annual review"] == dt.datetime(2026, 11, 11) and hanna["Days until review"] == -11
    # Her IEP runs 11/2025-11/2026: the plan carries that school year (service_period), not the run date's.
    assert hanna["Plan"] == "Kowalski, Hanna/OT Treatment Plan 2025-2026 - Hanna Kowalski.docx"
    assert (out / hanna["Plan"]).is_file()
    assert liam["Days until review"] == 9 and liam["Next re-evaluation"] == dt.datetime(2027, 11, 15)
    assert (liam["Plan type"], liam["Service minutes/week"], liam["Provider"]) == ("IEP", 30, "Alex Rivera, OTR/L")
    assert ana["Plan type"] == "Section 504 Plan" and ana["Next re-evaluation"] is None
    assert ana["Last status"] == NOT_GENERATED and ana["Plan"] is None  # not selected: no plan yet
    fills = {r["Key"]: sheet.cell(index + 3, 1).fill.fgColor.rgb[-6:] for index, r in enumerate(rows)}
    assert fills["1010"] == "FFC7CE"  # overdue
    # within 30 days of the next meeting: Liam, Amara, Lena (annual review) and Sofia 1007 (re-evaluation)
    assert sorted(k for k, fill in fills.items() if fill == "FFEB9C") == ["1001", "1005", "1007", "1021"]
    # the link as Excel writes a relative one: the same path, backslashed and percent-encoded
    assert unquote(sheet.cell(3, 3).hyperlink.target).replace("\\", "/") == hanna["Plan"]
    # every cell of an urgent row is filled, dates show as dates, links look like links, plain rows stay plain
    assert {sheet.cell(3, column).fill.fgColor.rgb[-6:] for column in range(1, 11)} == {"FFC7CE"}
    assert sheet.cell(3, 6).number_format == sheet.cell(3, 8).number_format == "yyyy-mm-dd"
    assert sheet.cell(3, 3).font.underline == "single" and not sheet.cell(3, 2).font.underline
    plain = next(index + 3 for index, r in enumerate(rows) if fills[r["Key"]] not in ("FFC7CE", "FFEB9C"))
    assert sheet.cell(plain, 10).fill.fill_type is None and sheet.cell(plain, 6).number_format == "yyyy-mm-dd"

    generate(sample_copy, out, "--student", "1018")  # the others keep their last run's status
    _sheet, rows = read_rows(out)
    by_key = {r["Key"]: r for r in rows}
    assert by_key["1018"]["Last status"] == "created" and by_key["1010"]["Last status"] == "created"
    assert by_key["1001"]["Plan"] == liam["Plan"] and by_key["1003"]["Last status"] == NOT_GENERATED


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
    assert [
        (r["Student"], r["Days until review"], r["Service minutes/week"], r["Plan type"], r["Provider"]) for r in rows
    ] == [("Cy", 8, None, None, None), ("Ana", 9, 30, None, None), ("Ben", None, None, None, None)]


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
    assert [key for key, _css, _cells in dom.rows] == [r["Key"] for r in rows]  # same order as the workbook
    assert [cells[0] for _key, _css, cells in dom.rows] == [r["Student"] for r in rows]
    assert [key for key, css, _cells in dom.rows if css == "overdue"] == ["1010"]
    assert sorted(key for key, css, _cells in dom.rows if css == "soon") == ["1001", "1005", "1007", "1021"]
    assert dom.external == []
    assert len(dom.links) == SAMPLE_STUDENTS
    for link, row in zip(dom.links, rows, strict=True):
        target = Path(url2pathname(urlsplit(urljoin(page.as_uri(), link)).path))
        assert target.is_file() and target == (out / row["Plan"]).resolve()
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
    amelia = next(r for r in rows if r["Key"] == "7300101")
    # Direct 30 min weekly and a monthly consult: 30 minutes a week; dates from the IEP Dates report
    assert amelia["Service minutes/week"] == 30
    assert (amelia["Provider"], amelia["Plan type"]) == ("Alex Rivera, OTR/L", "IEP")
    assert amelia["Next annual review"] == dt.datetime(2027, 1, 13) and amelia["Days until review"] == 52
    assert [next_meeting(r) for r in rows] == sorted(next_meeting(r) for r in rows)
    assert rows[-1]["Student"] == "Quinn Sullivan" and rows[-1]["Next annual review"] is None  # no IEP Dates row
