"""``plangen explain STUDENT``: where each field of one student's plan comes from, cell by cell.

The proof that a plan says what the sheet says: every template field with the sheet, cell and value
as the sheet shows it (or the mapping's default, or the expression that computes it), then every
column of the student's row that no field reads. It prints this one student's values because the
therapist asked for them; no other command prints a cell value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError, PlangenError
from generator.locations import Locations
from generator.mapping.fields import FieldSpec
from generator.mapping.load import Mapping, load_mapping
from generator.pipeline import RunOptions, build, read_sources
from generator.roster.students import Student
from generator.sources.cells import is_blank, normalize_header, to_text
from generator.sources.tables import Row, Table
from generator.template.fields import template_fields

SHOWN = 200  # characters of one value; a long cell is cut, said with an ellipsis


@dataclass
class Explanation:
    """The lines ``plangen explain`` prints, grouped as the therapist reads them."""

    student: str
    key: str
    template: str | None
    fields: list[str] = field(default_factory=list)  # template fields, where each comes from
    other_fields: list[str] = field(default_factory=list)  # mapping fields the template does not print
    unread: list[str] = field(default_factory=list)  # the student's columns no field reads
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        said = [f"{self.student} (key {self.key}): where each field of the plan comes from."]
        said += self.notes
        said += [f"Template {self.template}:" if self.template else "Fields of the mapping:", *self.fields]
        if self.other_fields:
            said += ["Fields the template does not print:", *self.other_fields]
        said += ["Columns no field reads:", *(self.unread or ["  (none)"])]
        return said


def explain(
    given: str,
    mapping_path: Path,
    *,
    source: Any = None,
    template: str | Path | None = None,
    today: dt.date | None = None,
    locations: Locations | None = None,
) -> Explanation:
    """Everything about one student's plan; the student is chosen as ``--student`` chooses (key, name,
    "Last, First"), so namesakes are listed with what tells them apart."""
    locations = locations or Locations()
    mapping = load_mapping(mapping_path)
    tables = read_sources(mapping, source, locations)
    built = build(mapping, tables, RunOptions(mapping=mapping_path, keys=(given,), today=today))
    if not built.roster.students:
        failure = built.roster.failures[0] if built.roster.failures else None
        raise ConfigError(
            f"student {given} has data errors, so no plan is made for them"
            + (f": {failure.message}" if failure else ".")
        )
    student = built.roster.students[0]
    result = Explanation(student.display_name, student.key, None)
    used = _template_names(result, mapping, template, locations)
    rows = _student_rows(student, mapping, tables)
    for name, spec in mapping.fields.items():
        lines = _field_lines(name, spec, student, mapping, rows)
        (result.fields if used is None or name in used else result.other_fields).extend(lines)
    result.unread = _unread(mapping, rows)
    return result


def _template_names(
    result: Explanation, mapping: Mapping, template: str | Path | None, locations: Locations
) -> set[str] | None:
    location = template or mapping.template
    if location is None:
        result.notes.append("No template given (--template): every field of the mapping is listed.")
        return None
    try:
        plan_template = locations.open_template(location, mapping)
    except PlangenError as exc:
        result.notes.append(f"The template could not be opened ({exc}); every field of the mapping is listed.")
        return None
    result.template = plan_template.name
    return {name for name in template_fields(plan_template) if "[]" not in name}


StudentRows = dict[str, tuple[Table, list[Row]]]  # source -> its table and the student's rows in it


def _student_rows(student: Student, mapping: Mapping, tables: dict[str, Table]) -> StudentRows:
    """The student's rows in each source, found by where they were read."""
    wanted = set(student.locations)
    return {
        name: (table, [row for row in table.rows if row.location in wanted])
        for name, table in tables.items()
        if name in mapping.sources
    }


def _field_lines(name: str, spec: FieldSpec, student: Student, mapping: Mapping, rows: StudentRows) -> list[str]:
    value = _shown(student.values.get(name))
    if spec.is_computed and not (spec.value or "").strip():
        return [f"  {name} = {value}", f"      left blank by the mapping ({mapping.where(name)}): a blank to fill in"]
    if spec.is_computed:
        return [f"  {name} = {value}", f"      computed by the mapping ({mapping.where(name)}): {spec.value!r}"]
    table, found = rows.get(mapping.source_of(spec), (None, []))
    headers = spec.item_columns() if spec.kind.items else spec.source_columns()
    cells = list(_cells(table, found, headers)) if table is not None else []
    lines = [f"  {name} = {value}"]
    lines += [f"      {where}: {_shown(cell)}" for where, cell in cells if not is_blank(cell)]
    if all(is_blank(cell) for _, cell in cells):
        said = ", ".join(repr(h) for h in headers) or "no column"
        default = f"; the mapping's default {spec.default!r} ({mapping.where(name)})" if spec.default else ""
        lines.append(f"      blank in the sheet (column {said}){default}")
    return lines


def _cells(table: Table, rows: list[Row], headers: list[str]) -> list[tuple[str, Any]]:
    """(where, cell) for each header in each of the student's rows."""
    columns = {normalize_header(c.name): c for c in table.columns}
    found = []
    for row in rows:
        for header in headers:
            column = columns.get(normalize_header(header))
            if column is not None:
                found.append((row.location.describe(column), row.get(column)))
    return found


def _unread(mapping: Mapping, rows: StudentRows) -> list[str]:
    lines = []
    for source, (table, found) in rows.items():
        read = mapping.columns_read(source)
        for row in found:
            for column in table.columns:
                if normalize_header(column.name) in read:
                    continue
                cell = row.get(column)
                lines.append(f"  {row.location.describe(column)}: {_shown(cell) if not is_blank(cell) else '(blank)'}")
    return lines


def _shown(value: Any) -> str:
    """A value as the plan would print it: dates as the mapping formats them, lists item by item."""
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, list):
        items = [_shown(v) if not isinstance(v, dict) else _record(v) for v in value]
        return f"{len(items)} item(s): " + " | ".join(items)
    if isinstance(value, dict):
        return _record(value)
    text = to_text(value) if not isinstance(value, str) else value
    text = " ".join(str(text).split())
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _record(item: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in item.items()) + "}"
