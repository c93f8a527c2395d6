"""Telling Google links and IDs from file paths, and making links: pure text, no Google libraries.

The CLI and the pipeline ask this module whether a --source/--template value is a Google file
before deciding whether the Google half of plangen is needed at all, so it must stay cheap to
import: no googleapiclient, no google.auth, no network.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError

FOLDER_MIME = "application/vnd.google-apps.folder"
DOC_MIME = "application/vnd.google-apps.document"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --scope: FULL is the `drive` scope (every file the account can open), FILE `drive.file` (only what
# plangen created); named here so the CLI can offer them without loading the sign-in code.
SCOPE_FULL = "full"
SCOPE_FILE = "file"
SCOPE_CHOICES = (SCOPE_FULL, SCOPE_FILE)

_GOOGLE_HOSTS = ("drive.google.com", "docs.google.com", "sheets.google.com")
_ID = r"[A-Za-z0-9_-]{15,200}"
_BARE_ID = re.compile(rf"^{_ID}$")
_PATH_ID = re.compile(rf"/(?:folders|d)/({_ID})(?:[/?#]|$)")
# Drive IDs are 28-44 characters; no file name looks like one
_FILE_NAME_LIKE_ID = re.compile(r"^[A-Za-z0-9_-]{25,200}$")
_UNSAFE_IN_LABEL = str.maketrans({"/": "\u2215", "\\": "\u2216"})  # a label is shown as a path's name


@dataclass(frozen=True)
class GoogleRef:
    """A Google file named by a link or a bare ID, as the therapist gave it."""

    file_id: str
    given: str
    gid: int | None = None  # the tab a Sheets link points at
    bare: bool = False  # a bare ID, which could also have been a mistyped local file name


def is_link(text: str) -> bool:
    """A URL, or a Google link pasted without its https://."""
    return "://" in text or text.strip().lower().startswith(_GOOGLE_HOSTS)


def as_location(text: str | None) -> str | Path | None:
    """A command-line value as a link (kept as text: a Path would fold its //) or a path."""
    if text is None:
        return None
    return text.strip() if is_link(text) else Path(text)


def google_ref(location: str | Path, what: str) -> GoogleRef | None:
    """The Google file a --source/--template value names, or None for a file on this computer."""
    text = str(location).strip()
    if isinstance(location, str) and is_link(text):
        file_id = parse_drive_id(text, what=f"{what} link")
        return GoogleRef(file_id, text, parse_sheet_gid(text))
    path = Path(location)
    if not path.exists() and _FILE_NAME_LIKE_ID.match(path.name):
        return GoogleRef(path.name, path.name, bare=True)
    return None


def label_for(name: str, kind: str) -> str:
    """How messages and the manifest name a Google file: its title and what it is."""
    return f"{name.strip().translate(_UNSAFE_IN_LABEL) or '(untitled)'} ({kind})"


def _as_url(text: str) -> urllib.parse.SplitResult | None:
    candidate = text
    if not re.match(r"^[a-z][a-z0-9+.-]*://", candidate, re.IGNORECASE):
        if not candidate.lower().startswith(_GOOGLE_HOSTS):
            return None
        candidate = "https://" + candidate
    parts = urllib.parse.urlsplit(candidate)
    host = (parts.hostname or "").lower()
    if not (host in _GOOGLE_HOSTS or host.endswith(".google.com")):
        return None
    return parts


def parse_drive_id(text: str, *, what: str = "Google Drive link") -> str:
    """The file or folder ID in a pasted link or ID, as people copy them from a browser.

    Accepts ``drive/folders/ID``, ``drive/u/0/folders/ID?resourcekey=...``, ``open?id=ID``,
    ``file/d/ID/view``, ``document/d/ID/edit``, ``spreadsheets/d/ID/edit#gid=N`` (also with a
    ``/u/N/`` or ``/a/domain/`` prefix) or a bare ID.
    """
    cleaned = str(text).strip().strip("<>\"'").strip()
    if _BARE_ID.match(cleaned):
        return cleaned
    parts = _as_url(cleaned)
    if parts is not None:
        match = _PATH_ID.search(parts.path)
        if match:
            return match.group(1)
        ids = urllib.parse.parse_qs(parts.query).get("id", [])
        if ids and _BARE_ID.match(ids[0]):
            return ids[0]
    shown = cleaned if len(cleaned) <= 120 else cleaned[:117] + "..."
    raise ConfigError(
        f"{shown!r} is not a {what} or ID. Copy the link from the browser's address bar while "
        "the folder or file is open (e.g. https://drive.google.com/drive/folders/<ID>), "
        "or paste just the ID."
    )


def parse_sheet_gid(url: str) -> int | None:
    """The tab (``gid``) a Google Sheets link points at, or None when it names no tab."""
    parts = urllib.parse.urlsplit(str(url).strip())
    for chunk in (parts.fragment, parts.query):
        values = urllib.parse.parse_qs(chunk).get("gid")
        if values:
            value = values[-1].strip()
            if not value.isdigit():
                raise ConfigError(
                    f"The Google Sheets link {url!r} has gid={value!r}; a tab's gid is a number. "
                    "Copy the link again while the wanted tab is open."
                )
            return int(value)
    return None


def web_link(file_id: str, mime_type: str) -> str:
    """The link a person would open for a Drive item, for messages and manifests."""
    if mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{file_id}"
    if mime_type == DOC_MIME:
        return f"https://docs.google.com/document/d/{file_id}/edit"
    if mime_type == SHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{file_id}/edit"
    return f"https://drive.google.com/file/d/{file_id}/view"
