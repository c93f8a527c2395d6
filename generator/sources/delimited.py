"""Reading CSV and tab-separated exports: the text encoding, the delimiter and the decimal separator.

A European Excel saves ``;``-separated files with decimal commas: ``45,0`` minutes is 45, never
450. The delimiter and the decimal separator are recognized together from the file (or set with
``number_locale`` in the mapping), and numbers written with a decimal comma are read as numbers that
still print as written. A file saved by two programs (a UTF-8 BOM, then Windows-1252 text) has its
non-UTF-8 bytes read as Windows-1252; bytes that are neither are refused with the line named. A file
in an old single-byte encoding is read as Windows-1252 or Mac Roman, whichever makes words (see
``decode_text``); lines may end in CR LF, LF or a lone CR (Mac).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
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
        raise SourceError(f"{path}: line {reader.line_num}: {exc}. {RE_EXPORT}.") from exc
    if (decimal or detect_decimal(path, rows, delimiter)) == ",":
        for _number, values in rows:
            values[:] = [_comma_number(v) for v in values]
    return rows


RE_EXPORT = "Open it in your spreadsheet and export it again as 'CSV UTF-8'"
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode_text(path: Path, data: bytes) -> str:
    """The file's text, whichever encoding the program that saved it used.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM, or UTF-16 without one when every other
    byte is NUL), else an old single-byte encoding: Windows-1252 (Excel for Windows' "CSV") or Mac
    Roman (Excel for Mac's "CSV (Macintosh)", whose lines end in a lone CR), told apart by which one
    makes words of the letters. A file mostly UTF-8 with some Windows-1252 bytes (saved by two
    programs) keeps both. What cannot be read safely is refused naming the line and what to export.
    """
    if data.startswith(UTF32_BOMS):
        return _decode_wide(path, data, "utf-32")
    if data.startswith(UTF16_BOMS):
        return _decode_wide(path, data, "utf-16")
    wide = _utf16_without_bom(data)
    if wide is not None:
        return _decode_wide(path, data, wide)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(
            f"{path}: line {_line_at(data, nul)} holds a NUL byte, so the file is not plain "
            f"text (or is damaged there). {RE_EXPORT}."
        )
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if not _has_utf8_sequences(data):
        return _single_byte(path, data)
    try:
        return data.decode("utf-8", errors=_CP1252_FALLBACK)
    except _Undecodable as exc:
        raise SourceError(
            f"{path}: line {_line_at(data, exc.position)} holds bytes that are neither UTF-8 nor Windows-1252 "
            f"text, so its letters cannot be read safely. {RE_EXPORT}."
        ) from None


def _line_at(data: bytes, position: int) -> int:
    """The line number of a byte position, whatever the line ends (CR LF, LF, or a Mac's lone CR)."""
    head = data[:position]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _decode_wide(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        good = data[: exc.start - exc.start % (4 if "32" in encoding else 2)].decode(encoding, "replace")
        line = good.count("\n") + good.count("\r") - good.count("\r\n") + 1
        raise SourceError(
            f"{path}: line {line}: starts as {encoding.upper()} text but is damaged there. {RE_EXPORT}."
        ) from None
    if "\x00" in text:
        line = _line_at(text.encode("utf-8"), text.encode("utf-8").index(b"\x00"))
        raise SourceError(f"{path}: line {line} holds a NUL character, so the file is damaged there. {RE_EXPORT}.")
    return text.removeprefix("\ufeff")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: a NUL beside nearly every ASCII byte, on the same side."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    pairs = len(sample) // 2
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd >= 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd == 0:
        return "utf-16-be"
    return None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(data: bytes) -> bool:
    return _UTF8_SEQUENCE.search(data) is not None


def _single_byte(path: Path, data: bytes) -> str:
    """Windows-1252, or Mac Roman when the lines end in a lone CR (what Mac Excel's "CSV (Macintosh)" writes).

    The other one is taken instead when the first makes letters that fit no word and the other makes
    words: in Mac Roman é is 0x8E, which Windows-1252 reads as Ž, and Windows-1252's é (0xE9) is È in
    Mac Roman. Text that reads as words in neither is refused.
    """
    mac_line_ends = b"\r" in data and b"\n" not in data
    first, second = ("mac_roman", "cp1252") if mac_line_ends else ("cp1252", "mac_roman")
    readings: dict[str, tuple[str, int]] = {}
    for encoding in (first, second):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings[encoding] = (text, _letter_score(text))
    first_ok = first in readings and (readings[first][1] > 0 or (readings[first][1] == 0 and first == "cp1252"))
    if first_ok:
        return readings[first][0]
    if second in readings and readings[second][1] > 0:
        return readings[second][0]
    line = _line_at(data, next(i for i, byte in enumerate(data) if byte >= 0x80))
    raise SourceError(
        f"{path}: line {line} holds bytes that are neither UTF-8 nor Windows-1252 text (read as Mac "
        f"text, the letters make no words either), so its letters cannot be read safely. {RE_EXPORT}."
    )


_NEUTRAL = set("©®™°±§¶·•€£¥¢")
_APOSTROPHES = set("'’‘")
_COMMON_LETTERS = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ")


def _letter_score(text: str) -> int:
    """How well the non-ASCII characters read as words: +1 for an accented letter common in names and
    words, -1 for a capital inside a lower-case word, for a symbol beside a letter, and for punctuation
    (other than an apostrophe) squeezed between two letters. Quotes and dashes are ordinary elsewhere."""
    score = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char.isalpha():
            if char.isupper() and before.isalpha() and before.islower():
                score -= 1
            elif char in _COMMON_LETTERS:
                score += 1
        elif char in _NEUTRAL or char in _APOSTROPHES or unicodedata.category(char)[0] in "PZ":
            score -= 1 if char not in _APOSTROPHES and before.isalpha() and after.isalpha() else 0
        elif before.isalpha() or after.isalpha():
            score -= 1
    return score


class _Undecodable(Exception):
    def __init__(self, position: int):
        super().__init__(position)
        self.position = position


def _cp1252_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 read as Windows-1252: a file saved partly by Excel, partly by a UTF-8 editor."""
    assert isinstance(error, UnicodeDecodeError)
    try:
        return error.object[error.start : error.end].decode("cp1252"), error.end
    except UnicodeDecodeError:
        raise _Undecodable(error.start) from None


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
