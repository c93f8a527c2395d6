"""Turning raw cell values into the typed values templates use.

Spreadsheet cells arrive as whatever Excel or a CSV export made of them: IDs as floats
(``1001.0``), dates as datetimes, Excel serial numbers or text in several styles, yes/no as
``Y``/``x``/``TRUE``. Each converter accepts all of those and raises ``ValueError`` with a
phrase the caller puts behind a cell location. The phrase never repeats the cell's value: error
output must not leak student data, and the location is enough to find it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from generator.sources.numfmt import display, display_leap_day, general_number

# Characters XML 1.0 forbids. Excel uses vertical tab (\x0b) for a line break inside a cell,
# and form feed (\x0c) would become a page break in docxtpl; both become plain line breaks.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

TRUE_WORDS = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "checked", "☑", "☒"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "", "unchecked", "☐"}
# What a checkbox column's cells say: Excel's and Google Sheets' TRUE/FALSE, checked/unchecked, ☑/☐,
# x or blank, yes/no. Not 1/0 or T/F, which columns of counts or of letters hold too.
CHECKED_WORDS = {"true", "checked", "☑", "☒", "✓", "✔", "x", "yes", "y"}
UNCHECKED_WORDS = {"false", "unchecked", "☐", "no", "n"}

MONTH_FIRST_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y")  # 03/04/2015 is 4 March (US)
DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y")  # 03/04/2015 is 3 April (when date_format says so)
NUMERIC_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})")
TEXT_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d.%m.%Y",  # dots: always day first (German, Swiss, Nordic sheets)
    "%d.%m.%y",
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (from serial 61 on, past Excel's fake 1900-02-29)
EXCEL_1904_EPOCH = dt.date(1904, 1, 1)  # workbooks saved in the 1904 date system (old Mac Excel)
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def column_letter(index: int) -> str:
    """0-based column index to Excel's letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_text(text: str) -> str:
    """Text safe to place in a Word document: XML-forbidden characters gone, line breaks kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_BREAKS)
    text = text.replace("\t", " ")
    return _FORBIDDEN.sub("", text)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class SheetValue:
    """What a spreadsheet cell carries beyond its value: the text Excel shows and the date system.

    A number formatted as ``0%`` holds 0.8 and shows ``80%``; a plan's text field must print what the
    therapist sees, while an integer or date field uses the value. Only cells whose display differs
    from the plain value (or that come from a 1904-date-system workbook) carry these. The displayed
    text is worked out from the number format when first asked for: most cells are never printed.
    """

    text: str | None = None  # the displayed text when known up front (a CSV's "45,0")
    number_format: str | None = None  # Excel's number format, to work the displayed text out from
    format_id: int = 0
    epoch: dt.date = EXCEL_EPOCH  # day 0 of the workbook's date system, for serial numbers typed as dates

    @property
    def shown(self) -> str | None:
        """The text Excel displays; None: the plain value's text."""
        if self.text is None and self.number_format is not None:
            self.text = display(self, self.number_format, self.format_id)
            self.number_format = None
        return self.text


# A large caseload has a hundred thousand formatted cells: slots keep each one small (an int subclass
# cannot have them; ``sheet_value`` sets every attribute, so no slot is ever read unset).
_SLOTS = ("text", "number_format", "format_id", "epoch")


class SheetInt(SheetValue, int):
    pass


class SheetFloat(SheetValue, float):
    __slots__ = _SLOTS


class SheetDatetime(SheetValue, dt.datetime):
    __slots__ = _SLOTS


class SheetTime(SheetValue, dt.time):
    __slots__ = _SLOTS


class SheetTimedelta(SheetValue, dt.timedelta):
    __slots__ = _SLOTS


def sheet_value(
    value: Any,
    shown: str | None = None,
    epoch: dt.date = EXCEL_EPOCH,
    number_format: str | None = None,
    format_id: int = 0,
) -> Any:
    """``value`` carrying its displayed text (or number format) and date system; plain when none adds anything."""
    if (shown is None and number_format is None and epoch == EXCEL_EPOCH) or isinstance(value, bool):
        return value
    if isinstance(value, int):
        result: Any = SheetInt(value)
    elif isinstance(value, float):
        result = SheetFloat(value)
    elif isinstance(value, dt.datetime):
        result = SheetDatetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond
        )
    elif isinstance(value, dt.time):
        result = SheetTime(value.hour, value.minute, value.second, value.microsecond)
    elif isinstance(value, dt.timedelta):
        result = SheetTimedelta(value.days, value.seconds, value.microseconds)
    else:
        return value
    result.text = shown
    result.number_format = number_format
    result.format_id = format_id
    result.epoch = epoch
    return result


LEAP_DAY = (
    "not a real date: Excel's 1900 date system has a 29 February 1900 that never was (serial 60). "
    "Type the real date in the cell"
)


class ExcelLeapDay(SheetValue):
    """Serial 60 in a date-formatted cell of a 1900-system workbook: Excel shows 29 February 1900.

    No Python date can hold that day, and no real date stands for it (the days before it are where
    Excel says, the days after it too). A text field prints it as Excel shows it; a date field
    refuses it, naming the cell, rather than print 28 February or 1 March.
    """

    def __init__(self, serial: float) -> None:
        self.serial = serial
        self.text = None
        self.number_format = None
        self.format_id = 0
        self.epoch = EXCEL_EPOCH

    @property
    def shown(self) -> str | None:
        if self.text is None and self.number_format is not None:
            self.text = display_leap_day(self.number_format, self.format_id, self.serial % 1)
            self.number_format = None
        return self.text

    def formatted(self, pattern: str) -> str:
        """In a strftime pattern (the mapping's ``date_format``), from a leap year's 29 February with the
        same weekday, the year written as 1900."""
        pattern = pattern.replace("%%", "\0").replace("%Y", "1900").replace("%y", "00").replace("%G", "1900")
        return format_date(dt.date(1928, 2, 29), pattern).replace("\0", "%")

    def __str__(self) -> str:
        return self.formatted("%m/%d/%Y")

    def __repr__(self) -> str:
        return f"ExcelLeapDay({self.serial!r})"


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


def to_text(value: Any, date_format: str = "%m/%d/%Y") -> str:
    """Any cell as the text a person would read in the sheet."""
    if value is None:
        return ""
    shown = getattr(value, "shown", None)
    if shown is not None:
        return clean_text(shown).strip()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return general_number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return format_date(value.date(), date_format)
        return format_date(value.date(), date_format) + value.strftime(" %H:%M")
    if isinstance(value, dt.date):
        return format_date(value, date_format)
    if isinstance(value, ExcelLeapDay):
        return value.formatted(date_format)
    return clean_text(str(value)).strip()


BOOLEAN_CELL = "a TRUE/FALSE cell"


def to_integer(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{BOOLEAN_CELL}, not a number")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("not a whole number")
    text = str(value).strip()
    if "," in text:
        if not THOUSANDS.fullmatch(text):  # "45,0" is a decimal comma, not forty-five thousand
            raise ValueError("not a number with a decimal point (a decimal comma needs 'number_locale' in the mapping)")
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)


def is_checkbox_column(values: Iterable[Any]) -> bool:
    """Every filled cell is a TRUE/FALSE cell or a checkbox word (and one is filled): the column is a checkbox."""
    filled = False
    for value in values:
        if is_blank(value):
            continue
        if not isinstance(value, bool) and (
            not isinstance(value, str) or value.strip().casefold() not in CHECKED_WORDS | UNCHECKED_WORDS
        ):
            return False
        filled = True
    return filled


class CheckboxText(str):
    """What a checkbox cell shows (``FALSE``, ``☐``, ``No``), false in a template's ``{% if %}`` when unchecked.

    A text field reading a checkbox column prints what the sheet shows, while ``{% if ota %}`` must
    mean what the sheet means: a plain "FALSE" text would be true and print "OTA co-treats".
    """

    checked: bool

    def __new__(cls, text: str, checked: bool) -> CheckboxText:
        instance = super().__new__(cls, text)
        instance.checked = checked
        return instance

    def __bool__(self) -> bool:
        return self.checked

    def __reduce__(self) -> tuple[type[CheckboxText], tuple[str, bool]]:  # keep the truth across pickling
        return (CheckboxText, (str(self), self.checked))


def checkbox_text(value: Any) -> Any:
    """A checkbox cell's text as ``CheckboxText`` (true when checked); any other value unchanged."""
    if isinstance(value, bool):
        return CheckboxText("TRUE" if value else "FALSE", value)  # as Excel and Google Sheets show it
    if isinstance(value, str) and not isinstance(value, CheckboxText):
        word = value.strip().casefold()
        if word in CHECKED_WORDS | UNCHECKED_WORDS:
            return CheckboxText(value, word in CHECKED_WORDS)
    return value


class ShownNumber(float):
    """A number that compares and adds as one but prints as the sheet shows it (``80%``, ``1,234.50``).

    A ``number`` field keeps the therapist's formatting in the plan while ``{% if score > 2.5 %}``
    still compares numbers; arithmetic gives a plain float.
    """

    __slots__ = ("shown",)
    shown: str

    def __new__(cls, value: float, shown: str) -> ShownNumber:
        instance = super().__new__(cls, value)
        instance.shown = shown
        return instance

    def __str__(self) -> str:
        return self.shown

    def __reduce__(self) -> tuple[type[ShownNumber], tuple[float, str]]:  # keep the shown text across pickling
        return (ShownNumber, (float(self), self.shown))


def to_number(value: Any) -> ShownNumber:
    """A number with or without decimals, printed as the sheet shows it; thousands commas allowed."""
    if isinstance(value, bool):
        raise ValueError(f"{BOOLEAN_CELL}, not a number")
    shown = to_text(value)
    if isinstance(value, (int, float)):
        return ShownNumber(float(value), shown)
    text = shown
    if "," in text:
        if not THOUSANDS.fullmatch(text):  # "45,0" is a decimal comma, not forty-five thousand
            raise ValueError("not a number with a decimal point (a decimal comma needs 'number_locale' in the mapping)")
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a number")
    return ShownNumber(number, shown)


def to_bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("not yes/no (use Yes, No, Y, N, TRUE, FALSE, x or leave it blank)")


def is_day_first(date_format: str) -> bool:
    """Whether a strftime pattern puts the day before the month (``%d/%m/%Y``): text dates are then read so."""
    day = min((date_format.find(d) for d in ("%d", "%-d", "%e") if d in date_format), default=-1)
    month = min((date_format.find(m) for m in ("%m", "%-m", "%b", "%B") if m in date_format), default=-1)
    return 0 <= day < month


def date_orders(value: Any) -> str | None:
    """For a text date like 03/04/2015: ``both`` (either order makes a date), ``month`` or ``day`` (only
    month first, or only day first), None when it is no such text date or makes a date in neither."""
    if not isinstance(value, str):
        return None
    match = NUMERIC_DATE.fullmatch(_without_midnight(" ".join(value.split())))
    if match is None:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    year = year + (2000 if year < 69 else 1900) if len(match.group(4)) == 2 else year
    month_first, day_first = _valid(year, first, second), _valid(year, second, first)
    if month_first and day_first:
        return "both"
    return "month" if month_first else "day" if day_first else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _without_midnight(text: str) -> str:
    return re.sub(r"([T ]00:00(:00)?| 12:00(:00)? ?AM)$", "", text, flags=re.IGNORECASE)  # midnight, 24h or 12h


def to_date(value: Any, day_first: bool = False) -> dt.date | None:
    """A date from any cell: a date cell, an Excel serial, or text; ``day_first`` reads 03/04/2015 as 3 April."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{BOOLEAN_CELL}, not a date")
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, ExcelLeapDay):
        raise ValueError(LEAP_DAY)
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466:  # Excel serial dates, 1900-01-01 .. 9999-12-31
            return serial_date(int(value), getattr(value, "epoch", EXCEL_EPOCH))
        raise ValueError("not a date (use e.g. 2026-10-03 or 10/3/2026)")
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    text = _without_midnight(text)
    for pattern in (*(DAY_FIRST_FORMATS if day_first else MONTH_FIRST_FORMATS), *TEXT_DATE_FORMATS):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("not a date (use e.g. 2026-10-03 or 10/3/2026)")


def serial_date(serial: int, epoch: dt.date = EXCEL_EPOCH) -> dt.date:
    """The day Excel shows for a serial number: in the 1900 system serials 1-59 are a day later than
    counting from day 0 gives (Excel's 29 February 1900, serial 60, sits between), and 60 is refused."""
    if epoch == EXCEL_EPOCH and serial < 61:
        if serial == 60:
            raise ValueError(LEAP_DAY)
        serial += 1
    return epoch + dt.timedelta(days=serial)


# a mark a hand-kept list puts before each item: "• pencil grip", "- breaks", "1) Copy a sentence", "2. Cut"
_ITEM_MARK = re.compile(
    r"^(?:[\u2022\u25e6\u25aa\u25ab\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u27a2\u27a4\u25ba\u25b8\u2713\u2714\u00b7*\u2013\u2014-]|\(?\d{1,2}[.)])(?:\s+|$)"
)
_INLINE_NUMBER = re.compile(r"\s+(?=\(?\d{1,2}[.)]\s)")


def to_list(value: Any, separator: str = ";") -> list[str]:
    """A cell's items, each without the bullet or number the sheet typed before it (the plan lists and
    numbers them itself); ``1) Copy 2) Open`` typed on one line is two items when numbered from 1 in order."""
    if is_blank(value):
        return []
    items = []
    for part in to_text(value).split(separator):
        items += _numbered_inline(part.strip())
    return [_ITEM_MARK.sub("", item).strip() for item in items if _ITEM_MARK.sub("", item).strip()]


def _numbered_inline(text: str) -> list[str]:
    """``1) Copy a sentence 2) Open containers`` -> its two items; any other text as it is."""
    pieces = _INLINE_NUMBER.split(text)
    numbers = [re.match(r"\(?(\d{1,2})[.)]\s", piece) for piece in pieces]
    if len(pieces) < 2 or not all(numbers) or [int(m[1]) for m in numbers if m] != list(range(1, len(pieces) + 1)):
        return [text]
    return pieces


def format_date(value: dt.date, pattern: str) -> str:
    """strftime that also understands %-d / %-m (no leading zero) on every platform."""
    pattern = pattern.replace("%-d", str(value.day)).replace("%-m", str(value.month))
    return value.strftime(pattern)


class FormattedDate(dt.date):
    """A date that prints in the mapping's format but still compares and does arithmetic.

    Templates write ``{{ dob }}`` and get "03/14/2015"; selection compares real dates.
    """

    __slots__ = ("fmt",)  # one per date field per student: no __dict__ each
    fmt: str

    def __new__(cls, value: dt.date, fmt: str = "%m/%d/%Y") -> FormattedDate:
        instance = super().__new__(cls, value.year, value.month, value.day)
        instance.fmt = fmt
        return instance

    def __str__(self) -> str:
        return format_date(self, self.fmt)

    def __reduce__(
        self,
    ) -> tuple[type[FormattedDate], tuple[dt.date, str]]:  # keep the format across pickling (parallel rendering)
        return (FormattedDate, (dt.date(self.year, self.month, self.day), self.fmt))

    def strftime(self, fmt: str) -> str:
        return dt.date.strftime(self, fmt.replace("%-d", str(self.day)).replace("%-m", str(self.month)))


CODE_LABEL = re.compile(r"^\s*([^\s-][^-]*?)\s+-\s+(.*)$", re.DOTALL)


def normalize_header(text: Any) -> str:
    """Headers typed by people carry stray spaces, newlines and capitals; compare without them."""
    return " ".join(str(text).split()).casefold()


def normalize_value(value: Any) -> str:
    """How cell values are compared in maps and filters: trimmed, spacing collapsed, case-free."""
    return normalize_header(to_text(value))


def split_code(text: str, part: str) -> str:
    """``450 - Occupational therapy`` -> ``450`` (code) or ``Occupational therapy`` (label)."""
    match = CODE_LABEL.match(text)
    if not match:
        return text.strip() if part == "code" else ""
    return match.group(1).strip() if part == "code" else match.group(2).strip()
