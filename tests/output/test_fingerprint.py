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


def test_tokens_keep_the_recorded_format_so_earlier_runs_journals_still_compare():
    """Journals and Drive properties of earlier runs hold these tokens: the same value must give the same
    4 characters forever (pinned here against the formula the first version used, and one literal)."""
    import base64
    import hashlib
    import json

    from generator.output.fingerprint import _plain, token

    def first_version(name: str, value: object) -> str:
        text = json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)
        return base64.urlsafe_b64encode(hashlib.sha256(f"{name}\0{text}".encode()).digest()[:3]).decode("ascii")

    values = [
        None,
        "",
        "Ana Núñez",
        'tab\t"quote"\n😀',
        30,
        4.5,
        True,
        ["a", 2],
        {"b": 1, "a": [dt.date(2026, 1, 2)]},
        dt.date(2017, 3, 14),
        dt.datetime(2026, 1, 1, 3, 4),
    ]
    values += [bytes([i, 255 - i, 62, 63]).hex() for i in range(256)]
    assert [token("goals", v) for v in values] == [first_version("goals", v) for v in values]
    assert any("-" in token("f", v) or "_" in token("f", v) for v in values)  # the URL-safe letters are exercised
    assert token("minutes", 30) == first_version("minutes", 30) == "-jvk"


def test_a_fingerprint_is_each_fields_token_in_name_order():
    from generator.output.fingerprint import token

    assert fingerprint(VALUES, VALUES) == "".join(token(name, VALUES[name]) for name in sorted(VALUES))
    assert fingerprint({}, []) == ""
