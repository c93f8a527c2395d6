"""The manifest's cells never run as formulas; long runs of one kind of message are cut with a count."""

from __future__ import annotations

import csv
import io

import pytest

from generator.output.report import MAX_PER_KIND, Outcome, Report, as_text, limit_per_kind, message_kind


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x.example/","click")', '\'=HYPERLINK("http://x.example/","click")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12", "-12"),  # a plain number cannot run: a key stays as it is
        ("+3.5", "+3.5"),
        ("Ana Ruiz", "Ana Ruiz"),
        ("O'Brien", "O'Brien"),
        ("", ""),
    ],
)
def test_cells_that_start_like_a_formula_get_the_text_marker(value: str, written: str):
    assert as_text(value) == written


def test_the_manifest_writes_every_column_through_the_marker():
    report = Report()
    report.add(Outcome("=1", "@Ana", "created", "=x/Plan.docx", "t.docx", "2026-01-01T00:00:00", "-bad"))
    rows = list(csv.reader(io.StringIO(report.manifest_bytes().decode("utf-8-sig"))))
    assert rows[1] == ["'=1", "'@Ana", "created", "'=x/Plan.docx", "t.docx", "2026-01-01T00:00:00", "'-bad"]


def test_messages_of_one_kind_are_cut_with_a_count_of_the_rest():
    lines = [
        (f"Kid{n}: cell D{n + 2} (column 'Note'): not a date", f"cell D{n + 2} (column 'Note'): not a date")
        for n in range(50)
    ]
    other = [("Ana: required field 'first' is empty", "required field 'first' is empty")]
    shown = limit_per_kind(lines + other)
    assert shown[:MAX_PER_KIND] == [line for line, _ in lines[:MAX_PER_KIND]]
    assert shown[MAX_PER_KIND] == other[0][0]
    assert shown[-1] == "... and 30 more like: cell D# (column #): not a date"
    assert message_kind("row 7, column 'A'") == message_kind("row 8, column 'B'")
