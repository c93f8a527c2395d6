"""Deciding a draft mapping from a sheet's columns (and a template's fields): ``plangen init``.

Every choice is made from kinds and counts, never from what a cell says, and every choice is
explained in the draft by a comment so the therapist can check it. When in doubt the draft takes
the choice that refuses rather than guesses later: a name-based key keeps one row per student, so
two rows with the same name fail with a message instead of being merged into one plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.draft.columns import BIRTH, DATE, LIST, TEXT, ColumnProfile
from generator.draft.derived import per_week, plan_kind_from_flags, records_field, service_line
from generator.draft.entries import DraftField, fields_named
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
from generator.mapping.types import RECORDS
from generator.sources.cells import to_text
from generator.sources.meaning import field_concept, numbered_base, numbered_index, numbered_pattern
from generator.sources.tables import Table
from generator.template.fields import ITEM

LAST_PATTERN = r"^\s*([^,]+?)\s*,"
FIRST_PATTERN = r",\s*(.+?)\s*$"
COMPUTED = {  # template fields with no column that other fields give
    "full_name": "{{ first_name }} {{ last_name }}",
    "student_name": "{{ first_name }} {{ last_name }}",
    "name": "{{ first_name }} {{ last_name }}",
    "plan_date": "{{ today }}",
}


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
    unused: list[str] = field(default_factory=list)  # columns no field reads

    def reaching(self, template_fields: list[str] | None) -> set[str] | None:
        """The fields that reach a plan or its name: the template's, the key, the review date (None: no template,
        every field counts)."""
        if template_fields is None:
            return None
        return set(template_fields) | set(self.key) | {self.review_date or ""}

    def get(self, name: str) -> DraftField | None:
        return next((f for f in self.fields if f.name == name), None)


def plan_draft(
    table: Table,
    profiles: list[ColumnProfile],
    template_fields: list[str] | None,
    template_title: str,
    today: dt.date,
    looped: set[str] | None = None,
    required_items: set[str] | None = None,
) -> Draft:
    """The fields, key and settings of a draft mapping for ``table``."""
    if not table.rows:
        raise ConfigError(
            f"{table.label}: has a header row but no students under it, so plangen cannot tell what "
            "the columns hold. Run init on the sheet with your caseload."
        )
    fields = column_fields(profiles)
    weekly = per_week(fields)
    if weekly is not None:
        fields.append(weekly)  # the overview's minutes per week, whether or not the template prints it
    template_notes: list[str] = []
    matched, blanks = 0, list[str]()
    if template_fields is not None:
        matched, blanks = match_template(fields, template_fields, looped or set(), required_items)
    key = choose_key(fields, table)
    for name in key:
        spec = next(f for f in fields if f.name == name)
        if not spec.type.dates:  # a birth date may be blank: the name still tells most students apart
            spec.required, spec.type = True, TEXT
    display, folder = names_shown(fields)
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
    draft.unused = unused_columns(fields, profiles, draft.reaching(template_fields))
    _computed_last(draft)
    return draft


def column_fields(profiles: list[ColumnProfile]) -> list[DraftField]:
    """A field per column, named as a template would: numbered columns (Goal 1, Goal 2...) become one list,
    a "Last, First" or "First Last" name column gives first and last name, a column of IEP/504 the plan type."""
    fields: list[DraftField] = []
    taken: set[str] = set(BUILTIN_NAMES)
    names = {field_name(p.name) for p in profiles}
    has_split_names = names >= {"first_name", "last_name"}
    families = record_families(profiles)
    in_family = {header: base for base, spec in families.items() for header in spec.columns}
    groups = numbered_groups([p for p in profiles if p.name not in in_family])
    grouped = {p.name: base for base, members in groups.items() for p in members}
    for profile in profiles:
        if profile.name in in_family:
            family = families.pop(in_family[profile.name], None)
            if family is not None:
                family.name = _unique(family.name, taken)
                fields.append(family)
            continue
        base = grouped.get(profile.name)
        if base is not None:
            members = groups.pop(base, None)
            if members is not None:
                fields.append(_group_field(base, members, taken))
            continue
        if profile.name_order and has_hint(profile.name, NAME_HINTS) and not has_split_names:
            has_split_names = True
            fields += _name_parts(profile, LAST_PATTERN, FIRST_PATTERN, "Last, First")
            taken |= {"last_name", "first_name"}
            continue
        if _is_first_last(profile, names) and not has_split_names:
            has_split_names = True
            fields += _first_last(profile, taken)
            continue
        name = field_name(profile.name)
        if name == "plan_type" and not profile.plan_kinds:
            name = "plan_type_column"  # "Type" or "Plan" holding something else
        elif profile.plan_kinds >= PLAN_KINDS and name not in ("plan_type", "student_id") and not profile.kind.dates:
            name = "plan_type" if "plan_type" not in taken else name
        spec = DraftField(_unique(name, taken), profile.name, profile.kind, profile.separator, profile=profile)
        spec.comment = describe(profile)
        if spec.name == "plan_type":
            spec.type, spec.separator = TEXT, None
            spec.comment = f"the kind of plan (IEP, 504...): the template words a 504 plan the 504 way; {spec.comment}"
        fields.append(spec)
    return fields


def numbered_groups(profiles: list[ColumnProfile]) -> dict[str, list[ColumnProfile]]:
    """``Goal 1``, ``Goal 2``, ``Goal 3`` (and ``Accommodation 1..N``, ``Objective 1..N``): one list each.
    Two or more columns sharing a base make a group; one alone only when its base names a list."""
    groups: dict[str, list[ColumnProfile]] = {}
    for profile in profiles:
        base = numbered_base(profile.name)
        if base is not None and not profile.kind.dates:
            groups.setdefault(words(base), []).append(profile)
    return {
        base: sorted(members, key=lambda p: numbered_index(p.name))
        for base, members in groups.items()
        if len(members) >= 2 or field_name(base) in LIST_CONCEPTS
    }


def record_families(profiles: list[ColumnProfile]) -> dict[str, DraftField]:
    """``Goal 1``, ``Goal 1 Area``, ``Goal 2``, ``Goal 2 Area``...: one records field read with ``repeat:``, an
    item per number (a number whose cells are all blank gives none), an item field per column of the group.
    Only columns present for every number join the group; the rest stay columns of their own."""
    found: dict[str, dict[str, tuple[str, dict[str, ColumnProfile]]]] = {}
    for profile in profiles:
        parts = numbered_pattern(profile.name)
        if parts is not None:
            base, number, pattern = parts
            found.setdefault(words(base), {}).setdefault(words(pattern), (pattern, {}))[1][number] = profile
    families: dict[str, DraftField] = {}
    for base, patterns in found.items():
        sets = [set(members) for _, members in patterns.values()]
        shared = [
            (len(s), sum(s <= t for t in sets), sorted(s, key=int)) for s in sets if sum(s <= t for t in sets) >= 2
        ]
        if not shared:
            continue
        numbers = max(shared)[2]  # the most numbers that two or more of the group's columns all have
        full = [(pattern, members) for pattern, members in patterns.values() if set(numbers) <= set(members)]
        first = full[0][1][numbers[0]].name
        name = field_name(base)
        item: list[tuple[str, str | None, str | None]] = [(_item_name(pattern), pattern, None) for pattern, _ in full]
        headers = [members[n].name for n in numbers for _, members in full]
        families[base] = DraftField(
            name if name in LIST_CONCEPTS or name.endswith("s") else name + "s",
            first,
            RECORDS,
            item=item,
            repeat=numbers,
            columns=headers,
            comment=f"one item per number ({', '.join(numbers)}) from columns {', '.join(p for p, _ in full)}",
        )
    return families


def _item_name(pattern: str) -> str:
    rest = pattern.split("{n}", 1)[1].strip(" #:-_.")
    return field_name(rest) if rest else "text"


LIST_CONCEPTS = ("goals", "objectives", "accommodations")
PLAN_KINDS = 0.8  # share of cells saying IEP/504 that makes any column the plan type (a "Plan Type" header: one)


def _group_field(base: str, members: list[ColumnProfile], taken: set[str]) -> DraftField:
    name = field_name(base)
    if name not in LIST_CONCEPTS and not name.endswith("s"):
        name += "s"
    headers = [p.name for p in members]
    filled = max(p.filled for p in members)
    return DraftField(
        _unique(name, taken),
        headers[0],
        LIST,
        columns=headers,
        comment=f"one list from columns {', '.join(headers)} (an item per filled cell); filled in up to "
        f"{filled} row(s)",
    )


def _name_parts(profile: ColumnProfile, last: str, first: str, form: str) -> list[DraftField]:
    said = f"split from '{profile.name}' ({form})"
    return [
        DraftField("last_name", profile.name, pattern=last, profile=profile, comment=said),
        DraftField("first_name", profile.name, pattern=first, profile=profile, comment=said),
    ]


def _is_first_last(profile: ColumnProfile, names: set[str]) -> bool:
    """A whole-name column ("Student Name": "Mia Alvarez"), when the sheet has no first/last name columns."""
    if profile.kind is not TEXT or profile.whole_names < 0.8 or profile.name_order or has_hint(profile.name, ADULTS):
        return False
    return field_name(profile.name) == "full_name" or (
        has_hint(profile.name, NAME_HINTS) and not ({"first_name", "last_name"} & names)
    )


ADULTS = ("parent", "guardian", "mother", "father", "teacher", "manager", "provider", "therapist", "contact", "doctor")
FIRST_OF_TWO = r"^\s*(\S+(?=\s+\S+\s*$)|.+?)\s*$"  # the first of two words; a longer name whole
LAST_OF_TWO = r"^\s*\S+\s+(\S+)\s*$"  # the second of two words; blank for a longer name


def _first_last(profile: ColumnProfile, taken: set[str]) -> list[DraftField]:
    """The whole name as the sheet shows it, plus first and last name split where that is certain: a
    name of two words. "Mary Kate O'Neil" or "José de la Cruz" cannot be split safely, so such a name
    is kept whole as the first name and the last name is left blank (the comment says how many)."""
    whole = DraftField(
        _unique("full_name", taken),
        profile.name,
        profile=profile,
        comment=f"the whole name as the sheet shows it ('{profile.name}', First Last)",
    )
    longer = (
        f"; {profile.long_names} name(s) of three or more words are kept whole as the first name, last name "
        "blank (compound names cannot be split safely)"
        if profile.long_names
        else ""
    )
    said = f"split from '{profile.name}' (First Last){longer}"
    taken |= {"first_name", "last_name"}
    return [
        whole,
        DraftField("first_name", profile.name, pattern=FIRST_OF_TWO, profile=profile, comment=said),
        DraftField("last_name", profile.name, pattern=LAST_OF_TWO, profile=profile, comment=said),
    ]


def names_shown(fields: list[DraftField]) -> tuple[str, str]:
    """How messages and folders name a student: the whole name as the sheet has it, else first and last
    name, else the key."""
    whole = next((f for f in fields if f.column and not f.pattern and f.name in ("full_name", "student_name")), None)
    first, last = fields_named(fields, "first_name"), fields_named(fields, "last_name")
    if whole is not None and any(f.pattern == FIRST_OF_TWO and f.column == whole.column for f in fields):
        return f"{{{{ {whole.name} }}}}", f"{{{{ {whole.name} }}}}"
    if first is not None and last is not None and first.column and last.column:
        return f"{{{{ {first.name} }}}} {{{{ {last.name} }}}}", f"{{{{ {last.name} }}}}, {{{{ {first.name} }}}}"
    return "{{ student_key }}", "{{ student_key }}"


def unused_columns(
    fields: list[DraftField], profiles: list[ColumnProfile], wanted: set[str] | None = None
) -> list[str]:
    """Columns with data that reach no plan: no field reads them, or (with a template) only fields the template,
    the key and the computed fields do not use. Listed in the draft and on the terminal, so nothing in the sheet
    is left out of the plans unseen."""
    used = [f for f in fields if wanted is None or _reaches_plan(f, fields, wanted)]
    read = {c for f in used for c in [*f.columns, f.column, *_item_columns(f)] if c}
    return [p.name for p in profiles if p.name not in read and p.filled]


def _item_columns(spec: DraftField) -> list[str]:
    """The columns a records field's items read: ``Goal {n}`` is Goal 1, Goal 2... with ``repeat:``."""
    columns = [column for _, column, _ in spec.item if column]
    if not spec.repeat:
        return columns
    return [column.replace("{n}", n) for column in columns for n in spec.repeat]


def _reaches_plan(spec: DraftField, fields: list[DraftField], wanted: set[str]) -> bool:
    if spec.name in wanted or spec.required:
        return True
    pattern = re.compile(rf"\b{re.escape(spec.name)}\b")
    return any(
        pattern.search(text)
        for f in fields
        if f.name in wanted
        for text in [f.value or "", *(value or "" for _, _, value in f.item)]
    )


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


def match_template(
    fields: list[DraftField], wanted: list[str], looped: set[str], required_items: set[str] | None = None
) -> tuple[int, list[str]]:
    """Rename the fields a template's fields read (best match first); build the rest from other fields
    (a name, a service line, minutes per week, records) or leave them blank."""
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
        source = f"columns {', '.join(spec.columns)}" if spec.columns else f"column '{spec.column}'"
        spec.comment = f"template field '{name}' <- {source}" + (f" ({detail})" if detail else "")
        spec.name = name
        if spec.item:
            _fit_items(spec, [n.split(ITEM + ".", 1)[1] for n in wanted if n.startswith(name + ITEM + ".")])
            continue
        _fit_to_template(spec, name in looped)
    added = derived_fields(fields, [n for n in names if n not in done], wanted, required_items or set())
    blanks = []
    for name in names:
        if name in done or name in added:
            continue
        blanks.append(name)
        fields.append(DraftField(name, value="", comment=f"template field '{name}': no column found, left blank"))
    return len(done), blanks


def derived_fields(fields: list[DraftField], names: list[str], wanted: list[str], required: set[str]) -> set[str]:
    """Template fields no column is named for, made from other fields: a name from first and last name,
    minutes per week from minutes with a stated unit, the service line, records for a loop over items."""
    added = {f.name for f in fields if f.value}  # computed already (minutes per week)
    names_known = {"first_name", "last_name"} <= {f.name for f in fields}
    used: set[str] = set()
    for name in names:
        if name in added:
            continue
        if name in COMPUTED and (names_known or "first_name" not in COMPUTED[name]):
            comment = f"template field '{name}': no column; made from the fields above"
            fields.append(DraftField(name, value=COMPUTED[name], comment=comment))
        elif field_concept(name) == "plan_type" and (kind := plan_kind_from_flags(name, fields)) is not None:
            fields.append(kind)
        elif field_concept(name) in ("service_summary", "services_summary") and (line := service_line(fields)):
            comment = f"template field '{name}': the service columns in one line"
            fields.append(DraftField(name, value=line, comment=comment))
        elif (
            items := sorted(
                {n.split(ITEM + ".", 1)[1].split(".")[0] for n in wanted if n.startswith(name + ITEM + ".")}
            )
        ) and (records := records_field(name, items, _required(name, required), fields, used)) is not None:
            fields.append(records)
        else:
            continue
        added.add(name)
    return added


def _required(name: str, required: set[str]) -> set[str]:
    prefix = name + ITEM + "."
    return {p[len(prefix) :].split(".")[0] for p in required if p.startswith(prefix) and ITEM not in p[len(prefix) :]}


def _fit_items(spec: DraftField, wanted: list[str]) -> None:
    """Item fields named as the template reads them (``Goal {n} Goal Area`` -> ``area``), where alike."""
    for index, (name, column, value) in enumerate(spec.item):
        best = max(wanted, key=lambda w: similarity(w, name, None), default=None)
        if best is not None and best != name and similarity(best, name, None) >= MATCH_CUTOFF:
            if best not in {n for n, _, _ in spec.item}:
                spec.item[index] = (best, column, value)


def _fit_to_template(spec: DraftField, looped: bool) -> None:
    """A list where the template loops, text where it prints: a loop over text would list its letters, and a
    list printed in one place would show Python's brackets."""
    if looped and not spec.type.many and spec.name == "plan_type" and spec.profile and spec.profile.plan_kinds > 0:
        return  # '504' in plan_type reads the text; a list would print as ['504'] where the plan names its kind
    if looped and not spec.type.many:
        spec.type = LIST
        seen = spec.profile.separator_seen if spec.profile else None
        spec.separator = "\n" if spec.profile and spec.profile.multiline else seen or ";"
        spec.comment += "; a list, as the template loops over it" + (
            f" (items split at '{seen}')" if seen and spec.separator == seen else ""
        )
    elif not looped and spec.type is LIST and not spec.columns:  # several columns are a list whatever prints them
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
        named = [
            f
            for f in fields
            if f.profile
            and f.profile.kind is TEXT
            and not f.pattern
            and has_hint(f.column or "", NAME_HINTS)
            and not has_hint(f.column or "", ADULTS)
        ]
        whole = next((f for f in named if field_name(f.column or "") == "full_name"), named[0] if named else None)
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
    draft.fields.sort(key=lambda f: 2 if f.item else 1 if f.value else 0)  # records may use computed fields
