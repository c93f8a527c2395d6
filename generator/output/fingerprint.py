"""Which of a student's sheet fields changed since plangen wrote their plan, without keeping the values.

A plan the therapist edited is kept as is; whether it is also *stale* (the sheet changed since, so the
meeting would see old minutes or goals) needs the values plangen wrote it from. Only a short hash of
each field's name and value is kept: 24 bits, so a run compares fields without storing anything a
reader could turn back into a student's data (many values share each hash). A changed field is
missed once in 16 million; a field never reported changed when it did not.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

TOKEN = 4  # characters per field: 3 bytes of SHA-256 in URL-safe base64


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# What json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False) makes, without building an
# encoder per call (json.dumps does, given any option): ~40 fields per plan, so it showed in the profile.
_URL_SAFE = str.maketrans("+/", "-_")  # base64.urlsafe_b64encode's alphabet, without its two extra calls
_ENCODE = json.JSONEncoder(default=_plain, sort_keys=True, ensure_ascii=False).encode


def token(name: str, value: Any) -> str:
    return _letters(_digest(name, value))


def _digest(name: str, value: Any) -> bytes:
    return hashlib.sha256(f"{name}\0{_ENCODE(value)}".encode()).digest()[: TOKEN // 4 * 3]


def fingerprint(values: Mapping[str, Any], names: Iterable[str]) -> str:
    """One token per field, in name order, as one string (each token's 3 bytes encode to exactly 4
    characters, so the digests are encoded together: the same text as joining each field's token)."""
    return _letters(b"".join(_digest(name, values.get(name)) for name in sorted(names)))


def _letters(digests: bytes) -> str:
    return binascii.b2a_base64(digests, newline=False).decode("ascii").translate(_URL_SAFE)


def changed_fields(stored: str | None, values: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """The fields whose value is not among those recorded; empty when nothing was recorded."""
    if not stored:
        return []
    known = {stored[i : i + TOKEN] for i in range(0, len(stored), TOKEN)}
    return [name for name in names if token(name, values.get(name)) not in known]


def stale_message(changed: list[str]) -> str:
    return (
        f"edited since plangen wrote it, and the sheet changed since: {', '.join(changed)}. Kept as is: "
        "bring the changes into the plan, or use --replace-edited to write a new plan (the edited copy is "
        "kept beside it)"
    )
