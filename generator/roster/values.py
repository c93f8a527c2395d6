"""A student's cells typed as the mapping says: dates, whole numbers, yes/no, text, code tables.

Kept apart from joining and building students because this is where a sheet's cell becomes what
the plan prints; every rule about what a cell may hold, and every message about a cell that does
not fit, lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from generator.mapping.fields import FieldSpec, PatternTimeout
from generator.mapping.load import Mapping
from generator.mapping.types import Dates, FieldType
from generator.sources.cells import UncachedFormula, is_blank, normalize_value, split_code, to_text


class CellError(Exception):
    """A located problem with one student's value; collected so all of them are reported at once."""


EXCEL_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}


def convert(spec: FieldSpec, value: Any, where: str | None, mapping: Mapping, as_type: FieldType | None = None) -> Any:
    """A cell as its field's type (or ``as_type``: a list's items are text); a located CellError says what to
    fix in the sheet."""
    if isinstance(value, UncachedFormula):
        raise CellError(
            f"{where}: {spec.name} is a formula saved without its result (the file was written "
            "by a program, not saved by Excel). Open it in Excel or LibreOffice, save it, and run "
            "again."
        )
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        raise CellError(
            f"{where}: {spec.name} shows the Excel formula error {value.strip()}. Fix the formula "
            "in the sheet (or type the value), then save."
        )
    try:
        if spec.pattern is not None and spec.pattern.groupindex:
            return parts(spec, value, where, mapping)
        value = reshape(spec, value)
    except PatternTimeout as exc:
        raise CellError(f"{where}: {spec.name}: {exc}.") from None
    cell = where
    if is_blank(value):
        value = spec.default
        where = f"{mapping.where(spec.name)} (default of field {spec.name!r})"
    if is_blank(value):
        if spec.required:
            raise CellError((f"{cell}: " if cell else "") + required_message(spec))
        return (as_type or spec.kind).empty()
    try:
        return converter(spec, as_type or spec.kind, mapping)(value)
    except ValueError as exc:
        raise CellError(f"{where}: {spec.name} is {exc}.") from None


def parts(spec: FieldSpec, value: Any, where: str | None, mapping: Mapping) -> dict[str, str]:
    """A pattern with named groups reads a cell like "30 min x 2 Times = 60 min Weekly" into its parts.

    The whole cell must have the pattern's form: a cell written another way is an error, never a
    half-read value (a wrong number of minutes in a plan is worse than no plan).
    """
    assert spec.pattern is not None
    names = list(spec.pattern.groupindex)
    if is_blank(value) and is_blank(spec.default):
        if spec.required:
            raise CellError((f"{where}: " if where else "") + required_message(spec))
        return dict.fromkeys(names, "")
    text = to_text(spec.default if is_blank(value) else value)
    if spec.part:
        text = split_code(text, spec.part)
    match = spec.pattern.fullmatch(" ".join(text.split()))
    if match is None:
        raise CellError(
            f"{where}: {spec.name} does not have the form the mapping's pattern expects "
            f"({mapping.path}, line {spec.line}). Fix the cell, or widen the pattern."
        )
    return {name: (match.group(name) or "").strip() for name in names}


def reshape(spec: FieldSpec, value: Any) -> Any:
    """Code/label split, pattern extraction and value map: what a code table does to a cell."""
    if is_blank(value) or (spec.pattern is not None and spec.pattern.groupindex):
        return value
    if spec.part or spec.pattern:
        text = to_text(value)
        if spec.part:
            text = split_code(text, spec.part)
        if spec.pattern:
            match = spec.pattern.search(text)
            text = (match.group(1) if match and match.groups() else match.group(0)) if match else ""
        value = text
    if spec.value_map:
        value = spec.value_map.get(normalize_value(value), value)
    return value


def converter(spec: FieldSpec, kind: FieldType, mapping: Mapping) -> Callable[[Any], Any]:
    """How ``kind`` reads a cell of this field: in the field's own date format when it has one."""
    return kind.converter(Dates(spec.format or mapping.date_format, bool(spec.format), mapping.day_first))


def required_message(spec: FieldSpec) -> str:
    columns = ", ".join(repr(c) for c in spec.source_columns() or spec.item_columns())
    return (
        f"required field {spec.name!r} is empty (column {columns}). "
        "Fill it in the sheet, or give the field a default in the mapping."
    )


def sort_key(value: Any) -> tuple:
    """Numbers (goal 2 before goal 10), then dates, then text case-insensitively; blanks last."""
    if value is None or value == "":
        return (3, "")
    if isinstance(value, dt.date):
        return (1, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    text = str(value)
    try:
        return (0, float(text))
    except ValueError:
        return (2, text.casefold())
