"""Workbooks read as Excel shows them: visible sheets, the 1904 date system, displayed numbers, merged cells."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from generator.errors import SourceError
from generator.sources.cells import to_date, to_integer, to_text
from generator.sources.excel import list_sheets
from generator.sources.tables import read_table
from tests.helpers import write_workbook, write_xlsx


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_first_visible_sheet_by_default_and_a_hidden_one_only_by_name(tmp_path: Path, state: str):
    path = write_workbook(
        tmp_path / "c.xlsx", {"Last Year": [["ID"], [1]], "Caseload": [["ID"], [2]]}, {"Last Year": state}
    )
    table = read_table(path)
    assert (table.sheet, table.rows[0].values) == ("Caseload", [2])
    assert read_table(path, "Last Year").rows[0].values == [1]
    assert [(s.title, s.hidden) for s in list_sheets(path)] == [("Last Year", True), ("Caseload", False)]


def test_unknown_sheet_lists_the_hidden_ones_marked(tmp_path: Path):
    path = write_workbook(tmp_path / "c.xlsx", {"Old": [["ID"], [1]], "Caseload": [["ID"], [2]]}, {"Old": "hidden"})
    with pytest.raises(SourceError) as err:
        read_table(path, "Students")
    assert "Sheets in this workbook: 'Old' (hidden), 'Caseload'. Fix `sheet:`" in str(err.value)


def test_1904_date_system_for_date_cells_and_serial_numbers(tmp_path: Path):
    serial = (dt.date(2018, 3, 4) - dt.date(1904, 1, 1)).days
    path = write_workbook(
        tmp_path / "mac.xlsx",
        {"S": [["DOB", "Serial", "Minutes"], [dt.datetime(2018, 3, 4), serial, 30]]},
        epoch=CALENDAR_MAC_1904,
    )
    dob, typed_serial, minutes = read_table(path).rows[0].values
    assert to_date(dob) == dt.date(2018, 3, 4)
    assert to_date(typed_serial) == dt.date(2018, 3, 4)  # four years and a day off in the 1900 system
    assert (to_integer(minutes), to_text(minutes)) == (30, "30")  # other numbers are untouched


def test_serial_numbers_in_a_1900_workbook(tmp_path: Path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Serial"], [(dt.date(2018, 3, 4) - dt.date(1899, 12, 30)).days]])
    assert to_date(read_table(path).rows[0].values[0]) == dt.date(2018, 3, 4)


def formatted(path: Path, cells: list[tuple[object, str]]) -> list:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"C{i}" for i in range(len(cells))])
    for column, (value, number_format) in enumerate(cells, start=1):
        cell = sheet.cell(row=2, column=column, value=value)
        cell.number_format = number_format
    book.save(path)
    return read_table(path).rows[0].values


def test_text_is_what_excel_displays_and_typed_fields_use_the_value(tmp_path: Path):
    values = formatted(
        tmp_path / "f.xlsx",
        [
            (0.8, "0%"),
            (0.125, "0.0%"),
            (12.5, "$#,##0.00"),
            (1234567, "#,##0"),
            (3, "0.00"),
            (1234.5, "#,##0.00 [$€-407]"),
            (dt.datetime(2018, 3, 4), "mmmm d, yyyy"),
            (dt.time(14, 30), "h:mm AM/PM"),
            (0.1 + 0.2, "General"),
            (30, "General"),
            (42, '0 "min"'),
        ],
    )
    assert [to_text(v) for v in values] == [
        "80%",
        "12.5%",
        "$12.50",
        "1,234,567",
        "3.00",
        "1.234,50 €",
        "March 4, 2018",
        "2:30 PM",
        "0.3",
        "30",
        "42 min",
    ]
    assert to_integer(values[4]) == 3 and to_integer(values[10]) == 42
    assert to_date(values[6]) == dt.date(2018, 3, 4)
    assert values[0] == 0.8  # the value itself is unchanged


def test_short_date_format_prints_in_the_mappings_date_format(tmp_path: Path):
    """Built-in format 14 is the computer's regional short date: the mapping's date_format stands in for it."""
    (value,) = formatted(tmp_path / "d.xlsx", [(dt.datetime(2018, 3, 4), "mm-dd-yy")])
    assert to_text(value) == "03/04/2018"
    assert to_text(value, "%d.%m.%Y") == "04.03.2018"


def test_merged_cells_give_every_covered_row_the_value(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["ID", "Setting", "Note", "Extra"],
        [1, "Pull-out", "shared", None],
        [2, None, None, None],
        [3, None, None, None],
        [4, "Push-in", "own", None],
    ]:
        sheet.append(row)
    sheet.merge_cells("B2:B4")
    sheet.merge_cells("C2:D3")  # across two columns: the value belongs to the first column's rows
    book.save(tmp_path / "m.xlsx")
    table = read_table(tmp_path / "m.xlsx")
    assert [r.values[1:3] for r in table.rows] == [
        ["Pull-out", "shared"],
        ["Pull-out", "shared"],
        ["Pull-out", None],
        ["Push-in", "own"],
    ]
    assert [r.values[3] for r in table.rows] == [None, None, None, None]


def test_merged_header_cells_across_columns_stay_one_header(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Name", None])
    sheet.append([1, "Ana", "Ruiz"])
    sheet.merge_cells("B1:C1")
    book.save(tmp_path / "h.xlsx")
    assert read_table(tmp_path / "h.xlsx").column_names() == ["ID", "Name"]


def _rewrite(source: Path, target: Path, part: str, change) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = change(data)
                if data is None:
                    continue
            zout.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("part", "change", "words"),
    [
        (
            "xl/worksheets/sheet1.xml",
            lambda d: d[: len(d) // 2],
            "is damaged (a part inside it is not well-formed XML)",
        ),
        ("xl/workbook.xml", lambda d: d.replace(b"<sheets>", b"<sheets"), "is damaged (a part inside it is not"),
        ("xl/styles.xml", lambda d: b"<styleSheet", "is damaged"),
        ("xl/worksheets/sheet1.xml", lambda d: None, "has no worksheet (it is damaged"),
    ],
)
def test_damaged_workbooks_name_the_file(tmp_path: Path, part: str, change, words: str):
    good = write_xlsx(tmp_path / "good.xlsx", [["ID", "Name"], [1, "Secret Name"]])
    bad = _rewrite(good, tmp_path / "bad.xlsx", part, change)
    with pytest.raises(SourceError) as err:
        read_table(bad)
    assert str(err.value).startswith(f"{bad}: ") and words in str(err.value)
    assert "Secret" not in str(err.value)


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_workbook_names_the_file(tmp_path: Path, cut: float):
    good = write_xlsx(tmp_path / "good.xlsx", [["ID", "Name"], *[[i, f"Name {i}"] for i in range(200)]])
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(SourceError) as err:
        read_table(bad)
    assert str(err.value).startswith(f"{bad}: ")


def test_corrupted_compressed_data_names_the_file(tmp_path: Path):
    good = write_xlsx(tmp_path / "good.xlsx", [["ID", "Name"], *[[i, f"Name {i}"] for i in range(200)]])
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0x5A
    bad = tmp_path / "flipped.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(SourceError) as err:
        read_table(bad)
    assert str(err.value).startswith(f"{bad}: ") and "damaged" in str(err.value)


def _prefixed(data: bytes) -> bytes:
    """The sheet as some non-Excel writers save it: every tag with a namespace prefix (<x:c>, <x:f>)."""
    import re

    data = re.sub(rb"<(/?)(?![?!])(\w+)(?=[\s>/])", rb"<\1x:\2", data)
    return data.replace(
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        1,
    )


@pytest.mark.parametrize("prefixed", [False, True], ids=["plain", "prefixed tags"])
def test_formulas_and_merges_far_into_a_large_sheet_are_still_found(tmp_path: Path, prefixed: bool):
    """The sheet's XML is scanned in pieces of 1 MB: what lies past the first piece still counts."""
    from generator.sources.cells import UncachedFormula

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Setting", "Minutes", "Sessions", "Weeks"])
    for number in range(1, 10001):
        sheet.append([number, "Pull-out", 30, 2, 36])
    sheet.append([10001, "Push-in", "=10*3", 1, 36])  # a formula saved without its result
    sheet.append([10002, None, 45, 1, 36])
    sheet.merge_cells("B10002:B10003")  # Push-in covers the last student too
    path = book.save(tmp_path / "big.xlsx") or tmp_path / "big.xlsx"
    if prefixed:
        path = _rewrite(path, tmp_path / "prefixed.xlsx", "xl/worksheets/sheet1.xml", _prefixed)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert len(xml) > 2_000_000 and (b"<x:f>" in xml) == prefixed
    table = read_table(path)
    assert len(table.rows) == 10002 and table.rows[0].values == [1, "Pull-out", 30, 2, 36]
    formula, merged = table.rows[-2].values, table.rows[-1].values
    assert isinstance(formula[2], UncachedFormula) and formula[1] == "Push-in"
    assert merged[:3] == [10002, "Push-in", 45]


@pytest.mark.parametrize(
    "dimension", [b'<dimension ref="A1"/>', b'<dimension ref="A1:B3"/>', b""], ids=["A1", "too small", "none"]
)
def test_every_row_and_column_is_read_whatever_the_declared_used_range_says(tmp_path: Path, dimension: bytes):
    """Programs other than Excel often write a wrong <dimension>; a read-only openpyxl sheet stops there
    and three children would silently get no plan."""
    import re

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Name", "Minutes"])
    for number in range(1, 6):
        sheet.append([number, f"Kid {number}", 30])
    book.save(tmp_path / "right.xlsx")
    path = _rewrite(
        tmp_path / "right.xlsx",
        tmp_path / "wrong.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<dimension ref="[^"]*"/>', dimension, data),
    )
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:C6"/>' not in archive.read("xl/worksheets/sheet1.xml")
    table = read_table(path)
    assert table.column_names() == ["ID", "Name", "Minutes"]
    assert [row.values for row in table.rows] == [[n, f"Kid {n}", 30] for n in range(1, 6)]
    assert [row.location.row for row in table.rows] == [2, 3, 4, 5, 6]


# ------------------------------------------------------------------------------------------------
# Issue 24: Excel's _xHHHH_ escapes, its 29 February 1900, and Strict Open XML workbooks
# ------------------------------------------------------------------------------------------------

ESCAPED = [  # (text as a program hands it to Excel, what Excel then shows)
    ("line one\x0bline two", "line one\nline two"),
    ("tab\there", "tab here"),
    ("bell\x07 and \x01\x1f gone", "bell and  gone"),
    ("literal _x000B_ stays", "literal _x000B_ stays"),  # stored as _x005F_x000B_
    ("_x0041_", "_x0041_"),
    ("under_score_x_", "under_score_x_"),
    ("emoji 😀 and é", "emoji 😀 and é"),
]


def _xlsxwriter_book(path: Path, texts: list[str]) -> Path:
    """Shared strings as Excel writes them (XlsxWriter escapes control characters and a literal _xHHHH_)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Caseload")
    sheet.write_row(0, 0, ["ID", "Note"])
    for row, text in enumerate(texts, start=1):
        sheet.write_row(row, 0, [row, text])
    book.close()
    return path


def test_excel_escapes_in_shared_strings_are_decoded_as_excel_does(tmp_path: Path):
    path = _xlsxwriter_book(tmp_path / "c.xlsx", [text for text, _ in ESCAPED])
    assert b"_x005F_x000B_" in zipfile.ZipFile(path).read("xl/sharedStrings.xml")
    table = read_table(path)
    assert [to_text(row.values[1]) for row in table.rows] == [shown for _, shown in ESCAPED]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("a_x000B_b", "a\nb"),
        ("a_x000b_b", "a\nb"),  # lower-case hex digits too
        ("_x005F_x000B_", "_x000B_"),
        ("_x005F__x0041_", "_A"),
        ("_xD83D__xDE00_", "😀"),  # a surrogate pair
        ("_x00e9_t_x00E9_", "été"),
        ("_x12_ _x12345_ x000B_ _x000G_", "_x12_ _x12345_ x000B_ _x000G_"),  # not escapes
    ],
)
def test_excel_escapes_in_inline_strings_and_shared_strings(tmp_path: Path, stored: str, shown: str):
    def put(data: bytes) -> bytes:
        assert b"PLACEHOLDER" in data
        return data.replace(b"PLACEHOLDER", stored.encode())

    inline = write_xlsx(tmp_path / "inline.xlsx", [["ID", "Note"], [1, "PLACEHOLDER"]])
    inline = _rewrite(inline, tmp_path / "inline2.xlsx", "xl/worksheets/sheet1.xml", put)
    assert to_text(read_table(inline).rows[0].values[1]) == shown
    shared = _xlsxwriter_book(tmp_path / "shared.xlsx", ["PLACEHOLDER"])
    shared = _rewrite(shared, tmp_path / "shared2.xlsx", "xl/sharedStrings.xml", put)
    assert to_text(read_table(shared).rows[0].values[1]) == shown


SERIALS = [  # serial, the date (None: Excel's 29 February 1900), how Excel shows it in three formats
    (1, dt.date(1900, 1, 1), "1/1/1900", "Sunday, January 1, 1900", "01-Jan-00"),
    (2, dt.date(1900, 1, 2), "1/2/1900", "Monday, January 2, 1900", "02-Jan-00"),
    (59, dt.date(1900, 2, 28), "2/28/1900", "Tuesday, February 28, 1900", "28-Feb-00"),
    (60, None, "2/29/1900", "Wednesday, February 29, 1900", "29-Feb-00"),
    (60.75, None, "2/29/1900", "Wednesday, February 29, 1900", "29-Feb-00"),
    (61, dt.date(1900, 3, 1), "3/1/1900", "Thursday, March 1, 1900", "01-Mar-00"),
    (45000, dt.date(2023, 3, 15), "3/15/2023", "Wednesday, March 15, 2023", "15-Mar-23"),
]
FORMATS = ("m/d/yyyy", "dddd, mmmm d, yyyy", "dd-mmm-yy")


@pytest.mark.parametrize("case", SERIALS, ids=[str(s[0]) for s in SERIALS])
def test_serials_below_61_and_the_1900_leap_day_are_shown_as_excel_shows_them(tmp_path: Path, case):
    serial, date, *shown = case
    values = formatted(tmp_path / "d.xlsx", [(serial, fmt) for fmt in FORMATS] + [(serial, "General")])
    assert [to_text(v) for v in values[:3]] == shown
    for value in values:  # formatted as a date or typed as a plain serial number, a date field reads the same
        if date is None:
            with pytest.raises(ValueError, match="29 February 1900 that never was"):
                to_date(value)
        else:
            assert to_date(value) == date
    if date is None:
        assert to_text(values[0], "%d.%m.%Y") == "2/29/1900"  # the sheet's own format wins for text
        short = formatted(tmp_path / "short.xlsx", [(serial, "mm-dd-yy")])[0]  # Excel's regional short date
        assert (to_text(short), to_text(short, "%d %B %Y (%a)")) == ("02/29/1900", "29 February 1900 (Wed)")


def test_serial_60_in_a_1904_workbook_is_an_ordinary_day(tmp_path: Path):
    path = write_workbook(
        tmp_path / "mac.xlsx", {"S": [["D"], [60]]}, epoch=CALENDAR_MAC_1904, formats={"A2": "m/d/yyyy"}
    )
    value = read_table(path).rows[0].values[0]
    assert (to_date(value), to_text(value)) == (dt.date(1904, 3, 1), "3/1/1904")


def _strict(source: Path, target: Path) -> Path:
    """The workbook as Excel's "Strict Open XML Spreadsheet" names its parts."""
    usual_to_strict = (
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (b"http://schemas.openxmlformats.org/officeDocument/2006/", b"http://purl.oclc.org/ooxml/officeDocument/"),
        (b"http://schemas.openxmlformats.org/drawingml/2006/", b"http://purl.oclc.org/ooxml/drawingml/"),
    )
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            for usual, strict in usual_to_strict:
                data = data.replace(usual, strict)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            out.writestr(info, data)
    return target


def test_a_strict_open_xml_workbook_reads_like_any_other_and_warns_nothing(tmp_path: Path, recwarn, capfd):
    usual = write_workbook(
        tmp_path / "usual.xlsx",
        {"Old": [["ID"], [0]], "Caseload": [["ID", "Name", "DOB", "Score"], [1, "Ana", dt.datetime(2018, 3, 4), 0.8]]},
        {"Old": "hidden"},
        formats={"D2": "0%"},
        merges=("B3:B4",),
    )
    strict = _strict(usual, tmp_path / "strict.xlsx")
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("xl/workbook.xml")
    table = read_table(strict)
    assert table.sheet == "Caseload" and [c.name for c in table.columns] == ["ID", "Name", "DOB", "Score"]
    _, name, dob, score = table.rows[0].values
    assert (name, to_date(dob), to_text(score)) == ("Ana", dt.date(2018, 3, 4), "80%")
    assert [(s.title, s.hidden) for s in list_sheets(strict)] == [("Old", True), ("Caseload", False)]
    shared = _strict(_xlsxwriter_book(tmp_path / "s.xlsx", ["a\x0bb"]), tmp_path / "strict-shared.xlsx")
    assert to_text(read_table(shared).rows[0].values[1]) == "a\nb"
    assert len(recwarn) == 0 and capfd.readouterr().err == ""


def test_a_damaged_strict_workbook_is_refused_in_one_line(tmp_path: Path, recwarn):
    usual = write_xlsx(tmp_path / "usual.xlsx", [["ID"], [1]])
    strict = _strict(usual, tmp_path / "whole.xlsx")
    strict = _rewrite(strict, tmp_path / "strict.xlsx", "xl/workbook.xml", lambda data: data[: len(data) // 2])
    with pytest.raises(SourceError) as caught:
        read_table(strict)
    message = str(caught.value)
    assert message.startswith(f"{strict}: ") and "\n" not in message and "save it again" in message
    assert len(recwarn) == 0
