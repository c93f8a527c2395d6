"""Excel number formats: the text Excel displays for a cell (``80%``, ``$12.50``, ``1,234``, ``Mar 4, 2018``).

A plan's text field prints what the therapist sees in the sheet, not the stored number (0.8, 12.5).
``display`` returns None when the plain value's text is already right (General) or when the format is
the reader's own short date (Excel shows built-in formats 14 and 22 in the computer's regional
style, so the mapping's ``date_format`` stands in for it); the caller then falls back to that.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

_DAY_0 = dt.date(1899, 12, 30)  # day 0 of the 1900 date system
LOCALE_DATE_FORMATS = {14, 22}  # "short date" and "short date + time": shown in the reader's regional style
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Separators (decimal, thousands) by the primary language of a [$-LCID] tag; English when absent.
_COMMA_DECIMAL_DOT_GROUPS = {0x07, 0x10, 0x0A, 0x13, 0x16, 0x06, 0x1F, 0x21, 0x1A, 0x24, 0x03}
_COMMA_DECIMAL_SPACE_GROUPS = {0x0C, 0x19, 0x15, 0x05, 0x1D, 0x14, 0x0B, 0x0E, 0x22, 0x1B, 0x26, 0x27, 0x25}
_SWISS_GERMAN = 0x0807

_TOKEN = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|[^"\\_*\[]', re.DOTALL)


def general_number(value: float) -> str:
    """A number as Excel's General format shows it: 15 significant digits, no ``.0`` on whole numbers."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    return text if "e" not in text else repr(value)


def display(value: Any, fmt: str | None, fmt_id: int = 0) -> str | None:
    """The text Excel shows for ``value`` under number format ``fmt``; None when the plain text is right."""
    if not fmt or fmt == "General" or fmt_id in LOCALE_DATE_FORMATS or isinstance(value, (bool, str)):
        return None
    try:
        if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
            # Excel counts 1900 as a leap year: its weekdays before 1 March 1900 are one day behind
            early = (
                isinstance(value, dt.date)
                and (value.year, value.month) < (1900, 3)
                and getattr(value, "epoch", _DAY_0) == _DAY_0
            )
            return _format_datetime(value, _pick_section(fmt, None)[0], weekday_shift=-1 if early else 0)
        if isinstance(value, (int, float)):
            return _format_number(float(value), fmt)
    except (ValueError, OverflowError, ArithmeticError):
        return None  # a format this reader does not understand: the plain value is still right
    return None


# 29 February 1900 exists only in Excel's 1900 date system; 1928-02-29 stands in for it, the same weekday
# (Wednesday) as Excel gives it, with the year printed as 1900.
_LEAP_DAY_STAND_IN = dt.datetime(1928, 2, 29)


def display_leap_day(fmt: str | None, fmt_id: int, fraction: float = 0.0) -> str | None:
    """The text Excel shows for serial 60 (its 29 February 1900) under a date format; None for the
    reader's short date (the caller prints it in the mapping's ``date_format``)."""
    if not fmt or fmt == "General" or fmt_id in LOCALE_DATE_FORMATS:
        return None
    moment = _LEAP_DAY_STAND_IN + dt.timedelta(seconds=round(fraction * 86400))
    try:
        return _format_datetime(moment, _pick_section(fmt, None)[0], year=1900)
    except (ValueError, OverflowError, ArithmeticError):
        return None


def _split_sections(fmt: str) -> list[str]:
    sections, current = [], ""
    for token in _TOKEN.findall(fmt):
        if token == ";":
            sections.append(current)
            current = ""
        else:
            current += token
    return [*sections, current]


_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+)\]")


def _pick_section(fmt: str, value: float | None) -> tuple[str, bool]:
    """The section that applies to ``value``, and whether Excel puts a minus sign in front of it.

    A section of its own for negatives (``0.00;(0.00)``) shows no minus sign; the first section does.
    """
    sections = _split_sections(fmt)
    if value is None:
        return sections[0], False
    conditions = [_CONDITION.search(s) for s in sections]
    if any(conditions):
        for section, condition in zip(sections, conditions, strict=False):
            if condition is None or _holds(value, condition.group(1), float(condition.group(2))):
                return section, value < 0
        return sections[-1], value < 0
    if value < 0 and len(sections) > 1:
        return sections[1], False
    if value == 0 and len(sections) > 2:
        return sections[2], False
    return sections[0], value < 0


def _holds(value: float, op: str, limit: float) -> bool:
    return {
        "<": value < limit,
        "<=": value <= limit,
        ">": value > limit,
        ">=": value >= limit,
        "=": value == limit,
        "<>": value != limit,
    }[op]


def _literal(token: str) -> str | None:
    """The text a literal token shows, or None when the token is not a literal."""
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "  # padding the width of a character: a space
    if token.startswith("*"):
        return ""  # fill to the column width: nothing in a plan
    if token.startswith("["):
        inner = token[1:-1]
        if inner.startswith("$"):
            return inner[1:].split("-")[0]  # [$€-407] -> €, [$-409] -> ""
        return ""  # colours and conditions
    return None


def _lcid(section: str) -> int:
    match = re.search(r"\[\$[^\]-]*-([0-9A-Fa-f]+)\]", section)
    return int(match.group(1), 16) & 0xFFFF if match else 0x0409


def _separators(lcid: int) -> tuple[str, str]:
    if lcid == _SWISS_GERMAN:
        return ".", "'"
    language = lcid & 0x3FF
    if language in _COMMA_DECIMAL_DOT_GROUPS:
        return ",", "."
    if language in _COMMA_DECIMAL_SPACE_GROUPS:
        return ",", "\u00a0"
    return ".", ","


def _literals(text: str) -> str:
    parts = []
    for token in _TOKEN.findall(text):
        literal = _literal(token)
        parts.append(literal if literal is not None else token)
    return "".join(parts)


@lru_cache(maxsize=256)
def _compile(section: str) -> tuple[list[tuple[str, str]], bool] | None:
    """Tokens of a number section as (kind, text); kinds: lit, int, dec, dot, pct, sci. None: unsupported."""
    tokens: list[tuple[str, str]] = []
    seen_dot = False
    raw = _TOKEN.findall(section)
    for index, token in enumerate(raw):
        literal = _literal(token)
        if literal is not None:
            tokens.append(("lit", literal))
        elif token in "0#?":
            tokens.append(("dec" if seen_dot else "int", token))
        elif token == ".":
            if seen_dot:
                tokens.append(("lit", "."))
            else:
                seen_dot = True
                tokens.append(("dot", "."))
        elif token == ",":
            tokens.append(("comma", ","))
        elif token == "%":
            tokens.append(("pct", "%"))
        elif token in "Ee" and raw[index + 1 : index + 2] in (["+"], ["-"]):
            tokens.append(("sci", token))
        elif token in "/@":
            return None  # fractions and text formats: left to the plain value
        else:
            tokens.append(("lit", token))
    return tokens, seen_dot


def _format_number(value: float, fmt: str) -> str | None:
    if not math.isfinite(value):
        return None
    section, signed = _pick_section(fmt, value)
    general = re.search(r"general", section, re.IGNORECASE)
    if general:  # '"ID "General', '[Blue]General': literals around the plain number
        return _format_general(value, section, signed, general)
    compiled = _compile(section)
    if compiled is None:
        return None
    tokens, has_dot = compiled
    if any(kind == "sci" for kind, _ in tokens):
        return _format_scientific(value, tokens)
    kinds = [kind for kind, _ in tokens]
    if "int" not in kinds and "dec" not in kinds:
        return "".join(text for kind, text in tokens if kind == "lit") or None
    decimal_sep, group_sep = _separators(_lcid(section))
    number = abs(value) * 100 ** kinds.count("pct")
    last_digit = max(i for i, kind in enumerate(kinds) if kind in ("int", "dec"))
    first_digit = min(i for i, kind in enumerate(kinds) if kind in ("int", "dec"))
    scaling, grouped = _comma_roles(kinds, first_digit, last_digit)
    number /= 1000 ** len(scaling)
    decimals = [text for kind, text in tokens if kind == "dec"]
    rounded = Decimal(f"{number:.15g}").quantize(Decimal(1).scaleb(-len(decimals)), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    integers = [text for kind, text in tokens if kind == "int"]
    whole = whole.lstrip("0")
    whole = whole.rjust(integers.count("0") if integers else 0, "0")
    fraction_out = _fraction(fraction, decimals)
    out: list[str] = ["-"] if signed and (whole.strip("0") or fraction.strip("0")) else []
    int_digits = _fill_integers(whole, integers, grouped, group_sep)
    int_index = dec_index = 0
    for index, (kind, text) in enumerate(tokens):
        if kind == "lit" or kind == "pct":
            out.append(text)
        elif kind == "comma" and index not in scaling and not grouped:
            out.append(text if index > last_digit or index < first_digit else "")
        elif kind == "int":
            out.append(int_digits[int_index])
            int_index += 1
        elif kind == "dot":
            out.append(decimal_sep if has_dot else "")
        elif kind == "dec":
            out.append(fraction_out[dec_index])
            dec_index += 1
    return "".join(out)


def _format_general(value: float, section: str, signed: bool, general: re.Match[str]) -> str:
    """'General' with literals around it: the plain number as Excel shows it, the literals kept."""
    return (
        ("-" if signed else "")
        + _literals(section[: general.start()])
        + general_number(abs(value))
        + _literals(section[general.end() :])
    )


def _comma_roles(kinds: list[str], first_digit: int, last_digit: int) -> tuple[list[int], bool]:
    """What each comma of a format does: after the last digit placeholder it divides by 1,000 ('0.0,,'
    shows millions: the indexes returned); between digit placeholders it turns on thousands grouping."""
    scaling = [
        i
        for i, kind in enumerate(kinds)
        if kind == "comma" and i > last_digit and all(k in ("comma", "lit", "pct") for k in kinds[last_digit + 1 : i])
    ]
    grouped = any(
        kind == "comma" and first_digit < i < last_digit and i not in scaling
        for i, kind in enumerate(kinds)
        if "dot" not in kinds[:i]
    )
    return scaling, grouped


def _fraction(digits: str, placeholders: list[str]) -> list[str]:
    """Decimal places: '0' always shows its digit, '#' drops trailing zeros, '?' pads them with spaces."""
    out = list(digits.ljust(len(placeholders), "0"))[: len(placeholders)]
    for index in range(len(out) - 1, -1, -1):
        if out[index] != "0" or placeholders[index] == "0":
            break
        out[index] = "" if placeholders[index] == "#" else " "
    return out


def _fill_integers(whole: str, placeholders: list[str], grouped: bool, group_sep: str) -> list[str]:
    """Digits for each integer placeholder, filled from the right; the first takes any extra digits."""
    if not placeholders:
        return []
    if grouped:
        text = f"{int(whole):,}".replace(",", group_sep) if whole else ""
        return [text] + [""] * (len(placeholders) - 1)
    out = []
    digits = list(whole)
    for placeholder in reversed(placeholders):
        if digits:
            out.append(digits.pop())
        else:
            out.append({"0": "0", "?": " "}.get(placeholder, ""))
    out.reverse()
    out[0] = "".join(digits) + out[0]
    return out


def _format_scientific(value: float, tokens: list[tuple[str, str]]) -> str:
    kinds = [kind for kind, _ in tokens]
    at = kinds.index("sci")
    decimals = kinds[:at].count("dec")
    exponent_digits = max(1, sum(kind in ("int", "dec") for kind in kinds[at:]))
    mantissa, exponent = f"{value:.{decimals}E}".split("E")
    sign = "-" if int(exponent) < 0 else "+"
    return f"{mantissa}E{sign}{abs(int(exponent)):0{exponent_digits}d}"


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|_.|\*.|\[[hms]+\]|\[[^\]]*\]|am/pm|a/p|y+|m+|d+|h+|s+(?:\.0+)?|e|.', re.IGNORECASE | re.DOTALL
)


def _format_datetime(value: Any, section: str, year: int | None = None, weekday_shift: int = 0) -> str:
    """``year`` prints instead of the moment's (29 February 1900's stand-in); ``weekday_shift`` moves day names."""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        moment = dt.datetime(1899, 12, 30) + value
    elif isinstance(value, dt.datetime):
        moment, seconds = value, None
    elif isinstance(value, dt.date):
        moment, seconds = dt.datetime(value.year, value.month, value.day), None
    else:
        moment, seconds = dt.datetime.combine(dt.date(1899, 12, 30), value), None
    tokens = _DATE_TOKEN.findall(section)
    lowered = [t.lower() for t in tokens]
    twelve_hour = any(t in ("am/pm", "a/p") for t in lowered)
    out = []
    for index, (token, low) in enumerate(zip(tokens, lowered, strict=True)):
        literal = _literal(token)
        if literal is not None and not re.fullmatch(r"\[[hms]+\]", low):
            out.append(literal)
        elif low.startswith("y"):
            shown_year = moment.year if year is None else year
            out.append(f"{shown_year:04d}" if len(low) > 2 else f"{shown_year % 100:02d}")
        elif low.startswith("m"):
            out.append(_month_or_minute(moment, low, _is_minute(lowered, index)))
        elif low.startswith("d"):
            out.append(_day(moment, low, weekday_shift))
        elif low.startswith("h"):
            hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
            out.append(f"{hour:0{len(low)}d}")
        elif low.startswith("s"):
            whole, _, places = low.partition(".")
            out.append(f"{moment.second:0{len(whole)}d}")
            if places:
                out.append("." + f"{moment.microsecond / 1e6:.{len(places)}f}"[2:])
        elif low in ("[h]", "[hh]", "[m]", "[mm]", "[s]", "[ss]"):
            total = seconds if seconds is not None else (moment - dt.datetime(1899, 12, 30)).total_seconds()
            unit = {"h": 3600, "m": 60, "s": 1}[low[1]]
            out.append(f"{int(total // unit):0{len(low) - 2}d}")
        elif low == "am/pm":
            text = "AM" if moment.hour < 12 else "PM"
            out.append(text if token[0].isupper() else text.lower())
        elif low == "a/p":
            text = "A" if moment.hour < 12 else "P"
            out.append(text if token[0].isupper() else text.lower())
        elif low == "e":
            out.append(str(moment.year if year is None else year))
        else:
            out.append(token)
    return "".join(out)


def _is_minute(lowered: list[str], index: int) -> bool:
    """m/mm means minutes right after an hour or right before seconds; otherwise months."""
    if len(lowered[index]) > 2:
        return False
    before = [t for t in lowered[:index] if re.match(r"[hmsdy]|\[[hms]", t)]
    after = [t for t in lowered[index + 1 :] if re.match(r"[hmsdy]|\[[hms]", t)]
    return bool(before and before[-1][0] in "h[") or bool(after and after[0].startswith("s"))


def _month_or_minute(moment: dt.datetime, token: str, minute: bool) -> str:
    if minute:
        return f"{moment.minute:0{len(token)}d}"
    name = MONTHS[moment.month - 1]
    return {1: str(moment.month), 2: f"{moment.month:02d}", 3: name[:3], 4: name}.get(len(token), name[0])


def _day(moment: dt.datetime, token: str, weekday_shift: int = 0) -> str:
    name = DAYS[(moment.weekday() + weekday_shift) % 7]
    return {1: str(moment.day), 2: f"{moment.day:02d}", 3: name[:3]}.get(len(token), name)
