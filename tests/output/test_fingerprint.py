"""Per-field hashes: which sheet fields changed, from 4 characters per field and no value kept."""

from __future__ import annotations

import datetime as dt

from generator.output.fingerprint import changed_fields, fingerprint

VALUES = {"goals": ["a", "b"], "minutes": 30, "dob": dt.date(2017, 3, 14), "notes": ""}


def test_changed_fields_names_only_the_fields_whose_value_changed():
    stored = fingerprint(VALUES, VALUES)
    assert len(stored) == 4 * len(VALUES) and "30" not in stored
    assert changed_fields(stored, VALUES, list(VALUES)) == []
    now = {**VALUES, "minutes": 45, "goals": ["a", "b", "c"]}
    assert changed_fields(stored, now, list(VALUES)) == ["goals", "minutes"]


def test_nothing_recorded_means_nothing_reported():
    assert changed_fields("", {**VALUES, "minutes": 45}, list(VALUES)) == []


def test_a_value_moved_to_another_field_is_a_change_of_both():
    stored = fingerprint({"a": "x", "b": "y"}, ["a", "b"])
    assert changed_fields(stored, {"a": "y", "b": "x"}, ["a", "b"]) == ["a", "b"]
