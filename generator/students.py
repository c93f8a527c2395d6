"""From source rows to one record per student, typed and named as the template expects.

Rows are grouped by the key, so a caseload with one row per student and an IEP export with many
rows per student go through the same code. A problem with one student's data fails that student
only, with the cell to fix; a mapping that names a column the file lacks stops the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError

from generator.errors import MappingError, SourceError
from generator.jinja import make_environment
from generator.mapping import FieldSpec, Mapping, suggest
from generator.sources import Column, Location, Row, Table, normalize_header
from generator.values import (
    FormattedDate,
    is_blank,
    school_year,
    to_bool,
    to_date,
    to_integer,
    to_list,
    to_text,
)


@dataclass
class Student:
    """Everything a template gets for one student, plus where it came from."""

    key: str
    display_name: str
    values: dict[str, Any]
    locations: list[Location]
    warnings: list[str] = field(default_factory=list)

    def context(self) -> dict[str, Any]:
        return dict(self.values)


@dataclass
class StudentFailure:
    """A student (or a keyless row) whose data could not become a plan, and why."""

    key: str
    display_name: str
    message: str


@dataclass
class Roster:
    students: list[Student] = field(default_factory=list)
    failures: list[StudentFailure] = field(default_factory=list)


def resolve_columns(mapping: Mapping, table: Table) -> dict[str, list[Column]]:
    """Find every column the mapping names, or stop the run naming what is missing and what exists."""
    resolved: dict[str, list[Column]] = {}
    for spec in mapping.fields.values():
        columns = []
        for header in spec.source_columns():
            column = table.find_column(header)
            if column is None:
                existing = table.column_names()
                hint = suggest(normalize_header(header), {normalize_header(c): c for c in existing}, cutoff=0.8)
                raise SourceError(
                    f"{mapping.where(spec.name)}: field {spec.name!r} reads column {header!r}, "
                    f"which {table.label} does not have.{_restore_case(hint, existing)}\n"
                    f"Columns in {table.label}: {', '.join(repr(c) for c in existing)}.\n"
                    "Fix the column name in the mapping, or the header in the sheet."
                )
            columns.append(column)
        resolved[spec.name] = columns
    key_spec = mapping.fields[mapping.key]
    if key_spec.is_computed or key_spec.type == "list":
        raise MappingError(
            f"{mapping.where(mapping.key)}: the key field {mapping.key!r} must read one column "
            "(e.g. 'column: Student ID'), not be computed or a list."
        )
    return resolved


def _restore_case(hint: str, existing: list[str]) -> str:
    for name in existing:
        hint = hint.replace(repr(normalize_header(name)), repr(name))
    return hint


def build_roster(mapping: Mapping, table: Table, today: dt.date) -> Roster:
    columns = resolve_columns(mapping, table)
    key_column = columns[mapping.key][0]
    groups: dict[str, list[Row]] = {}
    roster = Roster()
    for row in table.rows:
        key = to_text(row.get(key_column))
        if not key:
            roster.failures.append(StudentFailure(
                key="", display_name=f"row {row.location.row}",
                message=f"{row.location.describe(key_column)}: the student key is blank. "
                        "Fill it in, or delete the row if it is not a student.",
            ))
            continue
        groups.setdefault(key, []).append(row)
    builder = _StudentBuilder(mapping, columns, today)
    for key, rows in groups.items():
        outcome = builder.build(key, rows)
        if isinstance(outcome, Student):
            roster.students.append(outcome)
        else:
            roster.failures.append(outcome)
    return roster


class _StudentBuilder:
    def __init__(self, mapping: Mapping, columns: dict[str, list[Column]], today: dt.date):
        self.mapping = mapping
        self.columns = columns
        self.today = today
        self.env = make_environment(autoescape=False)

    def builtins(self, key: str) -> dict[str, Any]:
        return {
            "today": FormattedDate(self.today, self.mapping.date_format),
            "school_year": school_year(self.today),
            "student_key": key,
        }

    def build(self, key: str, rows: list[Row]) -> Student | StudentFailure:
        values = self.builtins(key)
        errors: list[str] = []
        warnings: list[str] = []
        for spec in self.mapping.fields.values():
            try:
                if spec.is_computed:
                    values[spec.name] = self.computed(spec, values)
                else:
                    values[spec.name] = self.from_rows(spec, rows, warnings)
            except _CellError as exc:
                errors.append(str(exc))
                values[spec.name] = _EMPTY[spec.type]()  # lets later fields and the name still render
        display = self.display_name(key, values)
        if errors:
            return StudentFailure(key=key, display_name=display, message="\n".join(errors))
        return Student(key=key, display_name=display, values=values,
                       locations=[r.location for r in rows], warnings=warnings)

    def display_name(self, key: str, values: dict[str, Any]) -> str:
        try:
            name = " ".join(self.env.from_string(self.mapping.display_name).render(values).split())
        except JinjaTemplateError:
            return key
        return name or key

    def from_rows(self, spec: FieldSpec, rows: list[Row], warnings: list[str]) -> Any:
        columns = self.columns[spec.name]
        cells = [(row, column, row.get(column)) for row in rows for column in columns]
        cells = [(row, column, value) for row, column, value in cells if not is_blank(value)]
        if spec.type == "list":
            return self.list_value(spec, cells)
        if not cells:
            return self.convert(spec, None, None)
        chosen = self.pick(spec, cells, warnings)
        return self.convert(spec, chosen[2], chosen[0].location.describe(chosen[1]))

    def pick(self, spec: FieldSpec, cells: list[tuple[Row, Column, Any]], warnings: list[str]):
        first = cells[0]
        differing = [c for c in cells[1:] if to_text(c[2]) != to_text(first[2])]
        if not differing:
            return first
        other = differing[0]
        where = (f"field {spec.name!r} differs between {first[0].location.describe(first[1])} and "
                 f"{other[0].location.describe(other[1])}")
        if self.mapping.conflicts == "error":
            raise _CellError(f"{where}. Make the rows agree, or set 'conflicts: first' in the mapping.")
        chosen = first if self.mapping.conflicts == "first" else cells[-1]
        warnings.append(f"{where}; using {chosen[0].location.describe(chosen[1])} "
                        f"(conflicts: {self.mapping.conflicts}).")
        return chosen

    def list_value(self, spec: FieldSpec, cells: list[tuple[Row, Column, Any]]) -> list[Any]:
        items: list[Any] = []
        for _row, _column, value in cells:
            parts = to_list(value, spec.separator) if spec.column else [to_text(value)]
            for part in parts:
                mapped = self.mapped(spec, part)
                if mapped not in items:
                    items.append(mapped)
        if not items and spec.default is not None:
            items = spec.default if isinstance(spec.default, list) else to_list(spec.default, spec.separator)
        if not items and spec.required:
            raise _CellError(self.required_message(spec))
        return items

    def mapped(self, spec: FieldSpec, value: Any) -> Any:
        if not spec.value_map or is_blank(value):
            return value
        return spec.value_map.get(" ".join(to_text(value).split()).casefold(), value)

    def convert(self, spec: FieldSpec, value: Any, where: str | None) -> Any:
        value = self.mapped(spec, value)
        if is_blank(value):
            value = spec.default
            where = f"{self.mapping.where(spec.name)} (default of field {spec.name!r})"
        if is_blank(value):
            if spec.required:
                raise _CellError(self.required_message(spec))
            return _EMPTY[spec.type]()
        try:
            return self.converter(spec)(value)
        except ValueError as exc:
            raise _CellError(f"{where}: {spec.name} is {exc}.") from None

    def converter(self, spec: FieldSpec) -> Callable[[Any], Any]:
        date_format = spec.format or self.mapping.date_format
        if spec.type == "date":
            return lambda v: FormattedDate(to_date(v), date_format)
        if spec.type == "integer":
            return to_integer
        if spec.type == "yesno":
            return to_bool
        return lambda v: to_text(v, date_format)

    def required_message(self, spec: FieldSpec) -> str:
        columns = ", ".join(repr(c.name) for c in self.columns.get(spec.name, []))
        return (f"required field {spec.name!r} is empty (column {columns}). "
                "Fill it in the sheet, or give the field a default in the mapping.")

    def computed(self, spec: FieldSpec, values: dict[str, Any]) -> Any:
        try:
            text = self.env.from_string(spec.value).render(values)
        except JinjaTemplateError as exc:
            raise _CellError(f"{self.mapping.where(spec.name)}: field {spec.name!r} could not be "
                             f"computed: {exc}. Fields are computed in the order they are listed; "
                             "a field can only use fields listed above it.") from None
        return self.convert(spec, text.strip(), f"{self.mapping.where(spec.name)} (computed)")


_EMPTY: dict[str, Callable[[], Any]] = {
    "text": str, "date": lambda: None, "integer": lambda: None, "yesno": lambda: False, "list": list,
}


class _CellError(Exception):
    """A located problem with one student's value; collected so all of them are reported at once."""
