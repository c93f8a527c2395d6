"""Reading one sheet of an .xlsx workbook as the therapist sees it in Excel.

What Excel shows is what the plan must say: the first *visible* sheet (a hidden one holds last
year's copy), dates in the workbook's own date system (1904 on old Macs), each number's displayed
text (``80%``, ``$12.50``), a merged cell's value on every row it covers, and a formula whose
result was never saved flagged rather than read as empty. A damaged file is an error naming it.

Where openpyxl reads a cell otherwise than Excel shows it, this module reads it itself: text with
Excel's ``_xHHHH_`` escapes (how a workbook stores a vertical tab or another control character, and
``_x005F_`` for an underscore that would otherwise start one) is decoded as Excel decodes it; date
serials are turned into dates here, so that serial 60, Excel's 29 February 1900 (a day that never
was: Lotus 1-2-3 took 1900 for a leap year and Excel kept it), is shown as Excel shows it rather than
as 28 February; and a Strict Open XML workbook (Excel's "Strict Open XML Spreadsheet") is read
through its namespaces translated to the usual ones. openpyxl's warnings never reach the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

from generator.errors import SourceError
from generator.sources.cells import EXCEL_EPOCH, ExcelLeapDay, UncachedFormula, sheet_value
from generator.sources.numfmt import LOCALE_DATE_FORMATS
from generator.sources.zipparts import PartTooLarge, check_sizes

VISIBLE = "visible"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_CHUNK = 1 << 20
_OVERLAP = 64  # longer than any tag searched for, so one cut between two pieces is never missed


@dataclass(frozen=True)
class SheetInfo:
    """A sheet's name and whether Excel shows its tab (``visible``, ``hidden`` or ``veryHidden``)."""

    title: str
    state: str

    @property
    def hidden(self) -> bool:
        return self.state != VISIBLE


@dataclass
class RawSheet:
    """The rows of one sheet, numbered as Excel numbers them, each cell already as Excel shows it."""

    title: str
    rows: list[tuple[int, list[Any]]]


def list_sheets(path: Path) -> list[SheetInfo]:
    """Every worksheet of the workbook in tab order, hidden ones included (and marked)."""
    with _damaged_file_is_an_error(path):
        workbook = _open(_package(path))
        try:
            return [SheetInfo(ws.title, ws.sheet_state or VISIBLE) for ws in workbook.worksheets]
        finally:
            workbook.close()


def active_sheet(path: Path) -> str | None:
    """The sheet that was open when the workbook was last saved (None when it is hidden or unknown)."""
    with _damaged_file_is_an_error(path):
        workbook = _open(path)
        try:
            active = workbook.active
            if active is None or (getattr(active, "sheet_state", None) or VISIBLE) != VISIBLE:
                return None
            return str(active.title)
        finally:
            workbook.close()


def workbook_sheets(path: Path) -> list[SheetInfo]:
    """The sheets of an .xlsx/.xlsm file; nothing for other files (a CSV has no sheets)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return []
    return list_sheets(path)


def read_sheet(path: Path, sheet: str | None) -> RawSheet:
    """The named sheet (hidden or not), else the first visible one."""
    with _damaged_file_is_an_error(path):
        package = _package(path)
        workbook = _open(package)
        try:
            worksheet = _choose(path, workbook, sheet)
            dates = _DateStyles(workbook)
            _decode_shared_strings(package, worksheet)
            numbered = list(_without_trailing_empty(_numbered_rows(worksheet, dates)))
            title, part = worksheet.title, worksheet._worksheet_path
        finally:
            workbook.close()
        has_formulas, after_data = _scan_sheet_xml(package, part)
        if has_formulas:
            _mark_uncached_formulas(package, title, numbered)
        _spread_merged_cells(after_data, numbered)
        _pad_to_widest(numbered)
    return RawSheet(title, numbered)


def _without_trailing_empty(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """The rows up to the last one holding a value: formatted empty rows below the data (a whole column
    formatted down to row 1,048,576) are dropped, never held in memory."""
    pending: list[tuple[int, int]] = []  # runs of empty rows (first, last), kept only if data follows
    for number, values in rows:
        if all(v is None or v == "" for v in values):
            if pending and pending[-1][1] == number - 1:
                pending[-1] = (pending[-1][0], number)
            else:
                pending.append((number, number))
            continue
        for first, last in pending:
            for empty in range(first, last + 1):
                yield empty, []
        pending.clear()
        yield number, values


def _pad_to_widest(numbered: list[tuple[int, list[Any]]]) -> None:
    """Every row as wide as the widest (a row's trailing empty cells are not stored in the file)."""
    width = max((len(values) for _, values in numbered), default=0)
    for _, values in numbered:
        if len(values) < width:
            values.extend([None] * (width - len(values)))


@contextmanager
def _damaged_file_is_an_error(path: Path) -> Iterator[None]:
    """Whatever a damaged workbook makes the zip or XML readers raise becomes a message naming the file."""
    try:
        yield
    except SourceError:
        raise
    except zipfile.BadZipFile as exc:
        what = (
            ("is not a valid .xlsx file (it may be password-protected, damaged, or another format renamed)")
            if "not a zip file" in str(exc).lower()
            else "is damaged (its zip container is broken)"
        )
        raise SourceError(f"{path}: {what}. Open it in Excel and save it again as .xlsx without a password.") from None
    except (zlib.error, EOFError) as exc:
        raise SourceError(
            f"{path}: is damaged (its zip container is broken: {type(exc).__name__}). Open it in "
            "Excel, which can repair it, and save it again as .xlsx."
        ) from None
    except (ParseError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError too
        raise SourceError(
            f"{path}: is damaged (a part inside it is not well-formed XML). Open it in Excel, which "
            "can repair it, and save it again as .xlsx."
        ) from exc
    except (KeyError, OSError, ValueError, TypeError, AttributeError, IndexError) as exc:
        # Messages from the readers can quote cell text; name only the kind of failure.
        raise SourceError(
            f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}): it is damaged or "
            "not really .xlsx. Open it in Excel and save it again as .xlsx."
        ) from None


def _open(package: Path | IO[bytes], data_only: bool = True) -> Any:  # an openpyxl Workbook (loaded lazily)
    import openpyxl  # imported here: a CSV-only run should not pay for it

    if not isinstance(package, Path):
        package.seek(0)
    with warnings.catch_warnings():  # "no default style", "extension not supported": nothing a therapist can act on
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(package, read_only=True, data_only=data_only)


# Strict Open XML names the same parts with other namespaces; translated, openpyxl reads them as usual.
_STRICT = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/", b"http://schemas.openxmlformats.org/officeDocument/2006/"),
    (b"http://purl.oclc.org/ooxml/drawingml/", b"http://schemas.openxmlformats.org/drawingml/2006/"),
)


def _package(path: Path) -> Path | IO[bytes]:
    """The workbook as openpyxl can read it: the file itself, or a Strict Open XML one translated in memory."""
    with zipfile.ZipFile(path) as archive:
        try:
            check_sizes(archive)  # before any part is read: a part may inflate to gigabytes
        except PartTooLarge as exc:
            raise SourceError(f"{path}: cannot be read: {exc}. Open it in Excel and save it again as .xlsx.") from None
        names = archive.namelist()
        if "_rels/.rels" not in names or b"purl.oclc.org/ooxml" not in archive.read("_rels/.rels"):
            return path
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as translated:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename.endswith((".xml", ".rels")):
                    for strict, usual in _STRICT:
                        data = data.replace(strict, usual)
                translated.writestr(info.filename, data)
    return copy


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_escapes(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes decoded as Excel decodes them: ``_x000B_`` is a vertical tab, and
    ``_x005F_`` an underscore, so ``_x005F_x000B_`` is the text ``_x000B_`` itself."""
    if "_x" not in text and "_X" not in text:
        return text
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # _xD83D__xDE00_ is one emoji


class _Decoded(str):
    """A shared string already decoded here (openpyxl's own copy drops every ``x005F_``)."""


_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _decode_shared_strings(package: Path | IO[bytes], worksheet: Any) -> None:
    """Replace openpyxl's shared strings, in place, by the table read again with Excel's escapes decoded."""
    strings = worksheet._shared_strings
    if not any("_x" in text or "_X" in text for text in strings if isinstance(text, str)):
        return  # no escape left in openpyxl's copy: it is right as it is (and is decoded no further)
    if not isinstance(package, Path):
        package.seek(0)
    with zipfile.ZipFile(package) as archive:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        match = re.search(r'PartName="/?([^"]+)"\s+ContentType="' + re.escape(_SHARED_STRINGS_TYPE), types)
        match = match or re.search(
            r'ContentType="' + re.escape(_SHARED_STRINGS_TYPE) + r'"\s+PartName="/?([^"]+)"', types
        )
        if match is None:
            return
        with archive.open(match.group(1)) as stream:
            table = [_Decoded(decode_escapes(text)) for text in _string_items(stream)]
    if len(table) == len(strings):
        strings[:] = table


def _string_items(stream: IO[bytes]) -> Iterator[str]:
    """Each ``<si>``'s text: its ``<t>``, or its runs' ``<t>`` joined; phonetic guides (``<rPh>``) left out."""
    skip = 0
    parts: list[str] = []
    for event, element in iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _MAIN + "rPh":
                skip += 1
            continue
        if tag == _MAIN + "rPh":
            skip -= 1
        elif tag == _MAIN + "t" and not skip:
            parts.append(element.text or "")
        elif tag == _MAIN + "si":
            yield "".join(parts)
            parts = []
            element.clear()


def _choose(path: Path, workbook: Any, sheet: str | None) -> Any:
    if sheet is not None:
        if sheet in workbook.sheetnames:
            return workbook[sheet]
        raise SourceError(
            f"{path}: has no sheet named {sheet!r}. Sheets in this workbook: "
            + ", ".join(
                repr(ws.title) + (" (hidden)" if ws.sheet_state != VISIBLE else "") for ws in workbook.worksheets
            )
            + ". Fix `sheet:` in the mapping."
        )
    if not workbook.worksheets:
        raise SourceError(
            f"{path}: has no worksheet (it is damaged, or holds only charts). Open it in Excel and "
            "save it again as .xlsx."
        )
    visible = [ws for ws in workbook.worksheets if (ws.sheet_state or VISIBLE) == VISIBLE]
    if not visible:
        raise SourceError(f"{path}: has no visible worksheet. Name the sheet to read with `sheet:` in the mapping.")
    return visible[0]


class _DateStyles:
    """The workbook's date system and which cell styles are dates, taken over from openpyxl.

    openpyxl turns serial 60 into 28 February 1900 (the day before is also 28 February), so the date
    serials are left as numbers for this module to turn into dates.
    """

    def __init__(self, workbook: Any) -> None:
        epoch = getattr(workbook, "epoch", None)
        self.epoch_moment = epoch if isinstance(epoch, dt.datetime) else dt.datetime(1899, 12, 30)
        self.epoch = self.epoch_moment.date()
        self.styles: set[int] = set(workbook._date_formats)
        self.durations: set[int] = set(workbook._timedelta_formats)
        workbook._date_formats = set()  # read by each sheet's parser when its rows are read

    def moment(self, value: Any, style: int) -> Any:
        """A date-formatted serial as the date (or time, or duration) Excel shows."""
        from openpyxl.utils.datetime import from_excel

        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        duration = style in self.durations
        if not duration and self.epoch == EXCEL_EPOCH and 60 <= value < 61:
            return ExcelLeapDay(value)
        try:
            return from_excel(value, self.epoch_moment, timedelta=duration)
        except (OverflowError, ValueError):
            return "#VALUE!"  # past 9999-12-31: Excel shows ####; an error naming the cell, as for #VALUE!


def _numbered_rows(worksheet: Any, dates: _DateStyles) -> Iterator[tuple[int, list[Any]]]:
    """Each row's values, those whose number format changes what Excel shows carrying that format."""
    formats: dict[int, tuple[str | None, int]] = {}
    for number, cells in _cell_rows(worksheet):
        values = [cell.value for cell in cells]
        for index, value in enumerate(values):
            if value is None:
                continue
            if value.__class__ is str:  # an inline string or a formula's text: escapes still to decode
                values[index] = decode_escapes(value)
            elif value.__class__ is _Decoded:
                values[index] = str(value)
            else:
                values[index] = _with_format(cells[index], value, formats, dates)
        yield number, values


def _with_format(cell: Any, value: Any, formats: dict[int, tuple[str | None, int]], dates: _DateStyles) -> Any:
    if isinstance(value, (str, bool)):
        return value
    style = cell._style_id
    if style in dates.styles:
        value = dates.moment(value, style)
        if isinstance(value, (str, ExcelLeapDay)):
            if isinstance(value, ExcelLeapDay):
                value.number_format, value.format_id = cell.number_format, cell.style_array.numFmtId
            return value
    epoch = dates.epoch
    if style not in formats:
        fmt_id, fmt = cell.style_array.numFmtId, cell.number_format
        formats[style] = (None if fmt in (None, "General") or fmt_id in LOCALE_DATE_FORMATS else fmt, fmt_id)
    fmt, fmt_id = formats[style]
    if fmt is None and epoch == EXCEL_EPOCH:
        return value
    return sheet_value(value, None, epoch, fmt, fmt_id)


def _scan_sheet_xml(path: Path | IO[bytes], part: str) -> tuple[bool, bytes]:
    """Whether the sheet holds formulas, and its XML after the cells (where merged ranges are listed).

    Read in pieces: a 10,000-student sheet is ~25 MB of XML, which need not be in memory at once.
    Tags may carry a namespace prefix (``<x:f>``), as some programs other than Excel write them.
    """
    formulas = False
    carry = b""
    if not isinstance(path, Path):
        path.seek(0)
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            data = carry + chunk
            formulas = formulas or _FORMULA.search(data) is not None
            end = _SHEET_DATA_END.search(data)
            if end is not None:
                return formulas, data[end.end() :] + stream.read()
            carry = data[-_OVERLAP:]
    return formulas, b""


def _spread_merged_cells(after_data: bytes, numbered: list[tuple[int, list[Any]]]) -> None:
    """A value merged down several rows belongs to each of them (one service for three students)."""
    merges = _MERGE.findall(after_data)
    if not merges:
        return
    from openpyxl.utils import column_index_from_string

    by_number = dict(numbered)
    used = numbered[-1][0] if numbered else 0  # merged ranges end at the data (G2:G1048576 is a whole column)
    for first_col, first_row, _last_col, last_row in merges:
        top, bottom = int(first_row), min(int(last_row), used)
        column = column_index_from_string(first_col.decode()) - 1
        source = by_number.get(top)
        if bottom == top or source is None or column >= len(source):
            continue
        for number in range(top + 1, bottom + 1):
            values = by_number.setdefault(number, [])
            values.extend([None] * (column + 1 - len(values)))
            if values[column] is None:
                values[column] = source[column]
    numbered[:] = sorted(by_number.items())


def _mark_uncached_formulas(path: Path | IO[bytes], title: str, numbered: list[tuple[int, list[Any]]]) -> None:
    """Second pass over the formulas themselves: a formula whose cached result is missing is flagged."""
    workbook = _open(path, data_only=False)
    try:
        formulas = {number: [c.value for c in cells] for number, cells in _cell_rows(workbook[title])}
    finally:
        workbook.close()
    for number, values in numbered:
        row = formulas.get(number, [])
        for index, value in enumerate(values):
            formula = row[index] if index < len(row) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                values[index] = UncachedFormula(formula)


def _cell_rows(worksheet: Any) -> Iterator[tuple[int, tuple]]:
    """Rows of cells with the number Excel shows (read-only sheets pad gaps with cells that have no row).

    Every row and column the sheet holds, whatever its ``<dimension>`` claims: a read-only sheet stops
    at the declared used range, and programs other than Excel often declare a wrong one ("A1"), which
    would drop every student below it without a word.
    """
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    number = 0
    for cells in worksheet.iter_rows():
        number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
        yield number, cells
