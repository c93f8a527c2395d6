"""The field-type registry: each type said once, and every stage reading a field asks its entry."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from generator.mapping.load import load_mapping
from generator.mapping.types import (
    DATE,
    INTEGER,
    ITEM_TYPES,
    LIST,
    NUMBER,
    RECORDS,
    TEXT,
    TYPES,
    YESNO,
    Dates,
    drafted_type,
    field_type,
)
from generator.roster.values import CellError, convert
from generator.sources import profile
from generator.sources.cells import ShownNumber, sheet_value

PROFILE_KINDS = (
    profile.DATE,
    profile.INTEGER,
    profile.NUMBER,
    profile.YESNO,
    profile.LIST,
    profile.TEXT,
    profile.EMPTY,
)


@pytest.mark.parametrize("kind", PROFILE_KINDS)
def test_every_column_kind_drafts_as_exactly_one_field_type(kind: str) -> None:
    assert len([t for t in TYPES.values() if kind in t.drafted_from]) == 1
    assert drafted_type(kind).described  # init's comment names the column's kind


def test_the_kinds_draft_as_the_types_that_read_them() -> None:
    assert [drafted_type(k) for k in PROFILE_KINDS] == [DATE, INTEGER, NUMBER, YESNO, LIST, TEXT, TEXT]
    with pytest.raises(KeyError):
        drafted_type("colour")


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_is_accepted_by_a_mapping_and_found_again_by_name(tmp_path: Path, name: str) -> None:
    field = "{type: records, item: {n: N}}" if name == "records" else f"{{column: X, type: {name}}}"
    path = tmp_path / "m.yaml"
    path.write_text(f"key: id\nfields:\n  id: ID\n  x: {field}\n", encoding="utf-8")
    spec = load_mapping(path).fields["x"]
    assert spec.kind is field_type(name) is TYPES[name] and str(spec.kind) == name


def test_blank_values_are_fresh_each_time_and_lists_are_the_many_types() -> None:
    for entry in TYPES.values():
        first, second = entry.empty(), entry.empty()
        assert first == second and (first is not second or not isinstance(first, list))
        assert entry.many == isinstance(first, list)
    assert [t for t in TYPES.values() if t.items] == [RECORDS]
    assert [t for t in TYPES.values() if t.dates] == [DATE]
    assert "records" not in ITEM_TYPES and set(ITEM_TYPES) == set(TYPES) - {"records"}


def test_converters_take_a_date_format_not_a_mapping() -> None:
    assert str(DATE.converter(Dates("%d.%m.%Y"))("2026-10-03")) == "03.10.2026"
    assert str(DATE.converter(Dates("%d.%m.%Y", day_first=True))("03/10/2026")) == "03.10.2026"
    assert str(DATE.converter(Dates("%d.%m.%Y"))("03/10/2026")) == "10.03.2026"
    assert TEXT.converter(Dates("%d.%m.%Y"))(dt.date(2026, 10, 3)) == "03.10.2026"
    shown = sheet_value(dt.datetime(2026, 10, 3), shown="3-Oct")
    assert TEXT.converter(Dates("%Y"))(shown) == "3-Oct"  # the sheet's own date format wins...
    assert TEXT.converter(Dates("%Y", fixed=True))(shown) == "2026"  # ...unless the field gives its own
    assert INTEGER.converter(Dates())("1,200") == 1200
    assert YESNO.converter(Dates())("x") is True
    with pytest.raises(ValueError, match="records"):
        RECORDS.converter(Dates())("anything")


MAPPING = """\
key: id
fields:
  id: ID
  score: {column: Score, type: number}
  level: {column: Level, type: number, default: "2.5"}
"""


def test_a_number_field_compares_as_a_number_and_prints_as_the_sheet_shows(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(path)
    spec = mapping.fields["score"]
    percent = convert(spec, sheet_value(0.8, number_format="0%"), "A2", mapping)
    assert percent == 0.8 and percent > 0.5 and str(percent) == "80%"
    for cell, value, text in (
        ("2.50", 2.5, "2.50"),
        ("1,234.5", 1234.5, "1,234.5"),
        (3, 3.0, "3"),
        (1.25, 1.25, "1.25"),
    ):
        number = convert(spec, cell, "A2", mapping)
        assert (number, str(number)) == (value, text) and isinstance(number, ShownNumber)
    again = pickle.loads(pickle.dumps(percent))  # parallel rendering sends values to worker processes
    assert (again, str(again)) == (0.8, "80%")
    assert convert(spec, "  ", "A2", mapping) is None
    assert str(convert(mapping.fields["level"], None, "A2", mapping)) == "2.5"
    for cell, phrase in (("lots", "not a number"), ("45,0", "decimal comma"), (True, "TRUE/FALSE"), ("nan", "not a")):
        with pytest.raises(CellError, match=phrase) as caught:
            convert(spec, cell, "c.xlsx, cell B2", mapping)
        assert str(caught.value).startswith("c.xlsx, cell B2: score is ")
