"""roster.current: which of a student's rows is in effect, by the dates on each row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import RowError
from generator.mapping.source_options import CurrentRule
from generator.roster.current import current_rows
from generator.sources.tables import Column, Location, Row

HEADERS = ["Service", "Start", "End"]
COLUMNS = {h: Column(h, i) for i, h in enumerate(HEADERS)}
RULE = CurrentRule(start="Start", end="End", per=["Service"], line=1)


def rows(*values: tuple) -> list[Row]:
    return [Row(list(v), Location("s.csv", None, n)) for n, v in enumerate(values, start=2)]


def kept(found: list[Row]) -> list[int]:
    return [row.location.row for row in found]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 1), [2, 5]),  # old OT row in effect; consult not started: its next row
        (dt.date(2026, 9, 1), [3, 5]),  # new OT row; consult still upcoming
        (dt.date(2027, 2, 1), [3, 5]),
        (dt.date(2027, 8, 1), [3, 5]),  # all ended: the last of each
    ],
)
def test_per_group_the_row_in_effect_else_the_next_else_the_last(today: dt.date, expected: list[int]):
    found = current_rows(
        RULE,
        rows(
            ("OT", "9/1/2025", "8/31/2026"),
            ("OT", "9/1/2026", "6/10/2027"),
            ("OT", "9/1/2024", "6/10/2025"),
            ("Consult", "1/5/2027", "6/10/2027"),
        ),
        COLUMNS.__getitem__,
        today,
    )
    assert kept(found) == expected


def test_blank_dates_are_open_ended_and_file_order_is_kept():
    found = current_rows(
        RULE,
        rows(("Consult", "", ""), ("OT", "9/1/2026", ""), ("OT", "", "8/31/2026")),
        COLUMNS.__getitem__,
        dt.date(2026, 11, 22),
    )
    assert kept(found) == [2, 3]


def test_without_per_all_rows_are_one_group_and_two_in_effect_are_both_kept():
    rule = CurrentRule(start="Start", end=None, per=[], line=1)
    found = current_rows(
        rule,
        rows(("OT", "9/1/2026", ""), ("Consult", "9/1/2026", ""), ("OT", "1/1/2027", "")),
        COLUMNS.__getitem__,
        dt.date(2026, 11, 22),
    )
    assert kept(found) == [2, 3]


def test_every_unreadable_date_is_reported_with_its_cell(tmp_path: Path):
    with pytest.raises(RowError) as err:
        current_rows(
            RULE,
            rows(("OT", "13/45/2026", "6/10/2027"), ("OT", "9/1/2026", "2026-02-30")),
            COLUMNS.__getitem__,
            dt.date(2026, 11, 22),
        )
    assert str(err.value) == (
        "s.csv, row 2, column 'Start': Start is not a date (use e.g. 2026-10-03 or 10/3/2026).\n"
        "s.csv, row 3, column 'End': End is not a date (use e.g. 2026-10-03 or 10/3/2026)."
    )
