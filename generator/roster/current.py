"""Which of a student's rows is current, by the dates on each row (``current:`` of a source).

A service that changed mid-year stays in the report as two rows with different dates; the plan
is about the one in effect, not both. Dates are read only for students who get a plan, so an
impossible date on another student's row never stops the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from generator.errors import RowError
from generator.mapping.fields import normalize_value
from generator.mapping.source_options import CurrentRule
from generator.sources.cells import to_date
from generator.sources.tables import Column, Row

Span = tuple[Row, "dt.date | None", "dt.date | None"]


def current_rows(
    rule: CurrentRule, rows: list[Row], column: Callable[[str], Column], today: dt.date, day_first: bool = False
) -> list[Row]:
    """One student's rows with, per ``per`` group, only the current one kept (file order preserved).

    Current: started on or before today and not ended before it (a blank date is open). With none,
    the next to start is kept; with none either, the one that ended last. Two current rows for one
    group are both kept: the report itself says both are in effect.
    """
    spans, errors = [], []
    for row in rows:
        try:
            spans.append((row, _date(row, rule.start, column, day_first), _date(row, rule.end, column, day_first)))
        except RowError as exc:
            errors.append(str(exc))
    if errors:
        raise RowError("\n".join(errors))
    groups: dict[tuple, list[Span]] = {}
    for span in spans:
        groups.setdefault(tuple(normalize_value(span[0].get(column(c))) for c in rule.per), []).append(span)
    kept = {id(row) for group in groups.values() for row in _choose(group, today)}
    return [row for row in rows if id(row) in kept]


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
