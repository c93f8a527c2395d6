"""Choosing which students to generate for this run.

Before IEP season a therapist wants "everyone whose annual review is in the next 45 days", or
just the two students whose data they fixed; overdue reviews are included because they are the
most urgent ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator.errors import ConfigError
from generator.mapping.load import Mapping
from generator.roster.keys import clean_key, key_identity
from generator.roster.students import Roster, Student, StudentFailure


def select(
    roster: Roster,
    mapping: Mapping,
    *,
    keys: Sequence[str] = (),
    due_within: int | None = None,
    today: dt.date,
) -> Roster:
    students, failures = roster.students, roster.failures
    if keys:
        students, failures = _by_keys(roster, keys)
    if due_within is not None:
        # Failed rows stay in: their review date could not be read, so they may well be due.
        students = _due(students, mapping, due_within, today)
    return Roster(students=students, failures=failures, warnings=roster.warnings)


def _same_key(key: str) -> str:
    """--student 00123 finds the student whose key is 123, as the roster itself does."""
    return key_identity(clean_key(key))


def _by_keys(roster: Roster, keys: Sequence[str]) -> tuple[list[Student], list[StudentFailure]]:
    known = {_same_key(s.key) for s in roster.students} | {_same_key(f.key) for f in roster.failures if f.key}
    unknown = [k for k in keys if _same_key(k) not in known]
    if unknown:
        raise ConfigError(
            f"no student with key {', '.join(repr(k) for k in unknown)} in the source. "
            "Use the value from the key column exactly as it appears in the sheet."
        )
    wanted = {_same_key(k) for k in keys}
    return ([s for s in roster.students if _same_key(s.key) in wanted],
            [f for f in roster.failures if f.key and _same_key(f.key) in wanted])


def _due(students: list[Student], mapping: Mapping, days: int, today: dt.date) -> list[Student]:
    if mapping.review_date is None:
        raise ConfigError(
            f"--due-within needs to know each student's review date: add "
            f"'review_date: <field>' to {mapping.path} (a field of type date)."
        )
    if days < 0:
        raise ConfigError("--due-within takes a number of days, 0 or more.")
    horizon = today + dt.timedelta(days=days)
    due = []
    for student in students:
        review = student.values.get(mapping.review_date)
        if isinstance(review, dt.date) and review <= horizon:
            due.append(student)
    return due
