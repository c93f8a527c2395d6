"""Caseload and report files as tables of rows that remember where they came from.

Every later error message ("caseload.xlsx, sheet Caseload, cell D12") depends on the provenance
kept here, so rows are never detached from their file, sheet and row number as Excel shows it.
Reading is split by responsibility: ``excel`` (workbooks), ``delimited`` (CSV/TSV), ``headers``
(where the table sits in the sheet), ``numfmt`` (what Excel displays for a number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SourceError
from generator.sources.cells import UncachedFormula, column_letter, is_blank, normalize_header
from generator.sources.headers import locate

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


__all__ = ["Column", "Location", "Row", "Table", "UncachedFormula", "column_letter", "read_table"]


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
    title_rows: list[int] = field(default_factory=list)  # non-blank rows above the header, skipped
    skipped_rows: list[int] = field(default_factory=list)  # rows left out as no students (totals, blocks below)

    @property
    def warnings(self) -> list[str]:
        """What the therapist should know about how the sheet was read (never a cell value)."""
        if not self.skipped_rows:
            return []
        rows = ", ".join(str(n) for n in self.skipped_rows)
        what = "row" if self.sheet is not None else "line"
        return [
            f"{self.label}: {what}(s) {rows} were skipped: they look like a total, a note, a footer, a repeated "
            "header row, or a block below the students (such as discharged students), not a student. If one is "
            "a student, move it up among the others and fill in its row like theirs."
        ]

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


def read_table(
    path: Path, sheet: str | None = None, *, header_row: int | None = None, decimal: str | None = None
) -> Table:
    """Read a spreadsheet or delimited text file: the header row is found below any title rows.

    ``header_row`` forces the header's row number; ``decimal`` forces a CSV's decimal separator.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: file not found. Check the --source path or the mapping's source.")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a spreadsheet. Point --source at a .xlsx or .csv file.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        from generator.sources.excel import read_sheet

        raw = read_sheet(path, sheet)
        return build_table(path, raw.title, raw.rows, header_row)
    if suffix in TEXT_SUFFIXES:
        from generator.sources.delimited import read_delimited

        return build_table(path, None, read_delimited(path, decimal), header_row)
    if suffix == ".xls":
        raise SourceError(
            f"{path}: old binary Excel (.xls) files are not supported. "
            "Open it in Excel or LibreOffice and save it as .xlsx."
        )
    raise SourceError(f"{path}: unsupported file type {suffix or '(none)'!r}. Use .xlsx, .xlsm, .csv or .tsv.")


def build_table(
    path: Path, sheet: str | None, raw_rows: list[tuple[int, list[Any]]], header_row: int | None = None
) -> Table:
    """A table from numbered rows: header located, title and trailing rows set aside."""
    label = path.name if sheet is None else f"{path.name}, sheet {sheet!r}"
    layout = locate(raw_rows, label, header_row, spreadsheet=sheet is not None)
    columns = [Column(name=" ".join(str(v).split()), index=i) for i, v in enumerate(layout.header) if not is_blank(v)]
    rows = [
        Row(values=values if isinstance(values, list) else list(values), location=Location(path.name, sheet, n))
        for n, values in layout.data
    ]  # the reader's own lists, not copies: a large caseload is held once
    return Table(
        path=path,
        sheet=sheet,
        columns=columns,
        rows=rows,
        header_row=layout.header_row,
        title_rows=layout.title_rows,
        skipped_rows=layout.trailer_rows,
    )
