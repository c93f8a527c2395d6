"""Mapping files: where every template field comes from.

A therapist types flat names in Word (``{{ first_name }}``); the mapping says which column of which
source feeds each one, how to read it, and how to name each student's folder and file. A caseload
kept by hand is one source; an IEP system's downloads are several (services, goals, dates,
accommodations), each joined to the student on its own key column. The file is validated
completely on load so a typo is reported with its line before any plan is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError

from generator.jinja import make_environment, unsafe_constructs
from generator.mapping.fields import BUILTIN_NAMES, PERIOD_MARK, Condition, FieldSpec, read_conditions, read_field
from generator.mapping.layout import LAYOUT_KEYS, Layout, read_layout
from generator.mapping.source_options import PERIOD_CHOICES, SOURCE_OPTION_KEYS, SourceOptions, read_source_options
from generator.mapping.suggest import suggest
from generator.mapping.types import DATE
from generator.mapping.yamlfile import LineDict, YamlReader, load_yaml_mapping
from generator.sources.cells import is_day_first, normalize_header

CONFLICT_RULES = ("first", "last", "error")
TOP_LEVEL_KEYS = (
    "source",
    "sheet",
    "rows_per_student",
    "sources",
    "roster",
    "template",
    "key",
    "display_name",
    "review_date",
    "destination_folder",
    "date_format",
    "conflicts",
    "output",
    "overview",
    "out",
    "fields",
    "identity",
    "key_case",
    *LAYOUT_KEYS,
    "hints",
    "service_period",
    "overview_sheet",
    "iep_period",
)
KEY_CASES = ("ignore", "exact")
# Fields that tell two children apart when their key (often a name) is the same.
BIRTH_DATE_NAMES = ("dob", "birth_date", "birthdate", "date_of_birth", "birthday")
SOURCE_KEYS = ("file", "sheet", "key", "where", "rows_per_student", *LAYOUT_KEYS, *SOURCE_OPTION_KEYS)
ROWS_PER_STUDENT = ("one", "many")
OUTPUT_KEYS = ("folder", "filename")
# Caseload overview columns -> the fields that usually feed them; 'overview:' in a mapping names others.
OVERVIEW_DEFAULTS = {
    "plan_type": ("plan_type",),
    "annual_review": (),  # the mapping's review_date
    "reevaluation": ("reevaluation", "triennial"),
    "minutes_per_week": ("minutes_per_week",),
    "provider": ("provider", "therapist"),
}
MAIN_SOURCE = "main"
# Settings renamed when their meaning outgrew one destination (old -> new): the old name still works,
# and ``plangen check`` says to rename it.
RENAMED_KEYS = {"drive_folder": "destination_folder"}

DEFAULT_DATE_FORMAT = "%m/%d/%Y"
DEFAULT_FOLDER = "{{ student_key }}"
DEFAULT_FILENAME = "Treatment Plan - {{ student_key }}"
DEFAULT_OUT = "plans"

__all__ = ["FieldSpec", "Mapping", "SourceSpec", "load_mapping", "BUILTIN_NAMES"]


@dataclass
class SourceSpec:
    """One input file (or Google Sheet) and the column that says which student a row belongs to."""

    name: str
    line: int
    location: Path | str | None = None
    sheet: str | None = None
    key_columns: list[str] = field(default_factory=list)  # one, or several for a composite key
    where: list[Condition] = field(default_factory=list)
    one_row_per_student: bool = False  # a caseload: a key on two rows is a mistake, not more data
    layout: Layout = field(default_factory=Layout)  # header_row / number_locale when set
    options: SourceOptions = field(default_factory=SourceOptions)  # optional, identify, current

    @property
    def key_column(self) -> str | None:
        return self.key_columns[0] if self.key_columns else None


@dataclass
class Mapping:
    """A validated mapping file. Paths are resolved relative to the mapping file."""

    path: Path
    key: str  # the first key field; see key_fields for a composite key
    fields: dict[str, FieldSpec]
    key_fields: list[str] = field(default_factory=list)
    key_ignore_case: bool = True
    identity: list[str] = field(default_factory=list)  # fields that must agree across one student's rows
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    roster: list[str] = field(default_factory=list)
    template: Path | str | None = None
    display_name: str = "{{ student_key }}"
    review_date: str | None = None
    destination_folder: str | None = None  # the field holding each student's folder at the destination (a link)
    date_format: str = DEFAULT_DATE_FORMAT
    conflicts: str = "first"
    folder_pattern: str = DEFAULT_FOLDER
    filename_pattern: str = DEFAULT_FILENAME
    overview: dict[str, str] = field(default_factory=dict)  # caseload overview column -> field name
    period: int | None = None  # the grading period of a progress-report run (--period N)
    out_dir: Path | None = None  # where local plans go; None: plans/ next to the mapping file
    hints: bool = False  # the {{ hints }} builtin: templates show their guidance text only when true
    service_period: list[str] = field(default_factory=list)  # date fields {{ school_year }} is taken from
    deprecations: list[str] = field(default_factory=list)  # old setting names used, each with its line and new name
    overview_sheet: bool = False  # with --drive: the caseload overview also as a Google Sheet in ROOT
    iep_period: str | None = None  # which IEP period a plan covers when the rows hold several: current, upcoming

    @property
    def default_out_dir(self) -> Path:
        """The same folder from wherever plangen runs: paths in a mapping are relative to the mapping."""
        return self.out_dir if self.out_dir is not None else (self.path.parent / DEFAULT_OUT).resolve()

    @property
    def default_source(self) -> str:
        return next(iter(self.sources))

    def source_of(self, spec: FieldSpec) -> str:
        return spec.source or self.default_source

    def provided_names(self) -> set[str]:
        """Every name a template may use with this mapping (``period`` only in a --period run)."""
        names = set(self.fields) | set(BUILTIN_NAMES)
        return names if self.period is not None else names - {"period"}

    def data_fields(self) -> tuple[str, ...]:
        """The fields read from the sheet (not computed: 'today' changes daily, the sheet does not)."""
        return tuple(name for name, spec in self.fields.items() if not spec.is_computed)

    def columns_read(self, source: str) -> set[str]:
        """The headers (normalized) this mapping reads from one source: fields, item fields, keys, filters.
        ``plangen check`` and ``plangen explain`` name the other columns as not read."""
        headers: set[str] = set()
        spec_of = self.sources.get(source)
        if spec_of is not None:
            headers |= set(spec_of.key_columns) | {c for cond in spec_of.where for c in cond.columns()}
        for spec in self.fields.values():
            if self.source_of(spec) != source or spec.is_computed:
                continue
            headers |= set(spec.source_columns()) | set(spec.item_columns())
            headers |= {c for cond in spec.where for c in cond.columns()}
        return {normalize_header(h) for h in headers}

    @property
    def day_first(self) -> bool:
        """Text dates such as 03/04/2015 are read as ``date_format`` writes them: day first for %d/%m/%Y."""
        return is_day_first(self.date_format)

    def where(self, name: str) -> str:
        spec = self.fields.get(name)
        return f"{self.path}, line {spec.line}" if spec else str(self.path)


def load_mapping(path: Path | str, period: int | None = None) -> Mapping:
    """Read and fully validate a mapping file; ``period`` (--period N) fills '{period}' in column names."""
    path = Path(path)
    data = load_yaml_mapping(path)
    reader = YamlReader(path)
    spelled = _rename_old_keys(reader, data)
    reader.check_keys(data, TOP_LEVEL_KEYS, "the mapping")
    fields = _read_fields(reader, data)
    _fill_period(reader, fields, period)
    key_fields = _read_key_fields(reader, data, fields)
    mapping = Mapping(path=path, key=key_fields[0], fields=fields, key_fields=key_fields, period=period)
    mapping.deprecations = [_renamed_message(reader, data, old, new) for new, old in spelled.items()]
    mapping.key_ignore_case = reader.string(data, "key_case", "setting", "ignore") == "ignore"
    if "key_case" in data and data["key_case"] not in KEY_CASES:
        raise reader.fail(
            data.line_of("key_case"),
            f"key_case must be 'ignore' (AB1001 = ab1001, the default) or 'exact', not {data['key_case']!r}.",
        )
    mapping.sources = _read_sources(reader, data, [fields[name] for name in key_fields])
    mapping.roster = _read_roster(reader, data, mapping.sources)
    _check_field_sources(reader, mapping)
    mapping.template = reader.location(data, "template")
    mapping.display_name = reader.string(data, "display_name", "setting", mapping.display_name)
    mapping.date_format = reader.string(data, "date_format", "setting", DEFAULT_DATE_FORMAT)
    _read_field_settings(reader, data, mapping, spelled)
    conflicts = reader.string(data, "conflicts", "setting", "first")
    if conflicts not in CONFLICT_RULES:
        raise reader.fail(
            data.line_of("conflicts"), f"conflicts must be one of {', '.join(CONFLICT_RULES)}, not {conflicts!r}."
        )
    mapping.conflicts = conflicts
    mapping.identity = _read_identity(reader, data, mapping)
    # Off unless asked for: a plan is printed and handed to a parent, and guidance is for the therapist.
    mapping.hints = reader.boolean(data, "hints", "setting") if "hints" in data else False
    mapping.overview_sheet = reader.boolean(data, "overview_sheet", "setting") if "overview_sheet" in data else False
    mapping.service_period = _read_service_period(reader, data, fields)
    mapping.iep_period = _read_iep_period(reader, data, mapping)
    _read_output(reader, data, mapping)
    mapping.overview = _read_overview(reader, data, mapping)
    out = reader.location(data, "out")
    if isinstance(out, str):
        raise reader.fail(
            data.line_of("out"), "out must be a folder on this computer (plans go to Google Drive with --drive)."
        )
    mapping.out_dir = out
    _check_expressions(reader, data, mapping)
    return mapping


def _read_fields(reader: YamlReader, data: LineDict) -> dict[str, FieldSpec]:
    """Every template field and where it comes from (``fields:``), each checked on its own line."""
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, LineDict) or not raw_fields:
        raise reader.fail(
            data.line_of("fields"),
            "'fields' must be a mapping of template field names to columns, e.g.\n"
            "  fields:\n    first_name: First Name",
        )
    return {
        str(name): read_field(reader, str(name), spec, raw_fields.line_of(name)) for name, spec in raw_fields.items()
    }


def _read_field_settings(reader: YamlReader, data: LineDict, mapping: Mapping, spelled: dict[str, str]) -> None:
    """The settings that name a field: ``review_date`` (a date field) and ``destination_folder``; a message
    uses the name the file used (``drive_folder`` before its rename)."""
    fields = mapping.fields
    for setting in ("review_date", "destination_folder"):
        name = reader.string(data, setting, "setting")
        if name is not None and name not in fields:
            raise reader.fail(
                data.line_of(setting),
                f"{spelled.get(setting, setting)} {name!r} is not one of the fields.{suggest(name, fields)}",
            )
        setattr(mapping, setting, name)
    if mapping.review_date and fields[mapping.review_date].kind is not DATE:
        raise reader.fail(
            data.line_of("review_date"), f"review_date {mapping.review_date!r} must be a field of type date."
        )


def _rename_old_keys(reader: YamlReader, data: LineDict) -> dict[str, str]:
    """Settings written under their old name are read under the new one (new -> old, for messages)."""
    spelled = {}
    for old, new in RENAMED_KEYS.items():
        if old not in data:
            continue
        if new in data:
            raise reader.fail(
                data.line_of(old),
                f"'{old}' and '{new}' are one setting ('{old}' is its old name): keep only '{new}'.",
            )
        data[new] = data.pop(old)
        data.key_lines[new] = data.line_of(old)
        spelled[new] = old
    return spelled


def _renamed_message(reader: YamlReader, data: LineDict, old: str, new: str) -> str:
    return (
        f"{reader.path}, line {data.line_of(new)}: '{old}:' is the old name of '{new}:'; it still works, but rename it."
    )


def _fill_period(reader: YamlReader, fields: dict[str, FieldSpec], period: int | None) -> None:
    """'Progress Report {period} Summary' becomes the run's period's column; without --period it cannot be read."""
    specs = [*fields.values(), *(item for parent in fields.values() for item in parent.item.values())]
    for spec in specs:
        columns = spec.source_columns()
        if not any(PERIOD_MARK in column for column in columns):
            continue
        if period is None:
            raise reader.fail(
                spec.line,
                f"field {spec.name!r} reads a column per grading period "
                f"({next(c for c in columns if PERIOD_MARK in c)!r}): say which one with --period N "
                "(e.g. --period 2 for the second progress report).",
            )
        if spec.column is not None:
            spec.column = spec.column.replace(PERIOD_MARK, str(period))
        spec.columns = [column.replace(PERIOD_MARK, str(period)) for column in spec.columns]


def _read_key_fields(reader: YamlReader, data: LineDict, fields: dict[str, FieldSpec]) -> list[str]:
    """``key: student_id``, or a composite key ``key: [last_name, first_name, dob]`` for sheets without IDs."""
    if data.get("key") is None:
        raise reader.fail(
            data.line,
            "'key' is missing: name the field that identifies a student, "
            "e.g. 'key: student_id' (or, without an ID column, 'key: [last_name, first_name, dob]').",
        )
    names = reader.strings(data, "key", "setting")
    for name in names:
        if name not in fields:
            raise reader.fail(data.line_of("key"), f"key {name!r} is not one of the fields.{suggest(name, fields)}")
        spec = fields[name]
        if spec.is_computed or spec.kind.many or spec.column is None:
            raise reader.fail(
                spec.line,
                f"the key field {name!r} must read one column (e.g. 'column: Student ID'), not be computed or a list.",
            )
    if len(set(names)) != len(names):
        raise reader.fail(data.line_of("key"), "key names the same field twice.")
    return names


def _read_identity(reader: YamlReader, data: LineDict, mapping: Mapping) -> list[str]:
    """Fields that must agree on every row of one student; by default the birth date field when there is one."""
    if "identity" in data:
        names = reader.strings(data, "identity", "setting")
        for name in names:
            spec = mapping.fields.get(name)
            if spec is None:
                raise reader.fail(
                    data.line_of("identity"),
                    f"identity names {name!r}, which is not one of the fields.{suggest(name, mapping.fields)}",
                )
            if spec.is_computed or spec.kind.items or not spec.source_columns():
                raise reader.fail(data.line_of("identity"), f"identity field {name!r} must read a column.")
        return names
    for name, spec in mapping.fields.items():
        if name in mapping.key_fields or spec.is_computed or spec.column is None:
            continue
        if name.lower() in BIRTH_DATE_NAMES or (spec.kind.dates and "birth" in spec.column.lower()):
            return [name]
    return []


def _read_service_period(reader: YamlReader, data: LineDict, fields: dict[str, FieldSpec]) -> list[str]:
    """The plan's start and end dates (e.g. [iep_date, annual_review]): the school year printed is the one
    the service period falls in, not the one the run happens in."""
    names = reader.strings(data, "service_period", "setting")
    if len(names) > 2:
        raise reader.fail(
            data.line_of("service_period"),
            "service_period names the start and the end date field "
            "of the plan, e.g. 'service_period: [iep_date, annual_review]'.",
        )
    for name in names:
        if name not in fields or fields[name].kind is not DATE:
            raise reader.fail(
                data.line_of("service_period"),
                f"service_period {name!r} must be a field of type "
                f"date.{suggest(name, fields) if name not in fields else ''}",
            )
    return names


def _read_iep_period(reader: YamlReader, data: LineDict, mapping: Mapping) -> str | None:
    """``iep_period: current`` (the period in effect on the plan date) or ``upcoming`` (the next one, for a
    plan written before its meeting): rows of other periods are left out, so a plan never mixes two IEP years."""
    choice = reader.string(data, "iep_period", "setting")
    if choice is None:
        return None
    if choice not in PERIOD_CHOICES:
        raise reader.fail(
            data.line_of("iep_period"),
            f"iep_period must be one of {', '.join(PERIOD_CHOICES)} (the IEP period in effect on the plan date, "
            f"or the next one), not {choice!r}.",
        )
    if not mapping.service_period:
        raise reader.fail(
            data.line_of("iep_period"),
            "iep_period needs service_period: the fields holding the IEP period of record, "
            "e.g. 'service_period: [iep_date, annual_review]'.",
        )
    if not any(source.options.current for source in mapping.sources.values()):
        raise reader.fail(
            data.line_of("iep_period"),
            "iep_period needs a source whose rows carry dates: give it 'current: {start: Start Date, end: End Date}' "
            "(or only 'start:', e.g. a goals report's IEP Date).",
        )
    return choice


def _read_sources(reader: YamlReader, data: LineDict, key_specs: list[FieldSpec]) -> dict[str, SourceSpec]:
    if "sources" not in data:
        main = SourceSpec(
            MAIN_SOURCE,
            data.line_of("source"),
            reader.location(data, "source"),
            reader.string(data, "sheet", "setting"),
            [spec.column or "" for spec in key_specs],
            one_row_per_student=_rows_per_student(reader, data, "one"),
            layout=read_layout(reader, data, "setting"),
        )
        return {MAIN_SOURCE: main}
    for single in ("source", "sheet", "rows_per_student", *LAYOUT_KEYS):
        if single in data:
            raise reader.fail(
                data.line_of(single),
                f"'{single}' and 'sources' cannot both be set: with several "
                "sources, give each its file and sheet under 'sources:'.",
            )
    raw = reader.mapping(data, "sources", "setting")
    if not raw:
        raise reader.fail(data.line_of("sources"), "'sources' needs at least one source.")
    sources = {}
    for name, spec in raw.items():
        what = f"source {name!r}"
        if not isinstance(spec, LineDict):
            raise reader.fail(raw.line_of(name), f"{what} must be a mapping with 'file:' and 'key:'.")
        reader.check_keys(spec, SOURCE_KEYS, what)
        key_columns = reader.strings(spec, "key", f"{what}:")
        if not key_columns:
            raise reader.fail(
                spec.line, f"{what} needs 'key:', the column holding the student key (e.g. 'key: SEIS ID')."
            )
        if len(key_columns) != len(key_specs):
            raise reader.fail(
                spec.line_of("key"),
                f"{what}: 'key:' names {len(key_columns)} column(s), but the "
                f"mapping's key has {len(key_specs)} part(s); name one column per key field, in order.",
            )
        sources[str(name)] = SourceSpec(
            str(name),
            raw.line_of(name),
            reader.location(spec, "file"),
            reader.string(spec, "sheet", f"{what}:"),
            key_columns,
            read_conditions(reader, spec, what),
            _rows_per_student(reader, spec, "many"),
            read_layout(reader, spec, what),
            read_source_options(reader, spec, what),
        )
    return sources


def _rows_per_student(reader: YamlReader, data: LineDict, default: str) -> bool:
    value = reader.string(data, "rows_per_student", "setting", default)
    if value not in ROWS_PER_STUDENT:
        raise reader.fail(
            data.line_of("rows_per_student"),
            f"rows_per_student must be 'one' (a caseload: one row "
            f"per student) or 'many' (a report: one row per service, goal...), not {value!r}.",
        )
    return value == "one"


def _read_roster(reader: YamlReader, data: LineDict, sources: dict[str, SourceSpec]) -> list[str]:
    """Which sources decide who gets a plan (default: the first): e.g. students with an OT service."""
    names = reader.strings(data, "roster", "setting") or [next(iter(sources))]
    for name in names:
        if name not in sources:
            raise reader.fail(
                data.line_of("roster"),
                f"roster names {name!r}, which is not one of the sources.{suggest(name, sources)}",
            )
        if sources[name].options.optional:
            raise reader.fail(
                sources[name].line, f"source {name!r} decides who gets a plan (roster), so it cannot be optional."
            )
    return names


def _check_field_sources(reader: YamlReader, mapping: Mapping) -> None:
    for spec in mapping.fields.values():
        if spec.source is not None and spec.source not in mapping.sources:
            raise reader.fail(
                spec.line,
                f"field {spec.name!r}: source {spec.source!r} is not one of the sources."
                f"{suggest(spec.source, mapping.sources)}",
            )


def _read_output(reader: YamlReader, data: LineDict, mapping: Mapping) -> None:
    output = reader.mapping(data, "output", "setting")
    reader.check_keys(output, OUTPUT_KEYS, "output")
    mapping.folder_pattern = reader.string(output, "folder", "output", DEFAULT_FOLDER)
    mapping.filename_pattern = reader.string(output, "filename", "output", DEFAULT_FILENAME)


def _read_overview(reader: YamlReader, data: LineDict, mapping: Mapping) -> dict[str, str]:
    """Which field fills each caseload overview column: named under 'overview:', else the usual field name."""
    given = reader.mapping(data, "overview", "setting")
    reader.check_keys(given, tuple(OVERVIEW_DEFAULTS), "overview")
    chosen = {}
    for column, usual in OVERVIEW_DEFAULTS.items():
        name = reader.string(given, column, "overview")
        if name is not None:
            if name not in mapping.fields:
                raise reader.fail(
                    given.line_of(column),
                    f"overview {column} {name!r} is not one of the fields.{suggest(name, mapping.fields)}",
                )
            chosen[column] = name
            continue
        candidates = usual or ((mapping.review_date,) if mapping.review_date else ())
        found = next((candidate for candidate in candidates if candidate in mapping.fields), None)
        if found is not None:
            chosen[column] = found
    return chosen


def _check_expressions(reader: YamlReader, data: LineDict, mapping: Mapping) -> None:
    """Jinja syntax errors in computed fields and patterns are mapping errors, found on load."""
    specs = list(mapping.fields.values())
    specs += [item for spec in mapping.fields.values() for item in spec.item.values()]
    expressions = [(spec.line, f"field {spec.name!r}", spec.value) for spec in specs if spec.value]
    expressions.append((data.line_of("display_name"), "display_name", mapping.display_name))
    output = data.get("output") or LineDict()
    expressions.append((output.line_of("folder") if output else data.line, "output folder", mapping.folder_pattern))
    expressions.append(
        (output.line_of("filename") if output else data.line, "output filename", mapping.filename_pattern)
    )
    env = make_environment()
    for line, what, text in expressions:
        try:
            ast = env.parse(text)
            env.compile(ast)  # unknown filters and tests are only found when compiling
        except TemplateSyntaxError as exc:
            advice = (
                "Filters you can use: " + ", ".join(sorted(env.filters)) + "."
                if (exc.message or "").startswith("No filter named")
                else "Check the {{ }} and {% %} tags."
            )
            raise reader.fail(line, f"{what}: {(exc.message or '').rstrip('.')}. {advice}") from None
        for _line, problem in unsafe_constructs(ast)[:1]:
            raise reader.fail(line, f"{what}: {problem}.")
