"""Names a template would use for a sheet's columns, and how alike a template field and a column are.

A therapist's headers are typed by hand (``DOB``, ``Date of Birth``, ``Annual IEP``); templates use
short flat names (``dob``, ``annual_review``). The aliases below are the spellings seen on real
caseloads; anything else is compared by its words and letters.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from generator.mapping.fields import BUILTIN_NAMES

ALIASES: dict[str, tuple[str, ...]] = {
    "student_id": (
        "id",
        "student id",
        "student number",
        "student no",
        "student #",
        "ssid",
        "stn",
        "sis id",
        "local id",
        "id number",
    ),
    "first_name": ("first", "first name", "given name", "firstname"),
    "last_name": ("last", "last name", "surname", "family name", "lastname"),
    "dob": ("dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born"),
    "annual_review": (
        "annual review",
        "annual iep",
        "annual iep date",
        "annual review date",
        "iep annual",
        "iep annual review",
        "next annual",
        "annual due",
        "next annual review",
        "annual",
    ),
    "triennial": ("triennial", "tri", "triennial review", "triennial date", "3 year", "re eval", "reevaluation"),
    "iep_date": ("iep date", "iep meeting", "iep meeting date", "last iep", "iep"),
    "grade": ("grade", "gr", "grade level"),
    "goals": ("goals", "goal", "iep goals", "annual goals", "ot goals"),
    "case_manager": ("case manager", "cm", "case mgr"),
    "session_minutes": ("minutes", "session minutes", "min", "mins", "minutes per session", "session length"),
    "sessions_per_week": ("sessions week", "sessions per week", "frequency", "times per week", "x week"),
}
NAME_HINTS = ("name", "student", "child", "pupil", "client")
REVIEW_HINTS = ("review", "annual", "iep")
BIRTH_HINTS = ("dob", "birth", "born")
MATCH_CUTOFF = 0.85


def words(text: str) -> str:
    """``Date of Birth`` -> ``date of birth``; accents, punctuation and case dropped."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("_", " ")
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


def field_name(header: str) -> str:
    """The name a template would use for a column: an alias's name, else the header in snake_case."""
    plain = words(header)
    for name, spellings in ALIASES.items():
        if plain in spellings:
            return name
    name = "_".join(plain.replace("#", "number").split()) or "column"
    if name[0].isdigit():
        name = "col_" + name
    return name + "_column" if name in BUILTIN_NAMES else name


def has_hint(header: str, hints: tuple[str, ...]) -> bool:
    return any(hint in words(header).split() or hint in words(header) for hint in hints)


def similarity(template_field: str, candidate: str, header: str | None) -> float:
    """How likely a template field means this candidate field (named ``candidate``, reading ``header``)."""
    wanted = words(template_field)
    best = 0.0
    for other in filter(None, (words(candidate), words(header) if header else None)):
        if other == wanted or other in ALIASES.get(template_field, ()):
            return 1.0
        best = max(best, SequenceMatcher(None, wanted, other).ratio(), _shared_words(wanted, other))
    return best


def _shared_words(a: str, b: str) -> float:
    stem = {w.rstrip("s") for w in a.split()}, {w.rstrip("s") for w in b.split()}
    if not stem[0] or not stem[1]:
        return 0.0
    return len(stem[0] & stem[1]) / max(len(stem[0]), len(stem[1]))
