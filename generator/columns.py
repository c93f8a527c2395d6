"""``plangen columns``: what a caseload holds, read the way a run would read it, never a cell value.

A therapist writing a mapping by hand needs the sheet names, the row the headers are on and what
each column reads as (dates, numbers, yes/no, lists) before a single field is named. The same
readers and header finding as a run are used, so what this shows is what ``generate`` will see.
"""

from __future__ import annotations

from pathlib import Path

from generator.locations import Locations
from generator.mapping.layout import Layout
from generator.sources.excel import workbook_sheets
from generator.sources.profile import describe_table, profile_table
from generator.sources.student_sheet import choose_student_sheet


def describe_columns(
    location: Path | str,
    sheet: str | None = None,
    header_row: int | None = None,
    locations: Locations | None = None,
) -> list[str]:
    """The lines ``plangen columns`` prints for a local file or a Google Sheet: its sheets (a local
    workbook's, hidden ones marked), where the header row is, and one line per column (kinds and
    counts only); without ``sheet``, a workbook's sheet that holds the students, and why."""
    sheets = workbook_sheets(location) if isinstance(location, Path) else []
    choice = choose_student_sheet(location, header_row) if sheet is None and isinstance(location, Path) else None
    chosen = choice.title if choice is not None else sheet
    table = (locations or Locations()).read_source(location, chosen, Layout(header_row=header_row))
    lines = describe_table(table, profile_table(table), [(s.title, s.hidden) for s in sheets])
    return lines + (choice.lines() if choice is not None else [])
