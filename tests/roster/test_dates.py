"""Text dates read one way per column, as the mapping's date_format says; a column that would be read two
ways is refused naming the column and rows, never a value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.mapping.load import load_mapping
from generator.roster.dates import check_text_dates
from generator.roster.join import group_sources
from generator.roster.students import build_roster
from generator.sources.tables import read_table
from tests.helpers import TODAY, write_xlsx

MAPPING = """key: id
{date_format}
fields:
  id: ID
  dob: {{column: DOB, type: date}}
  note: Note
  goals:
    type: records
    item: {{due: {{column: Due, type: date}}}}
"""


def roster(tmp_path: Path, dobs: list, date_format: str = "", dues: list | None = None):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.format(date_format=date_format), encoding="utf-8")
    mapping = load_mapping(path)
    dues = dues or [None] * len(dobs)
    rows = [["ID", "DOB", "Note", "Due"]] + [
        [i, d, d, due] for i, (d, due) in enumerate(zip(dobs, dues, strict=True), 1)
    ]
    table = read_table(write_xlsx(tmp_path / "c.xlsx", rows, sheet="Caseload"))
    return mapping, table


def dobs(mapping, table) -> list:
    built = build_roster(mapping, table, TODAY)
    assert built.failures == []
    return [s.values["dob"] for s in built.students]


def test_the_mapping_s_date_format_decides_the_order_of_text_dates(tmp_path: Path):
    texts = ["03/04/2015", "2015-03-04", "3-4-2015", "03/04/15", dt.datetime(2015, 4, 3)]
    assert dobs(*roster(tmp_path, texts)) == [dt.date(2015, 3, 4)] * 4 + [dt.date(2015, 4, 3)]
    day_first = roster(tmp_path, texts, 'date_format: "%d/%m/%Y"')
    assert (
        dobs(*day_first) == [dt.date(2015, 4, 3), dt.date(2015, 3, 4), dt.date(2015, 4, 3)] + [dt.date(2015, 4, 3)] * 2
    )
    assert [str(d) for d in dobs(*day_first)][:1] == ["03/04/2015"]
    assert dobs(*roster(tmp_path, ["25/12/2015", "03/04/2015"], 'date_format: "%d %B %Y"')) == [
        dt.date(2015, 12, 25),
        dt.date(2015, 4, 3),
    ]


@pytest.mark.parametrize(
    ("date_format", "texts", "wrong_rows", "either_rows", "setting"),
    [
        ("", ["03/04/2015", "25/12/2015", "05/06/2016", "13/01/2014"], "3, 5", "2, 4", '"%d/%m/%Y"'),
        ('date_format: "%d/%m/%Y"', ["12/25/2015", "03/04/2015"], "2", "3", '"%m/%d/%Y"'),
        ('date_format: "%d.%m.%Y"', ["12-25-2015", "2015-01-01"], "2", None, '"%m/%d/%Y"'),
        ("", ["25/12/2015", "2015-01-01"], "2", None, '"%d/%m/%Y"'),  # no ambiguous value: still one message
    ],
)
def test_a_column_read_two_ways_is_refused_naming_the_column_and_rows(
    tmp_path: Path, date_format: str, texts: list, wrong_rows: str, either_rows: str | None, setting: str
):
    mapping, table = roster(tmp_path, texts, date_format)
    with pytest.raises(SourceError) as caught:
        build_roster(mapping, table, TODAY)
    message = str(caught.value)
    assert message.startswith(f"c.xlsx, sheet 'Caseload', column 'DOB': text dates on row(s) {wrong_rows} can only")
    assert (f"so dates on row(s) {either_rows} could be read either way" in message) == (either_rows is not None)
    assert f"date_format: {setting}" in message and str(mapping.path) in message
    assert all(text not in message for text in texts if isinstance(text, str))  # rows, never values
    assert "column 'Note'" not in message  # a text field reading the same text is no date field


def test_a_column_mixing_both_orders_is_refused_whatever_the_format(tmp_path: Path):
    for date_format in ("", 'date_format: "%d/%m/%Y"'):
        mapping, table = roster(tmp_path, ["12/25/2015", "25/12/2015", "01/02/2015"], date_format)
        with pytest.raises(SourceError, match=r"the column mixes both orders"):
            check_text_dates(mapping, group_sources(mapping, {"main": table}))


def test_item_date_columns_are_checked_too(tmp_path: Path):
    mapping, table = roster(tmp_path, ["2015-01-01", "2015-01-02"], dues=["01/02/2026", "13/02/2026"])
    with pytest.raises(SourceError, match=r"column 'Due': text dates on row\(s\) 3 can only be read day first"):
        build_roster(mapping, table, TODAY)
