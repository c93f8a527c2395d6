"""What a hand-typed column header means, whatever its spelling: ``Accoms``, ``Gr``, ``Tri Due``, ``504/IEP``.

``plangen init`` matches a sheet's columns to a template's fields by meaning, and ``plangen check``
names the unread columns that seem to hold a field left blank; both use this one vocabulary. Each
concept has the name a template would use (``triennial``), the template-side names that mean the
same (``triennial_date``, ``reeval``) and the headers therapists type for it. Headers are compared
as ``words()`` gives them: accents, case and punctuation aside. Only headers are read here.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher


def _per(unit: str, short: str, adjective: str) -> tuple[str, ...]:
    """``Mins/Month``, ``Minutes per Month``, ``Monthly Mins``, ``Min/Mo``...: minutes with a stated unit."""
    units = tuple(dict.fromkeys((unit, short)))
    minutes = ("minutes", "mins", "min")
    spelled = [f"{m} {u}" for m in minutes for u in units] + [f"{m} per {u}" for m in minutes for u in units]
    spelled += [f"{adjective} {m}" for m in minutes] + [f"{m} {adjective}" for m in minutes]
    return tuple(dict.fromkeys(spelled))


# concept -> headers typed for it (compared as words(): "Mins/Month" -> "mins month")
HEADERS: dict[str, tuple[str, ...]] = {
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
        "id #",
        "student id #",
    ),
    "full_name": (
        "name",
        "student",
        "student name",
        "full name",
        "student full name",
        "child",
        "child name",
        "childs name",
        "child s name",
        "pupil",
        "pupil name",
        "client",
        "client name",
        "students",
    ),
    "first_name": ("first", "first name", "given name", "firstname", "fname", "student first name"),
    "last_name": ("last", "last name", "surname", "family name", "lastname", "lname", "student last name"),
    "dob": ("dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born", "birth"),
    "annual_review": (
        "annual review",
        "annual iep",
        "annual iep date",
        "annual review date",
        "iep annual",
        "iep annual review",
        "next annual",
        "annual due",
        "annual iep due",
        "iep due",
        "iep due date",
        "annual due date",
        "next annual review",
        "next iep",
        "next iep date",
        "annual date",
        "annual",
        "review due",
        "plan due",
        "504 due",
        "504 review",
        "annual 504",
        "next review",
    ),
    "triennial": (
        "triennial",
        "tri",
        "tri due",
        "tri date",
        "next tri",
        "triennial due",
        "triennial review",
        "triennial date",
        "triennial due date",
        "3 year",
        "3 yr",
        "three year",
        "3 year re eval",
        "re eval",
        "re eval due",
        "reeval",
        "reeval due",
        "reevaluation",
        "re evaluation",
        "reevaluation due",
        "re evaluation due",
        "next re eval",
        "next reevaluation",
        "eval due",
        *(
            f"{a} {b}"
            for a in ("tri", "3 year", "3 yr", "three year", "triennial")
            for b in ("eval", "re eval", "reeval", "reevaluation", "re evaluation", "review")
        ),
    ),
    "iep_date": ("iep date", "iep meeting", "iep meeting date", "last iep", "iep", "plan date", "meeting date"),
    "grade": ("grade", "gr", "grd", "grade level", "gr level", "gr lvl", "grade lvl", "current grade"),
    "goals": ("goals", "goal", "iep goals", "annual goals", "ot goals", "pt goals", "slp goals", "therapy goals"),
    "objectives": ("objectives", "objective", "obj", "objs", "benchmarks", "short term objectives"),
    "accommodations": (
        "accommodations",
        "accommodation",
        "accoms",
        "accom",
        "accomms",
        "accomm",
        "accs",
        "accommodations supports",
        "accommodations and supports",
        "supports",
        "modifications",
        "accommodations modifications",
        "accoms mods",
    ),
    "plan_type": (
        "plan type",
        "plan",
        "type",
        "504 iep",
        "iep 504",
        "iep or 504",
        "504 or iep",
        "type of plan",
        "plan iep 504",
        "iep 504 plan",
        "sped 504",
    ),
    "case_manager": ("case manager", "cm", "case mgr", "case mngr"),
    "teacher": ("teacher", "classroom teacher", "homeroom", "homeroom teacher", "gen ed teacher"),
    "school": ("school", "campus", "site", "school name", "building"),
    "eligibility": ("eligibility", "disability", "primary disability", "eligibility category", "category"),
    "frequency": ("frequency", "freq", "service frequency", "how often", "sessions", "times"),
    "sessions_per_week": ("sessions week", "sessions per week", "times per week", "x week", "x wk", "sessions wk"),
    "session_minutes": (
        "minutes",
        "session minutes",
        "min",
        "mins",
        "minutes per session",
        "session length",
        "service minutes",
        "service mins",
        "service min",
        "service time",
        "minutes of service",
        "time",
    ),
    "minutes_per_week": (*_per("week", "wk", "weekly"), "min wk total", "mins wk total"),
    "minutes_per_month": _per("month", "mo", "monthly"),
    "minutes_per_day": _per("day", "day", "daily"),
    "location": ("location", "loc", "setting", "service location", "service setting", "where", "place", "room"),
    "service": ("service", "services", "service type", "discipline", "related service"),
    "provider": ("provider", "therapist", "service provider", "clinician"),
}
# template-side names that mean a concept (a template may say {{ student_name }} or {{ birth_date }})
TEMPLATE_NAMES: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name", "student_name", "name", "student", "child_name", "student_full_name"),
    "dob": ("dob", "birth_date", "date_of_birth", "birthdate", "birthday"),
    "annual_review": ("annual_review", "annual_iep", "annual_due", "iep_due", "next_iep", "annual_review_date"),
    "triennial": ("triennial", "triennial_review", "triennial_date", "triennial_due", "reeval", "re_evaluation"),
    "grade": ("grade", "grade_level"),
    "goals": ("goals", "annual_goals", "iep_goals"),
    "accommodations": ("accommodations", "accommodation_list", "supports"),
    "plan_type": ("plan_type", "plan", "plan_kind", "type_of_plan"),
    "student_id": ("student_id", "id", "ssid"),
    "location": ("location", "setting", "service_location"),
}


def words(text: str) -> str:
    """``Date of Birth`` -> ``date of birth``; accents, punctuation and case dropped."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("_", " ")
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


# words a hand-typed header adds around what it names: "IEP Annual Review Date", "Current Grade Level"
_FILLER = ("date", "dates", "due", "info", "information", "current", "the", "of", "student s", "students")
_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*")


def header_concept(header: str) -> str | None:
    """The concept a header names (``Accoms`` -> ``accommodations``), or None. A note in brackets
    (``Name (Last, First)``, ``DOB (mm/dd/yy)``) and words that only say "date" or "due" around a known
    header (``IEP Annual Review Date``) are set aside when the header as typed is not known."""
    for plain in _header_readings(header):
        found = next((concept for concept, spellings in HEADERS.items() if plain in spellings), None)
        if found is not None:
            return found
    return None


def _header_readings(header: str) -> list[str]:
    """The header as typed, without its bracketed note, then without filler words at either end."""
    readings = [words(header), words(_ASIDE.sub(" ", str(header)))]
    for plain in readings[:2]:
        stripped = plain
        for _ in range(3):
            for filler in _FILLER:
                if stripped.endswith(" " + filler):
                    stripped = stripped[: -len(filler) - 1]
                if stripped.startswith(filler + " "):
                    stripped = stripped[len(filler) + 1 :]
        readings.append(stripped)
    return [plain for plain in dict.fromkeys(readings) if plain]


def field_concept(name: str) -> str:
    """The concept a template field names (``birth_date`` -> ``dob``); the name itself when none."""
    plain = name.casefold()
    found = next((concept for concept, names in TEMPLATE_NAMES.items() if plain in names), None)
    if found is not None:
        return found
    return header_concept(name) or plain


def resemblance(field: str, header: str) -> float:
    """How likely a column with this header holds the template field (1.0: same meaning)."""
    concept = field_concept(field)
    if header_concept(header) == concept or header_concept(numbered_base(header) or "") == concept:
        return 1.0
    wanted, other = words(field), words(header)
    stems = {w.rstrip("s") for w in wanted.split()}, {w.rstrip("s") for w in other.split()}
    shared = len(stems[0] & stems[1]) / max(len(stems[0]), len(stems[1])) if all(stems) else 0.0
    return max(SequenceMatcher(None, wanted, other).ratio(), shared)


def narrows(field: str, header: str) -> bool:
    """The field is one kind of what the header holds: ``classroom_accommodations`` or ``testing_accommodations``
    and an ``Accoms`` column, ``ot_goals`` and ``Goal 1``. Not a match for init (which kind the column's items
    are, the sheet does not say) but a sign for check that the column may hold what the field lacks."""
    concept = header_concept(header) or header_concept(numbered_base(header) or "")
    if concept is None:
        return False
    named = words(field).split()
    return any(named[-len(c.split()) :] == c.split() and len(named) > len(c.split()) for c in (words(concept),))


_NUMBERED = re.compile(r"^(?P<base>.*?\D)\s*(?:#|no\.?|number)?\s*(?P<n>\d{1,2})(?P<rest>(?:\s+\D.*)?)$", re.IGNORECASE)


def numbered_base(header: str) -> str | None:
    """``Goal 1``, ``Goal #2``, ``Accommodation3`` -> ``Goal``/``Accommodation``; None for other headers
    (and for ``Goal 1 Area``, whose number names a group of columns, not a list item)."""
    match = _NUMBERED.match(_ASIDE.sub(" ", header).strip())  # "Goal #1 (Fine Motor)": the note names its area
    if match is None or match["rest"].strip():
        return None
    base = match["base"].strip(" #:-_.")
    return base if re.search(r"[^\W\d_]", base) else None


_NUMBER_IN = re.compile(r"(?<=[^\W\d_])(\s*#?\s*)(\d{1,2})(?=\s+[^\W\d_]|$)")


def numbered_pattern(header: str) -> tuple[str, str, str] | None:
    """``Goal 2 Area`` -> (``Goal``, ``2``, ``Goal {n} Area``): one column of a numbered group, the number
    replaced by ``{n}`` as a mapping's ``repeat:`` reads it. None for a header without such a number."""
    match = _NUMBER_IN.search(header)
    if match is None:
        return None
    base = header[: match.start()].strip(" #:-_.")
    if not re.search(r"[^\W\d_]", base):
        return None
    return base, match.group(2), header[: match.start(2)] + "{n}" + header[match.end(2) :]


def numbered_index(header: str) -> int:
    match = _NUMBERED.match(_ASIDE.sub(" ", header).strip())
    return int(match["n"]) if match else 0
