"""Choosing which students to generate for this run.

Before IEP season a therapist wants "everyone whose annual review is in the next 45 days", or
just the two students whose data they fixed; overdue reviews are included because they are the
most urgent ones.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import unicodedata
from collections.abc import Sequence

from generator.errors import ConfigError
from generator.mapping.load import Mapping
from generator.mapping.suggest import suggest
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


def name_form(text: str) -> tuple[str, ...]:
    """A name as compared: accents, case, punctuation and word order do not matter ("Alvarez, Mia" = "mia álvarez")."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return tuple(sorted(re.findall(r"\w+", plain)))


def _closest(given: str, everyone: Sequence[Student | StudentFailure]) -> str:
    """'Did you mean' over names compared as names (accents, case, order aside), and keys."""
    shown = {" ".join(name_form(p.display_name)): p.display_name for p in everyone}
    shown.update({p.key.casefold(): p.key for p in everyone})
    hint = suggest(" ".join(name_form(given)) or given.casefold(), shown)
    for plain, original in shown.items():
        hint = hint.replace(repr(plain), repr(original))
    return hint


BIRTH_FIELDS = ("dob", "birth_date", "date_of_birth", "birthdate", "birthday", "born")


def _told_apart(person: Student | StudentFailure) -> str:
    """What tells a namesake apart besides the key: the birth date, when the key does not already show it."""
    values = getattr(person, "values", {})
    born = next((values[n] for n in BIRTH_FIELDS if isinstance(values.get(n), dt.date)), None)
    if born is None or born.isoformat() in person.key:
        return ""
    return f" (born {born.isoformat()})"


def _by_keys(roster: Roster, keys: Sequence[str]) -> tuple[list[Student], list[StudentFailure]]:
    """Each --student value is a key, else a display name (the name plangen prints everywhere)."""
    everyone: list[Student | StudentFailure] = [*roster.students, *(f for f in roster.failures if f.key)]
    wanted: set[str] = set()
    problems = []
    for given in keys:
        by_key = [p for p in everyone if _same_key(p.key) == _same_key(given)]
        by_name = by_key or [p for p in everyone if name_form(p.display_name) == name_form(given) and name_form(given)]
        if len(by_name) > 1:
            choices = ", ".join(f"--student {shlex.quote(p.key)}{_told_apart(p)}" for p in by_name)
            problems.append(f"{len(by_name)} students are named {given!r}; choose one by its key: {choices}.")
        elif not by_name:
            hint = _closest(given, everyone)
            problems.append(f"no student with key or name {given!r} in the source.{hint}")
        else:
            wanted.add(_same_key(by_name[0].key))
    if problems:
        raise ConfigError(
            "\n".join(problems) + " Use the key column's value or the name plangen prints (either name order)."
        )
    return (
        [s for s in roster.students if _same_key(s.key) in wanted],
        [f for f in roster.failures if f.key and _same_key(f.key) in wanted],
    )


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


def overdue_reviews(students: list[Student], mapping: Mapping, today: dt.date) -> list[str]:
    """One line per kind of meeting whose date has passed (annual review, re-evaluation), naming the students:
    a plan dated after its IEP's annual review is written for an IEP that is no longer current."""
    kinds = (
        ("annual review", mapping.overview.get("annual_review")),
        ("re-evaluation", mapping.overview.get("reevaluation")),
    )
    lines = []
    for what, name in kinds:
        if not name:
            continue
        late = [s.display_name for s in students if isinstance(s.values.get(name), dt.date) and s.values[name] < today]
        if late:
            lines.append(
                f"Overdue: the {what} date has already passed for {', '.join(late)}. Hold the meeting (or correct "
                "the date in the sheet) and run again, so the plan is for the current IEP."
            )
    return lines
