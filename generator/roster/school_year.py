"""Which school year a plan belongs to: a rule about children's school calendars, not about cells.

``{{ school_year }}`` heads most plans. It is today's school year, or, when the mapping names the
plan's service period (``service_period:``), the year that period mostly falls in.
"""

from __future__ import annotations

import datetime as dt

HALF_YEAR = dt.timedelta(days=182)


def school_year(today: dt.date, start_month: int = 7) -> str:
    """US school years run July–June: 2026-11-22 is in "2026-2027"."""
    first = today.year if today.month >= start_month else today.year - 1
    return f"{first}-{first + 1}"


def service_school_year(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    """The school year a plan's service period mostly falls in: the year of its midpoint.

    A plan written in June for an IEP that starts in June belongs to the coming school year, and
    one written three days before its IEP ends to the year that is ending. With one date the
    period is taken to be a year long; with none, today's school year.
    """
    first = dt.date(start.year, start.month, start.day) if isinstance(start, dt.date) else None
    last = dt.date(end.year, end.month, end.day) if isinstance(end, dt.date) else None
    middle = today
    if first is not None and last is not None:
        middle = first + (last - first) / 2
    elif first is not None:
        middle = first + HALF_YEAR
    elif last is not None:
        middle = last - HALF_YEAR
    return school_year(middle)
