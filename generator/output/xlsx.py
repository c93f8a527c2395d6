"""A one-sheet .xlsx workbook for the caseload overview, written through XlsxWriter.

The overview is rewritten on every run, for the whole caseload. Through openpyxl each cell became
a handful of Python objects and every style assignment was hashed (0.55 s for 1,000 students), so
plangen once wrote the SpreadsheetML as text itself. XlsxWriter is the well-kept library made for
writing workbooks quickly; ``benchmarks/overview_writer.py`` compares it with that hand-written
writer. The overview needs text, whole numbers, dates, a few cell styles, links, a frozen header,
a filter, column widths and a page header -- this module gives exactly that, with two rules a
spreadsheet of children's records needs: every text is written as text (a name starting with
``=`` is never a formula, a text starting with ``http`` never a link), and nothing is written to a
temporary file outside the output folder (the workbook is built in memory).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # XlsxWriter itself is imported by the first sheet: commands that write none skip its 20-40 ms
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry
_FIXED_TIME = dt.datetime(2020, 1, 1)  # same rows, same bytes: no save time inside the workbook
MAX_TEXT = 32767  # characters Excel keeps in one cell
MAX_LINK = 2079  # characters of a link target Excel accepts
MAX_LINKS = 65530  # links Excel accepts in one sheet
# Characters a link carries percent-encoded, as Excel writes them; a file path also "%" and "#" (a URL keeps
# its escapes and its #fragment).
_URL_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>[]^`{}'})
_PATH_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>[]^`{}%#'})


@dataclass(frozen=True)
class CellStyle:
    bold: bool = False
    color: str | None = None  # RRGGBB
    underline: bool = False
    fill: str | None = None  # RRGGBB, solid
    date: bool = False  # shown as yyyy-mm-dd, or as date_format says
    date_format: str = "yyyy-mm-dd"  # Excel's number format for a date cell


class SimpleSheet:
    """Rows appended in order; ``save`` gives the workbook's bytes.

    ``widths`` are column widths as Excel's "Column Width" dialog shows them (characters of the
    default font); ``links`` targets are a path relative to the workbook's folder or an http(s) URL.
    """

    def __init__(
        self,
        title: str,
        *,
        widths: Sequence[float] = (),
        page_header: str = "",
        frozen_rows: int = 0,
        filter_row: int | None = None,
    ):
        import xlsxwriter

        self._buffer = io.BytesIO()
        options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        self._workbook = xlsxwriter.Workbook(self._buffer, options)
        self._workbook.set_properties({"created": _FIXED_TIME})
        self._sheet: Worksheet = self._workbook.add_worksheet(title[:31])
        for index, width in enumerate(widths):
            self._sheet.set_column(index, index, width)
        if page_header:
            self._sheet.set_header("&C" + page_header.replace("&", "&&"))
        if frozen_rows:
            self._sheet.freeze_panes(frozen_rows, 0)
        self.filter_row = filter_row
        self.styles: dict[CellStyle, int] = {CellStyle(): 0}
        self._formats: list[Format | None] = [None]
        self.rows = 0
        self.width = 1
        self._links = 0

    def style(self, style: CellStyle) -> int:
        """The style's number in the workbook, registered on first use."""
        number = self.styles.get(style)
        if number is None:
            number = self.styles[style] = len(self._formats)
            self._formats.append(self._workbook.add_format(_format_properties(style)))
        return number

    def append(
        self, values: Sequence[Any], styles: Sequence[int] | int = 0, links: dict[int, str] | None = None
    ) -> None:
        """One row; ``styles`` per cell (or one for all), ``links``: 0-based column -> link target."""
        row = self.rows
        for column, value in enumerate(values):
            cell_format = self._formats[styles if isinstance(styles, int) else styles[column]]
            target = links.get(column) if links else None
            if target:
                self._link(row, column, target, _clean(str(value if value is not None else target)), cell_format)
            else:
                _write(self._sheet, row, column, value, cell_format)
        self.width = max(self.width, len(values))
        self.rows += 1

    def _link(self, row: int, column: int, target: str, text: str, cell_format: Format | None) -> None:
        """A link as Excel writes it; one Excel cannot hold (too long, or past 65,530 in a sheet) stays text."""
        if target.startswith(("https://", "http://")):
            url = target.translate(_URL_ESCAPES)
        else:
            url = "external:" + target.translate(_PATH_ESCAPES)
        fits = len(url.encode("utf-16-le")) <= 2 * MAX_LINK and self._links < MAX_LINKS
        if fits and self._sheet.write_url(row, column, url, cell_format, text) == 0:
            self._links += 1
        else:
            self._sheet.write_string(row, column, text, cell_format)

    def save(self) -> bytes:
        """The workbook's bytes; the filter covers the header row down to the last row."""
        if self.filter_row is not None:
            last = max(self.rows, self.filter_row) - 1
            self._sheet.autofilter(self.filter_row - 1, 0, last, self.width - 1)
        self._workbook.close()
        return self._buffer.getvalue()


def _format_properties(style: CellStyle) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if style.bold:
        properties["bold"] = True
    if style.color:
        properties["font_color"] = "#" + style.color
    if style.underline:
        properties["underline"] = 1
    if style.fill:
        properties.update(pattern=1, bg_color="#" + style.fill)
    if style.date:
        properties["num_format"] = style.date_format
    return properties


def _clean(text: str) -> str:
    """Text as a cell can carry it: no characters XML forbids, at most Excel's 32,767 characters."""
    return _NOT_XML.sub("", text)[:MAX_TEXT]


def _write(sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None) -> None:
    """One cell by the value's type; never a formula, whatever the text starts with."""
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, column, _naive(value), cell_format)
    else:
        sheet.write_string(row, column, _clean(str(value)), cell_format)


def _naive(value: dt.date) -> dt.date:
    """A spreadsheet date has no time zone: an aware time is written as its local wall-clock time."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
