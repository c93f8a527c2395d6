"""Reading caseload and report files into rows that remember where they came from.

Every later error message ("caseload.xlsx, sheet Caseload, cell D12") depends on the provenance
kept here, so rows are never detached from their file, sheet and row number as Excel shows it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SourceError
from generator.sources.cells import is_blank, normalize_header

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


def column_letter(index: int) -> str:
    """0-based column index to Excel's letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Column:
    """A header as typed in the file, and its position."""

    name: str
    index: int

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Location:
    """Where a value lives, phrased the way the therapist will look for it."""

    file: str
    sheet: str | None
    row: int

    def describe(self, column: Column | None = None) -> str:
        where = f"{self.file}"
        if self.sheet is not None:
            where += f", sheet {self.sheet!r}"
            if column is not None:
                return f"{where}, cell {column.letter}{self.row} (column {column.name!r})"
            return f"{where}, row {self.row}"
        if column is not None:
            return f"{where}, row {self.row}, column {column.name!r}"
        return f"{where}, row {self.row}"


@dataclass
class Row:
    """One data row: raw cell values in column order plus where it came from."""

    values: list[Any]
    location: Location

    def get(self, column: Column) -> Any:
        return self.values[column.index] if column.index < len(self.values) else None


@dataclass
class Table:
    """A header row and the non-blank data rows under it."""

    path: Path
    sheet: str | None
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1

    @property
    def label(self) -> str:
        return self.path.name if self.sheet is None else f"{self.path.name}, sheet {self.sheet!r}"

    def find_column(self, header: str) -> Column | None:
        wanted = normalize_header(header)
        matches = [c for c in self.columns if normalize_header(c.name) == wanted]
        if len(matches) > 1:
            letters = ", ".join(f"{c.letter} ({c.name!r})" for c in matches)
            raise SourceError(
                f"{self.label}: the header {header!r} appears in more than one column ({letters}). "
                "Rename one of them so each column has a distinct header."
            )
        return matches[0] if matches else None

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a spreadsheet or delimited text file; the first non-blank row is the header."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: file not found. Check the --source path or the mapping's source.")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a spreadsheet. Point --source at a .xlsx or .csv file.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    if suffix in TEXT_SUFFIXES:
        return _read_delimited(path)
    if suffix == ".xls":
        raise SourceError(
            f"{path}: old binary Excel (.xls) files are not supported. "
            "Open it in Excel or LibreOffice and save it as .xlsx."
        )
    raise SourceError(
        f"{path}: unsupported file type {suffix or '(none)'!r}. Use .xlsx, .xlsm, .csv or .tsv."
    )


def _build_table(path: Path, sheet: str | None, raw_rows: list[tuple[int, list[Any]]]) -> Table:
    non_blank = [(n, values) for n, values in raw_rows if not all(is_blank(v) for v in values)]
    label = path.name if sheet is None else f"{path.name}, sheet {sheet!r}"
    if not non_blank:
        raise SourceError(f"{label}: is empty. Put the column headers in the first row.")
    header_row, header_values = non_blank[0]
    columns = [
        Column(name=" ".join(str(v).split()), index=i)
        for i, v in enumerate(header_values)
        if not is_blank(v)
    ]
    rows = [Row(values=list(values), location=Location(path.name, sheet, n)) for n, values in non_blank[1:]]
    return Table(path=path, sheet=sheet, columns=columns, rows=rows, header_row=header_row)


def _read_excel(path: Path, sheet: str | None) -> Table:
    import openpyxl  # imported here: a CSV-only run should not pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise SourceError(
            f"{path}: is not a valid .xlsx file (it may be password-protected, damaged, or "
            "another format renamed). Open it in Excel and save it again as .xlsx without a password."
        ) from exc
    except (KeyError, OSError, ValueError) as exc:
        raise SourceError(f"{path}: cannot be read as an Excel workbook ({exc}). Save it again as .xlsx.") from exc
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise SourceError(
                f"{path}: has no sheet named {sheet!r}. Sheets in this workbook: "
                + ", ".join(repr(s) for s in workbook.sheetnames)
                + ". Fix `sheet:` in the mapping."
            )
        numbered = list(_numbered_rows(worksheet))
        title = worksheet.title
    finally:
        workbook.close()
    if _has_formulas(path):
        _mark_uncached_formulas(path, title, numbered)
    return _build_table(path, title, numbered)


class UncachedFormula:
    """A formula cell saved without its result (written by a program, never opened in Excel).

    Its value is unknown, so it must not pass for an empty cell; the student builder reports it.
    """

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"UncachedFormula({self.formula!r})"


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        sheets = (archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        return any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def _mark_uncached_formulas(path: Path, title: str, numbered: list[tuple[int, list[Any]]]) -> None:
    """Second pass over the formulas themselves: a formula whose cached result is missing is flagged."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = dict(_numbered_rows(workbook[title]))
    finally:
        workbook.close()
    for number, values in numbered:
        for index, value in enumerate(values):
            formula = formulas.get(number, [])[index] if index < len(formulas.get(number, [])) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                values[index] = UncachedFormula(formula)


def _numbered_rows(worksheet) -> Iterator[tuple[int, list[Any]]]:
    """Rows with the number Excel shows; read-only sheets pad gaps with cells that have no row."""
    number = 0
    for cells in worksheet.iter_rows():
        number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
        yield number, [c.value for c in cells]


def _decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{path}: contains NUL bytes, so it is not a plain text CSV. "
            "Export it again from your spreadsheet as 'CSV UTF-8'."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = text[:64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_delimited(path: Path) -> Table:
    text = _decode_text(path, path.read_bytes())
    delimiter = _sniff_delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_rows = [(number, values) for number, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise SourceError(f"{path}: line {reader.line_num}: {exc}. Export the file again as CSV.") from exc
    return _build_table(path, None, raw_rows)
