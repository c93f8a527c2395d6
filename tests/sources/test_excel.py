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
