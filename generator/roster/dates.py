"""Text dates read one way per column: 03/04/2015 is 4 March or 3 April as the mapping's ``date_format`` says.

A sheet typed in one country and read with another's order would give every ambiguous date (both
numbers 12 or below) the wrong month, silently, while dates like 25/12/2015 fail or are read the
other way. So before any student is built, each column a date field reads is looked at whole: a
column holding text dates that make a date only in the order ``date_format`` does not use is refused,
naming the column and the rows (never the values), with the setting to change. Never read two ways.
"""

from __future__ import annotations

from generator.errors import SourceError
from generator.mapping.fields import REPEAT_MARK, FieldSpec
from generator.mapping.load import Mapping
from generator.roster.join import SourceRows
from generator.sources.cells import date_orders, normalize_header
from generator.sources.tables import Column

MAX_ROWS_NAMED = 8


def check_text_dates(mapping: Mapping, sources: dict[str, SourceRows]) -> None:
    """Raise a SourceError naming every date column whose text dates cannot all be read in one order."""
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for spec, name in _date_fields(mapping):
        rows = sources.get(name)
        if rows is None:
            continue
        for header in _columns(spec):
            column = rows.columns.get(normalize_header(header))
            if column is None or (name, column.index) in seen:
                continue
            seen.add((name, column.index))
            problem = _column_problem(mapping, rows, column)
            if problem:
                problems.append(problem)
    if problems:
        raise SourceError("\n".join(problems))


def _date_fields(mapping: Mapping) -> list[tuple[FieldSpec, str]]:
    found = []
    for spec in mapping.fields.values():
        source = mapping.source_of(spec)
        if spec.kind.dates and not spec.is_computed:
            found.append((spec, source))
        found.extend((item, source) for item in spec.item.values() if item.kind.dates and not item.is_computed)
    return found


def _columns(spec: FieldSpec) -> list[str]:
    columns = spec.source_columns()
    return [c.replace(REPEAT_MARK, n) for n in spec.repeat for c in columns] if spec.repeat else columns


def _column_problem(mapping: Mapping, rows: SourceRows, column: Column) -> str | None:
    orders: dict[str, list[int]] = {"both": [], "month": [], "day": []}
    for row in rows.table.rows:
        order = date_orders(row.get(column))
        if order is not None:
            orders[order].append(row.location.row)
    wrong = "month" if mapping.day_first else "day"
    if not orders[wrong]:
        return None
    what = "row" if rows.table.sheet is not None else "line"
    where = f"{rows.table.label}, column {column.name!r}"
    position = "second" if wrong == "month" else "first"
    written = f"{wrong} first (their {position} number is above 12)"
    reads = "day first" if mapping.day_first else "month first"
    text = (
        f"{where}: text dates on {what}(s) {_numbers(orders[wrong])} can only be read {written}, but the "
        f"mapping's date_format ({mapping.date_format}) reads text dates {reads}"
    )
    if orders["both"]:
        text += f", so dates on {what}(s) {_numbers(orders['both'])} could be read either way"
    if orders[_other(wrong)]:
        text += f"; {what}(s) {_numbers(orders[_other(wrong)])} can only be read {reads}: the column mixes both orders"
    pattern = '"%m/%d/%Y"' if wrong == "month" else '"%d/%m/%Y"'
    return (
        f"{text}. If the sheet writes dates {'month' if wrong == 'month' else 'day'} first, set "
        f"`date_format: {pattern}` in the mapping ({mapping.path}); otherwise correct those cells, "
        "or type the dates as real dates (or as 2015-12-25)."
    )


def _other(order: str) -> str:
    return "day" if order == "month" else "month"


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_ROWS_NAMED])
    return shown + (f" and {len(numbers) - MAX_ROWS_NAMED} more" if len(numbers) > MAX_ROWS_NAMED else "")
