"""Deciding a draft mapping from a sheet's columns (and a template's fields): ``plangen init``.

Every choice is made from kinds and counts, never from what a cell says, and every choice is
explained in the draft by a comment so the therapist can check it. When in doubt the draft takes
the choice that refuses rather than guesses later: a name-based key keeps one row per student, so
two rows with the same name fail with a message instead of being merged into one plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.draft.columns import BIRTH, DATE, LIST, TEXT, ColumnProfile
from generator.draft.names import (
    BIRTH_HINTS,
    MATCH_CUTOFF,
    NAME_HINTS,
    REVIEW_HINTS,
    field_name,
    has_hint,
    similarity,
    words,
)
from generator.errors import ConfigError
from generator.mapping.fields import BUILTIN_NAMES
from generator.mapping.types import FieldType
from generator.sources.cells import to_text
from generator.sources.tables import Table

LAST_PATTERN = r"^\s*([^,]+?)\s*,"
FIRST_PATTERN = r",\s*(.+?)\s*$"
COMPUTED = {  # template fields with no column that other fields give
    "full_name": "{{ first_name }} {{ last_name }}",
    "student_name": "{{ first_name }} {{ last_name }}",
    "name": "{{ first_name }} {{ last_name }}",
    "plan_date": "{{ today }}",
}


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


@dataclass
class Draft:
    """Everything the draft mapping says."""

    fields: list[DraftField]
    key: list[str]
    rows_per_student: str
    display_name: str
    folder: str
    filename: str
    review_date: str | None = None
    notes: list[str] = field(default_factory=list)  # said at the top of the draft
    matched: int = 0  # template fields read from a column
    blanks: list[str] = field(default_factory=list)  # template fields left blank

    def get(self, name: str) -> DraftField | None:
        return next((f for f in self.fields if f.name == name), None)


def plan_draft(
    table: Table,
    profiles: list[ColumnProfile],
    template_fields: list[str] | None,
    template_title: str,
    today: dt.date,
    looped: set[str] | None = None,
) -> Draft:
    """The fields, key and settings of a draft mapping for ``table``."""
    if not table.rows:
        raise ConfigError(
            f"{table.label}: has a header row but no students under it, so plangen cannot tell what "
            "the columns hold. Run init on the sheet with your caseload."
        )
    fields = column_fields(profiles)
    template_notes: list[str] = []
    matched, blanks = 0, list[str]()
    if template_fields is not None:
        matched, blanks = match_template(fields, template_fields, looped or set())
    key = choose_key(fields, table)
    first, last = fields_named(fields, "first_name"), fields_named(fields, "last_name")
    for name in key:
        spec = next(f for f in fields if f.name == name)
        if not spec.type.dates:  # a birth date may be blank: the name still tells most students apart
            spec.required, spec.type = True, TEXT
    display = folder = "{{ student_key }}"
    if first is not None and last is not None:
        display = f"{{{{ {first.name} }}}} {{{{ {last.name} }}}}"
        folder = f"{{{{ {last.name} }}}}, {{{{ {first.name} }}}}"
    filename = f"{template_title} {{{{ school_year }}}} - " + display
    draft = Draft(
        fields,
        key,
        rows_per_student(fields, key, table),
        display,
        folder,
        filename,
        review_date(fields, today),
        template_notes,
        matched,
        blanks,
    )
    _computed_last(draft)
    return draft


def column_fields(profiles: list[ColumnProfile]) -> list[DraftField]:
    """A field per column, named as a template would; a "Last, First" column becomes last and first name."""
    fields: list[DraftField] = []
    taken: set[str] = set(BUILTIN_NAMES)
    has_split_names = {field_name(p.name) for p in profiles} >= {"first_name", "last_name"}
    for profile in profiles:
        if profile.name_order and has_hint(profile.name, NAME_HINTS) and not has_split_names:
            has_split_names = True
            fields.append(
                DraftField(
                    "last_name",
                    profile.name,
                    pattern=LAST_PATTERN,
                    profile=profile,
                    comment=f"split from '{profile.name}' (Last, First)",
                )
            )
            fields.append(
                DraftField(
                    "first_name",
                    profile.name,
                    pattern=FIRST_PATTERN,
                    profile=profile,
                    comment=f"split from '{profile.name}' (Last, First)",
                )
            )
            taken |= {"last_name", "first_name"}
            continue
        name = _unique(field_name(profile.name), taken)
        fields.append(
            DraftField(name, profile.name, profile.kind, profile.separator, profile=profile, comment=describe(profile))
        )
    return fields


def describe(profile: ColumnProfile) -> str:
    kind = profile.kind.described
    if profile.kind is LIST:
        kind = "one item per line" if profile.separator == "\n" else f"list separated by '{profile.separator}'"
    return f"{kind}; filled in {profile.filled} row(s)"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def fields_named(fields: list[DraftField], name: str) -> DraftField | None:
    return next((f for f in fields if f.name == name), None)


def match_template(fields: list[DraftField], wanted: list[str], looped: set[str]) -> tuple[int, list[str]]:
    """Rename the fields a template's fields read (best match first); add the rest as blanks or computed."""
    names = [n for n in wanted if "[]" not in n and n not in BUILTIN_NAMES]
    pairs = sorted(
        (
            (similarity(n, f.name, None if f.pattern else f.column), n, i)
            for n in names
            for i, f in enumerate(fields)
            if f.column is not None and (not f.pattern or f.name == n)
        ),
        key=lambda p: -p[0],
    )
    done: dict[str, int] = {}
    used: set[int] = set()
    for score, name, index in pairs:
        if score < MATCH_CUTOFF or name in done or index in used:
            continue
        done[name] = index
        used.add(index)
    for name, index in done.items():
        spec = fields[index]
        clash = fields_named(fields, name)
        if clash is not None and clash is not spec:  # the name a column had is the template's for another
            clash.name = _unique(clash.name + "_column", {f.name for f in fields})
        detail = "Last, First" if spec.pattern else describe(spec.profile) if spec.profile else ""
        spec.comment = f"template field '{name}' <- column '{spec.column}'" + (f" ({detail})" if detail else "")
        spec.name = name
        _fit_to_template(spec, name in looped)
    names_known = {"first_name", "last_name"} <= {f.name for f in fields}
    blanks = []
    for name in names:
        if name in done:
            continue
        if name in COMPUTED and (names_known or "first_name" not in COMPUTED[name]):
            fields.append(
                DraftField(
                    name,
                    value=COMPUTED[name],
                    comment=f"template field '{name}': no column; made from the fields above",
                )
            )
            continue
        blanks.append(name)
        fields.append(DraftField(name, value="", comment=f"template field '{name}': no column found, left blank"))
    return len(done), blanks


def _fit_to_template(spec: DraftField, looped: bool) -> None:
    """A list where the template loops, text where it prints: a loop over text would list its letters, and a
    list printed in one place would show Python's brackets."""
    if looped and not spec.type.many:
        spec.type = LIST
        spec.separator = "\n" if spec.profile and spec.profile.multiline else ";"
        spec.comment += "; a list, as the template loops over it"
    elif not looped and spec.type is LIST:
        spec.type, spec.separator = TEXT, None
        spec.comment += "; kept as text, as the template prints it in one place"


def choose_key(fields: list[DraftField], table: Table) -> list[str]:
    """An ID column filled and different on every row; else last name + first name (+ birth date)."""
    rows = len(table.rows)
    for spec in fields:
        profile = spec.profile
        if profile is not None and not spec.pattern and is_id_column(profile.name) and profile.filled == rows:
            return [spec.name]
    first = next((f for f in fields if f.pattern == FIRST_PATTERN or field_name(f.column or "") == "first_name"), None)
    last = next((f for f in fields if f.pattern == LAST_PATTERN or field_name(f.column or "") == "last_name"), None)
    names = [last.name, first.name] if first and last else []
    if not names:
        whole = next(
            (f for f in fields if f.profile and f.profile.kind is TEXT and has_hint(f.column or "", NAME_HINTS)), None
        )
        names = [whole.name] if whole else []
    births = [
        f
        for f in fields
        if f.profile
        and f.profile.kind.dates
        and (has_hint(f.column or "", BIRTH_HINTS) or f.profile.date_role == BIRTH)
    ]
    if names:
        return names + [births[0].name] if births else names
    for spec in fields:
        if spec.profile is not None and spec.profile.filled == rows and spec.profile.unique:
            return [spec.name]
    raise ConfigError(
        f"{table.label}: no column tells the students apart (no student ID, no name column, and no "
        "column filled with a different value on every row). Add a 'Student ID' column, or "
        "'Last Name' and 'First Name' columns, and run init again."
    )


def is_id_column(header: str) -> bool:
    """``Student ID``, ``SSID``, ``SEIS ID``, ``Local ID #``: a column of IDs, not names."""
    plain = words(header).replace("#", "").split()
    return field_name(header) == "student_id" or (bool(plain) and plain[-1] in ("id", "ssid", "stn"))


def rows_per_student(fields: list[DraftField], key: list[str], table: Table) -> str:
    """'many' when an ID repeats (a report: a row per service or goal); a name-based key stays 'one'."""
    columns = [c for c in table.columns if c.name in {f.column for f in fields if f.name in key}]
    seen: set[tuple[str, ...]] = set()
    for row in table.rows:
        identity = tuple(to_text(row.get(c)) for c in columns)
        if identity in seen:
            by_id = len(key) == 1 and any(is_id_column(f.column or "") for f in fields if f.name == key[0])
            return "many" if by_id else "one"
        seen.add(identity)
    return "one"


def review_date(fields: list[DraftField], today: dt.date) -> str | None:
    """The date column saying review/annual/IEP whose dates lie nearest ahead (the next review, not the last)."""
    candidates = [
        f
        for f in fields
        if f.profile and f.profile.kind is DATE and f.profile.dates and has_hint(f.column or "", REVIEW_HINTS)
    ]
    if not candidates:
        return None

    def rank(spec: DraftField) -> tuple[int, int]:
        dates = sorted(spec.profile.dates if spec.profile else [])
        middle = dates[len(dates) // 2]
        ahead = (middle - today).days
        return (0, ahead) if ahead >= 0 else (1, -ahead)

    return min(candidates, key=rank).name


def _computed_last(draft: Draft) -> None:
    """Computed fields may only use fields listed above them."""
    draft.fields.sort(key=lambda f: f.value is not None and f.value != "")
