"""Fields a draft builds from other fields: the service line a plan prints, minutes per week, and
records (one item per student row) for a template that loops over items with fields of their own.

A caseload keeps a service as a few columns (``Freq``, ``Mins/Month``, ``Loc``); a template prints it
as one line (``services[].summary``) or one row of a table (``s.location``). The draft writes the
Jinja that joins them, so the plan shows what the sheet holds without a hand-written block. Minutes
are converted to a per-week figure only when the header states the unit (``Mins/Month``,
``Daily Minutes``): a bare ``Mins`` is per session and is never multiplied by a guess.
"""

from __future__ import annotations

from generator.draft.columns import INTEGER, NUMBER, YESNO
from generator.draft.entries import DraftField, fields_named
from generator.mapping.types import RECORDS
from generator.sources.meaning import field_concept, numbered_pattern, words
from generator.template.fields import ITEM as ITEM_PREFIX

PER_WEEK = {  # stated unit -> how a per-week figure is made from it, and what the comment says
    "minutes_per_month": ("(minutes_per_month * 12 / 52)|round|int", "12 months / 52 weeks"),
    "minutes_per_day": ("minutes_per_day * 5", "5 school days a week"),
}
SERVICE_PARTS = (  # field -> how the service line says it
    ("frequency", "{}"),
    ("sessions_per_week", "{}x weekly"),
    ("session_minutes", "{} min per session"),
    ("minutes_per_week", "{} min per week"),
    ("minutes_per_month", "{} min per month"),
    ("minutes_per_day", "{} min per day"),
)
ITEM_CONCEPTS = {  # a loop's item field -> the column concept it reads
    "name": "service",
    "service": "service",
    "type": "service",
    "location": "location",
    "setting": "location",
    "where": "location",
    "provider": "provider",
    "frequency": "frequency",
    "minutes": "session_minutes",
}
SUMMARY_ITEMS = ("summary", "frequency_and_duration", "duration", "service_line", "description")


def per_week(fields: list[DraftField]) -> DraftField | None:
    """``minutes_per_week`` from minutes whose unit the header states, or minutes per session times
    sessions per week (both whole numbers); None when the sheet has it or the unit is not stated."""
    if fields_named(fields, "minutes_per_week") is not None:
        return None
    for name, (expression, basis) in PER_WEEK.items():
        spec = fields_named(fields, name)
        if spec is not None and spec.column is not None:
            spec.type = INTEGER
            return DraftField(
                "minutes_per_week",
                value=f"{{% if {name} %}}{{{{ {expression} }}}}{{% endif %}}",
                comment=f"from '{spec.column}' ({basis}); the overview's minutes per week",
            )
    session, weekly = fields_named(fields, "session_minutes"), fields_named(fields, "sessions_per_week")
    if session and weekly and session.type is INTEGER and weekly.type is INTEGER:
        return DraftField(
            "minutes_per_week",
            value="{% if session_minutes and sessions_per_week %}{{ session_minutes * sessions_per_week }}{% endif %}",
            comment=f"'{session.column}' x '{weekly.column}'; the overview's minutes per week",
        )
    return None


def service_line(fields: list[DraftField]) -> str | None:
    """A Jinja expression joining the service columns the sheet has (blank parts left out), or None."""
    parts = []
    for name, wording in SERVICE_PARTS:
        spec = fields_named(fields, name)
        if spec is None or spec.column is None:  # what the sheet says, not a figure plangen worked out
            continue
        if spec.type not in (INTEGER, NUMBER):  # "30 min/week" in the cell says its own unit: printed as it is
            wording = "{}"
        said = wording.format("' ~ " + name + " ~ '").strip()
        said = ("'" + said + "'").replace("'' ~ ", "").replace(" ~ ''", "")
        parts.append(f"({said}) if {name} else ''")
    if not parts:
        return None
    return "{{ [" + ", ".join(parts) + "]|select|join(', ') }}"


def records_field(
    name: str, items: list[str], required: set[str], fields: list[DraftField], used: set[str]
) -> DraftField | None:
    """A records field (one item per student row) whose item fields read the columns that mean them; the
    item fields the template reads with no fallback and no column are blanks to fill in. None when no
    column means any of them."""
    lines: list[tuple[str, str | None, str | None]] = []  # item field, its column or its value
    read: list[str] = []
    for item in items:
        concept = ITEM_CONCEPTS.get(item, field_concept(item))
        source = next(
            (f for f in fields if f.column and not f.pattern and not f.columns and field_concept(f.name) == concept),
            None,
        )
        if source is not None and concept not in ("full_name", "first_name", "last_name", "student_id"):
            lines.append((item, source.column, None))
            read.append(f"{item} <- '{source.column}'")
            used.add(source.column or "")
        elif item in SUMMARY_ITEMS and (line := service_line(fields)) is not None:
            lines.append((item, None, line))
            read.append(f"{item} <- the service columns")
    if not lines:
        return None
    blank = sorted(set(required) - {item for item, _, _ in lines})
    lines += [(item, None, "") for item in blank]
    comment = f"template field '{name}': one item per student row; " + ", ".join(read)
    if blank:
        comment += f"; blank to fill in: {', '.join(blank)}"
    return DraftField(name, type=RECORDS, item=lines, comment=comment)


PLAN_FLAGS = (("504", "504"), ("iep", "IEP"))  # a word in a yes/no column's header -> the kind of plan it marks


def plan_kind_from_flags(name: str, fields: list[DraftField]) -> DraftField | None:
    """The plan type from yes/no columns that mark one kind of plan (``504 Plan?`` Y/N, ``IEP`` as a
    checkbox): that kind where the cell says yes, blank elsewhere (a 'no' to 504 is not said to be an IEP).
    None when the sheet has no such column."""
    parts, read = [], []
    for word, kind in PLAN_FLAGS:
        flag = next(
            (f for f in fields if f.type is YESNO and f.column and word in words(f.column).split()),
            None,
        )
        if flag is not None:
            parts.append(f"'{kind}' if {flag.name}")
            read.append(f"'{flag.column}'")
    if not parts:
        return None
    value = "{{ " + " else ".join(parts) + " else '' }}"
    comment = f"template field '{name}': the kind of plan, from yes/no column {' and '.join(read)}; blank where no"
    return DraftField(name, value=value, comment=comment)


TEXT_ITEMS = ("text", "goal", "description", "name", "item")  # the item field that says the item itself


def records_from_column(spec: DraftField, items: list[str], required: set[str]) -> bool:
    """A column (or numbered columns) read as plain texts, remade as records for a template that reads
    fields of each item (``g.text``, ``s.summary``): True when it could be, False to leave it blank."""
    return _service_records(spec, items, required) or _numbered_records(spec, items, required)


def _blank_items(spec: DraftField, required: set[str], done: set[str]) -> list[tuple[str, str | None, str | None]]:
    """The item fields the template reads with no fallback that no column fills: blanks to fill in."""
    prefix = spec.name + ITEM_PREFIX + "."
    needed = {r[len(prefix) :].split(".")[0] for r in required if r.startswith(prefix)}
    return [(item, None, "") for item in sorted(needed - done)]


def _service_records(spec: DraftField, items: list[str], required: set[str]) -> bool:
    """A column whose cells say how long and how often (``30 min/wk direct, 15 min/mo consult``) as the
    summary of one service item per student row, when the template's items have a summary field."""
    summary = next((item for item in SUMMARY_ITEMS if item in items), None)
    if summary is None or spec.profile is None or spec.profile.amounts < 0.5 or spec.column is None or spec.columns:
        return False
    said = f"one item per student row; {summary} <- '{spec.column}'"
    _become_records(spec, [(summary, spec.column, None)], required, said)
    return True


def _numbered_records(spec: DraftField, items: list[str], required: set[str]) -> bool:
    """``Goal 1``, ``Goal 2``, ``Goal 3`` as one item per filled column (``repeat:``), its text read from
    ``Goal {n}`` and its number the column's, when every column's header differs only by that number."""
    text = next((item for item in TEXT_ITEMS if item in items), None)
    found = [numbered_pattern(column) for column in spec.columns]
    patterns = {f[2] for f in found if f is not None}
    if text is None or len(spec.columns) < 2 or None in found or len(patterns) != 1:
        return False
    (pattern,) = patterns
    numbers = [f[1] for f in found if f is not None]
    lines: list[tuple[str, str | None, str | None]] = [(text, pattern, None)]
    if "number" in items:
        lines.append(("number", None, "{{ n }}"))
    said = f"one item per filled column; {text} <- '{pattern}' for n in {', '.join(numbers)}"
    _become_records(spec, lines, required, said)
    spec.repeat = numbers
    return True


def _become_records(
    spec: DraftField, lines: list[tuple[str, str | None, str | None]], required: set[str], said: str
) -> None:
    blank = _blank_items(spec, required, {item for item, _, _ in lines})
    spec.item = lines + blank
    spec.type, spec.separator, spec.pattern, spec.column, spec.columns = RECORDS, None, None, None, []
    spec.comment = f"template field '{spec.name}': {said}"
    if blank:
        spec.comment += f"; blank to fill in: {', '.join(item for item, _, _ in blank)}"
