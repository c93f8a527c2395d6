"""``suggest``: the "Did you mean" every misspelt name gets, and silence when nothing is close."""

from __future__ import annotations

from generator.mapping.suggest import suggest


def test_one_close_name_is_suggested_quoted() -> None:
    assert suggest("templat", ["source", "template", "fields"]) == " Did you mean 'template'?"


def test_several_close_names_best_first_at_most_three() -> None:
    choices = ["collar", "colour", "columns", "column", "colon"]
    assert suggest("colum", choices) == " Did you mean 'column' or 'columns' or 'colour'?"


def test_nothing_close_says_nothing() -> None:
    assert suggest("zzz", ["first_name", "last_name"]) == ""
    assert suggest("anything", []) == ""


def test_the_cutoff_decides_how_close_is_close() -> None:
    # 'first' vs 'first nam' has a similarity of 0.71: close at the default 0.6, not at the 0.8 columns use.
    assert suggest("first", ["first nam"]) == " Did you mean 'first nam'?"
    assert suggest("first", ["first nam"], cutoff=0.8) == ""
    assert suggest("student id", ["student_id"], cutoff=0.8) == " Did you mean 'student_id'?"


def test_any_iterable_of_choices_works_once() -> None:
    names = {"goals": 1, "services": 2}
    assert suggest("goal", names) == " Did you mean 'goals'?"
    assert suggest("service", (n for n in names)) == " Did you mean 'services'?"
