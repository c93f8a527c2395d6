"""Which rows are the same child: student keys compared the way a person reads them.

A key typed by hand or exported by two systems varies in ways nobody sees: ``00123`` and ``123``,
``AB1001`` and ``ab1001``, a zero-width space pasted from a web page, full-width digits from an
East Asian keyboard. Treating those as different students writes two plans for one child, so keys
are compared after cleaning; the form first seen is the one shown and used in file names.
Composite keys (``key: [last_name, first_name, dob]``) let a sheet without an ID column tell apart
two children with the same name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from generator.sources.cells import to_date, to_text
from generator.sources.tables import Column, Row

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)
# 1002, 001002, 1002.0 (a number saved as text) and 1,002 / 1 002 (an ID column formatted with thousands)
_DIGITS = re.compile(r"([0-9]{1,3}(?:[, ][0-9]{3})+|[0-9]+)(?:\.0+)?")
PART_SEPARATOR = " · "  # how a composite key is shown: "Chen · Lucas · 2015-03-02"


def clean_key(value: Any) -> str:
    """The key as a person would read it: Unicode-normalized, invisible characters gone, spacing collapsed."""
    text = unicodedata.normalize("NFKC", to_text(value)).translate(_INVISIBLE)
    return " ".join(text.split())


def iso_date(value: Any, day_first: bool = False) -> str | None:
    """A date cell, or a date typed as text, as YYYY-MM-DD, so the two forms of one date agree; else None."""
    try:
        date = to_date(value, day_first)
    except ValueError:
        return None
    return date.isoformat() if date is not None else None


def key_identity(text: str, ignore_case: bool = True) -> str:
    """What two keys must share to be one student: all-digit IDs compare as numbers, letters case-free."""
    whole = _DIGITS.fullmatch(text)
    if whole:
        return str(int(whole.group(1).replace(",", "").replace(" ", "")))
    return text.casefold() if ignore_case else text


@dataclass(frozen=True)
class KeyPart:
    column: Column
    is_date: bool = False


@dataclass(frozen=True)
class StudentKey:
    identity: str  # compared
    shown: str  # printed, used in names: the form first seen


class KeyReader:
    """Reads a row's student key from one column, or several for a composite key."""

    def __init__(self, parts: list[KeyPart], ignore_case: bool = True, day_first: bool = False):
        self.parts = parts
        self.ignore_case = ignore_case
        self.day_first = day_first  # text dates in a date key part are read as the mapping's date_format

    def read(self, row: Row) -> StudentKey | None:
        """None when the key (or any part of a composite key) is blank."""
        shown_parts, identity_parts = [], []
        for part in self.parts:
            raw = row.get(part.column)
            text = clean_key(raw)
            if not text:
                return None
            if part.is_date:
                text = iso_date(raw, self.day_first) or text
            shown_parts.append(text)
            identity_parts.append(key_identity(text, self.ignore_case))
        return StudentKey("\x1f".join(identity_parts), PART_SEPARATOR.join(shown_parts))

    def identity_of(self, given: str) -> str:
        """The identity of a key typed on the command line (--student), in the shown form."""
        pieces = given.split(PART_SEPARATOR.strip()) if len(self.parts) > 1 else [given]
        return "\x1f".join(key_identity(clean_key(piece), self.ignore_case) for piece in pieces)

    def describe(self) -> str:
        return " + ".join(repr(part.column.name) for part in self.parts)
