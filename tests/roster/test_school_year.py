"""School years: July to June, and the one a plan's service period mostly falls in."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.roster.school_year import school_year, service_school_year


def test_school_year_turns_over_in_july():
    assert school_year(dt.date(2026, 11, 22)) == "2026-2027"
    assert school_year(dt.date(2027, 6, 30)) == "2026-2027"
    assert school_year(dt.date(2027, 7, 1)) == "2027-2028"
    assert school_year(dt.date(2027, 6, 30), start_month=6) == "2027-2028"


@pytest.mark.parametrize(
    ("start", "end", "today", "year"),
    [
        ("2025-12-02", "2026-12-01", "2026-11-28", "2025-2026"),  # three days before it ends: the year ending
        ("2026-06-03", "2027-06-02", "2026-06-05", "2026-2027"),  # June meeting: the coming year, not today's
        ("2026-09-15", None, "2026-08-01", "2026-2027"),
        (None, "2027-05-01", "2026-08-01", "2026-2027"),
        (None, None, "2026-11-22", "2026-2027"),
        (None, None, "2027-03-01", "2026-2027"),
    ],
)
def test_the_school_year_is_the_one_the_service_period_mostly_falls_in(start, end, today, year):
    dates = [dt.date.fromisoformat(d) if d else None for d in (start, end, today)]
    assert service_school_year(*dates) == year
