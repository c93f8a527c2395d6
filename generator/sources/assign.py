"""Telling downloaded reports apart by their header row, whatever the files were named.

A therapist downloads three reports into a folder and keeps the names the browser gave them; each
report's header row says what it is. A file that fits no report, or two files that fit one, stop
the run with their names: guessing which file is which could put one report's rows in another's
place.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import SourceError
from generator.sources.tables import EXCEL_SUFFIXES, Table, normalize_header

REPORT_SUFFIXES = EXCEL_SUFFIXES | {".csv", ".tsv"}


def report_files(folder: Path) -> list[Path]:
    """The spreadsheets directly in a folder, by name; hidden files and Excel's ~$ lock files skipped."""
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith((".", "~$"))
    )
    if not files:
        raise SourceError(
            f"{folder}: has no .csv or .xlsx files. Download the reports into this folder, or "
            "point --source at the files."
        )
    return files


def has_headers(table: Table, headers: list[str]) -> bool:
    present = {normalize_header(name) for name in table.column_names()}
    return all(normalize_header(h) in present for h in headers)


def assign_tables(tables: list[Table], signatures: dict[str, list[str]]) -> dict[str, Table]:
    """Each table to the one report whose identifying headers it has; every mismatch reported at once."""
    problems: list[str] = []
    chosen: dict[str, list[Table]] = {}
    for table in tables:
        fits = [name for name, headers in signatures.items() if headers and has_headers(table, headers)]
        if len(fits) == 1:
            chosen.setdefault(fits[0], []).append(table)
        elif fits:
            problems.append(
                f"{table.label}: has the headers of more than one report ({', '.join(fits)}); name it "
                f"with --source {fits[0]}=PATH."
            )
        else:
            problems.append(
                f"{table.label}: is none of the reports this mapping reads (its header row lacks "
                "the headers that identify each one)."
            )
    for name, found in chosen.items():
        if len(found) > 1:
            problems.append(
                f"{' and '.join(t.label for t in found)}: are all the {name!r} report; keep one, or "
                f"name it with --source {name}=PATH."
            )
    if problems:
        expected = [
            f"  {name}: {', '.join(repr(h) for h in headers)}" for name, headers in signatures.items() if headers
        ]
        raise SourceError("\n".join(problems + ["Headers that identify each report:"] + expected))
    return {name: found[0] for name, found in chosen.items()}
