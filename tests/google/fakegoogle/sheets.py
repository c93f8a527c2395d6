"""Sheets v4 state: spreadsheets.get/batchUpdate and values.get/batchGet/update/batchUpdate.

A1 ranges follow Sheets' rules: ``'Tab name'!A1:C3`` with ``''`` for a quote inside a title,
whole columns (``A:C``), whole rows (``2:5``), open ends (``A5:C``), a bare title for the whole
tab, and a bare cell range for the first tab. Writes outside the grid fail as in Sheets, and a
``null`` in written values leaves that cell untouched. Date cells read back as an en_US sheet
shows them (``3/15/2027``), or unformatted as serial numbers unless ``dateTimeRenderOption`` is
``FORMATTED_STRING``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.google.fakegoogle.common import ApiError

Value = Any  # str | int | float | bool


def bad_range(a1: str) -> ApiError:
    return ApiError(400, "badRequest", f"Unable to parse range: {a1}")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


_CELL = re.compile(r"^([A-Za-z]{0,3})([0-9]{0,7})$")


def split_range(a1: str) -> tuple[str | None, str | None]:
    """(tab title or None, cell part or None) of an A1 range."""
    s = a1.strip()
    if s.startswith("'"):
        i, title = 1, []
        while True:
            if i >= len(s):
                raise bad_range(a1)
            if s[i] == "'":
                if s[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(s[i])
            i += 1
        rest = s[i + 1 :]
        if not rest:
            return "".join(title), None
        if not rest.startswith("!"):
            raise bad_range(a1)
        return "".join(title), rest[1:] or None
    if "!" in s:
        title, cells = s.split("!", 1)
        return title, cells or None
    if all(_CELL.match(part) for part in s.split(":")) and s and s.count(":") <= 1:
        return None, s
    return s, None


def parse_cells(cells: str, a1: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(row0, col0, row1, col1), 0-based inclusive; None means open to the grid's edge."""
    parts = cells.split(":")
    if len(parts) > 2:
        raise bad_range(a1)
    parsed = []
    for part in parts:
        m = _CELL.match(part.strip())
        if not m or not (m.group(1) or m.group(2)):
            raise bad_range(a1)
        col = col_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            raise bad_range(a1)
        parsed.append((row, col))
    (r0, c0) = parsed[0]
    if len(parsed) == 1:
        return r0, c0, r0, c0
    (r1, c1) = parsed[1]
    return r0, c0, r1, c1


@dataclass
class Tab:
    sheet_id: int
    title: str
    rows: int
    cols: int
    cells: dict[tuple[int, int], Value] = field(default_factory=dict)
    hidden: bool = False  # a tab hidden from view (last year's copy); still readable by name

    def grid(self) -> list[list[Value]]:
        if not self.cells:
            return []
        height = max(r for r, _ in self.cells) + 1
        width = max(c for _, c in self.cells) + 1
        return [[self.cells.get((r, c), "") for c in range(width)] for r in range(height)]


@dataclass
class Spreadsheet:
    id: str
    title: str
    tabs: list[Tab]


_SERIAL_EPOCH = dt.datetime(1899, 12, 30)  # Sheets' (and Lotus') day zero


def formatted(value: Value) -> Value:
    if isinstance(value, dt.datetime):  # as an en_US sheet shows a date (and time) cell
        text = f"{value.month}/{value.day}/{value.year}"
        return text if value.time() == dt.time(0) else text + f" {value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, dt.date):
        return f"{value.month}/{value.day}/{value.year}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        m = re.match(r'^=HYPERLINK\("(?:[^"]|"")*"\s*[,;]\s*"((?:[^"]|"")*)"\)$', value, re.I)
        return m.group(1).replace('""', '"') if m else value
    return str(value)


def unformatted(value: Value, date_option: str) -> Value:
    """UNFORMATTED_VALUE: dates as serial numbers, or as shown with dateTimeRenderOption=FORMATTED_STRING."""
    if not isinstance(value, dt.date):
        return value
    if date_option == "FORMATTED_STRING":
        return formatted(value)
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(0))
    serial = (moment - _SERIAL_EPOCH).total_seconds() / 86400
    return int(serial) if serial.is_integer() else serial


def user_entered(value: Value) -> Value:
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    when = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d?):(\d\d)(?::(\d\d))?)?", value)
    if when:  # Sheets reads an ISO date (and time) typed into any locale's sheet as a date-time
        year, month, day, hour, minute, second = (int(part or 0) for part in when.groups())
        moment = dt.datetime(year, month, day, hour, minute, second)
        return moment if when.group(4) else moment.date()
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d*\.\d+", value):
        return float(value)
    return value


class SheetsStore:
    def __init__(self, lock: threading.RLock, on_change: Callable[[str], None]):
        self.lock = lock
        self.on_change = on_change
        self.books: dict[str, Spreadsheet] = {}

    # -- seeding and inspection ----------------------------------------------------------------

    def add(
        self, book_id: str, title: str, tabs: dict[str, list[list[Value]]], hidden: tuple[str, ...] = ()
    ) -> Spreadsheet:
        made = []
        for index, (name, rows) in enumerate(tabs.items()):
            width = max((len(r) for r in rows), default=0)
            tab = Tab(0 if index == 0 else secrets.randbelow(2**31 - 1) + 1, name, max(1000, len(rows)), max(26, width))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None and value != "":
                        tab.cells[(r, c)] = value
            tab.hidden = name in hidden
            made.append(tab)
        if not made:
            made.append(Tab(0, "Sheet1", 1000, 26))
        with self.lock:
            book = self.books[book_id] = Spreadsheet(book_id, title, made)
        return book

    def grid(self, book_id: str, title: str | None = None) -> list[list[Value]]:
        with self.lock:
            book = self.books[book_id]
            tab = book.tabs[0] if title is None else self._tab(book, title, title)
            return tab.grid()

    def load_from_upload(self, book_id: str, title: str, data: bytes, media_type: str) -> None:
        tabs: dict[str, list[list[Value]]] = {}
        if media_type == "text/csv":
            tabs["Sheet1"] = [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8")))]
        else:
            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            for ws in wb.worksheets:
                tabs[ws.title] = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
        self.add(book_id, title, tabs)

    def export(self, book_id: str, mime: str) -> bytes:
        with self.lock:
            book = self.books[book_id]
            if mime == "text/csv":
                out = io.StringIO()
                csv.writer(out).writerows([[formatted(v) for v in row] for row in book.tabs[0].grid()])
                return out.getvalue().encode("utf-8")
            import openpyxl

            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for tab in book.tabs:
                ws = wb.create_sheet(tab.title)
                ws.sheet_state = "hidden" if tab.hidden else "visible"
                for (r, c), value in tab.cells.items():
                    ws.cell(row=r + 1, column=c + 1, value=value)
            buf = io.BytesIO()
            wb.save(buf)
            return buf.getvalue()

    # -- helpers -------------------------------------------------------------------------------

    def _book(self, book_id: str) -> Spreadsheet:
        book = self.books.get(book_id)
        if book is None:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        return book

    def _tab(self, book: Spreadsheet, title: str, a1: str) -> Tab:
        for tab in book.tabs:
            if tab.title == title:
                return tab
        raise bad_range(a1)

    def _resolve(self, book: Spreadsheet, a1: str) -> tuple[Tab, int, int, int, int]:
        title, cells = split_range(a1)
        tab = book.tabs[0] if title is None else self._tab(book, title, a1)
        if cells is None:
            return tab, 0, 0, tab.rows - 1, tab.cols - 1
        r0, c0, r1, c1 = parse_cells(cells, a1)
        return (tab, r0 or 0, c0 or 0, tab.rows - 1 if r1 is None else r1, tab.cols - 1 if c1 is None else c1)

    @staticmethod
    def a1(tab: Tab, r0: int, c0: int, r1: int, c1: int) -> str:
        start = f"{col_letters(c0)}{r0 + 1}"
        end = f"{col_letters(c1)}{r1 + 1}"
        return f"{quote_title(tab.title)}!{start}" + ("" if start == end else f":{end}")

    # -- API operations ------------------------------------------------------------------------

    def get(self, book_id: str) -> dict[str, Any]:
        with self.lock:
            book = self._book(book_id)
            return {
                "spreadsheetId": book.id,
                "properties": {
                    "title": book.title,
                    "locale": "en_US",
                    "autoRecalc": "ON_CHANGE",
                    "timeZone": "America/New_York",
                },
                "sheets": [
                    {
                        "properties": {
                            "sheetId": t.sheet_id,
                            "title": t.title,
                            "index": i,
                            "sheetType": "GRID",
                            "gridProperties": {"rowCount": t.rows, "columnCount": t.cols},
                            **({"hidden": True} if t.hidden else {}),
                        }
                    }  # Sheets omits hidden: false
                    for i, t in enumerate(book.tabs)
                ],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit",
            }

    def values_get(self, book_id: str, a1: str, params: dict[str, str]) -> dict[str, Any]:
        render = params.get("valueRenderOption") or "FORMATTED_VALUE"
        dates = params.get("dateTimeRenderOption") or "SERIAL_NUMBER"
        major = params.get("majorDimension") or "ROWS"
        with self.lock:
            tab, r0, c0, r1, c1 = self._resolve(self._book(book_id), a1)
            r1 = min(r1, tab.rows - 1)
            c1 = min(c1, tab.cols - 1)
            rows = []
            for r in range(r0, r1 + 1):
                row = [tab.cells.get((r, c), "") for c in range(c0, c1 + 1)]
                if render == "FORMATTED_VALUE":
                    row = [formatted(v) if v != "" else "" for v in row]
                else:
                    row = [unformatted(v, dates) for v in row]
                rows.append(row)
        if major == "COLUMNS":
            rows = [list(col) for col in zip(*rows, strict=True)] if rows else []
        while rows and all(v == "" for v in rows[-1]):
            rows.pop()
        rows = [_rstrip(row) for row in rows]
        out: dict[str, Any] = {"range": self.a1(tab, r0, c0, r1, c1), "majorDimension": major}
        if rows:
            out["values"] = rows
        return out

    def values_batch_get(self, book_id: str, ranges: list[str], params: dict[str, str]) -> dict:
        return {"spreadsheetId": book_id, "valueRanges": [self.values_get(book_id, r, params) for r in ranges]}

    def _write(self, book: Spreadsheet, item: dict[str, Any], option: str) -> dict[str, Any]:
        a1 = item.get("range")
        values = item.get("values") or []
        if not isinstance(a1, str) or not isinstance(values, list):
            raise ApiError(400, "badRequest", "Invalid data[0]: range and values are required")
        if item.get("majorDimension") == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        tab, r0, c0, _, _ = self._resolve(book, a1)
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if height and width and (r0 + height > tab.rows or c0 + width > tab.cols):
            span = self.a1(tab, r0, c0, r0 + height - 1, c0 + width - 1)
            raise ApiError(
                400, "badRequest", f"Range ({span}) exceeds grid limits. Max rows: {tab.rows}, max columns: {tab.cols}"
            )
        cells = 0
        for dr, row in enumerate(values):
            for dc, value in enumerate(row):
                if value is None:
                    continue  # Sheets skips nulls: the cell keeps its value
                value = user_entered(value) if option == "USER_ENTERED" else value
                cells += 1
                if value == "" and not isinstance(value, bool):
                    tab.cells.pop((r0 + dr, c0 + dc), None)
                else:
                    tab.cells[(r0 + dr, c0 + dc)] = value
        rows_touched = sum(1 for row in values if any(v is not None for v in row))
        return {
            "spreadsheetId": book.id,
            "updatedRange": self.a1(tab, r0, c0, r0 + max(height, 1) - 1, c0 + max(width, 1) - 1),
            "updatedRows": rows_touched,
            "updatedColumns": width,
            "updatedCells": cells,
        }

    @staticmethod
    def _option(value: Any) -> str:
        if value not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "badRequest", "'valueInputOption' is required but not specified")
        return str(value)

    def values_update(self, book_id: str, a1: str, params: dict[str, str], body: dict) -> dict:
        option = self._option(params.get("valueInputOption"))
        with self.lock:
            book = self._book(book_id)
            result = self._write(book, {**body, "range": a1}, option)
        self.on_change(book_id)
        return result

    def values_batch_update(self, book_id: str, body: dict[str, Any]) -> dict[str, Any]:
        option = self._option(body.get("valueInputOption"))
        with self.lock:
            book = self._book(book_id)
            # validate everything first: Sheets applies a batch all-or-nothing
            for item in body.get("data") or []:
                self._resolve(book, str(item.get("range", "")))
            backup = {id(t): dict(t.cells) for t in book.tabs}
            try:
                responses = [self._write(book, item, option) for item in body.get("data") or []]
            except ApiError:
                for t in book.tabs:
                    t.cells = backup[id(t)]
                raise
        if responses:
            self.on_change(book_id)
        return {
            "spreadsheetId": book_id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
            "responses": responses,
        }

    def batch_update(self, book_id: str, body: dict[str, Any]) -> dict[str, Any]:
        replies: list[dict[str, Any]] = []
        with self.lock:
            book = self._book(book_id)
            for req in body.get("requests") or []:
                if "appendDimension" in req:
                    spec = req["appendDimension"]
                    tab = next((t for t in book.tabs if t.sheet_id == spec.get("sheetId")), None)
                    if tab is None:
                        raise ApiError(400, "badRequest", f"No grid with id: {spec.get('sheetId')}")
                    if spec.get("dimension") == "COLUMNS":
                        tab.cols += int(spec.get("length", 0))
                    else:
                        tab.rows += int(spec.get("length", 0))
                    replies.append({})
                elif "addSheet" in req:
                    props = req["addSheet"].get("properties", {})
                    grid = props.get("gridProperties", {})
                    tab = Tab(
                        secrets.randbelow(2**31 - 1) + 1,
                        props.get("title") or f"Sheet{len(book.tabs) + 1}",
                        grid.get("rowCount", 1000),
                        grid.get("columnCount", 26),
                    )
                    book.tabs.append(tab)
                    replies.append(
                        {
                            "addSheet": {
                                "properties": {
                                    "sheetId": tab.sheet_id,
                                    "title": tab.title,
                                    "index": len(book.tabs) - 1,
                                    "sheetType": "GRID",
                                    "gridProperties": {"rowCount": tab.rows, "columnCount": tab.cols},
                                }
                            }
                        }
                    )
                else:
                    kind = next(iter(req), "?")
                    raise ApiError(400, "badRequest", f"The fake does not model request {kind}")
        self.on_change(book_id)
        return {"spreadsheetId": book_id, "replies": replies}


def _rstrip(row: list[Value]) -> list[Value]:
    while row and row[-1] == "":
        row = row[:-1]
    return row
