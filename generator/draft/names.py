"""Names a template would use for a sheet's columns, and how alike a template field and a column are.

A therapist's headers are typed by hand (``DOB``, ``Date of Birth``, ``Annual IEP``, ``Accoms``, ``Tri
Due``); templates use short flat names (``dob``, ``annual_review``). The vocabulary of spellings seen
on real caseloads is ``generator.sources.meaning`` (shared with ``plangen check``); anything else is
compared by its words and letters.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from generator.mapping.fields import BUILTIN_NAMES
from generator.sources.meaning import HEADERS, field_concept, header_concept, resemblance, words

ALIASES = HEADERS  # concept -> the headers typed for it (generator.sources.meaning)
NAME_HINTS = ("name", "student", "child", "pupil", "client")
REVIEW_HINTS = ("review", "annual", "iep")
BIRTH_HINTS = ("dob", "birth", "born")
MATCH_CUTOFF = 0.85
# a template field a column of another concept may feed when no column of its own does (scored below a true match)
NEAR = {("goals", "objectives"): 0.9}


def field_name(header: str) -> str:
    """The name a template would use for a column: an alias's name, else the header in snake_case."""
    plain = words(header)
    concept = header_concept(header)
    if concept is not None:
        return concept
    name = "_".join(plain.replace("#", "number").split()) or "column"
    if name[0].isdigit():
        name = "col_" + name
    return name + "_column" if name in BUILTIN_NAMES else name


def has_hint(header: str, hints: tuple[str, ...]) -> bool:
    return any(hint in words(header).split() or hint in words(header) for hint in hints)


def similarity(template_field: str, candidate: str, header: str | None) -> float:
    """How likely a template field means this candidate field (named ``candidate``, reading ``header``)."""
    wanted = words(template_field)
    if field_concept(template_field) == field_concept(candidate):
        return 1.0
    best = resemblance(template_field, header) if header else 0.0
    best = max(best, NEAR.get((field_concept(template_field), field_concept(candidate)), 0.0))
    for other in filter(None, (words(candidate), words(header) if header else None)):
        if other == wanted or other in ALIASES.get(field_concept(template_field), ()):
            return 1.0
        best = max(best, SequenceMatcher(None, wanted, other).ratio(), _shared_words(wanted, other))
    return best


def _shared_words(a: str, b: str) -> float:
    stem = {w.rstrip("s") for w in a.split()}, {w.rstrip("s") for w in b.split()}
    if not stem[0] or not stem[1]:
        return 0.0
    return len(stem[0] & stem[1]) / max(len(stem[0]), len(stem[1]))
