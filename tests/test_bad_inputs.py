"""A corpus of bad inputs: each gives a located message and an exit code, writes no plan, and no traceback."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from tests.helpers import docx_text, make_template, write_workbook, write_xlsx

MAPPING = """key: id
display_name: "{{ first }} {{ last }}"
fields:
  id: {column: Student ID, required: true}
  first: {column: First, required: true}
  last: Last
  dob: {column: DOB, type: date}
  minutes: {column: Minutes, type: integer}
  ota: {column: OTA, type: yesno}
  note: Note
output: {folder: "{{ last }}, {{ first }}", filename: Plan}
"""
HEADER = ["Student ID", "First", "Last", "DOB", "Minutes", "OTA", "Note"]
GOOD_ROW = [1001, "Ana", "Ruiz", "2018-03-04", 30, "Yes", "likes trains"]
TEMPLATE = ["{{ first }} {{ last }} ({{ id }}) born {{ dob }}", "{{ minutes }} min, OTA {{ ota }}", "{{ note }}"]


@dataclass
class Case:
    """Files for one run: the mapping text, the source (name, writer) and the template paragraphs."""

    mapping: str = MAPPING
    source_name: str = "c.xlsx"
    write_source: Callable[[Path], None] | None = None
    template: list[str] | None = None
    template_bytes: bytes | None = None
    template_name: str = "t.docx"
    extra: tuple[str, ...] = ()

    def build(self, tmp: Path) -> list[str]:
        (tmp / "m.yaml").write_text(self.mapping, encoding="utf-8")
        source = tmp / self.source_name
        (self.write_source or rows([GOOD_ROW]))(source)
        template = tmp / self.template_name
        if self.template_bytes is not None:
            template.write_bytes(self.template_bytes)
        else:
            make_template(template, self.template or TEMPLATE)
        return ["-m", str(tmp / "m.yaml"), "-s", str(source), "-t", str(template), *self.extra]


def rows(data: list[list], header: list = HEADER) -> Callable[[Path], None]:
    return lambda path: write_xlsx(path, [header, *data], sheet="Caseload")


def raw(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def merged_header(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Student ID", "Name", None, "DOB", "Minutes", "OTA", "Note"])
    sheet.merge_cells("B1:C1")
    sheet.append([1001, "Ana", "Ruiz", "2018-03-04", 30, "Yes", ""])
    workbook.save(path)


def empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def broken_xml_docx(path: Path) -> bytes:
    make_template(path, TEMPLATE)
    good = path.read_bytes()
    out = path.with_name("broken.docx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    assert good != out.read_bytes()
    return out.read_bytes()


def template_with_property(tmp: Path) -> bytes:
    path = make_template(tmp / "p.docx", TEMPLATE)
    doc = Document(str(path))
    doc.core_properties.comments = "fields in {{ }} are filled in"
    doc.save(path)
    return path.read_bytes()


def replace(find: str, new: str) -> str:
    assert find in MAPPING
    return MAPPING.replace(find, new)


FAILING: dict[str, tuple[Case, int, list[str]]] = {
    # source files
    "xlsx that is not a zip": (
        Case(write_source=raw(b"Student ID,First\n1,Ana\n")),
        2,
        ["c.xlsx", "is not a valid .xlsx file", "save it again as .xlsx"],
    ),
    "password-protected workbook": (
        Case(write_source=raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)),
        2,
        ["c.xlsx", "password-protected", "without a password"],
    ),
    "old binary .xls": (
        Case(source_name="c.xls", write_source=raw(b"\xd0\xcf\x11\xe0")),
        2,
        ["c.xls", "old binary Excel (.xls)", "save it as .xlsx"],
    ),
    "unsupported source type": (
        Case(source_name="c.numbers", write_source=raw(b"x")),
        2,
        ["c.numbers", "unsupported file type '.numbers'"],
    ),
    "missing source file": (Case(write_source=lambda path: None), 2, ["c.xlsx", "file not found"]),
    "source is a folder": (
        Case(source_name="folder.xlsx", write_source=lambda path: path.mkdir()),
        2,
        ["folder.xlsx", "is a folder"],
    ),
    "empty sheet": (Case(write_source=empty_workbook), 2, ["c.xlsx", "is empty", "column headers in the first row"]),
    "header-only sheet": (Case(write_source=rows([])), 2, ["c.xlsx", "header row but no students"]),
    "duplicate headers": (
        Case(write_source=rows([GOOD_ROW + ["x"]], HEADER + ["first "])),
        2,
        ["the header 'First' appears in more than one column", "B ('First'), H ('first')"],
    ),
    "merged header cells": (
        Case(
            mapping=replace("first: {column: First", "first: {column: Name").replace("last: Last", "last: Last Name"),
            write_source=merged_header,
        ),
        2,
        ["field 'last' reads column 'Last Name'", "Columns in c.xlsx", "'Name', 'DOB'"],
    ),
    "csv with NUL bytes": (
        Case(source_name="c.csv", write_source=raw(b"Student ID,First\x00\n")),
        2,
        ["c.csv: line 1 holds a NUL byte", "CSV UTF-8"],
    ),
    "sheet name not found": (
        Case(mapping="sheet: Students\n" + MAPPING),
        2,
        ["no sheet named 'Students'", "'Caseload'", "Fix `sheet:`"],
    ),
    "column the sheet lacks": (
        Case(mapping=replace("column: DOB", "column: Birth Date")),
        2,
        ["m.yaml, line 7: field 'dob' reads column 'Birth Date'", "Columns in c.xlsx"],
    ),
    # cell values: data errors stop the run before anything is written
    "formula error #REF!": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", "2018-03-04", "#REF!", "Yes", ""]])),
        2,
        ["cell E2 (column 'Minutes')", "formula error #REF!"],
    ),
    "formula error #N/A in text": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Yes", "#N/A"]])),
        2,
        ["cell G2 (column 'Note')", "formula error #N/A"],
    ),
    "uncached formula": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", None, "=10*3", "Yes", ""]])),
        2,
        ["cell E2 (column 'Minutes')", "formula saved without its result", "save it"],
    ),
    "unreadable date": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", "31/31/2018", 30, "Yes", ""]])),
        2,
        ["cell D2 (column 'DOB')", "not a date"],
    ),
    "unreadable number": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", None, "thirty", "Yes", ""]])),
        2,
        ["cell E2 (column 'Minutes')", "not a number"],
    ),
    "unreadable yes/no": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "maybe", ""]])),
        2,
        ["cell F2 (column 'OTA')", "not yes/no"],
    ),
    "required field empty": (
        Case(write_source=rows([[1001, None, "Ruiz", None, 30, "Yes", ""]])),
        2,
        ["required field 'first' is empty (column 'First')"],
    ),
    "blank key": (
        Case(write_source=rows([[None, "Ana", "Ruiz", None, 30, "Yes", ""]])),
        2,
        ["cell A2 (column 'Student ID')", "the student key is blank"],
    ),
    "duplicate key rows": (
        Case(write_source=rows([GOOD_ROW, GOOD_ROW])),
        2,
        ["rows 2, 3 have the same 'Student ID'", "exactly one row"],
    ),
    # mapping files
    "missing mapping file": (Case(extra=("-m", "/nonexistent/m.yaml")), 2, ["m.yaml: mapping file not found"]),
    "mapping is a list": (Case(mapping="- id\n- first\n"), 2, ["top level must be a mapping", "not a list"]),
    "mapping yaml syntax": (Case(mapping=MAPPING + "  bad: [unclosed\n"), 2, ["m.yaml, line", "Fix the YAML syntax"]),
    "empty mapping": (Case(mapping=""), 2, ["m.yaml, line 1: 'fields' must be a mapping"]),
    "unknown mapping key": (
        Case(mapping=MAPPING + "templat: t.docx\n"),
        2,
        ["unknown setting 'templat'", "Did you mean 'template'?"],
    ),
    "unknown field type": (
        Case(mapping=replace("type: date", "type: datetime")),
        2,
        ["field 'dob': type must be one of", "Did you mean 'date'?"],
    ),
    "key is not a field": (
        Case(mapping=replace("key: id", "key: student_id")),
        2,
        ["key 'student_id' is not one of the fields"],
    ),
    "bad computed field": (
        Case(mapping=MAPPING.replace("fields:\n", "fields:\n  full: {value: '{{ first '}\n")),
        2,
        ["field 'full'", "Check the {{ }} and {% %} tags"],
    ),
    # templates
    "template is not a docx": (Case(template_bytes=b"just text"), 2, ["t.docx", "is not a .docx file"]),
    "old binary .doc template": (
        Case(template_name="t.doc", template_bytes=b"\xd0\xcf\x11\xe0"),
        2,
        ["t.doc", ".doc templates are not supported", "Word Document (.docx)"],
    ),
    "missing template": (Case(extra=("-t", "/nonexistent/t.docx")), 2, ["t.docx: template not found"]),
    "unbalanced tags": (
        Case(template=["{% if ota %}with OTA", "{{ first }}"]),
        2,
        ['paragraph 1 ("{% if ota %}with OTA")', "Unexpected end of template", "{% endif %}"],
    ),
    "unclosed variable": (Case(template=["Name: {{ first }"]), 2, ["paragraph 1", "unexpected '}'"]),
    "unknown filter": (Case(template=["{{ first | upcase }}"]), 2, ["No filter named 'upcase'", "upper"]),
    "field the mapping lacks": (
        Case(template=["{{ frist }}"]),
        2,
        ["uses field(s) that", "frist Did you mean 'first'?"],
    ),
    "tag in document properties": (Case(template_bytes=b""), 2, ["document property 'comments'", "braces"]),
    "plain for across table rows": (Case(template=["Goals"]), 2, ["t.docx", "{% for g in goals %}"]),
    "broken xml inside the docx": (Case(template_bytes=b""), 2, ["cannot be opened", "repair it"]),
    "sandbox escape attempt": (
        Case(template=["{{ first.__class__.__mro__ }}"]),
        2,
        ["the template uses '__mro__'", "Python internals"],
    ),
}


def _prepare(name: str, case: Case, tmp: Path) -> list[str]:
    if name == "tag in document properties":
        case.template_bytes = template_with_property(tmp)
    elif name == "broken xml inside the docx":
        case.template_bytes = broken_xml_docx(tmp / "b.docx")
    elif name == "plain for across table rows":
        path = make_template(tmp / "loop.docx", ["Goals"], [["{% for g in goals %}{{ g }}"], ["{% endfor %}"]])
        case.template_bytes = path.read_bytes()
    return case.build(tmp)


@pytest.mark.parametrize("name", list(FAILING))
def test_bad_input_is_reported_with_its_location_and_nothing_is_written(name: str, tmp_path: Path):
    case, exit_code, words = FAILING[name]
    args = _prepare(name, case, tmp_path)
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(out)])
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output, f"{word!r} not in: {result.output}"
    assert list(out.glob("**/*.docx")) == []
    check = CliRunner().invoke(cli, ["check", *args])
    assert check.exit_code == 2, check.output
    assert "Traceback" not in check.output
    for output in (result.output, check.output):  # every message of the corpus: no cell value but names and keys
        for value in CELL_VALUES:
            assert value not in output, f"{name}: the cell value {value!r} is in: {output}"


CELL_VALUES = ("likes trains", "2018-03-04", "31/31/2018", "thirty", "maybe")  # never in a message


SURVIVING: dict[str, tuple[Case, str]] = {
    "csv in UTF-16": (
        Case(
            source_name="c.csv",
            write_source=text(
                "Student ID,First,Last,DOB,Minutes,OTA,Note\n1001,Zoë,Ruiz,2018-03-04,30,Y,ok\n", "utf-16"
            ),
        ),
        "Zoë Ruiz",
    ),
    "csv in Windows-1252": (
        Case(
            source_name="c.csv",
            write_source=text(
                "Student ID;First;Last;DOB;Minutes;OTA;Note\n1001;José;Núñez;3/4/2018;30;N;café\n", "cp1252"
            ),
        ),
        "José Núñez",
    ),
    "csv with UTF-8 BOM": (
        Case(
            source_name="c.csv",
            write_source=text("\ufeffStudent ID,First,Last,DOB,Minutes,OTA,Note\n1001,Ana,Ruiz,,,,\n"),
        ),
        "Ana Ruiz (1001)",
    ),
    "32k-character cell": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Y", "x" * 32_000]])), "x" * 1000),
    "every XML-forbidden control character": (
        Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Y", "a"]]), source_name="c.csv"),
        "Ana Ruiz",
    ),
    "emoji and right-to-left text": (
        Case(write_source=rows([[1001, "Ana 🙂", "שלום", None, 30, "Y", "مرحبا"]])),
        "Ana 🙂 שלום",
    ),
    "ampersand, angle brackets and quotes": (
        Case(write_source=rows([[1001, "Ana & <b>", 'O\'Brien "Jr"', None, 30, "Y", "a < b > c"]])),
        'Ana & <b> O\'Brien "Jr"',
    ),
}


def control_characters_csv(path: Path) -> None:
    forbidden = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
    path.write_text(
        f'Student ID,First,Last,DOB,Minutes,OTA,Note\n1001,Ana,Ruiz,,30,Y,"before{forbidden}after"\n', encoding="utf-8"
    )


SURVIVING["every XML-forbidden control character"][0].write_source = control_characters_csv


@pytest.mark.parametrize("name", list(SURVIVING))
def test_awkward_but_valid_input_gives_a_plan(name: str, tmp_path: Path):
    case, expected = SURVIVING[name]
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", *case.build(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (plan,) = out.glob("*/*.docx")
    assert expected in docx_text(plan)


# ------------------------------------------------------------------------------------------------
# What the sheet shows is what the plan says (issue 12, sources): sheets, formats, layout, CSV, damage
# ------------------------------------------------------------------------------------------------

# Cell values that must never reach the terminal (a student's display name may, next to a data error).
SECRETS = ("likes trains", "2018-03-04", "03/04/2018", "quiet", "Lucas", "Chen")
STUDENTS_3 = [
    GOOD_ROW,
    [1002, "Lucas", "Chen", "2017-05-06", 60, "No", "quiet"],
    [1003, "Ada", "Okafor", "2016-07-08", 30, "Yes", "new"],
]


def book(
    sheets: dict[str, list[list]],
    states: dict[str, str] | None = None,
    epoch=None,
    formats: dict[str, str] | None = None,
    merges: tuple[str, ...] = (),
) -> Callable[[Path], None]:
    """A workbook writer: sheets in order, hidden states, the date system, cell number formats, merges."""

    def write(path: Path) -> None:
        write_workbook(path, sheets, states, epoch, formats, merges)

    return write


def with_row(**changes) -> list:
    """GOOD_ROW with some cells changed, named as the mapping's fields (first=..., dob=...)."""
    columns = {"id": 0, "first": 1, "last": 2, "dob": 3, "minutes": 4, "ota": 5, "note": 6}
    row = list(GOOD_ROW)
    for name, value in changes.items():
        row[columns[name]] = value
    return row


def damaged(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    """The good workbook, its bytes changed after saving (cut short, bytes flipped)."""

    def write(path: Path) -> None:
        write_xlsx(
            path,
            [HEADER, *STUDENTS_3, *[[2000 + i, "A", "B", None, 30, "Y", "x" * 50] for i in range(200)]],
            sheet="Caseload",
        )
        path.write_bytes(change(path.read_bytes()))

    return write


def part_changed(part: str, change: Callable[[bytes], bytes | None]) -> Callable[[Path], None]:
    """The good workbook with one part inside the zip rewritten (None: left out)."""

    def write(path: Path) -> None:
        good = path.with_name("good.xlsx")
        write_xlsx(good, [HEADER, GOOD_ROW], sheet="Caseload")
        with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                data = change(data) if item.filename == part else data
                if data is not None:
                    zout.writestr(item, data)
        good.unlink()

    return write


def flip_sheet_bytes(data: bytes) -> bytes:
    out = bytearray(data)
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    for offset in range(start + 40, start + 80):
        out[offset] ^= 0x5A
    return bytes(out)


CSV_HEADER = "Student ID;First;Last;DOB;Minutes;OTA;Note\n"
MAC_SERIAL = (dt.date(2018, 3, 4) - dt.date(1904, 1, 1)).days


SHEET_REFUSED: dict[str, tuple[Case, list[str]]] = {
    "TRUE in an integer column": (
        Case(write_source=rows([with_row(minutes=True)])),
        ["cell E2 (column 'Minutes')", "minutes is a TRUE/FALSE cell, not a number"],
    ),
    "FALSE in an integer column": (
        Case(write_source=rows([with_row(minutes=False)])),
        ["cell E2 (column 'Minutes')", "a TRUE/FALSE cell, not a number"],
    ),
    "TRUE in a date column": (
        Case(write_source=rows([with_row(dob=True)])),
        ["cell D2 (column 'DOB')", "dob is a TRUE/FALSE cell, not a date"],
    ),
    "xlsx whose first row is a student": (
        Case(write_source=rows(STUDENTS_3[1:], header=GOOD_ROW)),
        ["c.xlsx, sheet 'Caseload': the first row (row 1) looks like data", "cell(s) A1, D1, E1", "`header_row:`"],
    ),
    "csv whose first line is a student": (
        Case(
            source_name="c.csv",
            write_source=text("1001,Ana,Ruiz,2018-03-04,30,Yes,likes trains\n1002,Lucas,Chen,2017-05-06,60,No,quiet\n"),
        ),
        ["c.csv: the first line (line 1) looks like data, not column headers", "column(s) 1, 4, 5"],
    ),
    "csv whose first line is a student with a long note": (
        Case(
            source_name="c.csv",
            write_source=text(
                "Ana,Ruiz,Lincoln,Grade 2," + "likes trains and " * 10 + "\nLucas,Chen,Lincoln,Grade 3,x\n",
            ),
        ),
        ["c.csv: the first line (line 1) looks like data", "column(s) 5"],
    ),
    "csv bytes neither UTF-8 nor Windows-1252": (
        Case(source_name="c.csv", write_source=raw(CSV_HEADER.encode() + b"1001;Ana;Ruiz;;30;Y;caf\x81\n")),
        ["c.csv: line 2 holds bytes that are neither UTF-8 nor Windows-1252", "CSV UTF-8"],
    ),
    "csv with decimal commas and decimal points": (
        Case(
            source_name="c.csv", write_source=text(CSV_HEADER + "1001;Ana;Ruiz;;45,5;Y;x\n1002;Lucas;Chen;;1.5;N;y\n")
        ),
        [
            "c.csv: numbers are written with a decimal comma (line 2) and with a decimal point (line 3)",
            "`number_locale:`",
        ],
    ),
    "decimal comma read as English": (
        Case(
            mapping="number_locale: en\n" + MAPPING,
            source_name="c.csv",
            write_source=text('Student ID,First,Last,DOB,Minutes,OTA,Note\n1001,Ana,Ruiz,,"45,0",Y,x\n'),
        ),
        ["c.csv, row 2, column 'Minutes'", "decimal comma needs 'number_locale'"],
    ),
    "header_row on a blank row": (
        Case(mapping="header_row: 2\n" + MAPPING, write_source=rows([[], GOOD_ROW])),
        ["c.xlsx, sheet 'Caseload': header_row 2 is blank"],
    ),
    "header_row below the sheet": (
        Case(mapping="header_row: 99\n" + MAPPING),
        ["header_row 99 is below the last row (2)"],
    ),
    "header_row not a number": (
        Case(mapping="header_row: three\n" + MAPPING),
        ["m.yaml, line 1: setting 'header_row' must be a row number"],
    ),
    "unknown number_locale": (
        Case(mapping="number_locale: klingon\n" + MAPPING),
        ["m.yaml, line 1: setting 'number_locale' must be a language code"],
    ),
    "number_locale decimal not a separator": (
        Case(mapping='number_locale: {decimal: ";"}\n' + MAPPING),
        ["m.yaml, line 1", 'decimal must be "," or "."'],
    ),
    "number_locale and sources together": (
        Case(mapping="number_locale: de\nsources: {a: {file: c.xlsx, key: x}}\n" + MAPPING),
        ["m.yaml, line 1", "'number_locale' and 'sources'"],
    ),
    "hidden sheet named wrong": (
        Case(
            mapping="sheet: Students\n" + MAPPING,
            write_source=book({"Old": [HEADER, GOOD_ROW], "Caseload": [HEADER, GOOD_ROW]}, {"Old": "hidden"}),
        ),
        ["no sheet named 'Students'", "'Old' (hidden), 'Caseload'"],
    ),
    "xlsx cut in half": (Case(write_source=damaged(lambda d: d[: len(d) // 2])), ["c.xlsx: is ", "save it again"]),
    "xlsx missing its last bytes": (Case(write_source=damaged(lambda d: d[:-30])), ["c.xlsx: is ", "save it again"]),
    "xlsx with flipped bytes": (Case(write_source=damaged(flip_sheet_bytes)), ["c.xlsx: is damaged"]),
    "xlsx sheet with broken XML": (
        Case(write_source=part_changed("xl/worksheets/sheet1.xml", lambda d: d[:-40])),
        ["c.xlsx: is damaged (a part inside it is not well-formed XML)", "repair it"],
    ),
    "xlsx workbook part with broken XML": (
        Case(write_source=part_changed("xl/workbook.xml", lambda d: d.replace(b"</sheets>", b"</sheet>"))),
        ["c.xlsx: is damaged"],
    ),
    "xlsx styles with broken XML": (
        Case(write_source=part_changed("xl/styles.xml", lambda d: d[:30])),
        ["c.xlsx: is damaged"],
    ),
    "xlsx without its worksheet": (
        Case(write_source=part_changed("xl/worksheets/sheet1.xml", lambda d: None)),
        ["c.xlsx: has no worksheet (it is damaged"],
    ),
    "xlsx without its workbook part": (
        Case(write_source=part_changed("xl/workbook.xml", lambda d: None)),
        ["c.xlsx: ", "save it again as .xlsx"],
    ),
    "empty zip named .xlsx": (
        Case(write_source=lambda path: zipfile.ZipFile(path, "w").close()),
        ["c.xlsx: ", "save it again as .xlsx"],
    ),
}


@pytest.mark.parametrize("name", list(SHEET_REFUSED))
def test_sheet_refused_with_location_by_generate_and_check_without_values(name: str, tmp_path: Path):
    case, words = SHEET_REFUSED[name]
    args = case.build(tmp_path)
    out = tmp_path / "plans"
    generated = CliRunner().invoke(cli, ["generate", *args, "-o", str(out)])
    checked = CliRunner().invoke(cli, ["check", *args])
    for result in (generated, checked):
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
        for word in words:
            assert word in result.output, f"{word!r} not in: {result.output}"
        named = "Ana Ruiz: " in result.output  # a data error names its student
        for secret in SECRETS + (() if named else ("Ana", "Ruiz")):
            assert secret not in result.output, f"{secret!r} leaked: {result.output}"
    assert list(out.glob("**/*.docx")) == []


SHEET_READ: dict[str, tuple[Case, list[str], list[str], int, list[str]]] = {
    # name: (case, texts in the first plan, texts in no plan, plans, warning words)
    "hidden first sheet": (
        Case(
            write_source=book(
                {"Last Year": [HEADER, with_row(first="Old")], "Caseload": [HEADER, GOOD_ROW]}, {"Last Year": "hidden"}
            )
        ),
        ["Ana Ruiz (1001)"],
        ["Old"],
        1,
        [],
    ),
    "very hidden first sheet": (
        Case(
            write_source=book(
                {"X": [HEADER, with_row(first="Old")], "Caseload": [HEADER, GOOD_ROW]}, {"X": "veryHidden"}
            )
        ),
        ["Ana Ruiz (1001)"],
        ["Old"],
        1,
        [],
    ),
    "hidden sheet named by sheet:": (
        Case(
            mapping="sheet: Last Year\n" + MAPPING,
            write_source=book(
                {"Last Year": [HEADER, with_row(first="Old")], "Caseload": [HEADER, GOOD_ROW]}, {"Last Year": "hidden"}
            ),
        ),
        ["Old Ruiz (1001)"],
        [],
        1,
        [],
    ),
    "1904 workbook, birth date as a serial number": (
        Case(write_source=book({"Caseload": [HEADER, with_row(dob=MAC_SERIAL)]}, epoch=dt.datetime(1904, 1, 1))),
        ["born 03/04/2018"],
        ["03/03/2014"],
        1,
        [],
    ),
    "1904 workbook, birth date as a date": (
        Case(
            write_source=book(
                {"Caseload": [HEADER, with_row(dob=dt.datetime(2018, 3, 4))]}, epoch=dt.datetime(1904, 1, 1)
            )
        ),
        ["born 03/04/2018"],
        [],
        1,
        [],
    ),
    "percent in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=0.8)]}, formats={"G2": "0%"})),
        ["80%"],
        ["0.8"],
        1,
        [],
    ),
    "one-decimal percent in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=0.125)]}, formats={"G2": "0.0%"})),
        ["12.5%"],
        ["0.125"],
        1,
        [],
    ),
    "currency in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=12.5)]}, formats={"G2": "$#,##0.00"})),
        ["$12.50"],
        ["12.5\n"],
        1,
        [],
    ),
    "euro currency in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=1234.5)]}, formats={"G2": "#,##0.00 [$€-407]"})),
        ["1.234,50 €"],
        ["1234.5"],
        1,
        [],
    ),
    "thousands in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=1234567)]}, formats={"G2": "#,##0"})),
        ["1,234,567"],
        [],
        1,
        [],
    ),
    "fixed decimals in a text field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(note=3)]}, formats={"G2": "0.00"})),
        ["3.00"],
        [],
        1,
        [],
    ),
    "custom date format in a text field": (
        Case(
            write_source=book(
                {"Caseload": [HEADER, with_row(note=dt.datetime(2026, 10, 3))]}, formats={"G2": "mmmm d, yyyy"}
            )
        ),
        ["October 3, 2026"],
        [],
        1,
        [],
    ),
    "date in a text field with its own format:": (
        Case(
            mapping=replace("note: Note", "note: {column: Note, format: '%Y/%m/%d'}"),
            write_source=book(
                {"Caseload": [HEADER, with_row(note=dt.datetime(2026, 10, 3))]}, formats={"G2": "mmmm d, yyyy"}
            ),
        ),
        ["2026/10/03"],
        ["October"],
        1,
        [],
    ),
    "general float in a text field": (
        Case(write_source=rows([with_row(note=0.1 + 0.2)])),
        ["0.3"],
        ["0.30000000000000004"],
        1,
        [],
    ),
    "formatted number in an integer field": (
        Case(write_source=book({"Caseload": [HEADER, with_row(minutes=30)]}, formats={"E2": '0.0 "min"'})),
        ["30 min, OTA"],
        ["30.0"],
        1,
        [],
    ),
    "cell merged across three students": (
        Case(write_source=book({"Caseload": [HEADER, *STUDENTS_3]}, merges=("G2:G4",))),
        ["likes trains"],
        ["quiet"],
        3,
        [],
    ),
    "minutes merged across three students": (
        Case(
            write_source=book(
                {
                    "Caseload": [
                        HEADER,
                        *[r[:4] + [45] + r[5:] if i == 0 else r[:4] + [None] + r[5:] for i, r in enumerate(STUDENTS_3)],
                    ]
                },
                merges=("E2:E4",),
            )
        ),
        ["45 min"],
        ["60 min", "30 min"],
        3,
        [],
    ),
    "title rows above the header": (
        Case(write_source=rows([[], ["Therapist: A. Rivera"], [], HEADER, GOOD_ROW], header=["OT Caseload 2026-27"])),
        ["Ana Ruiz (1001)"],
        [],
        1,
        [],
    ),
    "header_row set in the mapping": (
        Case(
            mapping="header_row: 2\n" + MAPPING,
            write_source=rows([HEADER, GOOD_ROW], header=["Who"] * 3 + ["Service"] * 4),
        ),
        ["Ana Ruiz (1001)"],
        [],
        1,
        [],
    ),
    "total line below the students": (
        Case(write_source=rows([*STUDENTS_3, ["Total: 3 students"]])),
        ["Ana Ruiz"],
        ["Total"],
        3,
        ["row(s) 5 were skipped"],
    ),
    "total with a sum below the students": (
        Case(write_source=rows([*STUDENTS_3, ["Total", None, None, None, 120]])),
        ["Ana Ruiz"],
        ["120"],
        3,
        ["row(s) 5 were skipped"],
    ),
    "note after a blank row below the students": (
        Case(write_source=rows([*STUDENTS_3, [], ["Updated by A. Rivera"], ["Page 1"]])),
        ["Ana Ruiz"],
        ["Rivera"],
        3,
        ["row(s) 6, 7 were skipped"],
    ),
    "csv with semicolons and decimal commas": (
        Case(source_name="c.csv", write_source=text(CSV_HEADER + "1001;Ana;Ruiz;2018-03-04;45,0;Y;likes trains\n")),
        ["45 min"],
        ["450"],
        1,
        [],
    ),
    "csv with decimal commas forced by number_locale": (
        Case(
            mapping='number_locale: {decimal: ","}\n' + MAPPING,
            source_name="c.csv",
            write_source=text('Student ID,First,Last,DOB,Minutes,OTA,Note\n1001,Ana,Ruiz,,"30,0",Y,"2,5 h"\n'),
        ),
        ["30 min"],
        ["300"],
        1,
        [],
    ),
    "csv with UTF-8 BOM then Windows-1252": (
        Case(
            source_name="c.csv",
            write_source=raw(b"\xef\xbb\xbf" + CSV_HEADER.encode() + b"1001;Jos\xe9;N\xfa\xf1ez;;30;Y;caf\xc3\xa9\n"),
        ),
        ["José Núñez", "café"],
        [],
        1,
        [],
    ),
    "csv with title lines": (
        Case(
            source_name="c.csv",
            write_source=text("OT caseload export\n\n" + CSV_HEADER + "1001;Ana;Ruiz;2018-03-04;30;Y;x\n"),
        ),
        ["Ana Ruiz (1001)"],
        [],
        1,
        [],
    ),
}


@pytest.mark.parametrize("name", list(SHEET_READ))
def test_sheet_read_as_excel_shows_it(name: str, tmp_path: Path):
    case, present, absent, count, warnings = SHEET_READ[name]
    out = tmp_path / "plans"
    args = case.build(tmp_path)
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    plans = sorted(out.glob("*/*.docx"))
    assert len(plans) == count
    texts = [docx_text(plan) for plan in plans]
    first = next(t for t in texts if "Ana" in t or "Old" in t) if count > 1 else texts[0]
    for word in present:
        assert word in first, f"{word!r} not in {first!r}"
    for word in absent:
        assert all(word not in t for t in texts), f"{word!r} in a plan"
    for word in warnings:
        assert word in result.output, result.output
        assert word in CliRunner().invoke(cli, ["check", *args]).output
    if name.startswith(("cell merged", "minutes merged")):
        assert all(present[0] in t for t in texts)
