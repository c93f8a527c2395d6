"""roster.current: which of a student's rows is in effect, by the dates on each row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import RowError
from generator.mapping.source_options import CurrentRule
from generator.roster.current import (
    Period,
    anchor_period,
    choose_period,
    current_rows,
    in_period,
    periods_of,
    row_spans,
)
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


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_the_period_of_record_and_a_rows_period_each_a_year_long_when_one_date_is_missing():
    assert anchor_period(d("2025-12-04"), d("2026-12-03")) == Period(d("2025-12-04"), d("2026-12-03"))
    assert anchor_period(d("2025-12-04"), None) == Period(d("2025-12-04"), d("2026-12-03"))
    assert anchor_period(None, d("2026-12-03")) == Period(d("2025-12-04"), d("2026-12-03"))
    assert anchor_period("", None) is None


def test_rows_starting_outside_every_known_period_begin_another_and_mid_year_changes_stay_in_theirs():
    anchor = Period(d("2025-12-04"), d("2026-12-03"))
    spans = [
        (d("2026-12-04"), d("2027-12-03")),  # the next IEP's service
        (d("2026-06-01"), d("2026-12-03")),  # a mid-year change: inside the period of record
        (d("2026-12-04"), None),  # the next IEP's goal (IEP Date only)
        (d("2024-12-05"), d("2025-12-03")),  # the last IEP's service
        (None, None),  # undated: every period's
    ]
    assert periods_of(anchor, spans) == [
        Period(d("2024-12-05"), d("2025-12-03")),
        anchor,
        Period(d("2026-12-04"), d("2027-12-03")),
    ]


@pytest.mark.parametrize(
    ("today", "choose", "expected"),
    [
        ("2026-11-22", "current", 1),  # the period of record holds today
        ("2026-11-22", "upcoming", 2),  # the plan for the coming meeting
        ("2026-12-10", "current", 2),  # the next period began
        ("2026-12-10", "upcoming", 2),  # nothing later: the one in effect
        ("2028-01-01", "current", 2),  # all ended: the last started
        ("2024-01-01", "current", 0),  # none started: the first to come
    ],
)
def test_the_plan_covers_the_period_in_effect_or_the_upcoming_one(today: str, choose: str, expected: int):
    periods = [
        Period(d("2024-12-05"), d("2025-12-03")),
        Period(d("2025-12-04"), d("2026-12-03")),
        Period(d("2026-12-04"), d("2027-12-03")),
    ]
    assert choose_period(periods, d(today), choose) == periods[expected]


def test_a_periods_rows_are_those_starting_in_it_and_undated_ones():
    found = row_spans(
        RULE,
        rows(("OT", "12/4/2025", "12/3/2026"), ("OT", "12/4/2026", "12/3/2027"), ("Consult", "", "")),
        COLUMNS.__getitem__,
    )
    assert kept([span[0] for span in in_period(found, Period(d("2026-12-04"), d("2027-12-03")))]) == [3, 4]
