"""Which sheet of a therapist's workbook holds the students, for ``plangen init`` and ``plangen columns``.

A hand-kept workbook often opens with an "Instructions" or "Key" tab and keeps discharged students
on a sheet of their own; reading the first sheet drafts a mapping that makes "students" of
instruction lines. The sheet open when the workbook was last saved is the one the therapist works
in, so it is chosen when it looks like a list of students; otherwise the sheet with the most
student-like rows (rows that fill a name or ID column). A sheet named like instructions or notes
is never chosen by itself. Only sheet names and row counts are reported, never a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PlangenError
from generator.sources.cells import is_blank
from generator.sources.tables import EXCEL_SUFFIXES, Table, read_table

NOT_STUDENTS = re.compile(
    r"\b(instructions?|read ?me|notes?|help|how ?to|directions|legend|key|codes?|about|lists?|lookups?|"
    r"settings|dropdowns?|template|example|sample|totals?|summary|chart|dashboard)\b",
    re.IGNORECASE,
)
PAST_STUDENTS = re.compile(r"\b(discharged?|exited|archived?|former|old|graduated|inactive|moved)\b", re.IGNORECASE)
STUDENT_HEADERS = re.compile(
    r"\b(names?|student|child|pupil|client|first|last|surname|id|ssid|dob|birth)\b", re.IGNORECASE
)


@dataclass
class SheetChoice:
    """The chosen sheet, why, and what the other sheets were (names and counts only)."""

    title: str
    reason: str
    others: list[str] = field(default_factory=list)  # "'Instructions' (instructions, not students)"

    def lines(self) -> list[str]:
        said = [f"Reading sheet {self.title!r}: {self.reason}."]
        if self.others:
            said.append("Other sheets: " + "; ".join(self.others) + ". Choose one with --sheet NAME.")
        return said


def student_rows(table: Table) -> int:
    """Rows that fill a column headed like a name or ID: how many students a sheet seems to list."""
    columns = [c for c in table.columns if STUDENT_HEADERS.search(c.name.replace("_", " "))]
    if not columns:
        return 0
    return sum(1 for row in table.rows if any(not is_blank(row.get(c)) for c in columns))


def choose_student_sheet(path: Path, header_row: int | None = None) -> SheetChoice | None:
    """The sheet holding the students of a workbook with several visible sheets; None for a CSV, a
    one-sheet workbook, or a file that cannot be read (the normal reader then says why)."""
    from generator.sources.excel import active_sheet, list_sheets

    if path.suffix.lower() not in EXCEL_SUFFIXES or not path.is_file():
        return None
    try:
        visible = [s.title for s in list_sheets(path) if not s.hidden]
        active = active_sheet(path)
    except PlangenError:
        return None
    if len(visible) < 2:
        return None
    counts: dict[str, int] = {}
    for title in visible:
        try:
            counts[title] = student_rows(read_table(path, title, header_row=header_row))
        except PlangenError:
            counts[title] = 0
    candidates = [t for t in visible if counts[t] and not NOT_STUDENTS.search(t)]
    if active in candidates:
        chosen, reason = active, f"the sheet open when the workbook was saved, {counts[active]} student row(s)"
    elif candidates:
        current = [t for t in candidates if not PAST_STUDENTS.search(t)] or candidates
        chosen = max(current, key=lambda t: counts[t])
        reason = f"the sheet with the most student rows ({counts[chosen]})"
    else:
        return None
    others = [f"{t!r} ({_what(t, counts[t])})" for t in visible if t != chosen]
    return SheetChoice(chosen, reason, others)


def _what(title: str, rows: int) -> str:
    if NOT_STUDENTS.search(title):
        return "instructions, notes or lists, not students"
    if not rows:
        return "no student rows"
    return f"{rows} student row(s)" + (", named as past students" if PAST_STUDENTS.search(title) else "")
