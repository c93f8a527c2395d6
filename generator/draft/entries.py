"""One entry of a draft mapping's ``fields:`` and the comment that explains it (``plangen init``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.draft.columns import ColumnProfile
from generator.mapping.types import TEXT, FieldType


@dataclass
class DraftField:
    """One entry under ``fields:`` and the comment that explains it."""

    name: str
    column: str | None = None
    type: FieldType = TEXT
    separator: str | None = None
    pattern: str | None = None
    value: str | None = None
    required: bool = False
    comment: str = ""
    profile: ColumnProfile | None = None
    columns: list[str] = field(default_factory=list)  # a list read from several columns (Goal 1, Goal 2...)
    item: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # records: name, column, value
    repeat: list[str] = field(default_factory=list)  # records from numbered column groups: Goal {n}, Goal {n} Area


def fields_named(fields: list[DraftField], name: str) -> DraftField | None:
    return next((f for f in fields if f.name == name), None)
