"""How a source's table is laid out, when plangen's own reading needs help: ``header_row`` and ``number_locale``.

``header_row: 3`` says the column names are on row 3 (for a sheet whose title rows plangen cannot
tell from headers); ``number_locale: de`` (or ``{decimal: ","}``) says a CSV writes ``45,0`` for
forty-five. Both are found from the file by default; these settings force them.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.mapping.yamlfile import LineDict, YamlReader
from generator.sources.delimited import decimal_for_locale

LAYOUT_KEYS = ("header_row", "number_locale")


@dataclass(frozen=True)
class Layout:
    header_row: int | None = None  # the header's row number as the sheet shows it; None: found
    decimal: str | None = None  # "," or "." for CSV numbers; None: recognized from the file


def read_layout(reader: YamlReader, data: LineDict, what: str) -> Layout:
    """``header_row`` and ``number_locale`` of a source (or of the mapping's one source)."""
    header_row = data.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        raise reader.fail(
            data.line_of("header_row"),
            f"{what} 'header_row' must be a row number (1 or more), as the spreadsheet numbers its rows.",
        )
    return Layout(header_row, _decimal(reader, data, what))


def _decimal(reader: YamlReader, data: LineDict, what: str) -> str | None:
    value = data.get("number_locale")
    if value is None:
        return None
    line = data.line_of("number_locale")
    if isinstance(value, LineDict):
        reader.check_keys(value, ("decimal",), f"{what} 'number_locale'")
        decimal = value.get("decimal")
        if decimal in (",", "."):
            return decimal
        raise reader.fail(line, f'{what} \'number_locale\': decimal must be "," or "." (in quotes).')
    if isinstance(value, str) and decimal_for_locale(value):
        return decimal_for_locale(value)
    raise reader.fail(
        line,
        f"{what} 'number_locale' must be a language code such as en, de or fr (e.g. 'de' for "
        "1.234,5 and 'en' for 1,234.5), or {decimal: \",\"}.",
    )
