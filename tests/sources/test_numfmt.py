"""The text Excel displays for a number under its format: what a text field must print."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.sources.numfmt import display


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.8, "0%", "80%"),
        (0.125, "0.0%", "12.5%"),
        (0.285, "0%", "29%"),  # 15 significant digits, as Excel rounds
        (12.5, "$#,##0.00", "$12.50"),
        (-12.5, '"$"#,##0.00_);("$"#,##0.00)', "($12.50)"),
        (-12.5, "0.00", "-12.50"),
        (1234.5, "#,##0", "1,235"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (1234.5, "#,##0.00 [$€-407]", "1.234,50 €"),  # German: decimal comma, dot groups
        (1234.5, "[$€-40C] #,##0.00", "€ 1\u00a0234,50"),  # French: spaces between groups
        (1234.5, "[$CHF-807] #,##0.00", "CHF 1'234.50"),
        (1234.5, '#,##0.00\\ "€"', "1,234.50 €"),
        (3.0, "0.00", "3.00"),
        (2.5, "0", "3"),
        (0.5, "#.##", ".5"),
        (1.5, "0.0#", "1.5"),
        (5551234567, "(###) ###-####", "(555) 123-4567"),
        (123, "000000", "000123"),
        (1500000, '#,##0,,"M"', "2M"),
        (12345.678, "0.00E+00", "1.23E+04"),
        (45, '0 "min"', "45 min"),
        (0, '0.00;-0.00;"-"', "-"),
        (150, "[<=100]0;[Red]0.0", "150.0"),
        (5, '"ID "General', "ID 5"),
        (12, "[Blue]General", "12"),
        (-2.5, "General;(General)", "(2.5)"),
        (3, "0 e", "3 e"),  # an e without + or - is a letter, not an exponent
        (1234.5, "#,##0.00;[Red]-#,##0.00", "1,234.50"),
        (dt.datetime(2018, 3, 4), "[$-F800]dddd, mmmm dd, yyyy", "Sunday, March 04, 2018"),
        (dt.datetime(2018, 3, 4, 13, 5, 9), "hh:mm:ss AM/PM", "01:05:09 PM"),
        (dt.datetime(2018, 3, 4), "mmm-yy", "Mar-18"),
        (dt.datetime(2018, 3, 4), "mmmm d, yyyy", "March 4, 2018"),
        (dt.datetime(2018, 3, 4), "d-mmm-yy", "4-Mar-18"),
        (dt.datetime(2018, 3, 4), "yyyy-mm-dd", "2018-03-04"),
        (dt.datetime(2018, 3, 4), "dddd, mmm dd", "Sunday, Mar 04"),
        (dt.datetime(2018, 3, 4), "[$-409]mmmm d, yyyy;@", "March 4, 2018"),
        (dt.datetime(2018, 3, 4, 14, 5), "h:mm AM/PM", "2:05 PM"),
        (dt.datetime(2018, 3, 4, 0, 0), "yyyy-mm-dd h:mm:ss", "2018-03-04 0:00:00"),
        (dt.time(9, 30), "hh:mm", "09:30"),
        (dt.timedelta(hours=26, minutes=3), "[h]:mm", "26:03"),
    ],
)
def test_displayed_text(value, fmt: str, shown: str):
    assert display(value, fmt) == shown


@pytest.mark.parametrize(
    ("value", "fmt", "fmt_id"),
    [
        (30, "General", 0),  # the plain value's text is right
        (1.5, "# ?/?", 12),  # fractions: left to the plain value
        ("text", "0.00", 2),
        (True, "0", 1),
        (float("nan"), "0.0", 0),
        (dt.datetime(2018, 3, 4), "mm-dd-yy", 14),  # the reader's regional short date: the mapping's date_format
    ],
)
def test_no_display_text_when_the_plain_value_is_right(value, fmt: str, fmt_id: int):
    assert display(value, fmt, fmt_id) is None
