"""Reading CSV and tab-separated exports: the text encoding, the delimiter and the decimal separator.

A European Excel saves ``;``-separated files with decimal commas: ``45,0`` minutes is 45, never
450. The delimiter and the decimal separator are recognized together from the file (or set with
``number_locale`` in the mapping), and numbers written with a decimal comma are read as numbers that
still print as written. A file saved by two programs (a UTF-8 BOM, then Windows-1252 text) has its
non-UTF-8 bytes read as Windows-1252; bytes that are neither are refused with the line named.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

from generator.errors import SourceError
from generator.sources.cells import sheet_value

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAMPLE = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")  # in order of preference when two split the lines equally well

# Locales by their decimal separator (the language part of en-US, de_CH...); Swiss German uses a point.
COMMA_LOCALES = {
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
    "ru",
    "sv",
    "da",
    "fi",
    "nb",
    "nn",
    "no",
    "cs",
    "sk",
    "tr",
    "id",
    "ro",
    "hu",
    "el",
    "uk",
    "bg",
    "hr",
    "sl",
    "lt",
    "lv",
    "et",
    "ca",
    "eu",
    "gl",
    "is",
}
POINT_LOCALES = {
    "en",
    "us",
    "uk",
    "gb",
    "ja",
    "zh",
    "ko",
    "he",
    "th",
    "hi",
    "ms",
    "tl",
    "ga",
    "cy",
    "mt",
    "de-ch",
    "fr-ch",
    "it-ch",
}

# Cells that can only be read one way: 45,0 / 1.234,5 (decimal comma) and 45.25 / 1,234.5 (decimal point).
# 1,234 or 1.234 alone could be either (a thousand, or one and a bit) and decides nothing.
_COMMA_NUMBER = re.compile(r"[-+]?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3}){2,})")
_POINT_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3}){2,})")
_COMMA_READABLE = re.compile(r"[-+]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)")


def decimal_for_locale(name: str) -> str | None:
    """``de`` / ``de-DE`` / ``fr_FR`` -> ``,``; ``en`` / ``de-CH`` -> ``.``; None for a locale not known here."""
    code = name.strip().lower().replace("_", "-")
    if code in POINT_LOCALES:
        return "."
    language = code.split("-")[0]
    if language in COMMA_LOCALES:
        return ","
    if language in POINT_LOCALES:
        return "."
    return None


def read_delimited(path: Path, decimal: str | None = None) -> list[tuple[int, list[Any]]]:
    """The file's records numbered as a spreadsheet would number them; decimal-comma numbers as numbers."""
    text = decode_text(path, path.read_bytes())
    delimiter = sniff_delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[tuple[int, list[Any]]] = [(number, values) for number, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise SourceError(f"{path}: line {reader.line_num}: {exc}. Export the file again as CSV.") from exc
    if (decimal or detect_decimal(path, rows, delimiter)) == ",":
        for _number, values in rows:
            values[:] = [_comma_number(v) for v in values]
    return rows


def decode_text(path: Path, data: bytes) -> str:
    """UTF-16 or UTF-8 (with or without BOM); bytes that are not UTF-8 are read as Windows-1252."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(
                f"{path}: starts as UTF-16 text but is damaged further on. Export it again from "
                "your spreadsheet as 'CSV UTF-8'."
            ) from None
    if b"\x00" in data:
        raise SourceError(
            f"{path}: contains NUL bytes, so it is not a plain text CSV. "
            "Export it again from your spreadsheet as 'CSV UTF-8'."
        )
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8", errors=_CP1252_FALLBACK)
    except _Undecodable as exc:
        raise SourceError(
            f"{path}: line {exc.line} holds bytes that are neither UTF-8 nor Windows-1252 text, so "
            "its letters cannot be read safely. Open the file in your spreadsheet and export it again "
            "as 'CSV UTF-8'."
        ) from None


class _Undecodable(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _cp1252_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 read as Windows-1252: a file saved partly by Excel, partly by a UTF-8 editor."""
    assert isinstance(error, UnicodeDecodeError)
    try:
        return error.object[error.start : error.end].decode("cp1252"), error.end
    except UnicodeDecodeError:
        raise _Undecodable(error.object.count(b"\n", 0, error.start) + 1) from None


_CP1252_FALLBACK = "plangen-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_for_invalid_utf8)


def sniff_delimiter(path: Path, text: str) -> str:
    """The delimiter that splits the most lines into the same number of cells (title lines split into one)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = "\n".join([line for line in text[:SAMPLE].splitlines() if line.strip()][:100])
    best: tuple[int, int] = (0, 0)
    chosen = ","
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue
        if widths:
            width, lines = Counter(widths).most_common(1)[0]
            if (lines, width) > best:
                best, chosen = (lines, width), delimiter
    return chosen


def detect_decimal(path: Path, rows: list[tuple[int, list[Any]]], delimiter: str) -> str:
    """The decimal separator the numbers are written with; a file that uses both is refused."""
    comma = point = None
    for number, values in rows:
        for value in values:
            text = value.strip()
            if comma is None and _COMMA_NUMBER.fullmatch(text):
                comma = number
            elif point is None and _POINT_NUMBER.fullmatch(text):
                point = number
        if comma and point:
            raise SourceError(
                f"{path}: numbers are written with a decimal comma (line {comma}) and with a decimal point (line "
                f"{point}), so they cannot be read safely. Set `number_locale:` in the mapping (e.g. 'de' for "
                "1.234,5 or 'en' for 1,234.5), or make the numbers in the file agree."
            )
    if comma:
        return ","
    if point:
        return "."
    return "," if delimiter == ";" else "."


def _comma_number(value: str) -> Any:
    text = value.strip()
    if not _COMMA_READABLE.fullmatch(text):
        return value
    number = float(text.replace(".", "").replace(",", "."))
    return sheet_value(int(number) if number.is_integer() and "," not in text else number, value)
