"""From grouped source rows to one record per student, typed and named as the template expects.

A problem with one student's data fails that student only, with every cell to fix; a mapping that
names a column a file lacks stops the run (see ``grouping``). Values never appear in messages: the
location is enough to find them, and student data stays out of logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping as Scope
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from jinja2 import Template

from generator.errors import RowError, SourceError
from generator.jinja import RENDER_ERRORS, data_free_message, make_environment, render_in
from generator.mapping.fields import REPEAT_MARK, FieldSpec, PatternTimeout
from generator.mapping.load import Mapping
from generator.mapping.types import TEXT
from generator.roster.current import Period, anchor_period, choose_period, current_of, in_period, periods_of, row_spans
from generator.roster.dates import check_text_dates
from generator.roster.join import (
    SourceRows,
    group_sources,
    key_variant_warnings,
    left_blank_warnings,
    passes,
    roster_keys,
    shown_keys,
    unmatched_warnings,
)
from generator.roster.keys import iso_date
from generator.roster.school_year import school_year, service_school_year
from generator.roster.values import CellError, convert, required_message, reshape, sort_key
from generator.sources.cells import (
    FormattedDate,
    checkbox_text,
    is_blank,
    normalize_value,
    to_list,
    to_text,
)
from generator.sources.tables import Column, Location, Row, Table


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
    warnings: list[str] = field(default_factory=list)


def build_roster(mapping: Mapping, tables: dict[str, Table] | Table, today: dt.date) -> Roster:
    if isinstance(tables, Table):
        tables = {mapping.default_source: tables}
    sources = group_sources(mapping, tables)
    check_text_dates(mapping, sources)
    for name in mapping.roster:
        table = sources[name].table
        if not table.rows:
            raise SourceError(
                f"{table.label}: has a header row but no students under it. Check that this is the "
                "right file and sheet."
            )
    keys = roster_keys(mapping, sources)
    roster = Roster(
        warnings=[
            *left_blank_warnings(mapping, tables),
            *unmatched_warnings(mapping, sources, keys),
            *key_variant_warnings(sources, keys),
        ]
    )
    for name in mapping.roster:
        rows = sources[name]
        for row in rows.blank_keys:
            roster.failures.append(
                StudentFailure(
                    key="",
                    display_name=f"row {row.location.row}",
                    message=f"{row.location.describe(rows.key_column)}: the student key is blank. "
                    "Fill it in, or delete the row if it is not a student.",
                )
            )
    builder = _StudentBuilder(mapping, sources, today, shown_keys(mapping, sources))
    for key in keys:
        outcome = builder.build(key)
        if isinstance(outcome, Student):
            roster.students.append(outcome)
        else:
            roster.failures.append(outcome)
    roster.warnings.extend(missing_from_sources(mapping, sources, roster.students))
    return roster


def missing_from_sources(mapping: Mapping, sources: dict[str, SourceRows], students: list[Student]) -> list[str]:
    """Students with a plan but no rows in another report: reported together, one line per report."""
    warnings = []
    for name, rows in sources.items():
        if name in mapping.roster:
            continue
        missing = [s.display_name for s in students if s.key not in rows.groups]
        if missing:
            warnings.append(
                f"{rows.table.label} (source {name!r}) has no rows for {len(missing)} of "
                f"{len(students)} students: {', '.join(missing)}."
            )
    return warnings


Cell = tuple[Row, Any, Any]  # (row, column, raw value)


class _StudentBuilder:
    def __init__(self, mapping: Mapping, sources: dict[str, SourceRows], today: dt.date, shown: dict[str, str]):
        self.shown = shown
        self.mapping = mapping
        self.sources = sources
        self.today = today
        self.env = make_environment(autoescape=False)
        self._compiled: dict[str, Template] = {}
        self._rows: dict[str, list[Row]] = {}  # this student's rows per source, the current ones only
        self._field_columns: dict[str, list[Column]] = {}
        self._period_dates: dict[str, dt.date] = {}  # service_period fields set from the chosen IEP period

    def template(self, text: str) -> Template:
        """Computed fields run once per student: compile each expression once per run."""
        if text not in self._compiled:
            self._compiled[text] = self.env.from_string(text)
        return self._compiled[text]

    def duplicate_rows(self, key: str) -> list[str]:
        """A key on two rows of a caseload is two students mixed up, or a pasted row: never merge them."""
        messages = []
        for rows in self.sources.values():
            if key in rows.duplicates:
                where = ", ".join(str(row.location.row) for row in rows.duplicates[key])
                forms = list(rows.shown.get(key, {}))
                same = (
                    f"have the same {rows.keys.describe() if rows.keys else repr(rows.key_column.name)}"
                    if len(forms) < 2
                    else "have keys that are the same student written differently (" + ", ".join(map(repr, forms)) + ")"
                )
                messages.append(
                    f"{rows.table.label}: rows {where} {same}. Each student needs exactly one row: fix "
                    "the key or delete the extra row. If these rows are one student with several "
                    "services or goals, set 'rows_per_student: many' in the mapping."
                )
        return messages

    def identity_conflicts(self, key: str) -> list[str]:
        """Rows that share a key (often a name) but not a birth date are two children: never merge them."""
        messages = []
        for name in self.mapping.identity:
            spec = self.mapping.fields[name]
            rows = self.sources[self.mapping.source_of(spec)]
            seen: dict[str, Cell] = {}
            for row in rows.groups.get(key, []):
                for header in spec.source_columns():
                    column = rows.column(header)
                    value = row.get(column)
                    if is_blank(value):
                        continue
                    seen.setdefault(_identity_value(spec, value, self.mapping.day_first), (row, column, value))
            if len(seen) > 1:
                (first, first_col, _), (other, other_col, _) = list(seen.values())[:2]
                messages.append(
                    f"{first.location.describe(first_col)} and {other.location.describe(other_col)} share the student "
                    f"key {self.shown.get(key, key)!r} but have a different {name!r}: these look like two different "
                    "children, so no plan is made from these rows. Give each child their own key (an ID column, or "
                    f"add {name!r} to the key: key: [..., {name}]), or fix the {name!r} that is wrong."
                )
        return messages

    def build(self, identity: str) -> Student | StudentFailure:
        key = self.shown.get(identity, identity)
        values: dict[str, Any] = {
            "today": FormattedDate(self.today, self.mapping.date_format),
            "school_year": school_year(self.today),
            "student_key": key,
            "hints": self.mapping.hints,
        }
        if self.mapping.period is not None:
            values["period"] = self.mapping.period
        errors: list[str] = self.duplicate_rows(identity) + self.identity_conflicts(identity)
        warnings: list[str] = []
        self._rows = self.student_rows(identity, errors, warnings)
        for spec in self.mapping.fields.values():
            try:
                values[spec.name] = self.field_value(spec, identity, values, warnings)
            except CellError as exc:
                errors.append(str(exc))
                values[spec.name] = spec.kind.empty()  # lets later fields and the name still render
            if spec.name in self._period_dates:
                values[spec.name] = FormattedDate(self._period_dates[spec.name], self.mapping.date_format)
            if spec.name in self.mapping.service_period:  # fields listed later see the plan's school year
                values["school_year"] = self.plan_school_year(values)
        display = self.display_name(key, values)
        if errors:
            return StudentFailure(key=key, display_name=display, message="\n".join(_once_per_cell(errors)))
        locations = [row.location for rows in self._rows.values() for row in rows]
        return Student(key=key, display_name=display, values=values, locations=locations, warnings=warnings)

    def student_rows(self, key: str, errors: list[str], warnings: list[str]) -> dict[str, list[Row]]:
        """Each source's rows for this student: of the plan's IEP period only (``iep_period``), and where the
        source says which row is current, that one."""
        result = {name: rows.groups.get(key, []) for name, rows in self.sources.items()}
        spans = {}
        for name, rows in self.sources.items():
            rule = rows.spec.options.current
            if rule is not None and result[name]:
                try:
                    spans[name] = row_spans(rule, result[name], rows.column, self.mapping.day_first)
                except RowError as exc:
                    errors.append(str(exc))
        self._period_dates = {}
        period = self.plan_period(result, spans, warnings) if self.mapping.iep_period and spans else None
        for name, found in spans.items():
            rule = self.sources[name].spec.options.current
            assert rule is not None
            chosen = in_period(found, period) if period is not None else found
            result[name] = current_of(rule, chosen, self.sources[name].column, self.today) if chosen else []
        return result

    def plan_period(self, rows: dict[str, list[Row]], spans: dict, warnings: list[str]) -> Period | None:
        """The IEP period this plan covers (``iep_period``), from the period of record (``service_period``) and
        the dated rows; when it is not the period of record, the plan's period dates are the chosen period's."""
        self._rows = rows
        anchor_values = []
        for name in self.mapping.service_period:
            try:
                anchor_values.append(self.field_value(self.mapping.fields[name], "", {}, []))
            except CellError:  # reported when the field is read in its turn
                anchor_values.append(None)
        anchor = anchor_period(*(anchor_values + [None])[:2])
        if anchor is None:
            return None
        periods = periods_of(anchor, [(start, end) for found in spans.values() for _row, start, end in found])
        chosen = choose_period(periods, self.today, self.mapping.iep_period or "current")
        if len(periods) > 1:
            which = "in effect on the plan date" if self.mapping.iep_period == "current" else "next to start"
            if self.mapping.iep_period == "upcoming" and chosen.start <= self.today:
                which = "in effect on the plan date (no later one in the reports)"
            warnings.append(
                f"the reports hold rows of {len(periods)} IEP periods; this plan covers only the one {which} "
                f"(iep_period: {self.mapping.iep_period}), with its services, goals and dates."
            )
        if chosen != anchor:
            start_name, end_name = ([*self.mapping.service_period, ""])[:2]
            self._period_dates[start_name] = chosen.start
            if end_name and chosen.end is not None:
                self._period_dates[end_name] = chosen.end
        return chosen

    def plan_school_year(self, values: dict[str, Any]) -> str:
        start, end = ([values.get(name) for name in self.mapping.service_period] + [None])[:2]
        return service_school_year(start, end, self.today)

    def display_name(self, key: str, values: dict[str, Any]) -> str:
        try:
            name = " ".join(render_in(self.template(self.mapping.display_name), values).split())
        except RENDER_ERRORS:
            return key
        return name or key

    def field_value(self, spec: FieldSpec, key: str, values: dict[str, Any], warnings: list[str]) -> Any:
        if spec.is_computed:
            return self.computed(spec, values)
        name = self.mapping.source_of(spec)
        if name not in self.sources:  # an optional report that was not given
            return spec.kind.empty()
        rows = self.sources[name]
        student_rows = self._rows[name]
        if spec.where:
            student_rows = [row for row in student_rows if passes(spec.where, rows, row)]
        if spec.kind.items:
            return self.records(spec, rows, student_rows, values)
        cells = [
            (row, column, value)
            for row in student_rows
            for column in self.columns_of(spec, rows)
            if not is_blank(value := row.get(column))
        ]
        if spec.kind.many:
            return self.list_value(spec, cells)
        if not cells:
            return convert(spec, None, None, self.mapping)
        row, column, value = self.pick(spec, cells, warnings)
        return self.as_sheet_means(rows, column, convert(spec, value, row.location.describe(column), self.mapping))

    @staticmethod
    def as_sheet_means(rows: SourceRows, column: Column, value: Any) -> Any:
        """A text read from a checkbox column is false in ``{% if %}`` when unchecked, whatever it prints."""
        if isinstance(value, str) and rows.is_checkbox(column):
            return checkbox_text(value)
        return value

    def columns_of(self, spec: FieldSpec, rows: SourceRows) -> list[Column]:
        """The columns a field reads, looked up once per run rather than once per student."""
        found = self._field_columns.get(spec.name)
        if found is None:
            found = self._field_columns[spec.name] = [rows.column(header) for header in spec.source_columns()]
        return found

    def pick(self, spec: FieldSpec, cells: list[Cell], warnings: list[str]) -> Cell:
        first = cells[0]
        if len(cells) == 1:  # the common case (one row per student): nothing to compare
            return first
        seen = self.comparable(spec, first)
        differing = [c for c in cells[1:] if self.comparable(spec, c) != seen]
        if not differing:
            return first
        other = differing[0]
        where = (
            f"field {spec.name!r} differs between {first[0].location.describe(first[1])} and "
            f"{other[0].location.describe(other[1])}"
        )
        rule = spec.conflicts or self.mapping.conflicts
        if rule == "error":
            raise CellError(f"{where}. Make the rows agree, or set 'conflicts: first' in the mapping.")
        chosen = first if rule == "first" else cells[-1]
        warnings.append(f"{where}; using {chosen[0].location.describe(chosen[1])} (conflicts: {rule}).")
        return chosen

    def comparable(self, spec: FieldSpec, cell: Cell) -> str:
        try:
            return normalize_value(reshape(spec, cell[2]))
        except PatternTimeout as exc:
            raise CellError(f"{cell[0].location.describe(cell[1])}: {spec.name}: {exc}.") from None

    def list_value(self, spec: FieldSpec, cells: list[Cell]) -> list[Any]:
        items: list[Any] = []
        for _row, _column, value in cells:
            parts = to_list(value, spec.separator) if spec.column else [to_text(value)]
            for part in parts:
                item = convert(spec, part, None, self.mapping, as_type=TEXT)
                if item and item not in items:
                    items.append(item)
        if not items and spec.default is not None:
            items = spec.default if isinstance(spec.default, list) else to_list(spec.default, spec.separator)
        if not items and spec.required:
            raise CellError(required_message(spec))
        return items

    def records(
        self, spec: FieldSpec, rows: SourceRows, student_rows: list[Row], values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One item per row (or per column group of a row), de-duplicated (a goals x services cross-join must not
        double goals), sorted."""
        items: list[dict[str, Any]] = []
        seen: set[tuple] = set()
        groups = [(n, {"n": n}) for n in spec.repeat] or [("", {})]
        for row in student_rows:
            for number, extra in groups:
                item = self.record_item(spec, rows, row, number, extra, values)
                if item is None:
                    continue
                identity = tuple(normalize_value(item[n]) for n in (spec.unique_by or item))
                if identity not in seen:
                    seen.add(identity)
                    items.append(item)
        for name in reversed(spec.sort_by):
            descending = name.startswith("-")
            name = name.lstrip("-")
            items.sort(key=partial(_item_sort_key, name), reverse=descending)
        if not items and spec.required:
            raise CellError(required_message(spec))
        return items

    def record_item(
        self, spec: FieldSpec, rows: SourceRows, row: Row, number: str, *scopes: Scope[str, Any]
    ) -> dict[str, Any] | None:
        """One record; in a repeated column group, None when every cell of the group is empty."""
        item: dict[str, Any] = {}
        read_any = not spec.repeat
        for item_spec in spec.item.values():
            if item_spec.is_computed:
                item[item_spec.name] = self.computed(item_spec, item, *scopes)
                continue
            column = rows.column((item_spec.column or item_spec.columns[0]).replace(REPEAT_MARK, number))
            raw = row.get(column)
            read_any = read_any or not is_blank(raw)
            value = convert(item_spec, raw, row.location.describe(column), self.mapping)
            item[item_spec.name] = self.as_sheet_means(rows, column, value)
        return item if read_any else None

    def computed(self, spec: FieldSpec, *scopes: Scope[str, Any]) -> Any:
        """A ``value:`` expression over the fields listed above it (the first scope wins: an item's own
        fields over the student's)."""
        try:
            text = render_in(self.template(spec.value or ""), *scopes)
        except RENDER_ERRORS as exc:
            raise CellError(
                f"{self.mapping.where(spec.name)}: field {spec.name!r} could not be "
                f"computed: {data_free_message(exc, spec.value or '')}. Fields are computed in the order they "
                "are listed; a field can only use fields listed above it."
            ) from None
        if spec.kind.many:
            return [item for item in to_list(text, spec.separator) if item]
        return convert(spec, text.strip(), f"{self.mapping.where(spec.name)} (computed)", self.mapping)


def _item_sort_key(name: str, item: dict[str, Any]) -> tuple:
    return sort_key(item[name])


def _identity_value(spec: FieldSpec, value: Any, day_first: bool) -> str:
    """Birth dates compare as dates (a typed date and the same date as text agree); other fields as text."""
    if spec.kind.dates:
        return iso_date(value, day_first) or normalize_value(value)
    return normalize_value(value)


def _once_per_cell(errors: list[str]) -> list[str]:
    """A cell read twice (to choose the current row, then as a field) is reported once."""
    seen: set[str] = set()
    kept = []
    for line in errors:
        where = line.split(": ", 1)[0]
        if where not in seen:
            seen.add(where)
            kept.append(line)
    return kept
