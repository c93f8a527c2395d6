"""``plangen init SOURCE [--template T] [-o MAPPING]``: read, decide, write, prove the draft loads.

The draft is loaded back with the real mapping loader before it is kept, so a draft that would
not run is a plangen bug found here, never a puzzle for the therapist. An existing file is never
replaced: a mapping may hold hours of the therapist's own work.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.draft.columns import LIST, TEXT, profile_columns
from generator.draft.derived import records_from_column
from generator.draft.plan import Draft, plan_draft, unused_columns
from generator.draft.write import draft_text
from generator.errors import ConfigError, PlangenError
from generator.google.auth.ids import google_ref
from generator.locations import Locations
from generator.mapping.load import BUILTIN_NAMES, load_mapping
from generator.roster.school_year import school_year
from generator.sources.student_sheet import SheetChoice, choose_student_sheet
from generator.template.fields import ITEM, looped_fields, required_item_fields, template_fields
from generator.template.loader import PlanTemplate


@dataclass
class InitResult:
    path: Path
    draft: Draft
    columns: int
    source_label: str
    template_given: bool
    sheet_choice: SheetChoice | None = None  # how the students' sheet was chosen (no --sheet given)

    def next_commands(self) -> list[str]:
        """What to run next, quoted so a pasted line works whatever the folder and file names hold."""
        mapping = shlex.quote(str(self.path))
        extra = "" if self.template_given else " -t YOUR-TEMPLATE.docx"
        return [f"plangen check -m {mapping}{extra}", f"plangen generate -m {mapping}{extra}"]


def init_mapping(
    source: str | Path,
    output: Path,
    *,
    template: str | Path | None = None,
    sheet: str | None = None,
    today: dt.date | None = None,
    locations: Locations | None = None,
) -> InitResult:
    """Write a draft mapping for ``source`` to ``output``; refuse if ``output`` exists."""
    output = Path(output)
    if output.exists():
        raise ConfigError(
            f"{output} already exists; plangen init never overwrites a mapping. Choose another name "
            "with -o, or move the old file away first."
        )
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError(f"{output}: a mapping file ends in .yaml; choose a name like my-caseload.yaml.")
    locations = locations or Locations()
    choice = choose_student_sheet(Path(source)) if sheet is None and google_ref(source, "Google") is None else None
    table = locations.read_source(source, choice.title if choice else sheet)
    wanted, looped, required = None, None, None
    title = "Plan"
    if template is not None:
        plan_template = locations.open_template(template, None)
        wanted, looped = template_fields(plan_template), looped_fields(plan_template)
        required = required_item_fields(plan_template)
        title = document_title(plan_template.name)
    today = today or dt.date.today()
    profiles = profile_columns(table, today)
    draft = plan_draft(table, profiles, wanted, title, today, looped, required)
    if choice is not None:
        draft.notes += choice.lines()
    if template is not None and wanted is not None:
        probe_lists(plan_template, draft, wanted, today, required or set())
        draft.unused = unused_columns(draft.fields, profiles, draft.reaching(wanted))
    folder = output.resolve().parent
    text = draft_text(
        draft,
        source=relative(source, folder),
        sheet=table.sheet,
        template=relative(template, folder) if template is not None else None,
        header_row=table.header_row,
        source_label=table.label,
    )
    _write_checked(output, text)
    return InitResult(output, draft, len(table.columns), table.label, template is not None, choice)


def probe_lists(
    plan_template: PlanTemplate, draft: Draft, wanted: list[str], today: dt.date, required: set[str]
) -> None:
    """A column read as a list of texts cannot feed a loop that reads fields of each item (``s.name``)
    unless the template gives defaults (``g.text|default(g)``): render once with a one-item list to see.
    When the template cannot take it, a column of service lines (``30 min/wk direct``) becomes the items'
    summary, one item per student row; any other is left blank (a records field to map by hand)."""
    itemized = {name.split(ITEM)[0] for name in wanted if ITEM + "." in name}
    base: dict[str, Any] = {name: "" for name in BUILTIN_NAMES}
    base.update({spec.name: spec.type.empty() if spec.type.many else "" for spec in draft.fields})
    base.update(today=today, school_year=school_year(today), period=1, hints=True)
    try:
        plan_template.render(base)
    except PlangenError:
        return  # the template needs more than blanks to render at all: nothing to learn from a probe
    for spec in draft.fields:
        if spec.column is None or spec.type is not LIST or spec.name not in itemized:
            continue
        try:
            plan_template.render({**base, spec.name: ["item"]})
        except PlangenError:
            items = sorted(n for n in wanted if n.startswith(spec.name + ITEM + "."))
            if records_from_column(spec, [n.split(ITEM + ".", 1)[1].split(".")[0] for n in items], required):
                continue
            spec.comment = (
                f"template field '{spec.name}' reads fields of each item ({', '.join(items)}): left "
                f"blank; map it as a records field (docs/mappings.md), e.g. from column '{spec.column}'"
            )
            spec.column, spec.type, spec.separator, spec.value, spec.pattern = None, TEXT, None, "", None
            spec.columns = []
            spec.required = False
            draft.matched -= 1
            draft.blanks.append(spec.name)


def relative(location: str | Path, folder: Path) -> str:
    """A local path as seen from the mapping's folder (how mappings name files); links unchanged."""
    if google_ref(location, "Google") is not None:
        return str(location)
    return Path(os.path.relpath(Path(location).resolve(), folder)).as_posix()


def document_title(name: str) -> str:
    """``ot-treatment-plan.docx`` -> ``OT Treatment Plan``: the start of each plan's file name."""
    words = re.split(r"[-_ ]+", Path(name).stem)
    small = {"ot", "pt", "slp", "iep", "ifsp", "bip", "fba"}
    return " ".join(w.upper() if w.casefold() in small else w[:1].upper() + w[1:] for w in words if w) or "Plan"


def _write_checked(output: Path, text: str) -> None:
    """Load the draft from a temporary file beside ``output`` (same relative paths), then create ``output``."""
    folder = output.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".plangen-init-", suffix=".yaml", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        load_mapping(tmp)  # a draft that does not load is a bug here, not the therapist's to fix
        try:
            with open(output, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            raise ConfigError(f"{output} already exists; plangen init never overwrites a mapping.") from None
    finally:
        os.unlink(tmp)
