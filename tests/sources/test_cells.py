from __future__ import annotations

import datetime as dt
import pickle

import pytest

from generator.sources.cells import (
    CheckboxText,
    FormattedDate,
    checkbox_text,
    clean_text,
    date_orders,
    is_checkbox_column,
    is_day_first,
    to_bool,
    to_date,
    to_integer,
    to_list,
    to_text,
)


def test_text_of_numbers_dates_and_blanks():
    assert to_text(1001.0) == "1001"
    assert to_text(1001) == "1001"
    assert to_text(2.5) == "2.5"
    assert to_text(None) == ""
    assert to_text(dt.datetime(2026, 10, 3)) == "10/03/2026"
    assert to_text(dt.date(2026, 10, 3), "%B %-d, %Y") == "October 3, 2026"
    assert to_text("  padded  ") == "padded"


def test_clean_text_keeps_line_breaks_and_drops_xml_forbidden_characters():
    assert clean_text("a\x0bb\r\nc\rd") == "a\nb\nc\nd"
    assert clean_text("bell\x07 nul\x00 esc\x1b ok") == "bell nul esc ok"
    assert clean_text("form\x0cfeed") == "form\nfeed"
    assert clean_text("emoji 🙂 and עברית") == "emoji 🙂 and עברית"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.datetime(2026, 10, 3, 0, 0), dt.date(2026, 10, 3)),
        (46298, dt.date(2026, 10, 3)),
        ("46298", dt.date(2026, 10, 3)),
        ("10/3/2026", dt.date(2026, 10, 3)),
        ("10/03/26", dt.date(2026, 10, 3)),
        ("2026-10-03", dt.date(2026, 10, 3)),
        ("2026-10-03 00:00:00", dt.date(2026, 10, 3)),
        ("10/3/2026 12:00:00 AM", dt.date(2026, 10, 3)),  # a report exported from a .NET system (SEIS)
        ("Oct 3, 2026", dt.date(2026, 10, 3)),
        ("3-Oct-2026", dt.date(2026, 10, 3)),
        ("", None),
        (None, None),
    ],
)
def test_dates_from_every_shape_a_sheet_gives(raw, expected):
    assert to_date(raw) == expected


@pytest.mark.parametrize("raw", ["13/45/2026", "next week", "2026-02-30", "10/3/2026 3:15:00 PM"])
def test_unreadable_dates_raise_without_repeating_the_value(raw):
    with pytest.raises(ValueError) as err:
        to_date(raw)
    assert str(err.value) == "not a date (use e.g. 2026-10-03 or 10/3/2026)"


@pytest.mark.parametrize(("convert", "kind"), [(to_date, "date"), (to_integer, "number")])
@pytest.mark.parametrize("raw", [True, False])
def test_true_false_cells_are_neither_numbers_nor_dates(convert, kind, raw):
    """TRUE typed in a minutes column is not 1 minute (nor FALSE 0 minutes, nor a date in 1899)."""
    with pytest.raises(ValueError) as err:
        convert(raw)
    assert str(err.value) == f"a TRUE/FALSE cell, not a {kind}"


def test_decimal_comma_is_not_read_as_thousands():
    assert to_integer("1,234") == 1234
    for raw in ("45,0", "1,5", "12,34,5"):
        with pytest.raises(ValueError) as err:
            to_integer(raw)
        assert "decimal comma needs 'number_locale'" in str(err.value)


def test_dates_with_dots_are_day_first():
    assert to_date("04.03.2018") == dt.date(2018, 3, 4)


def test_integers_and_yes_no():
    assert to_integer("30") == 30
    assert to_integer(30.0) == 30
    assert to_integer("1,200") == 1200
    assert to_integer("") is None
    with pytest.raises(ValueError, match="not a whole number"):
        to_integer(2.5)
    with pytest.raises(ValueError, match="not a number"):
        to_integer("thirty")
    assert [to_bool(v) for v in ("Yes", "y", "TRUE", "x", 1, "No", "", None, 0)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    with pytest.raises(ValueError, match="not yes/no"):
        to_bool("maybe")


def test_lists_split_and_trim():
    assert to_list("Slant board; pencil grip ;; breaks") == ["Slant board", "pencil grip", "breaks"]
    assert to_list(None) == []
    assert to_list("a|b", "|") == ["a", "b"]


def test_formatted_date_prints_in_its_format_and_still_compares():
    value = FormattedDate(dt.date(2026, 3, 4), "%-m/%-d/%Y")
    assert str(value) == "3/4/2026"
    assert value < dt.date(2026, 3, 5)
    assert value.year == 2026
    assert value.strftime("%B %-d") == "March 4"


def test_checkbox_cells_print_as_shown_and_are_false_when_unchecked():
    for value, text, truth in (
        (True, "TRUE", True),
        (False, "FALSE", False),
        ("FALSE", "FALSE", False),
        (" unchecked ", " unchecked ", False),
        ("☐", "☐", False),
        ("☑", "☑", True),
        ("No", "No", False),
        ("x", "x", True),
    ):
        shown = checkbox_text(value)
        assert isinstance(shown, CheckboxText) and (shown, bool(shown)) == (text, truth)
        assert pickle.loads(pickle.dumps(shown)).checked is truth
    assert checkbox_text("Ms. Lee") == "Ms. Lee" and not isinstance(checkbox_text("0"), CheckboxText)
    assert is_checkbox_column([True, None, "FALSE", "☐", " "]) and is_checkbox_column(["x", "", "x"])
    assert not is_checkbox_column([None, ""]) and not is_checkbox_column(["No", "Ms. Lee"])
    assert not is_checkbox_column([1, 0, 1]) and not is_checkbox_column(["T", "F"])
    assert to_bool("☑") and not to_bool("☐") and to_bool("Checked") and not to_bool("unchecked")


def test_text_dates_in_either_order_and_which_orders_a_text_allows():
    assert to_date("03/04/2015") == dt.date(2015, 3, 4) and to_date("03/04/2015", day_first=True) == dt.date(2015, 4, 3)
    assert to_date("25/12/2015", day_first=True) == dt.date(2015, 12, 25)
    assert to_date("3-4-15 00:00", day_first=True) == dt.date(2015, 4, 3)
    assert to_date("2015-03-04", day_first=True) == dt.date(2015, 3, 4)  # ISO and dotted dates have one reading
    assert to_date("04.03.2015") == dt.date(2015, 3, 4)
    with pytest.raises(ValueError):
        to_date("25/12/2015")
    orders = ["03/04/2015", "25/12/2015", "12/25/2015", "31/31/2015", "2015-03-04", "3-4-15", "29/02/2015", None, 42]
    assert [date_orders(v) for v in orders] == ["both", "day", "month", None, None, "both", None, None, None]
    assert [is_day_first(f) for f in ("%d/%m/%Y", "%-d %B %Y", "%e.%m.%y", "%m/%d/%Y", "%B %-d, %Y", "%Y-%m-%d")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert not is_day_first("%Y") and not is_day_first("%d")


def test_list_items_lose_the_bullet_or_number_typed_before_them():
    """A hand-kept cell lists with bullets or numbers; the plan lists and numbers the items itself."""
    assert to_list("• pencil grip\n• slant board\n◦ breaks", "\n") == ["pencil grip", "slant board", "breaks"]
    assert to_list("- extra time; * seating; – timer") == ["extra time", "seating", "timer"]
    assert to_list("1. Write name\n2) Cut paper\n(3) Zip coat", "\n") == ["Write name", "Cut paper", "Zip coat"]
    assert to_list("1) Copy a sentence 2) Open lunch containers") == ["Copy a sentence", "Open lunch containers"]
    assert to_list("Walk 2. blocks; 1.5 hours; a-b; -5 degrees; •") == [
        "Walk 2. blocks",
        "1.5 hours",
        "a-b",
        "-5 degrees",
    ]
