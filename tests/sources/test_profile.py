"""Column profiles: what each column reads as and how full it is, never a value (for `columns` and `init`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.sources.profile import ColumnProfile, describe_table, profile_column, profile_table
from generator.sources.tables import read_table
from tests.helpers import SAMPLES, TODAY, write_xlsx


def kind(values: list, today: dt.date = TODAY) -> tuple:
    profile = profile_column("C", 0, values, today)
    return profile.kind, profile.separator, profile.date_role, profile.last_first


def test_kinds():
    assert kind([1001, 1002, "1003", None]) == ("integer", None, None, False)
    assert kind([1.5, "2.25"]) == ("number", None, None, False)
    assert kind(["Yes", "n", True, "x"]) == ("yesno", None, None, False)
    assert kind([0, 1, 1]) == ("integer", None, None, False)  # 0/1 alone: numbers
    assert kind([dt.datetime(2018, 3, 4), "2017-05-06", "5/6/2016"]) == ("date", None, "birth", False)
    assert kind([dt.date(2027, 1, 10), dt.date(2026, 12, 1), dt.date(2026, 10, 1)]) == ("date", None, "future", False)
    assert kind([dt.date(2025, 1, 10), dt.date(2024, 12, 1)]) == ("date", None, "past", False)
    assert kind(["Ruiz, Ana", "Chen, Lucas", "O'Brien, Liam"]) == ("text", None, None, True)
    assert kind(["Slant board; pencil grip", "Breaks; fidget", "Seat near board"]) == ("list", ";", None, False)
    assert kind(["Goal one\nGoal two", "Goal three\nGoal four", "Goal five"]) == ("list", "\n", None, False)
    assert kind(["trains, dinosaurs, Minecraft", "art, music", "soccer"]) == ("list", ",", None, False)
    assert kind(["Pull-out, OT room", "Push-in, classroom", "Pull-out, OT room"]) == ("text", None, None, False)
    assert kind(["Reads well; writes slowly and needs breaks.", "Fine motor delays; uses a grip."]) == (
        "text",
        None,
        None,
        False,
    )
    assert kind([None, " "]) == ("empty", None, None, False)


def test_counts_never_values(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["ID", "Name", "Notes"], [1, "Ruiz, Ana", None], [2, "Chen, Lucas", "x"], [3, "Chen, Lucas", None]],
    )
    profiles = profile_table(read_table(path), TODAY)
    assert [(p.name, p.letter, p.filled, p.distinct) for p in profiles] == [
        ("ID", "A", 3, 3),
        ("Name", "B", 3, 2),
        ("Notes", "C", 1, 1),
    ]
    assert all(isinstance(value, (str, int, bool, type(None))) for p in profiles for value in vars(p).values())


def test_sample_caseload_profile():
    table = read_table(SAMPLES / "caseload.xlsx")
    by_name = {p.name: p for p in profile_table(table, TODAY)}
    assert by_name["Student ID"].kind == "integer" and by_name["Student ID"].distinct == 27
    assert by_name["DOB"].date_role == "birth"
    assert by_name["Annual Review"].date_role == "future"
    assert (by_name["Accommodations"].kind, by_name["Accommodations"].separator) == ("list", ";")
    assert (by_name["Evaluation Findings"].kind, by_name["Evaluation Findings"].separator) == ("list", "\n")
    assert by_name["Session Minutes"].filled == 23


def test_described_for_the_terminal(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["OT Caseload"],
            [],
            ["Name", "DOB", "Goals"],
            ["Ruiz, Ana", "2018-03-04", "a\nb"],
            ["Chen, Lucas", "2017-05-06", "c\nd"],
            [],
            ["Total: 2"],
        ],
        sheet="Caseload",
    )
    table = read_table(path)
    lines = describe_table(table, profile_table(table, TODAY), [("Old", True), ("Caseload", False)])
    assert lines == [
        "c.xlsx",
        "Sheets: 'Old' (hidden), 'Caseload'",
        "Sheet 'Caseload': column headers on row 3 (above it, row(s) 1 read as titles); 2 data row(s).",
        "Skipped (not students): row(s) 7.",
        "  column  name    reads as                     filled",
        '  A       Name    text ("Last, First" names)   2/2',
        "  B       DOB     date (birth dates)           2/2",
        "  C       Goals   list (separated by line breaks) 2/2",
    ]
    assert ColumnProfile("X", 0, "list", 1, 1, ";").describe() == 'list (separated by ";")'


def test_checkbox_columns_read_as_yes_no_and_draft_as_yesno_fields():
    from generator.mapping.types import YESNO, drafted_type

    for values in (
        [True, False, None],
        ["TRUE", "FALSE", "TRUE"],
        ["Checked", "Unchecked", ""],
        ["☑", "☐", "☑"],
        ["☒", "☐"],
        ["x", None, "x"],
        ["Yes", "no", "Y"],
    ):
        found = profile_column("OTA", 0, values, TODAY)
        assert found.kind == "yesno", values
        assert drafted_type(found.kind) is YESNO
    assert profile_column("OTA", 0, ["No", "Ms. Lee"], TODAY).kind == "text"
