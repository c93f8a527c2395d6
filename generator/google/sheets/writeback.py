"""``--write-back``: each student's plan link, status and time, filled into their row of the Google Sheet.

Autocrat users expect the caseload itself to show where each plan is. A caseload sheet is shared
and edited by people while plangen runs, so writing into it follows a few rules:

* Only the three plan cells of each student's row are written (plus the headers of columns plangen
  adds), in one ``values.batchUpdate`` with a range per cell, so nothing typed by a person is touched.
  Input is ``USER_ENTERED`` so that ``Plan Updated`` becomes a real date-time the Sheet sorts and
  filters; every other value is sent with Sheets' text prefix (a leading ``'``, not stored), so no
  value is ever read as a formula, a number or a date.
* Rows are found by key in the sheet as it is when the run ends (one read), not where they were when
  it started: someone may have sorted or inserted rows meanwhile. Nothing is inserted or moved.
* Missing columns are added after the last column anyone used, so no one's cell is overwritten; the
  grid is widened first when it has no room (Sheets refuses writes beyond it). Widening is not
  idempotent, so it is never blindly retried: after a failure the grid's size is read again, and
  only what is still missing is added.
* With several rows per student (IEP exports), the student's first row gets the cells.

A local workbook is never changed: the run's manifest is its record.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import ConfigError, GoogleApiError, PlangenError, WriteBackError
from generator.google.sheets.inputs import GoogleInputs, SheetOrigin, SheetTable
from generator.output.report import CREATED, FAILED, REPLACED, UPDATED, Outcome, Report
from generator.sources.cells import is_blank, to_text
from generator.sources.tables import column_letter
from generator.template.autocrat import header_key

if TYPE_CHECKING:
    from generator.mapping.load import Mapping
    from generator.sources.tables import Table

PLAN_COLUMNS = ("Plan Link", "Plan Status", "Plan Updated")
TIME_TYPED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")  # as _short_time writes it: Sheets reads a date-time
RATE_LIMITS = ("rateLimitExceeded", "userRateLimitExceeded")
RETRY_BASE_DELAY = 1.0
_WRITTEN = (CREATED, UPDATED, REPLACED)  # statuses that mean the plan was (re)written now
MAX_STATUS = 300


@dataclass
class Target:
    """A roster source read from a Google Sheet, and the header of its key column."""

    table: SheetTable
    key_header: str

    @property
    def origin(self) -> SheetOrigin:
        assert self.table.origin is not None
        return self.table.origin


def write_back_targets(mapping: Mapping, tables: dict[str, Table], out_dir: Path) -> list[Target]:
    """The Google Sheets to fill in; a local caseload is refused before anything is written."""
    targets, local = [], []
    for name in mapping.roster:
        table = tables[name]
        if len(mapping.sources[name].key_columns) > 1:
            raise ConfigError(
                f"--write-back finds each student's row by one key column, but {mapping.path.name} "
                "uses a composite key (several columns). Add a student ID column to the sheet and "
                "use it as the key, or drop --write-back."
            )
        if isinstance(table, SheetTable) and table.origin is not None:
            targets.append(Target(table, mapping.sources[name].key_column or ""))
        else:
            local.append(table.label)
    if not targets:
        raise ConfigError(
            f"--write-back fills in plan links in a Google Sheet, but the caseload {local[0]} is a file on this "
            f"computer, which plangen never changes: the run's record is the manifest "
            f"({out_dir / 'manifest.csv'}). Drop --write-back, or give the caseload's Google Sheet link as --source."
        )
    return targets


def write_back(targets: list[Target], report: Report, inputs: GoogleInputs) -> None:
    """Fill in every target; a failure is reported (exit 1) without hiding the plans that were written."""
    outcomes = [o for o in report.outcomes if o.key]
    found: set[str] = set()
    for target in targets:
        label = f"{target.origin.label}, sheet {target.origin.tab!r}"
        if report.dry_run:
            report.notes.append(f"Dry run: nothing written to {label}.")
            continue
        try:
            written = _write_target(target, outcomes, inputs)
        except PlangenError as exc:
            report.errors.append(
                f"Could not write the plan links to {label}: {exc} The plans themselves were "
                "written; the manifest lists them."
            )
            found.update(o.key for o in outcomes)  # not "missing": the whole sheet failed, said once above
            continue
        found.update(written)
        report.notes.append(f"Plan links written to {label}: {len(written)} row(s).")
    for outcome in outcomes:
        if outcome.key not in found:
            report.warnings.append(
                f"{outcome.display_name}: no row with key {outcome.key!r} in the Google Sheet "
                "any more, so its plan link was not written."
            )


# --------------------------------------------------------------------------------------------
# One sheet
# --------------------------------------------------------------------------------------------


@dataclass
class SheetLayout:
    """Where things are in the sheet now: header row, the plan columns, each key's first row (0-based)."""

    header_row: int
    plan_columns: list[int]
    new_columns: list[tuple[str, int]]
    rows: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, grid: list[list[Any]], key_header: str, label: str, header_row: int | None = None) -> SheetLayout:
        """``header_row`` (0-based): where the run found the header, below any title rows."""
        if header_row is None or header_row >= len(grid) or all(is_blank(v) for v in grid[header_row]):
            header_row = next((i for i, row in enumerate(grid) if any(not is_blank(v) for v in row)), None)
        if header_row is None:
            raise WriteBackError(f"{label} is empty now.")
        headers: dict[str, int] = {}
        for index, value in enumerate(grid[header_row]):
            if not is_blank(value):
                headers.setdefault(header_key(str(value)), index)
        key_column = headers.get(header_key(key_header))
        if key_column is None:
            raise WriteBackError(f"{label} no longer has the key column {key_header!r} in row {header_row + 1}.")
        next_free = max((_width(row) for row in grid), default=0)
        plan_columns: list[int] = []
        new_columns: list[tuple[str, int]] = []
        for name in PLAN_COLUMNS:
            found = headers.get(header_key(name))
            if found is None:
                found, next_free = next_free, next_free + 1
                new_columns.append((name, found))
            plan_columns.append(found)
        layout = cls(header_row, plan_columns, new_columns)
        for number in range(header_row + 1, len(grid)):
            row = grid[number]
            key = to_text(row[key_column]) if key_column < len(row) else ""
            if key:
                layout.rows.setdefault(key, number)
        return layout


def _width(row: list[Any]) -> int:
    """Columns up to the last non-blank cell."""
    return max((i + 1 for i, v in enumerate(row) if not is_blank(v)), default=0)


def _write_target(target: Target, outcomes: list[Outcome], inputs: GoogleInputs) -> set[str]:
    origin = target.origin
    layout = SheetLayout.of(
        _read_grid(origin, inputs),
        target.key_header,
        f"{origin.label}, sheet {origin.tab!r}",
        target.table.header_row - 1,
    )
    cells: dict[tuple[int, int], str] = {(layout.header_row, i): name for name, i in layout.new_columns}
    written: set[str] = set()
    for outcome in outcomes:
        row = layout.rows.get(outcome.key)
        if row is None:
            continue
        written.add(outcome.key)
        for column, value in zip(layout.plan_columns, cell_values(outcome), strict=True):
            if value is not None:
                cells[(row, column)] = value
    if cells:
        _widen(origin, max(c for _, c in cells) + 1, inputs)
        updated = layout.plan_columns[2]
        data = [
            {"range": a1(origin.tab, r, c), "values": [[entered(v, as_time=(c == updated and r != layout.header_row))]]}
            for (r, c), v in sorted(cells.items())
        ]
        request = (
            inputs.sheets()
            .spreadsheets()
            .values()
            .batchUpdate(spreadsheetId=origin.spreadsheet_id, body={"valueInputOption": "USER_ENTERED", "data": data})
        )
        try:
            inputs.run(request)
        except GoogleApiError as exc:
            if exc.status == 403 and exc.reason not in RATE_LIMITS:
                raise WriteBackError(
                    "the signed-in Google account can only view this Sheet (or the cells are "
                    "protected): ask the Sheet's owner for edit access, then run again."
                ) from exc
            raise
    return written


def entered(value: str, *, as_time: bool = False) -> str:
    """A value as typed into Sheets (USER_ENTERED): a time becomes a date-time, anything else stays text."""
    if as_time and TIME_TYPED.fullmatch(value):
        return value
    return "'" + value


def _read_grid(origin: SheetOrigin, inputs: GoogleInputs) -> list[list[Any]]:
    """The whole tab as it is now; dates as the sheet shows them, numbers as numbers (as the export)."""
    request = (
        inputs.sheets()
        .spreadsheets()
        .values()
        .get(
            spreadsheetId=origin.spreadsheet_id,
            range=quote_tab(origin.tab),
            majorDimension="ROWS",
            valueRenderOption="UNFORMATTED_VALUE",
            dateTimeRenderOption="FORMATTED_STRING",
        )
    )
    return list(inputs.run(request).get("values", []))


def _widen(origin: SheetOrigin, needed: int, inputs: GoogleInputs) -> None:
    """Add the columns still missing; after a failure, look again before adding any (never twice)."""
    if needed <= origin.column_count:
        return
    from generator.google.auth import client as google

    for attempt in range(google.DEFAULT_RETRIES + 1):
        have = _column_count(origin, inputs)  # as it is now: a lost answer may hide a widening that took effect
        if have >= needed:
            return
        body = {
            "requests": [
                {"appendDimension": {"sheetId": origin.sheet_id, "dimension": "COLUMNS", "length": needed - have}}
            ]
        }
        try:
            _send_once(origin.spreadsheet_id, body, inputs)
            return
        except GoogleApiError as exc:
            transient = exc.status is None or google.is_retryable(exc.status, exc.reason)
            if not transient or attempt == google.DEFAULT_RETRIES:
                raise
            time.sleep(google.backoff_delay(attempt, base=RETRY_BASE_DELAY))


def _send_once(spreadsheet_id: str, body: dict[str, Any], inputs: GoogleInputs) -> None:
    """``spreadsheets.batchUpdate`` sent exactly once per call (see ``google.once``): a lost answer
    surfaces here, and ``_widen`` looks at the grid before trying again."""
    from generator.google.auth import client as google
    from generator.google.auth.once import once_service

    sheets = once_service(google.SHEETS, inputs.credentials())
    inputs.run(sheets.spreadsheets().batchUpdate(spreadsheetId=spreadsheet_id, body=body), retries=0)


def _column_count(origin: SheetOrigin, inputs: GoogleInputs) -> int:
    request = (
        inputs.sheets()
        .spreadsheets()
        .get(spreadsheetId=origin.spreadsheet_id, fields="sheets(properties(sheetId,gridProperties(columnCount)))")
    )
    for sheet in inputs.run(request).get("sheets", []):
        properties = sheet.get("properties", {})
        if int(properties.get("sheetId", 0)) == origin.sheet_id:
            return int(properties.get("gridProperties", {}).get("columnCount", 0))
    raise WriteBackError(f"{origin.label} no longer has the tab {origin.tab!r}.")


def cell_values(outcome: Outcome) -> tuple[str | None, str, str | None]:
    """(link, status, updated); None leaves that cell as it is (a failed plan keeps its old link)."""
    if outcome.status == FAILED:
        first = (outcome.message.splitlines() or [""])[0]
        status = f"failed: {first}" if first else "failed"
        return None, status[:MAX_STATUS], None
    updated = _short_time(outcome.time) if outcome.status in _WRITTEN else None
    return outcome.output or None, outcome.status, updated


def _short_time(text: str) -> str:
    try:
        return dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def quote_tab(title: str) -> str:
    """A tab name as A1 notation needs it: always quoted, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def a1(tab: str, row: int, column: int) -> str:
    """One cell (0-based row and column) of a tab, e.g. 'Fall 2026'!K5."""
    return f"{quote_tab(tab)}!{column_letter(column)}{row + 1}"
