"""What each column of a caseload holds, as ``plangen init`` needs it: the shared column profiles
(``generator.sources.profile``, the same ``plangen columns`` prints) plus what drafting adds.

Drafting needs two things a printed profile does not carry: a date column's dates, to tell the next
review from the last one, and whether cells hold several lines. Both stay in memory here; only
kinds and counts reach the draft, never a cell value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.mapping.types import DATE, INTEGER, LIST, NUMBER, TEXT, YESNO, FieldType, drafted_type
from generator.sources import profile as shared
from generator.sources.cells import date_orders, is_blank, to_date, to_text
from generator.sources.tables import Column, Table

__all__ = ["BIRTH", "DATE", "INTEGER", "LIST", "NUMBER", "TEXT", "YESNO", "ColumnProfile", "profile_columns"]
BIRTH = shared.BIRTH


@dataclass
class ColumnProfile:
    """One column: the field type its cells draft as, how many rows fill it, and (for dates) when they fall."""

    column: Column
    kind: FieldType
    filled: int
    separator: str | None = None  # for lists: what separates the items in a cell
    dates: list[dt.date] = field(default_factory=list)  # for dates: the values, to pick the next review date
    unique: bool = False  # every filled cell differs from the others
    name_order: str | None = None  # "last, first" when cells read like "Alvarez, Mia"
    multiline: bool = False  # some cell holds several lines
    date_role: str | None = None  # birth, future or past (see generator.sources.profile)
    plan_kinds: float = 0.0  # share of cells naming a kind of plan (IEP, 504, Section 504, IFSP): a plan-type column
    separator_seen: str | None = None  # the first list separator any cell holds (a list the template loops over)
    whole_names: float = 0.0  # share of cells that read like "First Last" (two or more capitalised words)
    long_names: int = 0  # cells of three or more words: where a first and a last name cannot be told apart
    amounts: float = 0.0  # share of cells stating how long or how often (30 min/wk, 2x weekly): a service line

    @property
    def name(self) -> str:
        return self.column.name


def profile_columns(table: Table, today: dt.date | None = None) -> list[ColumnProfile]:
    """Every column of ``table`` with the kind its filled cells read as."""
    by_index = {column.index: column for column in table.columns}
    return [_drafting(table, by_index[p.index], p) for p in shared.profile_table(table, today)]


def _drafting(table: Table, column: Column, found: shared.ColumnProfile) -> ColumnProfile:
    cells = [v for v in (row.get(column) for row in table.rows) if not is_blank(v)]
    kind = drafted_type(found.kind)  # an empty column drafts as text
    profile = ColumnProfile(
        column,
        kind,
        found.filled,
        found.separator,
        unique=found.distinct == found.filled,
        name_order="last, first" if found.last_first else None,
        date_role=found.date_role,
        multiline=any("\n" in to_text(v) for v in cells),
    )
    if kind.dates:
        profile.dates = [d for d in map(_date, cells) if d is not None]
    texts = [to_text(v).strip() for v in cells]
    if texts and (kind is TEXT or kind is INTEGER):
        profile.plan_kinds = sum(len(t) <= 20 and bool(_PLAN_KIND.search(t)) for t in texts) / len(texts)
    if texts and kind is not INTEGER and kind is not NUMBER:
        profile.amounts = sum(bool(_AMOUNT.search(t)) for t in texts) / len(texts)
    profile.separator_seen = next((sep for sep in shared.LIST_SEPARATORS if any(sep in t for t in texts)), None)
    if kind is TEXT and texts and not found.last_first:
        named = [t for t in texts if _FIRST_LAST.fullmatch(t)]
        profile.whole_names = len(named) / len(texts)
        profile.long_names = sum(len(t.split()) > 2 for t in named)
    return profile


_AMOUNT = re.compile(
    r"\d\s*(?:min|mins|minutes|hr|hrs|hours?|x|times|sessions?)\b|\b(?:weekly|monthly|daily|per week|per month)\b",
    re.IGNORECASE,
)
_PLAN_KIND = re.compile(r"(?<![\w.])(504|iep|ifsp)(?![\w.])", re.IGNORECASE)
_FIRST_LAST = re.compile(r"[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){1,4}")


def _date(value: object) -> dt.date | None:
    try:
        return to_date(value, day_first=date_orders(value) == "day")
    except ValueError:
        return None
