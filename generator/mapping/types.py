"""The field types a mapping's ``type:`` may name, each said once: text, date, integer, number, yesno, list, records.

A field's type decides what a blank cell becomes, how a cell is read, whether the value is a list a
template loops over, whether keys compare it as a date, and which column kind ``plangen init`` drafts
as it. Those used to be string comparisons spread over mapping/, roster/, sources/ and draft/, with
three lists of kinds that did not know of each other; here each type is one entry, so a new type is
one ``FieldType`` in ``TYPES`` (and its test), and every stage that reads a field asks its entry.

API: ``TYPES`` (name -> ``FieldType``), ``field_type(name)``, ``drafted_type(profile_kind)``; the
entries themselves as ``TEXT``, ``DATE``, ``INTEGER``, ``NUMBER``, ``YESNO``, ``LIST``, ``RECORDS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.sources import profile
from generator.sources.cells import FormattedDate, checkbox_text, to_bool, to_date, to_integer, to_number, to_text

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Dates:
    """The date format a field reads and prints with (not the whole mapping).

    ``format``: the strftime pattern dates print in. ``fixed``: it is the field's own ``format:``, which
    wins over the format a date cell has in the sheet. ``day_first``: text dates such as 03/04/2015 are
    read day first, as the mapping's ``date_format`` writes them.
    """

    format: str = "%m/%d/%Y"
    fixed: bool = False
    day_first: bool = False


@dataclass(frozen=True)
class FieldType:
    """One field type: its name in a mapping and everything the stages need to know of it.

    ``converter(dates)`` gives the function that reads one non-blank cell (raising ``ValueError`` with
    a phrase that never repeats the cell), ``dates`` saying how dates print and how text dates are
    read (``Dates``). ``empty`` makes
    the value of a blank cell (a new object each time: lists are filled in place). ``many``: the value
    is a list (a template loops over it); ``items``: each list item is a record of item fields;
    ``dates``: keys and identity fields compare it as a date. ``drafted_from``: the column kinds
    (``generator.sources.profile``) that ``plangen init`` drafts as this type; ``described`` is how its
    comments name such a column.
    """

    name: str
    empty: Callable[[], Any]
    converter: Callable[[Dates], Converter]
    drafted_from: tuple[str, ...] = ()
    described: str = ""
    many: bool = False
    items: bool = False
    dates: bool = False

    def __str__(self) -> str:
        return self.name


def _text(dates: Dates) -> Converter:
    """What the sheet shows (80%, $12.50); plain dates, and with the field's own format every date, in it."""

    def read(value: Any) -> str:
        if isinstance(value, bool):  # a TRUE/FALSE cell: shown as the sheet shows it, false when unchecked
            return checkbox_text(value)
        if dates.fixed and isinstance(value, dt.date):
            value = FormattedDate(value, dates.format)
        return to_text(value, dates.format)

    return read


def _date(dates: Dates) -> Converter:
    def read(value: Any) -> FormattedDate:
        date = to_date(value, dates.day_first)
        if date is None:  # blanks never reach a converter; a None here would print as an empty date silently
            raise ValueError("not a date")
        return FormattedDate(date, dates.format)

    return read


def _records(dates: Dates) -> Converter:
    def read(value: Any) -> Any:
        raise ValueError("a list of records, read from its item fields (it has no value of its own)")

    return read


TEXT = FieldType("text", str, _text, (profile.TEXT, profile.EMPTY), "text")
DATE = FieldType("date", lambda: None, _date, (profile.DATE,), "dates", dates=True)
INTEGER = FieldType("integer", lambda: None, lambda dates: to_integer, (profile.INTEGER,), "whole numbers")
NUMBER = FieldType("number", lambda: None, lambda dates: to_number, (profile.NUMBER,), "numbers with decimals")
YESNO = FieldType("yesno", lambda: False, lambda dates: to_bool, (profile.YESNO,), "yes/no")
LIST = FieldType("list", list, _text, (profile.LIST,), "list", many=True)  # each item read as text
RECORDS = FieldType("records", list, _records, many=True, items=True)

TYPES: dict[str, FieldType] = {t.name: t for t in (TEXT, DATE, INTEGER, NUMBER, YESNO, LIST, RECORDS)}
ITEM_TYPES = tuple(name for name, t in TYPES.items() if not t.items)  # an item field holds no records of its own


def field_type(name: str) -> FieldType:
    """The entry for a type name a mapping was checked to hold (``KeyError`` for any other: a bug)."""
    return TYPES[name]


def drafted_type(kind: str) -> FieldType:
    """The field type ``plangen init`` gives a column whose cells read as ``kind``."""
    for entry in TYPES.values():
        if kind in entry.drafted_from:
            return entry
    raise KeyError(f"no field type drafts columns of kind {kind!r}")
