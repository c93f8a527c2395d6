"""Which of a student's rows is current, by the dates on each row (``current:`` of a source), and which
IEP period a plan covers (``iep_period:`` of the mapping).

A service that changed mid-year stays in the report as two rows with different dates; the plan
is about the one in effect, not both. A report downloaded near an annual review also holds the
next IEP's rows (a service starting the day after the review): one plan covers one IEP period, so
rows are first sorted into periods and only the chosen period's rows are read. Dates are read only
for students who get a plan, so an impossible date on another student's row never stops the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.errors import RowError
from generator.mapping.fields import normalize_value
from generator.mapping.source_options import CurrentRule
from generator.sources.cells import to_date
from generator.sources.tables import Column, Row

Span = tuple[Row, "dt.date | None", "dt.date | None"]


YEAR = dt.timedelta(days=365)


@dataclass(frozen=True)
class Period:
    """One IEP period: its first day and its last (None: open-ended)."""

    start: dt.date
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def anchor_period(start: Any, end: Any) -> Period | None:
    """The IEP period of record (e.g. IEP date to next annual review); one missing date is a year from the other."""
    first = _plain(start) if isinstance(start, dt.date) else None
    last = _plain(end) if isinstance(end, dt.date) else None
    if first is not None and last is not None:
        return Period(first, last)
    if first is not None:
        return Period(first, first + YEAR - dt.timedelta(days=1))
    if last is not None:
        return Period(last - YEAR + dt.timedelta(days=1), last)
    return None


def periods_of(anchor: Period, starts_ends: Sequence[tuple[dt.date | None, dt.date | None]]) -> list[Period]:
    """The IEP periods a student's dated rows belong to, in date order.

    The period of record comes first; a row starting inside a known period belongs to it (a mid-year
    change), and a row starting outside every known one begins another period (the next IEP's service,
    or the last one's), which later rows starting inside it join.
    """
    periods = [anchor]
    dated = [(start, end) for start, end in starts_ends if start is not None]
    for start, end in sorted(dated, key=lambda span: (span[0], span[1] is None, span[1] or dt.date.max)):
        if not any(p.holds(start) for p in periods):
            periods.append(Period(_plain(start), _plain(end) if end is not None else None))
    return sorted(periods, key=lambda p: p.start)


def choose_period(periods: Sequence[Period], today: dt.date, choose: str) -> Period:
    """``current``: the period in effect today (the latest to start, if two are), else the last one
    started, else the first to come; ``upcoming``: the first period starting after today, else as current.
    """
    later = [p for p in periods if p.start > today]
    if choose == "upcoming" and later:
        return later[0]
    started = [p for p in periods if p.start <= today]
    now = [p for p in started if p.holds(today)]
    if now:
        return max(now, key=lambda p: p.start)
    if started:
        return max(started, key=lambda p: p.start)
    return later[0]


def row_spans(
    rule: CurrentRule, rows: list[Row], column: Callable[[str], Column], day_first: bool = False
) -> list[Span]:
    """Each row with its start and end dates; every unreadable date is reported at once (RowError)."""
    spans, errors = [], []
    for row in rows:
        try:
            spans.append((row, _date(row, rule.start, column, day_first), _date(row, rule.end, column, day_first)))
        except RowError as exc:
            errors.append(str(exc))
    if errors:
        raise RowError("\n".join(errors))
    return spans


def in_period(spans: list[Span], period: Period) -> list[Span]:
    """The rows of one period: those starting in it, and undated ones (they belong to every period)."""
    return [span for span in spans if span[1] is None or period.holds(span[1])]


def current_rows(
    rule: CurrentRule, rows: list[Row], column: Callable[[str], Column], today: dt.date, day_first: bool = False
) -> list[Row]:
    """One student's rows with, per ``per`` group, only the current one kept (file order preserved)."""
    return current_of(rule, row_spans(rule, rows, column, day_first), column, today)


def current_of(rule: CurrentRule, spans: list[Span], column: Callable[[str], Column], today: dt.date) -> list[Row]:
    """Per ``per`` group, the current row of ``spans`` (file order preserved).

    Current: started on or before today and not ended before it (a blank date is open). With none,
    the next to start is kept; with none either, the one that ended last. Two current rows for one
    group are both kept: the report itself says both are in effect.
    """
    groups: dict[tuple, list[Span]] = {}
    for span in spans:
        groups.setdefault(tuple(normalize_value(span[0].get(column(c))) for c in rule.per), []).append(span)
    kept = {id(row) for group in groups.values() for row in _choose(group, today)}
    return [span[0] for span in spans if id(span[0]) in kept]


def _plain(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


def _date(row: Row, header: str | None, column: Callable[[str], Column], day_first: bool) -> dt.date | None:
    if header is None:
        return None
    value: Any = row.get(column(header))
    try:
        return to_date(value, day_first)
    except ValueError as exc:
        raise RowError(f"{row.location.describe(column(header))}: {header} is {exc}.") from None


def _choose(group: list[Span], today: dt.date) -> list[Row]:
    now = [
        (row, start) for row, start, end in group if (start is None or start <= today) and (end is None or end >= today)
    ]
    if now:
        return [row for row, _start in now]
    upcoming = [(start, row) for row, start, _end in group if start is not None and start > today]
    if upcoming:
        first = min(start for start, _row in upcoming)
        return [row for start, row in upcoming if start == first]
    ended = [(end, row) for row, _start, end in group if end is not None]  # here every row has an end date
    last = max(end for end, _row in ended)
    return [row for end, row in ended if end == last]
