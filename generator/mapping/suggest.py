"""'Did you mean' for every name a therapist types: columns, fields, settings, sources."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """' Did you mean ...?' for a misspelt name, or nothing when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=cutoff)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
