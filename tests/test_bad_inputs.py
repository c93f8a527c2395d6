"""A corpus of bad inputs: each gives a located message and an exit code, writes no plan, and no traceback."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from tests.helpers import docx_text, make_template, write_xlsx

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
    "xlsx that is not a zip": (Case(write_source=raw(b"Student ID,First\n1,Ana\n")), 2,
                               ["c.xlsx", "is not a valid .xlsx file", "save it again as .xlsx"]),
    "password-protected workbook": (Case(write_source=raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)), 2,
                                    ["c.xlsx", "password-protected", "without a password"]),
    "old binary .xls": (Case(source_name="c.xls", write_source=raw(b"\xd0\xcf\x11\xe0")), 2,
                        ["c.xls", "old binary Excel (.xls)", "save it as .xlsx"]),
    "unsupported source type": (Case(source_name="c.numbers", write_source=raw(b"x")), 2,
                                ["c.numbers", "unsupported file type '.numbers'"]),
    "missing source file": (Case(write_source=lambda path: None), 2, ["c.xlsx", "file not found"]),
    "source is a folder": (Case(source_name="folder.xlsx", write_source=lambda path: path.mkdir()), 2,
                           ["folder.xlsx", "is a folder"]),
    "empty sheet": (Case(write_source=empty_workbook), 2, ["c.xlsx", "is empty", "column headers in the first row"]),
    "header-only sheet": (Case(write_source=rows([])), 2, ["c.xlsx", "header row but no students"]),
    "duplicate headers": (Case(write_source=rows([GOOD_ROW + ["x"]], HEADER + ["first "])), 2,
                          ["the header 'First' appears in more than one column", "B ('First'), H ('first')"]),
    "merged header cells": (Case(mapping=replace("first: {column: First", "first: {column: Name")
                                 .replace("last: Last", "last: Last Name"), write_source=merged_header), 2,
                            ["field 'last' reads column 'Last Name'", "Columns in c.xlsx", "'Name', 'DOB'"]),
    "csv with NUL bytes": (Case(source_name="c.csv", write_source=raw(b"Student ID,First\x00\n")), 2,
                           ["c.csv", "NUL bytes", "CSV UTF-8"]),
    "sheet name not found": (Case(mapping="sheet: Students\n" + MAPPING), 2,
                             ["no sheet named 'Students'", "'Caseload'", "Fix `sheet:`"]),
    "column the sheet lacks": (Case(mapping=replace("column: DOB", "column: Birth Date")), 2,
                               ["m.yaml, line 7: field 'dob' reads column 'Birth Date'", "Columns in c.xlsx"]),
    # cell values: data errors stop the run before anything is written
    "formula error #REF!": (Case(write_source=rows([[1001, "Ana", "Ruiz", "2018-03-04", "#REF!", "Yes", ""]])), 2,
                            ["cell E2 (column 'Minutes')", "formula error #REF!"]),
    "formula error #N/A in text": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Yes", "#N/A"]])), 2,
                                   ["cell G2 (column 'Note')", "formula error #N/A"]),
    "uncached formula": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, "=10*3", "Yes", ""]])), 2,
                         ["cell E2 (column 'Minutes')", "formula saved without its result", "save it"]),
    "unreadable date": (Case(write_source=rows([[1001, "Ana", "Ruiz", "31/31/2018", 30, "Yes", ""]])), 2,
                        ["cell D2 (column 'DOB')", "not a date"]),
    "unreadable number": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, "thirty", "Yes", ""]])), 2,
                          ["cell E2 (column 'Minutes')", "not a number"]),
    "unreadable yes/no": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "maybe", ""]])), 2,
                          ["cell F2 (column 'OTA')", "not yes/no"]),
    "required field empty": (Case(write_source=rows([[1001, None, "Ruiz", None, 30, "Yes", ""]])), 2,
                             ["required field 'first' is empty (column 'First')"]),
    "blank key": (Case(write_source=rows([[None, "Ana", "Ruiz", None, 30, "Yes", ""]])), 2,
                  ["cell A2 (column 'Student ID')", "the student key is blank"]),
    "duplicate key rows": (Case(write_source=rows([GOOD_ROW, GOOD_ROW])), 2,
                           ["rows 2, 3 have the same 'Student ID'", "exactly one row"]),
    # mapping files
    "missing mapping file": (Case(extra=("-m", "/nonexistent/m.yaml")), 2, ["m.yaml: mapping file not found"]),
    "mapping is a list": (Case(mapping="- id\n- first\n"), 2, ["top level must be a mapping", "not a list"]),
    "mapping yaml syntax": (Case(mapping=MAPPING + "  bad: [unclosed\n"), 2, ["m.yaml, line", "Fix the YAML syntax"]),
    "empty mapping": (Case(mapping=""), 2, ["m.yaml, line 1: 'fields' must be a mapping"]),
    "unknown mapping key": (Case(mapping=MAPPING + "templat: t.docx\n"), 2,
                            ["unknown setting 'templat'", "Did you mean 'template'?"]),
    "unknown field type": (Case(mapping=replace("type: date", "type: datetime")), 2,
                           ["field 'dob': type must be one of", "Did you mean 'date'?"]),
    "key is not a field": (Case(mapping=replace("key: id", "key: student_id")), 2,
                           ["key 'student_id' is not one of the fields"]),
    "bad computed field": (Case(mapping=MAPPING.replace("fields:\n", "fields:\n  full: {value: '{{ first '}\n")), 2,
                           ["field 'full'", "Check the {{ }} and {% %} tags"]),
    # templates
    "template is not a docx": (Case(template_bytes=b"just text"), 2, ["t.docx", "is not a .docx file"]),
    "old binary .doc template": (Case(template_name="t.doc", template_bytes=b"\xd0\xcf\x11\xe0"), 2,
                                 ["t.doc", ".doc templates are not supported", "Word Document (.docx)"]),
    "missing template": (Case(extra=("-t", "/nonexistent/t.docx")), 2, ["t.docx: template not found"]),
    "unbalanced tags": (Case(template=["{% if ota %}with OTA", "{{ first }}"]), 2,
                        ['paragraph 1 ("{% if ota %}with OTA")', "Unexpected end of template", "{% endif %}"]),
    "unclosed variable": (Case(template=["Name: {{ first }"]), 2, ["paragraph 1", "unexpected '}'"]),
    "unknown filter": (Case(template=["{{ first | upcase }}"]), 2, ["No filter named 'upcase'", "upper"]),
    "field the mapping lacks": (Case(template=["{{ frist }}"]), 2,
                                ["uses field(s) that", "frist Did you mean 'first'?"]),
    "tag in document properties": (Case(template_bytes=b""), 2, ["document property 'comments'", "braces"]),
    "plain for across table rows": (Case(template=["Goals"]), 2, ["t.docx", "{% for g in goals %}"]),
    "broken xml inside the docx": (Case(template_bytes=b""), 2, ["cannot be opened", "repair it"]),
    "sandbox escape attempt": (Case(template=["{{ first.__class__.__mro__ }}"]), 2,
                               ["the template uses '__mro__'", "Python internals"]),
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


SURVIVING: dict[str, tuple[Case, str]] = {
    "csv in UTF-16": (Case(source_name="c.csv", write_source=text(
        "Student ID,First,Last,DOB,Minutes,OTA,Note\n1001,Zoë,Ruiz,2018-03-04,30,Y,ok\n", "utf-16")), "Zoë Ruiz"),
    "csv in Windows-1252": (Case(source_name="c.csv", write_source=text(
        "Student ID;First;Last;DOB;Minutes;OTA;Note\n1001;José;Núñez;3/4/2018;30;N;café\n", "cp1252")), "José Núñez"),
    "csv with UTF-8 BOM": (Case(source_name="c.csv", write_source=text(
        "\ufeffStudent ID,First,Last,DOB,Minutes,OTA,Note\n1001,Ana,Ruiz,,,,\n")), "Ana Ruiz (1001)"),
    "32k-character cell": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Y", "x" * 32_000]])), "x" * 1000),
    "every XML-forbidden control character": (Case(write_source=rows([[1001, "Ana", "Ruiz", None, 30, "Y", "a"]]),
                                              source_name="c.csv"), "Ana Ruiz"),
    "emoji and right-to-left text": (Case(write_source=rows([[1001, "Ana 🙂", "שלום", None, 30, "Y", "مرحبا"]])),
                                     "Ana 🙂 שלום"),
    "ampersand, angle brackets and quotes": (Case(write_source=rows([[1001, "Ana & <b>", "O'Brien \"Jr\"", None, 30,
                                                                     "Y", "a < b > c"]])), "Ana & <b> O'Brien \"Jr\""),
}


def control_characters_csv(path: Path) -> None:
    forbidden = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
    path.write_text("Student ID,First,Last,DOB,Minutes,OTA,Note\n"
                    f'1001,Ana,Ruiz,,30,Y,"before{forbidden}after"\n', encoding="utf-8")


SURVIVING["every XML-forbidden control character"][0].write_source = control_characters_csv


@pytest.mark.parametrize("name", list(SURVIVING))
def test_awkward_but_valid_input_gives_a_plan(name: str, tmp_path: Path):
    case, expected = SURVIVING[name]
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", *case.build(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (plan,) = out.glob("*/*.docx")
    assert expected in docx_text(plan)
