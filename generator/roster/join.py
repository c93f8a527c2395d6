"""Joining source files on the student key and grouping their rows per student.

An IEP export spans several reports with one row per service, goal or accommodation; a caseload
has one row per student. Both become "for each student, the rows of each source", after each
source's filter (a therapist keeps OT's services, code 450, not speech).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from generator.errors import SourceError
from generator.mapping.fields import Condition, FieldSpec, PatternTimeout
from generator.mapping.load import Mapping, SourceSpec
from generator.mapping.suggest import suggest
from generator.roster.keys import KeyPart, KeyReader
from generator.sources.cells import is_checkbox_column, normalize_header
from generator.sources.tables import Column, Row, Table


@dataclass
class SourceRows:
    """One source's table, its resolved columns, and its rows grouped by student key."""

    spec: SourceSpec
    table: Table
    key_column: Column  # the first key column (messages name it)
    keys: KeyReader | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    groups: dict[str, list[Row]] = field(default_factory=dict)  # key identity -> the student's rows
    shown: dict[str, dict[str, Row]] = field(default_factory=dict)  # key identity -> {form as typed: first row}
    blank_keys: list[Row] = field(default_factory=list)
    duplicates: dict[str, list[Row]] = field(default_factory=dict)  # key -> its rows, when one row is expected

    _by_header: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)
    _checkboxes: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)

    def is_checkbox(self, column: Column) -> bool:
        """Whether the column is a checkbox (TRUE/FALSE, checked/unchecked, ☑/☐, yes/no), looked at once."""
        found = self._checkboxes.get(column.index)
        if found is None:
            found = self._checkboxes[column.index] = is_checkbox_column(row.get(column) for row in self.table.rows)
        return found

    def column(self, header: str) -> Column:
        """The column a mapping's header names (as the mapping spells it: asked ~40 times per student)."""
        found = self._by_header.get(header)
        if found is None:
            found = self._by_header[header] = self.columns[normalize_header(header)]
        return found


class MissingColumns:
    """Every column the mapping names that a file lacks, reported together in one error."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tables: dict[str, Table] = {}

    def require(self, table: Table, header: str, needed_by: str) -> Column | None:
        column = table.find_column(header)
        if column is None:
            by_normal = {normalize_header(c): c for c in table.column_names()}
            hint = suggest(normalize_header(header), by_normal, cutoff=0.8)
            for normal, original in by_normal.items():
                hint = hint.replace(repr(normal), repr(original))
            line = f"{needed_by} reads column {header!r}, which {table.label} does not have.{hint}"
            if line not in self.lines:  # a one-source key field is both the key and a field: say it once
                self.lines.append(line)
            self.tables[table.label] = table
        return column

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        existing = [
            f"Columns in {label}: {', '.join(repr(c) for c in table.column_names())}."
            for label, table in self.tables.items()
        ]
        raise SourceError(
            "\n".join(self.lines + existing + ["Fix the column name in the mapping, or the header in the sheet."])
        )


def _field_columns(spec: FieldSpec) -> list[str]:
    return spec.source_columns() + spec.item_columns() + [c for condition in spec.where for c in condition.columns()]


def group_sources(mapping: Mapping, tables: dict[str, Table]) -> dict[str, SourceRows]:
    """Resolve every column the mapping names (stopping the run if any is missing), then group rows."""
    missing = MissingColumns()
    result: dict[str, SourceRows] = {}
    for name, spec in mapping.sources.items():
        if name not in tables:  # an optional report not given: its fields are left blank
            continue
        table = tables[name]
        source_what = f"{mapping.path}, line {spec.line}: source {name!r}"
        parts: list[KeyPart] = []
        for index, header in enumerate(spec.key_columns):
            field_name = mapping.key_fields[index] if index < len(mapping.key_fields) else mapping.key
            column = missing.require(
                table,
                header,
                f"{source_what} key" if len(tables) > 1 else f"{mapping.where(field_name)}: field {field_name!r}",
            )
            if column is None or all(part.column != column for part in parts):  # "Last, First" split: read once
                parts.append(KeyPart(cast(Column, column), mapping.fields[field_name].kind.dates))
        rows = SourceRows(
            spec,
            table,
            parts[0].column,  # None only when raise_if_any below raises
            KeyReader(parts, ignore_case=mapping.key_ignore_case, day_first=mapping.day_first),
        )
        for header, purpose in source_columns(spec):
            rows.columns[normalize_header(header)] = cast(
                Column, missing.require(table, header, f"{source_what} {purpose}")
            )
        result[name] = rows
    for field_spec in mapping.fields.values():
        if field_spec.is_computed or mapping.source_of(field_spec) not in result:
            continue
        rows = result[mapping.source_of(field_spec)]
        for header in _field_columns(field_spec):
            rows.columns[normalize_header(header)] = cast(
                Column,
                missing.require(rows.table, header, f"{mapping.where(field_spec.name)}: field {field_spec.name!r}"),
            )
    missing.raise_if_any()
    for rows in result.values():
        _group(rows)
    return result


def source_columns(spec: SourceSpec) -> list[tuple[str, str]]:
    """Columns a source's own settings read: its filter and the dates that say which row is current."""
    columns = [(c, "filter") for condition in spec.where for c in condition.columns()]
    if spec.options.current is not None:
        columns += [(c, "'current'") for c in spec.options.current.columns()]
    return columns


def passes(conditions: list[Condition], rows: SourceRows, row: Row) -> bool:
    read: list[str] = []

    def cell(header: str) -> Any:
        read.append(header)
        return row.get(rows.column(header))

    try:
        return all(c.holds(cell) for c in conditions)
    except PatternTimeout as exc:
        column = rows.column(read[-1]) if read else None
        raise SourceError(
            f"{row.location.describe(column)}: {exc}. A 'matches' condition of the mapping reads this cell."
        ) from None


def _group(rows: SourceRows) -> None:
    for row in rows.table.rows:
        if not passes(rows.spec.where, rows, row):
            continue
        assert rows.keys is not None
        key = rows.keys.read(row)
        if key is None:
            rows.blank_keys.append(row)
            continue
        group = rows.groups.setdefault(key.identity, [])
        group.append(row)
        rows.shown.setdefault(key.identity, {}).setdefault(key.shown, row)
        if rows.spec.one_row_per_student and len(group) > 1:
            rows.duplicates[key.identity] = group


def roster_keys(mapping: Mapping, sources: dict[str, SourceRows]) -> list[str]:
    """Students who get a plan (key identities): those with rows in the roster sources, in first-seen order."""
    keys: dict[str, None] = {}
    for name in mapping.roster:
        keys.update(dict.fromkeys(sources[name].groups))
    return list(keys)


def shown_keys(mapping: Mapping, sources: dict[str, SourceRows]) -> dict[str, str]:
    """Each key identity as first typed (roster sources first): the form printed and used in file names."""
    shown: dict[str, str] = {}
    for name in [*mapping.roster, *(n for n in sources if n not in mapping.roster)]:
        for identity, forms in sources[name].shown.items():
            shown.setdefault(identity, next(iter(forms)))
    return shown


def key_variant_warnings(sources: dict[str, SourceRows], keys: list[str]) -> list[str]:
    """One child whose key is typed two ways (00123 / 123, AB1001 / ab1001): read as one, and said so."""
    warnings = []
    for identity in keys:
        forms: dict[str, str] = {}
        for rows in sources.values():
            for form, row in rows.shown.get(identity, {}).items():
                forms.setdefault(form, row.location.describe(rows.key_column))
        if len(forms) > 1:
            listed = ", ".join(f"{form!r} ({where})" for form, where in forms.items())
            warnings.append(
                f"one student's key is written {len(forms)} ways: {listed}; read as the same student. "
                "Type it the same way everywhere to silence this."
            )
    return warnings


def unmatched_warnings(mapping: Mapping, sources: dict[str, SourceRows], keys: list[str]) -> list[str]:
    """Rows in other reports for students who get no plan: worth a look, not worth stopping for."""
    wanted = set(keys)
    warnings = []
    for name, rows in sources.items():
        if name in mapping.roster:
            continue
        extra = [next(iter(rows.shown[k])) for k in rows.groups if k not in wanted]
        if extra:
            shown = ", ".join(extra[:10]) + (", …" if len(extra) > 10 else "")
            warnings.append(
                f"{rows.table.label} has rows for {len(extra)} student(s) who get no plan "
                f"(not in {', '.join(mapping.roster)}): {shown}."
            )
        for row in rows.blank_keys:
            warnings.append(f"{row.location.describe(rows.key_column)}: the student key is blank; row ignored.")
    return warnings


def left_blank_warnings(mapping: Mapping, tables: dict[str, Table]) -> list[str]:
    """An optional report that was not given: its fields are blank, said once per report."""
    warnings = []
    for name, spec in mapping.sources.items():
        if name in tables or not spec.options.optional:
            continue
        fields = [f.name for f in mapping.fields.values() if not f.is_computed and mapping.source_of(f) == name]
        warnings.append(
            f"source {name!r} (optional) was not given, so {', '.join(fields) or 'its fields'} "
            f"{'is' if len(fields) == 1 else 'are'} left blank."
        )
    return warnings
