"""What each column of a table holds, told without showing a single cell: ``plangen columns`` and ``plangen init``.

A therapist writing a mapping needs to know which columns are dates, whole numbers, yes/no, lists
(and split on what) or text, and how many rows fill each; ``init`` needs the same to guess field
types, the key (an ID column whose values are all different), a "Last, First" name column to split,
and which date column is the birth date and which the next review. Profiles hold counts and kinds,
never values, so they can be printed and written into a draft mapping.

API: ``profile_table(table, today) -> list[ColumnProfile]``; ``describe_table(table, profiles, sheets)``
gives the lines ``plangen columns`` prints.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.sources.cells import FALSE_WORDS, TRUE_WORDS, column_letter, date_orders, is_blank, to_date, to_text
from generator.sources.tables import Table

DATE, INTEGER, NUMBER, YESNO, LIST, TEXT, EMPTY = "date", "integer", "number", "yesno", "list", "text", "empty"
BIRTH, FUTURE, PAST = "birth", "future", "past"
LIST_SEPARATORS = ("\n", ";", "|", "•", ",")  # in order of preference
_LAST_FIRST = re.compile(r"[^\W\d_][\w'’. -]{0,40},\s*[^\W\d_][\w'’. -]{0,40}")
_DATE_TEXT = re.compile(r"[\w ,./:-]*\d[\w ,./:-]*")


@dataclass(frozen=True)
class ColumnProfile:
    """One column: its header, what its cells read as, and counts (never a value).

    ``kind`` is one of date, integer, number (decimals: a text field prints them as shown), yesno,
    list (``separator`` says on what), text, empty. ``date_role`` for dates: ``birth`` (years in the
    past, like birth dates), ``future`` (mostly ahead, like review dates) or ``past``. ``last_first``:
    the cells are names written "Last, First". ``distinct``: how many different values (an ID column
    has as many as rows).
    """

    name: str
    index: int
    kind: str
    filled: int
    distinct: int
    separator: str | None = None
    date_role: str | None = None
    last_first: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def describe(self) -> str:
        """How ``plangen columns`` names the kind: ``list (separated by ";")``, ``date (birth dates)``."""
        if self.kind == LIST:
            return f"list (separated by {_separator_name(self.separator)})"
        if self.kind == DATE and self.date_role:
            return {BIRTH: "date (birth dates)", FUTURE: "date (mostly ahead)", PAST: "date (past)"}[self.date_role]
        if self.kind == YESNO:
            return "yes/no"
        if self.kind == NUMBER:
            return "number with decimals"
        if self.kind == TEXT and self.last_first:
            return 'text ("Last, First" names)'
        return self.kind


def profile_table(table: Table, today: dt.date | None = None) -> list[ColumnProfile]:
    """A profile for every named column of the table, in sheet order."""
    today = today or dt.date.today()
    return [
        profile_column(column.name, column.index, [row.get(column) for row in table.rows], today)
        for column in table.columns
    ]


def profile_column(name: str, index: int, values: Sequence[Any], today: dt.date) -> ColumnProfile:
    cells = [v for v in values if not is_blank(v)]
    distinct = len({to_text(v).casefold() for v in cells})
    if not cells:
        return ColumnProfile(name, index, EMPTY, 0, 0)
    kind, separator, role, last_first = _kind(cells, today)
    return ColumnProfile(name, index, kind, len(cells), distinct, separator, role, last_first)


def _kind(cells: list[Any], today: dt.date) -> tuple[str, str | None, str | None, bool]:
    if all(_is_yes_no(v) for v in cells) and not all(_is_number(v) for v in cells):
        return YESNO, None, None, False
    dates = [_as_date(v) for v in cells]
    if all(d is not None for d in dates):
        return DATE, None, _date_role([d for d in dates if d is not None], today), False
    if all(_is_number(v) for v in cells):
        whole = all(float(_number_text(v)).is_integer() for v in cells)
        return (INTEGER if whole else NUMBER), None, None, False
    texts = [to_text(v) for v in cells]
    names = [t for t in texts if _LAST_FIRST.fullmatch(t) and all(w[:1].isupper() for w in re.split(r"[ ,]+", t) if w)]
    last_first = len(names) >= 0.8 * len(texts) and len(set(names)) >= 0.8 * len(names)
    separator = None if last_first else _list_separator(texts)
    return (LIST if separator else TEXT), separator, None, last_first


def _is_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, str) and value.strip().casefold() in (TRUE_WORDS | FALSE_WORDS) - {""}


def _number_text(value: Any) -> str:
    return str(float(value)) if isinstance(value, (int, float)) else value.strip().replace(",", "")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    try:
        float(_number_text(value))
    except ValueError:
        return False
    return True


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value.strip()) or _is_number(value):
        return None  # numbers are numbers here, even where a date field could read them as serial dates
    try:
        return to_date(value, day_first=date_orders(value) == "day")  # 25/12/2015 is a date too
    except ValueError:
        return None


def _date_role(dates: list[dt.date], today: dt.date) -> str:
    """Birth dates sit years back (school-age children); review dates mostly ahead."""
    ages = [(today - d).days / 365.25 for d in dates]
    if 2.5 <= statistics.median(ages) <= 25 and min(ages) > 1:
        return BIRTH
    return FUTURE if sum(d >= today for d in dates) * 2 >= len(dates) else PAST


def _list_separator(texts: list[str]) -> str | None:
    """The separator that splits at least a quarter of the cells (and two) into short items, not sentences.

    Line breaks and ``;`` split lists typed by hand; a ``,`` list needs a cell of three or more short
    items ("trains, dinosaurs, Minecraft"), so "Pull-out, OT room" or "Lee, COTA/L" stay text.
    """
    best: tuple[int, str] | None = None
    for separator in LIST_SEPARATORS:
        split = [[p.strip() for p in t.split(separator) if p.strip()] for t in texts if separator in t.strip()]
        split = [parts for parts in split if len(parts) >= 2]
        if len(split) < max(2, len(texts) / 4):
            continue
        items = [p for parts in split for p in parts]
        if separator != "\n" and sum(p.endswith(".") for p in items) * 2 >= len(items):
            continue  # sentences: prose with a separator in it
        if separator == "," and (statistics.mean(len(p) for p in items) > 30 or max(map(len, split)) < 3):
            continue
        if separator != "\n" and statistics.mean(len(p) for p in items) > 60:
            continue
        if best is None or len(split) > best[0]:
            best = (len(split), separator)
    return best[1] if best else None


def _separator_name(separator: str | None) -> str:
    return {"\n": "line breaks", ";": '";"', "|": '"|"', "•": '"•"', ",": '","'}.get(separator or "", repr(separator))


def describe_table(table: Table, profiles: list[ColumnProfile], sheets: Sequence[tuple[str, bool]] = ()) -> list[str]:
    """The lines ``plangen columns`` prints: sheets, where the header is, and one line per column."""
    lines = [table.path.name]
    if sheets:
        lines.append("Sheets: " + ", ".join(repr(title) + (" (hidden)" if hidden else "") for title, hidden in sheets))
    what = "row" if table.sheet is not None else "line"
    where = f"sheet {table.sheet!r}: " if table.sheet is not None else ""
    header = f"{where}column headers on {what} {table.header_row}"
    if table.title_rows:
        header += f" (above it, {what}(s) {_numbers(table.title_rows)} read as titles)"
    lines.append(f"{header[0].upper()}{header[1:]}; {len(table.rows)} data row(s).")
    if table.skipped_rows:
        lines.append(f"Skipped (not students): {what}(s) {_numbers(table.skipped_rows)}.")
    width = max([len(p.name) for p in profiles] + [6])
    lines.append(f"  {'column':<7} {'name':<{width}}  {'reads as':<28} filled")
    for profile in profiles:
        position = profile.letter if table.sheet is not None else str(profile.index + 1)
        lines.append(
            f"  {position:<7} {profile.name:<{width}}  {profile.describe():<28} {profile.filled}/{len(table.rows)}"
        )
    return lines


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
