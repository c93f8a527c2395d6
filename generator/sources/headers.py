"""Where a sheet's table is: the header row below any title rows, and the rows below the data that are no students.

Sheets kept by hand carry a title ("OT Caseload 2026-27"), a line of who and when, a blank row,
then the headers; and below the students a "Total: 14 students" line or a note. Reading the title as
headers loses every column; reading the total as a student makes a plan for "Total: 14". The header
is the first row about as wide as the table (title rows fill a cell or two); a first row that holds
dates, numbers or long text is data, and a file without headers is refused rather than guessed.
``header_row: N`` in the mapping overrides the search.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from generator.errors import SourceError
from generator.sources.cells import column_letter, date_orders, is_blank, normalize_header, to_date

SCAN_ROWS = 30  # title rows sit at the top: the header is looked for among the first rows only
LONG_TEXT = 100  # no header is this long; a note or goal is
_NUMBER = re.compile(r"[-+]?[$€£]?\s*(\d[\d.,' ]*)%?")
_TRAILER = re.compile(
    r"(grand\s+|sub)?totals?\b|(count|sum|average|avg|mean)\b|notes?\b|[*†‡]|(source|generated|printed|"
    r"exported|prepared|updated|last\s+updated|as\s+of|report\s+(generated|run)|end\s+of\s+report|page\s+\d)\b",
    re.IGNORECASE,
)

# Headings over a block of rows that are no current students: discharged, exited, moved, on a wait list...
_BLOCK_HEADING = re.compile(
    r"\b(discharged|dismissed|exit(ed|s)?|inactive|former|withdr(awn|ew)|moved|transferred|graduated|closed|"
    r"archived?|wait[\s-]*list(ed)?|waiting\s+list|pending|referrals?|no\s+longer|(not|off)\s+(on\s+)?caseload|"
    r"removed|past\s+students|previous\s+students|left\s+(the\s+)?(school|district|caseload))\b",
    re.IGNORECASE,
)

Numbered = list[tuple[int, list[Any]]]


@dataclass
class Layout:
    """Row numbers (as Excel shows them) of the header, the rows above it, and the rows below the data."""

    header_row: int
    header: list[Any]
    data: Numbered
    title_rows: list[int] = field(default_factory=list)
    trailer_rows: list[int] = field(default_factory=list)


def filled(values: list[Any]) -> int:
    return sum(not is_blank(v) for v in values)


def looks_like_data(value: Any) -> bool:
    """A cell no header would hold: a number, a date, a TRUE/FALSE, or long text."""
    if is_blank(value):
        return False
    if not isinstance(value, str):
        return True  # numbers, dates, booleans, times
    text = " ".join(value.split())
    if len(text) > LONG_TEXT or _NUMBER.fullmatch(text):
        return True
    if re.search(r"\d", text) and re.fullmatch(r"[\w ,./:-]+", text):
        try:
            return (to_date(text) if date_orders(text) != "day" else to_date(text, day_first=True)) is not None
        except ValueError:
            return False
    return False


def locate(rows: Numbered, label: str, header_row: int | None = None, spreadsheet: bool = True) -> Layout:
    """Split a sheet's rows into title rows, the header row, data rows and trailing non-student rows."""
    non_blank = [(n, values) for n, values in rows if any(not is_blank(v) for v in values)]
    if not non_blank:
        raise SourceError(f"{label}: is empty. Put the column headers in the first row.")
    index = _forced(non_blank, rows, label, header_row) if header_row else _found(non_blank, label, spreadsheet)
    header_number, header = non_blank[index]
    data, repeated = _without_repeated_headers(header, non_blank[index + 1 :])
    trailers = _trailers(data)
    kept = data[: len(data) - len(trailers)]
    kept, block = _block_below(kept)
    left_out = sorted([n for n, _ in trailers] + [n for n, _ in block] + repeated)
    return Layout(header_number, header, kept, [n for n, _ in non_blank[:index]], left_out)


def _forced(non_blank: Numbered, rows: Numbered, label: str, header_row: int) -> int:
    for index, (number, _values) in enumerate(non_blank):
        if number == header_row:
            return index
    last = rows[-1][0] if rows else 0
    where = "is blank" if header_row <= last else f"is below the last row ({last})"
    raise SourceError(
        f"{label}: header_row {header_row} {where}. Set `header_row:` in the mapping to the row "
        "holding the column names, or remove it to let plangen find the header row."
    )


def _found(non_blank: Numbered, label: str, spreadsheet: bool) -> int:
    """The first row at least half as wide as the widest of the first rows; rows above it are titles."""
    scanned = non_blank[:SCAN_ROWS]
    widest = max(filled(values) for _, values in scanned)
    needed = max(2, (widest + 1) // 2) if widest > 1 else 1
    index = next(i for i, (_, values) in enumerate(scanned) if filled(values) >= needed)
    number, values = non_blank[index]
    data_like = [i for i, v in enumerate(values) if looks_like_data(v)]
    if data_like:
        cells = (
            f"cell(s) {', '.join(f'{column_letter(i)}{number}' for i in data_like[:5])}"
            if spreadsheet
            else f"column(s) {', '.join(str(i + 1) for i in data_like[:5])}"
        )
        what = "row" if spreadsheet else "line"
        which = f"the first {what} ({what} {number})" if index == 0 else f"{what} {number} (below the title rows)"
        raise SourceError(
            f"{label}: {which} looks like data, not column headers: {cells} hold a date, a number or long text. "
            "Put a row with the column names above the data, or set `header_row:` in the mapping to the row that "
            "holds them."
        )
    if index + 1 < len(non_blank) and _repeats(values) and _reads_as_headers(non_blank[index + 1][1], needed):
        return index + 1  # a row of group labels ("Student", "Student", "Services", ...) above the real headers
    return index


def _repeats(values: list[Any]) -> bool:
    texts = [normalize_header(v) for v in values if not is_blank(v)]
    return len(set(texts)) < len(texts)


def _reads_as_headers(values: list[Any], needed: int) -> bool:
    """As wide as a header, every cell short text, all different: column names, not a student."""
    cells = [v for v in values if not is_blank(v)]
    return (
        len(cells) >= needed
        and not _repeats(values)
        and not any(looks_like_data(v) for v in cells)
        and all(len(str(v)) <= 60 for v in cells)
    )


def _trailers(data: Numbered) -> Numbered:
    """The rows at the bottom that are no student: a total or note line, or a sparse block after a blank row."""
    if len(data) < 2:
        return []
    typical = statistics.median(filled(values) for _, values in data[-200:])  # the rows near the bottom
    sparse_limit = max(2, int(typical // 5))
    block = len(data)
    while block > 0 and (_is_total_or_note(data[block - 1][1], typical) or filled(data[block - 1][1]) <= sparse_limit):
        block -= 1
    if block == 0:
        return []  # every row is sparse: a narrow sheet, not a footer
    for start in range(block, len(data)):
        number, values = data[start]
        after_gap = number - data[start - 1][0] > 1
        if _is_total_or_note(values, typical) or after_gap:
            return data[start:]
    return []


def _without_repeated_headers(header: list[Any], data: Numbered) -> tuple[Numbered, list[int]]:
    """The data without rows that repeat the header (a report printed page by page, a pasted second
    table, even with some headers left off), and those rows' numbers."""
    names = {i: normalize_header(v) for i, v in enumerate(header) if not is_blank(v)}
    kept, repeated = [], []
    for number, values in data:
        same = sum(1 for i, name in names.items() if i < len(values) and normalize_header(values[i]) == name)
        # at least two header names (one in a one-column table) in their columns, and little else on the row
        if same >= min(2, len(names)) and same >= 0.8 * filled(values):
            repeated.append(number)
        else:
            kept.append((number, values))
    return kept, repeated


def _block_below(data: Numbered) -> tuple[Numbered, Numbered]:
    """A block of rows under a heading that says they are no (current) students, such as "Discharged"
    after a blank row: the heading and everything below it."""
    for index in range(1, len(data)):
        number, values = data[index]
        if _is_block_heading(values, after_gap=number - data[index - 1][0] > 1):
            return data[:index], data[index:]
    return data, []


def _is_block_heading(values: list[Any], after_gap: bool) -> bool:
    """One short text saying so ("Discharged", "Exited / moved"); two after a blank row ("Discharged", "2025-26")."""
    cells = [v for v in values if not is_blank(v)]
    if len(cells) > (2 if after_gap else 1) or not isinstance(cells[0], str) or len(cells[0].strip()) > 60:
        return False
    return bool(_BLOCK_HEADING.search(cells[0])) and all(isinstance(v, str) and len(v) <= 60 for v in cells)


def _is_total_or_note(values: list[Any], typical: float) -> bool:
    first = next((v for v in values if not is_blank(v)), None)
    if not isinstance(first, str) or filled(values) > max(3, typical / 2):
        return False
    return bool(_TRAILER.match(first.strip()))
