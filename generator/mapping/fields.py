"""One field of a mapping: where its value comes from and how it is read.

Kept apart from the top-level mapping because fields nest: a ``records`` field (goals, services,
accommodations from an IEP export, one row each) has item fields of its own, read the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex

from generator.mapping.suggest import suggest
from generator.mapping.types import ITEM_TYPES, LIST, RECORDS, TEXT, TYPES, FieldType, field_type
from generator.mapping.yamlfile import LineDict, YamlReader
from generator.sources.cells import normalize_value, split_code

FIELD_KEYS = (
    "column",
    "columns",
    "value",
    "source",
    "type",
    "format",
    "default",
    "required",
    "map",
    "separator",
    "part",
    "pattern",
    "where",
    "item",
    "sort_by",
    "unique_by",
    "repeat",
    "conflicts",
)
ITEM_KEYS = tuple(
    k for k in FIELD_KEYS if k not in ("source", "where", "item", "sort_by", "unique_by", "repeat", "conflicts")
)
REPEAT_MARK = "{n}"
PERIOD_MARK = "{period}"  # a column per grading period: 'Progress Report {period} Summary', read with --period N
PARTS = ("code", "label")
CONDITION_OPS = ("equals", "in", "not_in", "code", "matches")
BUILTIN_NAMES = ("today", "school_year", "student_key", "period", "hints")


@dataclass
class Condition:
    """A row filter: keep rows whose column passes the test (e.g. service code 450 only).

    ``any_of`` holds alternatives instead (``{any: [...]}``): the row is kept when one of them holds, e.g.
    a goal numbered "OT (1 of 2)" or one whose person responsible is the occupational therapist.
    """

    column: str | None
    op: str
    values: list[str]
    line: int
    any_of: list[Condition] = field(default_factory=list)

    def columns(self) -> list[str]:
        if self.op == "any":
            return [c for condition in self.any_of for c in condition.columns()]
        return [self.column] if self.column is not None else []

    def holds(self, cell: Callable[[str], Any]) -> bool:
        """``cell(column)``: the row's value in that column."""
        if self.column is None:  # op "any"
            return any(condition.holds(cell) for condition in self.any_of)
        return self.test(cell(self.column))

    def test(self, value: Any) -> bool:
        text = normalize_value(value)
        if self.op == "code":
            return normalize_value(split_code(text, "code")) in self.values
        if self.op in ("equals", "in"):
            return text in self.values
        if self.op == "not_in":
            return text not in self.values
        return any(bounded_pattern(pattern).search(text) for pattern in self.values)


@dataclass
class FieldSpec:
    """How one template field is read from source rows, or computed from other fields."""

    name: str
    line: int
    column: str | None = None
    columns: list[str] = field(default_factory=list)
    value: str | None = None
    source: str | None = None
    type: str = "text"
    format: str | None = None
    default: Any = None
    required: bool = False
    value_map: dict[str, Any] = field(default_factory=dict)
    separator: str = ";"
    part: str | None = None
    pattern: BoundedPattern | None = None
    where: list[Condition] = field(default_factory=list)
    item: dict[str, FieldSpec] = field(default_factory=dict)
    sort_by: list[str] = field(default_factory=list)
    unique_by: list[str] = field(default_factory=list)
    repeat: list[str] = field(default_factory=list)  # records from column groups: "Goal {n}" for n in 1, 2, 3
    conflicts: str | None = None  # first|last|error when a student's rows differ; None: the mapping's setting

    @property
    def kind(self) -> FieldType:
        """The entry of ``type`` in the field-type registry (``generator.mapping.types``)."""
        return field_type(self.type)

    @property
    def is_computed(self) -> bool:
        return self.value is not None

    def source_columns(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns)

    def item_columns(self) -> list[str]:
        columns = [c for spec in self.item.values() for c in spec.source_columns()]
        if not self.repeat:
            return columns
        return [c.replace(REPEAT_MARK, n) for n in self.repeat for c in columns]


def read_conditions(reader: YamlReader, data: LineDict, what: str) -> list[Condition]:
    """``where:`` as one condition or a list of them; all must hold."""
    raw = data.get("where")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [_read_condition(reader, item, data.line_of("where"), what) for item in items]


def _read_condition(reader: YamlReader, item: Any, line: int, what: str) -> Condition:
    if not isinstance(item, LineDict):
        raise reader.fail(
            line, f"{what}: each 'where' condition must be a mapping like {{column: Service Code, code: [450]}}."
        )
    if "any" in item:
        alternatives = item["any"]
        if len(item) != 1 or not isinstance(alternatives, list) or not alternatives:
            raise reader.fail(
                item.line,
                f"{what}: 'any' takes a list of conditions, one of which must hold, e.g. "
                "{any: [{column: Goal, matches: '^OT'}, {column: Person, matches: occupational}]}.",
            )
        return Condition(
            column=None,
            op="any",
            values=[],
            line=item.line,
            any_of=[_read_condition(reader, a, item.line, what) for a in alternatives],
        )
    reader.check_keys(item, ("column", *CONDITION_OPS), f"a 'where' condition of {what}")
    column = reader.string(item, "column", "condition")
    ops = [op for op in CONDITION_OPS if op in item]
    if column is None or len(ops) != 1:
        raise reader.fail(
            item.line,
            f"{what}: a 'where' condition needs 'column' and exactly one of "
            f"{', '.join(CONDITION_OPS)} (or 'any' with a list of conditions).",
        )
    op = ops[0]
    values = item[op] if isinstance(item[op], list) else [item[op]]
    if op == "matches":
        for pattern in values:
            _compile(reader, item.line_of(op), str(pattern), what)
        normalized = [str(v) for v in values]
    else:
        normalized = [form for v in values for form in _compared_forms(v)]
    return Condition(column=column, op=op, values=normalized, line=item.line)


def _compared_forms(value: Any) -> list[str]:
    """How a code-table key or condition value is compared with cells: as written, and a YAML ``true``/``false``
    also as a TRUE/FALSE cell reads (``yes``) and as the text ``TRUE`` a CSV export holds."""
    if isinstance(value, bool):
        return [normalize_value(value), "true" if value else "false"]
    return [normalize_value(value)]


PATTERN_SECONDS = 1.0  # one cell; a pattern that needs longer is catastrophic backtracking, not a real match


class PatternTimeout(ValueError):
    """A pattern ran past its time bound on one cell (nested repeats like (a+)+ backtrack for ever)."""


class BoundedPattern:
    """A compiled ``pattern:``/``matches:`` regex whose every match is time-bounded.

    Python's ``re`` cannot be interrupted, so one unlucky pattern and cell would hang the run; the
    ``regex`` module takes a timeout and otherwise reads patterns the way ``re`` does.
    """

    def __init__(self, pattern: str):
        self.source = pattern
        self._compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
        self.groups = self._compiled.groups
        self.groupindex = dict(self._compiled.groupindex)
        self.pattern = pattern

    def _bounded(self, method: Any, text: str) -> Any:
        try:
            return method(text, timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise PatternTimeout(
                f"a value the pattern {self.source!r} cannot finish reading within "
                f"{PATTERN_SECONDS:g} s; simplify the pattern (nested repeats like (a+)+ "
                "are the usual cause)"
            ) from None

    def search(self, text: str) -> Any:
        return self._bounded(self._compiled.search, text)

    def match(self, text: str) -> Any:
        return self._bounded(self._compiled.match, text)

    def fullmatch(self, text: str) -> Any:
        return self._bounded(self._compiled.fullmatch, text)


@functools.lru_cache(maxsize=256)
def bounded_pattern(pattern: str) -> BoundedPattern:
    return BoundedPattern(pattern)


def _compile(reader: YamlReader, line: int, pattern: str, what: str) -> BoundedPattern:
    try:
        re.compile(pattern, re.IGNORECASE)  # Python's own wording for a syntax error, which people search for
        return bounded_pattern(pattern)
    except (regex.error, re.error) as exc:
        raise reader.fail(line, f"{what}: the pattern {pattern!r} is not a valid regular expression ({exc}).") from None


def read_field(reader: YamlReader, name: str, spec: Any, line: int, *, in_item: bool = False) -> FieldSpec:
    what = f"field {name!r}"
    _check_field_name(reader, name, line, in_item)
    if isinstance(spec, (str, int, float)) and not isinstance(spec, bool):
        return FieldSpec(name=name, line=line, column=str(spec))
    if not isinstance(spec, LineDict):
        raise reader.fail(line, f"{what} must be a column name or a mapping with 'column:'.")
    reader.check_keys(spec, ITEM_KEYS if in_item else FIELD_KEYS, what)
    result = FieldSpec(name=name, line=line)
    result.column = reader.string(spec, "column", f"{what}:")
    result.columns = reader.strings(spec, "columns", f"{what}:")
    if in_item and result.columns:
        raise reader.fail(spec.line_of("columns"), f"{what}: an item field reads one 'column'.")
    raw_value = spec.get("value")  # an empty text is a constant: a blank area to write in
    result.value = raw_value if isinstance(raw_value, str) else reader.string(spec, "value", f"{what}:")
    result.source = reader.string(spec, "source", f"{what}:")
    default_type = RECORDS if "item" in spec else LIST if result.columns else TEXT
    result.type = reader.string(spec, "type", f"{what}:", default_type.name)
    allowed = ITEM_TYPES if in_item else tuple(TYPES)
    if result.type not in allowed:
        raise reader.fail(
            spec.line_of("type"),
            f"{what}: type must be one of {', '.join(allowed)}, not {result.type!r}.{suggest(result.type, allowed)}",
        )
    if result.kind.items:
        _read_records(reader, result, spec, what)
    else:
        _read_value_source(reader, result, spec, what, line)
    result.format = reader.string(spec, "format", f"{what}:")
    result.separator = spec.get("separator", ";")
    if not isinstance(result.separator, str) or not result.separator:
        raise reader.fail(spec.line_of("separator"), f"{what}: 'separator' must be text such as ';' or '\\n'.")
    result.default = spec.get("default")
    result.required = reader.boolean(spec, "required", f"{what}:")
    _read_cell_cleanup(reader, result, spec, what)
    value_map = spec.get("map", {})
    if not isinstance(value_map, dict):
        raise reader.fail(spec.line_of("map"), f"{what}: 'map' must be a mapping of cell value to text.")
    result.value_map = {form: v for k, v in value_map.items() for form in _compared_forms(k)}
    result.where = read_conditions(reader, spec, what)
    result.conflicts = reader.string(spec, "conflicts", f"{what}:")
    if result.conflicts not in (None, "first", "last", "error"):
        raise reader.fail(
            spec.line_of("conflicts"), f"{what}: conflicts must be first, last or error, not {result.conflicts!r}."
        )
    return result


def _check_field_name(reader: YamlReader, name: str, line: int, in_item: bool) -> None:
    """A field name is typed in Word as {{ name }}: one word, and not one of the built-in names."""
    if not name.isidentifier():
        raise reader.fail(
            line,
            f"field name {name!r} must be a single word of letters, digits and "
            "underscores (it is typed in the template as {{ " + name + " }}).",
        )
    if name in BUILTIN_NAMES and not in_item:
        raise reader.fail(line, f"field name {name!r} is built in; choose another name.")


def _read_cell_cleanup(reader: YamlReader, result: FieldSpec, spec: LineDict, what: str) -> None:
    """``part`` (the code or the label of '450 - Occupational therapy') and ``pattern`` (the part of a cell
    a regular expression finds; named groups make a small record)."""
    result.part = reader.string(spec, "part", f"{what}:")
    if result.part is not None and result.part not in PARTS:
        raise reader.fail(
            spec.line_of("part"),
            f"{what}: part must be 'code' or 'label' (of values like "
            f"'450 - Occupational therapy'), not {result.part!r}.",
        )
    pattern = reader.string(spec, "pattern", f"{what}:")
    if pattern is not None:
        result.pattern = _compile(reader, spec.line_of("pattern"), pattern, what)
        if result.pattern.groupindex and (result.kind is not TEXT or "map" in spec):
            raise reader.fail(
                spec.line_of("pattern"),
                f"{what}: a pattern with named groups makes a small record "
                "(e.g. {{ sessions.minutes }}); leave out 'type' and 'map' here and type each part "
                'in a computed field, e.g. minutes: {value: "{{ sessions.minutes }}", type: integer}.',
            )


def _read_value_source(reader: YamlReader, result: FieldSpec, spec: LineDict, what: str, line: int) -> None:
    sources = [k for k in ("column", "columns", "value") if spec.get(k) is not None]
    if len(sources) != 1:
        raise reader.fail(
            line, f"{what} needs exactly one of 'column', 'columns' or 'value' (found {', '.join(sources) or 'none'})."
        )
    if result.columns and result.kind is not LIST:
        raise reader.fail(spec.line_of("type"), f"{what}: 'columns' makes a list; use type: list.")
    for key in ("sort_by", "unique_by"):
        if key in spec:
            raise reader.fail(spec.line_of(key), f"{what}: '{key}' only applies to type: records.")


def _read_records(reader: YamlReader, result: FieldSpec, spec: LineDict, what: str) -> None:
    """A list with one item per source row, each item a small record (goal number, area, text...)."""
    items = spec.get("item")
    if not isinstance(items, LineDict) or not items:
        raise reader.fail(
            spec.line_of("item"),
            f"{what}: type records needs 'item:', a mapping of item field "
            "names to columns, e.g.\n  item:\n    number: Annual Goal #\n    text: Goal",
        )
    for key in ("column", "columns", "value"):
        if key in spec:
            raise reader.fail(
                spec.line_of(key), f"{what}: a records field reads its columns under 'item:', not '{key}'."
            )
    result.item = {str(n): read_field(reader, str(n), s, items.line_of(n), in_item=True) for n, s in items.items()}
    for key in ("sort_by", "unique_by"):
        names = reader.strings(spec, key, f"{what}:")
        for item_name in names:
            if item_name.lstrip("-") not in result.item:
                raise reader.fail(
                    spec.line_of(key),
                    f"{what}: {key} names {item_name!r}, which is not an item field.{suggest(item_name, result.item)}",
                )
        setattr(result, key, names)
    result.repeat = reader.strings(spec, "repeat", f"{what}:")
    item_columns = [c for s in result.item.values() for c in s.source_columns()]
    if result.repeat and not any(REPEAT_MARK in c for c in item_columns):
        raise reader.fail(
            spec.line_of("repeat"),
            f"{what}: with 'repeat', item columns name the group with "
            "{n}, e.g. 'Goal {n} Area' for Goal 1 Area, Goal 2 Area...",
        )
