"""The marks plangen leaves on its Drive files, keyed by a secret that is never in Drive.

A Drive file's public ``properties`` can be read by any app and by anyone who can open the file;
its ``appProperties`` only by apps of the OAuth client's Cloud project. Whatever plangen stores is
therefore either free of student data or keyed with this run's *mark key*: 32 random bytes kept in
the user's plangen config folder (``drive-marks.key``, readable only by them, beside the saved
sign-in; ``PLANGEN_DRIVE_KEY_FILE`` names another place). Without the key, a mark tells nothing
about the student: trying candidate IDs, birth dates or eligibilities gives no match.

A second computer without the key file cannot read the marks either; there plangen degrades to the
safe side: a Doc in the student's folder named like the plan is kept as is, never overwritten and
never doubled (copy the key file to keep updating plans from both).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from generator.errors import ConfigError
from generator.google.auth.credentials import default_token_path, write_private
from generator.output.fingerprint import TOKEN, token

ENV_KEY_FILE = "PLANGEN_DRIVE_KEY_FILE"
KEY_FILE_NAME = "drive-marks.key"
_KEY_BYTES = 32


def default_key_path() -> Path:
    """Where the mark key lives: ``PLANGEN_DRIVE_KEY_FILE``, else beside the default saved sign-in."""
    env = os.environ.get(ENV_KEY_FILE, "").strip()
    return Path(env).expanduser() if env else default_token_path().parent / KEY_FILE_NAME


class MarkKey:
    """HMAC-SHA256 marks under one secret: the student, the plan, its content and its sheet fields."""

    def __init__(self, secret: bytes, path: Path | None = None):
        if len(secret) < 16:
            raise ValueError("a mark key needs at least 16 bytes")
        self._secret = secret
        self.path = path

    @classmethod
    def load(cls, path: Path | None = None) -> MarkKey:
        """The key at ``path`` (default: :func:`default_key_path`), made (0600) on first use."""
        target = Path(path) if path is not None else default_key_path()
        try:
            text = target.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            secret = secrets.token_bytes(_KEY_BYTES)
            try:
                write_private(target, base64.urlsafe_b64encode(secret).decode("ascii") + "\n")
            except OSError as exc:
                raise ConfigError(
                    f"Could not save plangen's Drive mark key to {target}: {exc.strerror or exc}. Set "
                    f"{ENV_KEY_FILE} to a writable file."
                ) from exc
            return cls(secret, target)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Could not read plangen's Drive mark key {target}: {exc}.") from exc
        try:
            secret = base64.urlsafe_b64decode(text.encode("ascii"))
            return cls(secret, target)
        except ValueError:
            raise ConfigError(
                f"plangen's Drive mark key {target} is damaged. Restore it from a copy, or delete it (plans "
                "written with it will then be kept as they are, not updated)."
            ) from None

    def mark(self, *parts: str) -> str:
        """A 24-character mark of ``parts`` (144 bits of HMAC-SHA256)."""
        digest = hmac.new(self._secret, "\0".join(parts).encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode("ascii")

    def fields(self, values: Mapping[str, Any], names: Iterable[str]) -> str:
        """The sheet fields' fingerprint, each field's 24-bit token keyed: unreadable without the key."""
        return "".join(self._field(name, values.get(name)) for name in sorted(names))

    def changed(self, stored: str | None, values: Mapping[str, Any], names: Iterable[str]) -> list[str]:
        """The fields whose value is not among those recorded; empty when nothing was recorded."""
        if not stored:
            return []
        known = {stored[i : i + TOKEN] for i in range(0, len(stored), TOKEN)}
        return [name for name in names if self._field(name, values.get(name)) not in known]

    def _field(self, name: str, value: Any) -> str:
        digest = hmac.new(self._secret, f"field\0{token(name, value)}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[: TOKEN // 4 * 3]).decode("ascii")
