"""Mapping files: where every template field comes from.

A therapist types flat names in Word (``{{ first_name }}``); the mapping says which column feeds
each one, how to read it, and how to name each student's folder and file. The file is validated
completely on load so a typo is reported with its line before any plan is written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from generator.errors import MappingError
from generator.jinja import make_environment
from generator.yamlfile import LineDict, load_yaml_mapping

FIELD_TYPES = ("text", "date", "integer", "yesno", "list")
CONFLICT_RULES = ("first", "last", "error")
TOP_LEVEL_KEYS = (
    "source", "sheet", "template", "key", "display_name", "review_date", "drive_folder",
    "date_format", "conflicts", "output", "fields",
)
FIELD_KEYS = (
    "column", "columns", "type", "format", "default", "required", "map", "value", "separator",
)
OUTPUT_KEYS = ("folder", "filename")
BUILTIN_NAMES = ("today", "school_year", "student_key")

DEFAULT_DATE_FORMAT = "%m/%d/%Y"
DEFAULT_FOLDER = "{{ student_key }}"
DEFAULT_FILENAME = "Treatment Plan - {{ student_key }}"


@dataclass
class FieldSpec:
    """How one template field is read from the source rows (or computed from other fields)."""

    name: str
    line: int
    column: str | None = None
    columns: list[str] = field(default_factory=list)
    type: str = "text"
    format: str | None = None
    default: Any = None
    required: bool = False
    value_map: dict[str, Any] = field(default_factory=dict)
    value: str | None = None
    separator: str = ";"

    @property
    def is_computed(self) -> bool:
        return self.value is not None

    def source_columns(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns)


@dataclass
class Mapping:
    """A validated mapping file. Paths are resolved relative to the mapping file."""

    path: Path
    key: str
    fields: dict[str, FieldSpec]
    source: Path | None = None
    sheet: str | None = None
    template: Path | None = None
    display_name: str = "{{ student_key }}"
    review_date: str | None = None
    drive_folder: str | None = None
    date_format: str = DEFAULT_DATE_FORMAT
    conflicts: str = "first"
    folder_pattern: str = DEFAULT_FOLDER
    filename_pattern: str = DEFAULT_FILENAME

    def provided_names(self) -> set[str]:
        """Every name a template may use with this mapping."""
        return set(self.fields) | set(BUILTIN_NAMES)

    def where(self, name: str) -> str:
        spec = self.fields.get(name)
        return f"{self.path}, line {spec.line}" if spec else str(self.path)


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """' Did you mean ...?' for a misspelt name, or nothing when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=cutoff)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


class _Reader:
    """Validation helpers that know the file, so every message names it and the line."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, line: int, message: str) -> MappingError:
        return MappingError(f"{self.path}, line {line}: {message}")

    def check_keys(self, data: LineDict, allowed: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    data.line_of(key),
                    f"unknown setting {key!r} in {what}.{suggest(str(key), allowed)} "
                    f"Allowed: {', '.join(allowed)}.",
                )

    def string(self, data: LineDict, key: str, what: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(data.line_of(key), f"{what} {key!r} must be non-empty text.")
        return value

    def path_setting(self, data: LineDict, key: str) -> Path | None:
        value = self.string(data, key, "setting")
        if value is None:
            return None
        if "://" in value:  # a Google URL; resolved by the Google-aware stages
            return Path(value)
        return (self.path.parent / value).resolve()


def load_mapping(path: Path | str) -> Mapping:
    """Read and fully validate a mapping file."""
    path = Path(path)
    data = load_yaml_mapping(path)
    reader = _Reader(path)
    reader.check_keys(data, TOP_LEVEL_KEYS, "the mapping")

    raw_fields = data.get("fields")
    if not isinstance(raw_fields, LineDict) or not raw_fields:
        raise reader.fail(
            data.line_of("fields"),
            "'fields' must be a mapping of template field names to columns, e.g.\n"
            "  fields:\n    first_name: First Name",
        )
    fields = {}
    for name, spec in raw_fields.items():
        fields[str(name)] = _read_field(reader, str(name), spec, raw_fields.line_of(name))

    key = reader.string(data, "key", "setting")
    if key is None:
        raise reader.fail(data.line, "'key' is missing: name the field that identifies a student, "
                          "e.g. 'key: student_id'.")
    if key not in fields:
        raise reader.fail(data.line_of("key"), f"key {key!r} is not one of the fields."
                          f"{suggest(key, fields)}")

    mapping = Mapping(path=path, key=key, fields=fields)
    mapping.source = reader.path_setting(data, "source")
    mapping.template = reader.path_setting(data, "template")
    mapping.sheet = reader.string(data, "sheet", "setting")
    mapping.display_name = reader.string(data, "display_name", "setting", mapping.display_name)
    mapping.date_format = reader.string(data, "date_format", "setting", DEFAULT_DATE_FORMAT)
    for setting in ("review_date", "drive_folder"):
        name = reader.string(data, setting, "setting")
        if name is not None and name not in fields:
            raise reader.fail(data.line_of(setting), f"{setting} {name!r} is not one of the fields."
                              f"{suggest(name, fields)}")
        setattr(mapping, setting, name)
    if mapping.review_date and fields[mapping.review_date].type != "date":
        raise reader.fail(data.line_of("review_date"),
                          f"review_date {mapping.review_date!r} must be a field of type date.")
    conflicts = reader.string(data, "conflicts", "setting", "first")
    if conflicts not in CONFLICT_RULES:
        raise reader.fail(data.line_of("conflicts"),
                          f"conflicts must be one of {', '.join(CONFLICT_RULES)}, not {conflicts!r}.")
    mapping.conflicts = conflicts

    output = data.get("output", LineDict())
    if not isinstance(output, dict):
        raise reader.fail(data.line_of("output"), "'output' must be a mapping with folder: and filename:.")
    if output:
        reader.check_keys(output, OUTPUT_KEYS, "output")
        mapping.folder_pattern = reader.string(output, "folder", "output", DEFAULT_FOLDER)
        mapping.filename_pattern = reader.string(output, "filename", "output", DEFAULT_FILENAME)
    expressions = [(spec.line, f"field {spec.name!r}", spec.value) for spec in fields.values() if spec.value]
    expressions += [(data.line_of("display_name"), "display_name", mapping.display_name)]
    if output:
        expressions += [(output.line_of("folder"), "output folder", mapping.folder_pattern),
                        (output.line_of("filename"), "output filename", mapping.filename_pattern)]
    for line, what, text in expressions:
        _check_syntax(reader, line, what, text)
    return mapping


def _check_syntax(reader: _Reader, line: int, what: str, text: str) -> None:
    try:
        make_environment().parse(text)
    except TemplateSyntaxError as exc:
        raise reader.fail(line, f"{what}: {exc.message}. Check the {{{{ }}}} and {{% %}} tags.") from None


def _read_field(reader: _Reader, name: str, spec: Any, line: int) -> FieldSpec:
    if not name.isidentifier():
        raise reader.fail(line, f"field name {name!r} must be a single word of letters, digits and "
                          "underscores (it is typed in the template as {{ " + name + " }}).")
    if name in BUILTIN_NAMES:
        raise reader.fail(line, f"field name {name!r} is built in; choose another name.")
    if isinstance(spec, str):
        return FieldSpec(name=name, line=line, column=spec)
    if not isinstance(spec, LineDict):
        raise reader.fail(line, f"field {name!r} must be a column name or a mapping with 'column:'.")
    reader.check_keys(spec, FIELD_KEYS, f"field {name!r}")
    result = FieldSpec(name=name, line=line)
    result.column = reader.string(spec, "column", f"field {name!r}:")
    columns = spec.get("columns")
    if columns is not None:
        if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
            raise reader.fail(spec.line_of("columns"), f"field {name!r}: 'columns' must be a list of column names.")
        result.columns = list(columns)
    result.value = reader.string(spec, "value", f"field {name!r}:")
    sources = [k for k in ("column", "columns", "value") if spec.get(k) is not None]
    if len(sources) != 1:
        raise reader.fail(line, f"field {name!r} needs exactly one of 'column', 'columns' or 'value' "
                          f"(found {', '.join(sources) or 'none'}).")
    result.type = reader.string(spec, "type", f"field {name!r}:", "list" if result.columns else "text")
    if result.type not in FIELD_TYPES:
        raise reader.fail(spec.line_of("type"), f"field {name!r}: type must be one of "
                          f"{', '.join(FIELD_TYPES)}, not {result.type!r}.{suggest(result.type, FIELD_TYPES)}")
    if result.columns and result.type != "list":
        raise reader.fail(spec.line_of("type"), f"field {name!r}: 'columns' makes a list; use type: list.")
    result.format = reader.string(spec, "format", f"field {name!r}:")
    result.separator = reader.string(spec, "separator", f"field {name!r}:", ";")
    result.default = spec.get("default")
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise reader.fail(spec.line_of("required"), f"field {name!r}: required must be true or false.")
    result.required = required
    value_map = spec.get("map", {})
    if not isinstance(value_map, dict):
        raise reader.fail(spec.line_of("map"), f"field {name!r}: 'map' must be a mapping of cell value to text.")
    result.value_map = {" ".join(str(k).split()).casefold(): v for k, v in value_map.items()}
    return result
