"""A cell typed as its field says (dates, whole numbers, yes/no, text, code tables), and the located
message for a cell that does not fit. The message never repeats the cell's value (FERPA)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.mapping.load import Mapping, load_mapping
from generator.mapping.types import TEXT, TYPES
from generator.roster.values import CellError, convert, required_message, reshape, sort_key
from generator.sources.cells import FormattedDate
from generator.sources.tables import UncachedFormula

MAPPING = """\
key: id
date_format: "%m/%d/%Y"
fields:
  id: {column: Student ID, required: true}
  dob: {column: DOB, type: date, format: "%B %-d, %Y"}
  review: {column: Review, type: date, default: "2027-06-01"}
  minutes: {column: Minutes, type: integer}
  bad_default: {column: Sessions, type: integer, default: several}
  ota: {column: OTA, type: yesno}
  note: Note
  goals: {columns: [Goal 1, Goal 2], type: list, required: true}
  code: {column: Service, part: code}
  label: {column: Service, part: label, map: {occupational therapy: OT}}
  level: {column: Level, pattern: 'Level (\\d)'}
  grade: {column: Grade, pattern: 'K|\\d+'}
"""
CELL = "c.xlsx, sheet 'Caseload', cell D7 (column 'DOB')"


@pytest.fixture(scope="module")
def mapping(tmp_path_factory: pytest.TempPathFactory) -> Mapping:
    path = tmp_path_factory.mktemp("values") / "m.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return load_mapping(path)


def typed(mapping: Mapping, name: str, value, **kwargs):
    return convert(mapping.fields[name], value, CELL, mapping, **kwargs)


def message(mapping: Mapping, name: str, value) -> str:
    with pytest.raises(CellError) as caught:
        typed(mapping, name, value)
    return str(caught.value)


def test_dates_from_every_cell_shape_print_in_the_field_s_format(mapping: Mapping) -> None:
    for cell in (
        dt.datetime(2018, 3, 4),
        dt.date(2018, 3, 4),
        "2018-03-04",
        "3/4/2018",
        "March 4, 2018",
        43163,
        "43163",
        "2018-03-04 00:00:00",
    ):
        value = typed(mapping, "dob", cell)
        assert isinstance(value, FormattedDate) and value == dt.date(2018, 3, 4), cell
        assert str(value) == "March 4, 2018"
    assert str(typed(mapping, "review", "12/1/2026")) == "12/01/2026"  # the mapping's date_format


def test_a_cell_that_is_not_a_date_names_the_cell_and_field_not_the_value(mapping: Mapping) -> None:
    for cell in ("next spring", "13/45/2026", -5):
        text = message(mapping, "dob", cell)
        assert text == f"{CELL}: dob is not a date (use e.g. 2026-10-03 or 10/3/2026).", cell
        assert str(cell) not in text.split(": ", 1)[1]


def test_true_false_cells_are_refused_in_integer_and_date_fields(mapping: Mapping) -> None:
    """TRUE typed in a minutes column must not become 1 minute (nor FALSE 0 minutes, nor a date in 1899)."""
    for cell in (True, False):
        assert message(mapping, "minutes", cell) == f"{CELL}: minutes is a TRUE/FALSE cell, not a number."
        assert message(mapping, "dob", cell) == f"{CELL}: dob is a TRUE/FALSE cell, not a date."


def test_whole_numbers(mapping: Mapping) -> None:
    assert [typed(mapping, "minutes", cell) for cell in (30, 30.0, "30", " 1,200 ", "45.0")] == [30, 30, 30, 1200, 45]
    assert message(mapping, "minutes", "30.5") == f"{CELL}: minutes is not a whole number."
    assert message(mapping, "minutes", 12.25) == f"{CELL}: minutes is not a whole number."
    assert message(mapping, "minutes", "thirty") == f"{CELL}: minutes is not a number."


def test_yes_no(mapping: Mapping) -> None:
    yes = ["Yes", "y", "TRUE", "x", "\u2713", 1, True]
    no = ["No", "n", "false", "0", 0, False]
    assert [typed(mapping, "ota", cell) for cell in yes] == [True] * len(yes)
    assert [typed(mapping, "ota", cell) for cell in no] == [False] * len(no)
    assert message(mapping, "ota", "maybe") == (
        f"{CELL}: ota is not yes/no (use Yes, No, Y, N, TRUE, FALSE, x or leave it blank)."
    )


def test_text_reads_as_the_sheet_shows_it(mapping: Mapping) -> None:
    assert typed(mapping, "note", 1001.0) == "1001"
    assert typed(mapping, "note", dt.datetime(2026, 3, 4)) == "03/04/2026"
    assert typed(mapping, "note", "  likes\x0bpuzzles ") == "likes\npuzzles"
    assert typed(mapping, "minutes", "30", as_type=TEXT) == "30"  # a list item is read as text


def test_blank_cells_become_each_type_s_empty_value(mapping: Mapping) -> None:
    for name, empty in (("dob", None), ("minutes", None), ("ota", False), ("note", "")):
        assert typed(mapping, name, "   ") == empty and typed(mapping, name, None) == empty
    assert {name: kind.empty() for name, kind in TYPES.items()} == {
        "text": "",
        "date": None,
        "integer": None,
        "number": None,
        "yesno": False,
        "list": [],
        "records": [],
    }


def test_a_default_fills_a_blank_and_its_own_error_points_at_the_mapping(mapping: Mapping) -> None:
    assert typed(mapping, "review", None) == dt.date(2027, 6, 1)
    assert message(mapping, "bad_default", "") == (
        f"{mapping.path}, line 8 (default of field 'bad_default'): bad_default is not a number."
    )


def test_a_required_blank_names_the_cell_and_the_columns(mapping: Mapping) -> None:
    assert message(mapping, "id", " ") == (
        f"{CELL}: required field 'id' is empty (column 'Student ID'). Fill it in "
        "the sheet, or give the field a default in the mapping."
    )
    assert required_message(mapping.fields["goals"]) == (
        "required field 'goals' is empty (column 'Goal 1', 'Goal 2'). Fill it in the sheet, or give the field a "
        "default in the mapping."
    )
    with pytest.raises(CellError) as caught:
        convert(mapping.fields["id"], None, None, mapping)  # no cell (e.g. a computed value): no location
    assert str(caught.value).startswith("required field 'id' is empty")


@pytest.mark.parametrize("shown", ["#REF!", " #N/A ", "#DIV/0!", "#VALUE!"])
def test_excel_formula_errors_are_refused_whatever_the_type(mapping: Mapping, shown: str) -> None:
    for name in ("note", "minutes", "dob"):
        assert message(mapping, name, shown) == (
            f"{CELL}: {name} shows the Excel formula error {shown.strip()}. "
            "Fix the formula in the sheet (or type the value), then save."
        )


def test_a_formula_without_its_result_is_refused(mapping: Mapping) -> None:
    assert message(mapping, "minutes", UncachedFormula("=B2*2")) == (
        f"{CELL}: minutes is a formula saved without its result (the file was written by a program, not saved by "
        "Excel). Open it in Excel or LibreOffice, save it, and run again."
    )


def test_code_tables_split_extract_and_map(mapping: Mapping) -> None:
    fields = mapping.fields
    assert reshape(fields["code"], "450 - Occupational Therapy") == "450"
    assert reshape(fields["code"], 450) == "450"
    assert reshape(fields["label"], "450 - Occupational  therapy") == "OT"  # mapped after the split
    assert reshape(fields["label"], "415 - Speech") == "Speech"
    assert reshape(fields["level"], "Support Level 3 (moderate)") == "3"  # the pattern's group
    assert reshape(fields["grade"], "Grade K, room 4") == "K"  # no group: the whole match
    assert reshape(fields["level"], "no level given") == ""
    assert reshape(fields["code"], None) is None and reshape(fields["code"], " ") == " "
    assert typed(mapping, "label", "450 - occupational therapy") == "OT"


def test_sort_key_numbers_then_dates_then_text_blanks_last() -> None:
    values = ["b", None, 10, dt.date(2026, 1, 2), "2", "A", "", 1.5, dt.date(2025, 5, 1), "10.5"]
    assert sorted(values, key=sort_key) == [
        1.5,
        "2",
        10,
        "10.5",
        dt.date(2025, 5, 1),
        dt.date(2026, 1, 2),
        "A",
        "b",
        None,
        "",
    ]
