"""The draft mapping as YAML text, every choice commented, no cell value anywhere in it."""

from __future__ import annotations

import json
import re

from generator.draft.plan import Draft, DraftField
from generator.mapping.load import DEFAULT_OUT
from generator.mapping.types import TEXT

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./()#&-]*[A-Za-z0-9_.)#]|[A-Za-z_]")
_YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null", "~"}


def scalar(text: str) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted (JSON's quoting is YAML's)."""
    if _PLAIN.fullmatch(text) and text.casefold() not in _YAML_WORDS and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def one_line(text: str) -> str:
    """A comment stays on its line: a line break or tab in it (a separator, a header typed on two lines)
    would end the comment and leave the rest as YAML that does not load."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", lambda m: json.dumps(m.group())[1:-1], text)


def field_lines(spec: DraftField) -> list[str]:
    """One line per field; a records field as a block with its item fields under ``item:``."""
    if not spec.item:
        return [field_line(spec)]
    lines = [f"  {spec.name}:{'':<{57 - len(spec.name)}}  # {one_line(spec.comment)}", "    type: records"]
    if spec.repeat:
        lines.append(f"    repeat: [{', '.join(spec.repeat)}]")
    lines.append("    item:")
    for name, column, value in spec.item:
        body = scalar(column) if column is not None else "{value: " + json.dumps(value or "", ensure_ascii=False) + "}"
        lines.append(f"      {name}: {body}")
    return lines


def field_line(spec: DraftField) -> str:
    if spec.value is not None:
        body = "{value: " + json.dumps(spec.value, ensure_ascii=False) + "}"
    else:
        parts = [f"column: {scalar(spec.column or '')}"]
        if spec.columns:
            parts = ["columns: [" + ", ".join(scalar(c) for c in spec.columns) + "]"]
        if spec.type is not TEXT:
            parts.append(f"type: {spec.type.name}")
        if spec.separator not in (None, ";"):
            parts.append(f"separator: {json.dumps(spec.separator)}")
        if spec.pattern:
            parts.append(f"pattern: {json.dumps(spec.pattern)}")
        if spec.required:
            parts.append("required: true")
        body = "{" + ", ".join(parts) + "}"
    line = f"  {spec.name}: {body}"
    return f"{line:<60}  # {one_line(spec.comment)}" if spec.comment else line


def draft_text(
    draft: Draft, *, source: str, sheet: str | None, template: str | None, header_row: int, source_label: str
) -> str:
    """The whole mapping file."""
    key = draft.key[0] if len(draft.key) == 1 else "[" + ", ".join(draft.key) + "]"
    key_note = (
        "no ID column: these fields together tell students apart"
        if len(draft.key) > 1
        else "the field that tells students apart"
    )
    lines = [
        f"# Draft mapping written by `plangen init` from {one_line(source_label)} (headers in row {header_row}).",
        "# Each entry under `fields:` is a name the Word template uses, e.g. {{ first_name }}, and the column it",
        "# reads. Check the guesses marked in the comments, then run `plangen check` and `plangen generate`.",
        "# Paths are relative to this file.",
        *(f"# Note: {one_line(note)}" for note in draft.notes),
        f"source: {scalar(source)}",
    ]
    if sheet is not None:
        lines.append(f"sheet: {scalar(sheet)}")
    lines.append(
        f"template: {scalar(template)}"
        if template
        else "# template: my-plan.docx                       # set this, or pass --template to generate"
    )
    lines += [
        "",
        f"key: {key:<40}  # {key_note}",
        f"rows_per_student: {draft.rows_per_student:<27}  # "
        + (
            "one row per student in this sheet"
            if draft.rows_per_student == "one"
            else "students have several rows here (e.g. one per service); their lists are merged"
        ),
        f"display_name: {json.dumps(draft.display_name):<31}  # how messages and the manifest name a student",
    ]
    if draft.review_date:
        lines.append(f"review_date: {draft.review_date:<32}  # the next review date; used by --due-within")
    lines += [
        'date_format: "%m/%d/%Y"',
        f"# out: {DEFAULT_OUT}                                   # where plans go (default: plans/ next to this file)",
        "",
        "output:",
        f"  folder: {json.dumps(draft.folder)}",
        f"  filename: {json.dumps(draft.filename)}",
        "",
        "fields:",
    ]
    lines += [line for spec in draft.fields for line in field_lines(spec)]
    lines += leftovers(draft)
    return "\n".join(lines) + "\n"


def leftovers(draft: Draft) -> list[str]:
    """What the draft leaves out, said at its end: columns no field reads, template fields left blank."""
    lines = []
    if draft.unused:
        lines += ["", "# Columns no field reads (add a field for any the plans should show):"]
        lines += [f"#   {one_line(name)}" for name in draft.unused]
    if draft.blanks:
        lines += [
            "",
            "# Template fields left blank (no column found; give each a column above, or leave it to fill in):",
        ]
        lines += [f"#   {one_line(name)}" for name in draft.blanks]
    return lines
