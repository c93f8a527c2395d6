"""What each column of a caseload holds, as ``plangen init`` needs it: type, list separator, fill.

This is the one door ``init`` uses to learn about columns, so it can move onto the shared
column profiling in ``generator.sources`` (the same one ``plangen columns`` prints) without the
drafting code changing. Only kinds and counts leave here, never a cell value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.sources.cells import FALSE_WORDS, TRUE_WORDS, is_blank, to_date, to_text
from generator.sources.tables import Column, Table

DATE, INTEGER, YESNO, LIST, TEXT = "date", "integer", "yesno", "list", "text"
LIST_SEPARATORS = ("\n", ";")
_DATE_TEXT = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9} \d{4}")
_INTEGER_TEXT = re.compile(r"[-+]?\d[\d,]*(\.0+)?")


@dataclass
class ColumnProfile:
    """One column: how its cells read, how many rows fill it, and (for dates) when they fall."""

    column: Column
    kind: str
    filled: int
    separator: str | None = None  # for lists: what separates the items in a cell
    dates: list[dt.date] = field(default_factory=list)  # for dates: the values, to pick the next review date
    unique: bool = False  # every filled cell differs from the others
    name_order: str | None = None  # "last, first" when cells read like "Alvarez, Mia"
    multiline: bool = False  # some cell holds several lines

    @property
    def name(self) -> str:
        return self.column.name


def profile_columns(table: Table) -> list[ColumnProfile]:
    """Every column of ``table`` with the kind its filled cells read as."""
    return [profile_column(table, column) for column in table.columns]


def profile_column(table: Table, column: Column) -> ColumnProfile:
    values = [row.get(column) for row in table.rows]
    filled = [v for v in values if not is_blank(v)]
    texts = [to_text(v) for v in filled]
    profile = ColumnProfile(column, _kind(filled), len(filled), unique=len(set(texts)) == len(texts))
    if profile.kind == DATE:
        profile.dates = [d for d in (_date(v) for v in filled) if d is not None]
    profile.multiline = any("\n" in t for t in texts)
    if profile.kind == TEXT:
        profile.separator = _separator(texts)
        if profile.separator is not None:
            profile.kind = LIST
        elif texts and all(re.fullmatch(r"[^,\d]+,\s*[^,\d]+", t) for t in texts):
            profile.name_order = "last, first"
    return profile


def _kind(values: list[Any]) -> str:
    if not values:
        return TEXT
    if all(isinstance(v, (dt.date, dt.datetime)) or (isinstance(v, str) and _DATE_TEXT.fullmatch(v.strip())
                                                     and _date(v) is not None) for v in values):
        return DATE
    if all(isinstance(v, bool) or (isinstance(v, str) and v.strip().casefold() in TRUE_WORDS | FALSE_WORDS)
           for v in values) and not all(str(v).strip() in ("0", "1") for v in values):
        return YESNO
    if all(_is_integer(v) for v in values):
        return INTEGER
    return TEXT


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(_INTEGER_TEXT.fullmatch(value.strip()))


def _date(value: Any) -> dt.date | None:
    try:
        return to_date(value)
    except ValueError:
        return None


def _separator(texts: list[str]) -> str | None:
    """A list when several cells hold more than one item: one per line, or separated by ';'."""
    for separator in LIST_SEPARATORS:
        several = sum(1 for t in texts if len([p for p in t.split(separator) if p.strip()]) > 1)
        if several and several * 4 >= len(texts):
            return separator
    return None
