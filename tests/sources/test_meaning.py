"""Hand-typed headers read by meaning: the vocabulary init and check share."""

from __future__ import annotations

import pytest

from generator.sources.meaning import (
    field_concept,
    header_concept,
    narrows,
    numbered_base,
    numbered_index,
    numbered_pattern,
    resemblance,
)


@pytest.mark.parametrize(
    ("header", "concept"),
    [
        ("Accoms", "accommodations"),
        ("Gr", "grade"),
        ("Tri Due", "triennial"),
        ("Re-Eval", "triennial"),
        ("Triennial", "triennial"),
        ("Annual Due", "annual_review"),
        ("IEP due", "annual_review"),
        ("DOB", "dob"),
        ("Birthdate", "dob"),
        ("Freq", "frequency"),
        ("Frequency", "frequency"),
        ("Mins", "session_minutes"),
        ("Mins/Month", "minutes_per_month"),
        ("Daily Minutes", "minutes_per_day"),
        ("Loc", "location"),
        ("Student Name", "full_name"),
        ("Name", "full_name"),
        ("504/IEP", "plan_type"),
        ("IEP / 504", "plan_type"),
        ("Favourite colour", None),
    ],
)
def test_headers_are_read_by_meaning(header: str, concept: str | None) -> None:
    assert header_concept(header) == concept


def test_template_names_mean_the_same_concepts() -> None:
    assert field_concept("birth_date") == "dob"
    assert field_concept("student_name") == "full_name"
    assert field_concept("reeval") == "triennial"
    assert field_concept("something_else") == "something_else"


@pytest.mark.parametrize(
    ("header", "base", "number"),
    [
        ("Goal 1", "Goal", 1),
        ("Goal #2", "Goal", 2),
        ("Accommodation3", "Accommodation", 3),
        ("Objective 10", "Objective", 10),
        ("Goal 1 Area", None, 1),  # a group of columns per goal, not one list item
        ("2026", None, 0),
        ("Notes", None, 0),
    ],
)
def test_numbered_columns_name_their_list(header: str, base: str | None, number: int) -> None:
    assert numbered_base(header) == base
    assert numbered_index(header) == number


def test_a_numbered_column_resembles_the_list_it_belongs_to() -> None:
    assert resemblance("goals", "Goal 2") == 1.0
    assert resemblance("accommodations", "Accoms") == 1.0
    assert resemblance("goals", "Teacher") < 0.85


def test_a_numbered_group_s_columns_give_their_pattern() -> None:
    assert numbered_pattern("Goal 2 Area") == ("Goal", "2", "Goal {n} Area")
    assert numbered_pattern("Goal #3 Baseline") == ("Goal", "3", "Goal #{n} Baseline")
    assert numbered_pattern("Mins/Month") is None and numbered_pattern("2026 Goals") is None


@pytest.mark.parametrize(
    ("header", "concept"),
    [
        ("Daily Mins", "minutes_per_day"),
        ("Minutes per Month", "minutes_per_month"),
        ("Monthly Mins", "minutes_per_month"),
        ("Min/Mo", "minutes_per_month"),
        ("Mins/Wk", "minutes_per_week"),
        ("OT", None),
    ],
)
def test_minutes_are_read_with_the_unit_their_header_states(header: str, concept: str | None) -> None:
    assert header_concept(header) == concept


@pytest.mark.parametrize(
    ("header", "concept"),
    [
        ("Student\nName (Last, First)", "full_name"),  # typed on two lines, with a note in brackets
        ("DOB*", "dob"),
        ("DOB (mm/dd/yyyy)", "dob"),
        ("Annual IEP Date:", "annual_review"),
        ("IEP Annual Review Date", "annual_review"),  # words around a known header that only say "date"
        ("Current Grade Level", "grade"),
        ("Triennial*", "triennial"),
        ("3-Year Reeval", "triennial"),
        ("Tri Eval", "triennial"),
        ("Service Minutes", "session_minutes"),
        ("Parent Name", None),  # another person's name is not the student's
        ("Preferred Name", None),
        ("Exit Date", None),
        ("Due Date", None),
    ],
)
def test_headers_with_notes_marks_and_filler_words_are_read_by_meaning(header: str, concept: str | None) -> None:
    assert header_concept(header) == concept


def test_a_numbered_column_with_a_note_in_brackets_is_still_numbered() -> None:
    assert numbered_base("Goal #1 (Fine Motor)") == "Goal" and numbered_index("Goal #2 (Visual Motor)") == 2


def test_a_field_that_names_one_kind_of_a_column_s_list_narrows_it() -> None:
    assert narrows("classroom_accommodations", "Accoms") and narrows("testing_accommodations", "Accommodations")
    assert narrows("ot_goals", "Goal 1")
    assert not narrows("accommodations", "Accoms")  # the same thing: a match, not a narrowing
    assert not narrows("teacher_name", "Student Name") and not narrows("classroom_accommodations", "Notes")
