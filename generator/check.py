"""``plangen check``: every problem with the template, mapping, data and output, found before a run.

A therapist runs this under time pressure; finding out after forty plans that a column was renamed
is what this prevents. Each part is checked on its own where it can be (a broken template is
reported even when the mapping is broken too), and problems are grouped so the fix is obvious.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import ConfigError, MappingError, SourceError, TemplateError
from generator.google.auth.options import GoogleSignIn
from generator.locations import Locations
from generator.mapping.load import load_mapping
from generator.output.report import limit_per_kind
from generator.pipeline import Prepared, RunOptions, build, check_template_fields, read_sources
from generator.sources.cells import is_blank, normalize_header
from generator.sources.meaning import narrows, resemblance
from generator.template.fields import template_fields

GROUPS = ("template", "mapping", "data", "output")
ERROR, WARNING = "error", "warning"
T = TypeVar("T")


@dataclass
class Problem:
    group: str
    level: str
    message: str


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    not_checked: dict[str, str] = field(default_factory=dict)  # group -> why it was skipped, e.g. "mapping errors"

    def add(self, group: str, level: str, message: str) -> None:
        self.problems.append(Problem(group, level, message))

    def in_group(self, group: str) -> list[Problem]:
        return [p for p in self.problems if p.group == group]

    @property
    def errors(self) -> int:
        return sum(p.level == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.level == WARNING for p in self.problems)


def _group_of(error: ConfigError) -> str:
    if isinstance(error, TemplateError):
        return "template"
    if isinstance(error, MappingError):
        return "mapping"
    if isinstance(error, SourceError):
        return "data"
    return "mapping"


def folder_links(mapping_path: Path, sign_in: GoogleSignIn) -> list[tuple[str, str]]:
    """Each student's name and Drive folder link from the caseload (the mapping's ``destination_folder`` field),
    for ``plangen doctor`` to check before a run."""
    mapping = load_mapping(mapping_path)
    if mapping.destination_folder is None:
        raise ConfigError(
            f"{mapping_path} names no destination_folder field, so its caseload holds no folder links to check."
        )
    built = build(mapping, read_sources(mapping, None, Locations(sign_in)), RunOptions(mapping=mapping_path))
    links = []
    for student in built.everyone.students:
        value = student.values.get(mapping.destination_folder)
        if value is not None and str(value).strip():
            links.append((student.display_name, str(value).strip()))
    return links


def check(options: RunOptions) -> CheckResult:
    """Collect every problem; never raises for bad input."""
    result = CheckResult()
    locations = Locations(options.google)  # one sign-in, and one export of a Google Doc, for the whole check
    mapping = _load(result, "mapping", load_mapping, options.mapping, options.period)
    for note in mapping.deprecations if mapping is not None else ():
        result.add("mapping", WARNING, note)
    template_path = options.template or (mapping.template if mapping else None)
    template = _load(result, "template", locations.open_template, template_path, mapping) if template_path else None
    if mapping is not None and template_path is None:
        result.add("mapping", ERROR, f"no template given: pass --template, or set 'template:' in {mapping.path}.")
    if mapping is not None and template is not None:
        _load(result, "template", check_template_fields, template, mapping)
    if result.errors or mapping is None or template is None:
        result.summary = "Fix the errors above, then run check again to check the data."
        failed = [group for group in ("template", "mapping") if any(p.level == ERROR for p in result.in_group(group))]
        reason = " and ".join(failed or ["template"]) + " errors"
        result.not_checked = {"data": reason, "output": reason}
        return result
    notes: list[str] = []  # which downloaded file went to which source
    tables = _load(result, "data", read_sources, mapping, options.source, locations, notes)
    built = _load(result, "data", build, mapping, tables, options) if tables is not None else None
    if tables is not None and built is not None:
        prepared = Prepared(mapping, tables, template, built, locations, notes + built.overdue)
        add_data_problems(result, prepared)
        result.summary = "\n".join([*prepared.notes, describe(prepared)])
    return result


def _load(result: CheckResult, group: str, func: Callable[..., T], *args: Any) -> T | None:
    try:
        return func(*args)
    except ConfigError as error:
        mapped = group == "data" or isinstance(error, MappingError)  # a template check's fix in the mapping
        result.add(_group_of(error) if mapped else group, ERROR, str(error))
        return None


def add_data_problems(result: CheckResult, prepared: Prepared) -> None:
    failures = [(f"{f.display_name}: {f.message}", f.message) for f in prepared.roster.failures]
    for line in limit_per_kind(failures):
        result.add("data", ERROR, line)
    for line in limit_per_kind([(warning, warning) for warning in prepared.warnings]):
        result.add("data", WARNING, line)
    for warning in blank_field_warnings(prepared):
        result.add("mapping", WARNING, warning)
    by_folder: dict[str, list[str]] = {}
    for student in prepared.roster.students:
        name = prepared.names[student.key]
        if name.collided:
            by_folder.setdefault(name.folder.rsplit(" (", 1)[0].casefold(), []).append(
                f"{student.display_name} -> {name.relpath}"
            )
    for names in by_folder.values():
        result.add(
            "output",
            WARNING,
            "these students' plans would have the same name, so each folder gets the "
            "student key: " + "; ".join(names) + ".",
        )


def unread_columns(prepared: Prepared) -> list[str]:
    """Columns with data in the students' sheets that no field reads (headers as the sheet has them)."""
    found: list[str] = []
    for name in prepared.mapping.roster or list(prepared.tables):
        table = prepared.tables.get(name)
        if table is None:
            continue
        read = prepared.mapping.columns_read(name)
        for column in table.columns:
            if normalize_header(column.name) in read or column.name in found:
                continue
            if any(not is_blank(row.get(column)) for row in table.rows):
                found.append(column.name)
    return found


def blank_field_warnings(prepared: Prepared) -> list[str]:
    """A template field blank for every student while sheet columns that look like it go unread is, most
    often, a column the mapping missed ('Goal 1' not matched to goals): said once per field, naming the
    columns, before any plan is written."""
    students = prepared.roster.students
    used = prepared.template.fields() & set(prepared.mapping.fields)
    idle = idle_columns(prepared, used)
    unread = unread_columns(prepared) + idle
    if not students or not unread:
        return []
    blank = sorted(n for n in used if all(is_blank(s.values.get(n)) for s in students))
    found: dict[tuple[str, ...], list[str]] = {}  # unread columns -> the blank fields they may hold
    for name in blank:
        alike = [c for c in unread if resemblance(name, c) >= RESEMBLES or narrows(name, c)]
        if alike:  # columns unlike the field (another period's, a billing code) are no sign of a miss
            found.setdefault(tuple(alike), []).append(name)
    return [_blank_fields_line(prepared, list(columns), names, set(idle)) for columns, names in found.items()]


def _blank_fields_line(prepared: Prepared, alike: list[str], names: list[str], idle: set[str]) -> str:
    said = ", ".join(alike)
    columns = f"columns {said} are" if len(alike) > 1 else f"column {said} is"
    fields = (
        f"template field '{names[0]}' is"
        if len(names) == 1
        else "template fields " + ", ".join(f"'{n}'" for n in names) + " are"
    )
    how = "read by no field the template uses" if idle & set(alike) else "not read"
    example = f"{{columns: [{said}], type: list}}" if len(alike) > 1 else alike[0]
    return (
        f"{fields} empty for all {len(prepared.roster.students)} students; {columns} {how}. "
        f"Map them in {prepared.mapping.path.name} (or run plangen init again), e.g. {names[0]}: {example}."
    )


RESEMBLES = 0.85


def idle_columns(prepared: Prepared, used: set[str]) -> list[str]:
    """Columns read only by fields that reach no plan: not the template's, not the key, not named in the
    display name, the file names, the review date or a computed field the template uses (an Accommodations
    column read as 'accommodations' while the template asks for 'classroom_accommodations')."""
    mapping = prepared.mapping
    texts = [mapping.display_name, mapping.folder_pattern, mapping.filename_pattern, mapping.review_date or ""]
    texts += [str(mapping.fields[n].value or "") for n in used if mapping.fields[n].is_computed]
    reaching = used | set(mapping.key_fields) | {mapping.key} | set(mapping.overview.values())
    reaching |= {n for n in mapping.fields if any(re.search(rf"\b{re.escape(n)}\b", t) for t in texts)}
    idle: dict[str, None] = {}
    for name, spec in mapping.fields.items():
        if name not in reaching and not spec.is_computed:
            idle.update(dict.fromkeys([*spec.source_columns(), *spec.item_columns()]))
    for name in reaching & set(mapping.fields):
        for column in [*mapping.fields[name].source_columns(), *mapping.fields[name].item_columns()]:
            idle.pop(column, None)
    return list(idle)


def describe(prepared: Prepared) -> str:
    students = len(prepared.roster.students)
    tags = template_fields(prepared.template)
    loops = sum(1 for name in tags if "[]" not in name and any(t.startswith(name + "[]") for t in tags))
    sources = ", ".join(t.label for t in prepared.tables.values())
    return (
        f"Checked {sources}: {students} student(s) ready, {len(prepared.roster.failures)} with errors; "
        f"{len(prepared.mapping.fields)} mapped fields; template {prepared.template.name} uses "
        f"{len(prepared.template.fields())} field(s), {loops} with item fields."
    )
